"""Roles, and the one table that maps each role to its capabilities.

Nothing else grants access: a membership gives a role in a district or a school, and the
role's row below is everything that membership may do there.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # District roles: reach every school of the district and of its child districts.
    BUREAU_ADMIN = "bureau_admin", _("局管理员")
    BUREAU_INSPECTOR = "bureau_inspector", _("督导/安全科")
    BUREAU_VIEWER = "bureau_viewer", _("教育局查看")
    # School roles: reach only their school.
    PRINCIPAL = "principal", _("校长")
    LOGISTICS_DIRECTOR = "logistics_director", _("总务主任")
    ASSET_KEEPER = "asset_keeper", _("校产管理员")
    CANTEEN_MANAGER = "canteen_manager", _("食堂管理员")
    SAFETY_OFFICER = "safety_officer", _("安全专干")
    STAFF = "staff", _("教职工/班主任")
    GUARD = "guard", _("门卫")


DISTRICT_ROLES = frozenset({Role.BUREAU_ADMIN, Role.BUREAU_INSPECTOR, Role.BUREAU_VIEWER})
SCHOOL_ROLES = frozenset(set(Role) - DISTRICT_ROLES)


class Capability(models.TextChoices):
    SCHOOL_VIEW = "school.view", _("查看学校")
    SCHOOLS_MANAGE = "schools.manage", _("管理学校")
    USERS_MANAGE = "users.manage", _("管理账号")
    AUDIT_VIEW = "audit.view", _("查看审计记录")
    ORGANISATION_MANAGE = "organisation.manage", _("管理部门")


_EVERYONE = {Capability.SCHOOL_VIEW}
_LEADERS = _EVERYONE | {
    Capability.AUDIT_VIEW,
    Capability.USERS_MANAGE,
    Capability.ORGANISATION_MANAGE,
}

ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.BUREAU_ADMIN: frozenset(
        _EVERYONE | {Capability.SCHOOLS_MANAGE, Capability.USERS_MANAGE, Capability.AUDIT_VIEW}
    ),
    Role.BUREAU_INSPECTOR: frozenset(_EVERYONE | {Capability.AUDIT_VIEW}),
    Role.BUREAU_VIEWER: frozenset(_EVERYONE),
    Role.PRINCIPAL: frozenset(_LEADERS),
    Role.LOGISTICS_DIRECTOR: frozenset(_LEADERS),
    Role.ASSET_KEEPER: frozenset(_EVERYONE),
    Role.CANTEEN_MANAGER: frozenset(_EVERYONE),
    Role.SAFETY_OFFICER: frozenset(_EVERYONE),
    Role.STAFF: frozenset(_EVERYONE),
    Role.GUARD: frozenset(_EVERYONE),
}


def capabilities_of(roles: set[str] | frozenset[str]) -> frozenset[Capability]:
    granted: set[Capability] = set()
    for role in roles:
        granted |= ROLE_CAPABILITIES[Role(role)]
    return frozenset(granted)
