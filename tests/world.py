"""The districts, schools and people every test can use.

Schools are provisioned once per test run (the template schema is migrated once, every
school after it is a clone). People are made per test, inside the test's transaction.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django_tenants.utils import schema_exists

from eduplatform.accounts.models import Membership, User
from eduplatform.accounts.roles import Role
from eduplatform.classification.models import ClassificationCode
from eduplatform.classification.shipped import add_shipped_codes
from eduplatform.district.models import District
from tenants.actions import SchoolDetails, provision_school
from tenants.models import Domain, School, SchoolKind

TEST_PASSWORD = "correct-horse-battery-42"

DISTRICT = ("310101", "测试区教育局")
OTHER_DISTRICT = ("320202", "邻区教育局")
SCHOOL_A = SchoolDetails(code="3101010001", name="测试区第一小学", kind=SchoolKind.PRIMARY)
SCHOOL_B = SchoolDetails(code="3101010002", name="测试区第二中学", kind=SchoolKind.JUNIOR)
SCHOOL_C = SchoolDetails(code="3202020001", name="邻区实验小学", kind=SchoolKind.PRIMARY)


@dataclass
class World:
    district: District
    other_district: District
    school_a: School
    school_b: School
    school_c: School


def ensure_school(district: District, details: SchoolDetails) -> School:
    school = School.objects.filter(code=details.code).first()
    if school is not None:
        return school
    schema_name = School.schema_name_for(details.code)
    if schema_exists(schema_name):
        # A transactional test flushed the public rows; the schema outlived them.
        school = School.objects.create(
            schema_name=schema_name,
            code=details.code,
            name=details.name,
            district=district,
            kind=details.kind,
            is_ready=True,
        )
        Domain.objects.create(domain=details.code, tenant=school, is_primary=True)
        return school
    return provision_school(district_code=district.code, details=details)


def ensure_world() -> World:
    # The shipped classification codes come from a data migration, which a flush undoes.
    add_shipped_codes(ClassificationCode)
    district, _ = District.objects.get_or_create(code=DISTRICT[0], defaults={"name": DISTRICT[1]})
    other, _ = District.objects.get_or_create(code=OTHER_DISTRICT[0], defaults={"name": OTHER_DISTRICT[1]})
    return World(
        district=district,
        other_district=other,
        school_a=ensure_school(district, SCHOOL_A),
        school_b=ensure_school(district, SCHOOL_B),
        school_c=ensure_school(other, SCHOOL_C),
    )


_numbers = itertools.count(1)


@functools.cache
def _hashed(password: str, hashers: tuple[str, ...]) -> str:
    # Keyed by the hashers too: some tests switch to a fast one, and a hash made by a
    # hasher that is not configured cannot be checked.
    return make_password(password)


def make_user(
    role: Role | None = None,
    *,
    school: School | None = None,
    district: District | None = None,
    password: str = TEST_PASSWORD,
    **fields,
) -> User:
    number = next(_numbers)
    fields.setdefault("username", f"user{number}")
    fields.setdefault("name", f"测试用户{number}")
    # The real hasher, but once per password: Argon2 at full cost is most of a user's making.
    user = User.objects.create_user(password=None, **fields)
    if password is not None:
        user.password = _hashed(password, tuple(settings.PASSWORD_HASHERS))
        user.save(update_fields=["password"])
    if role is not None:
        Membership.objects.create(user=user, role=role, school=school, district=district)
    return user
