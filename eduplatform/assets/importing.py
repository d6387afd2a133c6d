"""Reading a ledger sheet (.xlsx) into card rows, and finding everything wrong with it.

The columns are named as schools' own ledgers name them (资产编号, 资产名称, 分类代码,
单价, 取得日期, 存放地点 ...), with the usual variants; dates are read as 2023-09-01,
2023/9/1, 2023.9.1, 2023年9月1日 or a date cell. Nothing here writes: `read_ledger`
returns the rows and every bad cell (row, column, reason); the import action writes only
when there is none. The template offered for download is built from the same columns.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from eduplatform.assets import rules
from eduplatform.assets.models import (
    CENT,
    AcquisitionMethod,
    Asset,
    Funding,
    Location,
    ProcurementForm,
    SchoolClass,
)
from eduplatform.classification.access import codes_for_school, mappings_for_school
from eduplatform.classification.models import edition_of
from eduplatform.organisation.models import Department
from eduplatform.spreadsheets import CellError, Formula, Sheet, column_letter, header_columns

MAX_PRICE = Decimal("1e11")


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # the name the template uses
    aliases: tuple[str, ...] = ()
    required: bool = False
    example: Any = ""
    hint: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


COLUMNS: list[Column] = [
    Column(
        "number",
        "资产编号",
        ("资产编码", "卡片编号", "资产卡片编号"),
        example="",
        hint="留空则按编号规则自动生成",
    ),
    Column("finance_number", "财政编号", ("财政资产编号", "财政卡片编号")),
    Column(
        "classification_code",
        "分类代码",
        ("资产分类代码", "国标分类代码", "资产分类编码", "分类编码"),
        True,
        "2000000",
    ),
    Column("moe_equipment_code", "教育装备代码", ("装备代码", "教育部装备代码")),
    Column("name", "资产名称", ("名称", "资产名"), True, "多媒体投影仪"),
    Column("specification", "规格型号", ("规格", "型号", "规格型号（参数）")),
    Column("brand", "品牌", ("品牌名称",)),
    Column("serial_number", "出厂编号", ("序列号", "产品序列号", "出厂号")),
    Column("unit", "计量单位", ("单位",), example="台"),
    Column("quantity", "数量", ("数量（件）",), example=1),
    Column("unit_price", "单价", ("单价（元）", "单价(元)"), True, "4580.00"),
    Column(
        "original_value",
        "原值",
        ("价值", "金额", "原值（元）", "原值(元)", "资产原值", "账面原值"),
        hint="留空则为单价×数量",
    ),
    Column("funding", "经费来源", ("资金来源",), example="财政拨款"),
    Column("acquisition_method", "取得方式", ("增加方式",), example="购置"),
    Column(
        "acquisition_date", "取得日期", ("购置日期", "购入日期", "取得时间", "购置时间"), True, "2023-09-01"
    ),
    Column("procurement_form", "采购组织形式", ("采购方式", "采购形式"), example="政府采购"),
    Column("budget_project_number", "预算项目编号", ("项目编号",)),
    Column("supplier", "供应商", ("销售商", "供货商", "供货单位")),
    Column("voucher_number", "会计凭证号", ("凭证号", "记账凭证号")),
    Column("warranty_until", "保修截止日期", ("保修期至", "保修到期日")),
    Column("building", "楼宇", ("楼栋", "楼号"), example="教学楼"),
    Column("floor", "楼层", (), example="3层"),
    Column("room", "房间", ("房间号", "教室"), example="301"),
    Column(
        "location",
        "存放地点",
        ("存放位置", "地点", "位置"),
        hint="也可不填楼宇、楼层、房间，只写“教学楼 3层 301”",
    ),
    Column("using_department", "使用部门", ("使用科室", "部门"), example="教导处"),
    Column("custodian", "使用人", ("保管人", "领用人", "责任人")),
    Column("school_class", "班级", ("所在班级",)),
    Column("useful_life_years", "使用年限", ("折旧年限", "使用年限（年）")),
    Column("note", "备注", ("说明",)),
]
COLUMN_BY_FIELD = {column.field: column for column in COLUMNS}

FUNDING_WORDS = {
    "财政拨款": Funding.FISCAL,
    "财政": Funding.FISCAL,
    "财政资金": Funding.FISCAL,
    "非财政": Funding.NON_FISCAL,
    "非财政拨款": Funding.NON_FISCAL,
    "自筹": Funding.NON_FISCAL,
    "自筹资金": Funding.NON_FISCAL,
}
METHOD_WORDS = {
    "购置": AcquisitionMethod.PURCHASE,
    "新购": AcquisitionMethod.PURCHASE,
    "采购": AcquisitionMethod.PURCHASE,
    "调入": AcquisitionMethod.TRANSFER_IN,
    "划拨": AcquisitionMethod.TRANSFER_IN,
    "捐赠": AcquisitionMethod.DONATION,
    "接受捐赠": AcquisitionMethod.DONATION,
    "自建": AcquisitionMethod.SELF_BUILT,
    "自制": AcquisitionMethod.SELF_BUILT,
    "盘盈": AcquisitionMethod.STOCKTAKE_GAIN,
}
FORM_WORDS = {
    "政府采购": ProcurementForm.GOVERNMENT,
    "集中采购": ProcurementForm.GOVERNMENT,
    "自行采购": ProcurementForm.SELF,
    "分散采购": ProcurementForm.SELF,
}

_DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
]
_EXCEL_EPOCH = date(1899, 12, 30)


class CellInvalid(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_date(value: Any) -> date | None:
    """A date as schools write it; None for an empty cell; CellInvalid otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A date cell saved as a plain number (Excel's serial day count).
        if 20_000 <= value <= 80_000 and float(value).is_integer():
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise CellInvalid(_("“%(value)s”不是日期，请写成 2023-09-01。") % {"value": value})
    text = str(value).strip().split(" ")[0]
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                raise CellInvalid(_("日期“%(value)s”不存在。") % {"value": value}) from None
    raise CellInvalid(
        _("“%(value)s”不是日期，请写成 2023-09-01、2023/9/1、2023.9.1 或 2023年9月1日。") % {"value": value}
    )


def parse_money(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellInvalid(_("“%(value)s”不是金额。") % {"value": value})
    text = (
        str(value)
        .strip()
        .replace(",", "")
        .replace("，", "")
        .replace("¥", "")
        .replace("￥", "")
        .removesuffix("元")
    )
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise CellInvalid(_("“%(value)s”不是金额。") % {"value": value}) from None
    if not amount.is_finite():
        raise CellInvalid(_("“%(value)s”不是金额。") % {"value": value})
    if amount < 0:
        raise CellInvalid(_("金额不能为负数。"))
    if amount != amount.quantize(CENT):
        raise CellInvalid(_("金额最多两位小数（“%(value)s”）。") % {"value": value})
    if amount >= MAX_PRICE:
        raise CellInvalid(_("金额过大。"))
    return amount.quantize(CENT)


def parse_whole(value: Any, *, minimum: int) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise CellInvalid(_("“%(value)s”不是整数。") % {"value": value}) from None
    if not number.is_finite() or number != number.to_integral_value() or isinstance(value, bool):
        raise CellInvalid(_("“%(value)s”不是整数。") % {"value": value})
    if number < minimum or number > 10_000_000:
        raise CellInvalid(_("应为不小于 %(minimum)s 的整数。") % {"minimum": minimum})
    return int(number)


def _text(value: Any, limit: int) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    text = str(value).strip()
    if len(text) > limit:
        raise CellInvalid(_("不能超过 %(limit)s 个字。") % {"limit": limit})
    return text


def _choice(words: dict[str, str], value: Any) -> str:
    text = _text(value, 20)
    if not text:
        return ""
    if text in words:
        return words[text]
    raise CellInvalid(
        _("“%(value)s”不在可选值中：%(choices)s。") % {"value": text, "choices": "、".join(words)}
    )


_LOCATION_SPLIT = re.compile(r"[\s/\\\-－—|]+")


def split_location(text: str) -> tuple[str, str, str]:
    """“教学楼 3层 301” -> (教学楼, 3层, 301); one or two parts fill building (and room)."""
    parts = [part for part in _LOCATION_SPLIT.split(text.strip()) if part]
    if not parts:
        return "", "", ""
    if len(parts) == 1:
        return parts[0][:50], "", ""
    if len(parts) == 2:
        return parts[0][:50], "", parts[1][:50]
    return parts[0][:50], parts[1][:20], " ".join(parts[2:])[:50]


@dataclass
class LedgerRow:
    row_number: int
    number: str
    details: dict[str, Any]
    classification: tuple[str, str, str, str]  # code, edition, name, code_2022
    location: tuple[str, str, str] | None
    using_department_id: int | None
    custodian_id: int | None
    custodian_name: str
    school_class_id: int | None

    MONEY_FIELDS = ("unit_price", "original_value")
    DATE_FIELDS = ("acquisition_date", "warranty_until")

    def as_json(self) -> list:
        details = dict(self.details)
        for name in self.MONEY_FIELDS:
            details[name] = str(details[name]) if details.get(name) is not None else None
        for name in self.DATE_FIELDS:
            details[name] = details[name].isoformat() if details.get(name) else None
        return [
            self.row_number, self.number, details, list(self.classification),
            list(self.location) if self.location else None, self.using_department_id, self.custodian_id,
            self.custodian_name, self.school_class_id,
        ]  # fmt: skip

    @classmethod
    def from_json(cls, data: list) -> LedgerRow:
        row_number, number, details, classification, location, department, custodian, name, school_class = (
            data
        )
        for field_name in cls.MONEY_FIELDS:
            details[field_name] = (
                Decimal(details[field_name]) if details.get(field_name) is not None else None
            )
        for field_name in cls.DATE_FIELDS:
            details[field_name] = date.fromisoformat(details[field_name]) if details.get(field_name) else None
        return cls(
            row_number, number, details, tuple(classification), tuple(location) if location else None,
            department, custodian, name, school_class,
        )  # fmt: skip


def stage_rows(rows: list[LedgerRow]) -> bytes:
    """The checked rows, kept with the job until it is confirmed: the import then does not
    read the sheet a second time (the slow part), only checks what may have changed."""
    return json.dumps([row.as_json() for row in rows], ensure_ascii=False, separators=(",", ":")).encode()


def staged_rows(content: bytes) -> list[LedgerRow]:
    return [LedgerRow.from_json(data) for data in json.loads(content)]


def recheck(rows: list[LedgerRow], *, school) -> list[CellError]:
    """What may have changed since the sheet was checked: numbers now on the books, and
    codes, departments, classes or people that are gone. Cheap: a few set lookups."""
    errors: list[CellError] = []
    lookups = _Lookups(school)
    numbered = {row.number: row.row_number for row in rows if row.number}
    names = list(numbered)
    for start in range(0, len(names), 5000):
        for number in Asset.objects.filter(number__in=names[start : start + 5000]).values_list(
            "number", flat=True
        ):
            errors.append(
                CellError(numbered[number], "", "", _("资产编号“%(number)s”已在账上。") % {"number": number})
            )
    departments, classes = set(lookups.departments.values()), set(lookups.classes.values())
    people = set(lookups.people.values())
    for row in rows:
        code, edition = row.classification[0], row.classification[1]
        if (edition, code) not in lookups.codes:
            errors.append(
                CellError(row.row_number, "", "", _("分类代码“%(code)s”已不在代码表中。") % {"code": code})
            )
        if row.using_department_id and row.using_department_id not in departments:
            errors.append(CellError(row.row_number, "", "", _("使用部门已停用或删除。")))
        if row.school_class_id and row.school_class_id not in classes:
            errors.append(CellError(row.row_number, "", "", _("班级已停用或删除。")))
        if row.custodian_id and row.custodian_id not in people:
            row.custodian_id = None  # the name stays on the card
    return sorted(errors, key=lambda error: error.row)


@dataclass
class LedgerReading:
    rows: list[LedgerRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    new_locations: set[tuple[str, str, str]] = field(default_factory=set)
    generated_numbers: int = 0
    total_value: Decimal = Decimal("0.00")

    def summary(self, *, preview_rows: int = 20) -> dict[str, Any]:
        return {
            "rows": len(self.rows),
            "total_value": str(self.total_value),
            "generated_numbers": self.generated_numbers,
            "new_locations": [
                " ".join(part for part in location if part) for location in sorted(self.new_locations)
            ][:100],
            "new_location_count": len(self.new_locations),
            "preview": [
                {
                    "row": row.row_number,
                    "number": row.number,
                    "name": row.details["name"],
                    "classification_code": row.classification[0],
                    "quantity": row.details["quantity"],
                    "original_value": str(row.details["original_value"]),
                    "acquisition_date": row.details["acquisition_date"].isoformat(),
                }
                for row in self.rows[:preview_rows]
            ],
        }


class _Lookups:
    """Everything a row is checked against, loaded once per sheet."""

    def __init__(self, school) -> None:
        self.school = school
        self.codes = {
            (row.edition, row.code): row.name
            for row in codes_for_school(school).only("edition", "code", "name").order_by("-district_id")
        }
        self.mapping = dict(mappings_for_school(school).values_list("code_2010", "code_2022"))
        self.departments = dict(Department.objects.filter(is_active=True).values_list("name", "id"))
        self.classes = dict(SchoolClass.objects.filter(is_active=True).values_list("name", "id"))
        self.locations = {
            (building, floor, room)
            for building, floor, room in Location.objects.filter(is_active=True).values_list(
                "building", "floor", "room"
            )
        }
        from eduplatform.assets.access import school_people

        by_name: dict[str, list[int]] = {}
        for user_id, name, username in school_people(school).values_list("id", "name", "username"):
            by_name.setdefault(name or username, []).append(user_id)
        # A name two people share cannot be told apart: the card keeps the name only.
        self.people = {name: ids[0] for name, ids in by_name.items() if len(ids) == 1}


def read_ledger(
    sheet: Sheet, *, school, progress: Callable[[int], None] | None = None, progress_every: int = 2000
) -> LedgerReading:
    """Check every row of a ledger sheet. The rows are usable only if `errors` is empty."""
    reading = LedgerReading()
    columns = header_columns(sheet.headers, {column.field: column.names for column in COLUMNS})
    missing = [column.header for column in COLUMNS if column.required and column.field not in columns]
    if missing:
        reading.errors.append(
            CellError(
                1,
                "",
                "",
                _("第一行应为表头，缺少列：%(missing)s。请使用下载的模板。")
                % {"missing": "、".join(missing)},
            )
        )
        return reading
    for first_row, _last_row, text in sheet.merged_ranges:
        reading.errors.append(
            CellError(first_row, "", "", _("有合并单元格（%(range)s），请取消合并。") % {"range": text})
        )
    with rules.cached_rules():
        return _read_rows(sheet, school, columns, reading, progress, progress_every)


def _read_rows(
    sheet, school, columns, reading: LedgerReading, progress, progress_every: int
) -> LedgerReading:
    lookups = _Lookups(school)
    today = timezone.localdate()
    numbers_seen: dict[str, int] = {}
    processed = 0
    for row_number, values in sheet.rows():
        row = _read_row(row_number, values, columns, sheet.headers, lookups, today, reading, numbers_seen)
        if row is not None:
            if not row.number:
                reading.generated_numbers += 1
            reading.rows.append(row)
            reading.total_value += row.details["original_value"]
        processed += 1
        if progress is not None and processed % progress_every == 0:
            progress(processed)
    # Numbers already on the books, looked up in batches rather than row by row.
    numbered = list(numbers_seen)
    for start in range(0, len(numbered), 5000):
        for number in Asset.objects.filter(number__in=numbered[start : start + 5000]).values_list(
            "number", flat=True
        ):
            _add(
                reading,
                numbers_seen[number],
                columns,
                sheet.headers,
                "number",
                _("资产编号“%(number)s”已在账上。") % {"number": number},
            )
    if not reading.rows and not reading.errors:
        reading.errors.append(CellError(2, "", "", _("表格中没有资产，请从第二行开始填写。")))
    reading.errors.sort(key=lambda error: (error.row, error.letter))
    if progress is not None:
        progress(processed)
    return reading


def _add(reading: LedgerReading, row_number: int, columns, headers, field_name: str, reason: str) -> None:
    index = columns.get(field_name)
    if index is None:
        reading.errors.append(CellError(row_number, "", "", reason))
    else:
        reading.errors.append(CellError(row_number, headers[index], column_letter(index), reason))


def _read_row(
    row_number, values, columns, headers, lookups: _Lookups, today: date, reading: LedgerReading, numbers_seen
):
    errors_before = len(reading.errors)

    def raw(field_name: str) -> Any:
        index = columns.get(field_name)
        return values[index] if index is not None and index < len(values) else None

    def cell(field_name: str, parse: Callable[[Any], Any], default: Any = None) -> Any:
        value = raw(field_name)
        if isinstance(value, Formula):
            _add(
                reading,
                row_number,
                columns,
                headers,
                field_name,
                _("单元格是公式（%(formula)s），请粘贴为数值。") % {"formula": value.text[:40]},
            )
            return default
        try:
            parsed = parse(value)
        except CellInvalid as invalid:
            _add(reading, row_number, columns, headers, field_name, invalid.reason)
            return default
        if parsed in (None, "") and COLUMN_BY_FIELD[field_name].required:
            _add(reading, row_number, columns, headers, field_name, _("必填。"))
            return default
        return default if parsed in (None, "") else parsed

    def text(limit: int) -> Callable[[Any], str]:
        return lambda value: _text(value, limit)

    number = cell("number", text(40), "")
    if number and not rules.NUMBER_CHARACTERS.match(number):
        _add(reading, row_number, columns, headers, "number", _("资产编号只能由字母、数字和“-”“_”“.”组成。"))
    elif number in numbers_seen:
        reason = _("资产编号“%(number)s”与第 %(row)s 行重复。") % {
            "number": number,
            "row": numbers_seen[number],
        }
        _add(reading, row_number, columns, headers, "number", reason)
    elif number:
        # Every row's number counts, even a row bad elsewhere: its duplicate is an error too.
        numbers_seen[number] = row_number
    code = cell("classification_code", text(20), "").upper()
    classification = None
    if code:
        edition = edition_of(code)
        name = lookups.codes.get((edition, code)) if edition else None
        if edition is None:
            _add(
                reading,
                row_number,
                columns,
                headers,
                "classification_code",
                _("“%(code)s”不是分类代码：2022 版为一个字母加 6 位数字，2010 版为 7 位数字。")
                % {"code": code},
            )
        elif name is None:
            _add(
                reading,
                row_number,
                columns,
                headers,
                "classification_code",
                _("分类代码“%(code)s”不在教育局导入的代码表中。") % {"code": code},
            )
        else:
            code_2022 = code if edition == "2022" else lookups.mapping.get(code, "")
            classification = (code, edition, name, code_2022)
    details = {
        "name": cell("name", text(200), ""),
        "finance_number": cell("finance_number", text(40), ""),
        "moe_equipment_code": cell("moe_equipment_code", text(40), ""),
        "specification": cell("specification", text(200), ""),
        "brand": cell("brand", text(100), ""),
        "serial_number": cell("serial_number", text(100), ""),
        "unit": cell("unit", text(10), "") or "台",
        "quantity": cell("quantity", lambda value: parse_whole(value, minimum=1), 1),
        "unit_price": cell("unit_price", parse_money),
        "funding": cell("funding", lambda value: _choice(FUNDING_WORDS, value), ""),
        "acquisition_method": cell("acquisition_method", lambda value: _choice(METHOD_WORDS, value), "")
        or AcquisitionMethod.PURCHASE,
        "acquisition_date": cell("acquisition_date", parse_date),
        "procurement_form": cell("procurement_form", lambda value: _choice(FORM_WORDS, value), ""),
        "budget_project_number": cell("budget_project_number", text(60), ""),
        "supplier": cell("supplier", text(200), ""),
        "voucher_number": cell("voucher_number", text(60), ""),
        "warranty_until": cell("warranty_until", parse_date),
        "useful_life_years": cell("useful_life_years", lambda value: parse_whole(value, minimum=0)),
        "note": cell("note", text(1000), ""),
    }
    original_value = cell("original_value", parse_money)
    if details["acquisition_date"] and details["acquisition_date"] > today:
        _add(reading, row_number, columns, headers, "acquisition_date", _("取得日期不能晚于今天。"))
    if details["useful_life_years"] is not None and details["useful_life_years"] > 100:
        _add(reading, row_number, columns, headers, "useful_life_years", _("使用年限应为 0 到 100 年。"))
    if details["unit_price"] is not None:
        details["original_value"] = (
            original_value
            if original_value is not None
            else (details["unit_price"] * details["quantity"]).quantize(CENT)
        )

    building = cell("building", text(50), "")
    floor = cell("floor", text(20), "")
    room = cell("room", text(50), "")
    if not building:
        combined = cell("location", text(150), "")
        building, floor, room = split_location(combined) if combined else ("", "", "")
    location = (building, floor, room) if building else None
    department_name = cell("using_department", text(50), "")
    department_id = lookups.departments.get(department_name) if department_name else None
    if department_name and department_id is None:
        _add(
            reading,
            row_number,
            columns,
            headers,
            "using_department",
            _("部门“%(name)s”不存在，请先在“部门”页添加。") % {"name": department_name},
        )
    class_name = cell("school_class", text(50), "")
    class_id = lookups.classes.get(class_name) if class_name else None
    if class_name and class_id is None:
        _add(
            reading,
            row_number,
            columns,
            headers,
            "school_class",
            _("班级“%(name)s”不存在，请先在“班级”页添加。") % {"name": class_name},
        )
    custodian_name = cell("custodian", text(50), "")
    if len(reading.errors) > errors_before or classification is None:
        return None
    if location is not None and location not in lookups.locations:
        reading.new_locations.add(location)
    return LedgerRow(
        row_number=row_number,
        number=number,
        details=details,
        classification=classification,
        location=location,
        using_department_id=department_id,
        custodian_id=lookups.people.get(custodian_name) if custodian_name else None,
        custodian_name=custodian_name,
        school_class_id=class_id,
    )


def template_workbook() -> bytes:
    """The import template: the columns (required ones marked), an example row, and how to fill it."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("资产台账")
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True)
        if column.required:
            cell.fill = required_fill
        sheet.cell(row=2, column=index, value=column.example if column.example != "" else None)
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(column.header) * 2 + 4)
    lists = {
        "funding": ["财政拨款", "非财政"],
        "acquisition_method": ["购置", "调入", "捐赠", "自建", "盘盈"],
        "procurement_form": ["政府采购", "自行采购"],
    }
    for field_name, choices in lists.items():
        letter = get_column_letter([column.field for column in COLUMNS].index(field_name) + 1)
        validation = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        validation.add(f"{letter}2:{letter}50000")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet(_("填写说明"))
    guide.append([_("列名"), _("是否必填"), _("说明"), _("也可用的列名")])
    for column in COLUMNS:
        guide.append(
            [column.header, _("必填") if column.required else "", column.hint, "、".join(column.aliases)]
        )
    guide.append([])
    guide.append(
        [_("日期可写成 2023-09-01、2023/9/1、2023.9.1 或 2023年9月1日。金额不带单位，最多两位小数。")]
    )
    guide.append([_("分类代码须在教育局导入的代码表中：2022 版为一个字母加 6 位数字，2010 版为 7 位数字。")])
    guide.append([_("请不要使用公式和合并单元格；表格整体无误后才会导入，有错误时一行也不导入。")])
    for letter, width in zip("ABCD", (16, 10, 40, 40), strict=True):
        guide.column_dimensions[letter].width = width
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
