from __future__ import annotations

from django_tenants.utils import schema_context

from eduplatform.safety.actions import report_hazard
from eduplatform.safety.models import Hazard, HazardStatus, Inspection
from frontend import today
from tenants.routing import school_reverse
from tests.conftest import logged_in
from tests.safety.conftest import clean, photo_upload


def page(school, name, **kwargs):
    return school_reverse(school, f"frontend:safety:{name}", **kwargs)


def test_a_patrol_on_the_pages_with_a_failed_item_and_a_photo(school_a, patrol_template, safety_officer):
    client = logged_in(safety_officer)
    started = client.post(
        page(school_a, "start-inspection"), {"template": patrol_template.pk, "location": "一号楼"}
    )
    assert started.status_code == 302

    with schema_context(school_a.schema_name):
        inspection = Inspection.objects.latest("pk")
        items = {item.text: item for item in inspection.items.all()}
    url = page(school_a, "inspection", pk=inspection.pk)
    assert client.get(url).status_code == 200
    exit_item, pressure = items["安全出口畅通"], items["灭火器压力"]
    refused = client.post(
        url, {"action": "submit", f"item-{exit_item.pk}-result": "fail", f"item-{pressure.pk}-number": "1"}
    )
    assert refused.status_code == 200
    assert "不合格项须拍照留证" in refused.content.decode()
    done = client.post(
        url,
        {"action": "submit", f"item-{exit_item.pk}-result": "fail", f"item-{exit_item.pk}-note": "门被锁",
         f"item-{pressure.pk}-number": "1", f"photo-item-{exit_item.pk}": photo_upload()},
    )  # fmt: skip
    assert done.status_code == 302
    with schema_context(school_a.schema_name):
        hazard = Hazard.objects.get(inspection_item_id=exit_item.pk)
        assert hazard.photos.count() == 1
    shown = client.get(url).content.decode()
    assert hazard.number in shown


def test_rectify_and_verify_on_the_pages(school_a, safety_officer, principal, in_school_a):
    hazard = report_hazard(category="fire", severity="minor", location="楼道", description="灭火器缺失",
                           photos=[clean()], actor=safety_officer)  # fmt: skip
    officer, head = logged_in(safety_officer), logged_in(principal)
    url = page(school_a, "hazard", pk=hazard.pk)
    refused = officer.post(url, {"step": "rectify", "rectify-notes": "已补充"})
    assert "请上传整改后的照片作为整改证据" in refused.content.decode()
    assert (
        officer.post(
            url, {"step": "rectify", "rectify-notes": "已补充", "rectify-photos": photo_upload()}
        ).status_code
        == 302
    )
    assert "须由其他人员验收" in officer.get(url).content.decode()
    assert head.post(url, {"step": "verify", "verify-notes": "合格"}).status_code == 302
    with schema_context(school_a.schema_name):
        hazard.refresh_from_db()
    assert hazard.status == HazardStatus.VERIFIED


def test_the_hazard_register_page_pins_its_queries(
    school_a, safety_officer, in_school_a, django_assert_max_num_queries
):
    for _ in range(3):
        report_hazard(category="fire", severity="minor", location="楼道", description="隐患", photos=[clean()],
                      actor=safety_officer)  # fmt: skip
    client = logged_in(safety_officer)
    client.get(page(school_a, "hazards"))
    with django_assert_max_num_queries(30) as captured:
        response = client.get(page(school_a, "hazards"))
    assert response.status_code == 200
    few = len(captured.captured_queries)
    with schema_context(school_a.schema_name):
        for _ in range(10):
            report_hazard(category="fire", severity="minor", location="楼道", description="隐患", photos=[clean()],
                          actor=safety_officer)  # fmt: skip
    with django_assert_max_num_queries(few):
        client.get(page(school_a, "hazards"))


def test_the_bureau_edits_and_publishes_a_new_version(
    world, patrol_template, bureau_admin, school_a, safety_officer
):
    client = logged_in(bureau_admin)
    url = f"/checklists/{patrol_template.pk}/"
    assert client.get(url).status_code == 200
    client.post(url, {"step": "new-version"})
    draft = patrol_template.versions.get(status="draft")
    section = draft.sections.first()
    added = client.post(url, {"step": "add-item", "item-section": section.pk, "item-text": "监控设备运行正常",
                              "item-kind": "pass_fail", "item-severity_on_failure": "minor", "item-is_required": "on"})  # fmt: skip
    assert added.status_code == 302
    first = draft.items.order_by("position").first()
    client.post(url, {"step": "down", "item": first.pk})
    assert client.post(url, {"step": "publish"}).status_code == 302
    patrol_template.refresh_from_db()
    assert patrol_template.current_version_id == draft.pk
    assert draft.items.filter(text="监控设备运行正常").exists()


def test_another_districts_bureau_cannot_open_the_template(patrol_template, other_inspector):
    from eduplatform.accounts.roles import Role
    from tests.world import make_user

    other_admin = make_user(Role.BUREAU_ADMIN, district=other_inspector.memberships.get().district)
    assert logged_in(other_admin).get(f"/checklists/{patrol_template.pk}/").status_code == 404


def test_home_shows_the_patrol_due_and_the_hazards_to_fix(
    school_a, patrol_template, safety_officer, staff_a, in_school_a
):
    hazard = report_hazard(category="fire", severity="minor", location="楼道", description="消防门闭门器损坏",
                           photos=[clean()], actor=staff_a, responsible=safety_officer)  # fmt: skip
    home = logged_in(safety_officer).get(school_reverse(school_a, "frontend:home")).content.decode()
    # The patrol is due every school day (on a weekend the last school day's shows as overdue).
    assert patrol_template.name in home
    assert "消防门闭门器损坏" in home and hazard.number
    assert {"safety.hazards", "safety.inspections"} <= set(today.registered_names(today.SCHOOL))
