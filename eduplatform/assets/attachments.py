"""Checking what people upload: photos, documents and drawn signatures.

A photo is judged by its content, never by its name or the browser's word: Pillow must
recognise it as JPEG, PNG or WebP, within size and pixel limits (a decompression bomb
declares a huge canvas in a small file); it is then re-encoded, which drops EXIF (GPS
positions, device serials) and anything hidden after the image data. A document must be
a PDF by its signature. A signature is a small PNG drawn on a phone, sent as a data URL.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000  # a 48-megapixel phone photo is refused; 40 MP covers the rest
STORED_PHOTO_EDGE = 2048  # longest edge kept: enough to read a label, small on a phone
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_SIGNATURE_BYTES = 300 * 1024
MAX_SIGNATURE_PIXELS = 2_000_000
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}

_DATA_URL = re.compile(r"^data:image/png;base64,([A-Za-z0-9+/=\s]+)$")


def _refuse(message: str, code: str, field_name: str = "file") -> ValidationError:
    return ValidationError({field_name: [ValidationError(message, code=code)]})


@dataclass(frozen=True)
class CheckedUpload:
    kind: str  # "photo" or "document"
    name: str
    content_type: str
    content: bytes
    extension: str

    @property
    def storage_name(self) -> str:
        # Never the uploader's name on disk: it may hold anything.
        return f"{uuid.uuid4().hex}.{self.extension}"

    def as_file(self) -> ContentFile:
        return ContentFile(self.content)


def _read(upload, limit: int) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _refuse(_("文件超过 %(size)s MB。") % {"size": limit // (1024 * 1024)}, "file_too_large")
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise _refuse(_("文件超过 %(size)s MB。") % {"size": limit // (1024 * 1024)}, "file_too_large")
    if not content:
        raise _refuse(_("文件是空的。"), "empty_file")
    return content


def _open_image(content: bytes, max_pixels: int) -> Image.Image:
    try:
        with Image.open(io.BytesIO(content)) as probe:
            image_format = probe.format
            width, height = probe.size
            if width * height > max_pixels:
                raise _refuse(
                    _("图片像素过多（超过 %(limit)s 万像素）。") % {"limit": max_pixels // 10_000},
                    "too_many_pixels",
                )
            probe.verify()
        image = Image.open(io.BytesIO(content))
        image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _refuse(_("这不是可识别的图片，请上传 JPG 或 PNG 照片。"), "not_an_image") from None
    if image_format not in PHOTO_FORMATS:
        raise _refuse(_("这不是可识别的图片，请上传 JPG 或 PNG 照片。"), "not_an_image")
    return image


def checked_photo(content: bytes, name: str) -> CheckedUpload:
    image = _open_image(content, MAX_PHOTO_PIXELS)
    # Turn the picture the way the phone held it, then forget the phone's metadata.
    image = ImageOps.exif_transpose(image)
    image.thumbnail((STORED_PHOTO_EDGE, STORED_PHOTO_EDGE))
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=85, optimize=True)
    return CheckedUpload("photo", name, "image/jpeg", output.getvalue(), "jpg")


def checked_upload(upload) -> CheckedUpload:
    name = (getattr(upload, "name", "") or "file")[-200:]
    content = _read(upload, max(MAX_PHOTO_BYTES, MAX_DOCUMENT_BYTES))
    if content.startswith(b"%PDF-"):
        if len(content) > MAX_DOCUMENT_BYTES:
            raise _refuse(
                _("文件超过 %(size)s MB。") % {"size": MAX_DOCUMENT_BYTES // (1024 * 1024)}, "file_too_large"
            )
        return CheckedUpload("document", name, "application/pdf", content, "pdf")
    if len(content) > MAX_PHOTO_BYTES:
        raise _refuse(
            _("照片超过 %(size)s MB。") % {"size": MAX_PHOTO_BYTES // (1024 * 1024)}, "file_too_large"
        )
    return checked_photo(content, name)


def checked_signature(data_url: str) -> str:
    """A drawn signature as a re-encoded PNG data URL, or a refusal."""
    match = _DATA_URL.match((data_url or "").strip())
    if not match:
        raise _refuse(_("请在签名框中签名。"), "signature_required", "signature")
    try:
        content = base64.b64decode(re.sub(r"\s", "", match.group(1)), validate=True)
    except (binascii.Error, ValueError):
        raise _refuse(_("签名数据无效，请重新签名。"), "invalid_signature", "signature") from None
    if len(content) > MAX_SIGNATURE_BYTES:
        raise _refuse(_("签名图片过大，请重新签名。"), "invalid_signature", "signature")
    try:
        image = _open_image(content, MAX_SIGNATURE_PIXELS)
    except ValidationError:
        raise _refuse(_("签名数据无效，请重新签名。"), "invalid_signature", "signature") from None
    image = image.convert("LA")
    # An empty pad gives a fully transparent (or blank) picture: no signature.
    alpha = image.getchannel("A")
    if alpha.getbbox() is None:
        raise _refuse(_("请在签名框中签名。"), "signature_required", "signature")
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(output.getvalue()).decode()
