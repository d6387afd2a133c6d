from __future__ import annotations

from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

from eduplatform.district.models import District
from tenants.actions import archive_school
from tenants.models import School
from tenants.routing import routable_school, school_reverse
from tests.conftest import logged_in


def test_reverse_under_a_school_prefix(school_a):
    assert school_reverse(school_a, "frontend:home") == f"/s/{school_a.code}/"
    assert school_reverse(school_a, "frontend:departments") == f"/s/{school_a.code}/departments/"
    assert school_reverse(school_a, "school-api:department-list") == f"/s/{school_a.code}/api/v1/departments/"
    # The public URLConf is untouched by school prefixes.
    assert reverse("frontend:home") == "/"
    assert reverse("district-api:school-list") == "/api/v1/schools/"


def test_links_on_a_school_page_stay_under_its_prefix(school_a, member_a):
    page = logged_in(member_a).get(f"/s/{school_a.code}/")
    html = page.content.decode()
    assert f'href="/s/{school_a.code}/departments/"' in html
    # Static files are served from one place, not under the school.
    assert static("vendor/tabler/css/tabler.min.css") == "/static/vendor/tabler/css/tabler.min.css"
    assert 'href="/static/vendor/tabler/css/tabler.min.css"' in html


def test_login_redirect_keeps_the_school_and_the_next_page(school_a, member_a):
    client = Client()
    page = client.get(f"/s/{school_a.code}/departments/")
    assert page["Location"] == f"/s/{school_a.code}/accounts/login/?next=/s/{school_a.code}/departments/"
    login = client.post(
        f"/s/{school_a.code}/accounts/login/?next=/s/{school_a.code}/departments/",
        {
            "username": member_a.username,
            "password": "correct-horse-battery-42",
            "next": f"/s/{school_a.code}/departments/",
        },
    )
    assert login.status_code == 302
    assert login["Location"] == f"/s/{school_a.code}/departments/"


def test_login_without_next_lands_on_the_school_home(school_a, member_a):
    login = Client().post(
        f"/s/{school_a.code}/accounts/login/",
        {"username": member_a.username, "password": "correct-horse-battery-42"},
    )
    assert login["Location"] == f"/s/{school_a.code}/"


def test_unknown_school_is_a_404(member_a):
    assert logged_in(member_a).get("/s/9999999999/").status_code == 404
    assert Client().get("/s/9999999999/accounts/login/").status_code == 404
    assert Client().get("/s/not-a-code/api/v1/school/").status_code == 404


def test_archived_school_is_a_404_even_for_its_own_staff(school_a, member_a):
    client = logged_in(member_a)
    assert client.get(f"/s/{school_a.code}/").status_code == 200
    archive_school(school=school_a, actor=None)
    assert client.get(f"/s/{school_a.code}/").status_code == 404
    assert client.get(f"/s/{school_a.code}/api/v1/school/").status_code == 404
    assert Client().get(f"/s/{school_a.code}/accounts/login/").status_code == 404


def test_a_404_page_is_in_chinese(member_a):
    page = logged_in(member_a).get("/s/9999999999/")
    assert "页面不存在" in page.content.decode()


def test_school_staff_with_one_school_go_straight_to_it(school_a, member_a):
    response = logged_in(member_a).get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/s/{school_a.code}/"


def test_bureau_home_lists_the_district_schools_only(world, inspector):
    html = logged_in(inspector).get("/").content.decode()
    assert world.school_a.name in html
    assert world.school_b.name in html
    assert world.school_c.name not in html


def test_the_routing_lookup_gives_what_the_orm_gives_and_only_for_open_schools(
    school_a, member_a, django_assert_num_queries
):
    found = routable_school(school_a.code)
    expected = School.objects.select_related("district").get(pk=school_a.pk)
    for field in School._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    for field in District._meta.concrete_fields:
        assert getattr(found.district, field.attname) == getattr(expected.district, field.attname), field.name
    with django_assert_num_queries(0):
        assert found.district.name == expected.district.name  # loaded with the school
    assert routable_school("0000000000") is None
    assert routable_school(f"{school_a.code}' OR '1'='1") is None
    School.objects.filter(pk=school_a.pk).update(is_ready=False)
    assert routable_school(school_a.code) is None
    School.objects.filter(pk=school_a.pk).update(is_ready=True)
    archive_school(school=school_a, actor=member_a)
    assert routable_school(school_a.code) is None
