from eduplatform.notifications.actions import mark_read, notify
from eduplatform.notifications.models import Notification
from tests.world import make_user


def test_a_reminder_reaches_each_person_once_however_often_it_runs(school_a):
    safety, principal = make_user(), make_user()
    for _ in range(2):
        told = notify(
            users=[safety, principal, safety], kind="hazard_overdue", title="隐患逾期：三楼消防栓",
            dedupe_key="hazard-overdue:1:2026-11-22", school=school_a, severity="danger",
        )  # fmt: skip
    assert told == 0
    assert Notification.objects.filter(dedupe_key="hazard-overdue:1:2026-11-22").count() == 2


def test_only_the_people_not_told_yet_are_told_and_counted(school_a):
    told_before, newcomer = make_user(), make_user()
    assert notify(users=[told_before], kind="x", title="通知", dedupe_key="x:once", school=school_a) == 1
    assert (
        notify(users=[told_before, newcomer], kind="x", title="通知", dedupe_key="x:once", school=school_a)
        == 1
    )
    assert Notification.objects.filter(dedupe_key="x:once").count() == 2
    assert notify(users=[], kind="x", title="通知", dedupe_key="x:once") == 0


def test_marking_read_touches_only_ones_own(school_a):
    me, other = make_user(), make_user()
    notify(users=[me, other], kind="x", title="通知", dedupe_key="x:1")
    assert mark_read(user=me) == 1
    assert Notification.objects.unread().filter(user=other).count() == 1
