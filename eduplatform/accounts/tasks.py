from __future__ import annotations

from django.core.management import call_command

from eduplatform.celery import app


@app.task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def clear_expired_sessions() -> None:
    """Sessions live in the public schema; expired ones are removed twice a day or so."""
    call_command("clearsessions")
