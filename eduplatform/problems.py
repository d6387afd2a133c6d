"""The shape of an API error (RFC 9457 problem details), shared by the API and the router."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://eduplatform.example/problems/"


def titles() -> dict[int, str]:
    return {
        400: _("输入有误"),
        401: _("需要登录或有效的 API 密钥"),
        403: _("没有权限"),
        404: _("未找到"),
        405: _("不支持此操作"),
        429: _("请求过于频繁"),
    }


def problem_body(*, status_code: int, code: str, detail: str, errors=None) -> dict:
    body = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": titles().get(status_code, _("请求失败")),
        "status": status_code,
        "code": code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return body


def problem_json_response(*, status_code: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse(
        problem_body(status_code=status_code, code=code, detail=detail),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
