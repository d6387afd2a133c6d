"""One school's records never show in another school, whichever face is used."""

from __future__ import annotations

from django.db import connection
from django_tenants.utils import schema_context

from eduplatform.accounts.roles import Role
from eduplatform.organisation.models import Department
from tests.conftest import logged_in
from tests.world import make_user


def table_names(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def test_two_schools_have_the_same_tables(school_a, school_b):
    tables_a = table_names(school_a.schema_name)
    assert "organisation_department" in tables_a
    assert tables_a == table_names(school_b.schema_name)


def test_school_tables_hold_no_district_tables(school_a):
    tables = table_names(school_a.schema_name)
    assert "tenants_school" not in tables
    assert "accounts_user" not in tables


def test_a_row_written_in_school_a_is_invisible_in_school_b_through_the_orm(school_a, school_b):
    with schema_context(school_a.schema_name):
        Department.objects.create(name="A校专用处室")
        assert Department.objects.filter(name="A校专用处室").exists()
    with schema_context(school_b.schema_name):
        assert not Department.objects.filter(name="A校专用处室").exists()


def test_a_row_written_in_school_a_is_invisible_in_school_b_through_the_api(
    school_a, school_b, member_a, member_b
):
    created = logged_in(member_a).post(
        f"/s/{school_a.code}/api/v1/departments/",
        {"name": "A校专用处室"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content

    listed_b = logged_in(member_b).get(f"/s/{school_b.code}/api/v1/departments/")
    assert listed_b.status_code == 200
    assert "A校专用处室" not in [row["name"] for row in listed_b.json()["results"]]
    # B's member cannot reach A's API at all.
    assert logged_in(member_b).get(f"/s/{school_a.code}/api/v1/departments/").status_code == 404


def test_a_row_written_in_school_a_is_invisible_in_school_b_through_the_pages(
    school_a, school_b, member_a, member_b
):
    response = logged_in(member_a).post(f"/s/{school_a.code}/departments/", {"name": "A校专用处室"})
    assert response.status_code == 302
    assert "A校专用处室" in logged_in(member_a).get(f"/s/{school_a.code}/departments/").content.decode()

    page_b = logged_in(member_b).get(f"/s/{school_b.code}/departments/")
    assert page_b.status_code == 200
    assert "A校专用处室" not in page_b.content.decode()
    assert logged_in(member_b).get(f"/s/{school_a.code}/departments/").status_code == 404


def test_bureau_user_reaches_every_school_of_the_district_but_not_others(
    school_a, school_b, school_c, inspector, other_inspector
):
    bureau = logged_in(inspector)
    assert bureau.get(f"/s/{school_a.code}/").status_code == 200
    assert bureau.get(f"/s/{school_b.code}/").status_code == 200
    assert bureau.get(f"/s/{school_c.code}/").status_code == 404
    assert logged_in(other_inspector).get(f"/s/{school_a.code}/").status_code == 404
    assert logged_in(other_inspector).get(f"/s/{school_c.code}/").status_code == 200


def test_parent_district_bureau_reaches_child_district_schools(world, school_a):
    world.district.parent = world.other_district
    world.district.save()
    city_inspector = make_user(Role.BUREAU_INSPECTOR, district=world.other_district)
    assert logged_in(city_inspector).get(f"/s/{school_a.code}/").status_code == 200
    # ...but not the other way round.
    district_inspector = make_user(Role.BUREAU_INSPECTOR, district=world.district)
    assert logged_in(district_inspector).get(f"/s/{world.school_c.code}/").status_code == 404


def test_anonymous_is_sent_to_the_school_login(school_a):
    from django.test import Client

    page = Client().get(f"/s/{school_a.code}/departments/")
    assert page.status_code == 302
    assert page["Location"] == f"/s/{school_a.code}/accounts/login/?next=/s/{school_a.code}/departments/"
    api = Client().get(f"/s/{school_a.code}/api/v1/departments/")
    assert api.status_code in (401, 403)
    assert b"\xe5\xa4\x84" not in api.content  # no department names leak


def test_bad_department_name_is_refused_beside_the_field_and_nothing_is_written(school_a, member_a):
    client = logged_in(member_a)
    page = client.post(f"/s/{school_a.code}/departments/", {"name": "总务处"})
    assert page.status_code == 200
    assert "部门“总务处”已存在。" in page.content.decode()
    api = client.post(
        f"/s/{school_a.code}/api/v1/departments/", {"name": ""}, content_type="application/json"
    )
    assert api.status_code == 400
    assert api["Content-Type"] == "application/problem+json"
    assert api.json()["errors"]["name"][0]["code"] == "blank"
    with schema_context(school_a.schema_name):
        assert Department.objects.filter(name="总务处").count() == 1
