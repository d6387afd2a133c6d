"""Duty in a real browser on a 360 px phone: the teacher on night duty finds the shift on the
roster, records a patrol round and submits the log; the next person confirms the handover.
Every page fits the screen. Screenshots go to test-results/.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from eduplatform.accounts.roles import Role
from eduplatform.duty.actions import create_shift
from eduplatform.duty.models import DutyLog, Handover
from tests.e2e.conftest import BROWSER_DATABASE
from tests.e2e.test_shell_in_browser import assert_fits_the_screen, log_in
from tests.world import make_user

pytestmark = [pytest.mark.browser, BROWSER_DATABASE]


def test_night_duty_on_a_phone(live_server, live_world, browser, results_directory):
    school = live_world.school_a
    officer = make_user(Role.SAFETY_OFFICER, school=school, name="安全专干")
    teacher = make_user(Role.STAFF, school=school, name="值班老师", phone="13912345678")
    relief = make_user(Role.STAFF, school=school, name="接班老师")
    now = timezone.now().replace(second=0, microsecond=0)
    with schema_context(school.schema_name):
        shift = create_shift(kind="night", starts_at=now - timedelta(hours=2), ends_at=now + timedelta(hours=6),
                             leader=teacher, actor=officer)  # fmt: skip
        after = create_shift(kind="day", starts_at=now + timedelta(hours=6), ends_at=now + timedelta(hours=16),
                             leader=relief, actor=officer)  # fmt: skip
    base = f"{live_server.url}/s/{school.code}"

    def phone():
        context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True,
                                      locale="zh-CN", timezone_id="Asia/Shanghai")  # fmt: skip
        context.set_default_timeout(15_000)
        return context, context.new_page()

    context, page = phone()
    log_in(page, live_server.url, teacher.username)
    page.goto(f"{base}/duty/")
    on_duty = page.get_by_test_id("on-duty-now")
    assert "值班老师" in on_duty.inner_text() and "13912345678" in on_duty.inner_text()
    assert_fits_the_screen(page)
    page.screenshot(path=str(results_directory / "phone-duty-roster.png"), full_page=True)

    on_duty.get_by_role("link", name="夜间值班").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/duty/shifts/{shift.pk}/")
    assert_fits_the_screen(page)
    round_form = page.get_by_test_id("add-round")
    round_form.get_by_label("巡查部位").fill("教学楼一楼")
    round_form.get_by_role("button", name="添加巡查记录").click()
    page.wait_for_load_state()
    assert "教学楼一楼" in page.get_by_test_id("round-list").inner_text()
    log_form = page.get_by_test_id("log-form")
    log_form.get_by_label("值班情况").fill("夜间巡查两次，一切正常")
    log_form.get_by_role("button", name="提交日志").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("log-status").inner_text() == "已提交"
    handover = page.get_by_test_id("hand-over")
    handover.get_by_label("钥匙与器材").fill("大门钥匙 2 把")
    handover.get_by_role("button", name="交班").click()
    page.wait_for_load_state()
    assert_fits_the_screen(page)
    page.screenshot(path=str(results_directory / "phone-duty-shift.png"), full_page=True)
    context.close()

    context, page = phone()
    log_in(page, live_server.url, relief.username)
    page.goto(f"{base}/duty/shifts/{after.pk}/")
    assert "大门钥匙 2 把" in page.get_by_test_id("received-handover").inner_text()
    page.get_by_test_id("confirm-handover").get_by_role("button", name="确认接班").click()
    page.wait_for_load_state()
    assert "确认接班" in page.get_by_test_id("received-handover").inner_text()
    assert_fits_the_screen(page)
    page.goto(f"{base}/duty/mine/")
    assert_fits_the_screen(page)
    context.close()

    # The safety officer's pages for managing the roster fit too.
    context, page = phone()
    log_in(page, live_server.url, officer.username)
    for path, name in (("duty/", "roster"), ("duty/fill/", "fill"), ("duty/shifts/new/", "add"),
                       (f"duty/shifts/{after.pk}/edit/", "edit")):  # fmt: skip
        page.goto(f"{base}/{path}")
        assert_fits_the_screen(page)
        page.screenshot(path=str(results_directory / f"phone-duty-{name}.png"), full_page=True)
    context.close()

    with schema_context(school.schema_name):
        assert DutyLog.objects.get(shift=shift).is_submitted
        assert Handover.objects.get(from_shift=shift).received_by_id == relief.pk
