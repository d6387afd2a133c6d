"""The people pages on the district portal and under /s/<code>/."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from eduplatform.accounts.api_keys import create_api_key
from eduplatform.accounts.models import Membership, User
from eduplatform.accounts.roles import Role
from eduplatform.audit.models import AuditEvent
from tenants.models import School
from tests.conftest import logged_in
from tests.world import make_user

SCHOOL_PAGES = [
    "people/",
    "people/new/",
    "people/import/",
    "people/import/template.xlsx",
    "api-keys/",
    "api-keys/new/",
]
DISTRICT_PAGES = [*SCHOOL_PAGES, "schools/", "schools/new/"]


@pytest.mark.parametrize("page", DISTRICT_PAGES)
def test_anonymous_is_sent_to_login_on_the_district_portal(page):
    response = Client().get(f"/{page}")
    assert response.status_code == 302
    assert response["Location"].split("?")[0] == "/accounts/login/"


@pytest.mark.parametrize("page", SCHOOL_PAGES)
def test_anonymous_is_sent_to_login_on_the_school_portal(school_a, page):
    response = Client().get(f"/s/{school_a.code}/{page}")
    assert response.status_code == 302
    assert response["Location"].split("?")[0] == f"/s/{school_a.code}/accounts/login/"


def test_anonymous_is_sent_to_login_for_one_account(school_a, staff_a):
    for url in (f"/people/{staff_a.pk}/", f"/s/{school_a.code}/people/{staff_a.pk}/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("page", ["people/", "people/new/", "api-keys/", "schools/"])
def test_school_people_and_inspectors_cannot_open_bureau_management_pages(
    page, principal_a, member_a, inspector
):
    for user in (principal_a, member_a, inspector):
        assert logged_in(user).get(f"/{page}").status_code == 403, (page, user)


def test_staff_cannot_open_the_school_people_pages(school_a, staff_a):
    client = logged_in(staff_a)
    for page in ("people/", "people/new/", "people/import/", f"people/{staff_a.pk}/"):
        assert client.get(f"/s/{school_a.code}/{page}").status_code == 403, page


def test_create_an_account_shows_the_temporary_password_once(school_a, bureau_admin):
    client = logged_in(bureau_admin)
    response = client.post(
        "/people/new/",
        {
            "name": "周老师",
            "phone": "13912345000",
            "username": "",
            "unit": f"s:{school_a.pk}",
            "role": "staff",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = re.search(r'id="temporary-password"[^>]*value="([^"]+)"', body).group(1)
    user = User.objects.get(phone="13912345000")
    assert user.check_password(password)
    assert user.must_change_password is True
    assert user.memberships.get().school == school_a
    # Never again: not on the account's page, not in the list.
    assert password not in client.get(f"/people/{user.pk}/").content.decode()
    assert password not in client.get("/people/").content.decode()


def test_a_taken_phone_is_shown_beside_the_field_and_nothing_is_created(school_a, principal_a, staff_a):
    client = logged_in(principal_a)
    users_before = User.objects.count()
    response = client.post(
        f"/s/{school_a.code}/people/new/", {"name": "重复", "phone": staff_a.phone, "role": "staff"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'id="id_phone_error"><div>手机号 13700000001 已有账号。</div>', body)
    assert User.objects.count() == users_before


def test_a_logistics_director_is_not_offered_the_principal_role_and_cannot_forge_it(school_a, member_a):
    client = logged_in(member_a)
    form = client.get(f"/s/{school_a.code}/people/new/").content.decode()
    assert 'value="staff"' in form
    assert 'value="principal"' not in form
    response = client.post(
        f"/s/{school_a.code}/people/new/", {"name": "冒充", "phone": "13912345001", "role": "principal"}
    )
    assert response.status_code == 200
    assert "id_role_error" in response.content.decode()
    assert not User.objects.filter(phone="13912345001").exists()


def test_the_school_list_shows_only_the_school_s_people(school_a, principal_a, staff_a, staff_b):
    body = logged_in(principal_a).get(f"/s/{school_a.code}/people/").content.decode()
    assert staff_a.name in body
    assert staff_b.name not in body


def test_the_bureau_list_filters_by_school_role_and_name(
    school_a, school_b, bureau_admin, staff_a, staff_b, school_c
):
    outsider = make_user(Role.STAFF, school=school_c)
    client = logged_in(bureau_admin)
    everyone = client.get("/people/").content.decode()
    assert staff_a.name in everyone and staff_b.name in everyone
    assert outsider.name not in everyone
    by_school = client.get("/people/", {"school": school_b.pk}).content.decode()
    assert staff_b.name in by_school and staff_a.name not in by_school
    by_phone = client.get("/people/", {"q": "13700000001"}).content.decode()
    assert staff_a.name in by_phone and staff_b.name not in by_phone
    by_role = client.get("/people/", {"role": "bureau_admin"}).content.decode()
    assert bureau_admin.name in by_role and staff_a.name not in by_role
    # An htmx request gets the table alone.
    partial = client.get("/people/", {"q": staff_b.name}, HTTP_HX_REQUEST="true").content.decode()
    assert staff_b.name in partial
    assert "<html" not in partial


def _more_rows(world, index: int) -> None:
    """One more account, school and API key for every list page to show."""
    make_user(Role.STAFF, school=world.school_a)
    make_user(Role.BUREAU_VIEWER, district=world.district)
    code = f"31010199{index:02d}"
    School.objects.create(
        schema_name=School.schema_name_for(code), code=code, name=f"列表学校{index}", district=world.district,
        kind="primary", is_ready=True,
    )  # fmt: skip
    soon = timezone.now() + timedelta(days=30)
    create_api_key(name=f"密钥{index}", actor=None, school=world.school_a, expires_at=soon)
    create_api_key(name=f"区密钥{index}", actor=None, district=world.district, expires_at=soon)


@pytest.mark.parametrize(
    "page", ["people/", "schools/", "api-keys/", "s/{code}/people/", "s/{code}/api-keys/"]
)
def test_list_pages_take_the_same_queries_for_few_and_many_rows(world, bureau_admin, page):
    client = logged_in(bureau_admin)
    url = "/" + page.format(code=world.school_a.code)
    _more_rows(world, 0)
    client.get(url)  # warm the session and the caches

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for index in range(1, 8):
        _more_rows(world, index)
    assert queries() == few


def test_another_school_s_or_district_s_account_is_404(
    school_a, school_b, principal_a, other_admin, staff_a, staff_b
):
    client = logged_in(principal_a)
    for url in (
        f"/s/{school_a.code}/people/{staff_b.pk}/",
        f"/s/{school_a.code}/people/{staff_b.pk}/reset-password/",
        f"/s/{school_a.code}/people/{staff_b.pk}/roles/{staff_b.memberships.get().pk}/remove/",
    ):
        assert client.get(url).status_code == 404, url
    # A membership of another account, under an account of this school.
    url = f"/s/{school_a.code}/people/{staff_a.pk}/roles/{staff_b.memberships.get().pk}/remove/"
    assert client.get(url).status_code == 404
    assert logged_in(other_admin).get(f"/people/{staff_a.pk}/").status_code == 404


def test_bulk_deactivate_through_the_page(school_a, member_a):
    people = [make_user(Role.STAFF, school=school_a) for _index in range(2)]
    client = logged_in(member_a)
    response = client.post(
        f"/s/{school_a.code}/people/bulk/", {"action": "deactivate", "user": [p.pk for p in people]}
    )
    assert response.status_code == 302
    assert User.objects.filter(pk__in=[p.pk for p in people], is_active=False).count() == 2
    events = AuditEvent.objects.filter(action="deactivate", object_type="accounts.user", school=school_a)
    assert sorted(events.values_list("object_id", flat=True)) == sorted(str(p.pk) for p in people)


def test_bulk_deactivate_with_someone_else_s_account_changes_nothing(
    school_a, member_a, other_admin, staff_a, staff_b
):
    response = logged_in(member_a).post(
        f"/s/{school_a.code}/people/bulk/", {"action": "deactivate", "user": [staff_a.pk, staff_b.pk]}
    )
    assert response.status_code == 404
    response = logged_in(other_admin).post("/people/bulk/", {"action": "deactivate", "user": [staff_a.pk]})
    assert response.status_code == 404
    assert User.objects.filter(pk__in=[staff_a.pk, staff_b.pk], is_active=True).count() == 2
    assert not AuditEvent.objects.filter(action="deactivate").exists()


def test_change_a_role_through_the_page(school_a, principal_a, staff_a):
    membership = staff_a.memberships.get()
    response = logged_in(principal_a).post(
        f"/s/{school_a.code}/people/{staff_a.pk}/roles/{membership.pk}/",
        {f"m{membership.pk}-role": "safety_officer", f"m{membership.pk}-department": "安全办"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.role, membership.department) == (Role.SAFETY_OFFICER, "安全办")
    [event] = AuditEvent.objects.filter(action="change_role", object_id=str(membership.pk))
    assert (event.before["role"], event.after["role"]) == ("staff", "safety_officer")


def test_removing_one_s_own_last_managing_role_is_refused_with_a_reason(school_a, principal_a):
    Membership.objects.create(user=principal_a, school=school_a, role=Role.STAFF)
    own = principal_a.memberships.get(role=Role.PRINCIPAL)
    client = logged_in(principal_a)
    confirm = client.get(f"/s/{school_a.code}/people/{principal_a.pk}/roles/{own.pk}/remove/")
    assert confirm.status_code == 200
    response = client.post(f"/s/{school_a.code}/people/{principal_a.pk}/roles/{own.pk}/remove/", follow=True)
    assert "这是您唯一可以管理人员的角色" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk, role=Role.PRINCIPAL).exists()


def test_reset_a_password_through_the_page(school_a, member_a, staff_a):
    client = logged_in(member_a)
    url = f"/s/{school_a.code}/people/{staff_a.pk}/reset-password/"
    assert client.get(url).status_code == 200
    response = client.post(url)
    password = re.search(r'id="temporary-password"[^>]*value="([^"]+)"', response.content.decode()).group(1)
    staff_a.refresh_from_db()
    assert staff_a.check_password(password)
    assert staff_a.must_change_password is True


def test_a_logistics_director_cannot_reset_the_principal_s_password(school_a, member_a, principal_a):
    client = logged_in(member_a)
    old_hash = principal_a.password
    assert client.post(f"/s/{school_a.code}/people/{principal_a.pk}/reset-password/").status_code == 403
    principal_a.refresh_from_db()
    assert principal_a.password == old_hash


def test_edit_an_account_through_the_page(school_a, principal_a, staff_a):
    client = logged_in(principal_a)
    response = client.post(
        f"/s/{school_a.code}/people/{staff_a.pk}/", {"name": "新名字", "phone": "13700000008", "username": ""}
    )
    assert response.status_code == 302
    staff_a.refresh_from_db()
    assert (staff_a.name, staff_a.phone, staff_a.username) == ("新名字", "13700000008", "13700000008")


def test_add_a_role_through_the_bureau_page(world, bureau_admin, staff_a, school_b):
    client = logged_in(bureau_admin)
    response = client.post(
        f"/people/{staff_a.pk}/roles/",
        {"add-unit": f"s:{school_b.pk}", "add-role": "guard", "add-department": ""},
    )
    assert response.status_code == 302
    assert staff_a.memberships.filter(school=school_b, role=Role.GUARD).exists()
    # A unit outside the bureau is a 404, and nothing is added.
    response = client.post(
        f"/people/{staff_a.pk}/roles/", {"add-unit": f"s:{world.school_c.pk}", "add-role": "guard"}
    )
    assert response.status_code == 200  # not among the choices: an error beside the field
    assert not staff_a.memberships.filter(school=world.school_c).exists()
