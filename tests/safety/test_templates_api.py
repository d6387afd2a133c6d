"""The school API for its own templates and items and for who does which required
inspection (api/safety_templates.py): the same rules and capabilities as the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from eduplatform.accounts.api_keys import create_api_key
from eduplatform.accounts.roles import Role
from eduplatform.audit.models import AuditEvent
from eduplatform.checklists.models import Frequency
from eduplatform.safety.actions import add_local_item, create_local_template, set_responsibility
from eduplatform.safety.models import Inspection, InspectionResponsibility, LocalItem, LocalTemplate
from tenants.routing import school_reverse
from tests.conftest import logged_in
from tests.safety.conftest import make_template
from tests.world import make_user

JSON = "application/json"


def api(school, name, **kwargs):
    return school_reverse(school, f"school-api:{name}", **kwargs)


def _problem(response, status: int, field: str | None = None) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    return body["errors"][field][0]["code"] if field else body["code"]


def _in(school, function, *args, **kwargs):
    with schema_context(school.schema_name):
        return function(*args, **kwargs)


def _local(school, actor, name="实验室安全检查", frequency=Frequency.WEEKLY, **fields):
    return _in(school, create_local_template, name=name, frequency=frequency, actor=actor, **fields)


def _item(school, actor, text="通风橱运行正常", **fields):
    fields.setdefault("kind", "pass_fail")
    return _in(school, add_local_item, text=text, actor=actor, **fields)


def _key(school, *, is_read_write=False) -> Client:
    _key_row, secret = create_api_key(
        name="模板同步", actor=None, school=school, is_read_write=is_read_write,
        expires_at=timezone.now() + timedelta(days=30),
    )  # fmt: skip
    return Client(HTTP_AUTHORIZATION=f"Api-Key {secret}")


@pytest.fixture
def director(school_a):
    return make_user(Role.LOGISTICS_DIRECTOR, school=school_a, name="何主任")


# --- The school's own templates ----------------------------------------------------------


def test_a_local_template_is_made_changed_stopped_and_used_again(school_a, safety_officer):
    client = logged_in(safety_officer)
    created = client.post(
        api(school_a, "safety-local-template-list"),
        {"name": " 实验室安全检查 ", "frequency": "weekly", "description": "化学、物理、生物实验室"},
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["name"], body["category"], body["frequency"], body["times_per_term"]) == (
        "实验室安全检查", "custom", "weekly", 1,
    )  # fmt: skip
    assert body["is_active"] is True and body["is_required"] is True and body["items"] == []
    pk = body["id"]
    detail = api(school_a, "safety-local-template-detail", pk=pk)

    # Only what is sent changes; the name and description stay.
    changed = client.patch(detail, {"frequency": "per_term", "times_per_term": 3}, content_type=JSON)
    assert changed.status_code == 200, changed.content
    assert (changed.json()["frequency"], changed.json()["times_per_term"]) == ("per_term", 3)
    assert changed.json()["description"] == "化学、物理、生物实验室"
    with schema_context(school_a.schema_name):
        event = AuditEvent.objects.filter(object_type="safety.localtemplate", object_id=str(pk)).latest(
            "sequence"
        )
    assert event.action == "update" and event.before["frequency"] == "weekly"

    stopped = client.post(api(school_a, "safety-local-template-deactivate", pk=pk), content_type=JSON)
    assert stopped.status_code == 200 and stopped.json()["is_active"] is False
    in_use = client.get(api(school_a, "safety-local-template-list") + "?is_active=true").json()["results"]
    assert pk not in [row["id"] for row in in_use]
    stopped_ones = client.get(api(school_a, "safety-local-template-list") + "?is_active=false").json()[
        "results"
    ]
    assert [row["id"] for row in stopped_ones] == [pk]
    again = client.post(api(school_a, "safety-local-template-activate", pk=pk), content_type=JSON)
    assert again.status_code == 200 and again.json()["is_active"] is True


def test_local_templates_sync_by_updated_since(school_a, safety_officer):
    first = _local(school_a, safety_officer, name="早的")
    client = logged_in(safety_officer)
    url = api(school_a, "safety-local-template-list")
    assert [row["id"] for row in client.get(url).json()["results"]] == [first.pk]
    later = _local(school_a, safety_officer, name="晚的")
    since = later.updated_at.isoformat()
    assert [row["id"] for row in client.get(url, {"updated_since": since}).json()["results"]] == [later.pk]
    assert (
        _problem(client.get(url, {"updated_since": "yesterday"}), 400, "updated_since") == "invalid_datetime"
    )


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"name": "  "}, "name", "required"),
        ({}, "name", "required"),
        ({"name": "甲" * 101}, "name", "max_length"),
        ({"name": "实验室", "category": "lab"}, "category", "invalid_category"),
        ({"name": "实验室", "frequency": "hourly"}, "frequency", "invalid_frequency"),
        ({"name": "实验室", "frequency": "per_term", "times_per_term": 0}, "times_per_term", "min_value"),
        ({"name": "实验室", "times_per_term": "often"}, "times_per_term", "invalid"),
    ],
)
def test_a_bad_local_template_is_refused_and_nothing_is_made(school_a, safety_officer, fields, field, code):
    response = logged_in(safety_officer).post(
        api(school_a, "safety-local-template-list"), fields, content_type=JSON
    )
    assert _problem(response, 400, field) == code
    with schema_context(school_a.schema_name):
        assert not LocalTemplate.objects.exists()


def test_a_bad_change_is_refused_and_nothing_changes(school_a, safety_officer):
    local = _local(school_a, safety_officer)
    client = logged_in(safety_officer)
    detail = api(school_a, "safety-local-template-detail", pk=local.pk)
    assert _problem(client.patch(detail, {"frequency": "hourly"}, content_type=JSON), 400, "frequency") == (
        "invalid_frequency"
    )
    assert _problem(client.patch(detail, {"name": ""}, content_type=JSON), 400, "name") == "required"
    # A detail route takes no PUT (a whole replacement) and no DELETE: a template is stopped, not removed.
    assert client.put(detail, {"name": "x"}, content_type=JSON).status_code == 405
    assert client.delete(detail).status_code == 405
    with schema_context(school_a.schema_name):
        local.refresh_from_db()
    assert (local.name, local.frequency) == ("实验室安全检查", Frequency.WEEKLY)


# --- Items ---------------------------------------------------------------------------------


def test_items_of_a_local_template_are_added_changed_and_deactivated(school_a, safety_officer):
    local = _local(school_a, safety_officer)
    client = logged_in(safety_officer)
    items = api(school_a, "safety-local-item-list")
    added = client.post(items, {"local_template": local.pk, "text": "危化品柜双人双锁", "severity_on_failure": "major"},
                        content_type=JSON)  # fmt: skip
    assert added.status_code == 201, added.content
    item = added.json()
    assert (item["local_template"], item["district_template"], item["kind"], item["position"]) == (
        local.pk, None, "pass_fail", 1,
    )  # fmt: skip
    second = client.post(items, {"local_template": local.pk, "text": "水温", "kind": "number", "unit": "℃",
                                 "minimum": "0", "maximum": "60"}, content_type=JSON)  # fmt: skip
    assert second.status_code == 201 and second.json()["position"] == 2
    shown = client.get(api(school_a, "safety-local-template-detail", pk=local.pk)).json()
    assert [row["text"] for row in shown["items"]] == ["危化品柜双人双锁", "水温"]

    changed = client.patch(api(school_a, "safety-local-item-detail", pk=item["id"]),
                           {"text": "危化品柜双人双锁、账物相符"}, content_type=JSON)  # fmt: skip
    assert changed.status_code == 200, changed.content
    assert (
        changed.json()["text"] == "危化品柜双人双锁、账物相符"
        and changed.json()["severity_on_failure"] == "major"
    )

    gone = client.post(api(school_a, "safety-local-item-deactivate", pk=item["id"]), content_type=JSON)
    assert gone.status_code == 200 and gone.json()["is_active"] is False
    shown = client.get(api(school_a, "safety-local-template-detail", pk=local.pk)).json()
    assert [row["text"] for row in shown["items"]] == ["水温"]
    listed = client.get(items, {"local_template": local.pk, "is_active": "false"}).json()["results"]
    assert [row["id"] for row in listed] == [item["id"]]


def test_items_after_a_district_templates_are_asked_from_the_next_inspection(
    school_a, patrol_template, safety_officer
):
    client = logged_in(safety_officer)
    added = client.post(api(school_a, "safety-local-item-list"),
                        {"district_template": patrol_template.pk, "text": "校门口减速带完好"}, content_type=JSON)  # fmt: skip
    assert added.status_code == 201, added.content
    item_id = added.json()["id"]
    assert added.json()["district_template"] == patrol_template.pk and added.json()["local_template"] is None

    def start():
        response = client.post(api(school_a, "safety-inspection-list"), {"template": patrol_template.pk},
                               content_type=JSON)  # fmt: skip
        assert response.status_code == 201, response.content
        return [item["text"] for item in response.json()["items"]]

    assert start() == ["安全出口畅通", "灭火器压力", "备注", "校门口减速带完好"]
    client.patch(
        api(school_a, "safety-local-item-detail", pk=item_id), {"text": "减速带完好"}, content_type=JSON
    )
    assert start()[-1] == "减速带完好"
    # The first inspection keeps what it asked.
    with schema_context(school_a.schema_name):
        first = Inspection.objects.order_by("pk").first()
        assert [item.text for item in first.items.all()][-1] == "校门口减速带完好"
    client.post(api(school_a, "safety-local-item-deactivate", pk=item_id), content_type=JSON)
    assert start() == ["安全出口畅通", "灭火器压力", "备注"]
    listed = client.get(api(school_a, "safety-local-item-list"), {"district_template": patrol_template.pk})
    assert [row["id"] for row in listed.json()["results"]] == [item_id]


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"text": "x"}, "template", "required"),
        ({"text": "x", "local_template": "LOCAL", "district_template": "DISTRICT"}, "template", "required"),
        ({"text": "x", "local_template": 987654}, "local_template", "invalid_local_template"),
        ({"text": "x", "local_template": "abc"}, "local_template", "invalid"),
        ({"text": "x", "district_template": "JUNIOR"}, "district_template", "invalid_district_template"),
        ({"local_template": "LOCAL", "text": " "}, "text", "required"),
        ({"local_template": "LOCAL", "text": "甲" * 301}, "text", "max_length"),
        ({"local_template": "LOCAL", "text": "x", "kind": "essay"}, "kind", "invalid_kind"),
        ({"local_template": "LOCAL", "text": "x", "kind": "number", "minimum": 5, "maximum": 1}, "maximum",
         "invalid_range"),
        ({"local_template": "LOCAL", "text": "x", "kind": "choice", "choices": ["有"]}, "choices", "too_few_choices"),
        ({"local_template": "LOCAL", "text": "x", "kind": "choice", "choices": ["A", "B"], "failing_choices": ["D"]},
         "failing_choices", "invalid_failing_choice"),
        ({"local_template": "LOCAL", "text": "x", "severity_on_failure": "deadly"}, "severity_on_failure",
         "invalid_severity"),
        ({"local_template": "LOCAL", "text": "x", "hazard_deadline_days": -1}, "hazard_deadline_days", "min_value"),
    ],
)  # fmt: skip
def test_a_bad_item_is_refused_and_nothing_is_added(
    school_a, world, bureau_admin, patrol_template, safety_officer, fields, field, code
):
    local = _local(school_a, safety_officer)
    junior_only = make_template(world.district, bureau_admin, name="初中实验室检查", school_kinds=["junior"])
    stand_ins = {"LOCAL": local.pk, "DISTRICT": patrol_template.pk, "JUNIOR": junior_only.pk}
    body = {
        name: stand_ins.get(value, value) if isinstance(value, str) else value
        for name, value in fields.items()
    }
    response = logged_in(safety_officer).post(
        api(school_a, "safety-local-item-list"), body, content_type=JSON
    )
    assert _problem(response, 400, field) == code
    with schema_context(school_a.schema_name):
        assert not LocalItem.objects.exists()


def test_a_bad_item_change_is_refused_and_nothing_changes(school_a, safety_officer):
    item = _item(school_a, safety_officer, local_template=_local(school_a, safety_officer))
    client = logged_in(safety_officer)
    detail = api(school_a, "safety-local-item-detail", pk=item.pk)
    assert (
        _problem(client.patch(detail, {"kind": "choice"}, content_type=JSON), 400, "choices")
        == "too_few_choices"
    )
    assert _problem(client.patch(detail, {"severity_on_failure": "x"}, content_type=JSON), 400,
                    "severity_on_failure") == "invalid_severity"  # fmt: skip
    with schema_context(school_a.schema_name):
        item.refresh_from_db()
    assert (item.kind, item.severity_on_failure) == ("pass_fail", "minor")


def test_the_item_list_refuses_bad_filters(school_a, safety_officer):
    client = logged_in(safety_officer)
    url = api(school_a, "safety-local-item-list")
    assert _problem(client.get(url, {"local_template": "abc"}), 400, "local_template") == "invalid"
    assert _problem(client.get(url, {"is_active": "perhaps"}), 400, "is_active") == "invalid"
    assert _problem(client.get(api(school_a, "safety-local-template-list"), {"is_active": "x"}), 400,
                    "is_active") == "invalid"  # fmt: skip


def test_an_unknown_id_is_a_404(school_a, safety_officer):
    client = logged_in(safety_officer)
    for name in ("safety-local-template-detail", "safety-local-item-detail", "safety-responsibility-detail"):
        assert _problem(client.get(api(school_a, name, pk=987654)), 404) == "not_found"


# --- Who does which required inspection ----------------------------------------------------


def test_a_responsible_person_is_named_replaced_and_cleared(
    school_a, patrol_template, safety_officer, director
):
    local = _local(school_a, safety_officer)
    client = logged_in(safety_officer)
    url = api(school_a, "safety-responsibility-list")
    named = client.post(url, {"template": patrol_template.pk, "person": director.pk}, content_type=JSON)
    assert named.status_code == 200, named.content
    row = named.json()
    assert (row["template"], row["local_template"], row["title"], row["person"], row["person_name"]) == (
        patrol_template.pk, None, patrol_template.name, director.pk, "何主任",
    )  # fmt: skip
    # Naming someone else replaces them: still one row for the template.
    again = client.post(url, {"template": patrol_template.pk, "person": safety_officer.pk}, content_type=JSON)
    assert again.status_code == 200 and again.json()["id"] == row["id"]
    assert again.json()["person"] == safety_officer.pk
    client.post(url, {"local_template": local.pk, "person": director.pk}, content_type=JSON)
    listed = client.get(url).json()["results"]
    assert [(entry["template"], entry["local_template"], entry["person"]) for entry in listed] == [
        (patrol_template.pk, None, safety_officer.pk),
        (None, local.pk, director.pk),
    ]

    cleared = client.delete(api(school_a, "safety-responsibility-detail", pk=row["id"]))
    assert cleared.status_code == 204
    with schema_context(school_a.schema_name):
        assert list(InspectionResponsibility.objects.values_list("local_template_id", flat=True)) == [
            local.pk
        ]
        assert AuditEvent.objects.filter(
            object_type="safety.inspectionresponsibility", object_id=str(row["id"]), action="delete"
        ).exists()
    assert (
        _problem(client.delete(api(school_a, "safety-responsibility-detail", pk=row["id"])), 404)
        == "not_found"
    )


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"person": "DIRECTOR"}, "template", "required"),
        ({"template": "PATROL", "local_template": "WEEKLY", "person": "DIRECTOR"}, "template", "required"),
        ({"template": "PATROL"}, "person", "required"),
        ({"template": "PATROL", "person": None}, "person", "null"),
        ({"template": "PATROL", "person": "abc"}, "person", "invalid"),
        ({"template": "PATROL", "person": "TEACHER"}, "person", "invalid_person"),
        ({"template": "PATROL", "person": "OTHER_SCHOOL"}, "person", "invalid_person"),
        ({"template": 987654, "person": "DIRECTOR"}, "template", "invalid_template"),
        ({"template": "JUNIOR", "person": "DIRECTOR"}, "template", "invalid_template"),
        ({"local_template": 987654, "person": "DIRECTOR"}, "local_template", "invalid_local_template"),
        ({"template": "ON_DEMAND", "person": "DIRECTOR"}, "template", "not_required"),
        ({"local_template": "LOCAL_ON_DEMAND", "person": "DIRECTOR"}, "local_template", "not_required"),
        ({"local_template": "STOPPED", "person": "DIRECTOR"}, "local_template", "not_required"),
    ],
)
def test_a_bad_responsibility_is_refused_and_nothing_is_named(
    school_a,
    world,
    bureau_admin,
    patrol_template,
    safety_officer,
    director,
    staff_a,
    member_b,
    fields,
    field,
    code,
):
    stopped = _local(school_a, safety_officer, name="停用的")
    _in(school_a, lambda: LocalTemplate.objects.filter(pk=stopped.pk).update(is_active=False))
    stand_ins = {
        "PATROL": patrol_template.pk,
        "WEEKLY": _local(school_a, safety_officer).pk,
        "LOCAL_ON_DEMAND": _local(school_a, safety_officer, name="按需", frequency=Frequency.ON_DEMAND).pk,
        "STOPPED": stopped.pk,
        "ON_DEMAND": make_template(
            world.district, bureau_admin, name="按需检查", frequency=Frequency.ON_DEMAND
        ).pk,
        "JUNIOR": make_template(world.district, bureau_admin, name="初中巡查", school_kinds=["junior"]).pk,
        "DIRECTOR": director.pk,
        "TEACHER": staff_a.pk,
        "OTHER_SCHOOL": member_b.pk,
    }
    body = {
        name: stand_ins.get(value, value) if isinstance(value, str) else value
        for name, value in fields.items()
    }
    response = logged_in(safety_officer).post(
        api(school_a, "safety-responsibility-list"), body, content_type=JSON
    )
    assert _problem(response, 400, field) == code
    with schema_context(school_a.schema_name):
        assert not InspectionResponsibility.objects.exists()


def test_the_action_names_people_only_for_required_inspections(
    school_a, world, bureau_admin, safety_officer, director
):
    """Moved from the responsibilities page into set_responsibility: an on-demand or stopped
    template is never due, so nobody is named for it; clearing is always allowed."""
    on_demand = make_template(world.district, bureau_admin, name="按需检查", frequency=Frequency.ON_DEMAND)
    local = _local(school_a, safety_officer)
    with schema_context(school_a.schema_name):
        set_responsibility(person=director, local_template=local, actor=safety_officer)
        with pytest.raises(Exception) as refused:
            set_responsibility(person=director, template=on_demand, actor=safety_officer)
        assert refused.value.error_dict["template"][0].code == "not_required"
        LocalTemplate.objects.filter(pk=local.pk).update(is_active=False)
        local.refresh_from_db()
        with pytest.raises(Exception) as refused:
            set_responsibility(person=safety_officer, local_template=local, actor=safety_officer)
        assert refused.value.error_dict["local_template"][0].code == "not_required"
        assert InspectionResponsibility.objects.get().person_id == director.pk
        set_responsibility(person=None, local_template=local, actor=safety_officer)
        assert not InspectionResponsibility.objects.exists()


# --- Who may do what -----------------------------------------------------------------------


def test_capabilities_are_the_pages(school_a, patrol_template, safety_officer, staff_a, inspector):
    local = _local(school_a, safety_officer)
    item = _item(school_a, safety_officer, local_template=local)
    reads = [
        api(school_a, "safety-local-template-list"),
        api(school_a, "safety-local-template-detail", pk=local.pk),
        api(school_a, "safety-local-item-list"),
        api(school_a, "safety-local-item-detail", pk=item.pk),
        api(school_a, "safety-responsibility-list"),
    ]
    create = api(school_a, "safety-local-template-list")
    # A teacher has no safety.view: refused, and told why.
    teacher = logged_in(staff_a)
    for url in reads:
        assert _problem(teacher.get(url), 403) == "missing_capability"
    # A bureau viewer and a read-only key read; neither writes.
    viewer = logged_in(make_user(Role.BUREAU_VIEWER, district=school_a.district))
    read_only = _key(school_a)
    for client in (viewer, read_only):
        for url in reads:
            assert client.get(url).status_code == 200, url
    assert _problem(viewer.post(create, {"name": "越权"}, content_type=JSON), 403) == "missing_capability"
    assert _problem(read_only.post(create, {"name": "越权"}, content_type=JSON), 403) == "api_key_read_only"
    # A read-write key makes the writes government sync needs, and safety templates are not among them.
    read_write = _key(school_a, is_read_write=True)
    assert _problem(read_write.post(create, {"name": "越权"}, content_type=JSON), 403) == "missing_capability"
    assert (
        _problem(
            read_write.post(api(school_a, "safety-local-item-deactivate", pk=item.pk), content_type=JSON), 403
        )
        == "missing_capability"
    )
    with schema_context(school_a.schema_name):
        assert not LocalTemplate.objects.filter(name="越权").exists()
        assert LocalItem.objects.get(pk=item.pk).is_active
    # The district's inspector records safety in the school, as on the pages.
    made = logged_in(inspector).post(create, {"name": "督导专项检查"}, content_type=JSON)
    assert made.status_code == 201, made.content


def _endpoints(school, local, item, row, patrol_template, director):
    """Every route and method of the module, with a body that would succeed for the school's own."""
    return [
        ("get", api(school, "safety-local-template-list"), None),
        ("post", api(school, "safety-local-template-list"), {"name": "外人建的"}),
        ("get", api(school, "safety-local-template-detail", pk=local.pk), None),
        ("patch", api(school, "safety-local-template-detail", pk=local.pk), {"name": "外人改的"}),
        ("post", api(school, "safety-local-template-deactivate", pk=local.pk), {}),
        ("post", api(school, "safety-local-template-activate", pk=local.pk), {}),
        ("get", api(school, "safety-local-item-list"), None),
        ("post", api(school, "safety-local-item-list"), {"local_template": local.pk, "text": "外人加的"}),
        ("get", api(school, "safety-local-item-detail", pk=item.pk), None),
        ("patch", api(school, "safety-local-item-detail", pk=item.pk), {"text": "外人改的"}),
        ("post", api(school, "safety-local-item-deactivate", pk=item.pk), {}),
        ("get", api(school, "safety-responsibility-list"), None),
        (
            "post",
            api(school, "safety-responsibility-list"),
            {"template": patrol_template.pk, "person": director.pk},
        ),
        ("get", api(school, "safety-responsibility-detail", pk=row.pk), None),
        ("delete", api(school, "safety-responsibility-detail", pk=row.pk), None),
    ]


def test_outsiders_get_nothing_from_any_endpoint(
    school_a, school_b, patrol_template, safety_officer, director, member_b, other_inspector
):
    local = _local(school_a, safety_officer, name="本校专有模板")
    item = _item(school_a, safety_officer, text="本校专有检查项", local_template=local)
    row = _in(school_a, set_responsibility, person=director, local_template=local, actor=safety_officer)
    outsiders = {
        "user of another school": (logged_in(member_b), 404, "not_found"),
        "read-write key of another school": (_key(school_b, is_read_write=True), 404, "not_found"),
        "inspector of another district": (logged_in(other_inspector), 404, "not_found"),
        "anonymous": (Client(), 401, "not_authenticated"),
    }
    for label, (client, status_code, code) in outsiders.items():
        for method, url, body in _endpoints(school_a, local, item, row, patrol_template, director):
            if body is None:
                response = getattr(client, method)(url)
            else:
                response = getattr(client, method)(url, body, content_type=JSON)
            assert response.status_code == status_code, (label, method, url, response.status_code)
            assert response.json()["code"] == code
            assert "本校专有" not in response.content.decode()
    with schema_context(school_a.schema_name):
        assert list(LocalTemplate.objects.values_list("name", "is_active")) == [("本校专有模板", True)]
        assert list(LocalItem.objects.values_list("text", "is_active")) == [("本校专有检查项", True)]
        assert list(InspectionResponsibility.objects.values_list("person_id", flat=True)) == [director.pk]
    # School B's own lists hold nothing of A's.
    for name in ("safety-local-template-list", "safety-local-item-list", "safety-responsibility-list"):
        assert logged_in(member_b).get(api(school_b, name)).json()["results"] == []


# --- Lists pin their queries -------------------------------------------------------------------


def test_the_lists_pin_their_queries(
    school_a, world, bureau_admin, safety_officer, director, django_assert_num_queries
):
    client = logged_in(safety_officer)
    counter = iter(range(1000))

    def add(count):
        for _index in range(count):
            number = next(counter)
            template = make_template(world.district, bureau_admin, name=f"巡查{number}")
            local = _local(school_a, safety_officer, name=f"本校{number}")
            _item(school_a, safety_officer, local_template=local)
            _item(school_a, safety_officer, district_template=template)
            _in(school_a, set_responsibility, person=director, template=template, actor=safety_officer)
            _in(
                school_a,
                set_responsibility,
                person=safety_officer,
                local_template=local,
                actor=safety_officer,
            )

    # session, user, school routing, capabilities, then the page itself (one query, joins included)
    for name, rows in (
        ("safety-local-template-list", 1),
        ("safety-local-item-list", 2),
        ("safety-responsibility-list", 2),
    ):
        url = api(school_a, name)
        add(1)
        client.get(url)  # warm the session and the membership lookups
        with django_assert_num_queries(6):
            response = client.get(url)
        count = len(response.json()["results"])
        add(3)
        with django_assert_num_queries(6):
            response = client.get(url)
        assert len(response.json()["results"]) == count + 3 * rows


# --- The OpenAPI document ---------------------------------------------------------------------


def test_the_school_openapi_document_describes_the_endpoints_without_warnings(capsys):
    from drf_spectacular.drainage import GENERATOR_STATS

    GENERATOR_STATS.reset()
    capsys.readouterr()
    document = Client().get("/api/schema/school/?format=json")
    assert document.status_code == 200
    paths = document.json()["paths"]
    prefix = "/s/{school_code}/api/v1/safety/"
    for path, methods in {
        "local-templates/": {"get", "post"},
        "local-templates/{id}/": {"get", "patch"},
        "local-templates/{id}/activate/": {"post"},
        "local-templates/{id}/deactivate/": {"post"},
        "local-items/": {"get", "post"},
        "local-items/{id}/": {"get", "patch"},
        "local-items/{id}/deactivate/": {"post"},
        "responsibilities/": {"get", "post"},
        "responsibilities/{id}/": {"get", "delete"},
    }.items():
        assert methods <= set(paths[prefix + path]), path
    item_list = {parameter["name"] for parameter in paths[prefix + "local-items/"]["get"]["parameters"]}
    assert {"updated_since", "local_template", "district_template", "is_active", "cursor"} <= item_list
    responsibility_list = {
        parameter["name"] for parameter in paths[prefix + "responsibilities/"]["get"]["parameters"]
    }
    assert "updated_since" not in responsibility_list
    warnings = capsys.readouterr().err
    for word in ("safety_templates", "LocalTemplate", "LocalItem", "Responsibility", '"kind"', '"frequency"'):
        assert word not in warnings, warnings
