from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from eduplatform.accounts.api_keys import ApiKeyError, authenticate_api_key
from eduplatform.accounts.principals import ApiKeyPrincipal
from eduplatform.audit.trail import record_event

KEYWORD = "Api-Key"


class ApiKeyFailed(exceptions.AuthenticationFailed):
    def __init__(self, detail, code):
        super().__init__(detail=detail, code=code)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Api-Key <key>`, for government systems and scripts."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        keyword, _space, raw = header.partition(" ")
        if keyword != KEYWORD:
            return None
        try:
            key = authenticate_api_key(raw)
        except ApiKeyError as error:
            record_event(
                actor=error.key.label if error.key else "api-key:unknown",
                action="api_key_refused",
                object_type="accounts.apikey",
                object_id=str(error.key.pk) if error.key else "",
                school=error.key.school if error.key else None,
                context={"reason": error.code, "path": request.path, "method": request.method},
            )
            raise ApiKeyFailed(str(error), error.code) from None
        return ApiKeyPrincipal(key), key

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="eduplatform"'


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": str(_("“Api-Key <密钥>”。密钥在系统的“API 密钥”页面创建，只显示一次。")),
        }
