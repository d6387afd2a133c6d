"""Enqueueing tasks after commit, in the schema they were asked for."""

from __future__ import annotations

from typing import Any

from celery.utils import uuid
from django.db import connection, transaction


def enqueue_on_commit(task, *args: Any, **kwargs: Any) -> str:
    """Send `task` when the current transaction commits, to run in the current schema.

    The schema is read now, while the caller is in it, and passed explicitly: by the time
    the transaction commits, the connection may have moved to another schema. Returns the
    task id, known before the task is sent, so a page can follow its progress.
    """
    schema_name = connection.schema_name
    task_id = uuid()

    def send() -> None:
        task.apply_async(args=args, kwargs=kwargs, headers={"_schema_name": schema_name}, task_id=task_id)

    transaction.on_commit(send)
    return task_id
