from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from eduplatform.checklists.models import Frequency, ItemKind, Severity, TemplateCategory
from eduplatform.safety.models import HazardCategory
from frontend.forms import TablerForm
from tenants.models import SchoolKind

PHOTO_WIDGET = forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"})


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultiplePhotoInput(attrs={"accept": "image/*", "capture": "environment", "multiple": True})

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultiplePhotoField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def apply_refusal(form, error) -> None:
    """Show a domain refusal beside its field (or above the form)."""
    for field, messages in error.message_dict.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


def _people_choices(people) -> list[tuple]:
    return [("", "—")] + [(person.pk, person.name or person.username) for person in people]


class ReportHazardForm(TablerForm, forms.Form):
    location = forms.CharField(label=_("位置"), max_length=100)
    category = forms.ChoiceField(label=_("类别"), choices=HazardCategory.choices)
    severity = forms.ChoiceField(label=_("等级"), choices=Severity.choices)
    description = forms.CharField(label=_("隐患描述"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible = forms.TypedChoiceField(
        label=_("整改责任人"), coerce=int, required=False, empty_value=None,
        help_text=_("不选则由安全管理人员指定"),
    )  # fmt: skip
    deadline = forms.DateField(
        label=_("整改期限"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    photos = MultiplePhotoField(label=_("照片"), required=False)

    def __init__(self, *args, people=(), default_days=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].choices = _people_choices(people)
        if default_days:
            # The district's defaults, so that the reporter knows what an empty deadline means.
            self.fields["deadline"].help_text = _("不填则按等级默认：%(days)s") % {
                "days": "，".join(
                    _("%(severity)s %(days)s 天") % {"severity": label, "days": default_days[value]}
                    for value, label in Severity.choices
                    if value in default_days
                )
            }


class RectifyForm(TablerForm, forms.Form):
    notes = forms.CharField(label=_("整改措施"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultiplePhotoField(label=_("整改后照片"), required=False)


class VerifyForm(TablerForm, forms.Form):
    notes = forms.CharField(label=_("验收意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(TablerForm, forms.Form):
    reason = forms.CharField(label=_("退回原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(
        label=_("新的整改期限"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("不填则沿用原期限"),
    )  # fmt: skip


class AssignForm(TablerForm, forms.Form):
    responsible = forms.TypedChoiceField(label=_("整改责任人"), coerce=int, required=False, empty_value=None)
    deadline = forms.DateField(
        label=_("整改期限"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].choices = _people_choices(people)


class TemplateForm(TablerForm, forms.Form):
    name = forms.CharField(label=_("模板名称"), max_length=100)
    category = forms.ChoiceField(label=_("类别"), choices=TemplateCategory.choices)
    frequency = forms.ChoiceField(label=_("频次"), choices=Frequency.choices)
    times_per_term = forms.IntegerField(label=_("每学期次数"), min_value=1, max_value=50, initial=1)
    school_kinds = forms.MultipleChoiceField(
        label=_("适用学段"), choices=SchoolKind.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("不选则适用于所有学校"),
    )  # fmt: skip
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ItemForm(TablerForm, forms.Form):
    section = forms.TypedChoiceField(label=_("分组"), coerce=int)
    text = forms.CharField(label=_("检查内容"), max_length=300)
    guidance = forms.CharField(label=_("检查要点"), max_length=500, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=ItemKind.choices)
    unit = forms.CharField(label=_("单位"), max_length=20, required=False)
    minimum = forms.DecimalField(label=_("最小值"), required=False)
    maximum = forms.DecimalField(label=_("最大值"), required=False)
    choices = forms.CharField(
        label=_("选项"), required=False, help_text=_("用顿号或逗号分隔，如：A级、B级、C级、D级")
    )
    failing_choices = forms.CharField(label=_("不合格选项"), required=False)
    is_required = forms.BooleanField(label=_("必填"), required=False, initial=True)
    photo_required_on_failure = forms.BooleanField(label=_("不合格须拍照"), required=False, initial=True)
    severity_on_failure = forms.ChoiceField(label=_("不合格隐患等级"), choices=Severity.choices)
    opens_hazard = forms.BooleanField(label=_("不合格时生成隐患"), required=False, initial=True)
    hazard_deadline_days = forms.IntegerField(
        label=_("整改期限（天）"), required=False, min_value=0, max_value=365
    )

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [(section.pk, section.title) for section in sections]

    def definition(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("section", None)
        for name in ("choices", "failing_choices"):
            raw = data[name].replace("，", ",").replace("、", ",")
            data[name] = [part.strip() for part in raw.split(",") if part.strip()]
        return data


class LocalItemForm(ItemForm):
    """An item the school adds (to its own template, or after a district template's items)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["section"]


class LocalTemplateForm(TablerForm, forms.Form):
    name = forms.CharField(label=_("模板名称"), max_length=100)
    category = forms.ChoiceField(
        label=_("类别"), choices=TemplateCategory.choices, initial=TemplateCategory.CUSTOM
    )
    frequency = forms.ChoiceField(label=_("频次"), choices=Frequency.choices, initial=Frequency.ON_DEMAND)
    times_per_term = forms.IntegerField(
        label=_("每学期次数"), min_value=1, max_value=50, initial=1, help_text=_("频次为“每学期若干次”时填写")
    )
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SectionForm(TablerForm, forms.Form):
    title = forms.CharField(label=_("分组名称"), max_length=100)
