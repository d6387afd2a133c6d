"""Provisioning and archiving schools: the one way a school comes into being or leaves.

Used by `manage.py create_school`, by the bureau's pages and by the tests.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists

from eduplatform.audit.trail import record_change, snapshot
from eduplatform.district.models import District
from tenants import schemas
from tenants.models import Domain, School, SchoolKind, SchoolStatus, school_code_validator

logger = logging.getLogger(__name__)


class ProvisioningError(Exception):
    """Provisioning refused or failed; the message is one line, fit for a terminal or a form."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.field = field
        self.code = code


@dataclass(frozen=True)
class SchoolDetails:
    code: str
    name: str
    kind: str
    address: str = ""
    student_count: int = 0
    staff_count: int = 0


def _validated(details: SchoolDetails, district_code: str) -> District:
    try:
        school_code_validator(details.code)
    except ValidationError:
        raise ProvisioningError(
            _("学校标识码“%(code)s”无效：应为 10 位数字。") % {"code": details.code},
            field="code",
            code="invalid_school_code",
        ) from None
    if details.kind not in SchoolKind.values:
        raise ProvisioningError(
            _("学段类型“%(kind)s”无效，可选：%(choices)s。")
            % {"kind": details.kind, "choices": ", ".join(SchoolKind.values)},
            field="kind",
            code="invalid_kind",
        )
    if not details.name.strip():
        raise ProvisioningError(_("请填写学校名称。"), field="name", code="required")
    district = District.objects.filter(code=district_code).first()
    if district is None:
        raise ProvisioningError(
            _("教育局“%(code)s”不存在。") % {"code": district_code},
            field="district",
            code="unknown_district",
        )
    if School.objects.filter(code=details.code).exists() or schema_exists(
        School.schema_name_for(details.code)
    ):
        raise ProvisioningError(
            _("学校标识码“%(code)s”已被使用。") % {"code": details.code},
            field="code",
            code="duplicate_school_code",
        )
    return district


def provision_school(
    *, district_code: str, details: SchoolDetails, actor=None, method: str = "auto"
) -> School:
    """Create a school with its own complete schema, or nothing at all.

    `method` is "clone" (copy the template schema), "migrate" (run every migration), or
    "auto": clone when the template is current and cloneable, which is several times faster (see
    `make bench`), else migrate.
    """
    if method not in {"auto", "clone", "migrate"}:
        raise ValueError(f"unknown provisioning method {method!r}")
    connection.set_schema_to_public()
    district = _validated(details, district_code)
    if method == "auto":
        method = "clone" if schemas.template_is_cloneable() else "migrate"
    elif method == "clone":
        schemas.ensure_template_schema()

    school = School(
        schema_name=School.schema_name_for(details.code),
        code=details.code,
        name=details.name.strip(),
        district=district,
        kind=details.kind,
        address=details.address.strip(),
        student_count=details.student_count,
        staff_count=details.staff_count,
        is_ready=False,
    )
    if method == "clone":
        # Rows and schema in one transaction: a failure leaves neither behind.
        with transaction.atomic():
            school.save()
            Domain.objects.create(domain=school.code, tenant=school, is_primary=True)
            schemas.clone_template_into(school.schema_name)
            _mark_ready(school, actor)
        return school

    # Migrations manage their own transactions, so on failure we undo by hand.
    try:
        with transaction.atomic():
            school.save()
            Domain.objects.create(domain=school.code, tenant=school, is_primary=True)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {connection.ops.quote_name(school.schema_name)}")
        call_command(
            "migrate_schemas",
            tenant=True,
            schema_name=school.schema_name,
            interactive=False,
            verbosity=0,
        )
        connection.set_schema_to_public()
        if schemas.missing_school_migrations([school.schema_name]):
            raise ProvisioningError(_("学校数据库结构未完整创建。"), code="incomplete_schema")
        with transaction.atomic():
            _mark_ready(school, actor)
    except BaseException:
        connection.set_schema_to_public()
        _undo_provisioning(school)
        raise
    return school


def _mark_ready(school: School, actor) -> None:
    school.is_ready = True
    school.save(update_fields=["is_ready", "updated_at"])
    record_change(actor=actor, action="create", instance=school, before=None, school=school)


def _undo_provisioning(school: School) -> None:
    logger.warning("Provisioning of school %s failed; removing what was created", school.code)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {connection.ops.quote_name(school.schema_name)} CASCADE")
    if school.pk is not None:
        Domain.objects.filter(tenant_id=school.pk).delete()
        School.objects.filter(pk=school.pk).delete()


def archive_school(*, school: School, actor) -> School:
    """Take a school out of service. Its schema and every record in it are kept."""
    if school.status == SchoolStatus.ARCHIVED:
        raise ProvisioningError(_("该学校已归档。"), code="already_archived")
    with transaction.atomic():
        before = snapshot(school)
        school.status = SchoolStatus.ARCHIVED
        school.archived_at = timezone.now()
        school.save(update_fields=["status", "archived_at", "updated_at"])
        record_change(actor=actor, action="archive", instance=school, before=before, school=school)
    return school


def restore_school(*, school: School, actor) -> School:
    if school.status == SchoolStatus.ACTIVE:
        raise ProvisioningError(_("该学校未归档。"), code="not_archived")
    with transaction.atomic():
        before = snapshot(school)
        school.status = SchoolStatus.ACTIVE
        school.archived_at = None
        school.save(update_fields=["status", "archived_at", "updated_at"])
        record_change(actor=actor, action="restore", instance=school, before=before, school=school)
    return school


def update_school(
    *,
    school: School,
    name: str,
    kind: str,
    address: str = "",
    student_count: int = 0,
    staff_count: int = 0,
    actor,
) -> School:
    """Change a school's registry details. The code, and with it the schema, never changes."""
    name, address = name.strip(), address.strip()
    if not name:
        raise ProvisioningError(_("请填写学校名称。"), field="name", code="required")
    if kind not in SchoolKind.values:
        raise ProvisioningError(
            _("学段类型“%(kind)s”无效，可选：%(choices)s。")
            % {"kind": kind, "choices": ", ".join(SchoolKind.values)},
            field="kind",
            code="invalid_kind",
        )
    for field, value in (("student_count", student_count), ("staff_count", staff_count)):
        if value < 0:
            raise ProvisioningError(_("人数不能为负数。"), field=field, code="invalid_count")
    values = {
        "name": name,
        "kind": kind,
        "address": address,
        "student_count": student_count,
        "staff_count": staff_count,
    }
    if all(getattr(school, field) == value for field, value in values.items()):
        return school
    with transaction.atomic():
        before = snapshot(school)
        for field, value in values.items():
            setattr(school, field, value)
        school.save(update_fields=[*values, "updated_at"])
        record_change(actor=actor, action="update", instance=school, before=before, school=school)
    return school
