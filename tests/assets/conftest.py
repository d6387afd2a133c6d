"""People, places and cards of school A for the assets tests.

Every fixture here runs with the connection in school A's schema (`in_school`), as a
request under /s/<code>/ would; conftest's autouse fixture returns to public afterwards.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from PIL import Image, ImageDraw

from eduplatform.accounts.models import User
from eduplatform.accounts.roles import Role
from eduplatform.assets import actions
from eduplatform.assets.models import Asset, Location, SchoolClass
from eduplatform.organisation.models import Department
from tests.world import make_user

# Shipped with the platform (GB/T 14885-2010 top categories): no test invents a code.
GENERAL_EQUIPMENT = "2000000"  # 通用设备: fixed asset from 1,000 CNY, 6 years
SPECIAL_EQUIPMENT = "3000000"  # 专用设备: fixed asset from 1,500 CNY, 10 years
FURNITURE = "6000000"  # 家具、用具、装具及动植物: 15 years


@dataclass
class People:
    keeper: User  # 校产管理员
    director: User  # 总务主任 (may approve)
    principal: User  # 校长 (may approve)
    teacher: User  # 教职工/班主任
    other_teacher: User


@dataclass
class Places:
    storeroom: Location
    classroom: Location
    lab: Location
    logistics: Department
    teaching: Department


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 costs ~0.7 s per password here; these tests make several people each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def in_school(school_a):
    connection.set_tenant(school_a)
    return school_a


class SchoolClient(Client):
    """A client signed in as one person. The routing middleware leaves the connection in
    the public schema after each request; this one puts it back in the school's, so that a
    test can go on calling the domain between requests."""

    def __init__(self, school, user=None, **defaults) -> None:
        super().__init__(**defaults)
        self.school = school
        if user is not None:
            self.force_login(user)
        connection.set_tenant(school)

    def request(self, **request):
        try:
            return super().request(**request)
        finally:
            connection.set_tenant(self.school)


@pytest.fixture
def client_for(in_school):
    return lambda user=None, **defaults: SchoolClient(in_school, user, **defaults)


@pytest.fixture
def people(in_school) -> People:
    return People(
        keeper=make_user(Role.ASSET_KEEPER, school=in_school, name="陈老师"),
        director=make_user(Role.LOGISTICS_DIRECTOR, school=in_school, name="刘主任"),
        principal=make_user(Role.PRINCIPAL, school=in_school, name="张校长"),
        teacher=make_user(Role.STAFF, school=in_school, name="周老师"),
        other_teacher=make_user(Role.STAFF, school=in_school, name="吴老师"),
    )


@pytest.fixture
def places(in_school, people) -> Places:
    return Places(
        storeroom=actions.create_location(building="行政楼", floor="1层", room="器材室", actor=people.keeper),
        classroom=actions.create_location(building="教学楼", floor="3层", room="301", actor=people.keeper),
        lab=actions.create_location(building="实验楼", floor="2层", room="物理实验室", actor=people.keeper),
        logistics=Department.objects.get(name="总务处"),
        teaching=Department.objects.get(name="教导处"),
    )


@pytest.fixture
def school_class(in_school, people) -> SchoolClass:
    return actions.create_school_class(
        name="三年级2班", grade=3, number=2, class_teacher=people.teacher, actor=people.director
    )


def details(**overrides) -> actions.AssetDetails:
    values = {
        "name": "多媒体投影仪",
        "classification_code": GENERAL_EQUIPMENT,
        "unit_price": Decimal("4580.00"),
        "acquisition_date": date(2023, 9, 1),
        "specification": "EB-X51",
        "brand": "爱普生",
        "funding": "fiscal",
        "procurement_form": "government",
        "voucher_number": "记-2023-0901",
    }
    values.update(overrides)
    return actions.AssetDetails(**values)


@pytest.fixture
def register(people, places):
    """Register a card accepted by keeper (handler), director (acceptor) and principal (approver)."""

    def make(**overrides) -> Asset:
        state = {
            key: overrides.pop(key)
            for key in (
                "location",
                "using_department",
                "custodian",
                "custodian_name",
                "school_class",
                "number",
            )
            if key in overrides
        }
        state.setdefault("location", places.storeroom)
        state.setdefault("using_department", places.logistics)
        return actions.register_asset(
            details=details(**overrides),
            handler=people.keeper,
            acceptor=people.director,
            approver=people.principal,
            actor=people.keeper,
            **state,
        )

    return make


@pytest.fixture
def projector(register) -> Asset:
    return register()


def drawn_signature() -> str:
    """A class teacher's signature as the signature pad sends it: a PNG data URL."""
    image = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(20, 80), (120, 30), (250, 90)], fill=(0, 0, 0, 255), width=4)
    output = io.BytesIO()
    image.save(output, format="PNG")
    return "data:image/png;base64," + base64.b64encode(output.getvalue()).decode()
