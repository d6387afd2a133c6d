from __future__ import annotations

import base64
import io
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from PIL import Image

from eduplatform.accounts.roles import Role
from eduplatform.checklists import library
from eduplatform.safety.actions import add_inspection_photo, sign_item, submit_inspection
from eduplatform.safety.identity import id_check_character
from eduplatform.safety.photos import clean_signature
from eduplatform.vehicles import actions
from tests.safety.conftest import clean
from tests.world import make_user


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def safety_officer(school_a):
    return make_user(Role.SAFETY_OFFICER, school=school_a)


@pytest.fixture
def principal(school_a):
    return make_user(Role.PRINCIPAL, school=school_a)


@pytest.fixture
def escort(school_a):
    """A teacher of school A, named escort (照管员) on trips."""
    return make_user(Role.STAFF, school=school_a, name="王照管")


@pytest.fixture
def other_teacher(school_a):
    return make_user(Role.STAFF, school=school_a)


@pytest.fixture
def in_school_a(school_a):
    with schema_context(school_a.schema_name):
        yield school_a


@pytest.fixture
def vehicle_template(world):
    """The seeded library's school-vehicle pre-departure check, published for A's district."""
    only_vehicles = [entry for entry in library.LIBRARY if entry["key"] == "vehicle-pre-departure"]
    original = library.LIBRARY
    library.LIBRARY = only_vehicles
    try:
        library.seed_library(world.district)
    finally:
        library.LIBRARY = original
    return world.district.checklist_templates.get(library_key="vehicle-pre-departure")


def today() -> date:
    return timezone.localdate()


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return date(day.year - years, 2, 28)


def id_number(born: date, sequence: str = "123") -> str:
    """A valid resident ID number (GB 11643) of someone born on `born`."""
    first17 = f"110105{born:%Y%m%d}{sequence}"
    return first17 + id_check_character(first17)


def at(day: date, hour: int = 7, minute: int = 30) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def signature() -> str:
    buffer = io.BytesIO()
    Image.new("RGBA", (200, 80), (0, 0, 0, 255)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def make_vehicle(actor, **fields):
    values = {
        "plate": "沪A12345", "kind": "school_bus", "seats": 19, "make_model": "宇通 ZK6609DX",
        "last_inspected_on": today() - timedelta(days=30), "insurance_expires_on": today() + timedelta(days=200),
        "operator": "", "actor": actor,
    }  # fmt: skip
    values.update(fields)
    return actions.register_vehicle(**values)


def make_driver(actor, *, born: date | None = None, sequence: str = "123", **fields):
    born = born or years_before(today(), 40)
    values = {
        "name": "李师傅", "phone": "13800138000", "id_number": id_number(born, sequence),
        "licence_number": "310101198001011234", "licence_class": "B1",
        "licence_expires_on": today() + timedelta(days=400), "actor": actor,
    }  # fmt: skip
    values.update(fields)
    return actions.register_driver(**values)


def submit_check(vehicle, actor, *, failing=()):
    """Run the pre-departure check: every pass/fail item passes except those whose text
    contains one of `failing` (with a photo), and the driver signs."""
    check = actions.start_vehicle_check(vehicle=vehicle, actor=actor)
    answers = {}
    for item in check.inspection.items.all():
        if item.kind == "signature":
            sign_item(item=item, image=clean_signature(signature()), actor=actor)
        elif item.kind == "pass_fail":
            fails = any(text in item.text for text in failing)
            answers[item.pk] = {"result": "fail" if fails else "pass"}
            if fails:
                add_inspection_photo(item=item, image=clean(), actor=actor)
    submit_inspection(inspection=check.inspection, answers=answers, actor=actor)
    return check


def plan(vehicle, driver, escort, actor, *, day: date | None = None, **fields):
    values = {"vehicle": vehicle, "driver": driver, "escort": escort, "route": "放学线路一（学校—新村）",
              "planned_departure_at": at(day or today()), "actor": actor}  # fmt: skip
    values.update(fields)
    return actions.plan_trip(**values)


@pytest.fixture
def ready(in_school_a, safety_officer, escort, vehicle_template):
    """A vehicle with today's passing check, a driver, and a trip planned for today."""
    vehicle = make_vehicle(safety_officer)
    driver = make_driver(safety_officer)
    submit_check(vehicle, safety_officer)
    trip = plan(vehicle, driver, escort, safety_officer)
    return {"vehicle": vehicle, "driver": driver, "trip": trip}
