"""The duty pages: who sees and does what, refusals beside the field, pinned query counts."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from eduplatform.accounts.roles import Role
from eduplatform.duty.actions import add_round, create_shift, hand_over, submit_log
from eduplatform.duty.models import DutyLog, DutyPhoto, Handover, Shift, ShiftStatus
from eduplatform.duty.roster import local_moment, monday_of
from eduplatform.safety.models import Hazard
from tenants.routing import school_reverse
from tests.conftest import logged_in
from tests.duty.conftest import clean, hours, local_input, make_shift, page, photo_upload
from tests.world import make_user


def _in(school, function, *args, **kwargs):
    with schema_context(school.schema_name):
        return function(*args, **kwargs)


def test_everyone_in_the_school_sees_who_is_on_duty_now(school_a, officer, teacher, colleague, bystander):
    now_shift = _in(school_a, make_shift, officer, teacher, colleague, start=-1, length=8)
    _in(school_a, make_shift, officer, colleague, start=30, length=8, kind="day")
    response = logged_in(bystander).get(page(school_a, "roster"))
    body = response.content.decode()
    assert response.status_code == 200
    on_duty = body[body.index('data-testid="on-duty-now"') : body.index('data-testid="duty-week"')]
    assert "王老师" in on_duty and "13900000002" in on_duty and 'href="tel:13900000002"' in on_duty
    assert f"/duty/shifts/{now_shift.pk}/" in on_duty and 'data-testid="on-duty-badge"' in on_duty
    assert "添加班次" not in body  # only those who manage the roster
    assert "添加班次" in logged_in(officer).get(page(school_a, "roster")).content.decode()


def test_the_roster_moves_by_week_with_htmx(school_a, officer, teacher):
    next_monday = monday_of(timezone.localdate()) + timedelta(days=7)
    _in(school_a, create_shift, kind="day", starts_at=local_moment(next_monday, time(8)),
        ends_at=local_moment(next_monday, time(18)), leader=teacher, actor=officer)  # fmt: skip
    client = logged_in(officer)
    this_week = client.get(page(school_a, "roster")).content.decode()
    assert "王老师" not in this_week[this_week.index('data-testid="duty-week"') :]
    fragment = client.get(
        page(school_a, "roster") + f"?week={next_monday.isoformat()}", HTTP_HX_REQUEST="true"
    )
    body = fragment.content.decode()
    assert fragment.status_code == 200 and "王老师" in body and "<html" not in body


def test_a_day_not_in_the_calendar_shows_this_week(school_a, officer):
    client = logged_in(officer)
    this_monday = monday_of(timezone.localdate())
    roster = client.get(page(school_a, "roster") + "?week=2026-02-30")
    assert roster.status_code == 200 and f"?week={(this_monday + timedelta(days=7)).isoformat()}" in (
        roster.content.decode()
    )
    assert client.get(page(school_a, "add-shift") + "?day=2026-13-01").status_code == 200


def test_outsiders_get_a_404_and_anonymous_the_login_page(school_a, school_b, officer, teacher, member_b,
                                                          other_inspector, inspector):  # fmt: skip
    shift = _in(school_a, make_shift, officer, teacher)
    for name, kwargs in (("roster", {}), ("shift", {"pk": shift.pk}), ("my-shifts", {}), ("fill-roster", {})):
        url = page(school_a, name, **kwargs)
        assert logged_in(member_b).get(url).status_code == 404
        assert logged_in(other_inspector).get(url).status_code == 404
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    # The district's own inspector watches the school: roster and log.
    assert logged_in(inspector).get(page(school_a, "shift", pk=shift.pk)).status_code == 200
    # School B's shift id in school A's URL is never B's shift.
    leader_b = make_user(Role.STAFF, school=school_b, name="B校值班员")
    other = _in(school_b, make_shift, member_b, leader_b)
    with schema_context(school_a.schema_name):
        exists_in_a = Shift.objects.filter(pk=other.pk).exists()
    response = logged_in(officer).get(page(school_a, "shift", pk=other.pk))
    assert "B校值班员" not in response.content.decode()
    assert response.status_code == 404 or exists_in_a


def test_adding_a_shift_refuses_bad_input_beside_the_field(school_a, officer, teacher, bystander):
    client = logged_in(officer)
    start = timezone.now() + hours(24)
    url = page(school_a, "add-shift")
    refused = client.post(url, {"kind": "day", "starts_at": local_input(start), "ends_at": local_input(start),
                                "leader": teacher.pk})  # fmt: skip
    body = refused.content.decode()
    assert refused.status_code == 200 and "结束时间须晚于开始时间" in body
    assert body.index("结束时间须晚于开始时间") > body.index('name="ends_at"')  # beside the field
    done = client.post(url, {"kind": "day", "starts_at": local_input(start), "ends_at": local_input(start + hours(9)),
                             "leader": teacher.pk, "members": [bystander.pk], "phone": "13800138000"})  # fmt: skip
    assert done.status_code == 302 and "?week=" in done["Location"]
    clash = client.post(url, {"kind": "night", "starts_at": local_input(start + hours(1)),
                              "ends_at": local_input(start + hours(5)), "leader": bystander.pk})  # fmt: skip
    assert clash.status_code == 200 and "时间重叠" in clash.content.decode()
    with schema_context(school_a.schema_name):
        shift = Shift.objects.get()
        assert shift.leader() == teacher and shift.phone == "13800138000"
    # A teacher may see the roster but not manage it.
    assert logged_in(teacher).get(url).status_code == 403
    assert logged_in(teacher).post(url, {"kind": "day"}).status_code == 403


def test_changing_and_cancelling_a_shift(school_a, officer, teacher, colleague):
    shift = _in(school_a, make_shift, officer, teacher, start=20, length=8)
    client = logged_in(officer)
    url = page(school_a, "edit-shift", pk=shift.pk)
    assert client.get(url).status_code == 200
    changed = client.post(url, {"kind": "day", "starts_at": local_input(shift.starts_at),
                                "ends_at": local_input(shift.ends_at), "leader": colleague.pk})  # fmt: skip
    assert changed.status_code == 302
    cancelled = client.post(url, {"step": "cancel", "reason": "调整"})
    assert cancelled.status_code == 302
    with schema_context(school_a.schema_name):
        shift = Shift.objects.get(pk=shift.pk)
        assert shift.leader() == colleague and shift.status == ShiftStatus.CANCELLED
    assert "已取消" in client.get(page(school_a, "shift", pk=shift.pk)).content.decode()
    again = client.post(url, {"step": "cancel"}, follow=True)
    assert "该班次已取消，不能再取消" in again.content.decode()
    assert logged_in(teacher).post(url, {"step": "cancel"}).status_code == 403


def test_a_shift_with_a_log_is_not_changed_on_the_page(school_a, officer, teacher):
    shift = _in(school_a, make_shift, officer, teacher, start=-2, length=8)
    with schema_context(school_a.schema_name):
        add_round(shift=shift, patrolled_at=timezone.now(), area="校门", actor=teacher)
    response = logged_in(officer).post(page(school_a, "edit-shift", pk=shift.pk), {
        "kind": "day", "starts_at": local_input(shift.starts_at), "ends_at": local_input(shift.ends_at),
        "leader": teacher.pk,
    }, follow=True)  # fmt: skip
    assert "该班次已有值班日志，不能修改" in response.content.decode()
    with schema_context(school_a.schema_name):
        assert Shift.objects.get(pk=shift.pk).kind == "night"


def test_the_person_on_duty_writes_and_submits_the_log_on_the_phone_page(
    school_a, officer, teacher, bystander
):
    shift = _in(school_a, make_shift, officer, teacher, start=-2, length=8)
    client = logged_in(teacher)
    url = page(school_a, "shift", pk=shift.pk)
    assert 'data-testid="add-round"' in client.get(url).content.decode()
    now = timezone.now()
    refused = client.post(url, {"step": "add_round", "patrolled_at": local_input(now - hours(5)), "area": "校门",
                                "is_normal": "on"})  # fmt: skip
    assert refused.status_code == 200 and "时间须在本班次之内" in refused.content.decode()
    bad_photo = client.post(url, {"step": "add_round", "patrolled_at": local_input(now), "area": "校门",
                                  "is_normal": "on", "photos": [SimpleUploadedFile("x.jpg", b"nope")]})  # fmt: skip
    assert bad_photo.status_code == 200 and "无法识别该文件" in bad_photo.content.decode()
    assert client.post(url, {"step": "add_round", "patrolled_at": local_input(now), "area": "教学楼",
                             "photos": [photo_upload()], "findings": "三楼灯未关，已关"}).status_code == 302  # fmt: skip
    event = client.post(url, {"step": "add_event", "occurred_at": local_input(now), "description": "围墙裂缝",
                              "handling": "拉警戒线", "open_hazard": "on", "category": "building",
                              "severity": "major", "location": "西围墙"})  # fmt: skip
    assert event.status_code == 200 and "请拍摄或上传隐患照片" in event.content.decode()
    event = client.post(url, {"step": "add_event", "occurred_at": local_input(now), "description": "围墙裂缝",
                              "handling": "拉警戒线", "open_hazard": "on", "category": "building",
                              "severity": "major", "location": "西围墙", "photos": [photo_upload()]})  # fmt: skip
    assert event.status_code == 302
    empty = client.post(url, {"step": "submit_log", "summary": ""})
    assert empty.status_code == 200 and "请填写本班值班情况" in empty.content.decode()
    assert client.post(url, {"step": "submit_log", "summary": "夜间平安", "report_up": ""}).status_code == 302
    with schema_context(school_a.schema_name):
        log = DutyLog.objects.get()
        assert log.is_submitted and log.rounds.get().area == "教学楼" and Hazard.objects.count() == 1
        photo = DutyPhoto.objects.filter(patrol_round__isnull=False).get()
    shown = client.get(url).content.decode()
    assert "夜间平安" in shown and 'data-testid="add-round"' not in shown and "已上报隐患" in shown
    # Read-only after submitting: the refusal is told at the top of the page.
    late = client.post(url, {"step": "save_log", "summary": "改"}, follow=True)
    assert "值班日志已提交，不能再修改" in late.content.decode()
    # The photo: to the people on the shift and to those who watch safety; nobody else.
    assert client.get(page(school_a, "photo", pk=photo.pk)).status_code == 200
    assert logged_in(officer).get(page(school_a, "photo", pk=photo.pk)).status_code == 200
    assert logged_in(bystander).get(page(school_a, "photo", pk=photo.pk)).status_code == 404


def test_a_bystander_sees_the_shift_but_neither_reads_nor_writes_its_log(
    school_a, officer, teacher, bystander
):
    shift = _in(school_a, make_shift, officer, teacher, start=-2, length=8)
    with schema_context(school_a.schema_name):
        add_round(shift=shift, patrolled_at=timezone.now(), area="秘密巡查点", actor=teacher)
    client = logged_in(bystander)
    url = page(school_a, "shift", pk=shift.pk)
    shown = client.get(url).content.decode()
    assert "王老师" in shown and "秘密巡查点" not in shown and 'data-testid="add-round"' not in shown
    assert client.post(url, {"step": "add_round", "patrolled_at": local_input(timezone.now()),
                             "area": "x"}).status_code == 403  # fmt: skip
    # The safety officer reads it, and may write it (typing up a paper log).
    officer_view = logged_in(officer).get(url).content.decode()
    assert "秘密巡查点" in officer_view and 'data-testid="add-round"' in officer_view


def test_handing_over_and_confirming_on_the_shift_pages(school_a, officer, teacher, colleague, bystander):
    outgoing = _in(school_a, make_shift, officer, teacher, start=-8, length=8)
    incoming = _in(school_a, make_shift, officer, colleague, start=0, length=8)
    teacher_client = logged_in(teacher)
    out_url = page(school_a, "shift", pk=outgoing.pk)
    assert 'data-testid="hand-over"' in teacher_client.get(out_url).content.decode()
    refused = logged_in(bystander).post(out_url, {"step": "hand_over", "to_shift": incoming.pk}, follow=True)
    assert "您不在本班次的值班人员中，不能交班" in refused.content.decode()
    done = teacher_client.post(out_url, {"step": "hand_over", "to_shift": incoming.pk, "open_matters": "水管待修",
                                         "keys_equipment": "大门钥匙 2 把"})  # fmt: skip
    assert done.status_code == 302
    in_url = page(school_a, "shift", pk=incoming.pk)
    with schema_context(school_a.schema_name):
        handover = Handover.objects.get()
    wrong = logged_in(officer).post(
        in_url, {"step": "confirm_handover", "handover": handover.pk}, follow=True
    )
    assert "您不在接班班次的值班人员中" in wrong.content.decode()
    colleague_client = logged_in(colleague)
    shown = colleague_client.get(in_url).content.decode()
    assert "大门钥匙 2 把" in shown and 'data-testid="confirm-handover"' in shown
    assert colleague_client.post(in_url, {"step": "confirm_handover", "handover": handover.pk,
                                          "notes": "已收到"}).status_code == 302  # fmt: skip
    assert "确认接班" in teacher_client.get(out_url).content.decode()
    with schema_context(school_a.schema_name):
        handover.refresh_from_db()
    assert handover.received_by_id == colleague.pk
    # Someone on neither shift and without safety.view does not see the handover.
    assert "大门钥匙" not in logged_in(bystander).get(out_url).content.decode()


def test_the_person_who_handed_over_is_not_offered_the_confirmation(school_a, officer, teacher, colleague):
    outgoing = _in(school_a, make_shift, officer, teacher, start=-8, length=8)
    incoming = _in(school_a, make_shift, officer, teacher, colleague, start=0, length=8)
    _in(school_a, hand_over, shift=outgoing, to_shift=incoming, keys_equipment="大门钥匙", actor=teacher)
    in_url = page(school_a, "shift", pk=incoming.pk)
    teacher_client = logged_in(teacher)
    shown = teacher_client.get(in_url).content.decode()
    assert "大门钥匙" in shown and 'data-testid="confirm-handover"' not in shown
    with schema_context(school_a.schema_name):
        handover = Handover.objects.get()
    refused = teacher_client.post(in_url, {"step": "confirm_handover", "handover": handover.pk}, follow=True)
    assert "交班人不能确认自己的交班" in refused.content.decode()
    with schema_context(school_a.schema_name):
        handover.refresh_from_db()
    assert not handover.is_confirmed
    assert 'data-testid="confirm-handover"' in logged_in(colleague).get(in_url).content.decode()


def test_filling_the_roster_by_copy_and_rotation(school_a, officer, teacher, colleague):
    this_monday = monday_of(timezone.localdate())
    last_monday = this_monday - timedelta(days=7)
    _in(school_a, create_shift, kind="night", starts_at=local_moment(last_monday, time(18)),
        ends_at=local_moment(last_monday + timedelta(days=1), time(8)), leader=teacher, actor=officer)  # fmt: skip
    client = logged_in(officer)
    url = page(school_a, "fill-roster")
    assert client.get(url).status_code == 200
    copied = client.post(
        url, {"step": "copy", "source": last_monday.isoformat(), "target": this_monday.isoformat()}
    )
    assert copied.status_code == 302
    again = client.post(
        url, {"step": "copy", "source": last_monday.isoformat(), "target": this_monday.isoformat()}
    )
    assert again.status_code == 200 and "目标周已有排班" in again.content.decode()
    first = this_monday + timedelta(days=14)
    bad = client.post(url, {"step": "rotation", "kind": "holiday", "first_day": first.isoformat(),
                            "last_day": (first - timedelta(days=1)).isoformat(), "start_time": "08:00",
                            "end_time": "08:00", "people": [teacher.pk]})  # fmt: skip
    assert bad.status_code == 200 and "结束日期不能早于开始日期" in bad.content.decode()
    done = client.post(url, {"step": "rotation", "kind": "day", "first_day": first.isoformat(),
                             "last_day": (first + timedelta(days=2)).isoformat(), "start_time": "08:00",
                             "end_time": "18:00", "people": [teacher.pk, colleague.pk]})  # fmt: skip
    assert done.status_code == 302
    with schema_context(school_a.schema_name):
        assert Shift.objects.count() == 5
    assert logged_in(teacher).get(url).status_code == 403


def test_my_shifts_and_today(school_a, officer, teacher, colleague):
    with schema_context(school_a.schema_name):
        make_shift(officer, teacher, start=-1, length=8)
        make_shift(officer, teacher, start=48, length=8, kind="day")
        unlogged = make_shift(officer, colleague, start=-20, length=8)
        logged = make_shift(officer, colleague, start=-30, length=8)
        add_round(shift=logged, patrolled_at=logged.starts_at + hours(1), area="校门", actor=colleague)
        submit_log(shift=logged, summary="平安", actor=colleague)
    mine = logged_in(teacher).get(page(school_a, "my-shifts")).content.decode()
    upcoming = mine[mine.index('data-testid="upcoming-shifts"') : mine.index('data-testid="recent-shifts"')]
    assert upcoming.count('data-testid="shift-row"') == 2
    home = logged_in(teacher).get(school_reverse(school_a, "frontend:home")).content.decode()
    assert "您正在值班：夜间值班" in home
    colleague_home = logged_in(colleague).get(school_reverse(school_a, "frontend:home")).content.decode()
    assert "请提交值班日志" in colleague_home
    officer_home = logged_in(officer).get(school_reverse(school_a, "frontend:home")).content.decode()
    assert "值班日志未提交" in officer_home and f"/duty/shifts/{unlogged.pk}/" in officer_home
    assert f"/duty/shifts/{logged.pk}/" not in officer_home


@pytest.mark.parametrize("name", ["roster", "my-shifts"])
def test_the_roster_pages_pin_their_queries(school_a, officer, teacher, name, django_assert_max_num_queries):
    client = logged_in(teacher)
    url = page(school_a, name)

    def add(starts):
        with schema_context(school_a.schema_name):
            for start in starts:
                people = [make_user(Role.STAFF, school=school_a, password=None) for _ in range(2)]
                make_shift(officer, teacher if name == "my-shifts" else people[0], *people[1:],
                           start=start, length=1)  # fmt: skip

    add([-0.5, 1.5])
    with django_assert_max_num_queries(40) as captured:
        assert client.get(url).status_code == 200
    few = len(captured.captured_queries)
    add([3, 5, 7, 9])
    with django_assert_max_num_queries(few):
        assert client.get(url).status_code == 200


def test_the_shift_page_pins_its_queries(school_a, officer, teacher, django_assert_max_num_queries):
    shift = _in(school_a, make_shift, officer, teacher, start=-3, length=8)
    client = logged_in(officer)
    url = page(school_a, "shift", pk=shift.pk)

    def add(count):
        with schema_context(school_a.schema_name):
            for _index in range(count):
                add_round(
                    shift=shift, patrolled_at=timezone.now(), area="校门", photos=[clean()], actor=teacher
                )

    add(1)
    with django_assert_max_num_queries(50) as captured:
        assert client.get(url).status_code == 200
    few = len(captured.captured_queries)
    add(4)
    with django_assert_max_num_queries(few):
        assert client.get(url).status_code == 200


def test_the_duty_pages_are_english(school_a):
    from tests.frontend.test_translations import assert_english, english_client

    with schema_context(school_a.schema_name):
        officer = make_user(Role.SAFETY_OFFICER, school=school_a, name="Olive Officer")
        teacher = make_user(Role.STAFF, school=school_a, name="Tom Teacher", phone="13900000009")
        shift = make_shift(officer, teacher, start=-1, length=8)
        add_round(shift=shift, patrolled_at=timezone.now(), area="Gate", actor=teacher)
        later = make_shift(officer, officer, start=7, length=8)
        hand_over(shift=shift, to_shift=later, keys_equipment="Keys", actor=teacher)
    from django.db.models import CharField, Value
    from django.db.models.functions import Concat

    from tenants.models import School

    School.objects.filter(pk=school_a.pk).update(
        name=Concat(Value("School "), "code", output_field=CharField())
    )
    school_a.district.__class__.objects.filter(pk=school_a.district_id).update(name="District")
    client = english_client(officer)
    for url in (page(school_a, "roster"), page(school_a, "shift", pk=shift.pk), page(school_a, "my-shifts"),
                page(school_a, "fill-roster"), page(school_a, "add-shift"), page(school_a, "edit-shift", pk=later.pk),
                page(school_a, "shift", pk=later.pk)):  # fmt: skip
        assert_english(client.get(url))
    assert_english(english_client(teacher).get(page(school_a, "shift", pk=shift.pk)))
