"""Writing the audit trail. Domain actions call these inside their own transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict
from django.utils import timezone

from eduplatform.audit.models import GENESIS_HASH, PUBLIC_CHAIN, AuditEvent

SYSTEM_ACTOR_LABEL = "system"
# Field values never copied into the trail.
SECRET_FIELDS = frozenset({"password", "secret_hash", "otp_secret", "id_number"})


def snapshot(instance: models.Model) -> dict[str, Any]:
    """A JSON-safe copy of a row's field values, for the before and after columns."""
    encoder = DjangoJSONEncoder()
    values = model_to_dict(instance)
    for field in instance._meta.concrete_fields:
        # model_to_dict skips non-editable fields (created_at...); the trail wants them.
        values.setdefault(field.name, field.value_from_object(instance))
    values["id"] = instance.pk
    return {key: _json_safe(value, encoder) for key, value in values.items() if key not in SECRET_FIELDS}


def _json_safe(value: Any, encoder: DjangoJSONEncoder) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple | set):
        return [_json_safe(item, encoder) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_safe(item, encoder) for key, item in value.items()}
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):  # a stored file (an empty one has no url: ask its name)
        return value.name or None
    return encoder.default(value)


def current_school():
    """The school whose schema the connection is in, or None in the public schema."""
    from tenants.models import School

    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, School):
        return tenant
    # schema_context() and tasks may set only the schema name, not the School row.
    schema_name = getattr(connection, "schema_name", "public")
    if not schema_name.startswith("school_"):
        return None
    return School.objects.filter(schema_name=schema_name).first()


def _chain_for(school) -> str:
    return school.code if school is not None else PUBLIC_CHAIN


def lock_chain(chain: str) -> None:
    """Serialise writers of one chain until their transaction ends. Chains are per school,
    so a long import in one school never holds up another school's writes."""
    key = int.from_bytes(hashlib.sha256(f"audit:{chain}".encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _actor_fields(actor) -> dict[str, Any]:
    from eduplatform.accounts.principals import api_key_of

    key = api_key_of(actor)
    if key is not None:
        return {"actor": None, "api_key": key, "actor_label": key.label}
    if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None):
        return {"actor": actor, "api_key": None, "actor_label": str(actor.username)[:100]}
    label = str(actor) if isinstance(actor, str) and actor else SYSTEM_ACTOR_LABEL
    return {"actor": None, "api_key": None, "actor_label": label[:100]}


def append_events(events: list[AuditEvent], chain: str) -> list[AuditEvent]:
    with transaction.atomic():
        lock_chain(chain)
        last = AuditEvent.objects.filter(chain=chain).order_by("-sequence").values("sequence", "hash").first()
        sequence = last["sequence"] if last else 0
        previous = last["hash"] if last else GENESIS_HASH
        now = timezone.now()
        for event in events:
            sequence += 1
            event.chain = chain
            event.sequence = sequence
            event.previous_hash = previous
            event.created_at = now
            event.hash = event.compute_hash()
            previous = event.hash
        return AuditEvent.objects.bulk_create(events, batch_size=1000)


def record_event(
    *,
    actor,
    action: str,
    object_type: str = "",
    object_id: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    school=None,
    context: dict[str, Any] | None = None,
) -> AuditEvent:
    school = school if school is not None else current_school()
    event = AuditEvent(
        **_actor_fields(actor),
        school=school,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
        context=context or {},
    )
    return append_events([event], _chain_for(school))[0]


def change_values(*, action: str, instance: models.Model, before: dict[str, Any] | None) -> dict[str, Any]:
    """What record_change records about one row, for record_events."""
    return {
        "action": action,
        "object_type": instance._meta.label_lower,
        "object_id": str(instance.pk),
        "before": before,
        "after": None if action == "delete" else snapshot(instance),
    }


def record_change(
    *, actor, action: str, instance: models.Model, before: dict[str, Any] | None, school=None
) -> AuditEvent:
    """Audit one row's create, update or delete, with its values before and after."""
    return record_event(
        actor=actor, school=school, **change_values(action=action, instance=instance, before=before)
    )


def record_events(*, actor, events: Iterable[dict[str, Any]], school=None) -> list[AuditEvent]:
    """Audit several events of one action, in order, under one lock of the chain.

    Each event is a dict of record_event's arguments (action, object_type, object_id,
    before, after, context), e.g. from change_values. The trail is the same as calling
    record_event for each; the chain's lock and last hash are taken once, not per event.
    """
    school = school if school is not None else current_school()
    actor_fields = _actor_fields(actor)
    rows = [
        AuditEvent(
            **actor_fields,
            school=school,
            action=event["action"],
            object_type=event.get("object_type", ""),
            object_id=event.get("object_id", ""),
            before=event.get("before"),
            after=event.get("after"),
            context=event.get("context") or {},
        )
        for event in events
    ]
    return append_events(rows, _chain_for(school)) if rows else []


def record_bulk_change(
    *, actor, action: str, changes: Iterable[tuple[models.Model, dict[str, Any] | None]], school=None
) -> list[AuditEvent]:
    """Audit a bulk update: one event per row, all appended under one lock."""
    school = school if school is not None else current_school()
    actor_fields = _actor_fields(actor)
    events = [
        AuditEvent(
            **actor_fields,
            school=school,
            action=action,
            object_type=instance._meta.label_lower,
            object_id=str(instance.pk),
            before=before,
            after=None if action == "delete" else snapshot(instance),
        )
        for instance, before in changes
    ]
    return append_events(events, _chain_for(school)) if events else []
