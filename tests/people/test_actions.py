"""Account and membership actions: who may do what, what is refused, and what the trail says."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from eduplatform.accounts import actions
from eduplatform.accounts.management_access import (
    account_for_manager,
    grantable_roles,
    people_area,
)
from eduplatform.accounts.models import Membership, User
from eduplatform.accounts.roles import DISTRICT_ROLES, SCHOOL_ROLES, Role
from eduplatform.audit.models import AuditEvent
from eduplatform.district.models import District
from tests.world import make_user


def events(action: str, object_type: str, object_id) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action=action, object_type=object_type, object_id=str(object_id)).order_by(
            "sequence"
        )
    )


# --- Who may grant what ---------------------------------------------------------------------


def test_grantable_roles_per_role(world, school_a, school_b, bureau_admin, principal_a, member_a, staff_a):
    assert grantable_roles(bureau_admin, school=school_a) == SCHOOL_ROLES
    assert grantable_roles(bureau_admin, district=world.district) == DISTRICT_ROLES
    assert grantable_roles(principal_a, school=school_a) == SCHOOL_ROLES
    assert grantable_roles(member_a, school=school_a) == SCHOOL_ROLES - {Role.PRINCIPAL}
    assert grantable_roles(staff_a, school=school_a) == frozenset()
    # Nobody manages outside their own school or district.
    assert grantable_roles(principal_a, school=school_b) == frozenset()
    assert grantable_roles(member_a, school=school_b) == frozenset()
    assert grantable_roles(principal_a, district=world.district) == frozenset()
    assert grantable_roles(bureau_admin, school=world.school_c) == frozenset()
    assert grantable_roles(bureau_admin, district=world.other_district) == frozenset()


def test_a_bureau_admin_reaches_child_districts_but_not_the_parent(world, bureau_admin):
    child = District.objects.create(code="310199", name="测试区下属教育局", parent=world.district)
    child_admin = make_user(Role.BUREAU_ADMIN, district=child)
    assert grantable_roles(bureau_admin, district=child) == DISTRICT_ROLES
    assert grantable_roles(child_admin, district=world.district) == frozenset()


def test_an_inactive_manager_manages_nobody(school_a, principal_a):
    principal_a.memberships.update(is_active=False)
    assert grantable_roles(principal_a, school=school_a) == frozenset()
    with pytest.raises(PermissionDenied):
        people_area(principal_a, school=school_a)


# --- Creating accounts ----------------------------------------------------------------------


def test_bureau_admin_creates_an_account_with_a_temporary_password(school_a, bureau_admin):
    user, password = actions.create_account(
        name="李老师",
        phone="139 1234 5678",
        role=Role.STAFF,
        school=school_a,
        department="教导处",
        actor=bureau_admin,
    )
    user.refresh_from_db()
    assert (user.name, user.phone, user.username) == ("李老师", "13912345678", "13912345678")
    assert user.must_change_password is True
    assert user.check_password(password)
    assert len(password) == 12
    membership = user.memberships.get()
    assert (membership.school, membership.role, membership.department, membership.is_active) == (
        school_a,
        Role.STAFF,
        "教导处",
        True,
    )
    [created_user] = events("create", "accounts.user", user.pk)
    [created_membership] = events("create", "accounts.membership", membership.pk)
    assert created_user.actor == bureau_admin
    assert created_user.school == school_a
    assert created_user.before is None
    assert created_user.after["phone"] == "13912345678"
    assert created_user.after["must_change_password"] is True
    assert "password" not in created_user.after
    assert created_membership.after["role"] == "staff"
    # The temporary password is nowhere in the trail, not even hashed.
    trail = json.dumps([[e.before, e.after, e.context] for e in AuditEvent.objects.all()], ensure_ascii=False)
    assert password not in trail
    assert user.password not in trail


def test_a_chosen_username_is_kept(school_a, principal_a):
    user, _password = actions.create_account(
        name="王老师",
        phone="13912345679",
        username="wangls",
        role=Role.STAFF,
        school=school_a,
        actor=principal_a,
    )
    assert user.username == "wangls"


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("", "请填写手机号。"),
        ("1391234567", "手机号“1391234567”格式不正确：应为以 1 开头的 11 位数字。"),
        ("23912345678", "手机号“23912345678”格式不正确：应为以 1 开头的 11 位数字。"),
        ("1391234567a", "手机号“1391234567a”格式不正确：应为以 1 开头的 11 位数字。"),
        ("13700000001", "手机号 13700000001 已有账号。"),
    ],
)
def test_a_bad_or_taken_phone_is_refused_and_nothing_is_created(
    school_a, principal_a, staff_a, phone, message
):
    users_before = User.objects.count()
    with pytest.raises(ValidationError) as refused:
        actions.create_account(
            name="赵老师", phone=phone, role=Role.STAFF, school=school_a, actor=principal_a
        )
    assert refused.value.message_dict == {"phone": [message]}
    assert User.objects.count() == users_before


def test_an_empty_name_is_refused(school_a, principal_a):
    with pytest.raises(ValidationError) as refused:
        actions.create_account(
            name="  ", phone="13912340000", role=Role.STAFF, school=school_a, actor=principal_a
        )
    assert refused.value.message_dict == {"name": ["请填写姓名。"]}
    assert not User.objects.filter(phone="13912340000").exists()


def test_a_logistics_director_cannot_create_a_principal(school_a, member_a):
    with pytest.raises(PermissionDenied) as refused:
        actions.create_account(
            name="新校长", phone="13912340001", role=Role.PRINCIPAL, school=school_a, actor=member_a
        )
    assert str(refused.value) == "您无权授予或移除“校长”角色。"
    assert not User.objects.filter(phone="13912340001").exists()
    assert not AuditEvent.objects.filter(object_type="accounts.user", action="create").exists()


def test_a_logistics_director_creates_staff(school_a, member_a):
    user, _password = actions.create_account(
        name="食堂张", phone="13912340002", role=Role.CANTEEN_MANAGER, school=school_a, actor=member_a
    )
    assert user.memberships.get().role == Role.CANTEEN_MANAGER


def test_staff_cannot_create_anyone(school_a, staff_a):
    with pytest.raises(PermissionDenied):
        actions.create_account(
            name="某人", phone="13912340003", role=Role.STAFF, school=school_a, actor=staff_a
        )
    assert not User.objects.filter(phone="13912340003").exists()


def test_a_school_leader_cannot_create_accounts_in_another_school_or_the_bureau(world, school_b, principal_a):
    with pytest.raises(PermissionDenied):
        actions.create_account(
            name="某人", phone="13912340004", role=Role.STAFF, school=school_b, actor=principal_a
        )
    with pytest.raises(PermissionDenied):
        actions.create_account(
            name="某人",
            phone="13912340004",
            role=Role.BUREAU_VIEWER,
            district=world.district,
            actor=principal_a,
        )
    assert not User.objects.filter(phone="13912340004").exists()


def test_a_bureau_admin_creates_bureau_accounts_but_not_in_another_district(world, bureau_admin):
    user, _password = actions.create_account(
        name="督导甲",
        phone="13912340005",
        role=Role.BUREAU_INSPECTOR,
        district=world.district,
        actor=bureau_admin,
    )
    assert user.memberships.get().district == world.district
    with pytest.raises(PermissionDenied):
        actions.create_account(
            name="督导乙",
            phone="13912340006",
            role=Role.BUREAU_INSPECTOR,
            district=world.other_district,
            actor=bureau_admin,
        )
    with pytest.raises(PermissionDenied):
        actions.create_account(
            name="教师丙", phone="13912340006", role=Role.STAFF, school=world.school_c, actor=bureau_admin
        )
    assert not User.objects.filter(phone="13912340006").exists()


def test_a_role_must_fit_its_place(world, school_a, bureau_admin):
    with pytest.raises(ValidationError) as refused:
        actions.create_account(
            name="某人", phone="13912340007", role=Role.BUREAU_ADMIN, school=school_a, actor=bureau_admin
        )
    assert refused.value.message_dict == {"role": ["“局管理员”是教育局的角色，不能在学校中授予。"]}
    with pytest.raises(ValidationError) as refused:
        actions.create_account(
            name="某人", phone="13912340007", role=Role.STAFF, district=world.district, actor=bureau_admin
        )
    assert refused.value.message_dict == {"role": ["“教职工/班主任”是学校的角色，不能在教育局中授予。"]}


# --- Seeing accounts: another school's or district's is a 404 --------------------------------


def test_accounts_outside_the_area_are_404(
    world, school_a, school_b, principal_a, bureau_admin, other_admin, staff_a, staff_b
):
    school_area = people_area(principal_a, school=school_a)
    assert account_for_manager(school_area, staff_a.pk) == staff_a
    with pytest.raises(Http404):
        account_for_manager(school_area, staff_b.pk)
    bureau_area = people_area(bureau_admin)
    assert account_for_manager(bureau_area, staff_b.pk) == staff_b
    with pytest.raises(Http404):
        account_for_manager(people_area(other_admin), staff_a.pk)


def test_school_leaders_and_staff_have_no_bureau_area(principal_a, member_a, staff_a, inspector):
    for user in (principal_a, member_a, staff_a, inspector):
        with pytest.raises(PermissionDenied):
            people_area(user)


def test_staff_have_no_school_area(school_a, staff_a):
    with pytest.raises(PermissionDenied):
        people_area(staff_a, school=school_a)


# --- Changing accounts and roles --------------------------------------------------------------


def test_update_account_is_audited(principal_a, staff_a):
    actions.update_account(user=staff_a, name="改名", phone="13700000009", actor=principal_a)
    staff_a.refresh_from_db()
    assert (staff_a.name, staff_a.phone, staff_a.username) == ("改名", "13700000009", "13700000009")
    [event] = events("update", "accounts.user", staff_a.pk)
    assert event.before["phone"] == "13700000001"
    assert event.after["phone"] == "13700000009"


def test_change_role_is_audited_with_before_and_after(school_a, member_a, staff_a):
    membership = staff_a.memberships.get()
    actions.change_role(membership=membership, role=Role.ASSET_KEEPER, department="总务处", actor=member_a)
    membership.refresh_from_db()
    assert (membership.role, membership.department) == (Role.ASSET_KEEPER, "总务处")
    [event] = events("change_role", "accounts.membership", membership.pk)
    assert (event.before["role"], event.after["role"]) == ("staff", "asset_keeper")
    assert (event.before["department"], event.after["department"]) == ("", "总务处")
    assert event.actor == member_a
    assert event.school == school_a


def test_a_logistics_director_cannot_make_or_unmake_the_principal(school_a, member_a, principal_a, staff_a):
    staff_membership = staff_a.memberships.get()
    principal_membership = principal_a.memberships.get()
    with pytest.raises(PermissionDenied):
        actions.change_role(membership=staff_membership, role=Role.PRINCIPAL, actor=member_a)
    with pytest.raises(PermissionDenied):
        actions.change_role(membership=principal_membership, role=Role.STAFF, actor=member_a)
    with pytest.raises(PermissionDenied):
        actions.add_membership(user=staff_a, role=Role.PRINCIPAL, school=school_a, actor=member_a)
    actions.add_membership(user=principal_a, role=Role.STAFF, school=school_a, actor=principal_a)
    with pytest.raises(PermissionDenied):
        actions.remove_membership(membership=principal_membership, actor=member_a)
    with pytest.raises(PermissionDenied):
        actions.reset_password(user=principal_a, actor=member_a)
    staff_membership.refresh_from_db()
    principal_membership.refresh_from_db()
    assert staff_membership.role == Role.STAFF
    assert principal_membership.role == Role.PRINCIPAL
    assert not staff_a.memberships.filter(role=Role.PRINCIPAL).exists()


def test_a_principal_makes_and_unmakes_principals(school_a, principal_a, staff_a):
    membership = staff_a.memberships.get()
    actions.change_role(membership=membership, role=Role.PRINCIPAL, actor=principal_a)
    membership.refresh_from_db()
    assert membership.role == Role.PRINCIPAL


def test_staff_cannot_change_roles(staff_a, school_a):
    colleague = make_user(Role.STAFF, school=school_a)
    with pytest.raises(PermissionDenied):
        actions.change_role(membership=colleague.memberships.get(), role=Role.ASSET_KEEPER, actor=staff_a)
    assert colleague.memberships.get().role == Role.STAFF


def test_add_and_remove_a_membership(school_a, principal_a, staff_a):
    added = actions.add_membership(
        user=staff_a, role=Role.SAFETY_OFFICER, school=school_a, department="安全办", actor=principal_a
    )
    assert [event.after["role"] for event in events("create", "accounts.membership", added.pk)] == [
        "safety_officer"
    ]
    with pytest.raises(ValidationError) as refused:
        actions.add_membership(user=staff_a, role=Role.SAFETY_OFFICER, school=school_a, actor=principal_a)
    assert refused.value.message_dict == {"role": ["该账号在此已有“安全专干”角色。"]}
    added_id = added.pk
    actions.remove_membership(membership=added, actor=principal_a)
    assert not Membership.objects.filter(pk=added_id).exists()
    [removed] = events("delete", "accounts.membership", added_id)
    assert removed.before["role"] == "safety_officer"
    assert removed.after is None


def test_adding_a_role_held_once_before_turns_it_back_on(school_a, principal_a, staff_a):
    membership = staff_a.memberships.get()
    Membership.objects.create(user=staff_a, school=school_a, role=Role.GUARD, is_active=False)
    again = actions.add_membership(user=staff_a, role=Role.GUARD, school=school_a, actor=principal_a)
    assert again.is_active is True
    assert staff_a.memberships.count() == 2
    assert membership.pk != again.pk


def test_the_last_role_of_an_account_cannot_be_removed(principal_a, staff_a):
    membership = staff_a.memberships.get()
    with pytest.raises(ValidationError) as refused:
        actions.remove_membership(membership=membership, actor=principal_a)
    assert refused.value.messages == ["这是该账号唯一的角色，不能移除。如果此人已离开，请停用账号。"]
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_nobody_removes_their_own_last_managing_role(school_a, principal_a):
    own = principal_a.memberships.get()
    actions.add_membership(user=principal_a, role=Role.STAFF, school=school_a, actor=principal_a)
    reason = "这是您唯一可以管理人员的角色，去掉后您将无法再管理账号。请先让其他管理员为您保留管理角色。"
    with pytest.raises(ValidationError) as refused:
        actions.remove_membership(membership=own, actor=principal_a)
    assert refused.value.messages == [reason]
    with pytest.raises(ValidationError) as refused:
        actions.change_role(membership=own, role=Role.SAFETY_OFFICER, actor=principal_a)
    assert refused.value.messages == [reason]
    own.refresh_from_db()
    assert own.role == Role.PRINCIPAL
    assert not AuditEvent.objects.filter(object_type="accounts.membership", object_id=str(own.pk)).exists()


def test_with_another_managing_role_one_may_drop_this_one(school_a, principal_a):
    own = principal_a.memberships.get()
    actions.add_membership(user=principal_a, role=Role.LOGISTICS_DIRECTOR, school=school_a, actor=principal_a)
    actions.remove_membership(membership=own, actor=principal_a)
    assert list(principal_a.memberships.values_list("role", flat=True)) == [Role.LOGISTICS_DIRECTOR]


def test_an_account_in_two_schools_is_changed_only_by_whoever_manages_both(
    school_a, school_b, principal_a, bureau_admin, staff_a
):
    Membership.objects.create(user=staff_a, school=school_b, role=Role.STAFF)
    in_a = staff_a.memberships.get(school=school_a)
    # The principal of A still runs A's role...
    actions.change_role(membership=in_a, role=Role.GUARD, actor=principal_a)
    # ...but not the account, which belongs to school B too.
    with pytest.raises(PermissionDenied):
        actions.update_account(user=staff_a, name="别人", phone="13700000001", actor=principal_a)
    with pytest.raises(PermissionDenied):
        actions.reset_password(user=staff_a, actor=principal_a)
    with pytest.raises(PermissionDenied):
        actions.deactivate_accounts(users=[staff_a], actor=principal_a)
    staff_a.refresh_from_db()
    assert staff_a.is_active is True
    assert staff_a.name != "别人"
    # The bureau runs both schools.
    actions.deactivate_accounts(users=[staff_a], actor=bureau_admin)
    staff_a.refresh_from_db()
    assert staff_a.is_active is False


# --- Deactivating, reactivating, resetting ------------------------------------------------------


def test_bulk_deactivation_is_audited_once_per_account(school_a, member_a):
    people = [make_user(Role.STAFF, school=school_a) for _index in range(3)]
    already = make_user(Role.STAFF, school=school_a, is_active=False)
    changed = actions.deactivate_accounts(users=[*people, already], actor=member_a)
    assert sorted(user.pk for user in changed) == sorted(user.pk for user in people)
    assert User.objects.filter(pk__in=[u.pk for u in people], is_active=True).count() == 0
    deactivations = AuditEvent.objects.filter(action="deactivate", object_type="accounts.user")
    assert sorted(deactivations.values_list("object_id", flat=True)) == sorted(str(u.pk) for u in people)
    for event in deactivations:
        assert (event.before["is_active"], event.after["is_active"]) == (True, False)
        assert event.actor == member_a
        assert "password" not in event.before and "password" not in event.after


def test_bulk_deactivation_is_all_or_nothing(school_a, school_b, member_a, staff_b):
    mine = make_user(Role.STAFF, school=school_a)
    with pytest.raises(PermissionDenied):
        actions.deactivate_accounts(users=[mine, staff_b], actor=member_a)
    assert User.objects.filter(pk__in=[mine.pk, staff_b.pk], is_active=True).count() == 2
    assert not AuditEvent.objects.filter(action="deactivate").exists()


def test_nobody_deactivates_themselves(principal_a, staff_a):
    with pytest.raises(ValidationError) as refused:
        actions.deactivate_accounts(users=[staff_a, principal_a], actor=principal_a)
    assert refused.value.messages == ["不能停用自己的账号。"]
    assert User.objects.filter(pk__in=[staff_a.pk, principal_a.pk], is_active=True).count() == 2


def test_reactivate(principal_a, staff_a):
    actions.deactivate_accounts(users=[staff_a], actor=principal_a)
    actions.reactivate_accounts(users=[staff_a], actor=principal_a)
    staff_a.refresh_from_db()
    assert staff_a.is_active is True
    [event] = AuditEvent.objects.filter(action="reactivate", object_id=str(staff_a.pk))
    assert (event.before["is_active"], event.after["is_active"]) == (False, True)


def test_reset_password_gives_a_new_temporary_password(principal_a, staff_a):
    from tests.world import TEST_PASSWORD

    password = actions.reset_password(user=staff_a, actor=principal_a)
    staff_a.refresh_from_db()
    assert staff_a.check_password(password)
    assert not staff_a.check_password(TEST_PASSWORD)
    assert staff_a.must_change_password is True
    [event] = events("reset_password", "accounts.user", staff_a.pk)
    assert (event.before["must_change_password"], event.after["must_change_password"]) == (False, True)
    assert password not in json.dumps([event.before, event.after, event.context])


def test_temporary_passwords_mix_letters_and_digits_and_avoid_lookalikes():
    for _index in range(50):
        password = actions.generate_temporary_password()
        assert len(password) == 12
        assert any(c.isupper() for c in password) and any(c.islower() for c in password)
        assert any(c.isdigit() for c in password)
        assert not set(password) & set("0O1lI")


def test_a_temporary_password_is_rehashed_at_full_cost_on_first_use(school_a, principal_a):
    user, password = actions.create_account(
        name="孙老师", phone="13912349999", role=Role.STAFF, school=school_a, actor=principal_a
    )
    assert user.password.startswith("argon2$argon2id$v=19$m=2048,t=1,p=1$")
    assert user.check_password(password)  # what signing in does
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert "m=2048,t=1,p=1" not in user.password
    assert user.check_password(password)
