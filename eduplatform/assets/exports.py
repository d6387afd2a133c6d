"""Spreadsheets out: the ledger (in the import template's columns, so it can come back in),
the asset cards in the finance system's layout, and a stocktake in the finance form.

Workbooks are written in openpyxl's write-only mode, row by row from a database
iterator, so an export of 100,000 cards never holds them all. Text that a spreadsheet
would run as a formula is neutralised (eduplatform.spreadsheets.safe_cell).
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from eduplatform.assets.importing import COLUMNS, FORM_WORDS, FUNDING_WORDS, METHOD_WORDS
from eduplatform.assets.models import (
    Asset,
    AssetStatus,
    CountResult,
    DisposalMethod,
    DisposalRequest,
    DisposalStatus,
    Stocktake,
)
from eduplatform.assets.stocktakes import summarise
from eduplatform.spreadsheets import safe_cell

EXPORT_ROW_LIMIT = 200_000

# The finance system's words for our statuses (使用状况).
FINANCE_STATUS = {
    AssetStatus.IN_USE: "在用",
    AssetStatus.IN_STOCK: "闲置",
    AssetStatus.BORROWED: "出借",
    AssetStatus.IN_REPAIR: "待修",
    AssetStatus.DAMAGED: "待修",
    AssetStatus.DISPOSAL_PENDING: "待处置",
    AssetStatus.DISPOSED: "已处置",
    AssetStatus.LOST: "盘亏",
}


def _word(words: dict[str, str], value: str) -> str:
    """The first sheet word for a stored choice (财政拨款 for fiscal)."""
    for word, stored in words.items():
        if stored == value:
            return word
    return ""


def _header(sheet, titles: list[str]) -> None:
    row = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        row.append(cell)
    sheet.append(row)


def _save(workbook: Workbook) -> bytes:
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _cards(cards: QuerySet[Asset]):
    return cards.select_related("location", "using_department", "managing_department", "school_class")[
        :EXPORT_ROW_LIMIT
    ].iterator(chunk_size=2000)


def ledger_workbook(cards: QuerySet[Asset]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("资产台账"))
    _header(sheet, [column.header for column in COLUMNS] + [_("状态")])
    for card in _cards(cards):
        values = {
            "number": card.number,
            "finance_number": card.finance_number,
            "classification_code": card.classification_code,
            "moe_equipment_code": card.moe_equipment_code,
            "name": card.name,
            "specification": card.specification,
            "brand": card.brand,
            "serial_number": card.serial_number,
            "unit": card.unit,
            "quantity": card.quantity,
            "unit_price": card.unit_price,
            "original_value": card.original_value,
            "funding": _word(FUNDING_WORDS, card.funding),
            "acquisition_method": _word(METHOD_WORDS, card.acquisition_method),
            "acquisition_date": card.acquisition_date,
            "procurement_form": _word(FORM_WORDS, card.procurement_form),
            "budget_project_number": card.budget_project_number,
            "supplier": card.supplier,
            "voucher_number": card.voucher_number,
            "warranty_until": card.warranty_until,
            "building": card.location.building if card.location_id else "",
            "floor": card.location.floor if card.location_id else "",
            "room": card.location.room if card.location_id else "",
            "location": "",
            "using_department": card.using_department.name if card.using_department_id else "",
            "custodian": card.custodian_name,
            "school_class": card.school_class.name if card.school_class_id else "",
            "useful_life_years": card.useful_life_years,
            "note": card.note,
        }
        sheet.append([safe_cell(values[column.field]) for column in COLUMNS] + [card.get_status_display()])
    return _save(workbook)


FINANCE_HEADERS = [
    "资产编号", "财政编号", "资产分类代码", "资产分类名称", "2022版分类代码", "资产名称", "规格型号", "计量单位", "数量",
    "预算项目编号", "取得方式", "取得日期", "采购组织形式", "价值类型", "价值", "经费来源", "入账状态", "入账日期",
    "会计凭证号", "累计折旧", "净值", "使用年限", "使用状况", "使用人", "使用部门", "管理部门", "是否已报财务",
    "存放地点", "拆分自", "处置方式", "处置日期", "处置收入", "处置收入是否上缴", "处置接收方", "处置凭证或文件号",
]  # fmt: skip


def finance_cards_workbook(cards: QuerySet[Asset], *, as_of: date) -> bytes:
    """Asset cards as the government's asset system (行政事业单位资产管理信息系统) takes them."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("资产卡片"))
    _header(sheet, FINANCE_HEADERS)
    # A card split from a batch names the card it came from; a disposed card, its outcome.
    approved = DisposalRequest.objects.filter(status=DisposalStatus.APPROVED).order_by("-decided_at", "-id")
    cards = cards.select_related("split_from").prefetch_related(
        Prefetch("disposal_requests", queryset=approved, to_attr="approved_disposals")
    )
    for card in _cards(cards):
        depreciation = card.depreciation(as_of)
        disposal = card.approved_disposals[0] if card.approved_disposals else None
        row = [
            card.number, card.finance_number, card.classification_code, card.classification_name,
            card.classification_code_2022, card.name, card.specification, card.unit, card.quantity,
            card.budget_project_number, _word(METHOD_WORDS, card.acquisition_method), card.acquisition_date,
            _word(FORM_WORDS, card.procurement_form), "原值", card.original_value, _word(FUNDING_WORDS, card.funding),
            "已入账" if card.posted_on else "未入账", card.posted_on, card.voucher_number, depreciation.accumulated,
            depreciation.net_value, card.useful_life_years, FINANCE_STATUS.get(card.status, ""), card.custodian_name,
            card.using_department.name if card.using_department_id else "",
            card.managing_department.name if card.managing_department_id else "",
            "是" if card.is_reported_to_finance else "否", card.location.label if card.location_id else "",
            card.split_from.number if card.split_from_id else "",
            *_disposal_columns(disposal),
        ]  # fmt: skip
        sheet.append([safe_cell(value) for value in row])
    return _save(workbook)


# The finance system's words for the disposal methods (处置方式), whatever the page's language.
DISPOSAL_WORDS = {
    DisposalMethod.SCRAP: "报废",
    DisposalMethod.LOSS: "报损",
    DisposalMethod.SALE: "出售",
    DisposalMethod.TRANSFER_OUT: "调出",
    DisposalMethod.DONATION: "对外捐赠",
}


def _disposal_columns(disposal: DisposalRequest | None) -> list:
    """处置方式, 日期, 收入, 是否上缴, 接收方, 文号: blank until an outcome is recorded."""
    if disposal is None:
        return ["", None, None, "", "", ""]
    if not disposal.has_outcome:
        return [DISPOSAL_WORDS.get(disposal.method, ""), None, None, "", "", ""]
    return [
        DISPOSAL_WORDS.get(disposal.method, ""),
        disposal.disposed_on,
        disposal.proceeds,
        ("是" if disposal.is_remitted else "否") if disposal.proceeds else "",
        disposal.counterparty,
        disposal.document_number,
    ]


RESULT_WORDS = {
    CountResult.PENDING: "未盘",
    CountResult.FOUND: "相符",
    CountResult.NOT_FOUND: "盘亏",
    CountResult.WRONG_PLACE: "位置不符",
    CountResult.GAIN: "盘盈",
}


def stocktake_workbook(stocktake: Stocktake) -> bytes:
    """盘点表 in the finance form: the summary, then every card with book and counted figures."""
    summary = summarise(stocktake)
    workbook = Workbook(write_only=True)
    overview = workbook.create_sheet(_("盘点汇总"))
    overview.append([_("盘点名称"), stocktake.name])
    overview.append([_("盘点基准日"), stocktake.reference_date])
    overview.append([_("账实相符率（%）"), summary.match_rate])
    overview.append([])
    _header(overview, ["", "数量", "原值", "累计折旧", "净值"])
    for title, figures in (
        ("账面", summary.book), ("实盘", summary.counted), ("盘盈", summary.gains), ("盘亏", summary.losses),
    ):  # fmt: skip
        overview.append(
            [
                title,
                figures.quantity,
                figures.original_value,
                figures.accumulated_depreciation,
                figures.net_value,
            ]
        )
    details = workbook.create_sheet(_("盘点明细"))
    _header(
        details,
        ["资产编号", "资产名称", "分类代码", "账面存放地点", "账面数量", "实盘数量", "盘盈数量", "盘亏数量", "账面原值",
         "累计折旧", "净值", "实盘存放地点", "盘点结果", "备注"],
    )  # fmt: skip
    items = stocktake.items.select_related("asset", "book_location", "counted_location").order_by("id")
    for item in items.iterator(chunk_size=2000):
        counted = item.counted_quantity or 0
        book = item.book_quantity
        name = item.asset.name if item.asset_id else item.gain_name
        number = item.asset.number if item.asset_id else ""
        code = item.asset.classification_code if item.asset_id else item.gain_classification_code
        value = item.book_original_value if item.asset_id else (item.gain_value or Decimal("0.00"))
        details.append(
            [safe_cell(value) for value in (
                number, name, code, item.book_location.label if item.book_location_id else "", book, counted,
                max(counted - book, 0), max(book - counted, 0) if item.result != CountResult.PENDING else 0, value,
                item.book_accumulated_depreciation, item.book_net_value,
                item.counted_location.label if item.counted_location_id else "", RESULT_WORDS[item.result], item.note,
            )]
        )  # fmt: skip
    return _save(workbook)
