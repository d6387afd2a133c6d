"""Errors as RFC 9457 problem details, each with a stable machine `code`.

{"type": ".../problems/missing_capability", "title": "...", "status": 403,
 "code": "missing_capability", "detail": "...", "errors": {"field": [{"code", "message"}]}}
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from eduplatform.audit.trail import record_event
from eduplatform.problems import PROBLEM_CONTENT_TYPE, problem_body

REFUSALS = (exceptions.NotAuthenticated, exceptions.PermissionDenied, exceptions.NotFound)


def problem_response(*, status_code: int, code: str, detail: str, errors=None) -> Response:
    body = problem_body(status_code=status_code, code=code, detail=detail, errors=errors)
    return Response(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def problem_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    if isinstance(exc, exceptions.ValidationError):
        details = exc.get_full_details()
        if isinstance(details, list):
            details = {"non_field_errors": details}
        errors = {field: _as_list(items) for field, items in details.items()}
        first = next(iter(errors.values()))[0] if errors else {"code": "invalid", "message": ""}
        problem = problem_response(
            status_code=response.status_code, code="invalid", detail=first["message"], errors=errors
        )
    else:
        full = exc.get_full_details() if isinstance(exc, exceptions.APIException) else {}
        code = full.get("code", "error") if isinstance(full, dict) else "error"
        detail = full.get("message", str(exc)) if isinstance(full, dict) else str(exc)
        problem = problem_response(status_code=response.status_code, code=code, detail=str(detail))
    for header in ("WWW-Authenticate", "Allow", "Retry-After"):
        if header in response:
            problem[header] = response[header]
    if isinstance(exc, REFUSALS) and request is not None:
        _audit_refusal(request, problem.data["code"], response.status_code)
    return problem


def _as_list(items):
    if isinstance(items, dict):  # nested serializer errors
        return [{"code": "invalid", "message": str(items)}]
    return [{"code": item.get("code", "invalid"), "message": str(item.get("message", ""))} for item in items]


def _audit_refusal(request, code: str, status_code: int) -> None:
    principal = getattr(request, "user", None)
    record_event(
        actor=principal if getattr(principal, "is_authenticated", False) else "anonymous",
        action="access_refused",
        school=getattr(request._request, "school", None),
        context={"path": request.path, "method": request.method, "reason": code, "status": status_code},
    )
