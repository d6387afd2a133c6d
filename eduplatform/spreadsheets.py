"""Reading spreadsheets that come from anyone's computer: .xlsx (and .csv), defensively.

Everything about the file is checked before any XML is parsed: its size, that it is a
zip container holding a workbook, the sizes its entries declare once unpacked (a zip
bomb declares small and inflates huge; Python's zipfile never inflates an entry beyond
its declared size, it fails the CRC check instead, so the declared sum is a real bound),
encryption, and the row count the sheet declares. openpyxl then reads in read-only
(streaming) mode and parses with defusedxml, which is installed. Merged cells, which
openpyxl's read-only mode does not report, are read from the sheet's XML.

The reader does not judge the content: a formula comes back as a `Formula` value and the
caller reports it by row and column with every other bad cell. Domain importers decide
what a row means (eduplatform.assets.importing, eduplatform.classification.actions).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's own last row and column; an address beyond them is a hand-made file.
EXCEL_MAX_ROW = 1_048_576


@dataclass(frozen=True)
class SheetLimits:
    max_bytes: int = 50 * 1024 * 1024
    max_rows: int = 200_000  # data rows, the header row not counted
    max_uncompressed_bytes: int = 1024 * 1024 * 1024
    # Worksheet XML compresses 10-30x; a ratio far beyond that is a bomb, not a ledger.
    max_compression_ratio: int = 200
    max_zip_entries: int = 1000
    max_columns: int = 80


class SheetRefused(Exception):
    """The whole file is refused; the message says why, in one sentence for the uploader."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula instead of a value."""

    text: str


def column_letter(index: int) -> str:
    """The Excel column name of a 0-based column index: 0 -> A."""
    return get_column_letter(index + 1)


@dataclass
class Sheet:
    """The first worksheet: its header texts and an iterator over its data rows."""

    headers: list[str]
    _rows: Iterator[tuple[int, list[Any]]]
    # Merged ranges outside the header, as (first row, last row, range text).
    merged_ranges: list[tuple[int, int, str]] = field(default_factory=list)
    declared_rows: int | None = None
    _workbook: Any = None

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(row number as Excel shows it, cell values), blank rows skipped."""
        return self._rows

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()

    def __enter__(self) -> Sheet:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def open_sheet(content: bytes, *, filename: str = "", limits: SheetLimits | None = None) -> Sheet:
    """The first worksheet of an .xlsx (or a .csv), or SheetRefused for a file we will not read."""
    limits = limits or SheetLimits()
    if not content:
        raise SheetRefused(_("文件是空的。"), code="empty_file")
    if len(content) > limits.max_bytes:
        raise SheetRefused(
            _("文件超过 %(size)s MB，请分成几个文件上传。") % {"size": limits.max_bytes // (1024 * 1024)},
            code="file_too_large",
        )
    if filename.lower().endswith(".csv") and not content.startswith(b"PK"):
        return _open_csv(content, limits)
    archive = _checked_archive(content, limits)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors for a broken file
        raise SheetRefused(_not_readable(), code="unreadable") from None
    try:
        if not workbook.worksheets:
            raise SheetRefused(_("文件中没有工作表。"), code="no_worksheet")
        worksheet = workbook.worksheets[0]
        declared = _declared_rows(worksheet)
        if declared is not None and declared - 1 > limits.max_rows:
            raise SheetRefused(_too_many_rows(limits), code="too_many_rows")
        merged = _merged_ranges(archive, getattr(worksheet, "_worksheet_path", None))
        header_merges = [text for first, _last, text in merged if first == 1]
        if header_merges:
            raise SheetRefused(
                _("表头有合并单元格（%(range)s），请取消合并，让每一列各有一个表头。")
                % {"range": "、".join(header_merges)},
                code="merged_header",
            )
        # The declared dimension may be wrong or made up: read the rows that are really there.
        worksheet.reset_dimensions()
        iterator = worksheet.iter_rows(min_row=1, max_col=limits.max_columns, values_only=False)
        header_cells = next(iterator, None)
        if header_cells is None:
            raise SheetRefused(_("表格是空的，第一行应为表头。"), code="empty_sheet")
        headers = [_header_text(cell) for cell in header_cells]
        return Sheet(
            headers=headers,
            _rows=_xlsx_rows(iterator, limits),
            merged_ranges=merged,
            declared_rows=declared,
            _workbook=workbook,
        )
    except BaseException:
        workbook.close()
        raise


def _not_readable() -> str:
    return _("文件无法读取，请上传用 Excel 或 WPS 保存的 .xlsx 文件。")


def _too_many_rows(limits: SheetLimits) -> str:
    return _("表格超过 %(limit)s 行，请分成几个文件上传。") % {"limit": f"{limits.max_rows:,}"}


def check_container(content: bytes, *, limits: SheetLimits | None = None) -> None:
    """The cheap checks alone (size, zip container, declared sizes), before a file is kept."""
    limits = limits or SheetLimits()
    if not content:
        raise SheetRefused(_("文件是空的。"), code="empty_file")
    if len(content) > limits.max_bytes:
        raise SheetRefused(
            _("文件超过 %(size)s MB，请分成几个文件上传。") % {"size": limits.max_bytes // (1024 * 1024)},
            code="file_too_large",
        )
    _checked_archive(content, limits)


def _checked_archive(content: bytes, limits: SheetLimits) -> zipfile.ZipFile:
    """The .xlsx container, once it is known to be one and small enough to unpack."""
    not_xlsx = _("这不是 .xlsx 文件。请在 Excel 或 WPS 中“另存为” Excel 工作簿（.xlsx）后再上传。")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SheetRefused(not_xlsx, code="not_a_spreadsheet") from None
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise SheetRefused(not_xlsx, code="not_a_spreadsheet")
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise SheetRefused(_("文件已加密，请取消密码保护后再上传。"), code="encrypted")
    bomb = _("文件解压后过大（可能是“压缩炸弹”），已拒绝。")
    if len(entries) > limits.max_zip_entries:
        raise SheetRefused(bomb, code="zip_bomb")
    if sum(entry.file_size for entry in entries) > limits.max_uncompressed_bytes:
        raise SheetRefused(bomb, code="zip_bomb")
    for entry in entries:
        if entry.file_size > 1024 * 1024 and entry.file_size > limits.max_compression_ratio * max(
            entry.compress_size, 1
        ):
            raise SheetRefused(bomb, code="zip_bomb")
    return archive


_DIMENSION = re.compile(r"^[A-Z]{1,3}\d+:[A-Z]{1,3}(\d+)$")


def _declared_rows(worksheet) -> int | None:
    try:
        dimension = worksheet.calculate_dimension()
    except Exception:  # no dimension element: nothing declared
        return None
    match = _DIMENSION.match(dimension or "")
    return int(match.group(1)) if match else None


_MERGE_CELL = re.compile(rb"<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref=\"([A-Z]{1,3}\d+(?::[A-Z]{1,3}\d+)?)\"")
_CHUNK = 1024 * 1024


def _merged_ranges(archive: zipfile.ZipFile, worksheet_path: str | None) -> list[tuple[int, int, str]]:
    """Merged ranges of the sheet, found in its XML by a streamed scan.

    A scan of the bytes rather than a parse: the sheet XML of a 50,000-row ledger is tens
    of megabytes, and the <mergeCell ref="A1:C1"/> elements are all we want from it.
    """
    if not worksheet_path:
        return []
    ranges = []
    tail = b""
    try:
        with archive.open(worksheet_path.lstrip("/")) as source:
            while chunk := source.read(_CHUNK):
                window = tail + chunk
                last_end = 0
                for match in _MERGE_CELL.finditer(window):
                    text = match.group(1).decode()
                    _min_col, min_row, _max_col, max_row = range_boundaries(text)
                    ranges.append((min_row, max_row or min_row, text))
                    last_end = match.end()
                # Keep the end of the window, in case an element is cut between chunks.
                tail = window[max(last_end, len(window) - 200) :]
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        raise SheetRefused(_not_readable(), code="unreadable") from None
    return ranges


def _header_text(cell) -> str:
    value = getattr(cell, "value", cell)
    return re.sub(r"\s+", "", str(value)) if value is not None else ""


def _cell_value(cell) -> Any:
    if getattr(cell, "data_type", None) == "f":
        return Formula(str(cell.value))
    value = cell.value
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _xlsx_rows(iterator, limits: SheetLimits) -> Iterator[tuple[int, list[Any]]]:
    data_rows = 0
    for row_number, cells in enumerate(iterator, start=2):
        if row_number > EXCEL_MAX_ROW:
            raise SheetRefused(_("表格行数超出 Excel 的范围，文件可能已损坏。"), code="too_many_rows")
        values = [_cell_value(cell) for cell in cells]
        if all(value is None for value in values):
            continue
        data_rows += 1
        if data_rows > limits.max_rows:
            raise SheetRefused(_too_many_rows(limits), code="too_many_rows")
        yield row_number, values


def _open_csv(content: bytes, limits: SheetLimits) -> Sheet:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetRefused(_("CSV 文件的编码无法识别，请保存为 UTF-8 编码。"), code="unreadable")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise SheetRefused(_("表格是空的，第一行应为表头。"), code="empty_sheet")

    def rows() -> Iterator[tuple[int, list[Any]]]:
        data_rows = 0
        for row_number, cells in enumerate(reader, start=2):
            values: list[Any] = []
            for cell in cells[: limits.max_columns]:
                cell = cell.strip()
                # A CSV has no formulas; text that starts like one is refused as a formula,
                # so that it can never reach a spreadsheet we export later.
                values.append(Formula(cell) if cell.startswith("=") else (cell or None))
            if all(value is None for value in values):
                continue
            data_rows += 1
            if data_rows > limits.max_rows:
                raise SheetRefused(_too_many_rows(limits), code="too_many_rows")
            yield row_number, values

    return Sheet(headers=[_header_text(cell) for cell in header], _rows=rows())


def safe_cell(value: Any) -> Any:
    """A value fit for a cell of a spreadsheet we write: text that a spreadsheet would run
    as a formula (=, +, -, @ first) is prefixed with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@dataclass(frozen=True)
class CellError:
    """One bad cell (or row, when column is empty), as the uploader will look for it in Excel."""

    row: int
    column: str  # the header text of the column, e.g. 单价
    letter: str  # the column's letter, e.g. H; empty for a whole row
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "letter": self.letter, "reason": self.reason}

    def __str__(self) -> str:
        if self.column:
            return _("第 %(row)s 行 %(letter)s 列（%(column)s）：%(reason)s") % self.as_dict()
        return _("第 %(row)s 行：%(reason)s") % self.as_dict()


def header_columns(headers: list[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Map each field to the index of the first header that names it (any of its aliases)."""
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        for field_name, names in aliases.items():
            if field_name not in found and header in names:
                found[field_name] = index
                break
    return found
