"""Forms of the bureau's school registry pages (provision and edit a school)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from frontend.forms import TablerForm
from tenants.models import SchoolKind


class SchoolEditForm(TablerForm, forms.Form):
    name = forms.CharField(label=_("学校名称"), max_length=100)
    kind = forms.ChoiceField(label=_("学段类型"), choices=SchoolKind.choices)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    student_count = forms.IntegerField(label=_("学生数"), min_value=0, max_value=100_000, initial=0)
    staff_count = forms.IntegerField(label=_("教职工数"), min_value=0, max_value=10_000, initial=0)


class NewSchoolForm(SchoolEditForm):
    code = forms.CharField(
        label=_("学校标识码"),
        max_length=10,
        help_text=_("10 位数字，创建后不能修改。"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    district = forms.ChoiceField(label=_("所属教育局"))

    field_order = ["code", "name", "kind", "district", "address", "student_count", "staff_count"]

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [(district.code, district.name) for district in districts]
        if len(self.fields["district"].choices) == 1:
            self.fields["district"].initial = self.fields["district"].choices[0][0]
