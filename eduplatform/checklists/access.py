"""Who may see which templates: the bureau its own district's (and its child districts'),
a school the published templates of its district and the bureaus above it."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from eduplatform.accounts.access import districts_for_user
from eduplatform.accounts.models import Membership
from eduplatform.accounts.roles import Role
from eduplatform.checklists.models import (
    ChecklistTemplate,
    HazardEscalation,
    TemplateItem,
    TemplateSection,
    TemplateVersion,
)


def _as_id(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("No such object") from None


def templates_for_user(user) -> QuerySet[ChecklistTemplate]:
    return ChecklistTemplate.objects.filter(district__in=districts_for_user(user)).select_related(
        "district", "current_version"
    )


def template_for_user(user, template_id) -> ChecklistTemplate:
    template = templates_for_user(user).filter(pk=_as_id(template_id)).first()
    if template is None:
        raise Http404("No such template")
    return template


def district_for_new_template(user):
    """The district a template made by this bureau admin belongs to: the one their own admin
    membership names (not a child district they also reach); the first by code if several.
    404 for anyone who administers no district."""
    district = (
        districts_for_user(user)
        .filter(
            pk__in=Membership.objects.active()
            .filter(user=user, role=Role.BUREAU_ADMIN, district__isnull=False)
            .values("district_id")
        )
        .order_by("code")
        .first()
    )
    if district is None:
        raise Http404("No district to add templates to")
    return district


def template_item_for_user(user, template: ChecklistTemplate, item_id) -> TemplateItem:
    """An item of one of this template's versions (a form names both): 404 otherwise."""
    item = item_for_user(user, item_id)
    if item.version.template_id != template.pk:
        raise Http404("No such item")
    return item


def version_for_user(user, version_id) -> TemplateVersion:
    version = (
        TemplateVersion.objects.filter(pk=_as_id(version_id), template__district__in=districts_for_user(user))
        .select_related("template")
        .first()
    )
    if version is None:
        raise Http404("No such version")
    return version


def section_for_user(user, section_id) -> TemplateSection:
    section = (
        TemplateSection.objects.filter(
            pk=_as_id(section_id), version__template__district__in=districts_for_user(user)
        )
        .select_related("version__template")
        .first()
    )
    if section is None:
        raise Http404("No such section")
    return section


def item_for_user(user, item_id) -> TemplateItem:
    item = (
        TemplateItem.objects.filter(
            pk=_as_id(item_id), version__template__district__in=districts_for_user(user)
        )
        .select_related("version__template", "section")
        .first()
    )
    if item is None:
        raise Http404("No such item")
    return item


def templates_for_school(school) -> QuerySet[ChecklistTemplate]:
    """The templates in force for a school: published, active, and meant for its kind."""
    return (
        ChecklistTemplate.objects.filter(
            district_id__in=school.district.ancestor_ids(), is_active=True, current_version__isnull=False
        )
        .filter(Q(school_kinds=[]) | Q(school_kinds__contains=[school.kind]))
        .select_related("current_version")
    )


def template_for_school(school, template_id) -> ChecklistTemplate:
    template = templates_for_school(school).filter(pk=_as_id(template_id)).first()
    if template is None:
        raise Http404("No such template")
    return template


def escalations_for_user(user) -> QuerySet[HazardEscalation]:
    return HazardEscalation.objects.filter(school__district__in=districts_for_user(user)).select_related(
        "school"
    )
