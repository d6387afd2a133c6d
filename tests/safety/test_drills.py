from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import schema_context

from eduplatform.checklists.refusals import first_code
from eduplatform.compliance.facts import recompute_school
from eduplatform.compliance.models import ComplianceFact
from eduplatform.compliance.periods import CURRENT, term_for
from eduplatform.district.settings import set_setting
from eduplatform.notifications.models import Notification
from eduplatform.safety import campus_facts, tasks
from eduplatform.safety.actions import record_drill, record_plan, review_plan
from eduplatform.safety.models import Drill, EmergencyPlan
from eduplatform.safety.settings import DRILLS_PER_TERM
from tenants.routing import school_reverse
from tests.conftest import logged_in
from tests.safety.conftest import clean, photo_upload


def _drill(actor, **fields):
    values = {"kind": "fire", "title": "秋季消防疏散演练", "held_on": timezone.localdate(), "students": 820,
              "staff": 64, "evacuation_seconds": 185, "evaluation": "有序", "problems": "三楼东侧楼梯拥堵",
              "actor": actor}  # fmt: skip
    values.update(fields)
    return record_drill(**values)


def _plan(actor, **fields):
    values = {"kind": "fire", "title": "火灾事故应急预案", "version": "2026版", "approver": "王校长",
              "reviewed_on": timezone.localdate() - timedelta(days=30), "actor": actor}  # fmt: skip
    values.update(fields)
    return record_plan(**values)


def page(school, name, **kwargs):
    return school_reverse(school, f"frontend:safety:{name}", **kwargs)


def api(school, name, **kwargs):
    return school_reverse(school, f"school-api:{name}", **kwargs)


def _fact(school, key, period):
    return ComplianceFact.objects.get(school=school, key=key, period=period)


def test_drills_this_term_against_the_district_minimum(world, bureau_admin, safety_officer, in_school_a):
    term = term_for(timezone.localdate()).key
    set_setting(district=world.district, key=DRILLS_PER_TERM, value=2, actor=bureau_admin)
    drill = _drill(safety_officer, photos=[clean()])
    assert drill.photos.count() == 1
    fact = _fact(in_school_a, campus_facts.DRILLS_THIS_TERM, term)
    assert (fact.value, fact.denominator, fact.detail["is_met"]) == (1, 2, False)
    _drill(safety_officer, kind="earthquake", title="防震演练")
    fact = _fact(in_school_a, campus_facts.DRILLS_THIS_TERM, term)
    assert (fact.value, fact.detail["is_met"]) == (2, True)
    # A drill of an earlier term does not count in this one.
    previous_term_day = term_for(timezone.localdate()).start - timedelta(days=40)
    _drill(safety_officer, title="上学期演练", held_on=previous_term_day)
    assert _fact(in_school_a, campus_facts.DRILLS_THIS_TERM, term).value == 2
    assert not recompute_school(in_school_a)


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"kind": "party"}, "kind", "invalid_kind"),
        ({"title": ""}, "title", "required"),
        ({"held_on": timezone.localdate() + timedelta(days=3)}, "held_on", "date_in_future"),
        ({"students": -1}, "students", "invalid_number"),
        ({"students": 0, "staff": 0}, "students", "nobody_took_part"),
        ({"evacuation_seconds": 10**9}, "evacuation_seconds", "invalid_number"),
    ],
)
def test_bad_drills_are_refused_beside_the_field(safety_officer, in_school_a, fields, field, code):
    with pytest.raises(ValidationError) as refused:
        _drill(safety_officer, **fields)
    assert refused.value.error_dict[field][0].code == code
    assert Drill.objects.count() == 0


def test_plans_reviewed_within_a_year_and_the_review(safety_officer, in_school_a):
    fresh = _plan(safety_officer)
    stale = _plan(safety_officer, title="地震应急预案", kind="earthquake",
                  reviewed_on=timezone.localdate() - timedelta(days=400))  # fmt: skip
    fact = _fact(in_school_a, campus_facts.PLANS_REVIEWED, CURRENT)
    assert (fact.value, fact.numerator, fact.denominator) == (50, 1, 2)
    with pytest.raises(ValidationError) as refused:
        review_plan(plan=stale, version="2027版", approver="王校长",
                    reviewed_on=stale.reviewed_on - timedelta(days=1), actor=safety_officer)  # fmt: skip
    assert first_code(refused.value) == "before_last_review"
    review_plan(plan=stale, version="2027版", approver="王校长", reviewed_on=timezone.localdate(),
                document=SimpleUploadedFile("预案.pdf", b"%PDF-1.4"), actor=safety_officer)  # fmt: skip
    stale.refresh_from_db()
    assert stale.version == "2027版" and stale.document.name.endswith(".pdf")
    assert _fact(in_school_a, campus_facts.PLANS_REVIEWED, CURRENT).value == 100
    with pytest.raises(ValidationError) as refused:
        _plan(safety_officer, version="", approver="")
    assert set(refused.value.error_dict) == {"version", "approver"}
    assert EmergencyPlan.objects.count() == 2 and fresh.pk


def test_plans_due_for_review_are_reminded_once(school_a, safety_officer):
    with schema_context(school_a.schema_name):
        _plan(safety_officer, reviewed_on=timezone.localdate() - timedelta(days=370))
        _plan(safety_officer, title="食物中毒应急预案", kind="food")
        day = timezone.localdate().isoformat()
        tasks.send_safety_reminders.run(day=day)
        tasks.send_safety_reminders.run(day=day)
    titles = list(
        Notification.objects.filter(user=safety_officer, kind="safety.plan_review_due").values_list(
            "title", flat=True
        )
    )
    assert titles == ["应急预案待复审：火灾事故应急预案"]


def test_drills_and_plans_on_the_pages(school_a, safety_officer):
    client = logged_in(safety_officer)
    refused = client.post(page(school_a, "drills"), {"kind": "fire", "title": "演练", "held_on": "2999-01-01",
                                                     "students": "10", "staff": "2"})  # fmt: skip
    assert refused.status_code == 200 and "演练日期不能晚于今天" in refused.content.decode()
    done = client.post(
        page(school_a, "drills"),
        {"kind": "fire", "title": "消防演练", "held_on": timezone.localdate().isoformat(), "students": "300",
         "staff": "20", "evacuation_seconds": "150", "photos": photo_upload()},
    )  # fmt: skip
    assert done.status_code == 302
    shown = client.get(page(school_a, "drills")).content.decode()
    assert "消防演练" in shown and "本学期已演练 1 次" in shown
    with schema_context(school_a.schema_name):
        photo = Drill.objects.get().photos.get()
    assert client.get(page(school_a, "document", kind="drill-photo", pk=photo.pk)).status_code == 200

    created = client.post(
        page(school_a, "plans"),
        {"kind": "fire", "title": "消防预案", "version": "V1", "approver": "校长",
         "reviewed_on": timezone.localdate().isoformat(), "document": SimpleUploadedFile("plan.pdf", b"%PDF")},
    )  # fmt: skip
    assert created.status_code == 302
    with schema_context(school_a.schema_name):
        plan = EmergencyPlan.objects.get()
    assert "消防预案" in client.get(page(school_a, "plans")).content.decode()
    assert client.get(page(school_a, "document", kind="plan", pk=plan.pk)).status_code == 200
    reviewed = client.post(page(school_a, "plan", pk=plan.pk), {"version": "V2", "approver": "校长",
                                                                 "reviewed_on": timezone.localdate().isoformat()})  # fmt: skip
    assert reviewed.status_code == 302


def test_drills_and_plans_through_the_api(school_a, safety_officer):
    client = logged_in(safety_officer)
    created = client.post(
        api(school_a, "safety-drill-list"),
        {"kind": "evacuation", "title": "疏散演练", "held_on": timezone.localdate().isoformat(), "students": 100,
         "staff": 10, "photos": [photo_upload()]},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    assert len(created.json()["photos"]) == 1
    refused = client.post(
        api(school_a, "safety-drill-list"),
        {"kind": "x", "title": "t", "held_on": timezone.localdate().isoformat(), "students": 1, "staff": 1},
    )
    assert refused.status_code == 400 and refused.json()["errors"]["kind"][0]["code"] == "invalid_kind"
    plan = client.post(
        api(school_a, "safety-plan-list"),
        {"kind": "food", "title": "食物中毒预案", "version": "V1", "approver": "校长",
         "reviewed_on": (timezone.localdate() - timedelta(days=10)).isoformat()},
    )  # fmt: skip
    assert plan.status_code == 201, plan.content
    reviewed = client.post(
        api(school_a, "safety-plan-review", pk=plan.json()["id"]),
        {"version": "V2", "approver": "校长", "reviewed_on": timezone.localdate().isoformat()},
    )
    assert reviewed.status_code == 200 and reviewed.json()["version"] == "V2"
    assert len(client.get(api(school_a, "safety-drill-list")).json()["results"]) == 1


def test_the_drill_and_plan_lists_pin_their_queries(school_a, safety_officer, django_assert_max_num_queries):
    client = logged_in(safety_officer)

    def add(count):
        with schema_context(school_a.schema_name):
            for index in range(count):
                _drill(safety_officer, title=f"演练{index}", photos=[clean()])
                _plan(safety_officer, title=f"预案{index}")

    urls = [page(school_a, "drills"), page(school_a, "plans"), api(school_a, "safety-drill-list"),
            api(school_a, "safety-plan-list")]  # fmt: skip
    for url in urls:
        add(2)
        with django_assert_max_num_queries(30) as captured:
            assert client.get(url).status_code == 200
        few = len(captured.captured_queries)
        add(4)
        with django_assert_max_num_queries(few):
            assert client.get(url).status_code == 200
