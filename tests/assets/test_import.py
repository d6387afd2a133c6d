"""Importing a ledger from .xlsx: good sheets in the forms schools write them, and every
kind of bad one, each refused with row, column and reason and nothing imported."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from eduplatform.assets import actions
from eduplatform.assets.importing import COLUMNS, parse_date, template_workbook
from eduplatform.assets.models import Asset, AssetMovement, AssetStatus, ImportJob, ImportStatus, Location
from eduplatform.assets.tasks import run_import, validate_import
from eduplatform.audit.models import AuditEvent
from eduplatform.spreadsheets import SheetLimits

HEADERS = [
    "资产编号",
    "资产名称",
    "分类代码",
    "规格型号",
    "数量",
    "单价",
    "原值",
    "取得日期",
    "存放地点",
    "使用部门",
    "使用人",
    "经费来源",
]


def sheet(rows, headers=HEADERS, *, merge: str = "") -> bytes:
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.append(headers)
    for row in rows:
        worksheet.append(row)
    if merge:
        worksheet.merge_cells(merge)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


GOOD_ROWS = [
    [
        "ZC-2019-001",
        "多媒体投影仪",
        "2000000",
        "EB-X51",
        1,
        4580,
        None,
        "2019-09-01",
        "教学楼 3层 301",
        "教导处",
        "周老师",
        "财政拨款",
    ],
    [None, "学生课桌椅", "6000000", "单人", 45, "260.00", None, "2020/9/1", "教学楼 3层 301", "", "", "财政"],
    [
        None,
        "台式计算机",
        "2000000",
        "i5",
        1,
        "5,200.00",
        "5200",
        "2021.3.15",
        "行政楼 2层 办公室",
        "总务处",
        "",
        "非财政",
    ],
    ["ZC-2019-004", "钢琴", "3000000", "", 1, 18000, None, "2018年9月1日", "艺术楼 音乐室", "", "", ""],
    ["ZC-2019-005", "档案柜", "6000000", "", 2, 800, 1600, datetime(2017, 6, 30), "", "", "", ""],
]


def upload(content: bytes, name: str = "台账.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


@pytest.fixture
def start(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    def make(content: bytes, name: str = "台账.xlsx") -> ImportJob:
        job = actions.start_import(upload=upload(content, name), actor=people.keeper)
        validate_import(job.pk)
        job.refresh_from_db()
        return job

    return make


def errors(job: ImportJob) -> list[tuple[int, str, str]]:
    return [(error["row"], error["letter"], error["reason"]) for error in job.errors]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-09-01", date(2023, 9, 1)),
        ("2023/9/1", date(2023, 9, 1)),
        ("2023.9.1", date(2023, 9, 1)),
        ("2023年9月1日", date(2023, 9, 1)),
        ("2023-09-01 00:00:00", date(2023, 9, 1)),
        (datetime(2023, 9, 1, 8, 0), date(2023, 9, 1)),
        (45170, date(2023, 9, 1)),  # a date cell stored as Excel's day number
        (None, None),
    ],
)
def test_dates_are_read_as_schools_write_them(text, expected):
    assert parse_date(text) == expected


def test_a_good_sheet_is_previewed_then_imported_whole(start, people, places, in_school):
    job = start(sheet(GOOD_ROWS))
    assert job.status == ImportStatus.VALID, job.errors
    assert job.summary["rows"] == 5
    assert job.summary["generated_numbers"] == 2
    assert job.summary["total_value"] == "41080.00"
    assert job.summary["new_location_count"] == 2  # 教学楼 3层 301 exists; two are new
    assert not Asset.objects.exists()  # nothing before the confirmation

    actions.confirm_import(job, actor=people.keeper)
    assert run_import(job.pk, people.keeper.pk) == ImportStatus.DONE
    job.refresh_from_db()
    assert (job.status, job.imported_count) == (ImportStatus.DONE, 5)
    projector = Asset.objects.get(number="ZC-2019-001")
    assert (projector.location, projector.using_department, projector.custodian_name) == (
        places.classroom,
        places.teaching,
        "周老师",
    )
    assert projector.custodian == people.teacher  # the name is a unique member of the school
    assert projector.status == AssetStatus.IN_USE
    desks = Asset.objects.get(name="学生课桌椅")
    assert (desks.quantity, desks.original_value, desks.number) == (45, Decimal("11700.00"), "ZC202000001")
    assert Asset.objects.get(name="钢琴").acquisition_date == date(2018, 9, 1)
    assert Asset.objects.get(name="档案柜").location is None
    assert AssetMovement.objects.filter(kind="register", details__import_job=job.pk).count() == 5
    assert AuditEvent.objects.filter(object_type="assets.asset", action="create").count() == 5
    assert Location.objects.filter(building="艺术楼", room="音乐室").exists()


def test_a_bad_sheet_names_every_bad_cell_and_imports_nothing(start, register):
    register(number="ZC-ON-BOOKS")
    rows = [
        ["ZC-1", "投影仪", "2000000", "", 1, -5, None, "2023-09-01", "", "", "", ""],  # negative price
        ["ZC-2", "电脑", "9999999", "", 1, 100, None, "2023-09-01", "", "", "", ""],  # unknown code
        ["ZC-3", "", "2000000", "", 1, "一百", None, "2023-13-01", "", "总务科", "", "自费"],  # many at once
        ["ZC-1", "打印机", "2000000", "", 1, 100, None, "2023-09-01", "", "", "", ""],  # duplicate in sheet
        ["ZC-ON-BOOKS", "打印机", "2000000", "", 1, 100, None, "2023-09-01", "", "", "", ""],  # on the books
        ["ZC-6", "白板", "2000000", "", 1, "=B2*2", None, "2023-09-01", "", "", "", ""],  # formula
        ["ZC-7", "白板", "20000", "", 0, 10.005, None, "2099-01-01", "", "", "", ""],
    ]
    job = start(sheet(rows))
    assert job.status == ImportStatus.INVALID
    found = errors(job)
    assert (2, "F", "金额不能为负数。") in found
    assert (3, "C", "分类代码“9999999”不在教育局导入的代码表中。") in found
    row_4 = {letter for row, letter, _reason in found if row == 4}
    assert row_4 == {"B", "F", "H", "J", "L"}  # name, price, date, department, funding
    assert (5, "A", "资产编号“ZC-1”与第 2 行重复。") in found
    assert (6, "A", "资产编号“ZC-ON-BOOKS”已在账上。") in found
    assert any(row == 7 and letter == "F" and "公式" in reason for row, letter, reason in found)
    assert {letter for row, letter, _reason in found if row == 8} == {"C", "E", "F", "H"}
    assert Asset.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "name", "code_in_message"),
    [
        (b"name,price\n", "ledger.xlsx", "不是 .xlsx"),
        (b"%PDF-1.4 not a sheet", "ledger.xlsx", "不是 .xlsx"),
        (b"", "ledger.xlsx", "空的"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused_before_it_is_kept(
    people, content, name, code_in_message
):
    with pytest.raises(Exception) as raised:
        actions.start_import(upload=upload(content, name), actor=people.keeper)
    assert code_in_message in " ".join(raised.value.messages)
    assert not ImportJob.objects.exists()


def zip_bomb() -> bytes:
    """A tiny file that unpacks to 30 MB of one repeated byte: the shape of a zip bomb."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (30 * 1024 * 1024))
    return output.getvalue()


def test_a_zip_bomb_is_refused_from_its_declared_sizes(people):
    bomb = zip_bomb()
    assert len(bomb) < 100_000
    with pytest.raises(Exception) as raised:
        actions.start_import(upload=upload(bomb), actor=people.keeper)
    assert raised.value.error_dict["file"][0].code == "zip_bomb"
    assert not ImportJob.objects.exists()


def test_a_file_over_50_mb_is_refused_unread(people):
    class Huge:
        name = "大台账.xlsx"
        size = 50 * 1024 * 1024 + 1

        def read(self, *args):
            raise AssertionError("an oversized upload must not be read")

    with pytest.raises(Exception) as raised:
        actions.start_import(upload=Huge(), actor=people.keeper)
    assert raised.value.error_dict["file"][0].code == "file_too_large"


def test_a_sheet_over_the_row_limit_is_refused(start, monkeypatch):
    monkeypatch.setattr(actions, "IMPORT_LIMITS", SheetLimits(max_rows=3))
    job = start(sheet([GOOD_ROWS[1]] * 4))
    assert job.status == ImportStatus.INVALID
    assert "超过 3 行" in job.errors[0]["reason"]


def test_merged_header_cells_are_refused(start):
    job = start(sheet(GOOD_ROWS[:1], merge="A1:B1"))
    assert job.status == ImportStatus.INVALID
    assert "表头有合并单元格（A1:B1）" in job.errors[0]["reason"]


def test_missing_required_columns_are_named(start):
    job = start(sheet([["投影仪", 100]], headers=["资产名称", "单价"]))
    assert job.status == ImportStatus.INVALID
    assert "分类代码" in job.errors[0]["reason"] and "取得日期" in job.errors[0]["reason"]


def test_the_import_is_all_or_nothing(start, people, monkeypatch):
    job = start(sheet(GOOD_ROWS))
    actions.confirm_import(job, actor=people.keeper)
    original = actions.copy_into

    def fail_after_cards(model, instances):
        original(model, instances)
        if model is AssetMovement:
            raise RuntimeError("disk full")

    monkeypatch.setattr(actions, "copy_into", fail_after_cards)
    with pytest.raises(RuntimeError):
        run_import(job.pk, people.keeper.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert not Asset.objects.exists()
    assert not AssetMovement.objects.exists()


def test_books_that_changed_since_the_preview_stop_the_import(start, people, register):
    job = start(sheet(GOOD_ROWS))
    register(number="ZC-2019-001")
    actions.confirm_import(job, actor=people.keeper)
    assert run_import(job.pk, people.keeper.pk) == ImportStatus.INVALID
    assert Asset.objects.count() == 1


def test_the_template_has_every_column_and_reads_back_clean(start):
    content = template_workbook()
    workbook = load_workbook(io.BytesIO(content))
    assert [cell.value for cell in workbook.active[1]] == [column.header for column in COLUMNS]
    job = start(content)
    assert job.status == ImportStatus.VALID, job.errors
    assert job.summary["rows"] == 1  # the example row


def test_an_exported_ledger_imports_again(register, people, in_school, start):
    from eduplatform.assets.exports import ledger_workbook

    register(number="ZC-A")
    register(name="笔记本电脑", number="ZC-B", custodian=people.teacher)
    content = ledger_workbook(Asset.objects.order_by("number"))
    Asset.objects.none()
    workbook = load_workbook(io.BytesIO(content))
    rows = list(workbook.active.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == ["ZC-A", "ZC-B"]
    job = start(content)
    # The numbers are on the books already: re-importing the same ledger is refused, row by row.
    assert [(row, letter) for row, letter, _reason in errors(job)] == [(2, "A"), (3, "A")]
