"""Managing accounts and memberships: every change to who may sign in, and as what, is here.

Each action takes the acting person as keyword-only `actor`, checks what they may do
through `eduplatform.accounts.management_access`, runs in one transaction and writes the
audit trail with the values before and after. Passwords never reach the trail (the
snapshot leaves them out) and temporary passwords are returned once, to be shown once.

Refusals: `PermissionDenied` when the actor may not do this at all (a page answers 403),
`ValidationError` when they may but this change is wrong (the message says why, beside
the field it names).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.utils import translation
from django.utils.translation import gettext as _

from eduplatform.accounts.management_access import MANAGING_ROLES, Grants
from eduplatform.accounts.models import Membership, User
from eduplatform.accounts.roles import DISTRICT_ROLES, SCHOOL_ROLES, Role
from eduplatform.accounts.staff_sheet import DEPARTMENT, NAME, PHONE, ROLE, SheetRow
from eduplatform.audit.trail import record_bulk_change, record_change, record_event, snapshot
from eduplatform.district.models import District
from tenants.models import School

NAME_MAX_LENGTH = 50
DEPARTMENT_MAX_LENGTH = 50
TEMPORARY_PASSWORD_LENGTH = 12
# No 0/O, 1/l/I: temporary passwords are read off a screen or a sheet and typed on a phone.
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_LOWER = "abcdefghijkmnpqrstuvwxyz"
_DIGITS = "23456789"


class _TemporaryPasswordHasher(Argon2PasswordHasher):
    """Argon2 at a low cost, for temporary passwords only.

    A temporary password is 12 random characters (about 68 bits), so a slow hash adds
    nothing against guessing it, while the full cost (about 0.3 s) would make an import
    of 2,000 staff take ten minutes. The parameters are stored in the hash: Django
    verifies it as ordinary Argon2 and re-hashes at the full cost on the first sign-in,
    and the forced change replaces it anyway.
    """

    time_cost = 1
    memory_cost = 2048  # KiB: about 2 ms a password
    parallelism = 1


_TEMPORARY_HASHER = _TemporaryPasswordHasher()


def generate_temporary_password() -> str:
    """12 characters with upper case, lower case and digits, none easily mistaken for another."""
    alphabet = _UPPER + _LOWER + _DIGITS
    while True:
        password = "".join(secrets.choice(alphabet) for _index in range(TEMPORARY_PASSWORD_LENGTH))
        if all(any(character in group for character in password) for group in (_UPPER, _LOWER, _DIGITS)):
            return password


def _give_temporary_password(user: User) -> str:
    password = generate_temporary_password()
    user.password = make_password(password, hasher=_TEMPORARY_HASHER)
    user.must_change_password = True
    return password


# --- Checking input --------------------------------------------------------------------


def normalise_phone(raw: str) -> str:
    """A phone as people write it (with spaces or dashes) to its 11 digits."""
    return "".join(character for character in str(raw).strip() if character not in " -\u3000")


def _phone_problem(phone: str, *, exclude: User | None = None) -> str | None:
    if not phone:
        return _("请填写手机号。")
    if len(phone) != 11 or not phone.isascii() or not phone.isdigit() or not phone.startswith("1"):
        return _("手机号“%(phone)s”格式不正确：应为以 1 开头的 11 位数字。") % {"phone": phone}
    taken = User.objects.filter(phone=phone) | User.objects.filter(username=phone)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        # Not which account: phones are unique across the platform, and who has one
        # elsewhere is not this manager's business.
        return _("手机号 %(phone)s 已有账号。") % {"phone": phone}
    return None


def _name_problem(name: str) -> str | None:
    if not name:
        return _("请填写姓名。")
    if len(name) > NAME_MAX_LENGTH:
        return _("姓名不能超过 %(limit)s 个字。") % {"limit": NAME_MAX_LENGTH}
    return None


def _department_problem(department: str) -> str | None:
    if len(department) > DEPARTMENT_MAX_LENGTH:
        return _("部门不能超过 %(limit)s 个字。") % {"limit": DEPARTMENT_MAX_LENGTH}
    return None


def _username_problem(username: str, *, exclude: User | None = None) -> str | None:
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        return _("用户名只能包含字母、数字和 @ . + - _。")
    if len(username) > 150:
        return _("用户名不能超过 150 个字符。")
    taken = User.objects.filter(username=username) | User.objects.filter(phone=username)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        return _("用户名“%(username)s”已被使用。") % {"username": username}
    return None


def _raise_if(problems: dict[str, str | None]) -> None:
    errors = {field: message for field, message in problems.items() if message}
    if errors:
        raise ValidationError(errors)


def _check_place(role: Role, school: School | None, district: District | None) -> None:
    """A school role is held in a school and a bureau role in a district, never both."""
    if (school is None) == (district is None):
        raise ValidationError({"unit": _("请选择学校或教育局。")})
    if school is not None and role not in SCHOOL_ROLES:
        raise ValidationError(
            {"role": _("“%(role)s”是教育局的角色，不能在学校中授予。") % {"role": role.label}}
        )
    if district is not None and role not in DISTRICT_ROLES:
        raise ValidationError(
            {"role": _("“%(role)s”是学校的角色，不能在教育局中授予。") % {"role": role.label}}
        )
    if school is not None and not school.is_active:
        raise ValidationError({"unit": _("该学校已归档，不能添加人员。")})


def _require_grant(
    grants: Grants, role: Role, *, school: School | None = None, district: District | None = None
) -> None:
    where = {"school": school} if school is not None else {"district": district}
    if role not in grants.roles(**where):
        raise PermissionDenied(_("您无权授予或移除“%(role)s”角色。") % {"role": role.label})


def _require_account(grants: Grants, user: User) -> None:
    if not grants.account(user):
        raise PermissionDenied(
            _("账号“%(name)s”还属于您不管理的单位或角色，只有管理其全部角色的管理员才能修改该账号。")
            % {"name": user}
        )


def _audit_school(membership: Membership) -> School | None:
    return membership.school if membership.school_id else None


# --- Accounts --------------------------------------------------------------------------


def create_account(
    *,
    name: str,
    phone: str,
    role: Role | str,
    school: School | None = None,
    district: District | None = None,
    department: str = "",
    username: str = "",
    actor,
) -> tuple[User, str]:
    """Make an account with one membership; returns it and its temporary password.

    The username defaults to the phone. The person must change the password at first
    sign-in.
    """
    role = Role(role)
    name, phone, department = name.strip(), normalise_phone(phone), department.strip()
    username = username.strip() or phone
    _check_place(role, school, district)
    _require_grant(Grants(actor), role, school=school, district=district)
    _raise_if(
        {
            "name": _name_problem(name),
            "phone": _phone_problem(phone),
            "username": _username_problem(username) if username != phone else None,
            "department": _department_problem(department),
        }
    )
    try:
        with transaction.atomic():
            user = User(username=username, name=name, phone=phone)
            password = _give_temporary_password(user)
            user.save()
            membership = Membership.objects.create(
                user=user, role=role, school=school, district=district, department=department
            )
            record_change(actor=actor, action="create", instance=user, before=None, school=school)
            record_change(actor=actor, action="create", instance=membership, before=None, school=school)
    except IntegrityError:
        # Someone else took the phone or username between the check and the insert.
        raise ValidationError({"phone": _("手机号或用户名刚被其他账号使用，请检查后重试。")}) from None
    return user, password


def update_account(*, user: User, name: str, phone: str, username: str = "", actor) -> User:
    """Change an account's name, phone and username (which defaults to the phone)."""
    _require_account(Grants(actor), user)
    name, phone = name.strip(), normalise_phone(phone)
    username = username.strip() or phone
    _raise_if(
        {
            "name": _name_problem(name),
            "phone": _phone_problem(phone, exclude=user),
            "username": _username_problem(username, exclude=user) if username != phone else None,
        }
    )
    if (user.name, user.phone, user.username) == (name, phone, username):
        return user
    try:
        with transaction.atomic():
            before = snapshot(user)
            user.name, user.phone, user.username = name, phone, username
            user.save(update_fields=["name", "phone", "username"])
            record_change(actor=actor, action="update", instance=user, before=before)
    except IntegrityError:
        raise ValidationError({"phone": _("手机号或用户名刚被其他账号使用，请检查后重试。")}) from None
    return user


def reset_password(*, user: User, actor) -> str:
    """Give the account a new temporary password, returned once; it must be changed at sign-in."""
    _require_account(Grants(actor), user)
    with transaction.atomic():
        before = snapshot(user)
        password = _give_temporary_password(user)
        user.save(update_fields=["password", "must_change_password"])
        record_change(actor=actor, action="reset_password", instance=user, before=before)
    return password


def _set_active(users: Iterable[User], *, is_active: bool, actor) -> list[User]:
    users = list(users)
    grants = Grants(actor)
    if not is_active and any(user.pk == getattr(actor, "pk", None) for user in users):
        raise ValidationError(_("不能停用自己的账号。"))
    for user in users:
        _require_account(grants, user)
    with transaction.atomic():
        changing = list(
            User.objects.select_for_update()
            .filter(pk__in=[user.pk for user in users])
            .exclude(is_active=is_active)
            .order_by("pk")
        )
        prefetch_related_objects(changing, "groups", "user_permissions")
        changes = []
        for user in changing:
            before = snapshot(user)
            user.is_active = is_active
            changes.append((user, before))
        User.objects.bulk_update(changing, ["is_active"])
        record_bulk_change(actor=actor, action="reactivate" if is_active else "deactivate", changes=changes)
    return changing


def deactivate_accounts(*, users: Iterable[User], actor) -> list[User]:
    """Stop accounts from signing in, all or none; returns those that were active. One audit row each."""
    return _set_active(users, is_active=False, actor=actor)


def reactivate_accounts(*, users: Iterable[User], actor) -> list[User]:
    return _set_active(users, is_active=True, actor=actor)


# --- Memberships -----------------------------------------------------------------------


def _other_managing_memberships(membership: Membership):
    return (
        Membership.objects.active()
        .filter(user_id=membership.user_id, role__in=sorted(MANAGING_ROLES))
        .exclude(pk=membership.pk)
    )


def _refuse_locking_oneself_out(membership: Membership, actor, *, new_role: Role | None) -> None:
    """Nobody drops their own last role that lets them manage people, by a slip of the mouse."""
    if membership.user_id != getattr(actor, "pk", None) or Role(membership.role) not in MANAGING_ROLES:
        return
    if new_role is not None and new_role in MANAGING_ROLES:
        return
    if not _other_managing_memberships(membership).exists():
        raise ValidationError(
            _("这是您唯一可以管理人员的角色，去掉后您将无法再管理账号。请先让其他管理员为您保留管理角色。")
        )


def add_membership(
    *,
    user: User,
    role: Role | str,
    school: School | None = None,
    district: District | None = None,
    department: str = "",
    actor,
) -> Membership:
    """Give an account a role in a school or a district (again, if it had it once)."""
    role = Role(role)
    department = department.strip()
    _check_place(role, school, district)
    _require_grant(Grants(actor), role, school=school, district=district)
    _raise_if({"department": _department_problem(department)})
    with transaction.atomic():
        existing = (
            Membership.objects.select_for_update()
            .filter(user=user, role=role, school=school, district=district)
            .first()
        )
        if existing is not None and existing.is_active:
            raise ValidationError({"role": _("该账号在此已有“%(role)s”角色。") % {"role": role.label}})
        if existing is not None:
            before = snapshot(existing)
            existing.is_active = True
            existing.department = department
            existing.save(update_fields=["is_active", "department", "updated_at"])
            record_change(actor=actor, action="update", instance=existing, before=before, school=school)
            return existing
        membership = Membership.objects.create(
            user=user, role=role, school=school, district=district, department=department
        )
        record_change(actor=actor, action="create", instance=membership, before=None, school=school)
    return membership


def change_role(
    *, membership: Membership, role: Role | str, department: str | None = None, actor
) -> Membership:
    """Change a membership's role (in the same school or district) and, if given, its department."""
    role = Role(role)
    department = membership.department if department is None else department.strip()
    grants = Grants(actor)
    place = {"school": membership.school} if membership.school_id else {"district": membership.district}
    _require_grant(grants, Role(membership.role), **place)
    _check_place(role, place.get("school"), place.get("district"))
    _require_grant(grants, role, **place)
    _raise_if({"department": _department_problem(department)})
    if role == membership.role and department == membership.department:
        return membership
    if (
        role != membership.role
        and Membership.objects.filter(user_id=membership.user_id, role=role, **place)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError({"role": _("该账号在此已有“%(role)s”角色。") % {"role": role.label}})
    _refuse_locking_oneself_out(membership, actor, new_role=role)
    with transaction.atomic():
        before = snapshot(membership)
        membership.role, membership.department = role, department
        membership.save(update_fields=["role", "department", "updated_at"])
        record_change(
            actor=actor,
            action="change_role",
            instance=membership,
            before=before,
            school=_audit_school(membership),
        )
    return membership


def remove_membership(*, membership: Membership, actor) -> None:
    """Take a role away. The account's last role cannot be removed: deactivate the account instead."""
    place = {"school": membership.school} if membership.school_id else {"district": membership.district}
    _require_grant(Grants(actor), Role(membership.role), **place)
    if not Membership.objects.filter(user_id=membership.user_id).exclude(pk=membership.pk).exists():
        raise ValidationError(_("这是该账号唯一的角色，不能移除。如果此人已离开，请停用账号。"))
    _refuse_locking_oneself_out(membership, actor, new_role=None)
    with transaction.atomic():
        before = snapshot(membership)
        membership_id = membership.pk
        membership.delete()
        membership.pk = membership_id
        record_change(
            actor=actor, action="delete", instance=membership, before=before, school=place.get("school")
        )


# --- Import from a sheet ---------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    """Why one cell of the staff sheet is wrong, for the preview."""

    row_number: int
    column: str
    message: str


@dataclass(frozen=True)
class StaffRow:
    row_number: int
    name: str
    phone: str
    department: str
    role: Role


class StaffImportRefused(ValidationError):
    """The sheet has bad rows; nothing was created. `problems` lists every one."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(_("表格中有 %(count)s 处错误，未创建任何账号。") % {"count": len(problems)})
        self.problems = problems


def role_labels() -> dict[str, Role]:
    """What the sheet may say in the 角色 column: each role's Chinese label, and each half of
    a label like 教职工/班主任 on its own."""
    labels: dict[str, Role] = {}
    with translation.override("zh-hans"):
        for role in Role:
            label = str(role.label)
            labels[label] = role
            for part in label.split("/"):
                labels.setdefault(part.strip(), role)
            labels.setdefault(role.value, role)
    return labels


def check_staff_rows(
    rows: Iterable[SheetRow], *, school: School, actor
) -> tuple[list[StaffRow], list[RowProblem]]:
    """Every problem of every row, and the rows made ready to create when there are none."""
    rows = list(rows)
    grantable = Grants(actor).roles(school=school)
    labels = role_labels()
    problems: list[RowProblem] = []
    ready: list[StaffRow] = []
    phones = [normalise_phone(row.phone) for row in rows]
    taken = set(User.objects.filter(phone__in=phones).values_list("phone", flat=True)) | set(
        User.objects.filter(username__in=phones).values_list("username", flat=True)
    )
    first_row_of: dict[str, int] = {}
    for row, phone in zip(rows, phones, strict=True):
        row_problems: list[RowProblem] = []

        def problem(column: str, message: str, row=row, row_problems=row_problems) -> None:
            row_problems.append(RowProblem(row.row_number, column, message))

        name = row.name.strip()
        if (message := _name_problem(name)) is not None:
            problem(NAME, message)
        if not phone:
            problem(PHONE, _("请填写手机号。"))
        elif len(phone) != 11 or not phone.isascii() or not phone.isdigit() or not phone.startswith("1"):
            problem(PHONE, _("手机号“%(phone)s”格式不正确：应为以 1 开头的 11 位数字。") % {"phone": phone})
        elif phone in first_row_of:
            problem(
                PHONE,
                _("手机号 %(phone)s 与第 %(row)s 行重复。") % {"phone": phone, "row": first_row_of[phone]},
            )
        elif phone in taken:
            problem(PHONE, _("手机号 %(phone)s 已有账号。") % {"phone": phone})
        if phone and phone not in first_row_of:
            first_row_of[phone] = row.row_number
        department = row.department.strip()
        if (message := _department_problem(department)) is not None:
            problem(DEPARTMENT, message)
        role_text = row.role.strip()
        role = labels.get(role_text)
        if not role_text:
            problem(ROLE, _("请填写角色。"))
        elif role is None:
            problem(
                ROLE,
                _("未知角色“%(role)s”。可填：%(choices)s。")
                % {"role": role_text, "choices": "、".join(sorted_role_labels(grantable))},
            )
        elif role not in grantable:
            problem(ROLE, _("您无权授予“%(role)s”角色。") % {"role": role_text})
        if row_problems:
            problems.extend(row_problems)
        elif role is not None:
            ready.append(StaffRow(row.row_number, name, phone, department, role))
    return (ready if not problems else []), problems


def sorted_role_labels(roles: Iterable[Role]) -> list[str]:
    """Chinese labels of these roles, in the order of the Role table (the sheet is Chinese)."""
    wanted = set(roles)
    with translation.override("zh-hans"):
        return [str(role.label) for role in Role if role in wanted]


def import_staff(*, school: School, rows: Iterable[SheetRow], actor) -> list[tuple[User, str]]:
    """Create an account and a membership of `school` for every row, or nothing at all.

    The rows are checked again here, against the accounts as they are now. Returns each
    new account with its temporary password, in the sheet's order.
    """
    if not school.is_active:
        raise ValidationError(_("该学校已归档，不能添加人员。"))
    if not Grants(actor).roles(school=school):
        raise PermissionDenied(_("您无权管理该学校的人员。"))
    ready, problems = check_staff_rows(rows, school=school, actor=actor)
    if problems:
        raise StaffImportRefused(problems)
    created: list[tuple[User, str]] = []
    try:
        with transaction.atomic():
            users = []
            for row in ready:
                user = User(username=row.phone, name=row.name, phone=row.phone)
                created.append((user, _give_temporary_password(user)))
                users.append(user)
            User.objects.bulk_create(users)
            memberships = Membership.objects.bulk_create(
                [
                    Membership(user=user, school=school, role=row.role, department=row.department)
                    for user, row in zip(users, ready, strict=True)
                ]
            )
            prefetch_related_objects(users, "groups", "user_permissions")
            record_bulk_change(
                actor=actor, action="create", changes=[(user, None) for user in users], school=school
            )
            record_bulk_change(
                actor=actor,
                action="create",
                changes=[(membership, None) for membership in memberships],
                school=school,
            )
            record_event(
                actor=actor,
                action="import_staff",
                object_type="accounts.user",
                school=school,
                context={"count": len(users)},
            )
    except IntegrityError:
        raise ValidationError(_("有手机号刚被其他账号使用，未创建任何账号。请重新上传表格。")) from None
    return created
