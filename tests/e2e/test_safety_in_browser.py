"""Campus safety in a real browser, as the people at a school would use it: the safety
officer's daily patrol on a phone, a failed item becoming a hazard that someone else
rectifies with a photo and a third person verifies; the bureau publishing a new template
version; and the guard at the gate signing a visitor in and out on a tablet.

Phones are 390 x 844 and tablets 820 x 1180, both with touch. Photos are small JPEGs made
here and given to the file input the camera fills on a phone. Screenshots go to test-results/.
"""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from PIL import Image

from eduplatform.accounts.roles import Role
from eduplatform.checklists.actions import add_item, create_template, publish_version
from eduplatform.checklists.models import Frequency, ItemKind, Severity, TemplateCategory
from eduplatform.compliance.facts import recompute_school
from eduplatform.compliance.models import ComplianceFact
from eduplatform.compliance.periods import month_key
from eduplatform.safety import facts
from eduplatform.safety.actions import start_inspection, submit_inspection
from eduplatform.safety.models import Hazard, HazardStatus, Inspection, Visitor
from tests.e2e.conftest import BROWSER_DATABASE
from tests.e2e.test_shell_in_browser import assert_fits_the_screen, log_in, open_the_menu
from tests.world import make_user

pytestmark = [pytest.mark.browser, BROWSER_DATABASE]

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}
DESKTOP = {"width": 1280, "height": 800}
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def device(browser):
    """device(viewport) -> a new page in its own context (its own sign-in), closed at the end."""
    contexts = []

    def open_page(viewport, *, touch=True):
        context = browser.new_context(
            viewport=viewport, has_touch=touch, is_mobile=touch, locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        # Every step waits at most this long, so a broken page fails the test quickly.
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def jpeg(color: str) -> dict:
    """A small real JPEG, as a phone camera would hand it to the file input."""
    buffer = io.BytesIO()
    Image.new("RGB", (96, 64), color).save(buffer, format="JPEG")
    return {"name": f"{color}.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def patrol_template(district, admin):
    template = create_template(
        district=district, actor=admin, name="每日安全巡查", category=TemplateCategory.DAILY_PATROL,
        frequency=Frequency.SCHOOL_DAY, school_kinds=[],
    )  # fmt: skip
    version = template.versions.get()
    add_item(
        version=version,
        actor=admin,
        text="安全出口畅通",
        kind=ItemKind.PASS_FAIL,
        severity_on_failure=Severity.MAJOR,
    )
    add_item(version=version, actor=admin, text="灭火器压力", kind=ItemKind.NUMBER, unit="MPa", minimum=0, maximum=2.5,
             opens_hazard=False)  # fmt: skip
    publish_version(version=version, actor=admin)
    template.refresh_from_db()
    return template


def item(page, text: str):
    return page.get_by_test_id("item").filter(has_text=text)


def go(page, locator, *, tap: bool = True) -> None:
    """Tap (or click) something that loads a new page, and wait until it has loaded."""
    with page.expect_navigation():
        locator.tap() if tap else locator.click()


def message(page) -> str:
    return page.get_by_test_id("message").first.inner_text()


def test_a_patrol_on_a_phone_a_hazard_rectified_by_one_and_verified_by_another(
    live_server, live_world, device, results_directory
):
    school = live_world.school_a
    admin = make_user(Role.BUREAU_ADMIN, district=live_world.district)
    patrol_template(live_world.district, admin)
    officer = make_user(Role.SAFETY_OFFICER, school=school, name="安全专干小王")
    director = make_user(Role.LOGISTICS_DIRECTOR, school=school, name="何主任")
    head = make_user(Role.PRINCIPAL, school=school, name="陈校长")
    base = f"{live_server.url}/s/{school.code}/safety"

    # The safety officer opens the inspections page from the menu and starts the patrol.
    phone = device(PHONE)
    log_in(phone, live_server.url, officer.username)
    open_the_menu(phone)
    go(phone, phone.get_by_test_id("navigation").get_by_role("link", name="安全检查"))
    phone.get_by_test_id("start-inspection").wait_for()
    assert_fits_the_screen(phone)
    phone.get_by_label("检查模板").select_option(label="每日安全巡查（每个上学日）")
    phone.get_by_label("检查地点").fill("一号教学楼")
    go(phone, phone.get_by_role("button", name="开始检查"))
    phone.get_by_test_id("inspection-form").wait_for()
    assert_fits_the_screen(phone)

    # The exit is blocked: fail it, say why, and take a photo; save the draft.
    exit_item = item(phone, "安全出口畅通")
    exit_item.get_by_text("不合格", exact=True).tap()
    exit_item.get_by_placeholder("问题说明（不合格时填写）").fill("东侧安全出口被杂物堵塞")
    exit_item.locator("input[type=file]").set_input_files(files=[jpeg("red")])
    go(phone, phone.get_by_role("button", name="保存草稿"))
    assert message(phone) == "已保存草稿。"
    assert exit_item.get_by_test_id("item-photo").count() == 1
    assert exit_item.locator("input[value=fail]").is_checked()

    # Submitting without the pressure reading is refused beside that item.
    go(phone, phone.get_by_role("button", name="提交检查"))
    assert (
        "“灭火器压力”：请填写检查结果。"
        in item(phone, "灭火器压力").get_by_test_id("item-error").inner_text()
    )
    assert_fits_the_screen(phone)
    phone.screenshot(path=str(results_directory / "phone-safety-patrol-refused.png"), full_page=True)
    item(phone, "灭火器压力").get_by_role("textbox").fill("1.2")
    go(phone, phone.get_by_role("button", name="提交检查"))
    assert message(phone) == "检查已提交。已生成 1 条隐患。"
    assert item(phone, "安全出口畅通").get_by_test_id("item-answer").inner_text().startswith("不合格")
    phone.screenshot(path=str(results_directory / "phone-safety-patrol-submitted.png"), full_page=True)

    # The hazard is in the register, linked to the item, with the patrol's photo.
    go(phone, phone.get_by_test_id("opened-hazards").get_by_role("link"))
    assert phone.get_by_test_id("hazard-item").inner_text() == "安全出口畅通"
    assert phone.get_by_test_id("hazard-status").inner_text() == "待整改"
    assert phone.get_by_test_id("hazard-photo").count() == 1
    hazard_url = phone.url
    # The officer names the logistics director responsible.
    phone.get_by_label("整改责任人").select_option(label="何主任")
    go(phone, phone.locator("form:has(input[name=step][value=assign])").get_by_role("button", name="保存"))
    assert message(phone) == "已保存。"
    phone.goto(f"{base}/hazards/")
    listed = phone.get_by_test_id("hazard-list").locator("li").filter(has_text="安全出口畅通")
    assert "何主任" in listed.inner_text() and "待整改" in listed.inner_text()
    assert_fits_the_screen(phone)

    # The director finds it on "today", rectifies it with an evidence photo, and cannot verify it.
    director_phone = device(PHONE)
    log_in(director_phone, live_server.url, director.username)
    go(
        director_phone,
        director_phone.get_by_test_id("today").get_by_role("link", name="整改隐患：安全出口畅通").first,
    )
    assert director_phone.url == hazard_url
    director_phone.get_by_label("整改措施").fill("已清理杂物，张贴禁止堆放标识")
    director_phone.get_by_label("整改后照片").set_input_files(files=[jpeg("green")])
    go(director_phone, director_phone.get_by_role("button", name="整改完成"))
    assert director_phone.get_by_test_id("hazard-status").inner_text() == "已整改待验收"
    assert director_phone.get_by_test_id("hazard-photo").count() == 2
    assert (
        director_phone.get_by_test_id("own-rectification").inner_text()
        == "这条隐患由您整改，须由其他人员验收。"
    )
    assert director_phone.get_by_role("button", name="验收通过").count() == 0
    assert_fits_the_screen(director_phone)
    director_phone.screenshot(path=str(results_directory / "phone-safety-rectified.png"), full_page=True)

    # The principal sees a rectification waiting, opens it and verifies it.
    head_phone = device(PHONE)
    log_in(head_phone, live_server.url, head.username)
    go(head_phone, head_phone.get_by_test_id("today").get_by_role("link", name="待验收的隐患整改 1 条"))
    go(head_phone, head_phone.get_by_test_id("hazard-list").get_by_role("link", name="安全出口畅通"))
    head_phone.get_by_label("验收意见").fill("已复查，通道畅通")
    go(head_phone, head_phone.get_by_role("button", name="验收通过"))
    assert head_phone.get_by_test_id("hazard-status").inner_text() == "已验收销号"
    assert_fits_the_screen(head_phone)
    head_phone.screenshot(path=str(results_directory / "phone-safety-verified.png"), full_page=True)

    # Back in the officer's register it shows verified.
    phone.goto(f"{base}/hazards/?status=verified")
    assert "安全出口畅通" in phone.get_by_test_id("hazard-list").inner_text()
    with schema_context(school.schema_name):
        hazard = Hazard.objects.get(description__startswith="安全出口畅通", inspection__location="一号教学楼")
        assert hazard.status == HazardStatus.VERIFIED
        assert (hazard.rectified_by_id, hazard.verified_by_id) == (director.pk, head.pk)
        # The compliance facts the actions recorded match a recompute from the records.
        assert recompute_school(school) == []
    verified = ComplianceFact.objects.get(
        school=school, key=facts.HAZARDS_VERIFIED, period=month_key(timezone.localdate())
    )
    assert verified.value >= 1


def test_the_bureau_publishes_a_new_version_and_the_schools_next_patrol_uses_it(
    live_server, live_world, device, results_directory
):
    school = live_world.school_a
    admin = make_user(Role.BUREAU_ADMIN, district=live_world.district, name="局管理员")
    officer = make_user(Role.SAFETY_OFFICER, school=school, name="安全专干小李")
    template = patrol_template(live_world.district, admin)
    with schema_context(school.schema_name):
        earlier = start_inspection(template=template, location="操场", actor=officer)
        answers = {row.pk: ({"result": "pass"} if row.kind == ItemKind.PASS_FAIL else {"number": "1"})
                   for row in earlier.items.all()}  # fmt: skip
        submit_inspection(inspection=earlier, answers=answers, actor=officer)

    # The bureau admin adds an item to a new version and publishes it.
    desktop = device(DESKTOP, touch=False)
    log_in(desktop, live_server.url, admin.username)
    desktop.goto(f"{live_server.url}/checklists/")
    go(desktop, desktop.get_by_role("link", name="每日安全巡查"), tap=False)
    go(desktop, desktop.get_by_test_id("new-version"), tap=False)
    adding = desktop.get_by_test_id("add-item")
    adding.get_by_label("检查内容").fill("监控设备运行正常")
    adding.get_by_label("类型").select_option(label="合格/不合格/不适用")
    go(desktop, adding.get_by_role("button", name="添加"), tap=False)
    assert "监控设备运行正常" in desktop.get_by_test_id("template-items").inner_text()
    go(desktop, desktop.get_by_test_id("draft-bar").get_by_role("button", name="发布"), tap=False)
    assert message(desktop) == "已发布新版本，学校下一次检查即使用该版本。"
    assert "现行版本 v2" in desktop.content()
    desktop.screenshot(path=str(results_directory / "desktop-checklists-published.png"), full_page=True)

    # The school's next patrol asks the new item; the one submitted before does not.
    phone = device(PHONE)
    log_in(phone, live_server.url, officer.username)
    phone.goto(f"{live_server.url}/s/{school.code}/safety/inspections/")
    phone.get_by_label("检查模板").select_option(label="每日安全巡查（每个上学日）")
    go(phone, phone.get_by_role("button", name="开始检查"))
    assert phone.get_by_test_id("item").filter(has_text="监控设备运行正常").count() == 1
    assert phone.get_by_test_id("item").count() == 3
    assert_fits_the_screen(phone)
    phone.screenshot(path=str(results_directory / "phone-safety-new-version.png"), full_page=True)
    phone.goto(f"{live_server.url}/s/{school.code}/safety/inspections/{earlier.pk}/")
    texts = phone.get_by_test_id("item").all_inner_texts()
    assert len(texts) == 2 and not any("监控设备运行正常" in text for text in texts)
    with schema_context(school.schema_name):
        newer = Inspection.objects.filter(template_id=template.pk).latest("pk")
        assert newer.template_version_id != earlier.template_version_id


def test_the_guard_signs_a_visitor_in_and_out_on_a_tablet(live_server, live_world, device, results_directory):
    school = live_world.school_a
    guard = make_user(Role.GUARD, school=school, name="门卫老张")
    tablet = device(TABLET)
    log_in(tablet, live_server.url, guard.username)
    if tablet.get_by_test_id("menu-toggle").is_visible():
        open_the_menu(tablet)
    go(tablet, tablet.get_by_test_id("navigation").get_by_role("link", name="外来人员登记"))
    form = tablet.get_by_test_id("sign-in-visitor")
    form.wait_for()
    assert_fits_the_screen(tablet)
    on_campus = tablet.get_by_test_id("on-campus")
    before = on_campus.locator("li").filter(has_text="浏览器访客").count()

    # A mistyped ID number is refused beside the field; corrected, the visitor is signed in.
    form.get_by_label("姓名").fill("浏览器访客")
    form.get_by_label("身份证号").fill("110105194912310021")
    form.get_by_label("联系电话").fill("13800138000")
    form.get_by_label("单位").fill("市自来水公司")
    form.get_by_label("来访事由").fill("检修水管")
    form.get_by_label("被访人（确认人）").fill("李老师")
    form.get_by_label("车牌号").fill("沪A12345")
    go(tablet, form.get_by_role("button", name="登记进校"))
    assert "身份证号无效" in tablet.get_by_test_id("sign-in-visitor").inner_text()
    tablet.get_by_test_id("sign-in-visitor").get_by_label("身份证号").fill(ID_NUMBER)
    go(tablet, tablet.get_by_test_id("sign-in-visitor").get_by_role("button", name="登记进校"))
    assert message(tablet) == "浏览器访客 已登记进校。"
    row = tablet.get_by_test_id("on-campus").locator("li").filter(has_text="浏览器访客")
    assert row.count() == before + 1
    assert "**************002X" in row.inner_text() and ID_NUMBER not in tablet.content()
    assert_fits_the_screen(tablet)
    tablet.screenshot(path=str(results_directory / "tablet-visitors-on-campus.png"), full_page=True)

    # One tap signs them out; the on-campus list no longer has them.
    go(tablet, row.get_by_role("button", name="离校"))
    assert message(tablet) == "浏览器访客 已离校。"
    assert tablet.get_by_test_id("on-campus").locator("li").filter(has_text="浏览器访客").count() == before
    tablet.screenshot(path=str(results_directory / "tablet-visitors-signed-out.png"), full_page=True)
    with schema_context(school.schema_name):
        visitor = Visitor.objects.filter(name="浏览器访客").latest("pk")
        assert visitor.left_at is not None and visitor.signed_out_by_id == guard.pk
    # The day's list has them, in and out.
    tablet.goto(f"{live_server.url}/s/{school.code}/safety/visitors/log/")
    assert "浏览器访客" in tablet.content()


def test_the_school_names_who_does_the_patrol_and_adds_its_own_item_on_a_phone(
    live_server, live_world, device, results_directory
):
    school = live_world.school_a
    admin = make_user(Role.BUREAU_ADMIN, district=live_world.district)
    patrol_template(live_world.district, admin)
    head = make_user(Role.PRINCIPAL, school=school, name="陈校长")
    officer = make_user(Role.SAFETY_OFFICER, school=school, name="安全专干小赵")
    base = f"{live_server.url}/s/{school.code}/safety"

    # The principal adds the school's own item after the district's, which stay as they are.
    phone = device(PHONE)
    log_in(phone, live_server.url, head.username)
    phone.goto(f"{base}/inspections/")
    go(phone, phone.get_by_role("link", name="检查模板与负责人"))
    assert_fits_the_screen(phone)
    go(phone, phone.get_by_test_id("district-templates").get_by_role("link", name="每日安全巡查"))
    assert "本校不能修改" in phone.get_by_test_id("district-owned").inner_text()
    adding = phone.get_by_test_id("add-local-item")
    adding.get_by_label("检查内容").fill("校门口减速带完好")
    go(phone, adding.get_by_role("button", name="添加"))
    assert message(phone) == "已添加检查项，下一次检查起使用。"
    assert "校门口减速带完好" in phone.get_by_test_id("local-items").inner_text()
    assert_fits_the_screen(phone)
    phone.screenshot(path=str(results_directory / "phone-safety-school-items.png"), full_page=True)

    # ... and names the safety officer responsible for the daily patrol.
    phone.goto(f"{base}/responsibilities/")
    assert_fits_the_screen(phone)
    row = phone.get_by_test_id("responsibility").filter(has_text="每日安全巡查")
    row.get_by_role("combobox").select_option(label="安全专干小赵")
    go(phone, row.get_by_role("button", name="保存"))
    assert message(phone) == "已保存负责人。"
    phone.screenshot(path=str(results_directory / "phone-safety-responsibilities.png"), full_page=True)

    # The officer's inspections page says the patrol is theirs, and it asks the school's item last.
    officer_phone = device(PHONE)
    log_in(officer_phone, live_server.url, officer.username)
    officer_phone.goto(f"{base}/inspections/")
    mine = officer_phone.get_by_test_id("requirement").filter(has_text="每日安全巡查")
    if mine.count():  # on a school day, or after a missed one (not in a long holiday)
        assert "由您负责" in mine.inner_text()
    officer_phone.get_by_label("检查模板").select_option(label="每日安全巡查（每个上学日）")
    go(officer_phone, officer_phone.get_by_role("button", name="开始检查"))
    texts = officer_phone.get_by_test_id("item").all_inner_texts()
    assert len(texts) == 3 and "校门口减速带完好" in texts[-1]
