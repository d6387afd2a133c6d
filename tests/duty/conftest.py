"""People and shifts of school A for the duty tests."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import schema_context
from PIL import Image

from eduplatform.accounts.roles import Role
from eduplatform.duty.actions import create_shift
from tenants.routing import school_reverse
from tests.world import make_user


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def officer(school_a):
    """Safety officer of school A: manages the roster (safety.record)."""
    return make_user(Role.SAFETY_OFFICER, school=school_a, phone="13900000001")


@pytest.fixture
def teacher(school_a):
    return make_user(Role.STAFF, school=school_a, name="王老师", phone="13900000002")


@pytest.fixture
def colleague(school_a):
    return make_user(Role.STAFF, school=school_a, name="李老师", phone="13900000003")


@pytest.fixture
def bystander(school_a):
    """A teacher of school A on no shift: sees the roster, not the logs."""
    return make_user(Role.STAFF, school=school_a, name="赵老师")


@pytest.fixture
def in_school_a(school_a):
    with schema_context(school_a.schema_name):
        yield school_a


def hours(count: float) -> timedelta:
    return timedelta(hours=count)


def make_shift(actor, leader, *members, start=-2, length=8, kind="night", **fields):
    """A shift starting `start` hours from now, `length` hours long (call in school A's schema)."""
    starts_at = timezone.now().replace(microsecond=0) + hours(start)
    return create_shift(
        kind=kind, starts_at=starts_at, ends_at=starts_at + hours(length), leader=leader, members=members,
        actor=actor, **fields,
    )  # fmt: skip


def photo_upload(name: str = "photo.jpg", color: str = "red") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def clean(upload=None):
    from eduplatform.safety.photos import clean_photo

    return clean_photo(upload or photo_upload())


def page(school, name, **kwargs):
    return school_reverse(school, f"frontend:duty:{name}", **kwargs)


def api(school, name, **kwargs):
    return school_reverse(school, f"school-api:{name}", **kwargs)


def local_input(moment) -> str:
    """A datetime as a datetime-local input sends it."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")
