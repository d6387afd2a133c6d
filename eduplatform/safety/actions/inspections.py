"""Inspections and patrols: start from a template, answer, attach photos, sign, submit.

Starting copies the items of the template's version in force (and the school's own
extra items) into the inspection, so the inspection keeps exactly what it asked whatever
the bureau or the school changes later. A submitted inspection is read-only; submitting
opens one hazard for each failed item that says so.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from eduplatform.audit.trail import (
    change_values,
    current_school,
    record_change,
    record_event,
    record_events,
    snapshot,
)
from eduplatform.checklists import answers
from eduplatform.checklists.models import Frequency, ItemDefinition, ItemKind, TemplateCategory
from eduplatform.checklists.refusals import refusal, refusals
from eduplatform.safety import facts
from eduplatform.safety.actions.hazards import after_opening, open_hazard
from eduplatform.safety.models import (
    HazardCategory,
    HazardSource,
    Inspection,
    InspectionItem,
    InspectionPhoto,
    InspectionResponsibility,
    InspectionStatus,
    LocalItem,
    LocalTemplate,
)

CATEGORY_OF_TEMPLATE = {
    TemplateCategory.FIRE: HazardCategory.FIRE,
    TemplateCategory.FOOD_SAFETY: HazardCategory.FOOD,
    TemplateCategory.BUILDING: HazardCategory.BUILDING,
    TemplateCategory.ELECTRICAL: HazardCategory.ELECTRICAL,
    TemplateCategory.SPORTS_EQUIPMENT: HazardCategory.FACILITIES,
    TemplateCategory.SURROUNDINGS: HazardCategory.SURROUNDINGS,
    TemplateCategory.VEHICLE: HazardCategory.TRAFFIC,
}


def item_field(item) -> str:
    """The form field (and API error key) of an inspection item."""
    return f"item-{item.pk}"


def start_inspection(
    *, template=None, local_template=None, location: str = "", building=None, actor
) -> Inspection:
    """A draft inspection from the district template's version in force, or a local template."""
    if (template is None) == (local_template is None):
        raise refusal("template", _("请选择检查模板。"), "required")
    rows: list[InspectionItem] = []
    if template is not None:
        version = template.current_version
        if version is None or not template.is_active:
            raise refusal("template", _("该模板尚未发布，不能使用。"), "template_unpublished")
        source_items = list(
            version.items.select_related("section").order_by("section__position", "position", "id")
        )
        for item in source_items:
            rows.append(
                InspectionItem(
                    section_title=item.section.title, template_item_id=item.pk, **item.definition()
                )
            )
        extras = LocalItem.objects.filter(district_template_id=template.pk, is_active=True)
        header = dict(title=template.name, category=template.category, frequency=template.frequency)
    else:
        if not local_template.is_active:
            raise refusal("template", _("该模板已停用。"), "template_inactive")
        extras = local_template.items.filter(is_active=True)
        header = dict(
            title=local_template.name, category=local_template.category, frequency=local_template.frequency
        )
    for item in extras.order_by("position", "id"):
        rows.append(InspectionItem(section_title=_("本校补充"), local_item=item, **item.definition()))
    if not rows:
        raise refusal("template", _("该模板没有检查项。"), "no_items")
    with transaction.atomic():
        inspection = Inspection.objects.create(
            template=template,
            template_version=template.current_version if template is not None else None,
            local_template=local_template,
            location=location.strip()[:100],
            building=building,
            inspector=actor,
            **header,
        )
        for position, row in enumerate(rows, start=1):
            row.inspection = inspection
            row.position = position
        InspectionItem.objects.bulk_create(rows)
        record_change(actor=actor, action="create", instance=inspection, before=None)
    return inspection


def _editable(inspection: Inspection) -> None:
    if inspection.status != InspectionStatus.DRAFT:
        raise refusal("inspection", _("检查已提交，不能再修改。"), "inspection_submitted")


ANSWER_KEYS = ("result", "number", "text", "choice", "note")


def _apply(items: dict[int, InspectionItem], raw_answers: dict) -> list[InspectionItem]:
    """Check every answer first, then change the rows in memory: all or nothing."""
    errors: dict[str, list[ValidationError]] = {}
    changed: list[InspectionItem] = []
    for key, answer in raw_answers.items():
        item = items.get(int(key)) if str(key).isdigit() else None
        if item is None:
            errors[f"item-{key}"] = [ValidationError(_("检查项不存在。"), code="unknown_item")]
            continue
        field = item_field(item)
        result = (answer.get("result") or "").strip()
        choice = (answer.get("choice") or "").strip()
        try:
            try:
                number = answers.parse_number(answer.get("number"))
            except ValidationError:
                raise refusal(
                    field, _("“%(item)s”：请输入数字。") % {"item": item.text}, "invalid_number"
                ) from None
            answers.check_value(item, result=result, number=number, choice=choice, field=field)
        except ValidationError as error:
            errors.update(error.error_dict)
            continue
        if "result" in answer:
            item.result = result
        if "number" in answer:
            item.number_value = number
        if "text" in answer:
            item.text_value = (answer.get("text") or "").strip()
        if "choice" in answer:
            item.choice_value = choice
        if "note" in answer:
            item.note = (answer.get("note") or "").strip()[:500]
        item.is_failed = answers.is_failed(item, result=item.result, choice=item.choice_value)
        changed.append(item)
    if errors:
        raise ValidationError(errors)
    return changed


def save_answers(*, inspection: Inspection, answers: dict, actor) -> Inspection:
    """Save a draft's answers: {item id: {"result", "number", "text", "choice", "note"}}."""
    _editable(inspection)
    items = {item.pk: item for item in inspection.items.all()}
    changed = _apply(items, answers)
    if changed:
        with transaction.atomic():
            now = timezone.now()
            _write_answers(changed, now)
            Inspection.objects.filter(pk=inspection.pk).update(updated_at=now)
            record_event(actor=actor, **_answer_event(inspection, changed))
    return inspection


def _write_answers(changed: list[InspectionItem], now) -> None:
    """One UPDATE per distinct answer rather than bulk_update's CASE per row and field: a
    patrol's forty answers are mostly the same "pass", so this is one or a few statements."""
    same_answer: dict[tuple, list[int]] = defaultdict(list)
    for item in changed:
        item.updated_at = now
        answer = (
            item.result,
            item.number_value,
            item.text_value,
            item.choice_value,
            item.note,
            item.is_failed,
        )
        same_answer[answer].append(item.pk)
    for (result, number, text, choice, note, is_failed), ids in same_answer.items():
        InspectionItem.objects.filter(pk__in=ids).update(
            result=result, number_value=number, text_value=text, choice_value=choice, note=note,
            is_failed=is_failed, updated_at=now,
        )  # fmt: skip


def _answer_event(inspection: Inspection, changed: list[InspectionItem]) -> dict:
    return {
        "action": "answer",
        "object_type": "safety.inspection",
        "object_id": str(inspection.pk),
        "after": {
            str(item.pk): {
                "result": item.result,
                "number": str(item.number_value) if item.number_value is not None else None,
                "text": item.text_value,
                "choice": item.choice_value,
                "note": item.note,
            }
            for item in changed
        },
    }


def add_inspection_photo(*, item: InspectionItem, image, actor) -> InspectionPhoto:
    """Attach a cleaned photo (eduplatform.safety.photos.clean_photo) to an item of a draft."""
    _editable(item.inspection)
    with transaction.atomic():
        photo = InspectionPhoto.objects.create(item=item, image=image, uploaded_by=actor)
        record_change(actor=actor, action="create", instance=photo, before=None)
    return photo


def remove_inspection_photo(*, photo: InspectionPhoto, actor) -> None:
    _editable(photo.item.inspection)
    with transaction.atomic():
        before = snapshot(photo)
        photo.delete()
        record_event(
            actor=actor, action="delete", object_type="safety.inspectionphoto", object_id=str(before["id"]),
            before=before,
        )  # fmt: skip


def sign_item(*, item: InspectionItem, image, actor) -> InspectionItem:
    """Store a signature (eduplatform.safety.photos.clean_signature) on a signature item."""
    _editable(item.inspection)
    if item.kind != ItemKind.SIGNATURE:
        raise refusal(
            item_field(item), _("“%(item)s”：该项不需要签名。") % {"item": item.text}, "not_signature"
        )
    with transaction.atomic():
        before = snapshot(item)
        item.signature.save(image.name, image, save=False)
        item.save(update_fields=["signature", "updated_at"])
        record_change(actor=actor, action="sign", instance=item, before=before)
    return item


def _missing(items: list[InspectionItem], photo_counts: dict[int, int]) -> dict:
    errors: dict[str, tuple[str, str]] = {}
    for item in items:
        photos = photo_counts.get(item.pk, 0)
        answered = answers.is_answered(
            item, result=item.result, number=item.number_value, text=item.text_value,
            choice=item.choice_value, photo_count=photos, has_signature=bool(item.signature),
        )  # fmt: skip
        if item.is_required and not answered:
            message = {
                ItemKind.PHOTO: _("“%(item)s”：请拍照。"),
                ItemKind.SIGNATURE: _("“%(item)s”：请签名。"),
            }.get(ItemKind(item.kind), _("“%(item)s”：请填写检查结果。"))
            errors[item_field(item)] = (message % {"item": item.text}, "required")
        elif item.is_failed and item.photo_required_on_failure and not photos:
            errors[item_field(item)] = (
                _("“%(item)s”：不合格项须拍照留证。") % {"item": item.text},
                "photo_required",
            )
    return errors


def submit_inspection(
    *, inspection: Inspection, actor, answers: dict | None = None, summary: str | None = None
):
    """Submit: every required answer and photo present, then read-only, and the hazards open."""
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        _editable(inspection)
        items = list(inspection.items.all())
        by_id = {item.pk: item for item in items}
        changed = _apply(by_id, answers or {})
        photos: dict[int, list[str]] = {}
        for item_id, name in InspectionPhoto.objects.filter(item__inspection=inspection).values_list(
            "item_id", "image"
        ):
            photos.setdefault(item_id, []).append(name)
        errors = _missing(items, {item_id: len(names) for item_id, names in photos.items()})
        if errors:
            raise refusals(errors)
        before = snapshot(inspection)
        now = timezone.now()
        _write_answers(changed, now)
        inspection.status = InspectionStatus.SUBMITTED
        inspection.submitted_at = now
        inspection.performed_on = timezone.localdate(now)
        if summary is not None:
            inspection.summary = summary.strip()
        inspection.save()
        school = current_school()
        hazards = [
            open_hazard(
                school=school,
                source=HazardSource.INSPECTION,
                category=CATEGORY_OF_TEMPLATE.get(inspection.category, HazardCategory.OTHER),
                severity=item.severity_on_failure,
                location=(inspection.location or item.section_title or inspection.title)[:100],
                description=(f"{item.text}：{item.note}" if item.note else item.text),
                actor=actor,
                reported_on=inspection.performed_on,
                deadline_days=item.hazard_deadline_days,
                inspection_item=item,
                inspection=inspection,
                building=inspection.building,
                photo_names=photos.get(item.pk, []),
            )
            for item in items
            if item.is_failed and item.opens_hazard
        ]
        # The answers, the submit and each hazard opened: one event each, appended together.
        record_events(
            actor=actor,
            school=school,
            events=[
                *([_answer_event(inspection, changed)] if changed else []),
                change_values(action="submit", instance=inspection, before=before),
                *(change_values(action="create", instance=hazard, before=None) for hazard in hazards),
            ],
        )
        if hazards:
            after_opening(school=school, hazards=hazards, actor=actor, audited=True)
        facts.refresh_inspection_facts(school, inspection.performed_on)
    return inspection


def delete_draft(*, inspection: Inspection, actor) -> None:
    _editable(inspection)
    with transaction.atomic():
        before = snapshot(inspection)
        inspection.delete()
        record_event(
            actor=actor,
            action="delete",
            object_type="safety.inspection",
            object_id=str(before["id"]),
            before=before,
        )


# --- The school's own templates and items -----------------------------------------------


def create_local_template(
    *, name: str, category: str = TemplateCategory.CUSTOM, frequency: str = Frequency.ON_DEMAND,
    times_per_term: int = 1, description: str = "", actor,
) -> LocalTemplate:  # fmt: skip
    from eduplatform.checklists.actions import check_template_fields

    values = check_template_fields(
        {"name": name, "category": category, "frequency": frequency, "times_per_term": times_per_term,
         "description": description, "school_kinds": []}
    )  # fmt: skip
    values.pop("school_kinds")
    with transaction.atomic():
        template = LocalTemplate.objects.create(**values)
        record_change(actor=actor, action="create", instance=template, before=None)
    return template


def add_local_item(
    *, local_template: LocalTemplate | None = None, district_template=None, actor, **fields
) -> LocalItem:
    """An item of the school's own: on its own template, or added after a district template's."""
    from eduplatform.checklists.actions import _definition_values

    if (local_template is None) == (district_template is None):
        raise refusal("template", _("请选择检查模板。"), "required")
    values = _definition_values(
        {name: fields[name] for name in ItemDefinition.DEFINITION_FIELDS if name in fields}
    )
    with transaction.atomic():
        siblings = (
            LocalItem.objects.filter(local_template=local_template)
            if local_template is not None
            else LocalItem.objects.filter(district_template_id=district_template.pk)
        )
        position = (siblings.aggregate(highest=Max("position"))["highest"] or 0) + 1
        item = LocalItem.objects.create(
            local_template=local_template, district_template=district_template, position=position, **values
        )
        record_change(actor=actor, action="create", instance=item, before=None)
    return item


def remove_local_item(*, item: LocalItem, actor) -> LocalItem:
    """Stop asking a local item. Inspections that asked it keep their copy."""
    with transaction.atomic():
        item = LocalItem.objects.select_for_update().get(pk=item.pk)
        before = snapshot(item)
        item.is_active = False
        item.save(update_fields=["is_active", "updated_at"])
        record_change(actor=actor, action="deactivate", instance=item, before=before)
    return item


def set_responsibility(
    *, person, template=None, local_template=None, actor
) -> InspectionResponsibility | None:
    """Name who does a required inspection (None: nobody in particular, the safety officers).
    The person is one of the school's who may fill in inspections."""
    from eduplatform.safety.people import check_inspection_person
    from eduplatform.safety.schedule import check_required

    if (template is None) == (local_template is None):
        raise refusal("template", _("请选择检查模板。"), "required")
    check_inspection_person(current_school(), person)
    if person is not None:  # clearing is always allowed, e.g. after a template stops being required
        check_required(template=template, local_template=local_template)
    lookup = {"template_id": template.pk} if template is not None else {"local_template": local_template}
    with transaction.atomic():
        existing = InspectionResponsibility.objects.filter(**lookup).first()
        before = snapshot(existing) if existing else None
        if person is None:
            if existing is not None:
                existing.delete()
                record_event(
                    actor=actor, action="delete", object_type="safety.inspectionresponsibility",
                    object_id=str(before["id"]), before=before,
                )  # fmt: skip
            return None
        row, _created = InspectionResponsibility.objects.update_or_create(
            **lookup, defaults={"person": person}
        )
        record_change(actor=actor, action="update" if existing else "create", instance=row, before=before)
    return row
