"""The school's assets (校产): cards, their ledger of movements, consumables, stocktakes,
class property lists and spreadsheet imports. Every table lives in the school's schema.

A card's state (status, where it is, who holds it) is denormalised on the card for
speed, but it is never written except by a domain action that appends the movement
saying so: `replay(movements)` of a card always gives its state. Movements and
consumable movements are append-only (a database trigger refuses UPDATE and DELETE).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 14, "decimal_places": 2}
CENT = Decimal("0.01")


class AssetKind(models.TextChoices):
    FIXED = "fixed", _("固定资产")
    LOW_VALUE = "low_value", _("低值易耗品")
    # Consumables are stock (Consumable), never cards; the kind is named for the full set.
    CONSUMABLE = "consumable", _("消耗品")


class AssetStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("在库")
    IN_USE = "in_use", _("在用")
    BORROWED = "borrowed", _("借出")
    IN_REPAIR = "in_repair", _("维修中")
    DAMAGED = "damaged", _("损坏待处理")
    DISPOSAL_PENDING = "disposal_pending", _("待处置")
    DISPOSED = "disposed", _("已处置")
    LOST = "lost", _("盘亏核销")


# Cards that are still on the books: expected at a stocktake, counted in the ledger's totals.
OFF_BOOKS_STATUSES = (AssetStatus.DISPOSED, AssetStatus.LOST)


class Funding(models.TextChoices):
    FISCAL = "fiscal", _("财政拨款")
    NON_FISCAL = "non_fiscal", _("非财政")


class AcquisitionMethod(models.TextChoices):
    PURCHASE = "purchase", _("购置")
    TRANSFER_IN = "transfer_in", _("调入")
    DONATION = "donation", _("捐赠")
    SELF_BUILT = "self_built", _("自建")
    STOCKTAKE_GAIN = "stocktake_gain", _("盘盈")


class ProcurementForm(models.TextChoices):
    GOVERNMENT = "government", _("政府采购")
    SELF = "self", _("自行采购")


class Condition(models.TextChoices):
    GOOD = "good", _("完好")
    WORN = "worn", _("有磨损")
    DAMAGED = "damaged", _("损坏")


class Location(models.Model):
    """A place assets are kept: building, floor and room (教学楼 3 层 301)."""

    building = models.CharField(_("楼宇"), max_length=50)
    floor = models.CharField(_("楼层"), max_length=20, blank=True)
    room = models.CharField(_("房间"), max_length=50, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("存放地点")
        verbose_name_plural = _("存放地点")
        ordering = ["building", "floor", "room"]
        constraints = [
            models.UniqueConstraint(fields=["building", "floor", "room"], name="assets_location_unique")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_of(self.building, self.floor, self.room)

    @staticmethod
    def label_of(building: str, floor: str, room: str) -> str:
        """教学楼 3层 301: for lists that read the three columns without making Locations."""
        return " ".join(part for part in (building, floor, room) if part)


class SchoolClass(models.Model):
    """A class (班级) and its class teacher (班主任) now. Lists per term keep who signed."""

    name = models.CharField(_("班级"), max_length=50, unique=True)
    grade = models.PositiveSmallIntegerField(_("年级"), default=1)
    number = models.PositiveSmallIntegerField(_("班号"), default=1)
    class_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("班主任"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("班级")
        verbose_name_plural = _("班级")
        ordering = ["grade", "number", "name"]

    def __str__(self) -> str:
        return self.name


class Asset(models.Model):
    """An asset card (资产卡片): one item, or one batch of identical items with a quantity.

    The fields are those the government's asset system (行政事业单位资产管理信息系统)
    needs; see DOMAIN.md. The state fields below `# State` change only through movements.
    """

    number = models.CharField(_("资产编号"), max_length=40, unique=True)
    finance_number = models.CharField(_("财政编号"), max_length=40, blank=True)
    kind = models.CharField(_("资产类型"), max_length=12, choices=AssetKind.choices)
    classification_code = models.CharField(_("分类代码"), max_length=7)
    classification_edition = models.CharField(_("分类代码版本"), max_length=4)
    classification_name = models.CharField(_("分类名称"), max_length=200, blank=True)
    # The 2022 code of a card written in a 2010 code, where the district maps it.
    classification_code_2022 = models.CharField(_("2022 版分类代码"), max_length=7, blank=True)
    moe_equipment_code = models.CharField(_("教育装备代码"), max_length=40, blank=True)
    name = models.CharField(_("资产名称"), max_length=200)
    specification = models.CharField(_("规格型号"), max_length=200, blank=True)
    brand = models.CharField(_("品牌"), max_length=100, blank=True)
    serial_number = models.CharField(_("出厂编号"), max_length=100, blank=True)
    unit = models.CharField(_("计量单位"), max_length=10, default="台")
    quantity = models.PositiveIntegerField(_("数量"), default=1, validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(_("单价"), **MONEY, validators=[MinValueValidator(Decimal(0))])
    original_value = models.DecimalField(_("原值"), **MONEY, validators=[MinValueValidator(Decimal(0))])
    funding = models.CharField(_("经费来源"), max_length=12, choices=Funding.choices, blank=True)
    acquisition_method = models.CharField(
        _("取得方式"), max_length=16, choices=AcquisitionMethod.choices, default=AcquisitionMethod.PURCHASE
    )
    acquisition_date = models.DateField(_("取得日期"))
    procurement_form = models.CharField(
        _("采购组织形式"), max_length=12, choices=ProcurementForm.choices, blank=True
    )
    budget_project_number = models.CharField(_("预算项目编号"), max_length=60, blank=True)
    supplier = models.CharField(_("供应商"), max_length=200, blank=True)
    voucher_number = models.CharField(_("会计凭证号"), max_length=60, blank=True)
    warranty_until = models.DateField(_("保修截止日期"), null=True, blank=True)
    posted_on = models.DateField(_("入账日期"), null=True, blank=True)
    is_reported_to_finance = models.BooleanField(_("已报财务"), default=False)
    # Straight-line depreciation over this life; 0 is not depreciated (land, books, low-value).
    useful_life_years = models.PositiveSmallIntegerField(_("使用年限（年）"), default=0)
    managing_department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("管理部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("备注"), blank=True)
    # The card this one was split from (拆分): part of a batch that moved on its own.
    split_from = models.ForeignKey(
        "self",
        verbose_name=_("拆分自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
    )

    # State: written only by eduplatform.assets.actions, together with a movement.
    status = models.CharField(_("状态"), max_length=20, choices=AssetStatus.choices)
    location = models.ForeignKey(
        Location,
        verbose_name=_("存放地点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    using_department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("使用部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("使用人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The custodian's name as the ledger writes it; a person without an account has only this.
    custodian_name = models.CharField(_("使用人"), max_length=50, blank=True)
    school_class = models.ForeignKey(
        SchoolClass, verbose_name=_("班级"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    borrower = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("借用人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    borrower_name = models.CharField(_("借用人"), max_length=50, blank=True)
    borrow_due_date = models.DateField(_("应还日期"), null=True, blank=True)
    # Set by a split: the card's share of the accumulated depreciation then, and the months
    # depreciated by then. From there the card depreciates the rest of its value over the
    # rest of its life, so that the parts of a batch add up to what the whole had.
    carried_depreciation = models.DecimalField(_("拆分时累计折旧"), **MONEY, null=True, blank=True)
    carried_depreciation_months = models.PositiveSmallIntegerField(
        _("拆分时已提折旧月数"), null=True, blank=True
    )

    # Upper-cased number, names, place and people, for substring search (GIN trigram index).
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("资产卡片")
        verbose_name_plural = _("资产卡片")
        ordering = ["number"]
        indexes = [
            GinIndex(OpClass("search_text", name="gin_trgm_ops"), name="assets_asset_search_trgm"),
            models.Index(fields=["status", "number"], name="assets_asset_status_number"),
            models.Index(fields=["updated_at", "id"], name="assets_asset_sync"),
            models.Index(fields=["location", "status"], name="assets_asset_location"),
            models.Index(fields=["using_department", "status"], name="assets_asset_department"),
            models.Index(fields=["school_class", "status"], name="assets_asset_class"),
            models.Index(fields=["acquisition_date"], name="assets_asset_acquired"),
            models.Index(
                OpClass("classification_code", name="varchar_pattern_ops"), name="assets_asset_code_prefix"
            ),
            models.Index(
                fields=["borrow_due_date"],
                name="assets_asset_borrowed_due",
                condition=Q(status="borrowed"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="assets_asset_value_not_negative", condition=Q(original_value__gte=0)
            ),
            models.CheckConstraint(name="assets_asset_quantity_positive", condition=Q(quantity__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def is_on_books(self) -> bool:
        return self.status not in OFF_BOOKS_STATUSES

    def depreciation(self, as_of: date):
        from eduplatform.assets.depreciation import depreciation_as_of

        return depreciation_as_of(
            original_value=self.original_value,
            acquisition_date=self.acquisition_date,
            useful_life_years=self.useful_life_years,
            as_of=as_of,
            carried=self.carried_depreciation,
            carried_months=self.carried_depreciation_months,
        )

    def build_search_text(self) -> str:
        parts = [
            self.number,
            self.finance_number,
            self.name,
            self.specification,
            self.brand,
            self.serial_number,
            self.classification_code,
            self.classification_name,
            self.custodian_name,
            self.borrower_name,
            self.location.label if self.location_id else "",
            self.school_class.name if self.school_class_id else "",
        ]
        return " ".join(part for part in parts if part).upper()


class MovementKind(models.TextChoices):
    REGISTER = "register", _("入库验收")
    ISSUE = "issue", _("领用")
    RECLAIM = "reclaim", _("退库")
    BORROW = "borrow", _("借用")
    RETURN = "return", _("归还")
    TRANSFER = "transfer", _("调拨")
    REPAIR_OUT = "repair_out", _("送修")
    REPAIR_BACK = "repair_back", _("修回")
    DAMAGE = "damage", _("损坏报告")
    COMPENSATION = "compensation", _("赔偿收讫")
    DISPOSAL_REQUEST = "disposal_request", _("申请处置")
    DISPOSAL = "disposal", _("处置")
    DISPOSAL_REJECTED = "disposal_rejected", _("处置驳回")
    DISPOSAL_OUTCOME = "disposal_outcome", _("处置结果")
    STOCKTAKE_LOSS = "stocktake_loss", _("盘亏核销")
    STOCKTAKE_GAIN = "stocktake_gain", _("盘盈入账")
    STOCKTAKE_ADJUST = "stocktake_adjust", _("盘点调整")
    CORRECTION = "correction", _("更正")
    # 拆分: part of a batch card becomes a card of its own, to move on its own.
    SPLIT_OUT = "split_out", _("拆分转出")
    SPLIT_IN = "split_in", _("拆分转入")


# The card fields a movement may change, and replay() rebuilds. In `changes` they are
# JSON-safe: ids as integers, dates as ISO text, money as text with two decimals.
TRACKED_FIELDS = (
    "status",
    "location_id",
    "using_department_id",
    "custodian_id",
    "custodian_name",
    "school_class_id",
    "borrower_id",
    "borrower_name",
    "borrow_due_date",
    "quantity",
    "original_value",
    "carried_depreciation",
    "carried_depreciation_months",
)
EMPTY_STATE: dict[str, Any] = {
    "status": "",
    "location_id": None,
    "using_department_id": None,
    "custodian_id": None,
    "custodian_name": "",
    "school_class_id": None,
    "borrower_id": None,
    "borrower_name": "",
    "borrow_due_date": None,
    "quantity": None,
    "original_value": None,
    "carried_depreciation": None,
    "carried_depreciation_months": None,
}


def json_value(value: Any) -> Any:
    if isinstance(value, str):
        return str(value)  # a TextChoices member becomes its plain value
    if isinstance(value, Decimal):
        return str(value.quantize(CENT))
    if isinstance(value, date):
        return value.isoformat()
    return value


def card_state(asset: Asset) -> dict[str, Any]:
    """The tracked fields of a card, JSON-safe, as replay() would give them."""
    return {field: json_value(getattr(asset, field)) for field in TRACKED_FIELDS}


class LedgerBroken(Exception):
    """A movement's `before` does not match the state the movements before it give."""


def replay(movements) -> dict[str, Any]:
    """The state of a card from its movements, oldest first.

    Each movement records, for each field it changed, [before, after]; a `before` that is
    not what the earlier movements left means the ledger was tampered with or written
    around, and replay refuses it.
    """
    state = dict(EMPTY_STATE)
    for movement in movements:
        for field, (before, after) in movement.changes.items():
            if state[field] != before:
                raise LedgerBroken(
                    f"movement {movement.pk} ({movement.kind}): {field} was {state[field]!r}, says {before!r}"
                )
            state[field] = after
    return state


class AssetMovement(models.Model):
    """One entry of a card's ledger. Append-only."""

    asset = models.ForeignKey(
        Asset, verbose_name=_("资产"), on_delete=models.PROTECT, related_name="movements"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=MovementKind.choices)
    occurred_on = models.DateField(_("日期"))
    # {field: [before, after]} for every TRACKED_FIELDS entry this movement changed.
    changes = models.JSONField(_("变动"), default=dict)
    # The people who signed for it: registration's 经手人, 验收人, 审核人; an approver.
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经手人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acceptor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("验收人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    condition = models.CharField(_("状况"), max_length=10, choices=Condition.choices, blank=True)
    note = models.TextField(_("说明"), blank=True)
    # What else the action knew: the repair shop, the disposal request, the stocktake...
    details = models.JSONField(_("详情"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    # Equal to created_at (movements never change); named so that sync reads it like any list.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("资产变动")
        verbose_name_plural = _("资产变动")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["asset", "id"], name="assets_movement_asset"),
            models.Index(fields=["updated_at", "id"], name="assets_movement_sync"),
        ]

    def __str__(self) -> str:
        return f"{self.asset_id} {self.kind} {self.occurred_on}"


class DamageReport(models.Model):
    """损坏赔偿: who damaged it pays, at the price the school sets."""

    asset = models.ForeignKey(
        Asset, verbose_name=_("资产"), on_delete=models.PROTECT, related_name="damage_reports"
    )
    movement = models.OneToOneField(AssetMovement, on_delete=models.PROTECT, related_name="damage_report")
    description = models.TextField(_("损坏情况"))
    responsible_name = models.CharField(_("责任人"), max_length=50, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    compensation_amount = models.DecimalField(_("赔偿金额"), **MONEY, default=Decimal("0.00"))
    is_paid = models.BooleanField(_("已赔偿"), default=False)
    paid_on = models.DateField(_("赔偿日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("损坏报告")
        verbose_name_plural = _("损坏报告")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="assets_damage_amount_not_negative", condition=Q(compensation_amount__gte=0)
            )
        ]

    def __str__(self) -> str:
        return f"{self.asset_id} {self.description[:20]}"

    @property
    def is_owed(self) -> bool:
        return self.compensation_amount > 0 and not self.is_paid


class DisposalMethod(models.TextChoices):
    SCRAP = "scrap", _("报废")
    LOSS = "loss", _("报损")
    SALE = "sale", _("出售")
    TRANSFER_OUT = "transfer_out", _("调出")
    DONATION = "donation", _("对外捐赠")


class DisposalStatus(models.TextChoices):
    PENDING = "pending", _("审批中")
    APPROVED = "approved", _("已批准并处置")
    REJECTED = "rejected", _("已驳回")


# Disposals with an outcome to record: who took the asset, when, for how much. A loss (报损)
# has none; scrap (报废) may bring a recycler's payment, or nothing.
OUTCOME_METHODS = (
    DisposalMethod.SALE,
    DisposalMethod.TRANSFER_OUT,
    DisposalMethod.DONATION,
    DisposalMethod.SCRAP,
)


class DisposalRequest(models.Model):
    """A request to dispose of a card, approved step by step by the roles its value requires."""

    asset = models.ForeignKey(
        Asset, verbose_name=_("资产"), on_delete=models.PROTECT, related_name="disposal_requests"
    )
    method = models.CharField(_("处置方式"), max_length=16, choices=DisposalMethod.choices)
    reason = models.TextField(_("处置理由"))
    value = models.DecimalField(_("原值"), **MONEY)
    # The roles that approve, in order, as the district's chain gave them for this value.
    steps = models.JSONField(_("审批环节"), default=list)
    status = models.CharField(
        _("状态"), max_length=10, choices=DisposalStatus.choices, default=DisposalStatus.PENDING
    )
    # The card's status before the request, to return to if it is rejected.
    status_before = models.CharField(max_length=20, choices=AssetStatus.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批完成时间"), null=True, blank=True)
    # The outcome (处置结果), recorded once an approved disposal has been carried out.
    counterparty = models.CharField(_("接收方"), max_length=200, blank=True)
    disposed_on = models.DateField(_("处置日期"), null=True, blank=True)
    proceeds = models.DecimalField(_("处置收入"), **MONEY, null=True, blank=True)
    document_number = models.CharField(_("凭证或文件号"), max_length=60, blank=True)
    is_remitted = models.BooleanField(_("处置收入已上缴"), default=False)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_recorded_at = models.DateTimeField(_("结果登记时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("处置申请")
        verbose_name_plural = _("处置申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["asset"], condition=Q(status="pending"), name="assets_disposal_one_pending_per_asset"
            ),
            models.CheckConstraint(
                name="assets_disposal_proceeds_not_negative",
                condition=Q(proceeds__isnull=True) | Q(proceeds__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset_id} {self.method} {self.status}"

    @property
    def takes_outcome(self) -> bool:
        """An approved disposal that hands the asset to someone (or a recycler) has an outcome to record."""
        return self.status == DisposalStatus.APPROVED and self.method in OUTCOME_METHODS

    @property
    def has_outcome(self) -> bool:
        return self.outcome_recorded_at is not None

    @property
    def step_labels(self) -> list[str]:
        from eduplatform.accounts.roles import Role

        return [str(Role(role).label) for role in self.steps]

    @property
    def next_step(self) -> int | None:
        """Index of the step awaiting approval, or None when none does."""
        if self.status != DisposalStatus.PENDING:
            return None
        done = len(self.approvals.all())
        return done if done < len(self.steps) else None


class DisposalApproval(models.Model):
    request = models.ForeignKey(DisposalRequest, on_delete=models.CASCADE, related_name="approvals")
    step = models.PositiveSmallIntegerField(_("环节"))
    role = models.CharField(_("角色"), max_length=32)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审批人"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("意见"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("处置审批")
        verbose_name_plural = _("处置审批")
        ordering = ["request", "step"]
        constraints = [models.UniqueConstraint(fields=["request", "step"], name="assets_disposal_step_once")]

    def __str__(self) -> str:
        return f"{self.request_id} #{self.step} {self.role}"


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    DOCUMENT = "document", _("文件")


class AssetAttachment(models.Model):
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("类型"), max_length=10, choices=AttachmentKind.choices)
    file = models.FileField(_("文件"), upload_to="assets/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("资产附件")
        verbose_name_plural = _("资产附件")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class AssetNumberSequence(models.Model):
    """The last number handed out for one prefix of the asset number pattern."""

    prefix = models.CharField(max_length=40, unique=True)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("资产编号序列")
        verbose_name_plural = _("资产编号序列")

    def __str__(self) -> str:
        return f"{self.prefix}{self.last_value}"


# --- Consumables ----------------------------------------------------------------------


class Consumable(models.Model):
    """A consumable kept as stock (耗材): paper, toner, bulbs, mops."""

    name = models.CharField(_("名称"), max_length=100)
    specification = models.CharField(_("规格"), max_length=100, blank=True)
    unit = models.CharField(_("单位"), max_length=10, default="个")
    on_hand = models.PositiveIntegerField(_("库存"), default=0)
    low_stock_threshold = models.PositiveIntegerField(_("低库存提醒"), default=0)
    # 领新交旧: a new one is issued only against the worn one.
    requires_worn_return = models.BooleanField(_("领新交旧"), default=False)
    is_active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("耗材")
        verbose_name_plural = _("耗材")
        ordering = ["name", "specification"]
        constraints = [
            models.UniqueConstraint(fields=["name", "specification"], name="assets_consumable_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.specification}".strip()

    @property
    def is_low(self) -> bool:
        return self.on_hand <= self.low_stock_threshold


class ConsumableMovementKind(models.TextChoices):
    STOCK_IN = "in", _("入库")
    STOCK_OUT = "out", _("出库")


class ConsumableMovement(models.Model):
    """One stock in or out. Append-only; on_hand_after is the stock after it."""

    consumable = models.ForeignKey(Consumable, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("类型"), max_length=4, choices=ConsumableMovementKind.choices)
    quantity = models.PositiveIntegerField(_("数量"), validators=[MinValueValidator(1)])
    on_hand_after = models.PositiveIntegerField(_("结存"))
    unit_price = models.DecimalField(_("单价"), **MONEY, null=True, blank=True)
    supplier = models.CharField(_("供应商"), max_length=200, blank=True)
    department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("领用部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("领用人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    worn_returned = models.PositiveIntegerField(_("交旧数量"), default=0)
    note = models.TextField(_("说明"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("操作人"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("耗材出入库")
        verbose_name_plural = _("耗材出入库")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["consumable", "id"], name="assets_consumable_movements"),
            models.Index(fields=["updated_at", "id"], name="assets_consumable_sync"),
        ]

    def __str__(self) -> str:
        return f"{self.consumable_id} {self.kind} {self.quantity}"


# --- Stocktakes -------------------------------------------------------------------------


class StocktakeScope(models.TextChoices):
    SCHOOL = "school", _("全校")
    LOCATIONS = "locations", _("指定地点")
    CATEGORIES = "categories", _("指定分类")


class StocktakeStatus(models.TextChoices):
    OPEN = "open", _("盘点中")
    CLOSED = "closed", _("已结束")


class Stocktake(models.Model):
    """盘点: the books at a reference date, counted item by item."""

    name = models.CharField(_("名称"), max_length=100)
    scope = models.CharField(_("范围"), max_length=12, choices=StocktakeScope.choices)
    locations = models.ManyToManyField(Location, verbose_name=_("地点"), blank=True, related_name="+")
    # Classification code prefixes (e.g. "2" or "A02") when the scope is categories.
    category_prefixes = models.JSONField(_("分类"), default=list, blank=True)
    reference_date = models.DateField(_("盘点基准日"))
    status = models.CharField(
        _("状态"), max_length=8, choices=StocktakeStatus.choices, default=StocktakeStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # 账实相符率 in percent, frozen when the stocktake closes.
    match_rate = models.DecimalField(_("账实相符率"), max_digits=7, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("盘点")
        verbose_name_plural = _("盘点")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == StocktakeStatus.OPEN


class CountResult(models.TextChoices):
    PENDING = "pending", _("未盘")
    FOUND = "found", _("相符")
    NOT_FOUND = "not_found", _("未找到")
    WRONG_PLACE = "wrong_place", _("位置不符")
    GAIN = "gain", _("盘盈")


class StocktakeItem(models.Model):
    """One expected card (from the books at the reference date), or one item found that is not on them."""

    stocktake = models.ForeignKey(Stocktake, on_delete=models.CASCADE, related_name="items")
    asset = models.ForeignKey(
        Asset, null=True, blank=True, on_delete=models.PROTECT, related_name="stocktake_items"
    )
    book_quantity = models.PositiveIntegerField(_("账面数量"), default=0)
    book_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    book_original_value = models.DecimalField(_("账面原值"), **MONEY, default=Decimal("0.00"))
    book_accumulated_depreciation = models.DecimalField(_("累计折旧"), **MONEY, default=Decimal("0.00"))
    book_net_value = models.DecimalField(_("净值"), **MONEY, default=Decimal("0.00"))
    result = models.CharField(
        _("结果"), max_length=12, choices=CountResult.choices, default=CountResult.PENDING
    )
    counted_quantity = models.PositiveIntegerField(_("实盘数量"), null=True, blank=True)
    counted_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    counted_at = models.DateTimeField(_("清点时间"), null=True, blank=True)
    # An item found but not on the books (盘盈): what it is and what it is worth.
    gain_name = models.CharField(_("盘盈资产名称"), max_length=200, blank=True)
    gain_specification = models.CharField(_("规格型号"), max_length=200, blank=True)
    gain_value = models.DecimalField(_("估计原值"), **MONEY, null=True, blank=True)
    gain_classification_code = models.CharField(_("分类代码"), max_length=7, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    adjustment = models.ForeignKey(
        AssetMovement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("盘点明细")
        verbose_name_plural = _("盘点明细")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["stocktake", "asset"],
                condition=Q(asset__isnull=False),
                name="assets_stocktake_item_once",
            ),
        ]
        indexes = [
            models.Index(fields=["stocktake", "result"], name="assets_stocktake_result"),
            models.Index(fields=["asset", "result"], name="assets_stocktake_asset"),
        ]

    def __str__(self) -> str:
        return f"{self.stocktake_id} {self.asset_id or self.gain_name} {self.result}"

    @property
    def is_discrepancy(self) -> bool:
        if self.result in (CountResult.NOT_FOUND, CountResult.WRONG_PLACE, CountResult.GAIN):
            return True
        return self.result == CountResult.FOUND and self.counted_quantity != self.book_quantity


# --- Class property lists -----------------------------------------------------------------


class PropertyListStatus(models.TextChoices):
    AWAITING_SIGNATURE = "awaiting", _("待班主任签收")
    SIGNED = "signed", _("已签收")
    CHECKED = "checked", _("期末已核对")


class ClassPropertyList(models.Model):
    """班级财产: what a class holds in a term, signed by its class teacher."""

    school_class = models.ForeignKey(
        SchoolClass, verbose_name=_("班级"), on_delete=models.PROTECT, related_name="property_lists"
    )
    term = models.CharField(_("学期"), max_length=20)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=PropertyListStatus.choices,
        default=PropertyListStatus.AWAITING_SIGNATURE,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("班级财产清单")
        verbose_name_plural = _("班级财产清单")
        ordering = ["-term", "school_class__grade", "school_class__number"]
        constraints = [
            models.UniqueConstraint(fields=["school_class", "term"], name="assets_class_list_once")
        ]

    def __str__(self) -> str:
        return f"{self.school_class} {self.term}"


class EndOfTermResult(models.TextChoices):
    OK = "ok", _("完好")
    MISSING = "missing", _("缺失")
    BROKEN = "broken", _("损坏")
    # Set by the check, not chosen: the books have the card elsewhere at the end of the term
    # (transferred to another class, in repair, reported damaged, disposed of...), so it is
    # not the class teacher's to account for.
    MOVED = "moved", _("不在本班")


TEACHER_RESULTS = (EndOfTermResult.OK, EndOfTermResult.MISSING, EndOfTermResult.BROKEN)


class ClassPropertyItem(models.Model):
    property_list = models.ForeignKey(ClassPropertyList, on_delete=models.CASCADE, related_name="items")
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("数量"))
    end_result = models.CharField(_("期末核对"), max_length=8, choices=EndOfTermResult.choices, blank=True)
    damage_report = models.ForeignKey(
        DamageReport, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("班级财产明细")
        verbose_name_plural = _("班级财产明细")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["property_list", "asset"], name="assets_class_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.property_list_id} {self.asset_id}"

    @property
    def is_with_the_class(self) -> bool:
        """The books have the card in use in the list's class: the class teacher accounts for
        it at the end of the term. Anything else (another class, in repair, reported damaged,
        lent, disposed of) is the books' business, not the teacher's."""
        return (
            self.asset.school_class_id == self.property_list.school_class_id
            and self.asset.status == AssetStatus.IN_USE
        )

    @property
    def where_instead(self) -> str:
        """Why an item is not with the class, as the list shows it; "" when it is."""
        if self.is_with_the_class:
            return ""
        if self.asset.school_class_id != self.property_list.school_class_id:
            return _("已调出本班")
        return self.asset.get_status_display()


class SignatureKind(models.TextChoices):
    START = "start", _("期初签收")
    END = "end", _("期末核对")


class ClassPropertySignature(models.Model):
    """A class teacher's signature, drawn on a phone; kept even when a new teacher re-signs."""

    property_list = models.ForeignKey(ClassPropertyList, on_delete=models.CASCADE, related_name="signatures")
    kind = models.CharField(_("类型"), max_length=6, choices=SignatureKind.choices)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签名人"), on_delete=models.PROTECT, related_name="+"
    )
    signer_name = models.CharField(_("签名人"), max_length=50)
    # A PNG re-encoded by the server, as a data: URL (a few kilobytes).
    image = models.TextField(_("签名"))
    # False once a new class teacher has re-signed, or the list was regenerated.
    is_current = models.BooleanField(default=True)
    signed_at = models.DateTimeField(_("签名时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("班级财产签名")
        verbose_name_plural = _("班级财产签名")
        ordering = ["signed_at", "id"]

    def __str__(self) -> str:
        return f"{self.property_list_id} {self.kind} {self.signer_name}"


# --- Imports ---------------------------------------------------------------------------------


class ImportStatus(models.TextChoices):
    VALIDATING = "validating", _("正在检查")
    INVALID = "invalid", _("有错误")
    VALID = "valid", _("待确认导入")
    IMPORTING = "importing", _("正在导入")
    DONE = "done", _("已导入")
    FAILED = "failed", _("导入失败")


class ImportJob(models.Model):
    """An uploaded ledger sheet: checked whole first, imported all at once after confirmation."""

    file = models.FileField(upload_to="assets/imports/%Y/%m/")
    # The checked rows (JSON), written by the check and read by the import after confirmation.
    staged_rows = models.FileField(upload_to="assets/imports/%Y/%m/", blank=True)
    filename = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"))
    status = models.CharField(
        _("状态"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.VALIDATING
    )
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理"), default=0)
    imported_count = models.PositiveIntegerField(_("已导入"), default=0)
    # Every bad cell: [{"row", "column", "letter", "reason"}], in sheet order.
    errors = models.JSONField(_("错误"), default=list, blank=True)
    # What the import will do: counts, new locations, totals, the first rows.
    summary = models.JSONField(_("预览"), default=dict, blank=True)
    failure = models.TextField(_("失败原因"), blank=True)
    task_id = models.CharField(max_length=50, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("台账导入")
        verbose_name_plural = _("台账导入")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} {self.status}"

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.VALIDATING, ImportStatus.IMPORTING)
