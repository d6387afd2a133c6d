from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from eduplatform.checklists import access
from eduplatform.checklists.actions import (
    add_item,
    move_item,
    publish_version,
    remove_item,
    start_new_version,
    update_item,
)
from eduplatform.checklists.library import LIBRARY, seed_library
from eduplatform.checklists.models import ChecklistTemplate, ItemKind, VersionStatus
from eduplatform.checklists.refusals import first_code
from eduplatform.safety.actions import start_inspection, submit_inspection
from tests.safety.conftest import make_template


def test_a_new_version_leaves_submitted_inspections_unchanged(
    patrol_template, bureau_admin, safety_officer, in_school_a
):
    version_1 = patrol_template.current_version
    first = start_inspection(template=patrol_template, location="教学楼", actor=safety_officer)
    items = {item.text: item for item in first.items.all()}
    submit_inspection(
        inspection=first,
        actor=safety_officer,
        answers={items["安全出口畅通"].pk: {"result": "pass"}, items["灭火器压力"].pk: {"number": "1.2"}},
    )

    draft = start_new_version(template=patrol_template, actor=bureau_admin)
    exit_item = draft.items.get(text="安全出口畅通")
    update_item(item=exit_item, text="安全出口、疏散通道畅通", actor=bureau_admin)
    add_item(version=draft, text="应急照明完好", kind=ItemKind.PASS_FAIL, actor=bureau_admin)
    publish_version(version=draft, actor=bureau_admin)
    patrol_template.refresh_from_db()

    first.refresh_from_db()
    assert first.template_version_id == version_1.pk
    assert sorted(first.items.values_list("text", flat=True)) == ["备注", "安全出口畅通", "灭火器压力"]
    assert version_1.items.filter(text="安全出口畅通").exists()
    assert patrol_template.current_version_id == draft.pk
    second = start_inspection(template=patrol_template, actor=safety_officer)
    assert second.template_version_id == draft.pk
    assert "安全出口、疏散通道畅通" in second.items.values_list("text", flat=True)
    assert second.items.count() == 4


def test_a_published_version_cannot_be_edited(patrol_template, bureau_admin):
    item = patrol_template.current_version.items.first()
    with pytest.raises(ValidationError) as refused:
        update_item(item=item, text="改一下", actor=bureau_admin)
    assert first_code(refused.value) == "version_published"
    with pytest.raises(ValidationError):
        remove_item(item=item, actor=bureau_admin)
    item.refresh_from_db()
    assert item.text != "改一下"


def test_items_are_reordered_within_their_section(world, bureau_admin):
    template = make_template(world.district, bureau_admin)
    draft = start_new_version(template=template, actor=bureau_admin)
    items = list(draft.items.order_by("position"))
    move_item(item=items[1], offset=-1, actor=bureau_admin)
    assert list(draft.items.order_by("position").values_list("pk", flat=True)) == [
        items[1].pk, items[0].pk, items[2].pk,
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("definition", "code"),
    [
        ({"text": "", "kind": ItemKind.PASS_FAIL}, "required"),
        ({"text": "温度", "kind": ItemKind.NUMBER, "minimum": 10, "maximum": 1}, "invalid_range"),
        ({"text": "等级", "kind": ItemKind.CHOICE, "choices": ["A"]}, "too_few_choices"),
        ({"text": "等级", "kind": ItemKind.CHOICE, "choices": ["A", "B"], "failing_choices": ["C"]},
         "invalid_failing_choice"),
    ],
)  # fmt: skip
def test_bad_items_are_refused(world, bureau_admin, definition, code):
    template = make_template(world.district, bureau_admin)
    draft = start_new_version(template=template, actor=bureau_admin)
    count = draft.items.count()
    with pytest.raises(ValidationError) as refused:
        add_item(version=draft, actor=bureau_admin, **definition)
    assert first_code(refused.value) == code
    assert draft.items.count() == count


def test_publishing_an_empty_draft_is_refused(world, bureau_admin):
    template = make_template(world.district, bureau_admin)
    draft = start_new_version(template=template, actor=bureau_admin)
    for item in draft.items.all():
        remove_item(item=item, actor=bureau_admin)
    with pytest.raises(ValidationError) as refused:
        publish_version(version=draft, actor=bureau_admin)
    assert first_code(refused.value) == "no_items"
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_the_seeded_library_is_complete_and_idempotent(world):
    assert seed_library(world.district) == len(LIBRARY)
    assert seed_library(world.district) == 0
    templates = ChecklistTemplate.objects.filter(district=world.district, library_key__gt="")
    assert templates.count() == 6
    assert all(template.current_version is not None for template in templates)
    building = templates.get(library_key="building-check")
    grade = building.current_version.items.get(kind=ItemKind.CHOICE)
    assert grade.choices == ["A级", "B级", "C级", "D级"] and grade.failing_choices == ["C级", "D级"]


def test_a_bureau_sees_only_its_own_templates(world, bureau_admin, other_inspector, patrol_template):
    assert access.template_for_user(bureau_admin, patrol_template.pk) == patrol_template
    with pytest.raises(Http404):
        access.template_for_user(other_inspector, patrol_template.pk)
    with pytest.raises(Http404):
        access.item_for_user(other_inspector, patrol_template.current_version.items.first().pk)


def test_a_school_gets_its_districts_templates_for_its_kind(
    world, bureau_admin, school_a, school_b, school_c
):
    kindergarten_only = make_template(
        world.district, bureau_admin, name="幼儿园专项", school_kinds=["kindergarten"]
    )
    for_all = make_template(world.district, bureau_admin, name="通用")
    assert for_all in access.templates_for_school(school_a)
    assert kindergarten_only not in access.templates_for_school(school_a)
    assert for_all not in access.templates_for_school(school_c)
    with pytest.raises(Http404):
        access.template_for_school(school_c, for_all.pk)
