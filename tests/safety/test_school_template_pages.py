"""The school's template pages: the district's templates (read-only, with the school's own
items after them), the school's own templates and items, and who does which inspection."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django_tenants.utils import schema_context

from eduplatform.accounts.roles import Role
from eduplatform.checklists.models import Frequency, TemplateItem
from eduplatform.safety.actions import add_local_item, create_local_template, set_responsibility
from eduplatform.safety.models import Inspection, InspectionResponsibility, LocalItem, LocalTemplate
from frontend import today
from tenants.routing import school_reverse
from tests.conftest import logged_in
from tests.safety.conftest import make_template
from tests.world import make_user


def page(school, name, **kwargs):
    return school_reverse(school, f"frontend:safety:{name}", **kwargs)


def _local(actor, school, **fields):
    with schema_context(school.schema_name):
        return create_local_template(
            name=fields.pop("name", "实验室安全检查"), frequency=fields.pop("frequency", Frequency.WEEKLY),
            actor=actor, **fields,
        )  # fmt: skip


def _item_post(text, **extra):
    values = {"step": "add-item", "item-text": text, "item-kind": "pass_fail",
              "item-severity_on_failure": "minor", "item-is_required": "on", "item-opens_hazard": "on",
              "item-photo_required_on_failure": "on"}  # fmt: skip
    values.update(extra)
    return values


def test_the_school_makes_its_own_template_adds_items_and_inspects_with_it(school_a, safety_officer):
    client = logged_in(safety_officer)
    refused = client.post(page(school_a, "school-templates"), {"local-name": " ", "local-category": "custom",
                                                               "local-frequency": "weekly", "local-times_per_term": 1})  # fmt: skip
    assert refused.status_code == 200
    assert "该字段是必填项" in refused.content.decode()
    created = client.post(page(school_a, "school-templates"), {"local-name": "实验室安全检查", "local-category": "custom",
                                                               "local-frequency": "weekly", "local-times_per_term": 1})  # fmt: skip
    assert created.status_code == 302
    with schema_context(school_a.schema_name):
        local = LocalTemplate.objects.get(name="实验室安全检查")
    url = page(school_a, "local-template", pk=local.pk)
    assert created["Location"] == url

    # A choice item with one choice is refused beside its field, in Chinese; nothing is added.
    bad = client.post(url, _item_post("危化品柜", **{"item-kind": "choice", "item-choices": "已上锁"}))
    assert bad.status_code == 200
    assert "选择题至少需要两个选项。" in bad.content.decode()
    assert client.post(url, _item_post("危化品柜双人双锁")).status_code == 302
    with schema_context(school_a.schema_name):
        assert list(local.items.values_list("text", flat=True)) == ["危化品柜双人双锁"]

    # It is offered on the inspections page and an inspection from it asks its items.
    listing = client.get(page(school_a, "inspections")).content.decode()
    assert f'value="l{local.pk}"' in listing and "实验室安全检查" in listing
    assert client.post(page(school_a, "start-inspection"), {"source": f"l{local.pk}"}).status_code == 302
    with schema_context(school_a.schema_name):
        inspection = Inspection.objects.latest("pk")
        assert inspection.local_template_id == local.pk
        assert [item.text for item in inspection.items.all()] == ["危化品柜双人双锁"]


def test_removing_a_local_item_keeps_the_inspections_that_asked_it(school_a, safety_officer):
    local = _local(safety_officer, school_a)
    with schema_context(school_a.schema_name):
        item = add_local_item(
            local_template=local, text="通风橱运行正常", kind="pass_fail", actor=safety_officer
        )
        other = add_local_item(
            local_template=local, text="洗眼器可用", kind="pass_fail", actor=safety_officer
        )
    client = logged_in(safety_officer)
    client.post(page(school_a, "start-inspection"), {"source": f"l{local.pk}"})
    url = page(school_a, "local-template", pk=local.pk)
    assert client.post(url, {"step": "remove-item", "item": item.pk}).status_code == 302
    with schema_context(school_a.schema_name):
        item.refresh_from_db()
        assert item.is_active is False and LocalItem.objects.get(pk=other.pk).is_active
        assert [i.text for i in Inspection.objects.latest("pk").items.all()] == [
            "通风橱运行正常",
            "洗眼器可用",
        ]
    assert "通风橱运行正常" not in client.get(url).content.decode()
    # Stopping the template takes it off the start list.
    assert client.post(url, {"step": "active", "is_active": "0"}).status_code == 302
    assert f'value="l{local.pk}"' not in client.get(page(school_a, "inspections")).content.decode()


def test_the_school_adds_items_after_the_districts_but_cannot_change_them(
    school_a, patrol_template, safety_officer
):
    client = logged_in(safety_officer)
    url = page(school_a, "district-template", pk=patrol_template.pk)
    shown = client.get(url).content.decode()
    assert "安全出口畅通" in shown and "本校不能修改" in shown
    assert client.post(url, _item_post("校门口减速带完好")).status_code == 302
    with schema_context(school_a.schema_name):
        added = LocalItem.objects.get(text="校门口减速带完好")
        assert added.district_template_id == patrol_template.pk
    # A district item's id is not a school item: 404, and the district's item is untouched.
    district_item = TemplateItem.objects.filter(version=patrol_template.current_version).first()
    assert client.post(url, {"step": "remove-item", "item": district_item.pk + 10_000}).status_code == 404
    assert TemplateItem.objects.filter(pk=district_item.pk, text=district_item.text).exists()
    # Another template's school item is not removed through this page either.
    local = _local(safety_officer, school_a)
    with schema_context(school_a.schema_name):
        elsewhere = add_local_item(
            local_template=local, text="别处的项", kind="pass_fail", actor=safety_officer
        )
    assert client.post(url, {"step": "remove-item", "item": elsewhere.pk}).status_code == 404
    with schema_context(school_a.schema_name):
        assert LocalItem.objects.get(pk=elsewhere.pk).is_active
    # The next patrol asks the district's items, then the school's.
    client.post(page(school_a, "start-inspection"), {"source": f"t{patrol_template.pk}"})
    with schema_context(school_a.schema_name):
        texts = [item.text for item in Inspection.objects.latest("pk").items.all()]
    assert texts == ["安全出口畅通", "灭火器压力", "备注", "校门口减速带完好"]


def test_a_responsible_person_is_named_and_sees_it_for_themselves(
    school_a, patrol_template, safety_officer, principal, staff_a
):
    director = make_user(Role.LOGISTICS_DIRECTOR, school=school_a, name="何主任")
    client = logged_in(safety_officer)
    url = page(school_a, "responsibilities")
    shown = client.get(url).content.decode()
    assert patrol_template.name in shown and "何主任" in shown
    # A teacher cannot fill in inspections, so cannot be made responsible: refused in Chinese.
    refused = client.post(url, {"source": f"t{patrol_template.pk}", "person": staff_a.pk})
    assert refused.status_code == 200
    assert "请选择本校能填写安全检查的人员" in refused.content.decode()
    with schema_context(school_a.schema_name):
        assert not InspectionResponsibility.objects.exists()
    assert client.post(url, {"source": f"t{patrol_template.pk}", "person": director.pk}).status_code == 302
    with schema_context(school_a.schema_name):
        assert InspectionResponsibility.objects.get().person_id == director.pk

    # On a school day, the director's "today" and inspections page say the patrol is theirs;
    # the officer's say whose it is.
    with time_machine.travel("2026-11-18 09:00 +0800", tick=False):  # a Wednesday in term
        home = logged_in(director).get(school_reverse(school_a, "frontend:home")).content.decode()
        assert patrol_template.name in home and "由您负责" in home
        assert "由您负责" in logged_in(director).get(page(school_a, "inspections")).content.decode()
        assert "负责人：何主任" in client.get(page(school_a, "inspections")).content.decode()
    assert "safety.inspections" in today.registered_names(today.SCHOOL)

    # Back to nobody in particular.
    assert client.post(url, {"source": f"t{patrol_template.pk}", "person": ""}).status_code == 302
    with schema_context(school_a.schema_name):
        assert not InspectionResponsibility.objects.exists()


def test_an_unknown_template_or_person_is_refused(school_a, patrol_template, safety_officer, member_b):
    client = logged_in(safety_officer)
    url = page(school_a, "responsibilities")
    assert client.post(url, {"source": "t999999", "person": ""}).status_code == 404
    assert client.post(url, {"source": "nonsense"}).status_code == 404
    # Someone of another school is not a person of this one.
    refused = client.post(url, {"source": f"t{patrol_template.pk}", "person": member_b.pk})
    assert "请选择本校能填写安全检查的人员" in refused.content.decode()
    refused = client.post(url, {"source": f"t{patrol_template.pk}", "person": "abc"})
    assert "请选择本校能填写安全检查的人员" in refused.content.decode()


@pytest.mark.parametrize(
    "name", ["school-templates", "responsibilities", "district-template", "local-template"]
)
def test_outsiders_get_nothing(name, school_a, patrol_template, safety_officer, member_b, other_inspector):
    local = _local(safety_officer, school_a, name="本校专有模板")
    kwargs = {"district-template": {"pk": patrol_template.pk}, "local-template": {"pk": local.pk}}.get(
        name, {}
    )
    url = page(school_a, name, **kwargs)
    assert logged_in(member_b).get(url).status_code == 404
    assert logged_in(other_inspector).get(url).status_code == 404
    assert logged_in(member_b).post(url, {"step": "active", "is_active": "0"}).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    with schema_context(school_a.schema_name):
        assert LocalTemplate.objects.get(pk=local.pk).is_active


def test_a_school_cannot_open_another_schools_local_template_or_a_template_not_for_it(
    school_a, school_b, world, bureau_admin, safety_officer, member_b
):
    local = _local(safety_officer, school_a, name="A校模板")
    # B's own page for A's local template id: B has no such template (ids are per schema).
    with schema_context(school_b.schema_name):
        assert not LocalTemplate.objects.filter(pk=local.pk).exists()
    assert logged_in(member_b).get(page(school_b, "local-template", pk=local.pk)).status_code == 404
    # A junior-school template is not one of primary school A's.
    junior_only = make_template(world.district, bureau_admin, name="初中实验室检查", school_kinds=["junior"])
    assert (
        logged_in(safety_officer).get(page(school_a, "district-template", pk=junior_only.pk)).status_code
        == 404
    )


def test_who_may_change_what(school_a, patrol_template, safety_officer, staff_a):
    local = _local(safety_officer, school_a)
    teacher = logged_in(staff_a)
    assert teacher.get(page(school_a, "school-templates")).status_code == 403
    # A bureau viewer sees the school's templates, and the page offers no change it could not make.
    viewer = make_user(Role.BUREAU_VIEWER, district=school_a.district)
    seen = logged_in(viewer).get(page(school_a, "local-template", pk=local.pk))
    assert seen.status_code == 200 and "添加本校检查项" not in seen.content.decode()
    assert (
        logged_in(viewer).post(page(school_a, "local-template", pk=local.pk), _item_post("越权")).status_code
        == 403
    )
    assert (
        logged_in(viewer)
        .post(page(school_a, "responsibilities"), {"source": f"t{patrol_template.pk}", "person": ""})
        .status_code
        == 403
    )
    with schema_context(school_a.schema_name):
        assert not LocalItem.objects.filter(text="越权").exists()


def test_the_template_pages_pin_their_queries(
    school_a, world, bureau_admin, safety_officer, django_assert_max_num_queries
):
    client = logged_in(safety_officer)

    def add(count):
        for index in range(count):
            template = make_template(world.district, bureau_admin, name=f"模板{index}-{count}")
            local = _local(safety_officer, school_a, name=f"本校{index}-{count}")
            with schema_context(school_a.schema_name):
                add_local_item(
                    district_template=template, text="补充", kind="pass_fail", actor=safety_officer
                )
                set_responsibility(person=safety_officer, local_template=local, actor=safety_officer)

    for url in (page(school_a, "school-templates"), page(school_a, "responsibilities")):
        add(1)
        client.get(url)
        with django_assert_max_num_queries(40) as captured:
            assert client.get(url).status_code == 200
        few = len(captured.captured_queries)
        add(4)
        with django_assert_max_num_queries(few):
            assert client.get(url).status_code == 200


def test_the_inspections_page_pins_its_queries_with_people_responsible(
    school_a, world, bureau_admin, safety_officer, principal, django_assert_max_num_queries
):
    client = logged_in(safety_officer)

    def add(count):
        for index in range(count):
            template = make_template(world.district, bureau_admin, name=f"巡查{index}-{count}")
            local = _local(safety_officer, school_a, name=f"本校{index}-{count}")
            with schema_context(school_a.schema_name):
                add_local_item(local_template=local, text="补充", kind="pass_fail", actor=safety_officer)
                set_responsibility(person=principal, template=template, actor=safety_officer)
                set_responsibility(person=safety_officer, local_template=local, actor=safety_officer)

    url = page(school_a, "inspections")
    add(1)
    client.get(url)
    with django_assert_max_num_queries(40) as captured:
        assert client.get(url).status_code == 200
    few = len(captured.captured_queries)
    add(4)
    with django_assert_max_num_queries(few):
        assert client.get(url).status_code == 200
