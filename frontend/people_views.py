"""People pages: accounts and roles, on the district portal (/people/) for bureau admins and
under /s/<code>/people/ for a school's leaders.

The same views serve both: `people_area` says where the person is looking (the school of
the page, or their bureau's districts and schools), and every account, membership or
school named in the URL or the form is loaded through it, so anything outside is a 404.
"""

from __future__ import annotations

import base64
import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from eduplatform.accounts import actions
from eduplatform.accounts.management_access import (
    Grants,
    PeopleArea,
    account_for_manager,
    accounts_in_area,
    district_in_area,
    membership_for_manager,
    people_area,
    school_in_area,
)
from eduplatform.accounts.models import Membership, User
from eduplatform.accounts.roles import Capability, Role
from eduplatform.accounts.staff_sheet import (
    XLSX_CONTENT_TYPE,
    SheetRefused,
    SheetRow,
    password_sheet,
    read_staff_sheet,
    staff_template,
)
from frontend.access import capability_required
from frontend.people_forms import (
    AccountForm,
    ImportForm,
    MembershipForm,
    NewAccountForm,
    PeopleFilterForm,
    RoleForm,
    roles_for_area,
)

PAGE_SIZE = 50
IMPORT_SESSION_PREFIX = "people_import:"


def _area(request) -> PeopleArea:
    return people_area(request.user, school=getattr(request, "school", None))


def _unit(area: PeopleArea, value: str | None) -> dict:
    """The school or district of a "s:<id>" / "d:<id>" choice (only ever one of the area's)."""
    if area.school is not None:
        return {"school": area.school}
    kind, _colon, pk = (value or "").partition(":")
    if not pk.isdigit():
        raise Http404("No such unit")
    if kind == "s":
        return {"school": school_in_area(area, pk)}
    if kind == "d":
        return {"district": district_in_area(area, pk)}
    raise Http404("No such unit")


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            for message in field_errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _department_suggestions(area: PeopleArea) -> list[str]:
    names = area.memberships().exclude(department="").values_list("department", flat=True)
    return sorted(set(names[:500]))


# --- The list ----------------------------------------------------------------------------


@require_http_methods(["GET"])
@capability_required(Capability.USERS_MANAGE)
def people(request):
    area = _area(request)
    form = PeopleFilterForm(request.GET or None, area=area)
    memberships = area.memberships()
    accounts = accounts_in_area(area)
    if form.is_valid():
        data = form.cleaned_data
        if data.get("school"):
            memberships = memberships.filter(school_id=data["school"])
        if data.get("role"):
            memberships = memberships.filter(role=data["role"])
        if data.get("school") or data.get("role"):
            accounts = User.objects.filter(pk__in=memberships.values("user_id"))
        if data.get("q"):
            q = data["q"].strip()
            accounts = accounts.filter(Q(name__icontains=q) | Q(phone__contains=q) | Q(username__icontains=q))
        if data.get("status"):
            accounts = accounts.filter(is_active=data["status"] == "active")
    shown_memberships = area.memberships().select_related("school", "district").order_by("school_id", "role")
    accounts = accounts.prefetch_related(
        Prefetch("memberships", queryset=shown_memberships, to_attr="area_memberships")
    ).order_by("name", "pk")
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"area": area, "form": form, "page": page}
    template = "people/partials/people_table.html" if request.htmx else "people/people.html"
    return render(request, template, context)


@require_POST
@capability_required(Capability.USERS_MANAGE)
def bulk_people(request):
    """Deactivate or reactivate the ticked accounts: all of them or, with a reason, none."""
    area = _area(request)
    ids = {int(value) for value in request.POST.getlist("user") if value.isdigit()}
    action = request.POST.get("action")
    if action not in {"deactivate", "reactivate"}:
        messages.error(request, _("请选择要执行的操作。"))
        return redirect("frontend:people")
    if not ids:
        messages.error(request, _("请先勾选人员。"))
        return redirect("frontend:people")
    users = list(accounts_in_area(area).filter(pk__in=ids))
    if len(users) != len(ids):
        raise Http404("No such account")
    try:
        if action == "deactivate":
            changed = actions.deactivate_accounts(users=users, actor=request.user)
            messages.success(request, _("已停用 %(count)s 个账号。") % {"count": len(changed)})
        else:
            changed = actions.reactivate_accounts(users=users, actor=request.user)
            messages.success(request, _("已启用 %(count)s 个账号。") % {"count": len(changed)})
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, _message(error))
    back = request.POST.get("next", "")
    if back.startswith(reverse("frontend:people")):
        return redirect(back)
    return redirect("frontend:people")


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("您无权执行此操作。")


# --- One account -------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@capability_required(Capability.USERS_MANAGE)
def create_person(request):
    area = _area(request)
    form = NewAccountForm(request.POST or None, area=area)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = _unit(area, data.get("unit"))
        try:
            user, password = actions.create_account(
                name=data["name"],
                phone=data["phone"],
                username=data["username"],
                role=data["role"],
                department=data["department"],
                actor=request.user,
                **unit,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            # Shown once, here; it is not kept anywhere in clear.
            return render(
                request,
                "people/temporary_password.html",
                {"area": area, "account": user, "password": password, "is_new": True},
            )
    return render(
        request,
        "people/create.html",
        {"area": area, "form": form, "departments": _department_suggestions(area)},
    )


def _person_context(request, area: PeopleArea, account: User, **forms) -> dict:
    grants = Grants(request.user)
    memberships = list(
        area.memberships()
        .filter(user=account)
        .select_related("school__district", "district")
        .order_by("school_id", "role")
    )
    rows = []
    for membership in memberships:
        where = {"school": membership.school} if membership.school_id else {"district": membership.district}
        grantable = grants.roles(**where)
        manageable = Role(membership.role) in grantable
        rows.append(
            {
                "membership": membership,
                "can_manage": manageable,
                "form": RoleForm(membership=membership, grantable=grantable) if manageable else None,
            }
        )
    can_edit_account = grants.account(account)
    outside = Membership.objects.filter(user=account).exclude(pk__in=[m.pk for m in memberships]).exists()
    return {
        "area": area,
        "account": account,
        "memberships": rows,
        "can_edit_account": can_edit_account,
        "has_memberships_outside": outside,
        "account_form": forms.get("account_form")
        or AccountForm(initial={"name": account.name, "phone": account.phone, "username": account.username}),
        "add_form": forms.get("add_form") or MembershipForm(area=area),
        "can_add_roles": bool(roles_for_area(area)),
        "departments": _department_suggestions(area),
    }


@require_http_methods(["GET", "POST"])
@capability_required(Capability.USERS_MANAGE)
def person(request, user_id: int):
    """One account: its details (editable by whoever manages all of it) and its roles here."""
    area = _area(request)
    account = account_for_manager(area, user_id)
    account_form = None
    if request.method == "POST":
        account_form = AccountForm(request.POST)
        if account_form.is_valid():
            try:
                actions.update_account(user=account, actor=request.user, **account_form.cleaned_data)
            except ValidationError as error:
                _add_errors(account_form, error)
            else:
                messages.success(request, _("已保存账号信息。"))
                return redirect("frontend:person", user_id=account.pk)
    context = _person_context(request, area, account, account_form=account_form)
    return render(request, "people/person.html", context)


@require_POST
@capability_required(Capability.USERS_MANAGE)
def add_membership(request, user_id: int):
    area = _area(request)
    account = account_for_manager(area, user_id)
    form = MembershipForm(request.POST, area=area)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.add_membership(
                user=account,
                role=data["role"],
                department=data["department"],
                actor=request.user,
                **_unit(area, data.get("unit")),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已添加角色。"))
            return redirect("frontend:person", user_id=account.pk)
    context = _person_context(request, area, account, add_form=form)
    return render(request, "people/person.html", context)


@require_POST
@capability_required(Capability.USERS_MANAGE)
def change_role(request, user_id: int, membership_id: int):
    area = _area(request)
    account = account_for_manager(area, user_id)
    membership = membership_for_manager(area, account, membership_id)
    grants = Grants(request.user)
    where = {"school": membership.school} if membership.school_id else {"district": membership.district}
    form = RoleForm(request.POST, membership=membership, grantable=grants.roles(**where))
    if not form.is_valid():
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
        return redirect("frontend:person", user_id=account.pk)
    try:
        actions.change_role(
            membership=membership,
            role=form.cleaned_data["role"],
            department=form.cleaned_data["department"],
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, _("已修改角色。"))
    return redirect("frontend:person", user_id=account.pk)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.USERS_MANAGE)
def remove_membership(request, user_id: int, membership_id: int):
    area = _area(request)
    account = account_for_manager(area, user_id)
    membership = membership_for_manager(area, account, membership_id)
    if not Grants(request.user).membership(membership):
        raise PermissionDenied
    if request.method == "POST":
        try:
            actions.remove_membership(membership=membership, actor=request.user)
        except ValidationError as error:
            messages.error(request, _message(error))
            return redirect("frontend:person", user_id=account.pk)
        messages.success(request, _("已移除角色。"))
        if accounts_in_area(area).filter(pk=account.pk).exists():
            return redirect("frontend:person", user_id=account.pk)
        return redirect("frontend:people")
    unit_name = membership.school.name if membership.school_id else membership.district.name
    return render(
        request,
        "people/remove_membership.html",
        {"area": area, "account": account, "membership": membership, "unit_name": unit_name},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@capability_required(Capability.USERS_MANAGE)
def reset_password(request, user_id: int):
    area = _area(request)
    account = account_for_manager(area, user_id)
    if not Grants(request.user).account(account):
        raise PermissionDenied
    if request.method == "POST":
        password = actions.reset_password(user=account, actor=request.user)
        return render(
            request,
            "people/temporary_password.html",
            {"area": area, "account": account, "password": password, "is_new": False},
        )
    return render(request, "people/reset_password.html", {"area": area, "account": account})


# --- Import from a sheet -----------------------------------------------------------------


@require_http_methods(["GET"])
@capability_required(Capability.USERS_MANAGE)
def import_people_template(request):
    area = _area(request)
    roles = roles_for_area(area) - {Role.BUREAU_ADMIN, Role.BUREAU_INSPECTOR, Role.BUREAU_VIEWER}
    content = staff_template(actions.sorted_role_labels(roles))
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename="人员导入模板.xlsx"
    )
    return response


@require_http_methods(["GET", "POST"])
@capability_required(Capability.USERS_MANAGE)
def import_people(request):
    """Upload a staff sheet. Its rows are kept in the session (never the file) for the preview."""
    area = _area(request)
    form = ImportForm(request.POST or None, request.FILES or None, area=area)
    if request.method == "POST" and form.is_valid():
        school = area.school or school_in_area(area, form.cleaned_data["school"])
        if not Grants(request.user).roles(school=school):
            raise PermissionDenied
        try:
            rows = read_staff_sheet(form.cleaned_data["file"])
        except SheetRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            token = _keep_import(request, school, rows)
            return redirect("frontend:confirm-import", token=token)
    return render(request, "people/import.html", {"area": area, "form": form})


def _keep_import(request, school, rows: list[SheetRow]) -> str:
    # One pending sheet per session: a new upload replaces an abandoned one.
    for key in [key for key in list(request.session.keys()) if key.startswith(IMPORT_SESSION_PREFIX)]:
        del request.session[key]
    token = secrets.token_urlsafe(16)
    request.session[IMPORT_SESSION_PREFIX + token] = {
        "user": request.user.pk,
        "school": school.pk,
        "portal": "school" if getattr(request, "school", None) else "district",
        "uploaded_at": timezone.now().isoformat(),
        "rows": [row.as_dict() for row in rows],
    }
    return token


def _pending_import(request, area: PeopleArea, token: str):
    """The kept sheet of this token, for this person on this portal (and school); else 404."""
    pending = request.session.get(IMPORT_SESSION_PREFIX + token)
    portal = "school" if area.school is not None else "district"
    if not pending or pending.get("user") != request.user.pk or pending.get("portal") != portal:
        raise Http404("No such import")
    if area.school is not None and pending["school"] != area.school.pk:
        raise Http404("No such import")
    school = area.school or school_in_area(area, pending["school"])
    return school, [SheetRow(**row) for row in pending["rows"]]


@never_cache
@require_http_methods(["GET", "POST"])
@capability_required(Capability.USERS_MANAGE)
def confirm_import(request, token: str):
    """The preview (every bad row, or every row to be created) and, on POST, the commit."""
    area = _area(request)
    school, rows = _pending_import(request, area, token)
    if request.method == "POST" and request.POST.get("cancel"):
        request.session.pop(IMPORT_SESSION_PREFIX + token, None)
        messages.info(request, _("已取消导入，未创建任何账号。"))
        return redirect("frontend:import-people")
    if request.method == "POST":
        try:
            created = actions.import_staff(school=school, rows=rows, actor=request.user)
        except actions.StaffImportRefused as refusal:
            return _render_preview(request, area, school, token, rows, refusal.problems)
        except ValidationError as error:
            messages.error(request, _message(error))
            return redirect("frontend:confirm-import", token=token)
        request.session.pop(IMPORT_SESSION_PREFIX + token, None)
        sheet = password_sheet(
            [(user.name, user.phone, user.username, password) for user, password in created],
            title=_("临时密码"),
        )
        return render(
            request,
            "people/import_done.html",
            {
                "area": area,
                "school": school,
                "created": created,
                # Handed over inside the page, so the passwords are never stored to be fetched later.
                "password_sheet": base64.b64encode(sheet).decode("ascii"),
                "xlsx_content_type": XLSX_CONTENT_TYPE,
            },
        )
    ready, problems = actions.check_staff_rows(rows, school=school, actor=request.user)
    return _render_preview(request, area, school, token, rows, problems, ready=ready)


def _render_preview(request, area, school, token, rows, problems, *, ready=()):
    return render(
        request,
        "people/import_preview.html",
        {
            "area": area,
            "school": school,
            "token": token,
            "row_count": len(rows),
            "problems": problems,
            "ready": ready,
        },
    )
