"""The hazard pages beyond the happy path: the report form's responsible person and deadline,
a bureau inspector's visit, reassigning, and sending a rectification back (reopening)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from eduplatform.accounts.roles import Role
from eduplatform.safety.actions import rectify_hazard, report_hazard
from eduplatform.safety.models import Hazard, HazardSource, HazardStatus
from tenants.routing import school_reverse
from tests.conftest import logged_in
from tests.safety.conftest import clean, photo_upload
from tests.world import make_user


def page(school, name, **kwargs):
    return school_reverse(school, f"frontend:safety:{name}", **kwargs)


def _report(actor, **fields):
    values = {"category": "fire", "severity": "minor", "location": "二号楼楼道", "description": "消防栓被遮挡",
              "photos": [clean()], "actor": actor}  # fmt: skip
    values.update(fields)
    return report_hazard(**values)


def _form(**fields):
    values = {"location": "食堂后门", "category": "fire", "severity": "major", "description": "灭火器过期",
              "photos": photo_upload()}  # fmt: skip
    values.update(fields)
    return values


def test_the_report_form_names_the_responsible_person_and_defaults_the_deadline(school_a, staff_a, member_a):
    client = logged_in(staff_a)
    form = client.get(page(school_a, "report-hazard")).content.decode()
    # The district's defaults by severity are shown beside the deadline.
    assert "一般隐患 7 天" in form and "较大隐患 5 天" in form and "重大隐患 3 天" in form
    assert member_a.name in form
    done = client.post(page(school_a, "report-hazard"), _form(responsible=member_a.pk))
    assert done.status_code == 302
    with schema_context(school_a.schema_name):
        hazard = Hazard.objects.get(description="灭火器过期")
    assert hazard.responsible_id == member_a.pk and hazard.source == HazardSource.REPORT
    assert hazard.deadline == hazard.reported_on + timedelta(days=5)  # major: 5 days by default


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"deadline": "2000-01-01"}, "整改期限不能早于发现日期"),
        ({"photos": ""}, "请拍摄或上传隐患照片。"),
        ({"location": " "}, "该字段是必填项"),
        ({"responsible": "999999"}, "选择一个有效的选项"),
    ],
)
def test_bad_reports_are_refused_beside_the_field(school_a, staff_a, fields, message):
    response = logged_in(staff_a).post(page(school_a, "report-hazard"), _form(**fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    with schema_context(school_a.schema_name):
        assert not Hazard.objects.filter(description="灭火器过期").exists()


def test_someone_of_another_school_cannot_be_made_responsible(school_a, staff_a, member_b, in_school_a):
    from django.core.exceptions import ValidationError

    from eduplatform.checklists.refusals import first_code

    with pytest.raises(ValidationError) as refused:
        _report(staff_a, responsible=member_b)
    assert first_code(refused.value) == "invalid_person"
    assert not Hazard.objects.exists()


def test_a_bureau_inspector_reports_a_visit_finding_without_a_photo(school_a, inspector, safety_officer):
    client = logged_in(inspector)
    form = client.get(page(school_a, "report-hazard")).content.decode()
    assert "督导检查发现隐患" in form and school_a.name in form
    done = client.post(
        page(school_a, "report-hazard"),
        _form(photos="", description="围墙开裂", severity="critical", responsible=safety_officer.pk),
    )
    assert done.status_code == 302
    with schema_context(school_a.schema_name):
        hazard = Hazard.objects.get(description="围墙开裂")
    assert hazard.source == HazardSource.BUREAU_VISIT and hazard.reported_by_id == inspector.pk
    assert hazard.responsible_id == safety_officer.pk
    shown = client.get(page(school_a, "hazard", pk=hazard.pk)).content.decode()
    assert "督导检查" in shown and "已上报教育局" in shown
    # The school's own staff see it in their register as the bureau's finding.
    assert "围墙开裂" in logged_in(safety_officer).get(page(school_a, "hazards")).content.decode()


def test_the_school_reassigns_and_refuses_a_deadline_before_the_report(
    school_a, staff_a, member_a, safety_officer
):
    with schema_context(school_a.schema_name):
        hazard = _report(staff_a)
    client = logged_in(safety_officer)
    url = page(school_a, "hazard", pk=hazard.pk)
    refused = client.post(
        url, {"step": "assign", "assign-responsible": member_a.pk, "assign-deadline": "2000-01-01"}
    )
    assert refused.status_code == 200 and "整改期限不能早于发现日期" in refused.content.decode()
    later = timezone.localdate() + timedelta(days=20)
    assert (
        client.post(
            url, {"step": "assign", "assign-responsible": member_a.pk, "assign-deadline": later.isoformat()}
        ).status_code
        == 302
    )
    with schema_context(school_a.schema_name):
        hazard.refresh_from_db()
    assert hazard.responsible_id == member_a.pk and hazard.deadline == later
    # The form shows the deadline in force, in the date input's format.
    assert f'value="{later.isoformat()}"' in client.get(url).content.decode()
    # A teacher may report but not reassign.
    assert (
        logged_in(staff_a).post(url, {"step": "assign", "assign-responsible": staff_a.pk}).status_code == 403
    )


def test_a_rectification_is_sent_back_with_a_reason_and_a_new_deadline(
    school_a, staff_a, member_a, principal
):
    with schema_context(school_a.schema_name):
        hazard = _report(staff_a, responsible=member_a)
        rectify_hazard(hazard=hazard, notes="已清理", photos=[clean()], actor=member_a)
    url = page(school_a, "hazard", pk=hazard.pk)
    # The rectifier is told why they cannot judge their own work, and is refused if they try.
    own = logged_in(member_a)
    assert "这条隐患由您整改，须由其他人员验收。" in own.get(url).content.decode()
    refused = own.post(url, {"step": "reopen", "reopen-reason": "自己退回"})
    assert "整改人不能验收自己的整改" in refused.content.decode()
    head = logged_in(principal)
    shown = head.get(url).content.decode()
    assert "退回重新整改" in shown and "新的整改期限" in shown
    empty = head.post(url, {"step": "reopen", "reopen-reason": " "})
    assert empty.status_code == 200 and "请填写退回原因。" in empty.content.decode()
    early = head.post(url, {"step": "reopen", "reopen-reason": "仍有遮挡", "reopen-deadline": "2000-01-01"})
    assert "整改期限不能早于发现日期" in early.content.decode()
    with schema_context(school_a.schema_name):
        hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFIED
    later = timezone.localdate() + timedelta(days=3)
    sent_back = head.post(
        url, {"step": "reopen", "reopen-reason": "仍有遮挡", "reopen-deadline": later.isoformat()}
    )
    assert sent_back.status_code == 302
    with schema_context(school_a.schema_name):
        hazard.refresh_from_db()
    assert hazard.status == HazardStatus.REOPENED and hazard.deadline == later and hazard.reopened_count == 1
    again = own.get(url).content.decode()
    assert "验收未通过" in again and "仍有遮挡" in again and "整改完成" in again


def test_a_teacher_cannot_judge_a_rectification(school_a, staff_a, member_a):
    with schema_context(school_a.schema_name):
        hazard = _report(staff_a, responsible=member_a)
        rectify_hazard(hazard=hazard, notes="已清理", photos=[clean()], actor=member_a)
    url = page(school_a, "hazard", pk=hazard.pk)
    teacher = logged_in(staff_a)
    assert "验收通过" not in teacher.get(url).content.decode()
    assert teacher.post(url, {"step": "verify"}).status_code == 403
    assert teacher.post(url, {"step": "reopen", "reopen-reason": "x"}).status_code == 403


@pytest.mark.parametrize("name", ["report-hazard", "hazard"])
def test_outsiders_get_nothing(name, school_a, staff_a, member_b, other_inspector):
    with schema_context(school_a.schema_name):
        hazard = _report(staff_a)
    url = page(school_a, name, **({"pk": hazard.pk} if name == "hazard" else {}))
    for outsider in (member_b, other_inspector):
        assert logged_in(outsider).get(url).status_code == 404
        assert logged_in(outsider).post(url, {"step": "reopen", "reopen-reason": "x"}).status_code == 404
    anonymous = Client().post(url, _form())
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    with schema_context(school_a.schema_name):
        assert Hazard.objects.count() == 1


def test_a_guard_reports_but_sees_only_their_own(school_a, staff_a):
    guard = make_user(Role.GUARD, school=school_a)
    with schema_context(school_a.schema_name):
        others = _report(staff_a)
    assert logged_in(guard).get(page(school_a, "hazard", pk=others.pk)).status_code == 404
    assert logged_in(guard).post(page(school_a, "report-hazard"), _form()).status_code == 302


def test_the_inspection_link_is_offered_only_to_those_who_can_open_it(
    school_a, patrol_template, safety_officer, staff_a, in_school_a
):
    from eduplatform.safety.actions import add_inspection_photo, start_inspection, submit_inspection

    inspection = start_inspection(template=patrol_template, location="二号教学楼", actor=safety_officer)
    items = {item.text: item for item in inspection.items.all()}
    add_inspection_photo(item=items["安全出口畅通"], image=clean(), actor=safety_officer)
    submit_inspection(
        inspection=inspection,
        actor=safety_officer,
        answers={
            items["安全出口畅通"].pk: {"result": "fail", "note": "堆放桌椅"},
            items["灭火器压力"].pk: {"number": "1.0"},
        },
    )
    hazard = Hazard.objects.get(inspection=inspection)
    Hazard.objects.filter(pk=hazard.pk).update(responsible=staff_a)
    inspection_url = school_reverse(school_a, "frontend:safety:inspection", pk=inspection.pk)
    officer_page = logged_in(safety_officer).get(page(school_a, "hazard", pk=hazard.pk)).content.decode()
    assert inspection_url in officer_page
    # The teacher made responsible sees the hazard, but no link to the inspection, which they may not open.
    staff_page = logged_in(staff_a).get(page(school_a, "hazard", pk=hazard.pk))
    assert staff_page.status_code == 200 and inspection_url not in staff_page.content.decode()
    assert logged_in(staff_a).get(inspection_url).status_code == 403
