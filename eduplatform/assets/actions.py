"""Every write to a school's assets: one function per verb.

Each action takes keyword-only arguments and an `actor` (a user, an API key principal or
a system label), checks its rules and refuses with a ValidationError that names the
field and carries a stable code, then in one transaction: locks the card, appends the
movement, updates the card's state to what the movement says, writes the audit trail
(before and after), refreshes the compliance facts it affects, and enqueues any task on
commit. Faces (api/, frontend/) parse input, resolve ids through
eduplatform.assets.access, call these, and render.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from eduplatform.accounts.access import school_capabilities, school_roles
from eduplatform.accounts.models import User
from eduplatform.accounts.principals import api_key_of
from eduplatform.accounts.roles import SCHOOL_ROLES, Capability, Role
from eduplatform.assets import facts, rules
from eduplatform.assets.attachments import checked_signature, checked_upload
from eduplatform.assets.copying import copy_into
from eduplatform.assets.models import (
    CENT,
    EMPTY_STATE,
    OFF_BOOKS_STATUSES,
    OUTCOME_METHODS,
    TEACHER_RESULTS,
    TRACKED_FIELDS,
    AcquisitionMethod,
    Asset,
    AssetAttachment,
    AssetKind,
    AssetMovement,
    AssetNumberSequence,
    AssetStatus,
    ClassPropertyItem,
    ClassPropertyList,
    ClassPropertySignature,
    Condition,
    Consumable,
    ConsumableMovement,
    ConsumableMovementKind,
    CountResult,
    DamageReport,
    DisposalApproval,
    DisposalMethod,
    DisposalRequest,
    DisposalStatus,
    EndOfTermResult,
    ImportJob,
    ImportStatus,
    Location,
    MovementKind,
    PropertyListStatus,
    SchoolClass,
    SignatureKind,
    Stocktake,
    StocktakeItem,
    StocktakeScope,
    StocktakeStatus,
    card_state,
    json_value,
)
from eduplatform.audit.trail import current_school, record_bulk_change, record_change, record_event, snapshot
from eduplatform.classification.access import codes_for_school, mappings_for_school
from eduplatform.classification.models import edition_of
from eduplatform.compliance.periods import term_for
from eduplatform.organisation.models import Department
from eduplatform.spreadsheets import SheetLimits, SheetRefused, check_container
from eduplatform.taskqueue import enqueue_on_commit

# The ledger sheet's limits (issue 4: over 50 MB or 200,000 rows is refused).
IMPORT_LIMITS = SheetLimits(max_bytes=50 * 1024 * 1024, max_rows=200_000)

# --- Refusals -------------------------------------------------------------------------


def refuse(field_name: str, message: str, code: str) -> ValidationError:
    """A refusal naming the field it is about ("__all__" for the whole action)."""
    return ValidationError({field_name: [ValidationError(message, code=code)]})


def _today() -> date:
    return timezone.localdate()


def _school():
    school = current_school()
    if school is None:
        raise RuntimeError("assets actions run in a school's schema")
    return school


def _actor_user(actor) -> User | None:
    return actor if isinstance(actor, User) and actor.pk else None


def _actor_label(actor) -> str:
    key = api_key_of(actor)
    if key is not None:
        return key.label
    if isinstance(actor, User):
        return actor.name or actor.username
    return str(actor or "system")[:100]


def _occurred_on(value: date | None) -> date:
    day = value or _today()
    if day > _today():
        raise refuse("occurred_on", _("日期不能晚于今天。"), "future_date")
    return day


def _money(value, field_name: str, *, allow_zero: bool = True) -> Decimal:
    try:
        amount = Decimal(str(value))
    except Exception:
        raise refuse(field_name, _("请输入金额，例如 1280.00。"), "invalid_amount") from None
    if not amount.is_finite() or amount < 0 or (not allow_zero and amount == 0):
        raise refuse(
            field_name, _("金额不能为负数。") if amount < 0 else _("请输入大于 0 的金额。"), "invalid_amount"
        )
    if amount != amount.quantize(CENT):
        raise refuse(field_name, _("金额最多两位小数。"), "invalid_amount")
    if amount >= Decimal("1e12"):
        raise refuse(field_name, _("金额过大。"), "invalid_amount")
    return amount.quantize(CENT)


def _member(user: User | None, field_name: str, *, school=None, required: bool = True) -> User | None:
    """A person acting in the school: an active member of it (a school role, not only a bureau one)."""
    if user is None:
        if required:
            raise refuse(field_name, _("请选择人员。"), "required")
        return None
    school = school or _school()
    roles = school_roles(user, school)
    if not roles & SCHOOL_ROLES:
        raise refuse(field_name, _("“%(name)s”不是本校人员。") % {"name": user}, "not_a_member")
    return user


def _approver(user: User | None, field_name: str = "approver") -> User:
    user = _member(user, field_name)
    if Capability.ASSETS_APPROVE not in school_capabilities(user, _school()):
        raise refuse(field_name, _("“%(name)s”没有审批资产事项的权限。") % {"name": user}, "not_an_approver")
    return user


def _location(
    location: Location | None, field_name: str = "location", *, required: bool = False
) -> Location | None:
    if location is None:
        if required:
            raise refuse(field_name, _("请选择存放地点。"), "required")
        return None
    if not location.is_active or not Location.objects.filter(pk=location.pk, is_active=True).exists():
        raise refuse(field_name, _("存放地点不存在或已停用。"), "unknown_location")
    return location


def _department(department: Department | None, field_name: str) -> Department | None:
    if department is not None and not Department.objects.filter(pk=department.pk, is_active=True).exists():
        raise refuse(field_name, _("部门不存在或已停用。"), "unknown_department")
    return department


def _school_class(school_class: SchoolClass | None, field_name: str = "school_class") -> SchoolClass | None:
    if (
        school_class is not None
        and not SchoolClass.objects.filter(pk=school_class.pk, is_active=True).exists()
    ):
        raise refuse(field_name, _("班级不存在或已停用。"), "unknown_class")
    return school_class


# --- The ledger -----------------------------------------------------------------------


def _locked(asset: Asset) -> Asset:
    """The card, re-read and locked until the transaction ends: two actions on one card queue."""
    return (
        Asset.objects.select_related("location", "school_class")
        .select_for_update(of=("self",))
        .get(pk=asset.pk)
    )


def _require_status(asset: Asset, allowed: Iterable[str], message: str, code: str) -> None:
    if asset.status not in allowed:
        raise refuse(
            "__all__", message % {"status": asset.get_status_display(), "number": asset.number}, code
        )


def _ensure_movable(asset: Asset) -> None:
    """A card counted in an open stocktake stays where it was counted until the stocktake closes."""
    counted = (
        StocktakeItem.objects.filter(asset=asset, stocktake__status=StocktakeStatus.OPEN)
        .exclude(result=CountResult.PENDING)
        .select_related("stocktake")
        .first()
    )
    if counted is not None:
        raise refuse(
            "__all__",
            _("资产 %(number)s 已在进行中的盘点“%(stocktake)s”中清点，盘点结束前不能变动。")
            % {"number": asset.number, "stocktake": counted.stocktake.name},
            "counted_in_open_stocktake",
        )


def _move(
    asset: Asset,
    kind: str,
    *,
    actor,
    occurred_on: date,
    state: dict[str, Any] | None = None,
    audit_action: str = "update",
    **movement_fields,
) -> AssetMovement:
    """Append a movement that sets `state` (tracked field -> new value) and apply it to the card.

    Only fields whose value changes are recorded, each as [before, after].
    """
    before_state = card_state(asset) if asset.pk else dict(EMPTY_STATE)
    before_row = snapshot(asset) if asset.pk else None
    changes = {}
    for name, value in (state or {}).items():
        after = json_value(value.pk if hasattr(value, "pk") else value)
        if before_state[name] != after:
            changes[name] = [before_state[name], after]
            setattr(asset, name, value.pk if hasattr(value, "pk") else value)
    if "location_id" in changes:
        asset.location = Location.objects.filter(pk=asset.location_id).first()
    if "school_class_id" in changes:
        asset.school_class = SchoolClass.objects.filter(pk=asset.school_class_id).first()
    asset.search_text = asset.build_search_text()
    asset.save()
    movement = AssetMovement.objects.create(
        asset=asset,
        kind=kind,
        occurred_on=occurred_on,
        changes=changes,
        actor=_actor_user(actor),
        actor_label=_actor_label(actor),
        **movement_fields,
    )
    record_event(
        actor=actor,
        action=audit_action,
        object_type="assets.asset",
        object_id=str(asset.pk),
        before=before_row,
        after=snapshot(asset),
        context={"movement": movement.pk, "kind": kind},
    )
    record_change(actor=actor, action="create", instance=movement, before=None)
    return movement


# --- Splitting a batch card (拆分) ----------------------------------------------------------

# A card may be split in any status in which it is still on the books and not waiting
# for a disposal decision (the request names the whole card and its value).
SPLITTABLE = (
    AssetStatus.IN_STOCK,
    AssetStatus.IN_USE,
    AssetStatus.BORROWED,
    AssetStatus.IN_REPAIR,
    AssetStatus.DAMAGED,
)
# Not copied from a card to the part split from it: its identity, and its state (set by
# the part's first movement). Nor its finance number and reported flag: the finance system
# knows the batch by that number, and the new card is not reported until it is.
_NOT_COPIED_ON_SPLIT = frozenset(
    {
        "id",
        "number",
        "split_from_id",
        "search_text",
        "created_at",
        "updated_at",
        "finance_number",
        "is_reported_to_finance",
        *TRACKED_FIELDS,
    }
)


def allocate(total: Decimal, part: int, whole: int) -> tuple[Decimal, Decimal]:
    """`total` shared between `part` items of `whole` and the rest, each to the fen.

    The part's share is rounded; the rest takes what is left, so the two add up to the
    total exactly, whatever the rounding.
    """
    share = (total * part / whole).quantize(CENT, rounding=ROUND_HALF_UP)
    return share, total - share


def _checked_quantity(quantity) -> int:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise refuse("quantity", _("数量应为正整数。"), "invalid_quantity")
    return quantity


def _part_number(asset: Asset, school) -> str:
    """The next number derived from the batch's first card: ZC202300001-001, -002 ...

    Parts of a part are numbered from the same first card, so numbers stay short. A
    number that would pass 40 characters comes from the district's pattern instead; the
    part still names the card it came from.
    """
    root = asset
    while root.split_from_id is not None:
        root = Asset.objects.only("number", "split_from_id").get(pk=root.split_from_id)
    prefix = f"{root.number}-"
    longest = Asset._meta.get_field("number").max_length
    sequence, _created = AssetNumberSequence.objects.get_or_create(prefix=prefix)
    sequence = AssetNumberSequence.objects.select_for_update().get(pk=sequence.pk)
    value = sequence.last_value
    while True:
        value += 1
        number = f"{prefix}{value:03d}"
        if len(number) > longest:
            return _next_numbers(
                school, acquisition_date=asset.acquisition_date, code=asset.classification_code, count=1
            )[0]
        if not Asset.objects.filter(number=number).exists():
            break
    sequence.last_value = value
    sequence.save(update_fields=["last_value"])
    return number


def _split_stocktake_item(asset: Asset, part: Asset, quantity: int, *, actor) -> None:
    """A card still to be counted in the open stocktake: its part is expected too, with its
    share of the book figures, so that the stocktake's book stays what it was."""
    item = (
        StocktakeItem.objects.select_for_update()
        .filter(asset=asset, stocktake__status=StocktakeStatus.OPEN, result=CountResult.PENDING)
        .first()
    )
    if item is None or item.book_quantity < 1:
        return
    before = snapshot(item)
    moved = min(quantity, item.book_quantity)
    value, value_rest = allocate(item.book_original_value, moved, item.book_quantity)
    accumulated, accumulated_rest = allocate(item.book_accumulated_depreciation, moved, item.book_quantity)
    part_item = StocktakeItem.objects.create(
        stocktake_id=item.stocktake_id,
        asset=part,
        book_quantity=moved,
        book_location_id=item.book_location_id,
        book_original_value=value,
        book_accumulated_depreciation=accumulated,
        book_net_value=value - accumulated,
    )
    item.book_quantity -= moved
    item.book_original_value, item.book_accumulated_depreciation = value_rest, accumulated_rest
    item.book_net_value = value_rest - accumulated_rest
    item.save()
    record_change(actor=actor, action="update", instance=item, before=before)
    record_change(actor=actor, action="create", instance=part_item, before=None)


def _split_class_list_items(asset: Asset, part: Asset, quantity: int, whole: int, *, actor) -> None:
    """A card on a class's list for this term, not yet checked: the part is listed too, so
    that the list still counts what the class signed for, card by card. A list that holds
    the whole card splits as the card did; one that holds fewer (or more) gives the part at
    most what the list had. If the part then leaves the class, the end-of-term check marks
    it as not with the class instead of asking for it."""
    items = ClassPropertyItem.objects.select_for_update().filter(
        asset=asset,
        property_list__status__in=[PropertyListStatus.AWAITING_SIGNATURE, PropertyListStatus.SIGNED],
    )
    for item in items:
        moved = quantity if item.quantity == whole else min(quantity, item.quantity)
        before = snapshot(item)
        part_item = ClassPropertyItem.objects.create(
            property_list_id=item.property_list_id, asset=part, quantity=moved
        )
        record_change(actor=actor, action="create", instance=part_item, before=None)
        if item.quantity > moved:
            item.quantity -= moved
            item.save(update_fields=["quantity"])
            record_change(actor=actor, action="update", instance=item, before=before)
        else:
            item.delete()
            record_change(actor=actor, action="delete", instance=item, before=before)


def _split_off(asset: Asset, quantity: int, *, occurred_on: date, note: str = "", actor) -> Asset:
    """Split `quantity` items off a locked card whose status the caller has checked."""
    if quantity >= asset.quantity:
        raise refuse(
            "quantity",
            _("拆分的数量须少于卡片上的 %(quantity)s %(unit)s。")
            % {"quantity": asset.quantity, "unit": asset.unit},
            "quantity_too_large",
        )
    school = _school()
    whole = asset.quantity
    value, value_rest = allocate(asset.original_value, quantity, asset.quantity)
    carried = carried_rest = months = None
    depreciation = asset.depreciation(occurred_on)
    if asset.useful_life_years and depreciation.months:
        carried, carried_rest = allocate(depreciation.accumulated, quantity, asset.quantity)
        months = depreciation.months
    part = Asset(
        **{
            field.attname: getattr(asset, field.attname)
            for field in Asset._meta.concrete_fields
            if field.attname not in _NOT_COPIED_ON_SPLIT
        },
        number=_part_number(asset, school),
        split_from=asset,
        status="",
    )
    # What moved, as both movements record it.
    shared = {
        "quantity": quantity,
        "original_value": str(value),
        "accumulated_depreciation": str(carried if carried is not None else Decimal("0.00")),
    }
    _move(
        part,
        MovementKind.SPLIT_IN,
        actor=actor,
        occurred_on=occurred_on,
        audit_action="create",
        state={
            **{name: getattr(asset, name) for name in TRACKED_FIELDS},
            "quantity": quantity,
            "original_value": value,
            "carried_depreciation": carried,
            "carried_depreciation_months": months,
        },
        note=note,
        details={**shared, "split_from": asset.pk, "split_from_number": asset.number},
    )
    _move(
        asset,
        MovementKind.SPLIT_OUT,
        actor=actor,
        occurred_on=occurred_on,
        state={
            "quantity": asset.quantity - quantity,
            "original_value": value_rest,
            "carried_depreciation": carried_rest,
            "carried_depreciation_months": months,
        },
        note=note,
        details={**shared, "part": part.pk, "part_number": part.number},
    )
    _split_stocktake_item(asset, part, quantity, actor=actor)
    _split_class_list_items(asset, part, quantity, whole, actor=actor)
    facts.refresh(school, facts.CARDS_MISSING_FINANCE_FIELDS, facts.OVERDUE_BORROWINGS)
    return part


def split_asset(
    asset: Asset, *, quantity: int, occurred_on: date | None = None, note: str = "", actor
) -> Asset:
    """拆分: `quantity` items of a batch card become a card of their own, numbered after it.

    The part takes the card's description and state, its share of the original value and
    of the accumulated depreciation (the shares and what stays add up to the fen), and a
    movement saying where it came from; the card gets one saying where they went. The move
    actions call this, in their own transaction, when they are given fewer items than the
    card holds. Returns the new card.
    """
    quantity = _checked_quantity(quantity)
    occurred_on = _occurred_on(occurred_on)
    with transaction.atomic():
        asset = _locked(asset)
        if asset.status in OFF_BOOKS_STATUSES:
            raise refuse(
                "__all__",
                _("资产 %(number)s 已处置或已核销，不能拆分。") % {"number": asset.number},
                "off_books",
            )
        if asset.status == AssetStatus.DISPOSAL_PENDING:
            raise refuse(
                "__all__",
                _("资产 %(number)s 有待审批的处置申请，不能拆分。") % {"number": asset.number},
                "disposal_pending",
            )
        _require_status(
            asset, SPLITTABLE, _("资产 %(number)s 状态为“%(status)s”，不能拆分。"), "not_splittable"
        )
        _ensure_movable(asset)
        return _split_off(asset, quantity, occurred_on=occurred_on, note=note, actor=actor)


def _part_to_move(asset: Asset, quantity: int | None, *, occurred_on: date, actor) -> Asset:
    """The card a move applies to: the whole (locked, checked) card, or `quantity` of its
    items split off into a card of their own. Moving every item is the plain move."""
    if quantity is None or quantity == asset.quantity:
        return asset
    if quantity > asset.quantity:
        raise refuse(
            "quantity",
            _("卡片上只有 %(quantity)s %(unit)s，不能超过。")
            % {"quantity": asset.quantity, "unit": asset.unit},
            "quantity_too_large",
        )
    return _split_off(asset, quantity, occurred_on=occurred_on, actor=actor)


# --- Cards ---------------------------------------------------------------------------------


@dataclass
class AssetDetails:
    """The descriptive fields of a card (everything but its state)."""

    name: str
    classification_code: str
    unit_price: Decimal
    acquisition_date: date
    quantity: int = 1
    original_value: Decimal | None = None
    unit: str = "台"
    specification: str = ""
    brand: str = ""
    serial_number: str = ""
    finance_number: str = ""
    moe_equipment_code: str = ""
    funding: str = ""
    acquisition_method: str = AcquisitionMethod.PURCHASE
    procurement_form: str = ""
    budget_project_number: str = ""
    supplier: str = ""
    voucher_number: str = ""
    warranty_until: date | None = None
    posted_on: date | None = None
    is_reported_to_finance: bool = False
    useful_life_years: int | None = None
    managing_department: Department | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)


_TEXT_LIMITS = {
    "name": 200,
    "specification": 200,
    "brand": 100,
    "serial_number": 100,
    "finance_number": 40,
    "moe_equipment_code": 40,
    "budget_project_number": 60,
    "supplier": 200,
    "voucher_number": 60,
    "unit": 10,
}


@dataclass(frozen=True)
class Classification:
    code: str
    edition: str
    name: str
    code_2022: str


def classification_for(code: str, *, school=None, field_name: str = "classification_code") -> Classification:
    """A code in force for the school (shipped or loaded by its district), or a refusal."""
    code = (code or "").strip().upper()
    edition = edition_of(code)
    if edition is None:
        raise refuse(
            field_name,
            _("分类代码“%(code)s”格式不对：2022 版为一个字母加 6 位数字，2010 版为 7 位数字。")
            % {"code": code},
            "invalid_code",
        )
    school = school or _school()
    row = codes_for_school(school).filter(edition=edition, code=code).order_by("district_id").first()
    if row is None:
        raise refuse(
            field_name, _("分类代码“%(code)s”不在教育局导入的代码表中。") % {"code": code}, "unknown_code"
        )
    code_2022 = code if edition == "2022" else ""
    if edition == "2010":
        mapping = mappings_for_school(school).filter(code_2010=code).first()
        code_2022 = mapping.code_2022 if mapping else ""
    return Classification(code=code, edition=edition, name=row.name, code_2022=code_2022)


def _checked_details(details: AssetDetails, school) -> tuple[Classification, Decimal, Decimal]:
    details.name = (details.name or "").strip()
    if not details.name:
        raise refuse("name", _("请填写资产名称。"), "required")
    for name, limit in _TEXT_LIMITS.items():
        value = (getattr(details, name) or "").strip()
        if len(value) > limit:
            raise refuse(name, _("不能超过 %(limit)s 个字。") % {"limit": limit}, "too_long")
        setattr(details, name, value)
    classification = classification_for(details.classification_code, school=school)
    unit_price = _money(details.unit_price, "unit_price")
    if not isinstance(details.quantity, int) or details.quantity < 1:
        raise refuse("quantity", _("数量至少为 1。"), "invalid_quantity")
    original_value = (
        (unit_price * details.quantity).quantize(CENT)
        if details.original_value in (None, "")
        else _money(details.original_value, "original_value")
    )
    if details.acquisition_date is None:
        raise refuse("acquisition_date", _("请填写取得日期。"), "required")
    if details.acquisition_date > _today():
        raise refuse("acquisition_date", _("取得日期不能晚于今天。"), "future_date")
    for name, choices in (
        ("funding", ("", "fiscal", "non_fiscal")),
        ("procurement_form", ("", "government", "self")),
        ("acquisition_method", tuple(AcquisitionMethod.values)),
    ):
        if getattr(details, name) not in choices:
            raise refuse(name, _("请从列表中选择。"), "invalid_choice")
    _department(details.managing_department, "managing_department")
    return classification, unit_price, original_value


def _next_numbers(school, *, acquisition_date: date, code: str, count: int) -> list[str]:
    """Hand out `count` unused asset numbers of the district's pattern, in order."""
    pattern = rules.number_pattern_for(school, acquisition_date=acquisition_date, code=code)
    sequence, _created = AssetNumberSequence.objects.get_or_create(prefix=pattern.prefix)
    sequence = AssetNumberSequence.objects.select_for_update().get(pk=sequence.pk)
    numbers: list[str] = []
    value = sequence.last_value
    while len(numbers) < count:
        batch = [pattern.format(value + offset) for offset in range(1, count - len(numbers) + 1)]
        value += len(batch)
        taken = set(Asset.objects.filter(number__in=batch).values_list("number", flat=True))
        numbers.extend(number for number in batch if number not in taken)
    sequence.last_value = value
    sequence.save(update_fields=["last_value"])
    return numbers


def check_number(number: str, field_name: str = "number") -> str:
    number = (number or "").strip()
    if not rules.NUMBER_CHARACTERS.match(number) or len(number) > 40:
        raise refuse(field_name, _("资产编号只能由字母、数字和“-”“_”“.”组成，最长 40 位。"), "invalid_number")
    return number


def new_card(
    details: AssetDetails,
    classification: Classification,
    unit_price: Decimal,
    original_value: Decimal,
    school,
) -> Asset:
    """An unsaved card with its descriptive fields; its state comes from its first movement."""
    kind = rules.kind_for(
        school, unit_price=unit_price, code=classification.code, edition=classification.edition
    )
    life = details.useful_life_years
    if life is None:
        life = rules.useful_life_for(
            school, code=classification.code, edition=classification.edition, kind=kind
        )
    return Asset(
        finance_number=details.finance_number,
        kind=kind,
        classification_code=classification.code,
        classification_edition=classification.edition,
        classification_name=classification.name,
        classification_code_2022=classification.code_2022,
        moe_equipment_code=details.moe_equipment_code,
        name=details.name,
        specification=details.specification,
        brand=details.brand,
        serial_number=details.serial_number,
        unit=details.unit or "台",
        unit_price=unit_price,
        funding=details.funding,
        acquisition_method=details.acquisition_method,
        acquisition_date=details.acquisition_date,
        procurement_form=details.procurement_form,
        budget_project_number=details.budget_project_number,
        supplier=details.supplier,
        voucher_number=details.voucher_number,
        warranty_until=details.warranty_until,
        posted_on=details.posted_on,
        is_reported_to_finance=details.is_reported_to_finance,
        useful_life_years=life if kind == AssetKind.FIXED else 0,
        managing_department=details.managing_department,
        note=details.note,
        # The state starts empty; the registration movement sets it.
        status="",
        quantity=details.quantity,
        original_value=original_value,
    )


def initial_state(
    *,
    quantity: int,
    original_value: Decimal,
    location: Location | None,
    using_department: Department | None,
    custodian: User | None,
    custodian_name: str,
    school_class: SchoolClass | None,
) -> dict[str, Any]:
    in_use = bool(custodian or custodian_name or school_class)
    return {
        "status": AssetStatus.IN_USE if in_use else AssetStatus.IN_STOCK,
        "location_id": location,
        "using_department_id": using_department,
        "custodian_id": custodian,
        "custodian_name": custodian_name or (str(custodian) if custodian else ""),
        "school_class_id": school_class,
        "quantity": quantity,
        "original_value": original_value,
    }


def register_asset(
    *,
    details: AssetDetails,
    handler: User,
    acceptor: User,
    approver: User,
    location: Location | None = None,
    using_department: Department | None = None,
    custodian: User | None = None,
    custodian_name: str = "",
    school_class: SchoolClass | None = None,
    number: str = "",
    occurred_on: date | None = None,
    actor,
) -> Asset:
    """入库验收: a new card, accepted by three different people (经手人, 验收人, 审核人)."""
    school = _school()
    classification, unit_price, original_value = _checked_details(details, school)
    for person, field_name in ((handler, "handler"), (acceptor, "acceptor"), (approver, "approver")):
        if person is None:
            raise refuse(field_name, _("请选择人员。"), "required")
    if len({handler.pk, acceptor.pk, approver.pk}) < 3:
        field_name = "acceptor" if handler.pk == acceptor.pk else "approver"
        raise refuse(field_name, _("经手人、验收人、审核人须为三个不同的人。"), "same_person")
    _member(handler, "handler")
    _member(acceptor, "acceptor")
    _approver(approver, "approver")
    _location(location)
    _department(using_department, "using_department")
    _school_class(school_class)
    if custodian is not None:
        _member(custodian, "custodian")
    custodian_name = (custodian_name or "").strip()[:50]
    occurred_on = _occurred_on(occurred_on)
    if number:
        number = check_number(number)
        if Asset.objects.filter(number=number).exists():
            raise refuse("number", _("资产编号“%(number)s”已存在。") % {"number": number}, "duplicate_number")
    with transaction.atomic():
        asset = new_card(details, classification, unit_price, original_value, school)
        asset.number = (
            number
            or _next_numbers(
                school, acquisition_date=details.acquisition_date, code=classification.code, count=1
            )[0]
        )
        _move(
            asset,
            MovementKind.REGISTER,
            actor=actor,
            occurred_on=occurred_on,
            audit_action="create",
            state=initial_state(
                quantity=details.quantity,
                original_value=original_value,
                location=location,
                using_department=using_department,
                custodian=custodian,
                custodian_name=custodian_name,
                school_class=school_class,
            ),
            handler=handler,
            acceptor=acceptor,
            approver=approver,
        )
        facts.refresh(school, facts.CARDS_MISSING_FINANCE_FIELDS)
    return asset


# Fields that update_asset_details may change; the state fields change only by movements.
EDITABLE_FIELDS = (
    "name",
    "specification",
    "brand",
    "serial_number",
    "finance_number",
    "moe_equipment_code",
    "unit",
    "funding",
    "acquisition_method",
    "procurement_form",
    "budget_project_number",
    "supplier",
    "voucher_number",
    "warranty_until",
    "posted_on",
    "is_reported_to_finance",
    "useful_life_years",
    "managing_department",
    "note",
    "classification_code",
    "unit_price",
    "acquisition_date",
    "original_value",
)


def update_asset_details(asset: Asset, *, changes: dict[str, Any], actor) -> Asset:
    """Correct a card's description. A changed value (原值) is a correction movement of its own."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise refuse(sorted(unknown)[0], _("该项只能通过资产变动修改。"), "not_editable")
    school = _school()
    with transaction.atomic():
        asset = _locked(asset)
        if asset.status in OFF_BOOKS_STATUSES:
            raise refuse("__all__", _("已处置或已核销的资产不能修改。"), "off_books")
        details = AssetDetails(
            **{
                name: getattr(asset, name)
                for name in EDITABLE_FIELDS
                if name not in ("original_value", "classification_code")
            },
            classification_code=asset.classification_code,
            quantity=asset.quantity,
            original_value=asset.original_value,
        )
        for name, value in changes.items():
            setattr(details, name, value)
        if details.useful_life_years is not None and (
            not isinstance(details.useful_life_years, int) or not 0 <= details.useful_life_years <= 100
        ):
            raise refuse("useful_life_years", _("使用年限应为 0 到 100 年。"), "invalid_life")
        classification, unit_price, original_value = _checked_details(details, school)
        before = snapshot(asset)
        replacement = new_card(details, classification, unit_price, original_value, school)
        if (
            "useful_life_years" not in changes
            and "classification_code" not in changes
            and "unit_price" not in changes
        ):
            replacement.useful_life_years = asset.useful_life_years
        for name in [
            *EDITABLE_FIELDS,
            "kind",
            "classification_edition",
            "classification_name",
            "classification_code_2022",
        ]:
            if name != "original_value":
                setattr(asset, name, getattr(replacement, name))
        if original_value != asset.original_value:
            _ensure_movable(asset)
            _move(
                asset,
                MovementKind.CORRECTION,
                actor=actor,
                occurred_on=_today(),
                state={"original_value": original_value},
                note=_("更正原值"),
            )
        else:
            asset.search_text = asset.build_search_text()
            asset.save()
            record_change(actor=actor, action="update", instance=asset, before=before)
        facts.refresh(school, facts.CARDS_MISSING_FINANCE_FIELDS)
    return asset


def issue_asset(
    asset: Asset,
    *,
    custodian: User | None = None,
    custodian_name: str = "",
    using_department: Department | None = None,
    school_class: SchoolClass | None = None,
    location: Location | None = None,
    quantity: int | None = None,
    occurred_on: date | None = None,
    note: str = "",
    actor,
) -> AssetMovement:
    """领用: from the store to a person, a department or a class (part of a batch: `quantity`)."""
    if custodian is None and not custodian_name.strip() and using_department is None and school_class is None:
        raise refuse("custodian", _("请选择领用人、领用部门或班级。"), "required")
    if custodian is not None:
        _member(custodian, "custodian")
    _department(using_department, "using_department")
    _school_class(school_class)
    _location(location)
    if quantity is not None:
        _checked_quantity(quantity)
    occurred_on = _occurred_on(occurred_on)
    with transaction.atomic():
        asset = _locked(asset)
        _require_status(
            asset,
            [AssetStatus.IN_STOCK],
            _("资产 %(number)s 状态为“%(status)s”，只有在库的资产可以领用。"),
            "not_in_stock",
        )
        _ensure_movable(asset)
        asset = _part_to_move(asset, quantity, occurred_on=occurred_on, actor=actor)
        state: dict[str, Any] = {
            "status": AssetStatus.IN_USE,
            "custodian_id": custodian,
            "custodian_name": custodian_name.strip()[:50] or (str(custodian) if custodian else ""),
            "school_class_id": school_class,
        }
        if using_department is not None:
            state["using_department_id"] = using_department
        if location is not None:
            state["location_id"] = location
        movement = _move(
            asset, MovementKind.ISSUE, actor=actor, occurred_on=occurred_on, state=state, note=note
        )
        facts.refresh(_school(), facts.CARDS_MISSING_FINANCE_FIELDS)
    return movement


def _back_in_store(condition: str, location: Location | None, **cleared) -> dict[str, Any]:
    """The state of a card back with the keeper (reclaimed or returned): in store, or damaged
    if it came back so; where it was put, if said; and no longer held by whom `cleared` names."""
    state: dict[str, Any] = {
        "status": AssetStatus.DAMAGED if condition == Condition.DAMAGED else AssetStatus.IN_STOCK,
        **cleared,
    }
    if location is not None:
        state["location_id"] = location
    return state


def reclaim_asset(
    asset: Asset,
    *,
    location: Location | None = None,
    condition: str = Condition.GOOD,
    occurred_on: date | None = None,
    note: str = "",
    actor,
) -> AssetMovement:
    """退库: an issued card comes back to the store."""
    if condition not in Condition.values:
        raise refuse("condition", _("请选择资产状况。"), "invalid_choice")
    _location(location)
    occurred_on = _occurred_on(occurred_on)
    with transaction.atomic():
        asset = _locked(asset)
        _require_status(
            asset,
            [AssetStatus.IN_USE],
            _("资产 %(number)s 状态为“%(status)s”，只有在用的资产可以退库。"),
            "not_in_use",
        )
        _ensure_movable(asset)
        state = _back_in_store(
            condition, location, custodian_id=None, custodian_name="", school_class_id=None
        )
        return _move(
            asset,
            MovementKind.RECLAIM,
            actor=actor,
            occurred_on=occurred_on,
            state=state,
            condition=condition,
            note=note,
        )


def borrow_asset(
    asset: Asset,
    *,
    borrower: User,
    due_date: date,
    quantity: int | None = None,
    occurred_on: date | None = None,
    note: str = "",
    actor,
) -> AssetMovement:
    """借用: a card from the store lent to a member of the school until a due date."""
    _member(borrower, "borrower")
    if quantity is not None:
        _checked_quantity(quantity)
    occurred_on = _occurred_on(occurred_on)
    if due_date is None:
        raise refuse("due_date", _("请填写应还日期。"), "required")
    if due_date < occurred_on:
        raise refuse("due_date", _("应还日期不能早于借出日期。"), "due_before_borrow")
    with transaction.atomic():
        asset = _locked(asset)
        _require_status(
            asset,
            [AssetStatus.IN_STOCK],
            _("资产 %(number)s 状态为“%(status)s”，只有在库的资产可以借出。"),
            "not_in_stock",
        )
        _ensure_movable(asset)
        asset = _part_to_move(asset, quantity, occurred_on=occurred_on, actor=actor)
        movement = _move(
            asset,
            MovementKind.BORROW,
            actor=actor,
            occurred_on=occurred_on,
            state={
                "status": AssetStatus.BORROWED,
                "borrower_id": borrower,
                "borrower_name": str(borrower)[:50],
                "borrow_due_date": due_date,
            },
            note=note,
        )
        facts.refresh(_school(), facts.OVERDUE_BORROWINGS)
    return movement


def return_asset(
    asset: Asset,
    *,
    condition: str = Condition.GOOD,
    location: Location | None = None,
    occurred_on: date | None = None,
    note: str = "",
    actor,
) -> AssetMovement:
    """归还: a borrowed card comes back, in the condition the keeper finds it."""
    if condition not in Condition.values:
        raise refuse("condition", _("请选择归还时的状况。"), "invalid_choice")
    _location(location)
    occurred_on = _occurred_on(occurred_on)
    with transaction.atomic():
        asset = _locked(asset)
        _require_status(
            asset,
            [AssetStatus.BORROWED],
            _("资产 %(number)s 未借出（状态为“%(status)s”），无需归还。"),
            "not_borrowed",
        )
        _ensure_movable(asset)
        state = _back_in_store(condition, location, borrower_id=None, borrower_name="", borrow_due_date=None)
        movement = _move(
            asset,
            MovementKind.RETURN,
            actor=actor,
            occurred_on=occurred_on,
            state=state,
            condition=condition,
            note=note,
        )
        facts.refresh(_school(), facts.OVERDUE_BORROWINGS)
    return movement


_UNSET: Any = object()
TRANSFERABLE = (AssetStatus.IN_STOCK, AssetStatus.IN_USE, AssetStatus.DAMAGED)


def transfer_assets(
    assets: Sequence[Asset],
    *,
    approver: User,
    to_department: Department | None = _UNSET,
    to_location: Location | None = _UNSET,
    to_class: SchoolClass | None = _UNSET,
    to_custodian: User | None = _UNSET,
    to_custodian_name: str = "",
    occurred_on: date | None = None,
    note: str = "",
    actor,
) -> list[AssetMovement]:
    """调拨: move cards between departments, places, classes or people, with an approver's consent.

    All the cards move, or none does. A field left unset keeps its value; to_class=None
    takes a card out of its class.
    """
    if not assets:
        raise refuse("assets", _("请选择要调拨的资产。"), "required")
    if all(value is _UNSET for value in (to_department, to_location, to_class, to_custodian)):
        raise refuse("to_location", _("请选择调入的部门、地点、班级或使用人。"), "required")
    _approver(approver)
    if to_department is not _UNSET:
        if to_department is None:
            raise refuse("to_department", _("请选择调入部门。"), "required")
        _department(to_department, "to_department")
    if to_location is not _UNSET:
        _location(to_location, "to_location", required=True)
    if to_class is not _UNSET:
        _school_class(to_class, "to_class")
    if to_custodian not in (_UNSET, None):
        _member(to_custodian, "to_custodian")
    occurred_on = _occurred_on(occurred_on)
    movements = []
    with transaction.atomic():
        for asset in sorted(assets, key=lambda card: card.pk):
            asset = _locked(asset)
            _require_status(
                asset, TRANSFERABLE, _("资产 %(number)s 状态为“%(status)s”，不能调拨。"), "not_transferable"
            )
            _ensure_movable(asset)
            state: dict[str, Any] = {}
            if to_department is not _UNSET:
                state["using_department_id"] = to_department
            if to_location is not _UNSET:
                state["location_id"] = to_location
            if to_class is not _UNSET:
                state["school_class_id"] = to_class
            if to_custodian is not _UNSET:
                state["custodian_id"] = to_custodian
                state["custodian_name"] = to_custodian_name.strip()[:50] or (
                    str(to_custodian) if to_custodian else ""
                )
            holder = (
                state.get("custodian_id", asset.custodian_id)
                or state.get("custodian_name", asset.custodian_name)
                or state.get("school_class_id", asset.school_class_id)
            )
            if asset.status == AssetStatus.IN_STOCK and holder:
                state["status"] = AssetStatus.IN_USE
            movements.append(
                _move(
                    asset,
                    MovementKind.TRANSFER,
                    actor=actor,
                    occurred_on=occurred_on,
                    state=state,
                    approver=approver,
                    note=note,
                )
            )
        if any(not movement.changes for movement in movements):
            unchanged = next(movement for movement in movements if not movement.changes)
            raise refuse(
                "to_location",
                _("资产 %(number)s 已在调入的部门和地点，无需调拨。") % {"number": unchanged.asset.number},
                "nothing_to_transfer",
            )
        facts.refresh(_school(), facts.CARDS_MISSING_FINANCE_FIELDS)
    return movements


def transfer_asset(asset: Asset, *, quantity: int | None = None, **kwargs) -> AssetMovement:
    """调拨 one card, or `quantity` of its items (split off first); see transfer_assets."""
    if quantity is None:
        return transfer_assets([asset], **kwargs)[0]
    _checked_quantity(quantity)
    occurred_on = _occurred_on(kwargs.get("occurred_on"))
    with transaction.atomic():
        asset = _locked(asset)
        _require_status(
            asset, TRANSFERABLE, _("资产 %(number)s 状态为“%(status)s”，不能调拨。"), "not_transferable"
        )
        _ensure_movable(asset)
        part = _part_to_move(asset, quantity, occurred_on=occurred_on, actor=kwargs.get("actor"))
        return transfer_assets([part], **kwargs)[0]


REPAIRABLE = (AssetStatus.IN_STOCK, AssetStatus.IN_USE, AssetStatus.DAMAGED)


def send_for_repair(
    asset: Asset,
    *,
    vendor: str,
    fault: str,
    quantity: int | None = None,
    occurred_on: date | None = None,
    note: str = "",
    actor,
) -> AssetMovement:
    """送修: out to a repairer."""
    vendor, fault = (vendor or "").strip(), (fault or "").strip()
    if not fault:
        raise refuse("fault", _("请描述故障。"), "required")
    if quantity is not None:
        _checked_quantity(quantity)
    occurred_on = _occurred_on(occurred_on)
    with transaction.atomic():
        asset = _locked(asset)
        _require_status(
            asset, REPAIRABLE, _("资产 %(number)s 状态为“%(status)s”，不能送修。"), "not_repairable"
        )
        _ensure_movable(asset)
        asset = _part_to_move(asset, quantity, occurred_on=occurred_on, actor=actor)
        return _move(
            asset,
            MovementKind.REPAIR_OUT,
            actor=actor,
            occurred_on=occurred_on,
            state={"status": AssetStatus.IN_REPAIR},
            note=note,
            details={"vendor": vendor[:200], "fault": fault[:1000]},
        )


def return_from_repair(
    asset: Asset,
    *,
    is_repaired: bool,
    cost: Decimal | None = None,
    occurred_on: date | None = None,
    note: str = "",
    actor,
) -> AssetMovement:
    """修回: repaired, it goes back to its holder (or the store); beyond repair, it waits for disposal."""
    cost = _money(cost, "cost") if cost not in (None, "") else None
    occurred_on = _occurred_on(occurred_on)
    with transaction.atomic():
        asset = _locked(asset)
        _require_status(
            asset,
            [AssetStatus.IN_REPAIR],
            _("资产 %(number)s 未在维修中（状态为“%(status)s”）。"),
            "not_in_repair",
        )
        _ensure_movable(asset)
        held = bool(asset.custodian_id or asset.custodian_name or asset.school_class_id)
        status = (
            (AssetStatus.IN_USE if held else AssetStatus.IN_STOCK) if is_repaired else AssetStatus.DAMAGED
        )
        return _move(
            asset,
            MovementKind.REPAIR_BACK,
            actor=actor,
            occurred_on=occurred_on,
            state={"status": status},
            note=note,
            details={"is_repaired": bool(is_repaired), "cost": str(cost) if cost is not None else None},
        )


DAMAGEABLE = (AssetStatus.IN_STOCK, AssetStatus.IN_USE, AssetStatus.BORROWED, AssetStatus.DAMAGED)


def report_damage(
    asset: Asset,
    *,
    description: str,
    responsible_name: str = "",
    responsible: User | None = None,
    compensation_amount: Decimal | str = "0",
    quantity: int | None = None,
    occurred_on: date | None = None,
    actor,
) -> DamageReport:
    """损坏报告: what is broken (or missing), who is responsible, and what they pay (谁损坏谁赔偿)."""
    description = (description or "").strip()
    if not description:
        raise refuse("description", _("请描述损坏情况。"), "required")
    amount = _money(compensation_amount or "0", "compensation_amount")
    responsible_name = (responsible_name or "").strip()[:50] or (str(responsible) if responsible else "")
    if amount > 0 and not responsible_name:
        raise refuse("responsible_name", _("有赔偿金额时，请填写责任人。"), "required")
    if quantity is not None:
        _checked_quantity(quantity)
    occurred_on = _occurred_on(occurred_on)
    with transaction.atomic():
        asset = _locked(asset)
        _require_status(
            asset, DAMAGEABLE, _("资产 %(number)s 状态为“%(status)s”，不能报告损坏。"), "not_damageable"
        )
        _ensure_movable(asset)
        asset = _part_to_move(asset, quantity, occurred_on=occurred_on, actor=actor)
        state: dict[str, Any] = {"status": AssetStatus.DAMAGED}
        if asset.status == AssetStatus.BORROWED:
            # Damaged while lent: it is back with the keeper, to be repaired or disposed of.
            state.update({"borrower_id": None, "borrower_name": "", "borrow_due_date": None})
        movement = _move(
            asset,
            MovementKind.DAMAGE,
            actor=actor,
            occurred_on=occurred_on,
            state=state,
            note=description,
            details={"responsible_name": responsible_name, "compensation_amount": str(amount)},
        )
        report = DamageReport.objects.create(
            asset=asset,
            movement=movement,
            description=description,
            responsible_name=responsible_name,
            responsible=responsible,
            compensation_amount=amount,
        )
        record_change(actor=actor, action="create", instance=report, before=None)
        facts.refresh(_school(), facts.OVERDUE_BORROWINGS)
    return report


def record_compensation_paid(report: DamageReport, *, paid_on: date | None = None, actor) -> DamageReport:
    """赔偿收讫: the responsible person paid what the school set."""
    paid_on = _occurred_on(paid_on)
    with transaction.atomic():
        report = DamageReport.objects.select_for_update().get(pk=report.pk)
        if report.compensation_amount <= 0:
            raise refuse("__all__", _("该损坏报告没有赔偿金额。"), "no_compensation")
        if report.is_paid:
            raise refuse("__all__", _("该赔偿已登记收讫。"), "already_paid")
        before = snapshot(report)
        report.is_paid, report.paid_on = True, paid_on
        report.save(update_fields=["is_paid", "paid_on", "updated_at"])
        _move(
            _locked(report.asset),
            MovementKind.COMPENSATION,
            actor=actor,
            occurred_on=paid_on,
            details={
                "damage_report": report.pk,
                "amount": str(report.compensation_amount),
                "responsible_name": report.responsible_name,
            },
        )
        record_change(actor=actor, action="update", instance=report, before=before)
    return report


DISPOSABLE = (AssetStatus.IN_STOCK, AssetStatus.IN_USE, AssetStatus.DAMAGED)


def request_disposal(
    asset: Asset, *, method: str, reason: str, quantity: int | None = None, actor
) -> DisposalRequest:
    """申请处置: the card (or `quantity` of its items, split off first) waits for the
    approvals its original value requires."""
    if method not in DisposalMethod.values:
        raise refuse("method", _("请选择处置方式。"), "invalid_choice")
    reason = (reason or "").strip()
    if not reason:
        raise refuse("reason", _("请填写处置理由。"), "required")
    if quantity is not None:
        _checked_quantity(quantity)
    school = _school()
    with transaction.atomic():
        asset = _locked(asset)
        if asset.status == AssetStatus.DISPOSED:
            raise refuse(
                "__all__",
                _("资产 %(number)s 已处置，不能再次处置。") % {"number": asset.number},
                "already_disposed",
            )
        if asset.status == AssetStatus.DISPOSAL_PENDING:
            raise refuse(
                "__all__",
                _("资产 %(number)s 已有待审批的处置申请。") % {"number": asset.number},
                "disposal_pending",
            )
        _require_status(
            asset, DISPOSABLE, _("资产 %(number)s 状态为“%(status)s”，不能申请处置。"), "not_disposable"
        )
        _ensure_movable(asset)
        asset = _part_to_move(asset, quantity, occurred_on=_today(), actor=actor)
        request = DisposalRequest.objects.create(
            asset=asset,
            method=method,
            reason=reason,
            value=asset.original_value,
            steps=rules.disposal_steps_for(school, asset.original_value),
            status_before=asset.status,
            requested_by=_actor_user(actor),
        )
        _move(
            asset,
            MovementKind.DISPOSAL_REQUEST,
            actor=actor,
            occurred_on=_today(),
            state={"status": AssetStatus.DISPOSAL_PENDING},
            note=reason,
            details={"disposal_request": request.pk, "method": method},
        )
        record_change(actor=actor, action="create", instance=request, before=None)
        facts.refresh(school, facts.DISPOSALS_PENDING, facts.CARDS_MISSING_FINANCE_FIELDS)
    return request


def _check_step(request: DisposalRequest, actor) -> tuple[int, str]:
    if request.status != DisposalStatus.PENDING:
        raise refuse("__all__", _("该处置申请已审批完毕。"), "not_pending")
    approvals = list(request.approvals.all())
    step = len(approvals)
    role = request.steps[step]
    user = _actor_user(actor)
    if user is None or Role(role) not in school_roles(user, _school()):
        raise PermissionDenied(_("本环节须由%(role)s审批。") % {"role": Role(role).label})
    if any(approval.approver_id == user.pk for approval in approvals):
        raise refuse("__all__", _("同一人不能审批两个环节。"), "same_approver")
    return step, role


def approve_disposal(request: DisposalRequest, *, note: str = "", actor) -> DisposalRequest:
    """Approve the next step; the last approval disposes of the card."""
    school = _school()
    with transaction.atomic():
        request = DisposalRequest.objects.select_for_update().get(pk=request.pk)
        step, role = _check_step(request, actor)
        approval = DisposalApproval.objects.create(
            request=request, step=step, role=role, approver=_actor_user(actor), note=(note or "").strip()
        )
        record_change(actor=actor, action="create", instance=approval, before=None)
        if step + 1 == len(request.steps):
            before = snapshot(request)
            request.status, request.decided_at = DisposalStatus.APPROVED, timezone.now()
            request.save(update_fields=["status", "decided_at", "updated_at"])
            record_change(actor=actor, action="update", instance=request, before=before)
            _move(
                _locked(request.asset),
                MovementKind.DISPOSAL,
                actor=actor,
                occurred_on=_today(),
                state={"status": AssetStatus.DISPOSED},
                note=request.reason,
                details={"disposal_request": request.pk, "method": request.method},
            )
            facts.refresh(school, facts.DISPOSALS_PENDING, facts.CARDS_MISSING_FINANCE_FIELDS)
    return request


def reject_disposal(request: DisposalRequest, *, note: str, actor) -> DisposalRequest:
    """Reject at the current step: the card returns to the status it had."""
    note = (note or "").strip()
    if not note:
        raise refuse("note", _("请填写驳回理由。"), "required")
    school = _school()
    with transaction.atomic():
        request = DisposalRequest.objects.select_for_update().get(pk=request.pk)
        _check_step(request, actor)
        before = snapshot(request)
        request.status, request.decided_at = DisposalStatus.REJECTED, timezone.now()
        request.save(update_fields=["status", "decided_at", "updated_at"])
        record_change(actor=actor, action="update", instance=request, before=before)
        _move(
            _locked(request.asset),
            MovementKind.DISPOSAL_REJECTED,
            actor=actor,
            occurred_on=_today(),
            state={"status": request.status_before},
            note=note,
            details={"disposal_request": request.pk},
        )
        facts.refresh(school, facts.DISPOSALS_PENDING, facts.CARDS_MISSING_FINANCE_FIELDS)
    return request


def record_disposal_outcome(
    request: DisposalRequest,
    *,
    disposed_on: date | None,
    proceeds: Decimal | str | None,
    counterparty: str = "",
    document_number: str = "",
    is_remitted: bool = False,
    actor,
) -> DisposalRequest:
    """处置结果: an approved sale, transfer out, donation or scrapping was carried out. Who
    took the asset, when, for how much (处置收入, 0 allowed where nothing was paid), the
    voucher or document, and whether the proceeds were handed to finance (上缴).

    Recorded again to correct it or to note the proceeds handed over; each time the card's
    ledger gets a movement saying so, and the trail the values before and after.
    """
    counterparty, document_number = (counterparty or "").strip(), (document_number or "").strip()
    if len(counterparty) > 200:
        raise refuse("counterparty", _("不能超过 %(limit)s 个字。") % {"limit": 200}, "too_long")
    if len(document_number) > 60:
        raise refuse("document_number", _("不能超过 %(limit)s 个字。") % {"limit": 60}, "too_long")
    if disposed_on is None:
        raise refuse("disposed_on", _("请填写处置日期。"), "required")
    if disposed_on > _today():
        raise refuse("disposed_on", _("日期不能晚于今天。"), "future_date")
    if proceeds in (None, ""):
        raise refuse("proceeds", _("请填写处置收入，没有收入填 0。"), "required")
    amount = _money(proceeds, "proceeds")
    with transaction.atomic():
        request = DisposalRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != DisposalStatus.APPROVED:
            raise refuse("__all__", _("处置申请审批通过后，才能登记处置结果。"), "not_approved")
        if request.method not in OUTCOME_METHODS:
            raise refuse(
                "__all__",
                _("“%(method)s”没有处置结果可登记。") % {"method": request.get_method_display()},
                "no_outcome",
            )
        # Carried out only once approved (never 先处置后审批): not before the approval's day.
        approved_on = timezone.localtime(request.decided_at or request.created_at).date()
        if disposed_on < approved_on:
            raise refuse(
                "disposed_on",
                _("处置日期不能早于审批通过日期 %(date)s。") % {"date": approved_on.isoformat()},
                "before_approval",
            )
        if request.method != DisposalMethod.SCRAP and not counterparty:
            raise refuse("counterparty", _("请填写接收方。"), "required")
        if request.method == DisposalMethod.SALE and amount == 0:
            raise refuse("proceeds", _("出售须填写处置收入。"), "sale_without_proceeds")
        if is_remitted and amount == 0:
            raise refuse("is_remitted", _("没有处置收入，无需上缴。"), "nothing_to_remit")
        before = snapshot(request)
        request.counterparty, request.disposed_on, request.proceeds = counterparty, disposed_on, amount
        request.document_number, request.is_remitted = document_number, bool(is_remitted)
        request.outcome_recorded_by, request.outcome_recorded_at = _actor_user(actor), timezone.now()
        request.save()
        record_change(actor=actor, action="update", instance=request, before=before)
        _move(
            _locked(request.asset),
            MovementKind.DISPOSAL_OUTCOME,
            actor=actor,
            occurred_on=disposed_on,
            details={
                "disposal_request": request.pk,
                "method": request.method,
                "counterparty": counterparty,
                "proceeds": str(amount),
                "document_number": document_number,
                "is_remitted": bool(is_remitted),
            },
        )
    return request


def add_attachment(asset: Asset, *, upload, actor) -> AssetAttachment:
    """A photo (checked by content, re-encoded without metadata) or a PDF document."""
    checked = checked_upload(upload)
    with transaction.atomic():
        attachment = AssetAttachment(
            asset=asset,
            kind=checked.kind,
            original_name=checked.name,
            content_type=checked.content_type,
            size=len(checked.content),
            uploaded_by=_actor_user(actor),
        )
        attachment.file.save(checked.storage_name, checked.as_file(), save=False)
        attachment.save()
        record_change(actor=actor, action="create", instance=attachment, before=None)
    return attachment


# --- Places and classes -----------------------------------------------------------------------


def create_location(*, building: str, floor: str = "", room: str = "", actor) -> Location:
    building, floor, room = (building or "").strip(), (floor or "").strip(), (room or "").strip()
    if not building:
        raise refuse("building", _("请填写楼宇。"), "required")
    if len(building) > 50 or len(floor) > 20 or len(room) > 50:
        raise refuse("building", _("名称过长。"), "too_long")
    if Location.objects.filter(building=building, floor=floor, room=room).exists():
        raise refuse("room", _("该地点已存在。"), "duplicate_location")
    with transaction.atomic():
        location = Location.objects.create(building=building, floor=floor, room=room)
        record_change(actor=actor, action="create", instance=location, before=None)
    return location


def create_school_class(
    *, name: str, grade: int, number: int, class_teacher: User | None = None, actor
) -> SchoolClass:
    name = (name or "").strip()
    if not name:
        raise refuse("name", _("请填写班级名称。"), "required")
    if SchoolClass.objects.filter(name=name).exists():
        raise refuse("name", _("班级“%(name)s”已存在。") % {"name": name}, "duplicate_class")
    if class_teacher is not None:
        _member(class_teacher, "class_teacher")
    with transaction.atomic():
        school_class = SchoolClass.objects.create(
            name=name[:50], grade=grade, number=number, class_teacher=class_teacher
        )
        record_change(actor=actor, action="create", instance=school_class, before=None)
    return school_class


def set_class_teacher(school_class: SchoolClass, *, class_teacher: User, actor) -> SchoolClass:
    """A new class teacher: this term's property list must be signed again, by them."""
    _member(class_teacher, "class_teacher")
    if school_class.class_teacher_id == class_teacher.pk:
        return school_class
    with transaction.atomic():
        before = snapshot(school_class)
        school_class.class_teacher = class_teacher
        school_class.save(update_fields=["class_teacher", "updated_at"])
        record_change(actor=actor, action="update", instance=school_class, before=before)
        current = ClassPropertyList.objects.filter(
            school_class=school_class, term=term_for(_today()).key, status=PropertyListStatus.SIGNED
        ).first()
        if current is not None:
            list_before = snapshot(current)
            current.status = PropertyListStatus.AWAITING_SIGNATURE
            current.save(update_fields=["status", "updated_at"])
            current.signatures.filter(is_current=True).update(is_current=False)
            record_change(actor=actor, action="update", instance=current, before=list_before)
    return school_class


# --- Consumables -------------------------------------------------------------------------------


def create_consumable(
    *,
    name: str,
    specification: str = "",
    unit: str = "个",
    low_stock_threshold: int = 0,
    requires_worn_return: bool = False,
    actor,
) -> Consumable:
    name, specification = (name or "").strip(), (specification or "").strip()
    if not name:
        raise refuse("name", _("请填写耗材名称。"), "required")
    if Consumable.objects.filter(name=name, specification=specification).exists():
        raise refuse("name", _("该耗材已存在。"), "duplicate_consumable")
    if low_stock_threshold < 0:
        raise refuse("low_stock_threshold", _("不能为负数。"), "invalid_quantity")
    with transaction.atomic():
        consumable = Consumable.objects.create(
            name=name[:100],
            specification=specification[:100],
            unit=(unit or "个")[:10],
            low_stock_threshold=low_stock_threshold,
            requires_worn_return=requires_worn_return,
        )
        record_change(actor=actor, action="create", instance=consumable, before=None)
    return consumable


def _quantity(value, field_name: str = "quantity") -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise refuse(field_name, _("数量应为正整数。"), "invalid_quantity")
    return value


def _stock_move(consumable: Consumable, *, kind: str, quantity: int, actor, **fields) -> ConsumableMovement:
    before = snapshot(consumable)
    consumable.on_hand = (
        consumable.on_hand + quantity
        if kind == ConsumableMovementKind.STOCK_IN
        else consumable.on_hand - quantity
    )
    consumable.save(update_fields=["on_hand", "updated_at"])
    movement = ConsumableMovement.objects.create(
        consumable=consumable,
        kind=kind,
        quantity=quantity,
        on_hand_after=consumable.on_hand,
        actor=_actor_user(actor),
        actor_label=_actor_label(actor),
        **fields,
    )
    record_event(
        actor=actor,
        action="update",
        object_type="assets.consumable",
        object_id=str(consumable.pk),
        before=before,
        after=snapshot(consumable),
        context={"movement": movement.pk, "kind": kind},
    )
    record_change(actor=actor, action="create", instance=movement, before=None)
    return movement


def stock_in(
    consumable: Consumable,
    *,
    quantity: int,
    unit_price: Decimal | None = None,
    supplier: str = "",
    note: str = "",
    actor,
) -> ConsumableMovement:
    """入库: consumables bought or received."""
    quantity = _quantity(quantity)
    price = _money(unit_price, "unit_price") if unit_price not in (None, "") else None
    with transaction.atomic():
        consumable = Consumable.objects.select_for_update().get(pk=consumable.pk)
        return _stock_move(
            consumable,
            kind=ConsumableMovementKind.STOCK_IN,
            quantity=quantity,
            actor=actor,
            unit_price=price,
            supplier=(supplier or "").strip()[:200],
            note=note,
        )


def stock_out(
    consumable: Consumable,
    *,
    quantity: int,
    department: Department,
    requester: User,
    approver: User,
    worn_returned: int = 0,
    note: str = "",
    actor,
) -> ConsumableMovement:
    """出库: issued to a department; asked for by one person, approved by another; 领新交旧 where it applies."""
    quantity = _quantity(quantity)
    if department is None:
        raise refuse("department", _("请选择领用部门。"), "required")
    _department(department, "department")
    _member(requester, "requester")
    _approver(approver)
    if requester.pk == approver.pk:
        raise refuse("approver", _("领用人和审批人不能是同一人。"), "same_person")
    if not isinstance(worn_returned, int) or worn_returned < 0:
        raise refuse("worn_returned", _("交旧数量不能为负数。"), "invalid_quantity")
    with transaction.atomic():
        consumable = Consumable.objects.select_for_update().get(pk=consumable.pk)
        if consumable.requires_worn_return and worn_returned < quantity:
            raise refuse(
                "worn_returned",
                _("该耗材须领新交旧：领 %(quantity)s 个须交回旧的 %(quantity)s 个。")
                % {"quantity": quantity},
                "worn_not_returned",
            )
        if quantity > consumable.on_hand:
            raise refuse(
                "quantity",
                _("库存不足：现有 %(on_hand)s %(unit)s。")
                % {"on_hand": consumable.on_hand, "unit": consumable.unit},
                "insufficient_stock",
            )
        movement = _stock_move(
            consumable,
            kind=ConsumableMovementKind.STOCK_OUT,
            quantity=quantity,
            actor=actor,
            department=department,
            requester=requester,
            approver=approver,
            worn_returned=worn_returned,
            note=note,
        )
        if consumable.is_low:
            from eduplatform.assets.tasks import notify_low_stock

            enqueue_on_commit(notify_low_stock, consumable.pk)
    return movement


# --- Stocktakes --------------------------------------------------------------------------------


def expected_cards(
    *,
    scope: str,
    reference_date: date,
    locations: Sequence[Location] = (),
    category_prefixes: Sequence[str] = (),
):
    """The cards the books say should be found: on the books and acquired by the reference date."""
    cards = Asset.objects.exclude(status__in=OFF_BOOKS_STATUSES).filter(acquisition_date__lte=reference_date)
    if scope == StocktakeScope.LOCATIONS:
        cards = cards.filter(location__in=list(locations))
    elif scope == StocktakeScope.CATEGORIES:
        condition = Q()
        for prefix in category_prefixes:
            condition |= Q(classification_code__startswith=prefix)
        cards = cards.filter(condition)
    return cards


def open_stocktake(
    *,
    name: str,
    scope: str,
    reference_date: date,
    locations: Sequence[Location] = (),
    category_prefixes: Sequence[str] = (),
    actor,
) -> Stocktake:
    """盘点: the expected list is taken from the books as they stand at the reference date."""
    name = (name or "").strip()
    if not name:
        raise refuse("name", _("请填写盘点名称。"), "required")
    if scope not in StocktakeScope.values:
        raise refuse("scope", _("请选择盘点范围。"), "invalid_choice")
    if reference_date is None or reference_date > _today():
        raise refuse("reference_date", _("盘点基准日不能晚于今天。"), "future_date")
    if scope == StocktakeScope.LOCATIONS:
        if not locations:
            raise refuse("locations", _("请选择要盘点的地点。"), "required")
        for location in locations:
            _location(location, "locations")
    prefixes = [prefix.strip().upper() for prefix in category_prefixes if prefix and prefix.strip()]
    if scope == StocktakeScope.CATEGORIES and not prefixes:
        raise refuse("category_prefixes", _("请填写要盘点的分类代码（可只写前几位）。"), "required")
    with transaction.atomic():
        if Stocktake.objects.select_for_update().filter(status=StocktakeStatus.OPEN).exists():
            raise refuse("__all__", _("已有进行中的盘点，请先结束它。"), "stocktake_already_open")
        stocktake = Stocktake.objects.create(
            name=name[:100],
            scope=scope,
            reference_date=reference_date,
            category_prefixes=prefixes if scope == StocktakeScope.CATEGORIES else [],
            opened_by=_actor_user(actor),
        )
        if scope == StocktakeScope.LOCATIONS:
            stocktake.locations.set(locations)
        cards = expected_cards(
            scope=scope, reference_date=reference_date, locations=locations, category_prefixes=prefixes
        )
        items = []
        for card in cards.only(
            "id",
            "quantity",
            "location_id",
            "original_value",
            "acquisition_date",
            "useful_life_years",
            "carried_depreciation",
            "carried_depreciation_months",
        ).iterator(chunk_size=5000):
            depreciation = card.depreciation(reference_date)
            items.append(
                StocktakeItem(
                    stocktake=stocktake,
                    asset_id=card.pk,
                    book_quantity=card.quantity,
                    book_location_id=card.location_id,
                    book_original_value=card.original_value,
                    book_accumulated_depreciation=depreciation.accumulated,
                    book_net_value=depreciation.net_value,
                )
            )
        StocktakeItem.objects.bulk_create(items, batch_size=5000)
        record_event(
            actor=actor,
            action="create",
            object_type="assets.stocktake",
            object_id=str(stocktake.pk),
            after={**snapshot(stocktake), "expected_items": len(items)},
        )
    return stocktake


def _open(stocktake: Stocktake) -> Stocktake:
    stocktake = Stocktake.objects.select_for_update().get(pk=stocktake.pk)
    if stocktake.status != StocktakeStatus.OPEN:
        raise refuse("__all__", _("盘点已结束，不能再修改。"), "stocktake_closed")
    return stocktake


def record_count(
    stocktake: Stocktake,
    *,
    asset: Asset,
    found: bool = True,
    counted_quantity: int | None = None,
    location: Location | None = None,
    note: str = "",
    actor,
) -> StocktakeItem:
    """Tick one card: found (here, at `location`, or at its book place) or not found."""
    if location is not None:
        _location(location)
    with transaction.atomic():
        stocktake = _open(stocktake)
        item = StocktakeItem.objects.select_for_update().filter(stocktake=stocktake, asset=asset).first()
        if item is None:
            raise refuse(
                "asset",
                _("资产 %(number)s 不在本次盘点的清单中。") % {"number": asset.number},
                "not_in_stocktake",
            )
        before = snapshot(item)
        if found:
            quantity = item.book_quantity if counted_quantity is None else counted_quantity
            if not isinstance(quantity, int) or quantity < 0:
                raise refuse("counted_quantity", _("实盘数量不能为负数。"), "invalid_quantity")
            where = location.pk if location is not None else item.book_location_id
            item.result = CountResult.FOUND if where == item.book_location_id else CountResult.WRONG_PLACE
            item.counted_quantity = quantity
            item.counted_location_id = where
        else:
            item.result, item.counted_quantity, item.counted_location_id = CountResult.NOT_FOUND, 0, None
        item.counted_by, item.counted_at, item.note = _actor_user(actor), timezone.now(), (note or "")[:200]
        item.save()
        record_change(actor=actor, action="update", instance=item, before=before)
    return item


def record_gain(
    stocktake: Stocktake,
    *,
    name: str,
    classification_code: str,
    value: Decimal | str,
    quantity: int = 1,
    specification: str = "",
    location: Location | None = None,
    note: str = "",
    actor,
) -> StocktakeItem:
    """盘盈: an item found that is not on the books."""
    name = (name or "").strip()
    if not name:
        raise refuse("name", _("请填写盘盈资产的名称。"), "required")
    classification = classification_for(classification_code)
    amount = _money(value, "value")
    quantity = _quantity(quantity)
    _location(location)
    with transaction.atomic():
        stocktake = _open(stocktake)
        item = StocktakeItem.objects.create(
            stocktake=stocktake,
            result=CountResult.GAIN,
            counted_quantity=quantity,
            counted_location=location,
            gain_name=name[:200],
            gain_specification=(specification or "")[:200],
            gain_value=amount,
            gain_classification_code=classification.code,
            counted_by=_actor_user(actor),
            counted_at=timezone.now(),
            note=(note or "")[:200],
        )
        record_change(actor=actor, action="create", instance=item, before=None)
    return item


def mark_uncounted_not_found(stocktake: Stocktake, *, actor) -> int:
    """Every card not yet ticked is recorded as not found (before closing)."""
    with transaction.atomic():
        stocktake = _open(stocktake)
        pending = list(stocktake.items.select_for_update().filter(result=CountResult.PENDING))
        changes = []
        now = timezone.now()
        for item in pending:
            before = snapshot(item)
            item.result, item.counted_quantity, item.counted_by, item.counted_at = (
                CountResult.NOT_FOUND,
                0,
                _actor_user(actor),
                now,
            )
            changes.append((item, before))
        StocktakeItem.objects.bulk_update(
            pending, ["result", "counted_quantity", "counted_by", "counted_at", "updated_at"], batch_size=2000
        )
        record_bulk_change(actor=actor, action="update", changes=changes)
    return len(pending)


def close_stocktake(stocktake: Stocktake, *, approved_items: Iterable[int] = (), actor) -> Stocktake:
    """Close the count and apply the approved adjustments as movements, all in one transaction.

    For each approved discrepancy: a card not found is written off (盘亏核销); a batch
    counted short or over has its quantity and value adjusted; a card found elsewhere is
    moved to where it was found; an item found off the books is registered (盘盈入账).
    """
    from eduplatform.assets.stocktakes import summarise

    user = _actor_user(actor)
    school = _school()
    if user is None or Capability.ASSETS_APPROVE not in school_capabilities(user, school):
        raise PermissionDenied(_("结束盘点并调整账目须由有审批权限的人操作。"))
    approved = set(approved_items)
    with transaction.atomic():
        stocktake = _open(stocktake)
        pending = stocktake.items.filter(result=CountResult.PENDING).count()
        if pending:
            raise refuse(
                "__all__",
                _("还有 %(count)s 项未清点，请清点或标为未找到后再结束。") % {"count": pending},
                "items_pending",
            )
        before = snapshot(stocktake)
        stocktake.status, stocktake.closed_by, stocktake.closed_at = (
            StocktakeStatus.CLOSED,
            user,
            timezone.now(),
        )
        summary = summarise(stocktake)
        stocktake.match_rate = summary.match_rate
        stocktake.save()
        record_change(actor=actor, action="update", instance=stocktake, before=before)
        today = _today()
        for item in stocktake.items.filter(pk__in=approved).select_related("asset"):
            movement = _adjust(item, stocktake=stocktake, actor=actor, today=today, school=school)
            if movement is not None:
                item.adjustment = movement
                item.save(update_fields=["adjustment", "updated_at"])
        facts.refresh(
            school,
            facts.STOCKTAKE_DONE,
            facts.STOCKTAKE_MATCH_RATE,
            facts.CARDS_MISSING_FINANCE_FIELDS,
            day=timezone.localtime(stocktake.closed_at).date(),
        )
    return stocktake


def _adjust(item: StocktakeItem, *, stocktake: Stocktake, actor, today: date, school) -> AssetMovement | None:
    details = {"stocktake": stocktake.pk, "item": item.pk}
    if item.result == CountResult.GAIN:
        classification = classification_for(item.gain_classification_code, school=school)
        value = item.gain_value or Decimal("0.00")
        quantity = item.counted_quantity or 1
        card_details = AssetDetails(
            name=item.gain_name,
            specification=item.gain_specification,
            classification_code=classification.code,
            unit_price=(value / quantity).quantize(CENT),
            quantity=quantity,
            original_value=value,
            acquisition_date=stocktake.reference_date,
            acquisition_method=AcquisitionMethod.STOCKTAKE_GAIN,
        )
        asset = new_card(card_details, classification, card_details.unit_price, value, school)
        asset.number = _next_numbers(
            school, acquisition_date=stocktake.reference_date, code=classification.code, count=1
        )[0]
        return _move(
            asset,
            MovementKind.STOCKTAKE_GAIN,
            actor=actor,
            occurred_on=today,
            audit_action="create",
            state=initial_state(
                quantity=quantity,
                original_value=value,
                location=item.counted_location,
                using_department=None,
                custodian=None,
                custodian_name="",
                school_class=None,
            ),
            details=details,
        )
    asset = _locked(item.asset)
    if asset.status in OFF_BOOKS_STATUSES:
        return None
    if item.result == CountResult.NOT_FOUND:
        return _move(
            asset,
            MovementKind.STOCKTAKE_LOSS,
            actor=actor,
            occurred_on=today,
            state={"status": AssetStatus.LOST},
            details=details,
        )
    state: dict[str, Any] = {}
    if item.result == CountResult.WRONG_PLACE and item.counted_location_id:
        state["location_id"] = Location.objects.get(pk=item.counted_location_id)
    counted = item.counted_quantity
    if counted is not None and counted != asset.quantity:
        if counted == 0:
            return _move(
                asset,
                MovementKind.STOCKTAKE_LOSS,
                actor=actor,
                occurred_on=today,
                state={"status": AssetStatus.LOST},
                details=details,
            )
        state["quantity"] = counted
        state["original_value"] = (asset.original_value * counted / asset.quantity).quantize(CENT)
        if asset.carried_depreciation is not None:
            state["carried_depreciation"] = (asset.carried_depreciation * counted / asset.quantity).quantize(
                CENT
            )
    if not state:
        return None
    return _move(
        asset, MovementKind.STOCKTAKE_ADJUST, actor=actor, occurred_on=today, state=state, details=details
    )


# --- Class property lists ---------------------------------------------------------------------------


def generate_class_property_list(
    school_class: SchoolClass, *, term: str | None = None, actor
) -> ClassPropertyList:
    """The class's list for a term, from the cards assigned to the class. An unsigned list is rebuilt."""
    term = term or term_for(_today()).key
    with transaction.atomic():
        property_list, created = ClassPropertyList.objects.select_for_update().get_or_create(
            school_class=school_class, term=term
        )
        if not created and property_list.status != PropertyListStatus.AWAITING_SIGNATURE:
            raise refuse("__all__", _("该学期的班级财产清单已签收，不能重新生成。"), "list_signed")
        if not created and property_list.signatures.exists():
            raise refuse(
                "__all__", _("该清单已有签名，须由现任班主任重新签收，不能重新生成。"), "list_signed"
            )
        property_list.items.all().delete()
        cards = Asset.objects.filter(school_class=school_class, status=AssetStatus.IN_USE).order_by("number")
        ClassPropertyItem.objects.bulk_create(
            [
                ClassPropertyItem(property_list=property_list, asset=card, quantity=card.quantity)
                for card in cards
            ]
        )
        record_event(
            actor=actor,
            action="create" if created else "update",
            object_type="assets.classpropertylist",
            object_id=str(property_list.pk),
            after={**snapshot(property_list), "assets": [card.pk for card in cards]},
        )
    return property_list


def _class_teacher(property_list: ClassPropertyList, actor) -> User:
    user = _actor_user(actor)
    if user is None or property_list.school_class.class_teacher_id != user.pk:
        raise PermissionDenied(_("只有本班班主任可以签收。"))
    return user


def sign_class_property_list(
    property_list: ClassPropertyList, *, signature: str, actor
) -> ClassPropertySignature:
    """期初签收 (or a new class teacher's re-signing): the class teacher signs on a phone."""
    image = checked_signature(signature)
    with transaction.atomic():
        property_list = (
            ClassPropertyList.objects.select_for_update()
            .select_related("school_class")
            .get(pk=property_list.pk)
        )
        user = _class_teacher(property_list, actor)
        if property_list.status != PropertyListStatus.AWAITING_SIGNATURE:
            raise refuse("__all__", _("该清单已签收。"), "already_signed")
        if not property_list.items.exists():
            raise refuse("__all__", _("清单中没有资产，无需签收。"), "empty_list")
        before = snapshot(property_list)
        property_list.signatures.filter(kind=SignatureKind.START, is_current=True).update(is_current=False)
        signed = ClassPropertySignature.objects.create(
            property_list=property_list,
            kind=SignatureKind.START,
            signer=user,
            signer_name=str(user)[:50],
            image=image,
        )
        property_list.status = PropertyListStatus.SIGNED
        property_list.save(update_fields=["status", "updated_at"])
        record_change(actor=actor, action="update", instance=property_list, before=before)
        record_change(actor=actor, action="create", instance=signed, before=None)
    return signed


def check_class_property_list(
    property_list: ClassPropertyList, *, results: dict[int, str], signature: str, actor
) -> ClassPropertyList:
    """期末核对: every item ok, missing or broken; a missing or broken one becomes a damage report.

    Items the books have elsewhere at the end of the term (another class, in repair,
    reported damaged, lent, disposed of) are marked "not with the class" by the check
    itself: they are not the teacher's to account for."""
    image = checked_signature(signature)
    with transaction.atomic():
        property_list = (
            ClassPropertyList.objects.select_for_update()
            .select_related("school_class")
            .get(pk=property_list.pk)
        )
        user = _class_teacher(property_list, actor)
        if property_list.status != PropertyListStatus.SIGNED:
            raise refuse("__all__", _("清单须先在期初签收，期末才能核对。"), "not_signed")
        items = list(property_list.items.select_related("asset", "property_list"))
        moved = {item.pk for item in items if not item.is_with_the_class}
        missing = [
            item.pk for item in items if item.pk not in moved and results.get(item.pk) not in TEACHER_RESULTS
        ]
        if missing:
            raise refuse(
                "results",
                _("请核对每一项资产（还有 %(count)s 项）。") % {"count": len(missing)},
                "items_unchecked",
            )
        before = snapshot(property_list)
        for item in items:
            item.end_result = EndOfTermResult.MOVED if item.pk in moved else results[item.pk]
            if item.end_result in (EndOfTermResult.MISSING, EndOfTermResult.BROKEN):
                description = (
                    _("期末核对：%(class)s 缺失")
                    if item.end_result == EndOfTermResult.MISSING
                    else _("期末核对：%(class)s 损坏")
                ) % {"class": property_list.school_class.name}
                item.damage_report = report_damage(item.asset, description=description, actor=actor)
            item.save(update_fields=["end_result", "damage_report"])
        ClassPropertySignature.objects.create(
            property_list=property_list,
            kind=SignatureKind.END,
            signer=user,
            signer_name=str(user)[:50],
            image=image,
        )
        property_list.status = PropertyListStatus.CHECKED
        property_list.save(update_fields=["status", "updated_at"])
        record_change(actor=actor, action="update", instance=property_list, before=before)
    return property_list


def asset_keepers(school) -> list[User]:
    """The people who run the ledger: asset keepers and logistics directors of the school."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__school=school,
            memberships__is_active=True,
            memberships__role__in=[Role.ASSET_KEEPER, Role.LOGISTICS_DIRECTOR],
        ).distinct()
    )


# --- Spreadsheet import ---------------------------------------------------------------------------


def start_import(*, upload, actor) -> ImportJob:
    """Keep an uploaded ledger and have it checked in the background; nothing is imported yet.

    The cheap checks (size, that it is an .xlsx, the zip's declared sizes) are made here,
    before the file is kept; the whole sheet is read by the task.
    """
    from eduplatform.assets.tasks import validate_import

    limit = IMPORT_LIMITS.max_bytes
    too_large = refuse(
        "file",
        _("文件超过 %(size)s MB，请分成几个文件上传。") % {"size": limit // (1024 * 1024)},
        "file_too_large",
    )
    # An oversized upload is refused unread; otherwise read no more than the limit and a byte.
    if (getattr(upload, "size", None) or 0) > limit:
        raise too_large
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise too_large
    try:
        check_container(content, limits=IMPORT_LIMITS)
    except SheetRefused as refused:
        raise refuse("file", refused.message, refused.code) from None
    name = (getattr(upload, "name", "") or "ledger.xlsx").replace("/", "_").replace("\\", "_")[-200:]
    with transaction.atomic():
        job = ImportJob(filename=name, size=len(content), created_by=_actor_user(actor))
        job.file.save(f"{uuid.uuid4().hex}.xlsx", ContentFile(content), save=False)
        job.save()
        job.task_id = enqueue_on_commit(validate_import, job.pk)
        job.save(update_fields=["task_id"])
        record_change(actor=actor, action="create", instance=job, before=None)
    return job


def confirm_import(job: ImportJob, *, actor) -> ImportJob:
    """The user saw the preview and confirms: import it, in the background, all or nothing."""
    from eduplatform.assets.tasks import run_import

    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportStatus.VALID:
            raise refuse("__all__", _("只有检查无误的表格才能导入。"), "import_not_valid")
        before = snapshot(job)
        job.status, job.processed_rows = ImportStatus.IMPORTING, 0
        job.task_id = enqueue_on_commit(
            run_import, job.pk, _actor_user(actor).pk if _actor_user(actor) else None
        )
        job.save(update_fields=["status", "processed_rows", "task_id", "updated_at"])
        record_change(actor=actor, action="update", instance=job, before=before)
    return job


def import_ledger(job: ImportJob, *, rows, actor, progress=None) -> int:
    """Write every row of a checked sheet as a card with its registration movement, in one
    transaction: a failure anywhere leaves nothing behind. Returns the number of cards."""
    school = _school()
    batch_size = 2000
    with transaction.atomic(), rules.cached_rules():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportStatus.IMPORTING:
            raise refuse("__all__", _("该导入不在进行中。"), "import_not_running")
        # Places the sheet names that the school does not have yet.
        existing = {
            (location.building, location.floor, location.room): location
            for location in Location.objects.filter(is_active=True)
        }
        wanted = sorted({row.location for row in rows if row.location and row.location not in existing})
        created_locations = Location.objects.bulk_create(
            [Location(building=building, floor=floor, room=room) for building, floor, room in wanted]
        )
        record_bulk_change(
            actor=actor, action="create", changes=[(location, None) for location in created_locations]
        )
        existing.update({(loc.building, loc.floor, loc.room): loc for loc in created_locations})
        # Numbers for the rows that have none, handed out per prefix of the pattern.
        unnumbered: dict[str, list] = {}
        for row in rows:
            if not row.number:
                pattern = rules.number_pattern_for(
                    school, acquisition_date=row.details["acquisition_date"], code=row.classification[0]
                )
                unnumbered.setdefault(pattern.prefix, []).append(row)
        for group in unnumbered.values():
            first = group[0]
            numbers = _next_numbers(
                school,
                acquisition_date=first.details["acquisition_date"],
                code=first.classification[0],
                count=len(group),
            )
            for row, number in zip(group, numbers, strict=True):
                row.number = number
        classes = {school_class.pk: school_class for school_class in SchoolClass.objects.all()}
        departments = {department.pk: department for department in Department.objects.all()}
        today = _today()
        actor_user, actor_label = _actor_user(actor), _actor_label(actor)
        imported = 0
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            cards, states = [], []
            for row in batch:
                code, edition, name, code_2022 = row.classification
                details = AssetDetails(
                    **{
                        key: value
                        for key, value in row.details.items()
                        if key in AssetDetails.__dataclass_fields__
                    },
                    classification_code=code,
                )
                card = new_card(
                    details,
                    Classification(code, edition, name, code_2022),
                    details.unit_price,
                    row.details["original_value"],
                    school,
                )
                card.number = row.number
                location = existing.get(row.location) if row.location else None
                state = initial_state(
                    quantity=details.quantity,
                    original_value=row.details["original_value"],
                    location=location,
                    using_department=departments.get(row.using_department_id),
                    custodian=None,
                    custodian_name=row.custodian_name,
                    school_class=classes.get(row.school_class_id),
                )
                state["custodian_id"] = row.custodian_id
                card.status = state["status"]
                card.location, card.using_department_id = location, row.using_department_id
                card.custodian_id, card.custodian_name = row.custodian_id, row.custodian_name
                card.school_class = classes.get(row.school_class_id)
                card.search_text = card.build_search_text()
                cards.append(card)
                states.append(state)
            copy_into(Asset, cards)
            movements = [
                AssetMovement(
                    asset=card,
                    kind=MovementKind.REGISTER,
                    occurred_on=today,
                    actor=actor_user,
                    actor_label=actor_label,
                    changes={
                        name: [EMPTY_STATE[name], json_value(value.pk if hasattr(value, "pk") else value)]
                        for name, value in state.items()
                        if json_value(value.pk if hasattr(value, "pk") else value) != EMPTY_STATE[name]
                    },
                    note=_("台账导入"),
                    details={"import_job": job.pk, "row": row.row_number},
                )
                for card, state, row in zip(cards, states, batch, strict=True)
            ]
            copy_into(AssetMovement, movements)
            # One audit event per card, with all its values. Its registration movement is in
            # the ledger itself (append-only, naming the job), so it is not audited twice.
            record_bulk_change(actor=actor, action="create", changes=[(card, None) for card in cards])
            imported += len(cards)
            if progress is not None:
                progress(imported)
        before = snapshot(job)
        job.status, job.imported_count, job.processed_rows = ImportStatus.DONE, imported, imported
        job.finished_at = timezone.now()
        job.save()
        record_change(actor=actor, action="update", instance=job, before=before)
        facts.refresh(school, facts.CARDS_MISSING_FINANCE_FIELDS)
    return imported
