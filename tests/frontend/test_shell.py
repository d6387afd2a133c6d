"""The page shell: sidebar, school switcher, user menu, messages, pagination, errors."""

from __future__ import annotations

import re

import pytest
from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch

from eduplatform.accounts.access import memberships_of, switchable_schools
from eduplatform.accounts.models import Membership
from eduplatform.accounts.roles import Role
from frontend import views
from frontend.icons import icon_exists
from frontend.navigation import NAVIGATION
from tenants.models import SchoolStatus
from tests.world import make_user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_login_page_has_no_sidebar_but_a_language_switch():
    body = Client().get("/accounts/login/").content.decode()
    assert 'data-testid="navigation"' not in body
    assert 'data-testid="language-switch"' in body
    assert 'value="zh-hans"' in body and 'value="en"' in body


def test_the_sidebar_shows_the_school_entries_the_person_may_open(school_a):
    teacher = make_user(Role.STAFF, school=school_a)
    body = client_for(teacher).get(f"/s/{school_a.code}/").content.decode()
    navigation = body.split('data-testid="navigation"', 1)[1].split("</ul>", 1)[0]
    assert f'href="/s/{school_a.code}/"' in navigation
    assert f'href="/s/{school_a.code}/departments/"' in navigation
    assert 'aria-current="page"' in navigation  # today's entry is the current page
    assert "<svg" in navigation  # icons are inlined


def test_each_school_and_each_page_gets_its_own_menu_links(world):
    # The entries are worked out once per school and set of capabilities: the same
    # capabilities in another school must still link to that school, and "current" moves.
    one, other = make_user(Role.STAFF, school=world.school_a), make_user(Role.STAFF, school=world.school_b)
    for user, school in ((one, world.school_a), (other, world.school_b), (one, world.school_a)):
        body = client_for(user).get(f"/s/{school.code}/departments/").content.decode()
        navigation = body.split('data-testid="navigation"', 1)[1].split("</ul>", 1)[0]
        assert f'href="/s/{school.code}/departments/" aria-current="page"' in navigation
        assert "/s/" + (world.school_b if school == world.school_a else world.school_a).code not in body


def test_an_outsider_gets_the_404_page_without_the_school_or_its_menu(school_a, member_b):
    response = client_for(member_b).get(f"/s/{school_a.code}/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body
    assert school_a.name not in body
    navigation = body.split('data-testid="navigation"', 1)[1].split("</ul>", 1)[0]
    assert "<li" not in navigation


def test_every_navigation_icon_exists():
    missing = [item.icon for item in NAVIGATION if item.icon and not icon_exists(item.icon)]
    assert not missing, f"not in @tabler/icons (frontend/node_modules): {missing}"


def test_a_missing_icon_renders_nothing_instead_of_failing():
    rendered = Template('{% load shell %}[{% icon "no-such-icon-anywhere" %}][{% icon "home" "x" %}]').render(
        Context()
    )
    assert rendered.startswith("[][<svg")
    assert 'class="icon x"' in rendered and 'aria-hidden="true"' in rendered


# --- School switcher ------------------------------------------------------------------------


def test_one_school_means_no_switcher(school_a):
    teacher = make_user(Role.STAFF, school=school_a)
    body = client_for(teacher).get(f"/s/{school_a.code}/").content.decode()
    assert 'data-testid="school-switcher"' not in body


def test_a_teacher_in_two_schools_can_switch_until_one_is_archived(world, django_assert_num_queries):
    teacher = make_user(Role.STAFF, school=world.school_a)
    Membership.objects.create(user=teacher, role=Role.STAFF, school=world.school_b)
    client = client_for(teacher)
    body = client.get(f"/s/{world.school_a.code}/").content.decode()
    assert f'<option value="{world.school_a.code}" selected>' in body
    assert f'<option value="{world.school_b.code}">' in body
    world.school_b.status = SchoolStatus.ARCHIVED
    world.school_b.save(update_fields=["status"])
    body = client.get(f"/s/{world.school_a.code}/").content.decode()
    assert 'data-testid="school-switcher"' not in body and world.school_b.code not in body
    # Memberships read once a page: with one school, the switcher costs nothing more.
    loner = make_user(Role.STAFF, school=world.school_a)
    memberships = memberships_of(loner)
    assert memberships == ((Role.STAFF, world.school_a.pk, None),)
    with django_assert_num_queries(0):
        assert switchable_schools(loner, memberships) == []


def test_the_switcher_offers_the_inspectors_schools_with_a_label_and_a_button(world, inspector):
    body = client_for(inspector).get(f"/s/{world.school_a.code}/").content.decode()
    form = re.search(r'<form method="get" action="/switch-school/"[^>]*>(.*?)</form>', body, re.S)
    switcher = form.group(1)
    assert '<label class="form-label" for="school-switcher-select">切换学校</label>' in switcher
    assert f'<option value="{world.school_a.code}" selected>' in switcher
    assert f'<option value="{world.school_b.code}">' in switcher
    assert world.school_c.code not in switcher  # another district
    assert 'type="submit"' in switcher


def test_switching_lands_on_the_chosen_schools_home(world, inspector):
    client = client_for(inspector)
    response = client.get("/switch-school/", {"code": world.school_b.code})
    assert response.status_code == 302
    assert response["Location"] == f"/s/{world.school_b.code}/"


def test_switching_to_a_school_one_may_not_open_is_a_404(world, member_a, inspector):
    assert client_for(member_a).get("/switch-school/", {"code": world.school_b.code}).status_code == 404
    assert client_for(inspector).get("/switch-school/", {"code": world.school_c.code}).status_code == 404
    assert client_for(inspector).get("/switch-school/", {"code": "../admin"}).status_code == 404


def test_switching_without_a_choice_goes_home_and_anonymous_goes_to_log_in(inspector):
    assert client_for(inspector).get("/switch-school/")["Location"] == "/"
    response = Client().get("/switch-school/", {"code": "3101010001"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- User menu ------------------------------------------------------------------------------


def test_the_user_menu_names_the_person_and_offers_logout(school_a):
    teacher = make_user(Role.STAFF, school=school_a, name="周老师")
    body = client_for(teacher).get(f"/s/{school_a.code}/").content.decode()
    assert 'data-testid="current-user">周老师<' in body
    assert "教职工/班主任" in body  # the role here
    assert f'action="/s/{school_a.code}/accounts/logout/"' in body
    # Shown in the phone's top bar and the wide screen's header, rendered once: both copies
    # send the language switch back to this page.
    body = client_for(teacher).get(f"/s/{school_a.code}/departments/").content.decode()
    assert body.count('data-testid="user-menu"') == 2
    assert body.count(f'name="next" value="/s/{school_a.code}/departments/"') == 2


def test_the_password_change_link_appears_only_when_the_page_exists(school_a, monkeypatch):
    from frontend.templatetags import shell

    teacher = make_user(Role.STAFF, school=school_a)
    client = client_for(teacher)
    try:
        shell.reverse("accounts:password-change")
    except NoReverseMatch:
        pytest.fail("accounts:password-change is expected to exist by now")
    assert 'data-testid="password-change"' in client.get(f"/s/{school_a.code}/").content.decode()

    real_reverse = shell.reverse

    def reverse_without_password_change(viewname, *args, **kwargs):
        if viewname == "accounts:password-change":
            raise NoReverseMatch(viewname)
        return real_reverse(viewname, *args, **kwargs)

    monkeypatch.setattr(shell, "reverse", reverse_without_password_change)
    assert 'data-testid="password-change"' not in client.get(f"/s/{school_a.code}/").content.decode()


def test_optional_url_is_empty_for_an_unknown_page():
    assert Template('{% load shell %}[{% optional_url "nowhere:nothing" %}]').render(Context()) == "[]"


# --- Messages, forms, pagination, empty states -----------------------------------------------


def test_messages_are_dismissible_alerts(school_a, member_a):
    client = client_for(member_a)
    response = client.post(f"/s/{school_a.code}/departments/", {"name": "后勤保障组"}, follow=True)
    body = response.content.decode()
    alert = re.search(
        r'<div class="alert alert-success alert-dismissible"[^>]*>(.*?)</div>\s*</div>', body, re.S
    )
    assert alert, body
    assert "已添加部门。" in alert.group(1)
    assert 'data-bs-dismiss="alert"' in alert.group(1)
    assert 'aria-label="关闭"' in alert.group(1)


def test_a_field_has_a_visible_label_and_its_error_right_beside_it(school_a, member_a):
    body = client_for(member_a).post(f"/s/{school_a.code}/departments/", {"name": ""}).content.decode()
    field = body.split('<div class="mb-3 shell-field has-errors">', 1)[1].split("</div>\n</div>", 1)[0]
    assert '<label class="form-label required" for="id_name">部门名称</label>' in field
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_name_error"' in field
    assert 'id="id_name_error"' in field


def test_pagination_keeps_the_other_query_parameters():
    request = RequestFactory().get("/", {"q": "实验", "kind": "primary", "page": "3"})
    page = Paginator(list(range(200)), 10).get_page(3)
    html = Template('{% include "partials/pagination.html" with page=page %}').render(
        Context({"request": request, "page": page})
    )
    assert 'href="?q=%E5%AE%9E%E9%AA%8C&amp;kind=primary&amp;page=2" rel="prev"' in html
    assert 'href="?q=%E5%AE%9E%E9%AA%8C&amp;kind=primary&amp;page=4" rel="next"' in html
    assert 'aria-current="page">3<' in html
    assert "…" in html  # 1 2 3 4 … 19 20
    assert "第 21–30 条，共 200 条" in html


def test_a_single_page_needs_no_pagination():
    page = Paginator([1, 2], 10).get_page(1)
    html = Template('{% include "partials/pagination.html" with page=page %}').render(
        Context({"request": RequestFactory().get("/"), "page": page})
    )
    assert html.strip() == ""


def test_the_empty_state_takes_a_title_and_a_hint():
    html = Template('{% include "partials/empty.html" with title="没有记录" hint="换个条件再试。" %}').render(
        Context()
    )
    assert '<p class="empty-title">没有记录</p>' in html
    assert "换个条件再试。" in html


# --- Homes ----------------------------------------------------------------------------------


def test_the_bureau_home_lists_the_districts_schools_with_kind_and_status(world, inspector):
    body = client_for(inspector).get("/").content.decode()
    assert world.district.name in body
    assert world.school_a.name in body and world.school_b.name in body
    assert world.school_c.name not in body
    assert "小学 · 3101010001" in body and "初中 · 3101010002" in body
    assert "在用" in body
    assert 'data-testid="today"' in body


def test_the_bureau_home_finds_a_school_by_name_or_code(world, inspector):
    client = client_for(inspector)

    def listed(query):
        body = client.get("/", {"q": query}).content.decode()
        return body.split('data-testid="schools"', 1)[1]

    assert world.school_b.name in listed("第二") and world.school_a.name not in listed("第二")
    found_by_code = listed(world.school_a.code)
    assert world.school_a.name in found_by_code and world.school_b.name not in found_by_code
    assert "没有找到符合条件的学校" in listed("没有这所学校")


def test_a_teacher_of_one_school_is_taken_straight_to_it(school_a):
    teacher = make_user(Role.STAFF, school=school_a)
    response = client_for(teacher).get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/s/{school_a.code}/"


def test_the_school_home_shows_the_school_and_todays_empty_state(school_a, member_a, today_registry):
    body = client_for(member_a).get(f"/s/{school_a.code}/").content.decode()
    assert f'data-testid="school-name">{school_a.name}<' in body
    assert "今天没有待办事项" in body


# --- Error pages ----------------------------------------------------------------------------


def test_a_member_without_the_capability_gets_the_403_page(school_a):
    teacher = make_user(Role.STAFF, school=school_a)
    response = client_for(teacher).post(f"/s/{school_a.code}/departments/", {"name": "新部门"})
    assert response.status_code == 403
    assert "您没有权限执行此操作" in response.content.decode()


def test_an_unknown_page_is_the_chinese_404_page():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_the_500_page_needs_no_database_and_no_context_processors(db, monkeypatch, django_assert_num_queries):
    def broken(request):
        raise AssertionError("context processors must not run for the 500 page")

    monkeypatch.setattr("frontend.context_processors.portal", broken)
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = views.server_error(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert "服务器出错了" in body
    assert "/static/" not in body  # self-contained: the static files may be what failed


def test_an_expired_form_gets_a_chinese_page_not_djangos():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "页面已过期" in body
    assert "CSRF verification failed" not in body
