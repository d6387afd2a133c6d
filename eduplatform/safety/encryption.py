"""Fields encrypted at rest with Fernet (settings.FIELD_ENCRYPTION_KEY).

The database holds only the token; Python code sees the plain value. Tokens are not
deterministic, so an encrypted field can be neither searched nor made unique: keep what
must be looked up (the last four characters of an ID number) in a plain field beside it.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode() if isinstance(key, str) else key)


def encrypt(value: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken:
        # A row written under another key: say so rather than fail the whole page.
        return ""


class EncryptedTextField(models.TextField):
    """A text value stored as a Fernet token."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
