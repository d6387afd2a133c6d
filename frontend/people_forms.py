"""Forms of the people pages: accounts, roles, the staff sheet upload, and the list's filters.

Choices depend on who is looking: the units of their area (`PeopleArea`) and the roles
they may grant there. The forms only parse; the actions decide.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from eduplatform.accounts.management_access import Grants, PeopleArea
from eduplatform.accounts.roles import DISTRICT_ROLES, Role
from eduplatform.accounts.staff_sheet import MAX_UPLOAD_BYTES
from frontend.forms import TablerForm


def _role_choices(roles) -> list[tuple[str, str]]:
    return [(role.value, role.label) for role in Role if role in roles]


# A role is chosen on purpose: no form offers "bureau admin" or "principal" as its default.
CHOOSE = ("", _("请选择…"))


def unit_choices(area: PeopleArea) -> list[tuple[str, list[tuple[str, str]]]]:
    """The districts and schools of a bureau's area, as "d:<id>" / "s:<id>" choices in groups."""
    districts = [(f"d:{district.pk}", district.name) for district in area.districts().order_by("code")]
    schools = [
        (f"s:{school.pk}", school.name)
        for school in area.schools().active().order_by("district__code", "code")
    ]
    return [(str(_("教育局")), districts), (str(_("学校")), schools)]


def roles_for_area(area: PeopleArea) -> frozenset[Role]:
    """The roles offered in this area's forms; the action checks each grant again."""
    if area.school is not None:
        return Grants(area.actor).roles(school=area.school)
    return frozenset(Role)


class AccountForm(TablerForm, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        required=False,
        help_text=_("留空则使用手机号登录。"),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
    )


class NewAccountForm(AccountForm):
    unit = forms.ChoiceField(label=_("单位"))
    role = forms.ChoiceField(label=_("角色"))
    department = forms.CharField(label=_("部门"), max_length=50, required=False)

    def __init__(self, *args, area: PeopleArea, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        self.fields["role"].choices = [CHOOSE, *_role_choices(roles_for_area(area))]
        if area.school is not None:
            del self.fields["unit"]
        else:
            self.fields["unit"].choices = [CHOOSE, *unit_choices(area)]
        # The department list of the school, as suggestions; any text is allowed.
        self.fields["department"].widget.attrs["list"] = "department-suggestions"


class MembershipForm(TablerForm, forms.Form):
    unit = forms.ChoiceField(label=_("单位"))
    role = forms.ChoiceField(label=_("角色"))
    department = forms.CharField(label=_("部门"), max_length=50, required=False)

    def __init__(self, *args, area: PeopleArea, **kwargs):
        kwargs.setdefault("prefix", "add")
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [CHOOSE, *_role_choices(roles_for_area(area))]
        if area.school is not None:
            del self.fields["unit"]
        else:
            self.fields["unit"].choices = [CHOOSE, *unit_choices(area)]
        self.fields["department"].widget.attrs["list"] = "department-suggestions"


class RoleForm(TablerForm, forms.Form):
    """Change one membership's role, within the same school or district."""

    role = forms.ChoiceField(label=_("角色"))
    department = forms.CharField(label=_("部门"), max_length=50, required=False)

    def __init__(self, *args, membership, grantable, **kwargs):
        kwargs.setdefault("prefix", f"m{membership.pk}")
        kwargs.setdefault("initial", {"role": membership.role, "department": membership.department})
        super().__init__(*args, **kwargs)
        same_kind = [
            role for role in grantable if (role in DISTRICT_ROLES) == (membership.district_id is not None)
        ]
        self.fields["role"].choices = _role_choices(same_kind)
        self.fields["department"].widget.attrs["list"] = "department-suggestions"


class PeopleFilterForm(TablerForm, forms.Form):
    q = forms.CharField(label=_("姓名或手机号"), required=False, max_length=50)
    school = forms.ChoiceField(label=_("学校"), required=False)
    role = forms.ChoiceField(label=_("角色"), required=False)
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("active", _("在用")), ("inactive", _("已停用"))],
    )

    def __init__(self, *args, area: PeopleArea, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": _("姓名、手机号或用户名")})
        roles = list(Role) if area.school is None else [role for role in Role if role not in DISTRICT_ROLES]
        self.fields["role"].choices = [("", _("全部角色")), *_role_choices(roles)]
        if area.school is not None:
            del self.fields["school"]
        else:
            schools = area.schools().order_by("district__code", "code").values_list("pk", "name")
            self.fields["school"].choices = [("", _("全部学校")), *[(str(pk), name) for pk, name in schools]]


class ImportForm(TablerForm, forms.Form):
    school = forms.ChoiceField(label=_("导入到学校"))
    file = forms.FileField(
        label=_("人员表格（.xlsx）"),
        help_text=_("列：姓名、手机号、部门、角色。最多 2000 行，文件不超过 5 MB。"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, area: PeopleArea, **kwargs):
        super().__init__(*args, **kwargs)
        if area.school is not None:
            del self.fields["school"]
        else:
            schools = area.schools().active().order_by("district__code", "code")
            self.fields["school"].choices = [CHOOSE, *[(str(school.pk), school.name) for school in schools]]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件超过 5 MB，请删去多余内容后再上传。"))
        return upload
