from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from eduplatform.checklists.models import ItemKind, Severity
from eduplatform.checklists.refusals import first_code
from eduplatform.safety.actions import (
    add_inspection_photo,
    add_local_item,
    save_answers,
    start_inspection,
    submit_inspection,
)
from eduplatform.safety.models import Hazard, HazardPhoto, HazardSource, InspectionStatus
from tests.safety.conftest import clean


def _items(inspection):
    return {item.text: item for item in inspection.items.all()}


def test_a_failed_item_opens_exactly_one_hazard_with_its_photos(patrol_template, safety_officer, in_school_a):
    inspection = start_inspection(template=patrol_template, location="二号教学楼", actor=safety_officer)
    items = _items(inspection)
    exit_item = items["安全出口畅通"]
    add_inspection_photo(item=exit_item, image=clean(), actor=safety_officer)
    submit_inspection(
        inspection=inspection,
        actor=safety_officer,
        answers={
            exit_item.pk: {"result": "fail", "note": "一楼东侧安全出口堆放桌椅"},
            items["灭火器压力"].pk: {"number": "1.0"},
        },
    )
    hazards = Hazard.objects.filter(inspection=inspection)
    assert hazards.count() == 1
    hazard = hazards.get()
    assert hazard.inspection_item_id == exit_item.pk
    assert hazard.source == HazardSource.INSPECTION
    assert hazard.severity == Severity.MAJOR
    assert hazard.location == "二号教学楼"
    assert "一楼东侧安全出口堆放桌椅" in hazard.description
    assert HazardPhoto.objects.filter(hazard=hazard).count() == 1
    assert HazardPhoto.objects.get(hazard=hazard).image.name == exit_item.photos.get().image.name
    # Submitting again neither succeeds nor opens another.
    with pytest.raises(ValidationError) as refused:
        submit_inspection(inspection=inspection, actor=safety_officer)
    assert first_code(refused.value) == "inspection_submitted"
    assert Hazard.objects.filter(inspection_item=exit_item).count() == 1


def test_a_submitted_inspection_is_read_only(patrol_template, safety_officer, in_school_a):
    inspection = start_inspection(template=patrol_template, actor=safety_officer)
    items = _items(inspection)
    submit_inspection(
        inspection=inspection,
        actor=safety_officer,
        answers={items["安全出口畅通"].pk: {"result": "pass"}, items["灭火器压力"].pk: {"number": "1"}},
    )
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.SUBMITTED and inspection.performed_on
    with pytest.raises(ValidationError) as refused:
        save_answers(
            inspection=inspection,
            answers={items["安全出口畅通"].pk: {"result": "fail"}},
            actor=safety_officer,
        )
    assert first_code(refused.value) == "inspection_submitted"
    with pytest.raises(ValidationError):
        add_inspection_photo(item=items["安全出口畅通"], image=clean(), actor=safety_officer)
    assert inspection.items.get(pk=items["安全出口畅通"].pk).result == "pass"


def test_submit_missing_required_answers_is_refused_and_saves_nothing(
    patrol_template, safety_officer, in_school_a
):
    inspection = start_inspection(template=patrol_template, actor=safety_officer)
    items = _items(inspection)
    with pytest.raises(ValidationError) as refused:
        submit_inspection(
            inspection=inspection,
            actor=safety_officer,
            answers={items["安全出口畅通"].pk: {"result": "pass"}},
        )
    errors = refused.value.error_dict
    assert set(errors) == {f"item-{items['灭火器压力'].pk}"}
    assert errors[f"item-{items['灭火器压力'].pk}"][0].code == "required"
    assert "灭火器压力" in errors[f"item-{items['灭火器压力'].pk}"][0].message
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DRAFT
    assert inspection.items.get(pk=items["安全出口畅通"].pk).result == ""


def test_a_failed_item_needs_its_photo(patrol_template, safety_officer, in_school_a):
    inspection = start_inspection(template=patrol_template, actor=safety_officer)
    items = _items(inspection)
    with pytest.raises(ValidationError) as refused:
        submit_inspection(
            inspection=inspection,
            actor=safety_officer,
            answers={items["安全出口畅通"].pk: {"result": "fail"}, items["灭火器压力"].pk: {"number": "1"}},
        )
    assert first_code(refused.value) == "photo_required"
    assert not Hazard.objects.filter(inspection=inspection).exists()


@pytest.mark.parametrize(
    ("value", "code"), [("3.5", "out_of_range"), ("-1", "out_of_range"), ("高", "invalid_number")]
)
def test_a_number_outside_its_range_is_refused(patrol_template, safety_officer, in_school_a, value, code):
    inspection = start_inspection(template=patrol_template, actor=safety_officer)
    items = _items(inspection)
    with pytest.raises(ValidationError) as refused:
        save_answers(
            inspection=inspection,
            answers={items["安全出口畅通"].pk: {"result": "pass"}, items["灭火器压力"].pk: {"number": value}},
            actor=safety_officer,
        )
    assert first_code(refused.value) == code
    # Nothing saved half-way: the valid answer in the same request was not kept either.
    assert inspection.items.get(pk=items["安全出口畅通"].pk).result == ""


def test_school_items_follow_the_districts_without_changing_it(patrol_template, safety_officer, in_school_a):
    add_local_item(district_template=patrol_template, text="校园小卖部食品在保质期内", kind=ItemKind.PASS_FAIL,
                   actor=safety_officer)  # fmt: skip
    inspection = start_inspection(template=patrol_template, actor=safety_officer)
    texts = list(inspection.items.order_by("position").values_list("text", "section_title"))
    assert texts[-1] == ("校园小卖部食品在保质期内", "本校补充")
    assert not patrol_template.current_version.items.filter(text="校园小卖部食品在保质期内").exists()


def test_a_choice_in_the_failing_choices_opens_a_critical_hazard(
    world, bureau_admin, safety_officer, in_school_a
):
    from tests.safety.conftest import make_template

    template = make_template(
        world.district,
        bureau_admin,
        name="校舍检查（测试）",
        items=[{"text": "房屋危险性等级", "kind": ItemKind.CHOICE, "choices": ["A级", "B级", "C级", "D级"],
                "failing_choices": ["C级", "D级"], "severity_on_failure": Severity.CRITICAL,
                "photo_required_on_failure": False}],
    )  # fmt: skip
    inspection = start_inspection(template=template, actor=safety_officer)
    item = inspection.items.get()
    submit_inspection(inspection=inspection, actor=safety_officer, answers={item.pk: {"choice": "D级"}})
    hazard = Hazard.objects.get(inspection_item=item)
    assert hazard.severity == Severity.CRITICAL and hazard.escalated_at is not None
