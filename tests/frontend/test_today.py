"""The "today" registry: providers from the domains, shown on the bureau and school homes."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from frontend.today import BUREAU, SCHOOL, Severity, TodayItem


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_nothing_registered_shows_the_empty_state_on_both_homes(
    school_a, member_a, inspector, today_registry
):
    assert today_registry.registered_names() == []
    school_home = client_for(member_a).get(f"/s/{school_a.code}/").content.decode()
    bureau_home = client_for(inspector).get("/").content.decode()
    for body in (school_home, bureau_home):
        assert "今天没有待办事项" in body
        assert 'data-testid="today-item"' not in body


def test_items_are_grouped_overdue_first_with_their_days_overdue(school_a, member_a, today_registry):
    today = timezone.localdate()
    seen_users = []

    @today_registry.provider("test.patrols", scope=SCHOOL)
    def patrols(request):
        seen_users.append(request.user)
        return [
            TodayItem(title="本周安全检查", due=today + timedelta(days=2), url="/weekly", severity="info"),
            TodayItem(
                title="隐患整改", due=today - timedelta(days=3), url="/hazard/7", severity=Severity.DANGER
            ),
            TodayItem(title="今日巡查", due=today, url="/patrol", severity=Severity.WARNING),
        ]

    body = client_for(member_a).get(f"/s/{school_a.code}/").content.decode()
    assert seen_users == [member_a]
    assert body.index("已逾期") < body.index("隐患整改") < body.index("今天到期") < body.index("今日巡查")
    assert body.index("今日巡查") < body.index("即将到期") < body.index("本周安全检查")
    assert "逾期 3 天" in body
    assert 'href="/hazard/7"' in body
    assert 'data-testid="today-count">3<' in body
    assert "今天没有待办事项" not in body


def test_a_bureau_provider_shows_on_the_bureau_home_only(school_a, member_a, inspector, today_registry):
    @today_registry.provider("test.district-report", scope=BUREAU)
    def district_report(request):
        return [TodayItem(title="月度合规报告", due=timezone.localdate(), url="/report")]

    assert "月度合规报告" in client_for(inspector).get("/").content.decode()
    assert "月度合规报告" not in client_for(member_a).get(f"/s/{school_a.code}/").content.decode()


def test_a_failing_provider_is_logged_and_the_others_still_show(school_a, member_a, today_registry, caplog):
    @today_registry.provider("test.broken", scope=SCHOOL)
    def broken(request):
        raise RuntimeError("rollup table missing")

    @today_registry.provider("test.working", scope=SCHOOL)
    def working(request):
        return [TodayItem(title="晨检记录", due=timezone.localdate(), url="/morning-check")]

    with caplog.at_level(logging.ERROR, logger="frontend.today"):
        response = client_for(member_a).get(f"/s/{school_a.code}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "晨检记录" in body
    assert "部分事项暂时无法显示" in body
    assert "test.broken" in caplog.text


def test_registering_a_name_again_replaces_it(today_registry):
    today_registry.provider("test.same")(lambda request: [])
    today_registry.provider("test.same", scope=BUREAU)(lambda request: [])
    assert today_registry.registered_names() == ["test.same"]
    assert today_registry.registered_names(SCHOOL) == []
    today_registry.unregister("test.same")
    assert today_registry.registered_names() == []


def test_a_due_datetime_counts_by_its_local_date():
    local_midnight = timezone.make_aware(
        timezone.datetime.combine(timezone.localdate(), timezone.datetime.min.time())
    )
    item = TodayItem(title="x", due=local_midnight + timedelta(minutes=5), url="/")
    assert item.due_date == timezone.localdate()
    assert item.has_time
    assert item.days_overdue(timezone.localdate() + timedelta(days=2)) == 2
