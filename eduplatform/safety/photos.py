"""Photos and signatures from phones: checked by their content, re-encoded, stripped.

A file is judged by what Pillow reads in it, never by its name or declared type. It is
re-encoded, which drops EXIF (GPS position, device), turned upright first, and scaled
down to a size that is plenty to see a cracked wall on a screen.
"""

from __future__ import annotations

import base64
import binascii
import io
import uuid

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from eduplatform.checklists.refusals import refusal

MAX_UPLOAD_BYTES = 12 * 1024 * 1024
MAX_PIXELS = 50_000_000
MAX_EDGE = 2048
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO"}


def _read(upload) -> bytes:
    if hasattr(upload, "size") and upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        return b""
    if hasattr(upload, "seek"):
        upload.seek(0)
    return upload.read(MAX_UPLOAD_BYTES + 1)


def _open(data: bytes, field: str) -> Image.Image:
    if not data or len(data) > MAX_UPLOAD_BYTES:
        raise refusal(field, _("照片不能超过 12 MB。"), "photo_too_large")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise refusal(field, _("请上传 JPEG、PNG 或 WebP 格式的照片。"), "photo_format")
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise refusal(field, _("照片像素过大，请压缩后再上传。"), "photo_too_many_pixels")
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise refusal(field, _("无法识别该文件，请上传照片。"), "photo_invalid") from None
    return image


def clean_photo(upload, *, field: str = "photo") -> ContentFile:
    """A JPEG copy of an uploaded photo, upright, at most MAX_EDGE pixels, without metadata."""
    image = _open(_read(upload), field)
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        converted = image.convert("RGBA")
        background.paste(converted, mask=converted.getchannel("A"))
        image = background
    image.thumbnail((MAX_EDGE, MAX_EDGE))
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=85, optimize=True)
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def clean_signature(data_url: str, *, field: str = "signature") -> ContentFile:
    """A PNG from a signature pad's data URL ("data:image/png;base64,...")."""
    header, _comma, payload = (data_url or "").partition(",")
    if not header.startswith("data:image/") or not payload:
        raise refusal(field, _("请签名。"), "signature_required")
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise refusal(field, _("签名数据无效，请重新签名。"), "signature_invalid") from None
    image = _open(data, field)
    image.thumbnail((1200, 600))
    if image.mode not in ("RGBA", "LA", "L", "RGB"):
        image = image.convert("RGBA")
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.png")
