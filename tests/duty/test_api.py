"""The duty API: the roster, logs and handovers; refusals as problem codes; pinned query counts."""

from __future__ import annotations

from datetime import time, timedelta

from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from eduplatform.accounts.api_keys import create_api_key
from eduplatform.accounts.roles import Role
from eduplatform.duty.actions import add_round, hand_over
from eduplatform.duty.models import Shift
from eduplatform.duty.roster import local_moment, monday_of
from eduplatform.safety.models import Hazard
from tests.conftest import logged_in
from tests.duty.conftest import api, clean, hours, make_shift, photo_upload
from tests.world import make_user

JSON = "application/json"


def _in(school, function, *args, **kwargs):
    with schema_context(school.schema_name):
        return function(*args, **kwargs)


def _problem(response, status: int, field: str | None = None) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    return body["errors"][field][0]["code"] if field else body["code"]


def test_the_roster_is_read_by_every_member_and_filtered(school_a, officer, teacher, colleague, bystander):
    now_shift = _in(school_a, make_shift, officer, teacher, colleague, start=-1, length=8)
    later = _in(school_a, make_shift, officer, colleague, start=50, length=8, kind="day")
    client = logged_in(bystander)
    rows = client.get(api(school_a, "duty-shift-list")).json()["results"]
    assert [row["id"] for row in rows] == [now_shift.pk, later.pk]
    first = rows[0]
    assert first["leader"] == {"id": teacher.pk, "name": "王老师", "phone": "13900000002"}
    assert [member["id"] for member in first["members"]] == [colleague.pk]
    assert (
        first["is_on_duty_now"] is True
        and first["log_status"] == "none"
        and rows[1]["is_on_duty_now"] is False
    )
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert [row["id"] for row in client.get(api(school_a, "duty-shift-list") + f"?from={tomorrow}&kind=day").json()[
        "results"
    ]] == [later.pk]  # fmt: skip
    assert [row["id"] for row in client.get(api(school_a, "duty-shift-list") + f"?person={teacher.pk}").json()[
        "results"
    ]] == [now_shift.pk]  # fmt: skip
    assert (
        _problem(client.get(api(school_a, "duty-shift-list") + "?from=tomorrow"), 400, "from")
        == "invalid_date"
    )
    # Well formed but not a day of the calendar: refused the same way, not a server error.
    assert (
        _problem(client.get(api(school_a, "duty-shift-list") + "?to=2026-02-30"), 400, "to") == "invalid_date"
    )
    since = (timezone.now() + hours(1)).isoformat()
    assert client.get(api(school_a, "duty-shift-list"), {"updated_since": since}).json()["results"] == []
    detail = client.get(api(school_a, "duty-shift-detail", pk=later.pk)).json()
    assert detail["leader"]["name"] == "李老师"


def test_managing_the_roster_through_the_api(school_a, officer, teacher, colleague, bystander):
    client = logged_in(officer)
    start = timezone.now().replace(microsecond=0) + hours(24)
    body = {"kind": "day", "starts_at": start.isoformat(), "ends_at": (start + hours(9)).isoformat(),
            "leader": teacher.pk, "members": [colleague.pk]}  # fmt: skip
    created = client.post(api(school_a, "duty-shift-list"), body, content_type=JSON)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    for changes, field, code in [
        ({"ends_at": start.isoformat()}, "ends_at", "end_not_after_start"),
        ({"leader": 999999}, "leader", "not_a_member"),
        ({"leader": bystander.pk, "members": [teacher.pk]}, "members", "double_booked"),
        ({"kind": "lunch"}, "kind", "invalid_kind"),
    ]:
        refused = client.post(api(school_a, "duty-shift-list"), {**body, **changes}, content_type=JSON)
        assert _problem(refused, 400, field) == code
    changed = client.post(api(school_a, "duty-shift-change", pk=pk), {**body, "leader": colleague.pk, "members": []},
                          content_type=JSON)  # fmt: skip
    assert changed.status_code == 200 and changed.json()["leader"]["id"] == colleague.pk
    cancelled = client.post(api(school_a, "duty-shift-cancel", pk=pk), {"reason": "调课"}, content_type=JSON)
    assert cancelled.json()["status"] == "cancelled"
    again = client.post(api(school_a, "duty-shift-cancel", pk=pk), {}, content_type=JSON)
    assert _problem(again, 400, "status") == "shift_cancelled"

    monday = monday_of(timezone.localdate()) + timedelta(days=28)
    rotation = client.post(api(school_a, "duty-shift-rotation"), {
        "kind": "night", "first_day": monday.isoformat(), "last_day": (monday + timedelta(days=2)).isoformat(),
        "start_time": "18:00", "end_time": "08:00", "people": [teacher.pk, colleague.pk],
    }, content_type=JSON)  # fmt: skip
    assert rotation.status_code == 201, rotation.content
    assert [row["leader"]["id"] for row in rotation.json()] == [teacher.pk, colleague.pk, teacher.pk]
    copied = client.post(api(school_a, "duty-shift-copy-week"), {
        "source": monday.isoformat(), "target": (monday + timedelta(days=7)).isoformat(),
    }, content_type=JSON)  # fmt: skip
    assert copied.status_code == 201 and len(copied.json()) == 3
    refused = client.post(api(school_a, "duty-shift-copy-week"), {
        "source": monday.isoformat(), "target": (monday + timedelta(days=7)).isoformat(),
    }, content_type=JSON)  # fmt: skip
    assert _problem(refused, 400, "target") == "week_not_empty"
    bad = client.post(api(school_a, "duty-shift-rotation"), {"kind": "night"}, content_type=JSON)
    assert _problem(bad, 400, "first_day") == "required"

    # A teacher reads the roster but does not manage it.
    teacher_client = logged_in(teacher)
    assert _problem(teacher_client.post(api(school_a, "duty-shift-list"), body, content_type=JSON), 403) == (
        "missing_capability"
    )
    assert _problem(
        teacher_client.post(api(school_a, "duty-shift-cancel", pk=pk), {}, content_type=JSON), 403
    ) == ("missing_capability")


def test_the_log_is_written_through_the_shift_by_a_person_on_it(school_a, officer, teacher, bystander):
    shift = _in(school_a, make_shift, officer, teacher, start=-2, length=8)
    client = logged_in(teacher)
    now = timezone.now()
    refused = client.post(api(school_a, "duty-shift-rounds", pk=shift.pk),
                          {"patrolled_at": (now - hours(3)).isoformat(), "area": "校门"})  # fmt: skip
    assert _problem(refused, 400, "patrolled_at") == "outside_shift"
    added = client.post(api(school_a, "duty-shift-rounds", pk=shift.pk),
                        {"patrolled_at": now.isoformat(), "area": "校门", "photos": [photo_upload()]})  # fmt: skip
    assert added.status_code == 201, added.content
    log_id = added.json()["id"]
    assert "/duty/photos/" in added.json()["rounds"][0]["photos"][0]
    no_photo = client.post(api(school_a, "duty-shift-events", pk=shift.pk), {
        "occurred_at": now.isoformat(), "description": "消防通道堵塞", "report_hazard": "true",
        "category": "fire", "severity": "major", "location": "食堂后门",
    })  # fmt: skip
    assert _problem(no_photo, 400, "photos") == "photo_required"
    event = client.post(api(school_a, "duty-shift-events", pk=shift.pk), {
        "occurred_at": now.isoformat(), "description": "消防通道堵塞", "handling": "已清理", "report_hazard": "true",
        "category": "fire", "severity": "major", "location": "食堂后门", "photos": [photo_upload()],
    })  # fmt: skip
    assert event.status_code == 201, event.content
    with schema_context(school_a.schema_name):
        hazard = Hazard.objects.get()
    assert event.json()["events"][0]["hazard"] == hazard.pk
    empty = client.post(api(school_a, "duty-shift-submit-log", pk=shift.pk), {}, content_type=JSON)
    assert _problem(empty, 400, "summary") == "required"
    before_submit = timezone.now().isoformat()
    assert client.post(api(school_a, "duty-shift-log", pk=shift.pk), {"summary": "草稿"},
                       content_type=JSON).json()["summary"] == "草稿"  # fmt: skip
    submitted = client.post(
        api(school_a, "duty-shift-submit-log", pk=shift.pk), {"summary": "平安"}, content_type=JSON
    )
    assert submitted.status_code == 200 and submitted.json()["is_submitted"] is True
    # A sync client reading shifts changed since before the submit sees the new log status.
    changed = client.get(api(school_a, "duty-shift-list"), {"updated_since": before_submit}).json()["results"]
    assert [(row["id"], row["log_status"]) for row in changed] == [(shift.pk, "submitted")]
    again = client.post(api(school_a, "duty-shift-submit-log", pk=shift.pk), {}, content_type=JSON)
    assert _problem(again, 400, "shift") == "log_submitted"
    # Someone not on the shift and without safety.record may not write it.
    other = logged_in(bystander).post(api(school_a, "duty-shift-log", pk=shift.pk), {"summary": "x"},
                                      content_type=JSON)  # fmt: skip
    assert _problem(other, 403) == "not_on_shift"
    # Reading: the person on the shift and those who watch safety; not the bystander.
    assert client.get(api(school_a, "duty-log-detail", pk=log_id)).json()["summary"] == "平安"
    assert [
        row["id"] for row in logged_in(officer).get(api(school_a, "duty-log-list")).json()["results"]
    ] == [log_id]
    assert logged_in(bystander).get(api(school_a, "duty-log-list")).json()["results"] == []
    assert _problem(logged_in(bystander).get(api(school_a, "duty-log-detail", pk=log_id)), 404) == "not_found"


def test_handovers_through_the_api(school_a, officer, teacher, colleague, bystander):
    outgoing = _in(school_a, make_shift, officer, teacher, start=-8, length=8)
    incoming = _in(school_a, make_shift, officer, colleague, start=0, length=8)
    refused = logged_in(bystander).post(api(school_a, "duty-shift-hand-over", pk=outgoing.pk),
                                        {"to_shift": incoming.pk}, content_type=JSON)  # fmt: skip
    assert _problem(refused, 400, "shift") == "not_on_shift"
    bad_target = logged_in(teacher).post(api(school_a, "duty-shift-hand-over", pk=outgoing.pk),
                                         {"to_shift": 987654}, content_type=JSON)  # fmt: skip
    assert _problem(bad_target, 400, "to_shift") == "invalid_next_shift"
    done = logged_in(teacher).post(api(school_a, "duty-shift-hand-over", pk=outgoing.pk),
                                   {"to_shift": incoming.pk, "keys_equipment": "钥匙 3 把"}, content_type=JSON)  # fmt: skip
    assert done.status_code == 201, done.content
    pk = done.json()["id"]
    assert done.json()["handed_over_by"]["id"] == teacher.pk and done.json()["is_confirmed"] is False
    wrong = logged_in(teacher).post(api(school_a, "duty-handover-confirm", pk=pk), {}, content_type=JSON)
    assert _problem(wrong, 400, "received_by") == "not_on_incoming_shift"
    confirmed = logged_in(colleague).post(api(school_a, "duty-handover-confirm", pk=pk), {"notes": "收到"},
                                          content_type=JSON)  # fmt: skip
    assert confirmed.status_code == 200 and confirmed.json()["received_by"]["id"] == colleague.pk
    # Seen by both people and by those who watch safety; a 404 to anyone else.
    for user in (teacher, colleague, officer):
        assert [
            row["id"] for row in logged_in(user).get(api(school_a, "duty-handover-list")).json()["results"]
        ] == [pk]
    assert logged_in(bystander).get(api(school_a, "duty-handover-list")).json()["results"] == []
    assert (
        _problem(logged_in(bystander).get(api(school_a, "duty-handover-detail", pk=pk)), 404) == "not_found"
    )


def test_outsiders_and_keys(school_a, school_b, officer, teacher, member_b, other_inspector, inspector):
    shift = _in(school_a, make_shift, officer, teacher, start=-2, length=8)
    for client in (logged_in(member_b), logged_in(other_inspector)):
        assert _problem(client.get(api(school_a, "duty-shift-list")), 404) == "not_found"
        assert _problem(client.get(api(school_a, "duty-shift-detail", pk=shift.pk)), 404) == "not_found"
        assert (
            client.post(api(school_a, "duty-shift-log", pk=shift.pk), {}, content_type=JSON).status_code
            == 404
        )
    assert _problem(Client().get(api(school_a, "duty-shift-list")), 401) == "not_authenticated"
    # The bureau's inspector watches the school: reads everything, may write a log, is on no shift.
    watcher = logged_in(inspector)
    assert watcher.get(api(school_a, "duty-shift-list")).json()["results"][0]["id"] == shift.pk
    assert watcher.post(api(school_a, "duty-shift-log", pk=shift.pk), {"summary": "督导补录"},
                        content_type=JSON).status_code == 200  # fmt: skip
    # A school key reads the roster and logs; a read-write key still writes no log (it is on no shift).
    _key, secret = create_api_key(name="值班同步", actor=None, school=school_a, is_read_write=True,
                                  expires_at=timezone.now() + timedelta(days=30))  # fmt: skip
    machine = Client(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    assert machine.get(api(school_a, "duty-shift-list")).status_code == 200
    assert len(machine.get(api(school_a, "duty-log-list")).json()["results"]) == 1
    assert _problem(
        machine.post(api(school_a, "duty-shift-log", pk=shift.pk), {}, content_type=JSON), 403
    ) == ("not_on_shift")
    assert _problem(
        machine.post(api(school_a, "duty-shift-cancel", pk=shift.pk), {}, content_type=JSON), 403
    ) == ("missing_capability")
    # B's key does not see A's roster.
    _key_b, secret_b = create_api_key(name="B", actor=None, school=school_b,
                                      expires_at=timezone.now() + timedelta(days=30))  # fmt: skip
    assert (
        Client(HTTP_AUTHORIZATION=f"Api-Key {secret_b}").get(api(school_a, "duty-shift-list")).status_code
        == 404
    )


def test_the_duty_lists_pin_their_queries(school_a, officer, teacher, django_assert_max_num_queries):
    client = logged_in(officer)
    counter = iter(range(0, 1000, 3))

    def add(count):
        with schema_context(school_a.schema_name):
            for _index in range(count):
                start = -200 + next(counter)
                people = [make_user(Role.STAFF, school=school_a, password=None) for _ in range(2)]
                outgoing = make_shift(officer, people[0], people[1], start=start, length=1)
                incoming = make_shift(officer, people[1], start=start + 1, length=1)
                add_round(
                    shift=outgoing,
                    patrolled_at=outgoing.starts_at,
                    area="校门",
                    photos=[clean()],
                    actor=people[0],
                )
                hand_over(shift=outgoing, to_shift=incoming, actor=people[0])

    for name in ("duty-shift-list", "duty-log-list", "duty-handover-list"):
        url = api(school_a, name)
        add(2)
        with django_assert_max_num_queries(30) as captured:
            assert client.get(url).status_code == 200
        few = len(captured.captured_queries)
        add(4)
        with django_assert_max_num_queries(few):
            assert client.get(url).status_code == 200


def test_a_shift_created_by_the_api_is_in_this_schools_schema_only(school_a, school_b, officer, teacher):
    monday = monday_of(timezone.localdate()) + timedelta(days=35)
    client = logged_in(officer)
    created = client.post(api(school_a, "duty-shift-list"), {
        "kind": "week", "starts_at": local_moment(monday, time(7, 30)).isoformat(),
        "ends_at": local_moment(monday + timedelta(days=4), time(17, 30)).isoformat(), "leader": teacher.pk,
    }, content_type=JSON)  # fmt: skip
    assert created.status_code == 201
    with schema_context(school_b.schema_name):
        assert not Shift.objects.filter(kind="week").exists()
    with schema_context(school_a.schema_name):
        assert Shift.objects.filter(kind="week").count() == 1
