from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from eduplatform.accounts.roles import Role
from tenants.schemas import ensure_template_schema
from tests.world import World, ensure_world, make_user


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, the school template and the test schools, made once per run."""
    with django_db_blocker.unblock():
        ensure_template_schema()
        ensure_world()
    yield


@pytest.fixture
def world(db) -> World:
    return ensure_world()


@pytest.fixture
def school_a(world):
    return world.school_a


@pytest.fixture
def school_b(world):
    return world.school_b


@pytest.fixture
def school_c(world):
    """A school of another district."""
    return world.school_c


@pytest.fixture(autouse=True)
def _public_schema_after_each_test():
    yield
    connection.set_schema_to_public()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def member_a(school_a):
    """Logistics director of school A."""
    return make_user(Role.LOGISTICS_DIRECTOR, school=school_a)


@pytest.fixture
def member_b(school_b):
    """Logistics director of school B, same district as A."""
    return make_user(Role.LOGISTICS_DIRECTOR, school=school_b)


@pytest.fixture
def inspector(world):
    """Bureau inspector of A's and B's district."""
    return make_user(Role.BUREAU_INSPECTOR, district=world.district)


@pytest.fixture
def other_inspector(world):
    """Bureau inspector of another district."""
    return make_user(Role.BUREAU_INSPECTOR, district=world.other_district)
