"""Forms of school vehicles, drivers and trips: they parse; eduplatform.vehicles.actions decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eduplatform.vehicles.actions import PLATE_EXAMPLES
from eduplatform.vehicles.models import LicenceClass, VehicleKind, VehicleStatus
from frontend.forms import TablerForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
COUNT = forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "class": "form-control form-control-lg"})


def _people_choices(people) -> list[tuple]:
    return [("", "—")] + [(person.pk, person.name or person.username) for person in people]


class VehicleFields(TablerForm, forms.Form):
    kind = forms.ChoiceField(label=_("车辆类型"), choices=VehicleKind.choices)
    seats = forms.IntegerField(
        label=_("核定载客人数"), min_value=1, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    make_model = forms.CharField(label=_("品牌型号"), max_length=100)
    operator = forms.CharField(
        label=_("运营单位"),
        max_length=100,
        required=False,
        help_text=_("本校自有车辆可不填；接送车填承运公司"),
    )
    last_inspected_on = forms.DateField(label=_("最近安全技术检验日期"), widget=DATE)
    insurance_expires_on = forms.DateField(label=_("保险到期日"), widget=DATE)


class VehicleForm(VehicleFields):
    plate = forms.CharField(label=_("车牌号"), max_length=12)
    field_order = ["plate"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plate"].help_text = (
            gettext("例如：%(ordinary)s，新能源车：%(new_energy)s") % PLATE_EXAMPLES
        )


class EditVehicleForm(VehicleFields):
    status = forms.ChoiceField(label=_("状态"), choices=VehicleStatus.choices)


class DriverForm(TablerForm, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(
        label=_("联系电话"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    id_number = forms.CharField(
        label=_("身份证号"), max_length=18, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    date_of_birth = forms.DateField(
        label=_("出生日期"), required=False, widget=DATE, help_text=_("不填则按身份证号识别")
    )
    licence_number = forms.CharField(
        label=_("驾驶证号"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    licence_class = forms.ChoiceField(label=_("准驾车型"), choices=LicenceClass.choices)
    licence_expires_on = forms.DateField(label=_("驾驶证有效期至"), widget=DATE)
    user = forms.TypedChoiceField(label=_("本校账号"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = _people_choices(people)


class EditDriverForm(TablerForm, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(
        label=_("联系电话"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    licence_number = forms.CharField(
        label=_("驾驶证号"), max_length=20, required=False, help_text=_("不填则保留原驾驶证号"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )  # fmt: skip
    licence_class = forms.ChoiceField(label=_("准驾车型"), choices=LicenceClass.choices)
    licence_expires_on = forms.DateField(label=_("驾驶证有效期至"), widget=DATE)
    user = forms.TypedChoiceField(label=_("本校账号"), coerce=int, required=False, empty_value=None)
    is_active = forms.BooleanField(label=_("在岗"), required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = _people_choices(people)


class PlanTripForm(TablerForm, forms.Form):
    vehicle = forms.TypedChoiceField(label=_("车辆"), coerce=int)
    driver = forms.TypedChoiceField(label=_("驾驶人"), coerce=int)
    escort = forms.TypedChoiceField(label=_("照管员"), coerce=int)
    route = forms.CharField(label=_("线路/用途"), max_length=200)
    planned_departure_at = forms.DateTimeField(
        label=_("发车时间"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )

    def __init__(self, *args, vehicles=(), drivers=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vehicle"].choices = [("", "—")] + [(vehicle.pk, vehicle.plate) for vehicle in vehicles]
        self.fields["driver"].choices = [("", "—")] + [(driver.pk, driver.name) for driver in drivers]
        self.fields["escort"].choices = _people_choices(people)


class StartTripForm(TablerForm, forms.Form):
    boarding_count = forms.IntegerField(label=_("上车人数"), min_value=0, widget=COUNT)


class CloseTripForm(TablerForm, forms.Form):
    leaving_count = forms.IntegerField(label=_("下车人数"), min_value=0, widget=COUNT)


class CorrectBoardingForm(TablerForm, forms.Form):
    boarding_count = forms.IntegerField(label=_("实际上车人数"), min_value=0, widget=COUNT)
    reason = forms.CharField(
        label=_("更正原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("请写明已如何核实每一名学生的去向"),
    )  # fmt: skip
