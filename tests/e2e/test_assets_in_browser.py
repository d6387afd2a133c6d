"""An asset keeper's first day, on a 360 px phone: import last year's ledger from Excel,
print its QR labels, and run a small stocktake by ticking items.

The import runs as a Celery task on a real worker (started here, on the test Redis), and
the page follows its progress with htmx. Screenshots go to test-results/.
"""

from __future__ import annotations

import pytest
from celery.contrib.testing.worker import start_worker
from openpyxl import Workbook

from eduplatform.accounts.roles import Role
from eduplatform.celery import app
from tests.e2e.conftest import BROWSER_DATABASE
from tests.e2e.test_shell_in_browser import assert_fits_the_screen, log_in
from tests.world import make_user

pytestmark = [pytest.mark.browser, BROWSER_DATABASE]

LEDGER = [
    ["资产编号", "资产名称", "分类代码", "数量", "单价", "取得日期", "存放地点", "使用部门", "经费来源"],
    ["E2E-0001", "多媒体投影仪", "2000000", 1, 4580, "2022/9/1", "教学楼 3层 E2E301", "教导处", "财政拨款"],
    [
        "E2E-0002",
        "实物展台",
        "2000000",
        1,
        "1,680.00",
        "2022年9月1日",
        "教学楼 3层 E2E301",
        "教导处",
        "财政拨款",
    ],
    ["E2E-0003", "学生课桌椅", "6000000", 45, 260, "2021.9.1", "教学楼 3层 E2E301", "", "财政拨款"],
]


@pytest.fixture
def worker(live_world):
    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING"
    ) as running:
        yield running


def ledger_file(tmp_path):
    workbook = Workbook()
    for row in LEDGER:
        workbook.active.append(row)
    path = tmp_path / "去年台账.xlsx"
    workbook.save(path)
    return path


def test_import_print_labels_and_count_on_a_phone(
    live_server, live_world, worker, phone, results_directory, tmp_path
):
    school = live_world.school_a
    director = make_user(Role.LOGISTICS_DIRECTOR, school=school, name="刘主任")
    base = f"{live_server.url}/s/{school.code}/assets"
    log_in(phone, live_server.url, director.username)

    # Import: upload, the whole sheet is checked in the background, then confirm.
    phone.goto(f"{base}/import/")
    assert_fits_the_screen(phone)
    phone.get_by_label("文件").set_input_files(str(ledger_file(tmp_path)))
    phone.get_by_role("button", name="上传并检查").click()
    phone.get_by_test_id("import-preview").wait_for(timeout=30_000)
    assert "共 3 项资产" in phone.get_by_test_id("import-preview").inner_text()
    assert_fits_the_screen(phone)
    phone.screenshot(path=str(results_directory / "phone-assets-import-preview.png"), full_page=True)
    phone.get_by_test_id("confirm-import").click()
    phone.get_by_test_id("import-done").wait_for(timeout=30_000)
    assert "已导入 3 项资产" in phone.get_by_test_id("import-done").inner_text()

    # The ledger, searched by a Chinese substring, then every card's label on an A4 sheet.
    phone.goto(f"{base}/")
    assert phone.get_by_test_id("ledger-row").count() == 3
    assert_fits_the_screen(phone)
    phone.get_by_label("搜索").fill("投影")
    phone.wait_for_function("document.querySelectorAll('[data-testid=ledger-row]').length === 1")
    phone.get_by_label("搜索").fill("")
    phone.wait_for_function("document.querySelectorAll('[data-testid=ledger-row]').length === 3")
    phone.screenshot(path=str(results_directory / "phone-assets-ledger.png"), full_page=True)
    phone.get_by_label("全选本页").check()
    with phone.context.expect_page() as opened:
        phone.get_by_test_id("print-labels").click()
    labels = opened.value
    labels.wait_for_load_state()
    assert labels.get_by_test_id("label").count() == 3
    assert labels.locator("[data-testid=label] svg").count() == 3
    assert "E2E-0001" in labels.content() and school.name in labels.content()
    assert_fits_the_screen(labels)
    labels.screenshot(path=str(results_directory / "phone-assets-labels.png"), full_page=True)
    labels.close()

    # A small stocktake: open it, tick two items found and one missing, close it.
    phone.goto(f"{base}/stocktakes/")
    phone.get_by_label("盘点名称").fill("E2E 期末盘点")
    phone.get_by_test_id("open-stocktake").get_by_role("button", name="开始盘点").click()
    phone.get_by_test_id("start-counting").click()
    assert phone.get_by_test_id("count-item").count() == 3
    assert_fits_the_screen(phone)
    phone.get_by_role("button", name="E2E-0001 在").click()
    phone.wait_for_function("document.querySelectorAll('[data-testid=count-item]').length === 2")
    phone.get_by_role("button", name="E2E-0003 在").click()
    phone.wait_for_function("document.querySelectorAll('[data-testid=count-item]').length === 1")
    phone.get_by_role("button", name="E2E-0002 未找到").click()
    phone.get_by_text("这里的资产都已清点").wait_for()
    assert "已清点 3 / 3" in phone.get_by_test_id("count-progress").inner_text()
    phone.screenshot(path=str(results_directory / "phone-assets-count.png"), full_page=True)

    phone.goto(phone.url.replace("/count/", "/"))
    assert phone.get_by_test_id("match-rate").inner_text() == "66.67%"
    assert_fits_the_screen(phone)
    phone.get_by_test_id("close-stocktake").click()
    assert phone.get_by_test_id("stocktake-status").inner_text() == "已结束"
    with phone.expect_download() as download:
        phone.get_by_test_id("export-stocktake").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    phone.screenshot(path=str(results_directory / "phone-assets-stocktake.png"), full_page=True)
