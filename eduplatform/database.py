"""Telling an operator, in one line, why the database cannot be reached."""

from __future__ import annotations

from django.conf import settings


def database_address() -> str:
    database = settings.DATABASES["default"]
    host = database.get("HOST") or "localhost"
    if host.startswith("/"):
        return f"socket {host}"
    return f"{host}:{database.get('PORT') or 5432}"


def describe_connection_failure(error: Exception) -> str:
    reason = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
    name = settings.DATABASES["default"].get("NAME")
    return f"Cannot reach PostgreSQL at {database_address()} (database {name!r}, from DATABASE_URL): {reason}"
