"""The sidebar: one list of entries, each shown to whoever has its capability where they are.

Bureau entries appear on the district portal (/), school entries under /s/<code>/. Add an
entry here when a page is added; the shell renders what the person may open.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
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
    NavItem(_("学校"), "frontend:schools", Capability.SCHOOLS_MANAGE, BUREAU, "school"),
    NavItem(_("人员"), "frontend:people", Capability.USERS_MANAGE, BUREAU, "users"),
    NavItem(_("人员"), "frontend:people", Capability.USERS_MANAGE, SCHOOL, "users"),
    NavItem(_("API 密钥"), "frontend:api-keys", Capability.API_KEYS_MANAGE, BUREAU, "key"),
    NavItem(_("API 密钥"), "frontend:api-keys", Capability.API_KEYS_MANAGE, SCHOOL, "key"),
    NavItem(_("安全检查"), "frontend:safety:inspections", Capability.SAFETY_VIEW, SCHOOL, "clipboard-check"),
    NavItem(_("隐患台账"), "frontend:safety:hazards", Capability.HAZARDS_REPORT, SCHOOL, "alert-triangle"),
    NavItem(_("校舍"), "frontend:safety:buildings", Capability.SAFETY_VIEW, SCHOOL, "building"),
    NavItem(_("应急演练"), "frontend:safety:drills", Capability.SAFETY_VIEW, SCHOOL, "clipboard-check"),
    NavItem(_("外来人员登记"), "frontend:safety:visitors", Capability.VISITORS_RECORD, SCHOOL, "users"),
    NavItem(_("校车"), "frontend:vehicles:vehicles", Capability.SAFETY_VIEW, SCHOOL, "bus"),
    NavItem(_("安全责任书"), "frontend:safety:agreements", Capability.SCHOOL_VIEW, SCHOOL, "checklist"),
    NavItem(_("值班"), "frontend:duty:roster", Capability.SCHOOL_VIEW, SCHOOL, "calendar-user"),
    NavItem(_("校产"), "frontend:assets:ledger", Capability.ASSETS_VIEW, SCHOOL, "package"),
    NavItem(_("班级财产"), "frontend:assets:classes", Capability.ASSETS_BORROW, SCHOOL, "armchair"),
    NavItem(
        _("资产分类代码"), "frontend:classification:codes", Capability.SCHOOLS_MANAGE, BUREAU, "list-check"
    ),
    NavItem(_("检查模板"), "frontend:checklists:templates", Capability.TEMPLATES_MANAGE, BUREAU, "checklist"),
    NavItem(
        _("隐患督办"), "frontend:checklists:escalations", Capability.SAFETY_VIEW, BUREAU, "alert-triangle"
    ),
]


def navigation_for(request, capabilities: frozenset[Capability]) -> list[dict]:
    """The entries this person sees here, with their URLs and which one is current."""
    scope = SCHOOL if getattr(request, "school", None) is not None else BUREAU
    return [
        {"label": label, "url": url, "icon": icon, "is_current": request.path == url}
        for label, url, icon in _entries(
            get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), scope, capabilities
        )
    ]


@lru_cache(maxsize=4096)
def _entries(urlconf, script_prefix: str, scope: str, capabilities: frozenset[Capability]) -> tuple:
    """The same for everyone with these capabilities in this school (or on the portal):
    reversing two dozen URLs on every page was a tenth of the page frame. The labels stay
    lazy, so one entry serves both languages; script_prefix is part of the key because
    reverse() puts it in front of every URL."""
    entries = []
    for item in NAVIGATION:
        if item.scope != scope or item.capability not in capabilities:
            continue
        try:
            url = reverse(item.url_name, urlconf=urlconf)
        except NoReverseMatch:
            continue
        entries.append((item.label, url, item.icon))
    return tuple(entries)
