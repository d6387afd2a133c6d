"""Loading the district's classification tables: the codes of one edition, and the mapping.

A load is all or nothing: every row is checked first, and a table with any bad row is
refused with every bad row named (row, column, reason); nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eduplatform.audit.trail import record_bulk_change, record_event, snapshot
from eduplatform.classification.models import CODE_PATTERNS, ClassificationCode, CodeMapping, Edition
from eduplatform.spreadsheets import (
    CellError,
    Formula,
    SheetLimits,
    SheetRefused,
    column_letter,
    header_columns,
    open_sheet,
)

# A code table of a few thousand rows; well within these.
TABLE_LIMITS = SheetLimits(max_bytes=10 * 1024 * 1024, max_rows=20_000)

CODE_TABLE_HEADERS = {
    "code": ("分类代码", "代码", "编码", "资产分类代码", "code"),
    "name": ("名称", "分类名称", "代码名称", "name"),
    "parent_code": ("上级代码", "父级代码", "上级编码", "parent_code", "parentcode"),
}
MAPPING_HEADERS = {
    "code_2010": ("2010版代码", "旧代码", "原代码", "2010版分类代码", "code_2010"),
    "code_2022": ("2022版代码", "新代码", "2022版分类代码", "code_2022"),
}


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


def _invalid(errors: list[CellError]) -> ValidationError:
    return ValidationError(
        {"file": [ValidationError(str(error), code="invalid_row") for error in errors]}, code="invalid_sheet"
    )


def _read(content: bytes, filename: str, headers: dict[str, tuple[str, ...]], optional=()):
    try:
        sheet = open_sheet(content, filename=filename, limits=TABLE_LIMITS)
    except SheetRefused as refused:
        raise ValidationError({"file": [ValidationError(refused.message, code=refused.code)]}) from None
    columns = header_columns(sheet.headers, headers)
    missing = [
        names[0]
        for field_name, names in headers.items()
        if field_name not in columns and field_name not in optional
    ]
    if missing:
        sheet.close()
        raise ValidationError(
            {
                "file": [
                    ValidationError(
                        _("第一行应为表头，缺少：%(missing)s。") % {"missing": "、".join(missing)},
                        code="missing_columns",
                    )
                ]
            }
        )
    return sheet, columns


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def load_code_table(*, district, edition: str, content: bytes, filename: str, actor) -> LoadResult:
    """Load (add or rename) the codes of one edition for a district, from .xlsx or .csv."""
    if edition not in Edition.values:
        raise ValidationError({"edition": _("请选择分类代码的版本。")}, code="invalid_edition")
    pattern = CODE_PATTERNS[Edition(edition)]
    sheet, columns = _read(content, filename, CODE_TABLE_HEADERS, optional=("parent_code",))
    errors: list[CellError] = []
    rows: dict[str, tuple[str, str, int]] = {}
    with sheet:
        for row_number, values in sheet.rows():

            def cell(field_name: str, _values=values):
                index = columns.get(field_name)
                return _values[index] if index is not None and index < len(_values) else None

            def error(field_name: str, reason: str, _row=row_number) -> None:
                index = columns.get(field_name, 0)
                errors.append(CellError(_row, sheet.headers[index], column_letter(index), reason))

            raw = {field_name: cell(field_name) for field_name in CODE_TABLE_HEADERS}
            if any(isinstance(value, Formula) for value in raw.values()):
                for field_name, value in raw.items():
                    if isinstance(value, Formula):
                        error(field_name, _("单元格是公式，请粘贴为数值。"))
                continue
            code, name, parent = _text(raw["code"]), _text(raw["name"]), _text(raw["parent_code"])
            if not pattern.match(code):
                error(
                    "code",
                    _("“%(code)s”不是 %(edition)s 版的分类代码。") % {"code": code, "edition": edition},
                )
            elif code in rows:
                error("code", _("代码“%(code)s”与第 %(row)s 行重复。") % {"code": code, "row": rows[code][2]})
            if not name:
                error("name", _("请填写名称。"))
            if parent and not pattern.match(parent):
                error("parent_code", _("上级代码“%(code)s”格式不对。") % {"code": parent})
            if pattern.match(code) and code not in rows:
                rows[code] = (name, parent, row_number)
    known = set(
        ClassificationCode.objects.for_district(district)
        .filter(edition=edition)
        .values_list("code", flat=True)
    )
    parent_index = columns.get("parent_code")
    for code, (_name, parent, row_number) in rows.items():
        if parent and pattern.match(parent) and parent not in rows and parent not in known:
            errors.append(
                CellError(
                    row_number,
                    sheet.headers[parent_index] if parent_index is not None else "",
                    column_letter(parent_index) if parent_index is not None else "",
                    _("上级代码“%(code)s”既不在表中，也未曾导入。") % {"code": parent},
                )
            )
        if parent == code:
            errors.append(CellError(row_number, "", "", _("代码不能是自己的上级。")))
    if errors:
        raise _invalid(sorted(errors, key=lambda error: (error.row, error.letter)))
    if not rows:
        raise ValidationError({"file": _("表格中没有代码。")}, code="empty_sheet")

    existing = {
        row.code: row for row in ClassificationCode.objects.filter(district=district, edition=edition)
    }
    created: list[ClassificationCode] = []
    changed: list[tuple[ClassificationCode, dict]] = []
    unchanged = 0
    for code, (name, parent, _row) in rows.items():
        row = existing.get(code)
        if row is None:
            created.append(
                ClassificationCode(
                    district=district, edition=edition, code=code, name=name, parent_code=parent
                )
            )
        elif (row.name, row.parent_code) != (name, parent):
            before = snapshot(row)
            row.name, row.parent_code, row.updated_at = name, parent, timezone.now()
            changed.append((row, before))
        else:
            unchanged += 1
    with transaction.atomic():
        ClassificationCode.objects.bulk_create(created, batch_size=1000)
        ClassificationCode.objects.bulk_update(
            [row for row, _before in changed], ["name", "parent_code", "updated_at"], batch_size=1000
        )
        record_bulk_change(
            actor=actor, action="create", changes=[(row, None) for row in created], school=None
        )
        record_bulk_change(actor=actor, action="update", changes=changed, school=None)
        record_event(
            actor=actor,
            action="load_code_table",
            object_type="classification.classificationcode",
            object_id=f"{district.code}:{edition}",
            after={"created": len(created), "updated": len(changed), "unchanged": unchanged},
            school=None,
        )
    return LoadResult(created=len(created), updated=len(changed), unchanged=unchanged)


def load_code_mapping(*, district, content: bytes, filename: str, actor) -> LoadResult:
    """Load the district's 2010 -> 2022 correspondence. Each 2022 code must be in force."""
    sheet, columns = _read(content, filename, MAPPING_HEADERS)
    known_2022 = set(
        ClassificationCode.objects.for_district(district)
        .filter(edition=Edition.GB_2022)
        .values_list("code", flat=True)
    )
    errors: list[CellError] = []
    pairs: dict[str, tuple[str, int]] = {}
    with sheet:
        for row_number, values in sheet.rows():
            texts = {}
            for field_name, index in columns.items():
                value = values[index] if index < len(values) else None
                if isinstance(value, Formula):
                    errors.append(
                        CellError(row_number, sheet.headers[index], column_letter(index), _("单元格是公式。"))
                    )
                    value = None
                texts[field_name] = _text(value)
            old, new = texts.get("code_2010", ""), texts.get("code_2022", "")
            old_index, new_index = columns["code_2010"], columns["code_2022"]
            if not CODE_PATTERNS[Edition.GB_2010].match(old):
                errors.append(
                    CellError(
                        row_number,
                        sheet.headers[old_index],
                        column_letter(old_index),
                        _("“%(code)s”不是 2010 版的分类代码。") % {"code": old},
                    )
                )
            elif old in pairs:
                errors.append(
                    CellError(
                        row_number,
                        sheet.headers[old_index],
                        column_letter(old_index),
                        _("代码“%(code)s”与第 %(row)s 行重复。") % {"code": old, "row": pairs[old][1]},
                    )
                )
            if new not in known_2022:
                errors.append(
                    CellError(
                        row_number,
                        sheet.headers[new_index],
                        column_letter(new_index),
                        _("2022 版代码“%(code)s”尚未导入。") % {"code": new},
                    )
                )
            if old and old not in pairs:
                pairs[old] = (new, row_number)
    if errors:
        raise _invalid(errors)
    existing = {row.code_2010: row for row in CodeMapping.objects.filter(district=district)}
    created, changed, unchanged = [], [], 0
    for old, (new, _row) in pairs.items():
        row = existing.get(old)
        if row is None:
            created.append(CodeMapping(district=district, code_2010=old, code_2022=new))
        elif row.code_2022 != new:
            before = snapshot(row)
            row.code_2022, row.updated_at = new, timezone.now()
            changed.append((row, before))
        else:
            unchanged += 1
    with transaction.atomic():
        CodeMapping.objects.bulk_create(created, batch_size=1000)
        CodeMapping.objects.bulk_update(
            [row for row, _b in changed], ["code_2022", "updated_at"], batch_size=1000
        )
        record_bulk_change(
            actor=actor, action="create", changes=[(row, None) for row in created], school=None
        )
        record_bulk_change(actor=actor, action="update", changes=changed, school=None)
    return LoadResult(created=len(created), updated=len(changed), unchanged=unchanged)
