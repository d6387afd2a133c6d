"""The staff sheet: an .xlsx with columns 姓名, 手机号, 部门, 角色, one person per row.

Reading is defensive, because the file comes from anyone's computer: the size, the zip
container and its uncompressed size are checked before openpyxl opens it (in read-only
mode; openpyxl parses with defusedxml when it is installed, which it is), and a sheet
with formulas or merged cells is refused rather than guessed at. What is read here is
only the text of each cell; whether a row makes sense (phone taken, role allowed) is
decided by `eduplatform.accounts.actions.check_staff_rows`, which runs again at commit.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import asdict, dataclass
from datetime import date, datetime

from defusedxml import ElementTree
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A real staff sheet of 2,000 rows is well under 2 MB unpacked; anything far bigger is a
# zip bomb or not a staff sheet.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ZIP_ENTRIES = 500
MAX_ROWS = 2000
# Excel's own last row; an address beyond it is a hand-made file meant to make us loop.
MAX_ROW_INDEX = 1_048_576
MAX_COLUMNS = 30

# The sheet's header cells. They are part of the file format, not of the interface, so
# they stay Chinese in every language.
NAME, PHONE, DEPARTMENT, ROLE = "姓名", "手机号", "部门", "角色"
HEADERS = (NAME, PHONE, DEPARTMENT, ROLE)
REQUIRED_HEADERS = (NAME, PHONE, ROLE)

_SPREADSHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SheetRefused(Exception):
    """The whole file is refused; the message says why, in a sentence for the uploader."""


@dataclass(frozen=True)
class SheetRow:
    """One row's cells as text, with the row number the uploader sees in Excel."""

    row_number: int
    name: str
    phone: str
    department: str
    role: str

    def as_dict(self) -> dict:
        return asdict(self)


def read_staff_sheet(upload) -> list[SheetRow]:
    """The non-empty rows of the first worksheet, or SheetRefused for a file we will not read."""
    content = _read_upload(upload)
    archive = _checked_archive(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors for a broken file
        raise SheetRefused(_("文件无法读取，请上传用 Excel 或 WPS 保存的 .xlsx 文件。")) from None
    try:
        if not workbook.worksheets:
            raise SheetRefused(_("文件中没有工作表。"))
        worksheet = workbook.worksheets[0]
        _refuse_merged_cells(archive, getattr(worksheet, "_worksheet_path", None))
        return _rows(worksheet)
    finally:
        workbook.close()


def _read_upload(upload) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise SheetRefused(_("文件超过 5 MB，请删去多余内容后再上传。"))
    content = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise SheetRefused(_("文件超过 5 MB，请删去多余内容后再上传。"))
    if not content:
        raise SheetRefused(_("文件是空的。"))
    return content


def _checked_archive(content: bytes) -> zipfile.ZipFile:
    """The .xlsx container, once it is known to be one and small enough to unpack."""
    not_xlsx = _("这不是 .xlsx 文件。请在 Excel 或 WPS 中“另存为” Excel 工作簿（.xlsx）后再上传。")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SheetRefused(not_xlsx) from None
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise SheetRefused(not_xlsx)
    # The sizes are the ones the archive declares; Python's zipfile never inflates an entry
    # beyond its declared size (it fails the CRC check instead), so the sum is a real bound.
    if len(entries) > MAX_ZIP_ENTRIES or sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
        raise SheetRefused(_("文件解压后过大，不像是人员表格，已拒绝。"))
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise SheetRefused(_("文件已加密，请取消密码保护后再上传。"))
    return archive


def _refuse_merged_cells(archive: zipfile.ZipFile, worksheet_path: str | None) -> None:
    """openpyxl's read-only mode does not report merged cells, so look in the sheet's XML."""
    if not worksheet_path:
        return
    try:
        with archive.open(worksheet_path.lstrip("/")) as source:
            for _event, element in ElementTree.iterparse(source):
                if element.tag == f"{_SPREADSHEET_NS}mergeCell":
                    cell_range = element.get("ref", "")
                    if _touches_header(cell_range):
                        raise SheetRefused(
                            _("表头有合并单元格（%(range)s），请取消合并，让每一列各有一个表头。")
                            % {"range": cell_range}
                        )
                    raise SheetRefused(
                        _("表格中有合并单元格（%(range)s），请取消合并后再上传。") % {"range": cell_range}
                    )
                if element.tag == f"{_SPREADSHEET_NS}row":
                    element.clear()
    except SheetRefused:
        raise
    except Exception:
        raise SheetRefused(_("文件无法读取，请上传用 Excel 或 WPS 保存的 .xlsx 文件。")) from None


def _touches_header(cell_range: str) -> bool:
    first = cell_range.split(":", 1)[0]
    digits = "".join(character for character in first if character.isdigit())
    return digits == "1"


def _rows(worksheet) -> list[SheetRow]:
    # The declared dimension may be wrong (or made up); read the rows that are really there.
    worksheet.reset_dimensions()
    rows_iter = worksheet.iter_rows(min_row=1, max_col=MAX_COLUMNS)
    header_cells = next(rows_iter, None)
    if header_cells is None:
        raise SheetRefused(_("表格是空的。请使用模板，第一行为表头：姓名、手机号、部门、角色。"))
    _refuse_formulas(header_cells, 1)
    columns = _header_columns(header_cells)
    rows: list[SheetRow] = []
    for row_number, cells in enumerate(rows_iter, start=2):
        if row_number > MAX_ROW_INDEX:
            raise SheetRefused(_("表格行数超出 Excel 的范围，文件可能已损坏。"))
        _refuse_formulas(cells, row_number)
        values = {
            header: _text(cells[index].value if index < len(cells) else None)
            for header, index in columns.items()
        }
        if not any(values.values()):
            continue
        if len(rows) == MAX_ROWS:
            raise SheetRefused(_("表格超过 %(limit)s 行，请分成几个文件上传。") % {"limit": f"{MAX_ROWS:,}"})
        rows.append(
            SheetRow(
                row_number=row_number,
                name=values[NAME],
                phone=values[PHONE],
                department=values.get(DEPARTMENT, ""),
                role=values[ROLE],
            )
        )
    if not rows:
        raise SheetRefused(_("表格中没有人员，请从第二行开始填写。"))
    return rows


def _refuse_formulas(cells, row_number: int) -> None:
    for index, cell in enumerate(cells):
        if getattr(cell, "data_type", None) == "f":
            raise SheetRefused(
                _("单元格 %(cell)s 是公式。请把表格复制后“选择性粘贴为数值”，再上传。")
                % {"cell": f"{get_column_letter(index + 1)}{row_number}"}
            )


def _header_columns(cells) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        text = _text(cell.value).replace(" ", "")
        if text in HEADERS and text not in found:
            found[text] = index
    missing = [header for header in REQUIRED_HEADERS if header not in found]
    if missing:
        raise SheetRefused(
            _("第一行应为表头：姓名、手机号、部门、角色。缺少：%(missing)s。")
            % {"missing": "、".join(missing)}
        )
    return found


def _text(value) -> str:
    """A cell's value as the text a person typed: 13912345678.0 is the phone 13912345678."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


# --- Files we hand out ---------------------------------------------------------------


def staff_template(role_labels: list[str]) -> bytes:
    """The empty sheet to fill in, with a drop-down of the roles the downloader may grant."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "人员"
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(["张三", "13800000000", "教导处", role_labels[-1] if role_labels else ""])
    for column, width in zip("ABCD", (12, 16, 16, 16), strict=True):
        sheet.column_dimensions[column].width = width
    # Phones as text, so that Excel keeps all 11 digits and shows no exponent.
    for row in range(2, MAX_ROWS + 2):
        sheet[f"B{row}"].number_format = "@"
    if role_labels:
        choices = DataValidation(type="list", formula1='"' + ",".join(role_labels) + '"', allow_blank=False)
        choices.add(f"D2:D{MAX_ROWS + 1}")
        sheet.add_data_validation(choices)
    return _saved(workbook)


def password_sheet(rows: list[tuple[str, str, str, str]], *, title: str) -> bytes:
    """A sheet of (name, phone, username, temporary password), handed over once after an import."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([NAME, PHONE, "用户名", "临时密码"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    for column, width in zip("ABCD", (12, 16, 16, 18), strict=True):
        sheet.column_dimensions[column].width = width
    return _saved(workbook)


def _saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
