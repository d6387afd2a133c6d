"""Forms of the building register, visitor log, drills and emergency plans: they parse; the
domain (eduplatform.safety.actions) decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from eduplatform.safety.models import BuildingStructure, DangerGrade, DrillKind, PlanKind
from frontend.forms import TablerForm
from frontend.safety.forms import MultiplePhotoField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DOCUMENT = forms.ClearableFileInput(attrs={"accept": ".pdf,.doc,.docx,image/*"})


class BuildingForm(TablerForm, forms.Form):
    name = forms.CharField(label=_("校舍名称"), max_length=100)
    built_year = forms.IntegerField(label=_("建成年份"))
    structure = forms.ChoiceField(label=_("结构类型"), choices=BuildingStructure.choices)
    floors = forms.IntegerField(label=_("层数"))
    area = forms.DecimalField(label=_("建筑面积（㎡）"), max_digits=12, decimal_places=2)
    usage = forms.CharField(label=_("用途"), max_length=50, required=False)


class AssessmentForm(TablerForm, forms.Form):
    grade = forms.ChoiceField(label=_("危险性等级"), choices=DangerGrade.choices)
    assessed_on = forms.DateField(label=_("鉴定日期"), widget=DATE)
    assessor = forms.CharField(label=_("鉴定单位/人"), max_length=100)
    notes = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    report = forms.FileField(label=_("鉴定报告"), required=False, widget=DOCUMENT)


class VisitorForm(TablerForm, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    phone = forms.CharField(
        label=_("联系电话"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    organisation = forms.CharField(label=_("单位"), max_length=100, required=False)
    purpose = forms.CharField(label=_("来访事由"), max_length=200)
    host = forms.CharField(label=_("被访人（确认人）"), max_length=50)
    vehicle_plate = forms.CharField(
        label=_("车牌号"), max_length=10, required=False, help_text=_("无车辆可不填")
    )


class DrillForm(TablerForm, forms.Form):
    kind = forms.ChoiceField(label=_("演练类型"), choices=DrillKind.choices)
    title = forms.CharField(label=_("演练名称"), max_length=100)
    held_on = forms.DateField(label=_("演练日期"), widget=DATE)
    students = forms.IntegerField(label=_("参与学生人数"), min_value=0)
    staff = forms.IntegerField(label=_("参与教职工人数"), min_value=0)
    evacuation_seconds = forms.IntegerField(label=_("疏散用时（秒）"), min_value=0, required=False)
    evaluation = forms.CharField(
        label=_("演练评估"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    problems = forms.CharField(
        label=_("发现的问题"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photos = MultiplePhotoField(label=_("照片"), required=False)


class PlanForm(TablerForm, forms.Form):
    kind = forms.ChoiceField(label=_("预案类型"), choices=PlanKind.choices)
    title = forms.CharField(label=_("预案名称"), max_length=100)
    version = forms.CharField(label=_("版本"), max_length=20)
    approver = forms.CharField(label=_("审批人"), max_length=50)
    reviewed_on = forms.DateField(label=_("审定日期"), widget=DATE)
    document = forms.FileField(label=_("预案文件"), required=False, widget=DOCUMENT)


class ReviewPlanForm(TablerForm, forms.Form):
    version = forms.CharField(label=_("新版本"), max_length=20)
    approver = forms.CharField(label=_("审批人"), max_length=50)
    reviewed_on = forms.DateField(label=_("审定日期"), widget=DATE)
    document = forms.FileField(label=_("预案文件"), required=False, widget=DOCUMENT)
