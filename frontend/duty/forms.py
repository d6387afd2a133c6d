"""Forms of the duty pages: they parse; the domain (eduplatform.duty.actions) decides."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduplatform.checklists.models import Severity
from eduplatform.duty.models import ShiftKind
from eduplatform.safety.models import HazardCategory
from frontend.forms import TablerForm
from frontend.safety.forms import MultiplePhotoField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 2})


def person_label(user) -> str:
    name = user.name or user.username
    return f"{name} · {user.phone}" if user.phone else name


def now_for_input() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class PeopleMixin:
    """Fills the person fields named in `person_fields` with the school's members."""

    person_fields: tuple[str, ...] = ()

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(person.pk, person_label(person)) for person in people]
        for name in self.person_fields:
            field = self.fields[name]
            is_multiple = isinstance(field, forms.MultipleChoiceField)
            field.choices = choices if is_multiple else [("", "—"), *choices]


class ShiftForm(PeopleMixin, TablerForm, forms.Form):
    person_fields = ("leader", "members")

    kind = forms.ChoiceField(label=_("值班类型"), choices=ShiftKind.choices)
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=MOMENT)
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=MOMENT)
    leader = forms.TypedChoiceField(label=_("带班领导/负责人"), coerce=int, empty_value=None)
    members = forms.TypedMultipleChoiceField(
        label=_("值班人员"), coerce=int, required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}), help_text=_("可多选；带班领导无需重复选择"),
    )  # fmt: skip
    phone = forms.CharField(
        label=_("值班电话"), max_length=20, required=False, help_text=_("如值班室座机，可不填")
    )
    notes = forms.CharField(label=_("备注"), required=False, widget=TEXT)


class CancelShiftForm(TablerForm, forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200, required=False)


class CopyWeekForm(TablerForm, forms.Form):
    source = forms.DateField(label=_("复制哪一周（该周任一天）"), widget=DATE)
    target = forms.DateField(label=_("复制到哪一周（该周任一天）"), widget=DATE)


class RotationForm(PeopleMixin, TablerForm, forms.Form):
    person_fields = ("people",)

    kind = forms.ChoiceField(label=_("值班类型"), choices=ShiftKind.choices, initial=ShiftKind.HOLIDAY)
    first_day = forms.DateField(label=_("开始日期"), widget=DATE)
    last_day = forms.DateField(label=_("结束日期"), widget=DATE)
    start_time = forms.TimeField(label=_("每班开始时间"), widget=TIME, initial="08:00")
    end_time = forms.TimeField(
        label=_("每班结束时间"), widget=TIME, initial="08:00", help_text=_("不晚于开始时间即为次日")
    )
    people = forms.TypedMultipleChoiceField(
        label=_("轮值人员（按顺序轮流）"), coerce=int, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    holidays_only = forms.BooleanField(
        label=_("只安排不上课的日子（节假日、周末）"), required=False, initial=True
    )
    phone = forms.CharField(label=_("值班电话"), max_length=20, required=False)


class LogForm(TablerForm, forms.Form):
    summary = forms.CharField(label=_("值班情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    report_up = forms.CharField(label=_("需上报事项"), required=False, widget=TEXT)


class RoundForm(TablerForm, forms.Form):
    patrolled_at = forms.DateTimeField(label=_("巡查时间"), widget=MOMENT)
    area = forms.CharField(
        label=_("巡查部位"), max_length=100, help_text=_("如：校门、教学楼、宿舍楼、配电房")
    )
    is_normal = forms.BooleanField(label=_("情况正常"), required=False, initial=True)
    findings = forms.CharField(label=_("巡查情况"), required=False, widget=TEXT)
    photos = MultiplePhotoField(label=_("照片"), required=False)


class EventForm(TablerForm, forms.Form):
    occurred_at = forms.DateTimeField(label=_("发生时间"), widget=MOMENT)
    description = forms.CharField(label=_("事件经过"), widget=TEXT)
    handling = forms.CharField(label=_("处理情况"), required=False, widget=TEXT)
    photos = MultiplePhotoField(label=_("照片"), required=False)
    open_hazard = forms.BooleanField(label=_("作为隐患上报（须有照片）"), required=False)
    # Named as the hazard register names them, so that its refusals land beside them.
    category = forms.ChoiceField(label=_("隐患类别"), choices=HazardCategory.choices, required=False)
    severity = forms.ChoiceField(label=_("隐患等级"), choices=Severity.choices, required=False)
    location = forms.CharField(label=_("隐患位置"), max_length=100, required=False)


class HandoverForm(TablerForm, forms.Form):
    to_shift = forms.TypedChoiceField(label=_("接班班次"), coerce=int, empty_value=None)
    open_matters = forms.CharField(label=_("未尽事项"), required=False, widget=TEXT)
    keys_equipment = forms.CharField(label=_("钥匙与器材"), required=False, widget=TEXT)
    notes = forms.CharField(label=_("其他说明"), required=False, widget=TEXT)

    def __init__(self, *args, next_shifts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_shift"].choices = [(shift.pk, shift_label(shift)) for shift in next_shifts]


class ConfirmHandoverForm(TablerForm, forms.Form):
    notes = forms.CharField(label=_("接班说明"), required=False, widget=TEXT)


def shift_label(shift) -> str:
    start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
    people = str(_("、")).join(person.name or person.username for person in shift.people())
    return f"{shift.get_kind_display()} {start:%m-%d %H:%M}–{end:%m-%d %H:%M} {people}"
