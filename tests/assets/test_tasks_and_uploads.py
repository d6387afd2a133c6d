"""Reminders sent by the daily task, and what uploads are let in."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from eduplatform.assets import actions
from eduplatform.assets.attachments import checked_signature, checked_upload
from eduplatform.assets.tasks import (
    notify_low_stock,
    remind_overdue_borrowings,
    remind_overdue_borrowings_all_schools,
)
from eduplatform.notifications.models import Notification


def test_overdue_borrowings_are_reminded_once_a_day_to_borrower_and_keepers(projector, people, in_school):
    with time_machine.travel("2026-11-02 09:00 +0800", tick=False):
        actions.borrow_asset(
            projector, borrower=people.teacher, due_date=date(2026, 11, 4), actor=people.keeper
        )
        assert remind_overdue_borrowings() == 0
    with time_machine.travel("2026-11-06 07:30 +0800", tick=False):
        told = remind_overdue_borrowings()
        assert told == 3  # the borrower, the keeper and the logistics director
        assert remind_overdue_borrowings() == 0  # a second run tells nobody again
        reminder = Notification.objects.get(user=people.teacher)
        assert reminder.title.startswith("借用逾期 2 天") and reminder.url.endswith(
            f"/assets/{projector.pk}/"
        )
    with time_machine.travel("2026-11-07 07:30 +0800", tick=False):
        assert remind_overdue_borrowings() == 3  # the next day, once more


def test_the_beat_task_fans_out_to_every_school(world, monkeypatch):
    sent = []
    monkeypatch.setattr(
        remind_overdue_borrowings, "apply_async", lambda **kwargs: sent.append(kwargs["headers"])
    )
    assert remind_overdue_borrowings_all_schools() >= 3
    assert {"_schema_name": world.school_a.schema_name} in sent


def test_low_stock_tells_the_keepers(people, places, in_school, django_capture_on_commit_callbacks):
    toner = actions.create_consumable(name="硒鼓", low_stock_threshold=2, actor=people.keeper)
    actions.stock_in(toner, quantity=3, actor=people.keeper)
    with django_capture_on_commit_callbacks() as callbacks:
        actions.stock_out(
            toner, quantity=1, department=places.teaching, requester=people.teacher, approver=people.director,
            actor=people.keeper,
        )  # fmt: skip
    assert len(callbacks) == 1  # the task is enqueued when the stock-out commits
    assert notify_low_stock(toner.pk) == 2
    assert Notification.objects.filter(kind="assets.low_stock", user=people.keeper).exists()


def _image(kind: str = "JPEG", size=(800, 600), **save) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, "blue").save(output, format=kind, **save)
    return output.getvalue()


def test_a_photo_loses_its_metadata_and_is_reencoded():
    exif = Image.Exif()
    exif[0x010F] = "SecretPhone"  # camera maker
    exif[0x8825] = {1: "N"}  # GPS
    checked = checked_upload(SimpleUploadedFile("p.jpg", _image(exif=exif.tobytes())))
    assert checked.content_type == "image/jpeg"
    assert b"SecretPhone" not in checked.content
    assert not Image.open(io.BytesIO(checked.content)).getexif()


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"GIF89a not really", "not_an_image"),
        (b"<svg onload=alert(1)>", "not_an_image"),
        (b"", "empty_file"),
    ],
)
def test_only_real_images_or_pdfs_are_let_in(content, code):
    with pytest.raises(ValidationError) as raised:
        checked_upload(SimpleUploadedFile("photo.jpg", content))
    assert raised.value.error_dict["file"][0].code == code


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG header declaring a huge canvas, with almost no data: a decompression bomb's shape."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0"))
        + chunk(b"IEND", b"")
    )


def test_a_picture_with_too_many_pixels_is_refused():
    content = _png_claiming(8_000, 6_000)  # 48 megapixels: over our 40, under Pillow's own alarm
    assert len(content) < 100
    with pytest.raises(ValidationError) as raised:
        checked_upload(SimpleUploadedFile("big.png", content))
    assert raised.value.error_dict["file"][0].code == "too_many_pixels"


def test_a_pdf_is_kept_as_a_document():
    checked = checked_upload(SimpleUploadedFile("发票.pdf", b"%PDF-1.7\n%minimal\n"))
    assert (checked.kind, checked.content_type, checked.extension) == ("document", "application/pdf", "pdf")


def test_a_signature_must_be_drawn():
    blank = io.BytesIO()
    Image.new("RGBA", (200, 80), (0, 0, 0, 0)).save(blank, format="PNG")
    import base64

    with pytest.raises(ValidationError) as raised:
        checked_signature("data:image/png;base64," + base64.b64encode(blank.getvalue()).decode())
    assert raised.value.error_dict["signature"][0].code == "signature_required"
    with pytest.raises(ValidationError):
        checked_signature("data:image/png;base64,bm90IGFuIGltYWdl")
    with pytest.raises(ValidationError):
        checked_signature("javascript:alert(1)")
