"""Bulk add of staff from an .xlsx sheet: reading it safely, the preview, the all-or-nothing commit."""

from __future__ import annotations

import base64
import io
import os
import re
import zipfile

import pytest
from django.test import Client
from openpyxl import load_workbook

from eduplatform.accounts import actions
from eduplatform.accounts.models import Membership, User
from eduplatform.accounts.roles import Role
from eduplatform.accounts.staff_sheet import SheetRefused, SheetRow, read_staff_sheet
from eduplatform.audit.models import AuditEvent
from tests.people.conftest import upload, xlsx_bytes
from tests.world import make_user

GOOD_ROWS = [
    ("张一", "13800000001", "教导处", "教职工"),
    ("张二", 13800000002, "", "班主任"),  # a phone typed as a number
    ("张三", "138-0000-0003", "总务处", "校产管理员"),
]


def refusal(content: bytes, name: str = "人员.xlsx") -> str:
    with pytest.raises(SheetRefused) as refused:
        read_staff_sheet(upload(content, name))
    return str(refused.value)


# --- Reading the file -------------------------------------------------------------------------


def test_a_good_sheet_is_read_row_by_row():
    rows = read_staff_sheet(upload(xlsx_bytes(GOOD_ROWS)))
    assert rows == [
        SheetRow(2, "张一", "13800000001", "教导处", "教职工"),
        SheetRow(3, "张二", "13800000002", "", "班主任"),
        SheetRow(4, "张三", "138-0000-0003", "总务处", "校产管理员"),
    ]


def test_columns_may_come_in_any_order_and_empty_rows_are_skipped():
    content = xlsx_bytes([("教职工", "13800000001", "李四"), (None, None, None), ("门卫", "13800000002", "王五")],
                         headers=("角色", "手机号", "姓名"))  # fmt: skip
    assert read_staff_sheet(upload(content)) == [
        SheetRow(2, "李四", "13800000001", "", "教职工"),
        SheetRow(4, "王五", "13800000002", "", "门卫"),
    ]


def test_a_file_that_is_not_xlsx_is_refused():
    message = "这不是 .xlsx 文件。请在 Excel 或 WPS 中“另存为” Excel 工作簿（.xlsx）后再上传。"
    assert refusal("姓名,手机号\n张三,13800000001\n".encode(), "人员.csv") == message
    assert (
        refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500, "人员.xls") == message
    )  # old binary .xls
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    assert refusal(other_zip.getvalue(), "人员.docx") == message


def test_a_broken_xlsx_is_refused():
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<not-a-workbook")
    assert refusal(broken.getvalue()) == "文件无法读取，请上传用 Excel 或 WPS 保存的 .xlsx 文件。"


def test_a_zip_bomb_is_refused_before_anything_is_unpacked():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    content = bomb.getvalue()
    assert len(content) < 1024 * 1024
    assert refusal(content) == "文件解压后过大，不像是人员表格，已拒绝。"


def test_an_oversized_file_is_refused():
    assert refusal(os.urandom(5 * 1024 * 1024 + 1)) == "文件超过 5 MB，请删去多余内容后再上传。"


def test_more_than_2000_rows_are_refused_and_2000_are_read():
    rows = [(f"人{index}", f"138{index:08d}", "", "教职工") for index in range(2000)]
    assert len(read_staff_sheet(upload(xlsx_bytes(rows)))) == 2000
    assert refusal(xlsx_bytes([*rows, ("多一人", "13900000000", "", "教职工")])) == (
        "表格超过 2,000 行，请分成几个文件上传。"
    )


def test_formulas_are_refused():
    content = xlsx_bytes([("张一", "=13800000000+1", "", "教职工")])
    assert refusal(content) == "单元格 B2 是公式。请把表格复制后“选择性粘贴为数值”，再上传。"


def test_merged_header_cells_are_refused():
    content = xlsx_bytes(GOOD_ROWS, build=lambda sheet: sheet.merge_cells("A1:B1"))
    assert refusal(content) == "表头有合并单元格（A1:B1），请取消合并，让每一列各有一个表头。"


def test_merged_cells_in_the_rows_are_refused():
    content = xlsx_bytes(GOOD_ROWS, build=lambda sheet: sheet.merge_cells("C2:C3"))
    assert refusal(content) == "表格中有合并单元格（C2:C3），请取消合并后再上传。"


def test_a_sheet_without_the_headers_is_refused():
    assert refusal(xlsx_bytes(GOOD_ROWS, headers=("名字", "电话", "部门", "角色"))) == (
        "第一行应为表头：姓名、手机号、部门、角色。缺少：姓名、手机号。"
    )


def test_a_sheet_without_people_is_refused():
    assert refusal(xlsx_bytes([])) == "表格中没有人员，请从第二行开始填写。"


# --- Checking and committing ----------------------------------------------------------------------


BAD_ROWS = [
    ("张一", "13800000001", "教导处", "教职工"),  # row 2: fine
    ("", "13800000002", "", "教职工"),  # row 3: no name
    ("张三", "1380000000", "", "教职工"),  # row 4: ten digits
    ("张四", "13800000001", "", "班主任"),  # row 5: same phone as row 2
    ("张五", "13700000001", "", "教职工"),  # row 6: staff_a's phone
    ("张六", "13800000006", "", "厨师"),  # row 7: no such role
    ("张七", "13800000007", "", "校长"),  # row 8: not for a logistics director to grant
    ("张八", None, None, None),  # row 9: no phone, no role
]
BAD_ROW_PROBLEMS = [
    (3, "姓名", "请填写姓名。"),
    (4, "手机号", "手机号“1380000000”格式不正确：应为以 1 开头的 11 位数字。"),
    (5, "手机号", "手机号 13800000001 与第 2 行重复。"),
    (6, "手机号", "手机号 13700000001 已有账号。"),
    (7, "角色", "未知角色“厨师”。可填：总务主任、校产管理员、食堂管理员、安全专干、教职工/班主任、门卫。"),
    (8, "角色", "您无权授予“校长”角色。"),
    (9, "手机号", "请填写手机号。"),
    (9, "角色", "请填写角色。"),
]


def test_a_good_sheet_creates_everyone_in_one_go(school_a, member_a):
    rows = read_staff_sheet(upload(xlsx_bytes(GOOD_ROWS)))
    created = actions.import_staff(school=school_a, rows=rows, actor=member_a)
    assert [(user.name, user.phone, user.username) for user, _password in created] == [
        ("张一", "13800000001", "13800000001"),
        ("张二", "13800000002", "13800000002"),
        ("张三", "13800000003", "13800000003"),
    ]
    for user, password in created:
        user.refresh_from_db()
        assert user.must_change_password is True
        assert user.check_password(password)
    memberships = Membership.objects.filter(user__in=[user for user, _password in created]).order_by(
        "user__phone"
    )
    assert [(m.school_id, m.role, m.department) for m in memberships] == [
        (school_a.pk, Role.STAFF, "教导处"),
        (school_a.pk, Role.STAFF, ""),
        (school_a.pk, Role.ASSET_KEEPER, "总务处"),
    ]
    assert (
        AuditEvent.objects.filter(action="create", object_type="accounts.user", school=school_a).count() == 3
    )
    assert (
        AuditEvent.objects.filter(action="create", object_type="accounts.membership", school=school_a).count()
        == 3
    )
    [summary] = AuditEvent.objects.filter(action="import_staff")
    assert (summary.actor, summary.school, summary.context) == (member_a, school_a, {"count": 3})


def test_a_sheet_with_bad_rows_creates_nobody_and_lists_every_bad_row(school_a, member_a, staff_a):
    rows = read_staff_sheet(upload(xlsx_bytes(BAD_ROWS)))
    users_before = User.objects.count()
    with pytest.raises(actions.StaffImportRefused) as refused:
        actions.import_staff(school=school_a, rows=rows, actor=member_a)
    assert [(p.row_number, p.column, p.message) for p in refused.value.problems] == BAD_ROW_PROBLEMS
    assert User.objects.count() == users_before
    assert not AuditEvent.objects.filter(
        action__in=["create", "import_staff"], object_type__in=["accounts.user", "accounts.membership"]
    ).exists()


def test_staff_cannot_import(school_a, staff_a):
    rows = read_staff_sheet(upload(xlsx_bytes(GOOD_ROWS)))
    with pytest.raises(actions.PermissionDenied):
        actions.import_staff(school=school_a, rows=rows, actor=staff_a)
    assert not User.objects.filter(phone="13800000001").exists()


# --- The pages ---------------------------------------------------------------------------------


def test_import_through_the_school_pages(school_a, member_a):
    client = Client()
    client.force_login(member_a)
    base = f"/s/{school_a.code}/people/import/"
    response = client.post(base, {"file": upload(xlsx_bytes(GOOD_ROWS))})
    assert response.status_code == 302
    preview_url = response["Location"]
    assert re.fullmatch(rf"{base}[\w-]+/", preview_url)
    assert not User.objects.filter(phone="13800000001").exists()  # nothing before the confirmation

    preview = client.get(preview_url)
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "表格无误，确认后将创建 3 个账号。" in body
    assert "张三" in body and "13800000003" in body

    done = client.post(preview_url)
    body = done.content.decode()
    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    created = User.objects.filter(phone__in=["13800000001", "13800000002", "13800000003"])
    assert created.count() == 3
    # Each temporary password is on the page, once, and in the .xlsx offered with it.
    passwords = re.findall(r'<td class="font-monospace">([^<]+)</td>', body)
    assert len(passwords) == 3
    for user, password in zip(created.order_by("phone"), passwords, strict=True):
        assert user.check_password(password)
    sheet_data = re.search(r'href="data:[^;]+;base64,([^"]+)"', body).group(1)
    workbook = load_workbook(io.BytesIO(base64.b64decode(sheet_data)), read_only=True)
    sheet_rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert sheet_rows[0] == ("姓名", "手机号", "用户名", "临时密码")
    assert [row[3] for row in sheet_rows[1:]] == passwords
    # The sheet is gone from the session: no second commit, no second look at the passwords.
    assert client.post(preview_url).status_code == 404
    assert client.get(preview_url).status_code == 404
    assert not any(key.startswith("people_import:") for key in dict(client.session))


def test_bad_rows_are_listed_in_the_preview_and_nothing_is_created(school_a, member_a, staff_a):
    client = Client()
    client.force_login(member_a)
    response = client.post(f"/s/{school_a.code}/people/import/", {"file": upload(xlsx_bytes(BAD_ROWS))})
    preview_url = response["Location"]
    body = client.get(preview_url).content.decode()
    assert "表格中有 8 处错误，未创建任何账号。" in body
    rows = re.findall(r"<tr><td>(\d+)</td><td class=\"text-nowrap\">([^<]+)</td><td>([^<]+)</td></tr>", body)
    expected = [(str(row), column, message) for row, column, message in BAD_ROW_PROBLEMS]
    assert [
        (row, column, message.replace("&ldquo;", "“").replace("&rdquo;", "”"))
        for row, column, message in rows
    ] == [(row, column, message) for row, column, message in expected]
    users_before = User.objects.count()
    refused = client.post(preview_url)
    assert refused.status_code == 200
    assert "表格中有 8 处错误" in refused.content.decode()
    assert User.objects.count() == users_before


def test_a_refused_file_is_explained_beside_the_upload_field(school_a, member_a):
    client = Client()
    client.force_login(member_a)
    response = client.post(
        f"/s/{school_a.code}/people/import/", {"file": upload(b"not a sheet", "人员.xlsx")}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_file_error"' in body
    assert "这不是 .xlsx 文件" in body
    oversized = client.post(
        f"/s/{school_a.code}/people/import/", {"file": upload(os.urandom(5 * 1024 * 1024 + 10))}
    )
    assert "文件超过 5 MB" in oversized.content.decode()


def test_the_commit_checks_the_sheet_again(school_a, member_a):
    client = Client()
    client.force_login(member_a)
    preview_url = client.post(f"/s/{school_a.code}/people/import/", {"file": upload(xlsx_bytes(GOOD_ROWS))})[
        "Location"
    ]
    make_user(Role.STAFF, school=school_a, phone="13800000002")  # taken meanwhile
    response = client.post(preview_url)
    assert "手机号 13800000002 已有账号。" in response.content.decode()
    assert not User.objects.filter(phone__in=["13800000001", "13800000003"]).exists()


def test_bureau_admin_imports_into_a_school_of_the_district(school_a, school_c, bureau_admin):
    client = Client()
    client.force_login(bureau_admin)
    # A school of another district is not among the choices.
    foreign = client.post("/people/import/", {"school": school_c.pk, "file": upload(xlsx_bytes(GOOD_ROWS))})
    assert foreign.status_code == 200
    assert "id_school_error" in foreign.content.decode()
    response = client.post("/people/import/", {"school": school_a.pk, "file": upload(xlsx_bytes(GOOD_ROWS))})
    preview_url = response["Location"]
    assert preview_url.startswith("/people/import/")
    assert client.post(preview_url).status_code == 200
    assert set(
        Membership.objects.filter(user__phone__startswith="138000000").values_list("school_id", flat=True)
    ) == {school_a.pk}


def test_a_pending_sheet_belongs_to_its_portal_and_person(school_a, school_b, member_a, bureau_admin):
    client = Client()
    client.force_login(member_a)
    preview_url = client.post(f"/s/{school_a.code}/people/import/", {"file": upload(xlsx_bytes(GOOD_ROWS))})[
        "Location"
    ]
    token = preview_url.rstrip("/").rsplit("/", 1)[1]
    # The same person on another portal, and someone else with the token, find nothing.
    assert client.get(f"/people/import/{token}/").status_code in (403, 404)
    other = Client()
    other.force_login(make_user(Role.PRINCIPAL, school=school_a))
    assert other.post(preview_url).status_code == 404
    admin = Client()
    admin.force_login(bureau_admin)
    assert admin.post(f"/people/import/{token}/").status_code == 404
    assert not User.objects.filter(phone="13800000001").exists()


def test_the_template_offers_the_roles_the_downloader_may_grant(school_a, member_a, principal_a):
    def role_choices(user) -> str:
        client = Client()
        client.force_login(user)
        response = client.get(f"/s/{school_a.code}/people/import/template.xlsx")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        workbook = load_workbook(io.BytesIO(response.content))
        sheet = workbook.active
        assert [cell.value for cell in sheet[1]] == ["姓名", "手机号", "部门", "角色"]
        return sheet.data_validations.dataValidation[0].formula1

    assert role_choices(member_a) == '"总务主任,校产管理员,食堂管理员,安全专干,教职工/班主任,门卫"'
    assert role_choices(principal_a) == '"校长,总务主任,校产管理员,食堂管理员,安全专干,教职工/班主任,门卫"'
