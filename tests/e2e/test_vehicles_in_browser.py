"""School vehicles in a real browser on a 360 px phone: the escort (照管员) finds today's trip
on the home page, records the boarding headcount, and on arrival a leaving headcount one
short: the trip stays open and the page says why beside the field. Every page fits the
screen. Screenshots go to test-results/.
"""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from eduplatform.accounts.roles import Role
from eduplatform.checklists import library
from eduplatform.vehicles.models import HeadcountMismatch, Trip
from tests.e2e.conftest import BROWSER_DATABASE
from tests.e2e.test_shell_in_browser import assert_fits_the_screen, log_in
from tests.vehicles.conftest import make_driver, make_vehicle, plan, submit_check
from tests.world import make_user

pytestmark = [pytest.mark.browser, BROWSER_DATABASE]


def test_an_escort_starts_and_closes_a_trip_on_a_phone(live_server, live_world, phone, results_directory, settings,
                                                        tmp_path):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path / "media"
    school = live_world.school_a
    officer = make_user(Role.SAFETY_OFFICER, school=school, name="安全专干")
    escort = make_user(Role.STAFF, school=school, name="王照管")
    original = library.LIBRARY
    library.LIBRARY = [entry for entry in original if entry["key"] == "vehicle-pre-departure"]
    try:
        library.seed_library(live_world.district)
    finally:
        library.LIBRARY = original
    with schema_context(school.schema_name):
        vehicle = make_vehicle(officer)
        driver = make_driver(officer)
        submit_check(vehicle, officer)
        trip = plan(vehicle, driver, escort, officer)
    base = f"{live_server.url}/s/{school.code}"

    log_in(phone, live_server.url, officer.username)
    for path in ("/vehicles/", f"/vehicles/{vehicle.pk}/", "/vehicles/drivers/", "/vehicles/trips/"):
        phone.goto(base + path)
        assert_fits_the_screen(phone)
    phone.screenshot(path=str(results_directory / "phone-vehicle-trips.png"), full_page=True)
    phone.context.clear_cookies()

    log_in(phone, live_server.url, escort.username)
    phone.get_by_role("link", name="照管行程：沪A12345").first.click()
    phone.wait_for_load_state()
    assert phone.url.endswith(f"/vehicles/trips/{trip.pk}/")
    assert_fits_the_screen(phone)
    start = phone.get_by_test_id("start-trip")
    start.get_by_label("上车人数").fill("18")
    start.get_by_role("button", name="发车").click()
    phone.wait_for_load_state()
    assert phone.get_by_test_id("trip-status").inner_text() == "行驶中"

    close = phone.get_by_test_id("close-trip")
    close.get_by_label("下车人数").fill("17")
    close.get_by_role("button", name="核对人数并结束行程").click()
    phone.wait_for_load_state()
    assert "与上车人数（18）不符" in phone.locator("#id_leaving_count_error").inner_text()
    assert phone.get_by_test_id("headcount-alarm").is_visible()
    assert_fits_the_screen(phone)
    phone.screenshot(path=str(results_directory / "phone-trip-headcount-mismatch.png"), full_page=True)
    with schema_context(school.schema_name):
        assert Trip.objects.get().status == "under_way" and HeadcountMismatch.objects.count() == 1

    close = phone.get_by_test_id("close-trip")
    close.get_by_label("下车人数").fill("18")
    close.get_by_role("button", name="核对人数并结束行程").click()
    phone.wait_for_load_state()
    assert phone.get_by_test_id("trip-status").inner_text() == "已结束"
    assert_fits_the_screen(phone)
