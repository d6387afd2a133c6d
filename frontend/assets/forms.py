"""Forms of the assets pages. They parse what people type; the rules are the domain's.

Choices (people, places, classes, departments) come from eduplatform.assets.access, so a
form never offers, or accepts, a record of another school or one the person may not see.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduplatform.assets import access
from eduplatform.assets.models import (
    TEACHER_RESULTS,
    AcquisitionMethod,
    Condition,
    DisposalMethod,
    EndOfTermResult,
    Funding,
    ProcurementForm,
    StocktakeScope,
)
from eduplatform.organisation.access import departments_for_school
from frontend.forms import TablerForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


def add_refusal(form: forms.Form, error: ValidationError) -> None:
    """Show a domain refusal beside the field it names, or above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = field if field in form.fields else None
        for item in errors:
            form.add_error(target if field != NON_FIELD_ERRORS else None, item)


class Choices:
    """The school's people, places, classes and departments, as the person may see them."""

    def __init__(self, request) -> None:
        from frontend.access import page_capabilities

        capabilities = page_capabilities(request)
        self.people = access.school_people(request.school)
        self.locations = access.locations_for_user(request.user, capabilities=capabilities).filter(
            is_active=True
        )
        self.classes = access.classes_for_user(request.user, capabilities=capabilities).filter(is_active=True)
        self.departments = departments_for_school().filter(is_active=True)


def person(label, required=False):
    return forms.ModelChoiceField(queryset=None, label=label, required=required, empty_label=_("（不选）"))


def place(label, required=False):
    return forms.ModelChoiceField(queryset=None, label=label, required=required, empty_label=_("（不选）"))


class ChoicesForm(TablerForm, forms.Form):
    """A form whose choice fields get their querysets from `Choices`, by field kind."""

    people_fields: tuple[str, ...] = ()
    location_fields: tuple[str, ...] = ()
    class_fields: tuple[str, ...] = ()
    department_fields: tuple[str, ...] = ()

    def __init__(self, *args, choices: Choices, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for names, queryset in (
            (self.people_fields, choices.people),
            (self.location_fields, choices.locations),
            (self.class_fields, choices.classes),
            (self.department_fields, choices.departments),
        ):
            for name in names:
                self.fields[name].queryset = queryset


class PartialMoveForm(forms.Form):
    """A move form that, for a batch card (400 stools), asks how many items move. Fewer than
    the card holds become a card of their own (拆分); the whole card moves otherwise."""

    def __init__(self, *args, asset=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if asset is None or asset.quantity < 2:
            return
        self.fields["quantity"] = forms.IntegerField(
            label=_("数量"),
            required=False,
            initial=asset.quantity,
            help_text=_("本卡片共 %(quantity)s %(unit)s；少于此数时，这部分拆分为一张新卡片。")
            % {"quantity": asset.quantity, "unit": asset.unit},
            widget=forms.NumberInput(attrs={"class": "form-control", "min": 1, "max": asset.quantity}),
        )
        self.order_fields(["quantity"])


class RegisterForm(ChoicesForm):
    name = forms.CharField(label=_("资产名称"), max_length=200)
    classification_code = forms.CharField(
        label=_("分类代码"),
        max_length=7,
        help_text=_("GB/T 14885：2022 版为字母加 6 位数字，2010 版为 7 位数字。"),
    )
    specification = forms.CharField(label=_("规格型号"), max_length=200, required=False)
    brand = forms.CharField(label=_("品牌"), max_length=100, required=False)
    serial_number = forms.CharField(label=_("出厂编号"), max_length=100, required=False)
    unit = forms.CharField(label=_("计量单位"), max_length=10, initial="台")
    quantity = forms.IntegerField(
        label=_("数量"),
        min_value=1,
        initial=1,
        help_text=_("一批相同物品（如 400 张凳子）可登记为一张卡片。"),
    )
    unit_price = forms.DecimalField(label=_("单价（元）"), **MONEY)
    original_value = forms.DecimalField(
        label=_("原值（元）"), required=False, help_text=_("留空则为单价×数量。"), **MONEY
    )
    acquisition_date = forms.DateField(label=_("取得日期"), widget=DATE)
    funding = forms.ChoiceField(label=_("经费来源"), choices=[("", "—"), *Funding.choices], required=False)
    acquisition_method = forms.ChoiceField(
        label=_("取得方式"), choices=AcquisitionMethod.choices, initial=AcquisitionMethod.PURCHASE
    )
    procurement_form = forms.ChoiceField(
        label=_("采购组织形式"), choices=[("", "—"), *ProcurementForm.choices], required=False
    )
    supplier = forms.CharField(label=_("供应商"), max_length=200, required=False)
    voucher_number = forms.CharField(label=_("会计凭证号"), max_length=60, required=False)
    finance_number = forms.CharField(label=_("财政编号"), max_length=40, required=False)
    budget_project_number = forms.CharField(label=_("预算项目编号"), max_length=60, required=False)
    warranty_until = forms.DateField(label=_("保修截止日期"), widget=DATE, required=False)
    moe_equipment_code = forms.CharField(label=_("教育装备代码"), max_length=40, required=False)
    useful_life_years = forms.IntegerField(label=_("使用年限（年）"), min_value=0, max_value=100, required=False,
                                           help_text=_("留空则按分类取教育局规定的折旧年限。"))  # fmt: skip
    number = forms.CharField(
        label=_("资产编号"), max_length=40, required=False, help_text=_("留空则按编号规则自动生成。")
    )
    location = place(_("存放地点"))
    using_department = place(_("使用部门"))
    custodian = person(_("使用人"))
    school_class = place(_("班级"))
    handler = person(_("经手人"), required=True)
    acceptor = person(_("验收人"), required=True)
    approver = person(_("审核人"), required=True)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    people_fields = ("custodian", "handler", "acceptor", "approver")
    location_fields = ("location",)
    class_fields = ("school_class",)
    department_fields = ("using_department",)
    DETAIL_FIELDS = (
        "name", "classification_code", "specification", "brand", "serial_number", "unit", "quantity", "unit_price",
        "original_value", "acquisition_date", "funding", "acquisition_method", "procurement_form", "supplier",
        "voucher_number", "finance_number", "budget_project_number", "warranty_until", "moe_equipment_code",
        "useful_life_years", "note",
    )  # fmt: skip

    def details(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.DETAIL_FIELDS}


class DetailsForm(ChoicesForm):
    """Correcting a card's description (its state changes only by movements)."""

    name = RegisterForm.base_fields["name"]
    classification_code = RegisterForm.base_fields["classification_code"]
    specification = RegisterForm.base_fields["specification"]
    brand = RegisterForm.base_fields["brand"]
    serial_number = RegisterForm.base_fields["serial_number"]
    unit = RegisterForm.base_fields["unit"]
    unit_price = RegisterForm.base_fields["unit_price"]
    original_value = forms.DecimalField(label=_("原值（元）"), **MONEY)
    acquisition_date = RegisterForm.base_fields["acquisition_date"]
    funding = RegisterForm.base_fields["funding"]
    acquisition_method = RegisterForm.base_fields["acquisition_method"]
    procurement_form = RegisterForm.base_fields["procurement_form"]
    supplier = RegisterForm.base_fields["supplier"]
    voucher_number = RegisterForm.base_fields["voucher_number"]
    finance_number = RegisterForm.base_fields["finance_number"]
    budget_project_number = RegisterForm.base_fields["budget_project_number"]
    posted_on = forms.DateField(label=_("入账日期"), widget=DATE, required=False)
    is_reported_to_finance = forms.BooleanField(label=_("已报财务"), required=False)
    warranty_until = RegisterForm.base_fields["warranty_until"]
    moe_equipment_code = RegisterForm.base_fields["moe_equipment_code"]
    useful_life_years = forms.IntegerField(label=_("使用年限（年）"), min_value=0, max_value=100)
    managing_department = place(_("管理部门"))
    note = RegisterForm.base_fields["note"]

    department_fields = ("managing_department",)

    def changes(self, asset) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if getattr(asset, name) != value}


class IssueForm(PartialMoveForm, ChoicesForm):
    custodian = person(_("领用人"))
    custodian_name = forms.CharField(label=_("或填写领用人姓名"), max_length=50, required=False,
                                     help_text=_("没有平台账号的人员，只记姓名。"))  # fmt: skip
    using_department = place(_("领用部门"))
    school_class = place(_("班级"))
    location = place(_("存放地点"))
    occurred_on = forms.DateField(label=_("日期"), widget=DATE, required=False)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    people_fields = ("custodian",)
    location_fields = ("location",)
    class_fields = ("school_class",)
    department_fields = ("using_department",)


class ReclaimForm(ChoicesForm):
    location = place(_("退回存放地点"))
    condition = forms.ChoiceField(label=_("状况"), choices=Condition.choices, initial=Condition.GOOD)
    occurred_on = forms.DateField(label=_("日期"), widget=DATE, required=False)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    location_fields = ("location",)


class BorrowForm(PartialMoveForm, ChoicesForm):
    borrower = person(_("借用人"), required=True)
    due_date = forms.DateField(label=_("应还日期"), widget=DATE)
    note = forms.CharField(label=_("用途"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    people_fields = ("borrower",)


class ReturnForm(ReclaimForm):
    location = place(_("归还后存放地点"))
    condition = forms.ChoiceField(label=_("归还时状况"), choices=Condition.choices, initial=Condition.GOOD)


class TransferForm(PartialMoveForm, ChoicesForm):
    to_department = place(_("调入部门"))
    to_location = place(_("调入地点"))
    to_class = place(_("调入班级"))
    to_custodian = person(_("新使用人"))
    approver = person(_("审批人"), required=True)
    occurred_on = forms.DateField(label=_("日期"), widget=DATE, required=False)
    note = forms.CharField(label=_("调拨原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    people_fields = ("to_custodian", "approver")
    location_fields = ("to_location",)
    class_fields = ("to_class",)
    department_fields = ("to_department",)

    def arguments(self) -> dict:
        """Only what was chosen moves; a field left empty keeps its value."""
        data = {"approver": self.cleaned_data["approver"], "note": self.cleaned_data["note"],
                "occurred_on": self.cleaned_data["occurred_on"]}  # fmt: skip
        for name in ("to_department", "to_location", "to_class", "to_custodian"):
            if self.cleaned_data.get(name) is not None:
                data[name] = self.cleaned_data[name]
        if self.cleaned_data.get("quantity") is not None:
            data["quantity"] = self.cleaned_data["quantity"]
        return data


class RepairOutForm(PartialMoveForm, TablerForm, forms.Form):
    vendor = forms.CharField(label=_("维修单位"), max_length=200, required=False)
    fault = forms.CharField(label=_("故障情况"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    occurred_on = forms.DateField(label=_("送修日期"), widget=DATE, required=False)


class RepairBackForm(TablerForm, forms.Form):
    is_repaired = forms.TypedChoiceField(
        label=_("维修结果"),
        choices=[("1", _("已修好")), ("0", _("无法修复"))],
        coerce=lambda value: value == "1",
    )
    cost = forms.DecimalField(label=_("维修费用（元）"), required=False, **MONEY)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DamageForm(PartialMoveForm, ChoicesForm):
    description = forms.CharField(
        label=_("损坏情况"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    responsible_name = forms.CharField(
        label=_("责任人"), max_length=50, required=False, help_text=_("谁损坏谁赔偿。")
    )
    responsible = person(_("责任人账号"))
    compensation_amount = forms.DecimalField(label=_("赔偿金额（元）"), required=False, **MONEY)

    people_fields = ("responsible",)


class DisposalRequestForm(PartialMoveForm, TablerForm, forms.Form):
    method = forms.ChoiceField(label=_("处置方式"), choices=DisposalMethod.choices)
    reason = forms.CharField(label=_("处置理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class OutcomeForm(TablerForm, forms.Form):
    """处置结果 of an approved disposal."""

    counterparty = forms.CharField(
        label=_("接收方"), max_length=200, required=False,
        help_text=_("买受人、调入单位、受赠方或回收单位；报废可不填。"),
    )  # fmt: skip
    disposed_on = forms.DateField(label=_("处置日期"), widget=DATE, required=False)
    proceeds = forms.DecimalField(
        label=_("处置收入（元）"), max_digits=14, decimal_places=2, required=False,
        help_text=_("没有收入（无偿调出、捐赠、报废无残值）填 0。"),
    )  # fmt: skip
    document_number = forms.CharField(label=_("凭证或文件号"), max_length=60, required=False)
    is_remitted = forms.BooleanField(label=_("处置收入已上缴财政"), required=False)


class DecisionForm(TablerForm, forms.Form):
    note = forms.CharField(
        label=_("审批意见"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class UploadForm(TablerForm, forms.Form):
    file = forms.FileField(label=_("文件"))


class LocationForm(TablerForm, forms.Form):
    building = forms.CharField(label=_("楼宇"), max_length=50)
    floor = forms.CharField(label=_("楼层"), max_length=20, required=False)
    room = forms.CharField(label=_("房间"), max_length=50, required=False)


class SchoolClassForm(ChoicesForm):
    name = forms.CharField(label=_("班级名称"), max_length=50, help_text=_("例如：三年级2班"))
    grade = forms.IntegerField(label=_("年级"), min_value=1, max_value=12)
    number = forms.IntegerField(label=_("班号"), min_value=1, max_value=99)
    class_teacher = person(_("班主任"))

    people_fields = ("class_teacher",)


class ClassTeacherForm(ChoicesForm):
    class_teacher = person(_("新班主任"), required=True)

    people_fields = ("class_teacher",)


class SignatureForm(TablerForm, forms.Form):
    signature = forms.CharField(widget=forms.HiddenInput, max_length=600_000, required=False)


class CheckForm(SignatureForm):
    """The end-of-term check: one choice per item the books have in use in the class (the
    check itself marks the others as not with the class)."""

    def __init__(self, *args, items=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.items = [item for item in items if item.is_with_the_class]
        choices = [(value, label) for value, label in EndOfTermResult.choices if value in TEACHER_RESULTS]
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=f"{item.asset.number} {item.asset.name}", choices=choices,
                initial=EndOfTermResult.OK, widget=forms.RadioSelect,
            )  # fmt: skip

    def results(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data[f"item_{item.pk}"] for item in self.items}


class ConsumableForm(TablerForm, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    specification = forms.CharField(label=_("规格"), max_length=100, required=False)
    unit = forms.CharField(label=_("单位"), max_length=10, initial="个")
    low_stock_threshold = forms.IntegerField(label=_("低库存提醒"), min_value=0, initial=0)
    requires_worn_return = forms.BooleanField(label=_("领新交旧"), required=False)


class StockInForm(TablerForm, forms.Form):
    quantity = forms.IntegerField(label=_("入库数量"), min_value=1)
    unit_price = forms.DecimalField(label=_("单价（元）"), required=False, **MONEY)
    supplier = forms.CharField(label=_("供应商"), max_length=200, required=False)
    note = forms.CharField(label=_("说明"), required=False)


class StockOutForm(ChoicesForm):
    quantity = forms.IntegerField(label=_("出库数量"), min_value=1)
    department = place(_("领用部门"), required=True)
    requester = person(_("领用人"), required=True)
    approver = person(_("审批人"), required=True)
    worn_returned = forms.IntegerField(label=_("交回旧件数量"), min_value=0, initial=0, required=False)
    note = forms.CharField(label=_("说明"), required=False)

    people_fields = ("requester", "approver")
    department_fields = ("department",)


class StocktakeForm(ChoicesForm):
    name = forms.CharField(label=_("盘点名称"), max_length=100)
    scope = forms.ChoiceField(label=_("范围"), choices=StocktakeScope.choices, initial=StocktakeScope.SCHOOL)
    reference_date = forms.DateField(label=_("盘点基准日"), widget=DATE, initial=timezone.localdate)
    locations = forms.ModelMultipleChoiceField(queryset=None, label=_("地点"), required=False,
                                               widget=forms.SelectMultiple(attrs={"size": 6}))  # fmt: skip
    category_prefixes = forms.CharField(
        label=_("分类代码"), required=False, help_text=_("多个用空格分隔，可只写前几位，如 2 或 A02。")
    )

    location_fields = ("locations",)

    def prefixes(self) -> list[str]:
        return self.cleaned_data["category_prefixes"].replace("，", " ").replace(",", " ").split()


class GainForm(ChoicesForm):
    name = forms.CharField(label=_("名称"), max_length=200)
    classification_code = RegisterForm.base_fields["classification_code"]
    quantity = forms.IntegerField(label=_("数量"), min_value=1, initial=1)
    value = forms.DecimalField(label=_("估计原值（元）"), **MONEY)
    specification = forms.CharField(label=_("规格型号"), max_length=200, required=False)
    location = place(_("发现地点"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    location_fields = ("location",)
