from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context
from PIL import Image

from eduplatform.accounts.roles import Role
from eduplatform.checklists.actions import add_item, create_template, publish_version
from eduplatform.checklists.models import Frequency, ItemKind, Severity, TemplateCategory
from tests.world import make_user


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def photo_upload(name: str = "photo.jpg", color: str = "red", size=(64, 48)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def clean(upload=None):
    from eduplatform.safety.photos import clean_photo

    return clean_photo(upload or photo_upload())


@pytest.fixture
def bureau_admin(world):
    return make_user(Role.BUREAU_ADMIN, district=world.district)


@pytest.fixture
def safety_officer(school_a):
    return make_user(Role.SAFETY_OFFICER, school=school_a)


@pytest.fixture
def principal(school_a):
    return make_user(Role.PRINCIPAL, school=school_a)


@pytest.fixture
def staff_a(school_a):
    return make_user(Role.STAFF, school=school_a)


def make_template(
    district, actor, *, name="每日巡查（测试）", frequency=Frequency.SCHOOL_DAY, items=None, **fields
):
    """A published template; items default to a pass/fail item, a number and a signature-free text."""
    template = create_template(
        district=district,
        actor=actor,
        name=name,
        category=fields.pop("category", TemplateCategory.DAILY_PATROL),
        frequency=frequency,
        school_kinds=fields.pop("school_kinds", []),
        times_per_term=fields.pop("times_per_term", 1),
    )
    version = template.versions.get()
    for definition in items or [
        {"text": "安全出口畅通", "kind": ItemKind.PASS_FAIL, "severity_on_failure": Severity.MAJOR},
        {"text": "灭火器压力", "kind": ItemKind.NUMBER, "unit": "MPa", "minimum": 0, "maximum": 2.5,
         "opens_hazard": False},
        {"text": "备注", "kind": ItemKind.TEXT, "is_required": False, "opens_hazard": False},
    ]:  # fmt: skip
        add_item(version=version, actor=actor, **definition)
    publish_version(version=version, actor=actor)
    template.refresh_from_db()
    return template


@pytest.fixture
def patrol_template(world, bureau_admin):
    return make_template(world.district, bureau_admin)


@pytest.fixture
def in_school_a(school_a):
    with schema_context(school_a.schema_name):
        yield school_a
