"""Liveness and readiness probes for the load balancer and the orchestrator."""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tenants.models import School
from tenants.schemas import missing_school_migrations


@never_cache
@require_GET
def healthz(request):
    """The process answers. Touches no database, so a database outage does not restart it."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    """Everything the platform needs to serve: one entry per check, 503 naming what fails."""
    checks = {"database": _check_database()}
    if checks["database"]["ok"]:
        checks["migrations_public"] = _check_public_migrations()
        checks["migrations_schools"] = _check_school_migrations()
    else:
        skipped = {"ok": False, "detail": "skipped: database unavailable"}
        checks["migrations_public"] = skipped
        checks["migrations_schools"] = skipped
    checks["broker"] = _check_broker()
    ready = all(check["ok"] for check in checks.values())
    failing = [name for name, check in checks.items() if not check["ok"]]
    return JsonResponse(
        {"status": "ready" if ready else "unavailable", "failing": failing, "checks": checks},
        status=200 if ready else 503,
    )


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except DatabaseError as error:
        return {"ok": False, "detail": str(error).strip().splitlines()[0]}


def _check_public_migrations() -> dict:
    connection.set_schema_to_public()
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        pending = [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
        return {"ok": False, "detail": f"{len(pending)} unapplied", "pending": pending[:20]}
    return {"ok": True}


def _check_school_migrations() -> dict:
    schemas = list(School.objects.active().values_list("schema_name", flat=True))
    missing = missing_school_migrations(schemas)
    if missing:
        codes = sorted(name.removeprefix("school_") for name in missing)
        return {
            "ok": False,
            "detail": f"{len(missing)} of {len(schemas)} schools have unapplied migrations",
            "schools": codes[:50],
        }
    return {"ok": True, "schools": len(schemas)}


def _check_broker() -> dict:
    timeout = settings.READYZ_BROKER_TIMEOUT_SECONDS
    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        client.ping()
        client.close()
        return {"ok": True}
    except redis.RedisError as error:
        return {"ok": False, "detail": str(error).strip().splitlines()[0]}
