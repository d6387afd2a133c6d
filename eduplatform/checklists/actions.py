"""The bureau's template library: create templates, edit a draft version, publish it.

A published version is frozen: every edit goes to the template's one draft, which
`start_new_version` copies from the version in force. Publishing moves the template's
`current_version`; inspections already made keep pointing at the version they used.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from eduplatform.audit.trail import record_change, record_event, snapshot
from eduplatform.checklists.answers import check_definition
from eduplatform.checklists.models import (
    ChecklistTemplate,
    EscalationReason,
    Frequency,
    HazardEscalation,
    ItemDefinition,
    TemplateCategory,
    TemplateItem,
    TemplateSection,
    TemplateVersion,
    VersionStatus,
)
from eduplatform.checklists.refusals import refusal, refusals
from tenants.models import SchoolKind

TEMPLATE_FIELDS = ("name", "category", "frequency", "times_per_term", "school_kinds", "description")


def check_template_fields(values: dict) -> dict:
    values = dict(values)
    values["name"] = (values.get("name") or "").strip()
    errors: dict[str, tuple[str, str]] = {}
    if not values["name"]:
        errors["name"] = (_("请填写模板名称。"), "required")
    if values.get("category") not in TemplateCategory.values:
        errors["category"] = (_("请选择模板类别。"), "invalid_category")
    if values.get("frequency") not in Frequency.values:
        errors["frequency"] = (_("请选择检查频次。"), "invalid_frequency")
    times = values.get("times_per_term") or 1
    if values.get("frequency") == Frequency.PER_TERM and not 1 <= times <= 50:
        errors["times_per_term"] = (_("每学期次数应在 1 至 50 之间。"), "invalid_times")
    values["times_per_term"] = times
    kinds = list(values.get("school_kinds") or [])
    if any(kind not in SchoolKind.values for kind in kinds):
        errors["school_kinds"] = (_("适用学段无效。"), "invalid_school_kind")
    values["school_kinds"] = sorted(set(kinds))
    values["description"] = (values.get("description") or "").strip()
    if errors:
        raise refusals(errors)
    return values


def create_template(*, district, actor, library_key: str = "", **fields) -> ChecklistTemplate:
    """A new template with an empty draft (version 1) and one section to put items in."""
    values = check_template_fields(fields)
    with transaction.atomic():
        template = ChecklistTemplate.objects.create(district=district, library_key=library_key, **values)
        version = TemplateVersion.objects.create(template=template, number=1)
        TemplateSection.objects.create(version=version, title=_("检查内容"), position=1)
        record_change(actor=actor, action="create", instance=template, before=None, school=None)
    return template


def update_template(*, template: ChecklistTemplate, actor, **fields) -> ChecklistTemplate:
    """Name, category, frequency and the kinds of school: not part of a version, so a change
    applies from now on (the due list of every school follows it)."""
    values = check_template_fields(
        {name: fields.get(name, getattr(template, name)) for name in TEMPLATE_FIELDS}
    )
    with transaction.atomic():
        before = snapshot(template)
        for name, value in values.items():
            setattr(template, name, value)
        template.save()
        record_change(actor=actor, action="update", instance=template, before=before, school=None)
    return template


def set_template_active(*, template: ChecklistTemplate, is_active: bool, actor) -> ChecklistTemplate:
    with transaction.atomic():
        before = snapshot(template)
        template.is_active = is_active
        template.save(update_fields=["is_active", "updated_at"])
        record_change(actor=actor, action="update", instance=template, before=before, school=None)
    return template


def draft_of(template: ChecklistTemplate) -> TemplateVersion | None:
    return template.versions.filter(status=VersionStatus.DRAFT).first()


def start_new_version(*, template: ChecklistTemplate, actor) -> TemplateVersion:
    """The template's draft: the existing one, or a copy of the version in force."""
    with transaction.atomic():
        ChecklistTemplate.objects.select_for_update().filter(pk=template.pk).first()
        draft = draft_of(template)
        if draft is not None:
            return draft
        number = (template.versions.aggregate(highest=Max("number"))["highest"] or 0) + 1
        draft = TemplateVersion.objects.create(template=template, number=number)
        source = template.current_version
        if source is not None:
            sections = {
                section.pk: TemplateSection.objects.create(
                    version=draft, title=section.title, position=section.position
                )
                for section in source.sections.all()
            }
            TemplateItem.objects.bulk_create(
                TemplateItem(
                    version=draft,
                    section=sections[item.section_id],
                    position=item.position,
                    key=item.key,
                    **item.definition(),
                )
                for item in source.items.all()
            )
        else:
            TemplateSection.objects.create(version=draft, title=_("检查内容"), position=1)
        record_change(actor=actor, action="create", instance=draft, before=None, school=None)
    return draft


def _editable(version: TemplateVersion, field: str = "version") -> None:
    if not version.is_draft:
        raise refusal(field, _("已发布的版本不能修改，请先新建版本。"), "version_published")


def add_section(*, version: TemplateVersion, title: str, actor) -> TemplateSection:
    _editable(version)
    title = title.strip()
    if not title:
        raise refusal("title", _("请填写分组名称。"), "required")
    with transaction.atomic():
        position = (version.sections.aggregate(highest=Max("position"))["highest"] or 0) + 1
        section = TemplateSection.objects.create(version=version, title=title, position=position)
        record_change(actor=actor, action="create", instance=section, before=None, school=None)
    return section


def rename_section(*, section: TemplateSection, title: str, actor) -> TemplateSection:
    _editable(section.version)
    title = title.strip()
    if not title:
        raise refusal("title", _("请填写分组名称。"), "required")
    with transaction.atomic():
        before = snapshot(section)
        section.title = title
        section.save(update_fields=["title"])
        record_change(actor=actor, action="update", instance=section, before=before, school=None)
    return section


def remove_section(*, section: TemplateSection, actor) -> None:
    _editable(section.version)
    if section.version.sections.count() <= 1:
        raise refusal("section", _("模板至少保留一个分组。"), "last_section")
    with transaction.atomic():
        before = snapshot(section)
        section.delete()
        record_event(
            actor=actor, action="delete", object_type="checklists.templatesection", object_id=str(before["id"]),
            before=before, school=None,
        )  # fmt: skip


def _definition_values(fields: dict, base: dict | None = None) -> dict:
    values = dict(base or {})
    for name in ItemDefinition.DEFINITION_FIELDS:
        if name in fields:
            values[name] = fields[name]
    values["text"] = (values.get("text") or "").strip()
    values["guidance"] = (values.get("guidance") or "").strip()
    values["unit"] = (values.get("unit") or "").strip()
    values["choices"] = [str(choice).strip() for choice in values.get("choices") or [] if str(choice).strip()]
    values["failing_choices"] = [str(choice).strip() for choice in values.get("failing_choices") or []]
    check_definition(values)
    return values


def add_item(
    *, version: TemplateVersion, section: TemplateSection | None = None, actor, **fields
) -> TemplateItem:
    _editable(version)
    if section is None:
        section = version.sections.order_by("-position", "-id").first()
    if section is None or section.version_id != version.pk:
        raise refusal("section", _("请选择分组。"), "invalid_section")
    values = _definition_values(fields)
    with transaction.atomic():
        position = (version.items.aggregate(highest=Max("position"))["highest"] or 0) + 1
        item = TemplateItem(version=version, section=section, position=position, **values)
        item.save()
        record_change(actor=actor, action="create", instance=item, before=None, school=None)
    return item


def update_item(
    *, item: TemplateItem, actor, section: TemplateSection | None = None, **fields
) -> TemplateItem:
    _editable(item.version)
    values = _definition_values(fields, base=item.definition())
    if section is not None and section.version_id != item.version_id:
        raise refusal("section", _("请选择分组。"), "invalid_section")
    with transaction.atomic():
        before = snapshot(item)
        for name, value in values.items():
            setattr(item, name, value)
        if section is not None:
            item.section = section
        item.save()
        record_change(actor=actor, action="update", instance=item, before=before, school=None)
    return item


def remove_item(*, item: TemplateItem, actor) -> None:
    _editable(item.version)
    with transaction.atomic():
        before = snapshot(item)
        item.delete()
        record_event(
            actor=actor, action="delete", object_type="checklists.templateitem", object_id=str(before["id"]),
            before=before, school=None,
        )  # fmt: skip


def move_item(*, item: TemplateItem, offset: int, actor) -> TemplateItem:
    """Move an item up (offset -1) or down (+1) within its section, by swapping places."""
    _editable(item.version)
    siblings = list(item.section.items.order_by("position", "id"))
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)
    target = index + offset
    if offset not in (-1, 1) or not 0 <= target < len(siblings):
        return item
    other = siblings[target]
    with transaction.atomic():
        before = {"position": item.position}
        item.position, other.position = other.position, item.position
        if item.position == other.position:  # equal positions left by older edits
            item.position += offset
        TemplateItem.objects.bulk_update([item, other], ["position"])
        record_event(
            actor=actor, action="reorder", object_type="checklists.templateitem", object_id=str(item.pk),
            before=before, after={"position": item.position}, school=None,
        )  # fmt: skip
    return item


def publish_version(*, version: TemplateVersion, actor) -> TemplateVersion:
    """Put a draft in force. Schools' next inspections use it; earlier ones are untouched."""
    _editable(version)
    items = list(version.items.all())
    if not items:
        raise refusal("items", _("模板至少需要一个检查项才能发布。"), "no_items")
    for item in items:
        check_definition(item.definition(), field_prefix=f"item-{item.pk}.")
    with transaction.atomic():
        template = ChecklistTemplate.objects.select_for_update().get(pk=version.template_id)
        before = snapshot(template)
        version.status = VersionStatus.PUBLISHED
        version.published_at = timezone.now()
        version.published_by = actor if getattr(actor, "pk", None) else None
        version.save(update_fields=["status", "published_at", "published_by", "updated_at"])
        template.current_version = version
        template.save(update_fields=["current_version", "updated_at"])
        record_change(actor=actor, action="publish", instance=template, before=before, school=None)
    return version


def discard_draft(*, version: TemplateVersion, actor) -> None:
    _editable(version)
    if version.template.current_version_id is None:
        raise refusal("version", _("尚未发布过的模板不能丢弃唯一的草稿。"), "only_draft")
    with transaction.atomic():
        before = snapshot(version)
        version.delete()
        record_event(
            actor=actor, action="delete", object_type="checklists.templateversion", object_id=str(before["id"]),
            before=before, school=None,
        )  # fmt: skip


def escalate(*, school, hazard, reason: EscalationReason) -> tuple[HazardEscalation, bool]:
    """Record a hazard on the bureau's list, once per reason. Called by safety actions and
    the reminder job inside their transaction."""
    return HazardEscalation.objects.get_or_create(
        school=school,
        hazard_id=hazard.pk,
        reason=reason,
        defaults={
            "hazard_number": hazard.number,
            "description": hazard.description[:300],
            "location": hazard.location[:100],
            "severity": hazard.severity,
            "deadline": hazard.deadline,
        },
    )


def resolve_escalations(*, school, hazard) -> int:
    return HazardEscalation.objects.filter(
        school=school, hazard_id=hazard.pk, resolved_at__isnull=True
    ).update(resolved_at=timezone.now())
