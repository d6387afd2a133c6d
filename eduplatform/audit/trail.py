"""Writing the audit trail. Domain actions call these inside their own transaction."""

from __future__ import annotations

from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.forms.models import model_to_dict

from eduplatform.audit.models import AuditEvent

SYSTEM_ACTOR_LABEL = "system"


def snapshot(instance: models.Model) -> dict[str, Any]:
    """A JSON-safe copy of a row's field values, for the before and after columns."""
    encoder = DjangoJSONEncoder()
    values = model_to_dict(instance)
    values["id"] = instance.pk
    return {key: _json_safe(value, encoder) for key, value in values.items()}


def _json_safe(value: Any, encoder: DjangoJSONEncoder) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_json_safe(item, encoder) for item in value]
    if isinstance(value, models.Model):
        return value.pk
    return encoder.default(value)


def current_school():
    """The school whose schema the connection is in, or None in the public schema."""
    from tenants.models import School

    tenant = getattr(connection, "tenant", None)
    return tenant if isinstance(tenant, School) else None


def record_change(
    *, actor, action: str, instance: models.Model, before: dict[str, Any] | None, school=None
) -> AuditEvent:
    after = None if action == "delete" else snapshot(instance)
    return record_event(
        actor=actor,
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        before=before,
        after=after,
        school=school,
    )


def record_event(
    *,
    actor,
    action: str,
    object_type: str = "",
    object_id: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    school=None,
) -> AuditEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = str(actor.username) if user is not None else (str(actor) if actor else SYSTEM_ACTOR_LABEL)
    return AuditEvent.objects.create(
        actor=user,
        actor_label=label[:100],
        school=school if school is not None else current_school(),
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
    )
