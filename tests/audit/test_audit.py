from __future__ import annotations

from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from eduplatform.accounts.models import User
from eduplatform.accounts.roles import Role
from eduplatform.audit.models import AuditEvent
from eduplatform.audit.trail import record_bulk_change, snapshot
from eduplatform.audit.verification import verify_all
from eduplatform.organisation.actions import create_department
from eduplatform.organisation.models import Department
from tests.conftest import logged_in
from tests.world import make_user


def test_a_change_is_recorded_with_who_where_and_after(school_a, member_a):
    with schema_context(school_a.schema_name):
        department = create_department(name="安全办", actor=member_a)
    event = AuditEvent.objects.get(object_type="organisation.department", object_id=str(department.pk))
    assert (event.actor, event.school, event.action, event.chain) == (
        member_a,
        school_a,
        "create",
        school_a.code,
    )
    assert event.before is None
    assert event.after["name"] == "安全办"


def test_a_bulk_update_records_every_row_with_before_and_after(school_a, member_a):
    with schema_context(school_a.schema_name):
        departments = [Department.objects.create(name=f"年级组{number}") for number in range(3)]
        befores = {department.pk: snapshot(department) for department in departments}
        Department.objects.filter(pk__in=befores).update(is_active=False)
        changed = list(Department.objects.filter(pk__in=befores))
        record_bulk_change(actor=member_a, action="update", changes=[(d, befores[d.pk]) for d in changed])
    events = AuditEvent.objects.filter(object_type="organisation.department", action="update").order_by(
        "sequence"
    )
    assert [event.object_id for event in events] == [str(d.pk) for d in sorted(changed, key=lambda d: d.pk)]
    assert all(event.before["is_active"] is True and event.after["is_active"] is False for event in events)
    sequences = [event.sequence for event in events]
    assert sequences == list(range(sequences[0], sequences[0] + 3))


def test_logins_and_failed_logins_are_audited(school_a):
    user = make_user(Role.STAFF, school=school_a)
    client = logged_in(user)
    client.logout()
    from django.test import Client

    Client().post("/accounts/login/", {"username": user.username, "password": "wrong-password-xyz"})
    Client().post("/accounts/login/", {"username": user.username, "password": "correct-horse-battery-42"})
    actions = list(AuditEvent.objects.filter(chain="public").values_list("action", flat=True))
    assert "login_failed" in actions and "login" in actions and "logout" in actions


def test_refused_access_is_audited(school_a, member_b):
    logged_in(member_b).get(f"/s/{school_a.code}/departments/")
    event = AuditEvent.objects.filter(action="access_refused", school=school_a).latest("sequence")
    assert event.actor == member_b
    assert event.context["path"] == f"/s/{school_a.code}/departments/"


def test_the_application_cannot_edit_or_delete_audit_events(school_a, member_a):
    with schema_context(school_a.schema_name):
        create_department(name="不可改的记录", actor=member_a)
    event = AuditEvent.objects.latest("pk")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(actor_label="someone else")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def _tamper(sql: str, params: list) -> None:
    """Change the table behind the application's back, as someone with database access could."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = origin")


def test_verify_audit_passes_on_an_untouched_trail(school_a, member_a, capsys):
    with schema_context(school_a.schema_name):
        create_department(name="校验一", actor=member_a)
        create_department(name="校验二", actor=member_a)
    call_command("verify_audit")
    assert "verified" in capsys.readouterr().out


def test_verify_audit_catches_an_edited_event(school_a, member_a):
    with schema_context(school_a.schema_name):
        department = create_department(name="原名", actor=member_a)
        create_department(name="之后的记录", actor=member_a)
    event = AuditEvent.objects.get(object_type="organisation.department", object_id=str(department.pk))
    _tamper(
        "UPDATE audit_auditevent SET after = jsonb_set(after, '{name}', '\"篡改\"') WHERE id = %s", [event.pk]
    )
    _checked, problems = verify_all()
    assert [(p.chain, p.sequence) for p in problems] == [(school_a.code, event.sequence)]
    with pytest.raises(CommandError):
        call_command("verify_audit")


def test_verify_audit_catches_a_deleted_event(school_a, member_a):
    with schema_context(school_a.schema_name):
        first = create_department(name="第一条", actor=member_a)
        create_department(name="第二条", actor=member_a)
        create_department(name="第三条", actor=member_a)
    victim = AuditEvent.objects.get(object_type="organisation.department", object_id=str(first.pk))
    victim_sequence = victim.sequence
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
    _checked, problems = verify_all()
    assert any(p.sequence == victim_sequence + 1 and "missing" in p.message for p in problems)


def test_audit_page_shows_school_leaders_their_school_only(school_a, school_b, member_a, member_b):
    with schema_context(school_a.schema_name):
        create_department(name="A校审计可见", actor=member_a)
    with schema_context(school_b.schema_name):
        create_department(name="B校审计可见", actor=member_b)
    page_a = logged_in(member_a).get(f"/s/{school_a.code}/audit/").content.decode()
    assert member_a.name in page_a and member_b.name not in page_a


def test_audit_page_filters_by_person_type_and_date(school_a, member_a):
    other = make_user(Role.PRINCIPAL, school=school_a)
    with schema_context(school_a.schema_name):
        create_department(name="甲", actor=member_a)
        create_department(name="乙", actor=other)
    client = logged_in(member_a)
    page = client.get(
        f"/s/{school_a.code}/audit/", {"person": other.username, "object_type": "organisation.department"}
    )
    rows = page.context["page"].object_list
    assert {event.actor for event in rows} == {other}
    bad = client.get(f"/s/{school_a.code}/audit/", {"date_from": "2026-09-02", "date_to": "2026-09-01"})
    assert "结束日期不能早于开始日期" in bad.content.decode()


def test_staff_without_the_capability_cannot_open_the_audit_page(school_a):
    teacher = make_user(Role.STAFF, school=school_a)
    assert logged_in(teacher).get(f"/s/{school_a.code}/audit/").status_code == 403


def test_audit_export_is_a_spreadsheet_of_what_the_reader_may_see(
    world, inspector, other_inspector, member_a
):
    with schema_context(world.school_a.schema_name):
        create_department(name="导出可见", actor=member_a)
    mine = load_workbook(BytesIO(logged_in(inspector).get("/audit/export/").content)).active
    cells = [str(cell.value) for row in mine.iter_rows() for cell in row]
    assert any("导出可见" in cell for cell in cells)
    theirs = load_workbook(BytesIO(logged_in(other_inspector).get("/audit/export/").content)).active
    assert not any("导出可见" in str(cell.value) for row in theirs.iter_rows() for cell in row)


def test_a_purge_keeps_the_chain_verifiable_and_refuses_under_180_days(school_a, member_a):
    import time_machine
    from django.utils import timezone

    with (
        time_machine.travel(timezone.now() - timezone.timedelta(days=400)),
        schema_context(school_a.schema_name),
    ):
        create_department(name="很久以前", actor=member_a)
    with schema_context(school_a.schema_name):
        create_department(name="最近", actor=member_a)
    with pytest.raises(CommandError):
        call_command("purge_audit", "--older-than-days", "30")
    call_command("purge_audit", "--older-than-days", "365")
    assert not AuditEvent.objects.filter(after__name="很久以前").exists()
    assert AuditEvent.objects.filter(after__name="最近").exists()
    assert verify_all()[1] == []


def test_user_model_has_no_password_in_the_trail(school_a, member_a):
    assert "password" not in snapshot(User.objects.get(pk=member_a.pk))
