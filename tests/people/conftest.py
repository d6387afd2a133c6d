from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from eduplatform.accounts.roles import Role
from tests.world import make_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def bureau_admin(world):
    """Bureau admin of school A's and B's district."""
    return make_user(Role.BUREAU_ADMIN, district=world.district)


@pytest.fixture
def other_admin(world):
    """Bureau admin of another district."""
    return make_user(Role.BUREAU_ADMIN, district=world.other_district)


@pytest.fixture
def principal_a(school_a):
    return make_user(Role.PRINCIPAL, school=school_a)


@pytest.fixture
def staff_a(school_a):
    return make_user(Role.STAFF, school=school_a, phone="13700000001")


@pytest.fixture
def staff_b(school_b):
    return make_user(Role.STAFF, school=school_b, phone="13700000002")


def xlsx_bytes(rows, headers=("姓名", "手机号", "部门", "角色"), *, build=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if headers:
        sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    if build is not None:
        build(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "人员.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)
