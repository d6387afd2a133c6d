from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import schema_context

from eduplatform.checklists.models import HazardEscalation, Severity
from eduplatform.checklists.refusals import first_code
from eduplatform.compliance.models import ComplianceFact
from eduplatform.compliance.periods import CURRENT
from eduplatform.safety import campus_facts
from eduplatform.safety.actions import record_assessment, register_building
from eduplatform.safety.buildings import add_months, building_checks
from eduplatform.safety.models import Building, BuildingAssessment, Hazard, HazardSource
from tenants.routing import school_reverse
from tests.conftest import logged_in
from tests.world import make_user


def _building(actor, **fields):
    values = {"name": "教学楼一号楼", "built_year": 1998, "structure": "masonry", "floors": 4, "area": "3200.5",
              "actor": actor}  # fmt: skip
    values.update(fields)
    return register_building(**values)


def _assess(building, actor, grade, days_ago=0, **fields):
    return record_assessment(
        building=building, grade=grade, assessed_on=timezone.localdate() - timedelta(days=days_ago),
        assessor="市房屋安全鉴定所", actor=actor, **fields,
    )  # fmt: skip


def _fact(school, key):
    return ComplianceFact.objects.get(school=school, key=key, period=CURRENT)


def test_grade_d_seals_the_building_and_opens_exactly_one_critical_hazard(safety_officer, in_school_a):
    building = _building(safety_officer)
    _assess(building, safety_officer, "B", days_ago=30)
    assert Hazard.objects.count() == 0

    _assess(building, safety_officer, "D", days_ago=1)
    building.refresh_from_db()
    assert building.is_sealed and building.grade == "D" and building.sealed_at is not None
    hazard = Hazard.objects.get()
    assert (hazard.building_id, hazard.severity, hazard.source) == (
        building.pk, Severity.CRITICAL, HazardSource.BUILDING,
    )  # fmt: skip
    assert HazardEscalation.objects.filter(school=in_school_a).count() == 1

    # A second D while sealed records the assessment but opens no second hazard.
    _assess(building, safety_officer, "D")
    assert Hazard.objects.count() == 1 and BuildingAssessment.objects.count() == 3
    assert _fact(in_school_a, campus_facts.BUILDINGS_BY_GRADE).detail["D"] == 1
    assert _fact(in_school_a, campus_facts.BUILDINGS_DANGEROUS).value == 1


def test_unsealing_needs_a_later_assessment_graded_a_to_c(safety_officer, in_school_a):
    building = _building(safety_officer)
    _assess(building, safety_officer, "D", days_ago=10)
    with pytest.raises(ValidationError) as refused:
        _assess(building, safety_officer, "A", days_ago=10)
    assert first_code(refused.value) == "unseal_needs_later_assessment"
    assert "assessed_on" in refused.value.error_dict
    building.refresh_from_db()
    assert building.is_sealed and BuildingAssessment.objects.count() == 1

    _assess(building, safety_officer, "C", days_ago=2)
    building.refresh_from_db()
    assert not building.is_sealed and building.grade == "C" and building.sealed_at is None
    assert Hazard.objects.count() == 1


def test_the_six_monthly_check_is_due_six_months_after_the_last_assessment(safety_officer, in_school_a):
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    recent, old, never = (_building(safety_officer, name=name) for name in ("实验楼", "综合楼", "食堂"))
    _assess(recent, safety_officer, "A", days_ago=20)
    _assess(old, safety_officer, "B", days_ago=200)
    today = timezone.localdate()
    checks = {check.building.name: check for check in building_checks(in_school_a, today)}
    assert checks["实验楼"].due_on == add_months(today - timedelta(days=20), 6)
    assert not checks["实验楼"].is_due(today)
    assert checks["综合楼"].due_on == add_months(today - timedelta(days=200), 6)
    assert checks["综合楼"].is_overdue(today)
    # Never assessed: due from the day it was registered.
    assert checks["食堂"].due_on == today and checks["食堂"].is_due(today)
    assert not checks["食堂"].is_overdue(today)
    fact = _fact(in_school_a, campus_facts.BUILDING_CHECKS_OVERDUE)
    assert (fact.value, fact.denominator) == (1, 3)
    assert never.pk


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"name": " "}, "name", "required"),
        ({"built_year": 1700}, "built_year", "invalid_year"),
        ({"floors": 0}, "floors", "invalid_floors"),
        ({"area": "-3"}, "area", "invalid_area"),
        ({"area": "abc"}, "area", "invalid_area"),
        ({"structure": "straw"}, "structure", "invalid_structure"),
    ],
)
def test_bad_building_fields_are_refused_beside_the_field(safety_officer, in_school_a, fields, field, code):
    with pytest.raises(ValidationError) as refused:
        _building(safety_officer, **fields)
    assert refused.value.error_dict[field][0].code == code
    assert Building.objects.count() == 0


def test_a_duplicate_name_and_bad_assessments_are_refused(safety_officer, in_school_a):
    building = _building(safety_officer)
    with pytest.raises(ValidationError) as refused:
        _building(safety_officer)
    assert first_code(refused.value) == "duplicate_name"
    _assess(building, safety_officer, "A", days_ago=5)
    for grade, days_ago, fields, code in [
        ("E", 0, {}, "invalid_grade"),
        ("A", -3, {}, "date_in_future"),
        ("A", 9, {}, "before_last_assessment"),
        ("A", 0, {"report": SimpleUploadedFile("report.exe", b"MZ")}, "document_format"),
    ]:
        with pytest.raises(ValidationError) as refused:
            _assess(building, safety_officer, grade, days_ago=days_ago, **fields)
        assert first_code(refused.value) == code
    assert BuildingAssessment.objects.count() == 1


def test_an_assessment_keeps_its_report(safety_officer, in_school_a):
    building = _building(safety_officer)
    assessment = _assess(
        building, safety_officer, "A", report=SimpleUploadedFile("鉴定报告.pdf", b"%PDF-1.4")
    )
    assert assessment.report.name.endswith(".pdf")
    building.refresh_from_db()
    assert building.report.name == assessment.report.name


def api(school, name, **kwargs):
    return school_reverse(school, f"school-api:{name}", **kwargs)


def page(school, name, **kwargs):
    return school_reverse(school, f"frontend:safety:{name}", **kwargs)


def test_buildings_through_the_api(school_a, safety_officer):
    client = logged_in(safety_officer)
    created = client.post(
        api(school_a, "safety-building-list"),
        {"name": "风雨操场", "built_year": 2005, "structure": "steel", "floors": 1, "area": "1500"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    refused = client.post(
        api(school_a, "safety-building-assessments", pk=pk), {"grade": "X", "assessed_on": "2020-01-01"}
    )
    assert refused.status_code == 400
    assert refused.json()["errors"]["grade"][0]["code"] == "invalid_grade"
    assessed = client.post(
        api(school_a, "safety-building-assessments", pk=pk),
        {"grade": "D", "assessed_on": timezone.localdate().isoformat(), "assessor": "鉴定所"},
    )
    assert assessed.status_code == 201, assessed.content
    body = assessed.json()
    assert body["is_sealed"] is True and body["grade"] == "D" and len(body["assessments"]) == 1
    listed = client.get(api(school_a, "safety-building-list")).json()["results"]
    assert listed[0]["check_due_on"] and listed[0]["is_sealed"] is True


def test_another_schools_building_is_a_404(school_a, school_b, safety_officer):
    with schema_context(school_b.schema_name):
        other = Building.objects.create(name="B校楼", built_year=2000, structure="frame", floors=3, area=100)
    client = logged_in(safety_officer)
    assert client.get(api(school_a, "safety-building-detail", pk=other.pk)).status_code == 404
    assert client.get(page(school_a, "building", pk=other.pk)).status_code == 404


def test_the_building_pages_register_assess_and_show_the_seal(school_a, safety_officer):
    client = logged_in(safety_officer)
    url = page(school_a, "buildings")
    refused = client.post(url, {"name": "科技楼", "built_year": "1800", "structure": "frame", "floors": "5",
                                "area": "800"})  # fmt: skip
    assert refused.status_code == 200 and "建成年份应在 1900" in refused.content.decode()
    done = client.post(url, {"name": "科技楼", "built_year": "2010", "structure": "frame", "floors": "5",
                             "area": "800"})  # fmt: skip
    assert done.status_code == 302
    with schema_context(school_a.schema_name):
        building = Building.objects.get(name="科技楼")
    detail = page(school_a, "building", pk=building.pk)
    assessed = client.post(
        detail, {"grade": "D", "assessed_on": timezone.localdate().isoformat(), "assessor": "鉴定所"}
    )
    assert assessed.status_code == 302
    shown = client.get(detail).content.decode()
    assert "已封闭停用" in shown
    listing = client.get(url).content.decode()
    assert "科技楼" in listing


def test_the_building_list_pins_its_queries(school_a, safety_officer, django_assert_max_num_queries):
    def add(names):
        with schema_context(school_a.schema_name):
            for name in names:
                _building(safety_officer, name=name)

    client = logged_in(safety_officer)
    for url in (page(school_a, "buildings"), api(school_a, "safety-building-list")):
        add([f"{url}-{index}" for index in range(2)])
        with django_assert_max_num_queries(30) as captured:
            assert client.get(url).status_code == 200
        few = len(captured.captured_queries)
        add([f"{url}-{index}" for index in range(2, 9)])
        with django_assert_max_num_queries(few):
            assert client.get(url).status_code == 200


def test_a_guard_may_not_open_the_building_register(school_a):
    from eduplatform.accounts.roles import Role

    guard = make_user(Role.GUARD, school=school_a)
    assert logged_in(guard).get(page(school_a, "buildings")).status_code == 403


def test_building_checks_due_are_reminded_once_and_shown_today(school_a, safety_officer):
    from eduplatform.notifications.models import Notification
    from eduplatform.safety import tasks
    from frontend import today as today_page

    with schema_context(school_a.schema_name):
        building = _building(safety_officer, name="老教学楼")
        _assess(building, safety_officer, "B", days_ago=200)
        _building(safety_officer, name="新实验楼")
        _assess(Building.objects.get(name="新实验楼"), safety_officer, "A", days_ago=10)
        day = timezone.localdate().isoformat()
        tasks.send_safety_reminders.run(day=day)
        tasks.send_safety_reminders.run(day=day)
    reminders = Notification.objects.filter(user=safety_officer, kind="safety.building_check_due")
    assert [reminder.title for reminder in reminders] == ["校舍检查已逾期：老教学楼"]

    home = logged_in(safety_officer).get(school_reverse(school_a, "frontend:home")).content.decode()
    assert "校舍检查：老教学楼" in home and "校舍检查：新实验楼" not in home
    assert "safety.buildings" in today_page.registered_names()
