"""The bureau's school registry pages: provision, edit, archive and restore."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import schema_exists

from eduplatform.audit.models import AuditEvent
from tenants.actions import ProvisioningError, update_school
from tenants.models import School, SchoolKind, SchoolStatus
from tests.conftest import logged_in

NEW_SCHOOL = {
    "code": "3101010077",
    "name": "测试区新建小学",
    "kind": "primary",
    "district": "310101",
    "address": "测试路 7 号",
    "student_count": "480",
    "staff_count": "36",
}


def field_error(body: str, field: str) -> str:
    match = re.search(rf'id="id_{field}_error"><div>([^<]+)</div>', body)
    return match.group(1) if match else ""


def test_the_list_shows_the_district_s_schools_only(school_a, school_b, school_c, bureau_admin):
    body = logged_in(bureau_admin).get("/schools/").content.decode()
    assert school_a.name in body and school_b.name in body
    assert school_c.name not in body


def test_provision_a_school_through_the_page(world, bureau_admin):
    client = logged_in(bureau_admin)
    assert client.get("/schools/new/").status_code == 200
    response = client.post("/schools/new/", NEW_SCHOOL)
    assert response.status_code == 302
    assert response["Location"] == "/schools/"
    school = School.objects.get(code="3101010077")
    assert (
        school.name,
        school.kind,
        school.district,
        school.address,
        school.student_count,
        school.staff_count,
    ) == (
        "测试区新建小学",
        SchoolKind.PRIMARY,
        world.district,
        "测试路 7 号",
        480,
        36,
    )
    assert school.is_active
    assert schema_exists(school.schema_name)
    [event] = AuditEvent.objects.filter(
        action="create", object_type="tenants.school", object_id=str(school.pk)
    )
    assert event.actor == bureau_admin


def test_a_duplicate_code_is_shown_beside_the_field_and_nothing_is_created(school_a, bureau_admin):
    schools_before = School.objects.count()
    response = logged_in(bureau_admin).post("/schools/new/", {**NEW_SCHOOL, "code": school_a.code})
    assert response.status_code == 200
    assert field_error(response.content.decode(), "code") == f"学校标识码“{school_a.code}”已被使用。"
    assert School.objects.count() == schools_before


def test_a_malformed_code_is_shown_beside_the_field(bureau_admin):
    response = logged_in(bureau_admin).post("/schools/new/", {**NEW_SCHOOL, "code": "31010"})
    assert field_error(response.content.decode(), "code") == "学校标识码“31010”无效：应为 10 位数字。"
    assert not School.objects.filter(code="31010").exists()


def test_another_district_is_not_a_choice(bureau_admin):
    response = logged_in(bureau_admin).post("/schools/new/", {**NEW_SCHOOL, "district": "320202"})
    assert field_error(response.content.decode(), "district")
    assert not School.objects.filter(code=NEW_SCHOOL["code"]).exists()


def test_edit_a_school(school_a, bureau_admin):
    client = logged_in(bureau_admin)
    assert client.get(f"/schools/{school_a.code}/edit/").status_code == 200
    response = client.post(
        f"/schools/{school_a.code}/edit/",
        {
            "name": "测试区第一实验小学",
            "kind": "nine_year",
            "address": "新址",
            "student_count": "900",
            "staff_count": "70",
        },
    )
    assert response.status_code == 302
    school_a.refresh_from_db()
    assert (school_a.name, school_a.kind, school_a.address, school_a.student_count, school_a.staff_count) == (
        "测试区第一实验小学",
        SchoolKind.NINE_YEAR,
        "新址",
        900,
        70,
    )
    [event] = AuditEvent.objects.filter(
        action="update", object_type="tenants.school", object_id=str(school_a.pk)
    )
    assert (event.before["name"], event.after["name"]) == ("测试区第一小学", "测试区第一实验小学")
    assert (event.before["kind"], event.after["kind"]) == ("primary", "nine_year")


def test_update_school_refuses_bad_values_and_changes_nothing(school_a, bureau_admin):
    with pytest.raises(ProvisioningError) as refused:
        update_school(school=school_a, name=" ", kind="primary", actor=bureau_admin)
    assert refused.value.field == "name"
    with pytest.raises(ProvisioningError) as refused:
        update_school(school=school_a, name="某校", kind="university", actor=bureau_admin)
    assert refused.value.field == "kind"
    school_a.refresh_from_db()
    assert school_a.name == "测试区第一小学"
    assert not AuditEvent.objects.filter(action="update", object_type="tenants.school").exists()


def test_an_unchanged_school_writes_no_audit_row(school_a, bureau_admin):
    update_school(
        school=school_a, name=school_a.name, kind=school_a.kind, address=school_a.address,
        student_count=school_a.student_count, staff_count=school_a.staff_count, actor=bureau_admin,
    )  # fmt: skip
    assert not AuditEvent.objects.filter(action="update", object_type="tenants.school").exists()


def test_archive_and_restore_with_a_confirmation(school_b, bureau_admin):
    client = logged_in(bureau_admin)
    confirm = client.get(f"/schools/{school_b.code}/archive/")
    assert confirm.status_code == 200
    assert "确定归档" in confirm.content.decode()
    school_b.refresh_from_db()
    assert school_b.status == SchoolStatus.ACTIVE  # asking changes nothing
    assert client.post(f"/schools/{school_b.code}/archive/").status_code == 302
    school_b.refresh_from_db()
    assert school_b.status == SchoolStatus.ARCHIVED
    # Archived: gone from the school portal, still in the registry, and back after a restore.
    assert client.get(f"/s/{school_b.code}/").status_code == 404
    assert school_b.name in client.get("/schools/", {"status": "archived"}).content.decode()
    assert client.post(f"/schools/{school_b.code}/restore/").status_code == 302
    school_b.refresh_from_db()
    assert school_b.status == SchoolStatus.ACTIVE
    actions = list(
        AuditEvent.objects.filter(object_type="tenants.school", object_id=str(school_b.pk))
        .filter(action__in=["archive", "restore"])
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == ["archive", "restore"]


def test_another_district_s_school_is_404(school_a, other_admin):
    client = logged_in(other_admin)
    for page in ("edit", "archive", "restore"):
        assert client.get(f"/schools/{school_a.code}/{page}/").status_code == 404
        assert client.post(f"/schools/{school_a.code}/{page}/").status_code == 404
    school_a.refresh_from_db()
    assert school_a.status == SchoolStatus.ACTIVE


def test_school_leaders_cannot_manage_schools(school_a, principal_a):
    client = logged_in(principal_a)
    assert client.get("/schools/").status_code == 403
    assert client.post(f"/schools/{school_a.code}/archive/").status_code == 403
    school_a.refresh_from_db()
    assert school_a.status == SchoolStatus.ACTIVE
