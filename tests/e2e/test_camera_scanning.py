"""Counting by camera: a phone's camera sees a card's QR label and the card is counted.

Chromium is given a fake camera that shows a printed label (a Y4M video made here from the
same QR code the label sheet prints), so the whole path runs as on a phone: the camera
permission, getUserMedia, jsQR decoding frames, and the htmx submit of the scanned URL.
What this cannot show is a real phone's camera focus and light; that is tried by hand.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
import segno
from django.utils import timezone
from django_tenants.utils import schema_context
from PIL import Image

from eduplatform.accounts.roles import Role
from eduplatform.assets import actions
from tests.e2e.conftest import BROWSER_DATABASE, CHROMIUM, CHROMIUM_ARGS, PHONE
from tests.e2e.test_shell_in_browser import log_in
from tests.world import make_user

pytestmark = [pytest.mark.browser, BROWSER_DATABASE]

WIDTH, HEIGHT = 640, 480


def label_video(content: str, path) -> None:
    """A few frames of a camera looking at a QR label: YUV 4:2:0, as Chromium's fake camera reads."""
    png = BytesIO()
    segno.make(content, error="m", micro=False).save(png, kind="png", scale=6, border=4)
    code = Image.open(png).convert("L")
    frame = Image.new("L", (WIDTH, HEIGHT), 200)  # a grey desk around a white label
    frame.paste(code, ((WIDTH - code.width) // 2, (HEIGHT - code.height) // 2))
    luma = frame.tobytes()
    # A grey picture has no colour: both chroma planes sit at the middle value.
    chroma = bytes([128]) * ((WIDTH // 2) * (HEIGHT // 2))
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _frame in range(10):
            video.write(b"FRAME\n" + luma + chroma + chroma)


@pytest.fixture
def camera_phone(browser, tmp_path, live_server, live_world):
    """A phone whose camera shows the label of card CAM-0001 of school A."""
    school = live_world.school_a
    video = tmp_path / "label.y4m"
    label_video(f"{live_server.url}/s/{school.code}/assets/n/CAM-0001/", video)
    camera_browser = browser.browser_type.launch(
        executable_path=str(CHROMIUM),
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    context = camera_browser.new_context(
        viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", permissions=["camera"]
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()
    camera_browser.close()


def test_the_camera_counts_a_card_from_its_printed_label(live_server, live_world, camera_phone):
    school = live_world.school_a
    keeper = make_user(Role.ASSET_KEEPER, school=school, name="陈老师")
    director = make_user(Role.LOGISTICS_DIRECTOR, school=school, name="刘主任")
    principal = make_user(Role.PRINCIPAL, school=school, name="张校长")
    with schema_context(school.schema_name):
        for number, name in (("CAM-0001", "多媒体投影仪"), ("CAM-0002", "实物展台")):
            actions.register_asset(
                details=actions.AssetDetails(
                    name=name,
                    classification_code="2000000",
                    unit_price=Decimal("1680.00"),
                    acquisition_date=date(2023, 9, 1),
                ),
                handler=keeper,
                acceptor=director,
                approver=principal,
                number=number,
                actor=keeper,
            )
        stocktake = actions.open_stocktake(
            name="扫码盘点", scope="school", reference_date=timezone.localdate(), actor=keeper
        )

    phone = camera_phone
    log_in(phone, live_server.url, keeper.username)
    phone.goto(f"{live_server.url}/s/{school.code}/assets/stocktakes/{stocktake.pk}/count/")
    assert phone.get_by_test_id("count-item").count() == 2
    phone.get_by_role("button", name="扫码").click()
    # The label in front of the camera is read and counted: one card left to find.
    phone.wait_for_function("document.querySelectorAll('[data-testid=count-item]').length === 1")
    assert "已清点 1 / 2" in phone.get_by_test_id("count-progress").inner_text()
    assert "CAM-0002" in phone.get_by_test_id("count-item").inner_text()
    assert phone.locator("[data-scan-error]").is_hidden()
