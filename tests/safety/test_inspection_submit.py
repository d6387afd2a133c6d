"""Submitting an inspection: every change audited, the facts right, and a cost that does not
grow with the number of answers (the 40-item budget of `make bench`)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from eduplatform.audit.models import AuditEvent
from eduplatform.audit.verification import verify_chain
from eduplatform.checklists.models import ItemKind
from eduplatform.compliance.facts import recompute_school
from eduplatform.compliance.models import ComplianceFact
from eduplatform.safety import facts
from eduplatform.safety.actions import add_inspection_photo, start_inspection, submit_inspection
from eduplatform.safety.models import Hazard, InspectionStatus
from tests.safety.conftest import clean, make_template


def _statements(captured) -> list[str]:
    """What was sent, less django-tenants' SET search_path (sent or not by its own setting)."""
    return [query["sql"] for query in captured.captured_queries if not query["sql"].startswith("SET ")]


def test_a_submit_audits_the_answers_the_submit_and_each_hazard_in_order(
    patrol_template, safety_officer, in_school_a
):
    inspection = start_inspection(template=patrol_template, location="一号楼", actor=safety_officer)
    items = {item.text: item for item in inspection.items.all()}
    add_inspection_photo(item=items["安全出口畅通"], image=clean(), actor=safety_officer)
    last = AuditEvent.objects.filter(chain=in_school_a.code).order_by("-sequence").first().sequence
    submit_inspection(
        inspection=inspection,
        actor=safety_officer,
        answers={
            items["安全出口畅通"].pk: {"result": "fail", "note": "堆放杂物"},
            items["灭火器压力"].pk: {"number": "1.2"},
        },
    )
    hazard = Hazard.objects.get(inspection=inspection)
    events = list(AuditEvent.objects.filter(chain=in_school_a.code, sequence__gt=last).order_by("sequence"))
    assert [(event.action, event.object_type, event.object_id) for event in events] == [
        ("answer", "safety.inspection", str(inspection.pk)),
        ("submit", "safety.inspection", str(inspection.pk)),
        ("create", "safety.hazard", str(hazard.pk)),
    ]
    assert {event.actor_id for event in events} == {safety_officer.pk}
    assert {event.school_id for event in events} == {in_school_a.pk}
    assert events[0].after[str(items["安全出口畅通"].pk)]["result"] == "fail"
    assert events[0].after[str(items["灭火器压力"].pk)]["number"] == "1.2"
    assert events[1].before["status"] == InspectionStatus.DRAFT
    assert events[1].after["status"] == InspectionStatus.SUBMITTED
    assert events[2].after["number"] == hazard.number
    assert verify_chain(in_school_a.code)[1] == []
    # The facts written in the submit's transaction are the ones a recompute finds.
    recorded = set(
        ComplianceFact.objects.filter(school=in_school_a, key__startswith="safety.").values_list(
            "key", flat=True
        )
    )
    assert {facts.INSPECTIONS_DONE, facts.HAZARDS_FOUND, facts.HAZARDS_OVERDUE} <= recorded
    assert recompute_school(in_school_a) == []


def _submit_all_passed(template, actor) -> list[str]:
    inspection = start_inspection(template=template, actor=actor)
    answers = {item.pk: {"result": "pass"} for item in inspection.items.all()}
    with CaptureQueriesContext(connection) as captured:
        submit_inspection(inspection=inspection, answers=answers, actor=actor)
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.SUBMITTED
    assert not inspection.items.exclude(result="pass").exists()
    return _statements(captured)


def test_a_submit_costs_the_same_queries_for_3_or_40_answers(
    world, bureau_admin, safety_officer, in_school_a
):
    def template(name, count):
        items = [{"text": f"检查项{number}", "kind": ItemKind.PASS_FAIL} for number in range(count)]
        return make_template(world.district, bureau_admin, name=name, items=items)

    short, long = template("三项检查", 3), template("四十项检查", 40)
    _submit_all_passed(short, safety_officer)  # the first submit of a term creates its facts
    few = _submit_all_passed(short, safety_officer)
    many = _submit_all_passed(long, safety_officer)
    assert len(many) == len(few)
    # The same answer for every item is written in one statement, and one audit append.
    assert sum(sql.startswith('UPDATE "safety_inspectionitem"') for sql in many) == 1
    assert sum(sql.startswith('INSERT INTO "audit_auditevent"') for sql in many) == 1
