"""The sidebar: one list of entries, each shown to whoever has its capability where they are.

Bureau entries appear on the district portal (/), school entries under /s/<code>/. Add an
entry here when a page is added; the shell renders what the person may open.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from eduplatform.accounts.roles import Capability

BUREAU = "bureau"
SCHOOL = "school"


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    capability: Capability
    scope: str  # BUREAU or SCHOOL
    icon: str = ""  # a short name the template maps to an inline SVG; optional


NAVIGATION: list[NavItem] = [
    NavItem(_("首页"), "frontend:home", Capability.SCHOOL_VIEW, BUREAU, "home"),
    NavItem(_("今日"), "frontend:home", Capability.SCHOOL_VIEW, SCHOOL, "home"),
    NavItem(_("部门"), "frontend:departments", Capability.SCHOOL_VIEW, SCHOOL, "building"),
    NavItem(_("审计记录"), "frontend:audit-events", Capability.AUDIT_VIEW, BUREAU, "history"),
    NavItem(_("审计记录"), "frontend:audit-events", Capability.AUDIT_VIEW, SCHOOL, "history"),
]


def navigation_for(request, capabilities: frozenset[Capability]) -> list[dict]:
    """The entries this person sees here, with their URLs and which one is current."""
    scope = SCHOOL if getattr(request, "school", None) is not None else BUREAU
    items = []
    for item in NAVIGATION:
        if item.scope != scope or item.capability not in capabilities:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": item.label, "url": url, "icon": item.icon, "is_current": request.path == url})
    return items
