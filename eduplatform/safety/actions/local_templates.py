"""The school's own templates, beyond making them and their items (actions.inspections):
change them, stop using one, or use it again. A stopped template is neither offered nor
required; inspections made from it keep their copy of its items, and so does an edit: an
inspection asks what the template said when it started.

Each change re-reads the row under a lock, so its audit record's "before" is what was
stored, not what the caller's copy said (another person may have changed it since)."""

from __future__ import annotations

from django.db import transaction

from eduplatform.audit.trail import record_change, snapshot
from eduplatform.safety.models import LocalItem, LocalTemplate

LOCAL_TEMPLATE_FIELDS = ("name", "category", "frequency", "times_per_term", "description")


def set_local_template_active(*, local_template: LocalTemplate, is_active: bool, actor) -> LocalTemplate:
    with transaction.atomic():
        local_template = LocalTemplate.objects.select_for_update().get(pk=local_template.pk)
        before = snapshot(local_template)
        local_template.is_active = is_active
        local_template.save(update_fields=["is_active", "updated_at"])
        record_change(actor=actor, action="update", instance=local_template, before=before)
    return local_template


def update_local_template(*, local_template: LocalTemplate, actor, **fields) -> LocalTemplate:
    """Change the name, category, frequency or description; what is not given stays. The
    same rules as making one (and as the district's templates)."""
    from eduplatform.checklists.actions import check_template_fields

    with transaction.atomic():
        local_template = LocalTemplate.objects.select_for_update().get(pk=local_template.pk)
        values = check_template_fields(
            {
                **{name: fields.get(name, getattr(local_template, name)) for name in LOCAL_TEMPLATE_FIELDS},
                "school_kinds": [],
            }
        )
        values.pop("school_kinds")
        before = snapshot(local_template)
        for name, value in values.items():
            setattr(local_template, name, value)
        local_template.save()
        record_change(actor=actor, action="update", instance=local_template, before=before)
    return local_template


def update_local_item(*, item: LocalItem, actor, **fields) -> LocalItem:
    """Change what a school item asks and how its answer is judged; what is not given stays.
    The same rules as adding one (and as the district's items)."""
    from eduplatform.checklists.actions import _definition_values

    with transaction.atomic():
        item = LocalItem.objects.select_for_update().get(pk=item.pk)
        values = _definition_values(
            {name: value for name, value in fields.items() if name in LocalItem.DEFINITION_FIELDS},
            base=item.definition(),
        )
        before = snapshot(item)
        for name, value in values.items():
            setattr(item, name, value)
        item.save()
        record_change(actor=actor, action="update", instance=item, before=before)
    return item
