"""Refusals with a stable code and a Chinese message, attached to the field they are about.

Django drops the `code` of ValidationError(dict, code=...); the pages show the message
beside the field and the API turns the code into problem+json `errors`, so both are kept
by building the error per field.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError


def refusal(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def refusals(errors: dict[str, tuple[str, str]]) -> ValidationError:
    """Several refusals at once: {field: (message, code)}."""
    return ValidationError(
        {field: [ValidationError(message, code=code)] for field, (message, code) in errors.items()}
    )


def first_code(error: ValidationError) -> str | None:
    if hasattr(error, "error_dict"):
        for errors in error.error_dict.values():
            for item in errors:
                return item.code
    return getattr(error, "code", None)
