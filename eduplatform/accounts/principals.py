"""Who is acting: a person (a User) or a machine (an ApiKey), seen the same way by access checks."""

from __future__ import annotations

from dataclasses import dataclass

from eduplatform.accounts.models import ApiKey


@dataclass(frozen=True)
class ApiKeyPrincipal:
    """What `request.user` is for a request authenticated with an API key."""

    api_key: ApiKey

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    @property
    def username(self) -> str:
        return self.api_key.label

    def __str__(self) -> str:
        return self.api_key.label


def api_key_of(principal) -> ApiKey | None:
    return principal.api_key if isinstance(principal, ApiKeyPrincipal) else None
