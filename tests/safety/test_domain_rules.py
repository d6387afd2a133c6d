"""Rules that used to be decided in the pages or the API and now live in the domain:
where a report comes from, who may be responsible, which hazard steps are open, and which
district a new template belongs to."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django_tenants.utils import schema_context

from eduplatform.accounts.roles import Capability, Role
from eduplatform.checklists.access import district_for_new_template
from eduplatform.checklists.refusals import first_code
from eduplatform.safety.actions import (
    assign_hazard,
    create_local_template,
    rectify_hazard,
    report_hazard,
    set_local_template_active,
    set_responsibility,
)
from eduplatform.safety.actions.hazards import default_deadlines, reporting_source
from eduplatform.safety.campus_access import can_record_agreement
from eduplatform.safety.models import Agreement, Hazard, HazardSource, HazardStatus, InspectionResponsibility
from eduplatform.safety.people import inspection_person, staff_member
from eduplatform.safety.schedule import required_sources
from tenants.routing import school_reverse
from tests.conftest import logged_in
from tests.safety.conftest import clean
from tests.safety.test_agreements import signature_data_url
from tests.world import make_user


def test_a_bureau_persons_report_is_a_visit_finding_and_a_schools_is_a_report(
    school_a, in_school_a, inspector, staff_a
):
    assert reporting_source(school_a, inspector) == HazardSource.BUREAU_VISIT
    assert reporting_source(school_a, staff_a) == HazardSource.REPORT
    visit = report_hazard(category="building", severity="major", location="围墙", description="围墙开裂",
                          actor=inspector)  # fmt: skip
    assert visit.source == HazardSource.BUREAU_VISIT and visit.photos.count() == 0
    # A school member's report still needs its photo.
    with pytest.raises(ValidationError) as refused:
        report_hazard(category="fire", severity="minor", location="楼道", description="无照片", actor=staff_a)
    assert first_code(refused.value) == "photo_required"


def test_the_responsible_person_is_a_member_of_the_school(school_a, in_school_a, staff_a, member_a, member_b):
    assert staff_member(school_a, member_a.pk, "responsible") == member_a
    assert staff_member(school_a, None, "responsible") is None
    for wrong in (member_b.pk, "abc", 10**9):
        with pytest.raises(ValidationError) as refused:
            staff_member(school_a, wrong, "responsible")
        assert refused.value.error_dict["responsible"][0].code == "invalid_person"
    hazard = report_hazard(category="fire", severity="minor", location="楼道", description="隐患", photos=[clean()],
                           actor=staff_a)  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        assign_hazard(hazard=hazard, responsible=member_b, actor=member_a)
    assert first_code(refused.value) == "invalid_person"
    hazard.refresh_from_db()
    assert hazard.responsible_id is None


def test_the_state_rules_the_pages_offer_are_those_the_actions_keep(in_school_a, staff_a, member_a):
    hazard = report_hazard(category="fire", severity="minor", location="楼道", description="隐患", photos=[clean()],
                           actor=staff_a, responsible=member_a)  # fmt: skip
    assert hazard.can_start_rectification and hazard.can_be_rectified and not hazard.is_awaiting_verification
    rectify_hazard(hazard=hazard, notes="已处理", photos=[clean()], actor=member_a)
    hazard.refresh_from_db()
    assert not hazard.can_start_rectification and not hazard.can_be_rectified
    assert hazard.is_awaiting_verification and hazard.can_be_reassigned
    assert hazard.was_rectified_by(member_a) and not hazard.was_rectified_by(staff_a)
    assert not Hazard(status=HazardStatus.VERIFIED).can_be_reassigned
    assert not Hazard().was_rectified_by(member_a)  # nobody has rectified it yet


def test_the_default_deadlines_by_severity_come_from_the_district(school_a, in_school_a):
    assert default_deadlines(school_a) == {"minor": 7, "major": 5, "critical": 3}


def test_only_people_who_may_record_inspections_can_be_responsible(
    school_a, in_school_a, patrol_template, safety_officer, principal, staff_a, member_b, inspector
):
    director = make_user(Role.LOGISTICS_DIRECTOR, school=school_a)
    for person in (safety_officer, principal, director):
        assert inspection_person(school_a, person.pk) == person
    # A teacher cannot fill one in; another school's director and a bureau inspector are not the school's.
    for person in (staff_a, member_b, inspector):
        with pytest.raises(ValidationError) as refused:
            set_responsibility(person=person, template=patrol_template, actor=safety_officer)
        assert first_code(refused.value) == "invalid_person"
    assert not InspectionResponsibility.objects.exists()
    with pytest.raises(ValidationError) as refused:
        set_responsibility(person=director, actor=safety_officer)
    assert first_code(refused.value) == "required"
    set_responsibility(person=director, template=patrol_template, actor=safety_officer)
    assert InspectionResponsibility.objects.get().person_id == director.pk


def test_a_stopped_local_template_is_no_longer_required(school_a, in_school_a, safety_officer):
    local = create_local_template(name="实验室周检", frequency="weekly", actor=safety_officer)
    assert f"l{local.pk}" in {source.key for source in required_sources(school_a)}
    set_local_template_active(local_template=local, is_active=False, actor=safety_officer)
    assert f"l{local.pk}" not in {source.key for source in required_sources(school_a)}


def test_a_new_template_belongs_to_the_admins_own_district(world, inspector):
    admin = make_user(Role.BUREAU_ADMIN, district=world.district)
    assert district_for_new_template(admin) == world.district
    with pytest.raises(Http404):
        district_for_new_template(inspector)


def test_a_year_out_of_range_is_refused_not_replaced_by_this_year(
    school_a, staff_a, safety_officer, member_b
):
    url = school_reverse(school_a, "frontend:safety:sign-own-agreement")
    refused = logged_in(staff_a).post(url, {"year": "2010", "signature": signature_data_url()}, follow=True)
    assert "年度应为" in refused.content.decode()
    # Another school's person is not someone this school records an agreement for.
    upload = school_reverse(school_a, "frontend:safety:upload-agreement")
    other = logged_in(safety_officer).post(upload, {"party": f"staff:{member_b.pk}"}, follow=True)
    assert "请选择本校的教职工。" in other.content.decode()
    api = school_reverse(school_a, "school-api:safety-agreement-list")
    answer = logged_in(safety_officer).post(api, {"year": 2026, "department": 10**9, "contractor": ""})
    assert (
        answer.status_code == 400 and answer.json()["errors"]["department"][0]["code"] == "invalid_department"
    )
    with schema_context(school_a.schema_name):
        assert Agreement.objects.count() == 0


def test_recording_an_agreement_for_someone_else_needs_the_safety_record_capability(staff_a, safety_officer):
    assert can_record_agreement(staff_a, frozenset(), signer=staff_a)
    assert not can_record_agreement(staff_a, frozenset(), signer=safety_officer)
    assert not can_record_agreement(staff_a, frozenset(), contractor="某公司")
    assert can_record_agreement(safety_officer, frozenset({Capability.SAFETY_RECORD}), contractor="某公司")
