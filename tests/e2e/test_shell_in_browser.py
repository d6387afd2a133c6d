"""The shell in a real browser: a teacher sees only their school; an inspector switches.

Screenshots of the phone layout go to test-results/ for a person to look at.
"""

from __future__ import annotations

import pytest

from eduplatform.accounts.roles import Role
from tests.e2e.conftest import BROWSER_DATABASE
from tests.world import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.browser, BROWSER_DATABASE]


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名或手机号").fill(username)
    page.get_by_label("密码", exact=True).fill(TEST_PASSWORD)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_load_state()


def open_the_menu(page) -> None:
    """The hamburger, then wait until the menu has finished opening (Bootstrap's collapse)."""
    page.get_by_test_id("menu-toggle").click()
    page.locator("#sidebar-menu.collapse.show").wait_for()


def assert_fits_the_screen(page) -> None:
    """Nothing wider than the viewport: no sideways scrolling on a phone."""
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]} px wide on a {widths[1]} px screen"


def test_a_teacher_sees_only_their_school(live_server, live_world, phone, results_directory):
    school_a, school_b = live_world.school_a, live_world.school_b
    teacher = make_user(Role.STAFF, school=school_a, name="周老师")

    phone.goto(f"{live_server.url}/accounts/login/")
    assert_fits_the_screen(phone)
    phone.screenshot(path=str(results_directory / "phone-login.png"), full_page=True)

    log_in(phone, live_server.url, teacher.username)
    assert phone.url == f"{live_server.url}/s/{school_a.code}/"
    assert phone.get_by_test_id("school-name").inner_text() == school_a.name
    assert phone.get_by_test_id("brand").inner_text() == school_a.name
    assert phone.get_by_test_id("today").is_visible()
    assert_fits_the_screen(phone)
    phone.screenshot(path=str(results_directory / "phone-school-home.png"), full_page=True)

    # The menu opens with the hamburger; one school means no switcher, and B is nowhere.
    navigation = phone.get_by_test_id("navigation")
    assert not navigation.is_visible()
    open_the_menu(phone)
    assert navigation.get_by_role("link", name="部门").is_visible()
    assert phone.get_by_test_id("school-switcher").count() == 0
    assert school_b.name not in phone.content()
    assert_fits_the_screen(phone)
    phone.screenshot(path=str(results_directory / "phone-school-menu.png"), full_page=True)

    # School B's address is the 404 page, naming neither school B nor its data.
    response = phone.goto(f"{live_server.url}/s/{school_b.code}/")
    assert response.status == 404
    assert phone.get_by_test_id("error-404").is_visible()
    assert "页面不存在" in phone.get_by_test_id("error-404").inner_text()
    assert school_b.name not in phone.content()
    assert_fits_the_screen(phone)

    # Back home: still school A.
    phone.get_by_role("link", name="返回首页").click()
    phone.wait_for_url(f"{live_server.url}/s/{school_a.code}/")
    assert phone.get_by_test_id("school-name").inner_text() == school_a.name


def test_an_inspector_switches_between_two_schools(live_server, live_world, desktop, results_directory):
    school_a, school_b = live_world.school_a, live_world.school_b
    inspector = make_user(Role.BUREAU_INSPECTOR, district=live_world.district, name="李督导")

    log_in(desktop, live_server.url, inspector.username)
    assert desktop.url == f"{live_server.url}/"
    schools = desktop.get_by_test_id("school-list")
    assert school_a.name in schools.inner_text() and school_b.name in schools.inner_text()
    assert live_world.school_c.name not in desktop.content()  # another district

    switcher = desktop.get_by_label("切换学校")
    switcher.select_option(school_b.code)
    desktop.get_by_role("button", name="进入所选学校").click()
    desktop.wait_for_url(f"{live_server.url}/s/{school_b.code}/")
    assert desktop.get_by_test_id("school-name").inner_text() == school_b.name
    desktop.screenshot(path=str(results_directory / "desktop-school-home.png"))
    assert desktop.get_by_label("切换学校").input_value() == school_b.code

    desktop.get_by_label("切换学校").select_option(school_a.code)
    desktop.get_by_role("button", name="进入所选学校").click()
    desktop.wait_for_url(f"{live_server.url}/s/{school_a.code}/")
    assert desktop.get_by_test_id("school-name").inner_text() == school_a.name


def test_an_inspector_switches_on_a_phone_with_the_keyboard(
    live_server, live_world, phone, results_directory
):
    school_a, school_b = live_world.school_a, live_world.school_b
    inspector = make_user(Role.BUREAU_INSPECTOR, district=live_world.district, name="李督导")

    log_in(phone, live_server.url, inspector.username)
    assert phone.url == f"{live_server.url}/"
    assert_fits_the_screen(phone)
    phone.screenshot(path=str(results_directory / "phone-bureau-home.png"), full_page=True)

    open_the_menu(phone)
    switcher = phone.get_by_label("切换学校")
    assert switcher.is_visible()
    phone.screenshot(path=str(results_directory / "phone-bureau-menu.png"), full_page=True)

    # Arrow keys move through the schools without leaving the page; Enter on the button goes.
    switcher.focus()
    phone.keyboard.press("ArrowDown")
    assert phone.url == f"{live_server.url}/"
    chosen = switcher.input_value()
    assert chosen in (school_a.code, school_b.code)
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.type") == "submit"
    phone.keyboard.press("Enter")
    phone.wait_for_url(f"{live_server.url}/s/{chosen}/")
    expected = school_a if chosen == school_a.code else school_b
    assert phone.get_by_test_id("school-name").inner_text() == expected.name
    assert_fits_the_screen(phone)

    # The user menu opens from the top bar and offers logout.
    phone.get_by_role("button", name="账号菜单").click()
    logout = phone.get_by_test_id("user-menu").first.get_by_test_id("logout")
    logout.wait_for()
    phone.screenshot(path=str(results_directory / "phone-user-menu.png"))
    logout.click()
    phone.wait_for_url(f"{live_server.url}/s/{chosen}/accounts/login/")


@pytest.mark.parametrize(
    ("role", "where"),
    [(Role.PRINCIPAL, "school"), (Role.BUREAU_ADMIN, "district")],
)
def test_every_page_of_the_menu_fits_a_phone(live_server, live_world, phone, results_directory, role, where):
    """Each sidebar entry, opened on a 360 px phone, scrolls only up and down."""
    if where == "school":
        person = make_user(role, school=live_world.school_a, name="张校长")
        home = f"{live_server.url}/s/{live_world.school_a.code}/"
    else:
        person = make_user(role, district=live_world.district, name="王局长")
        home = f"{live_server.url}/"
    log_in(phone, live_server.url, person.username)
    phone.goto(home)
    links = phone.get_by_test_id("navigation").locator("a.nav-link")
    addresses = [links.nth(index).get_attribute("href") for index in range(links.count())]
    assert len(addresses) >= 2
    for address in addresses:
        response = phone.goto(f"{live_server.url}{address}")
        assert response.status == 200, address
        assert_fits_the_screen(phone)
        name = address.strip("/").replace("/", "-") or "home"
        phone.screenshot(path=str(results_directory / f"phone-menu-{where}-{name}.png"), full_page=True)
