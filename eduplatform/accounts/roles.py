"""Roles, and the one table that maps each role to its capabilities.

Nothing else grants access: a membership gives a role in a district or a school, and the
role's row below is everything that membership may do there. API keys get the view
capabilities of their scope, and the write capabilities when they are read-write.
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
# Roles whose holders manage a school's staff accounts.
SCHOOL_MANAGER_ROLES = frozenset({Role.PRINCIPAL, Role.LOGISTICS_DIRECTOR})


class Capability(models.TextChoices):
    SCHOOL_VIEW = "school.view", _("进入学校")
    SCHOOLS_MANAGE = "schools.manage", _("管理学校")
    USERS_MANAGE = "users.manage", _("管理账号")
    API_KEYS_MANAGE = "api_keys.manage", _("管理 API 密钥")
    AUDIT_VIEW = "audit.view", _("查看审计记录")
    ORGANISATION_MANAGE = "organisation.manage", _("管理部门")
    COMPLIANCE_VIEW = "compliance.view", _("查看合规")
    COMPLIANCE_MANAGE = "compliance.manage", _("管理合规规则")
    TEMPLATES_MANAGE = "templates.manage", _("管理检查模板")
    ASSETS_VIEW = "assets.view", _("查看资产")
    ASSETS_MANAGE = "assets.manage", _("管理资产")
    ASSETS_APPROVE = "assets.approve", _("审批资产事项")
    ASSETS_BORROW = "assets.borrow", _("借用与班级财产签收")
    PROCUREMENT_REQUEST = "procurement.request", _("提出采购申请")
    PROCUREMENT_APPROVE = "procurement.approve", _("审批采购")
    REPAIRS_REPORT = "repairs.report", _("报修")
    REPAIRS_MANAGE = "repairs.manage", _("处理报修")
    CANTEEN_VIEW = "canteen.view", _("查看食堂记录")
    CANTEEN_RECORD = "canteen.record", _("填写食堂记录")
    SAFETY_VIEW = "safety.view", _("查看安全记录")
    SAFETY_RECORD = "safety.record", _("填写安全记录")
    HAZARDS_REPORT = "hazards.report", _("上报隐患")
    HAZARDS_VERIFY = "hazards.verify", _("验收隐患整改")
    VISITORS_RECORD = "visitors.record", _("外来人员登记")
    VISITORS_IDENTITY = "visitors.identity", _("查看完整身份证号")


C = Capability

_BUREAU_VIEW = {
    C.SCHOOL_VIEW, C.COMPLIANCE_VIEW, C.ASSETS_VIEW, C.CANTEEN_VIEW, C.SAFETY_VIEW,
}  # fmt: skip
_SCHOOL_MEMBER = {C.SCHOOL_VIEW, C.REPAIRS_REPORT, C.HAZARDS_REPORT, C.PROCUREMENT_REQUEST}
_SCHOOL_LEADER = _SCHOOL_MEMBER | {
    C.USERS_MANAGE, C.API_KEYS_MANAGE, C.AUDIT_VIEW, C.ORGANISATION_MANAGE, C.COMPLIANCE_VIEW,
    C.ASSETS_VIEW, C.ASSETS_APPROVE, C.ASSETS_BORROW, C.PROCUREMENT_APPROVE, C.REPAIRS_MANAGE,
    C.CANTEEN_VIEW, C.SAFETY_VIEW, C.SAFETY_RECORD, C.HAZARDS_VERIFY,
}  # fmt: skip

ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.BUREAU_ADMIN: frozenset(
        _BUREAU_VIEW
        | {C.SCHOOLS_MANAGE, C.USERS_MANAGE, C.API_KEYS_MANAGE, C.AUDIT_VIEW, C.TEMPLATES_MANAGE}
        | {C.COMPLIANCE_MANAGE}
    ),
    Role.BUREAU_INSPECTOR: frozenset(
        _BUREAU_VIEW | {C.AUDIT_VIEW, C.SAFETY_RECORD, C.HAZARDS_REPORT, C.HAZARDS_VERIFY}
    ),
    Role.BUREAU_VIEWER: frozenset(_BUREAU_VIEW),
    Role.PRINCIPAL: frozenset(_SCHOOL_LEADER),
    Role.LOGISTICS_DIRECTOR: frozenset(_SCHOOL_LEADER | {C.ASSETS_MANAGE, C.CANTEEN_RECORD}),
    Role.ASSET_KEEPER: frozenset(
        _SCHOOL_MEMBER | {C.ASSETS_VIEW, C.ASSETS_MANAGE, C.ASSETS_BORROW, C.REPAIRS_MANAGE}
    ),
    Role.CANTEEN_MANAGER: frozenset(_SCHOOL_MEMBER | {C.CANTEEN_VIEW, C.CANTEEN_RECORD}),
    Role.SAFETY_OFFICER: frozenset(
        _SCHOOL_MEMBER
        | {C.SAFETY_VIEW, C.SAFETY_RECORD, C.HAZARDS_VERIFY, C.VISITORS_RECORD, C.VISITORS_IDENTITY}
    ),
    Role.STAFF: frozenset(_SCHOOL_MEMBER | {C.ASSETS_BORROW}),
    Role.GUARD: frozenset({C.SCHOOL_VIEW, C.VISITORS_RECORD, C.HAZARDS_REPORT}),
}

# What an API key may do in its scope: read everything a bureau viewer may read, and,
# when read-write, the writes that government systems and scripts make.
API_KEY_READ_CAPABILITIES = frozenset(_BUREAU_VIEW)
API_KEY_WRITE_CAPABILITIES = frozenset({C.ASSETS_MANAGE})


def capabilities_of(roles) -> frozenset[Capability]:
    granted: set[Capability] = set()
    for role in roles:
        granted |= ROLE_CAPABILITIES[Role(role)]
    return frozenset(granted)
