"""GB/T 14885 code tables: what ships, loading the district's tables, and who uses them."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from openpyxl import Workbook

from eduplatform.accounts.roles import Role
from eduplatform.assets import actions
from eduplatform.classification.actions import load_code_mapping, load_code_table
from eduplatform.classification.models import ClassificationCode, CodeMapping
from tests.conftest import logged_in
from tests.world import make_user

TABLE_2010 = "分类代码,名称,上级代码\n2010000,计算机设备及软件,2000000\n2010100,计算机,2010000\n"
# Codes made up for the tests: the platform never ships or invents 2022 codes.
TABLE_2022 = "代码,名称,上级代码\nZ990000,测试大类,\nZ990100,测试设备,Z990000\n"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def csv(text: str) -> bytes:
    return text.encode("utf-8-sig")


def test_the_platform_ships_only_the_six_top_categories_of_2010(db):
    shipped = ClassificationCode.objects.filter(district__isnull=True)
    assert sorted(shipped.values_list("edition", "code")) == [("2010", f"{n}000000") for n in range(1, 7)]
    assert shipped.get(code="6000000").name == "家具、用具、装具及动植物"


def test_a_bureau_loads_its_table_once_and_again_without_change(world):
    result = load_code_table(
        district=world.district, edition="2010", content=csv(TABLE_2010), filename="codes.csv", actor=None
    )
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    again = load_code_table(
        district=world.district, edition="2010", content=csv(TABLE_2010.replace("计算机,", "计算机整机,")),
        filename="codes.csv", actor=None,
    )  # fmt: skip
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert ClassificationCode.objects.get(district=world.district, code="2010100").name == "计算机整机"


def test_an_xlsx_table_is_read_too(world):
    workbook = Workbook()
    workbook.active.append(["分类代码", "名称", "上级代码"])
    workbook.active.append(["Z990000", "测试大类", None])
    output = io.BytesIO()
    workbook.save(output)
    result = load_code_table(
        district=world.district, edition="2022", content=output.getvalue(), filename="codes.xlsx", actor=None
    )
    assert result.created == 1


def test_a_bad_table_names_every_bad_row_and_loads_nothing(world):
    bad = "分类代码,名称,上级代码\n2010000,计算机设备,2000000\nA010000,房屋,\n2010000,重复,\n2010200,,\n2010300,服务器,2990000\n2010400,=1+1,\n"
    with pytest.raises(ValidationError) as raised:
        load_code_table(
            district=world.district, edition="2010", content=csv(bad), filename="codes.csv", actor=None
        )
    messages = raised.value.message_dict["file"]
    assert messages[0].startswith("第 3 行 A 列（分类代码）") and "不是 2010 版" in messages[0]
    assert any(message.startswith("第 4 行 A 列") and "重复" in message for message in messages)
    assert any(message.startswith("第 5 行 B 列（名称）") for message in messages)
    assert any(
        message.startswith("第 6 行 C 列（上级代码）") and "2990000" in message for message in messages
    )
    assert any(message.startswith("第 7 行 B 列") and "公式" in message for message in messages)
    assert not ClassificationCode.objects.filter(district=world.district).exists()


def test_codes_are_the_districts_own(world, school_a, school_c):
    load_code_table(
        district=world.district, edition="2010", content=csv(TABLE_2010), filename="c.csv", actor=None
    )
    keeper_a = make_user(Role.ASSET_KEEPER, school=school_a)
    people_a = [make_user(role, school=school_a) for role in (Role.STAFF, Role.PRINCIPAL)]
    connection.set_tenant(school_a)
    card = actions.register_asset(
        details=actions.AssetDetails(
            name="台式计算机", classification_code="2010100", unit_price=Decimal("5000"), acquisition_date=date(2024, 1, 1)
        ),
        handler=keeper_a, acceptor=people_a[0], approver=people_a[1], actor=keeper_a,
    )  # fmt: skip
    assert (card.classification_name, card.classification_edition) == ("计算机", "2010")
    # A school of another district does not have district A's codes.
    keeper_c = make_user(Role.ASSET_KEEPER, school=school_c)
    people_c = [make_user(role, school=school_c) for role in (Role.STAFF, Role.PRINCIPAL)]
    connection.set_tenant(school_c)
    with pytest.raises(ValidationError) as raised:
        actions.register_asset(
            details=actions.AssetDetails(
                name="台式计算机", classification_code="2010100", unit_price=Decimal("5000"),
                acquisition_date=date(2024, 1, 1),
            ),
            handler=keeper_c, acceptor=people_c[0], approver=people_c[1], actor=keeper_c,
        )  # fmt: skip
    assert raised.value.error_dict["classification_code"][0].code == "unknown_code"


def test_the_mapping_gives_old_cards_their_2022_code(world, school_a):
    load_code_table(
        district=world.district, edition="2010", content=csv(TABLE_2010), filename="c.csv", actor=None
    )
    load_code_table(
        district=world.district, edition="2022", content=csv(TABLE_2022), filename="c.csv", actor=None
    )
    with pytest.raises(ValidationError):
        load_code_mapping(
            district=world.district,
            content=csv("2010版代码,2022版代码\n2010100,Z999999\n"),
            filename="m.csv",
            actor=None,
        )
    assert not CodeMapping.objects.exists()
    load_code_mapping(
        district=world.district, content=csv("旧代码,新代码\n2010100,Z990100\n"), filename="m.csv", actor=None
    )
    connection.set_tenant(school_a)
    people = [make_user(role, school=school_a) for role in (Role.ASSET_KEEPER, Role.STAFF, Role.PRINCIPAL)]
    card = actions.register_asset(
        details=actions.AssetDetails(
            name="计算机", classification_code="2010100", unit_price=Decimal("5000"), acquisition_date=date(2024, 1, 1)
        ),
        handler=people[0], acceptor=people[1], approver=people[2], actor=people[0],
    )  # fmt: skip
    assert card.classification_code_2022 == "Z990100"


def test_the_bureau_page_and_api_load_for_the_own_district_only(world):
    admin = make_user(Role.BUREAU_ADMIN, district=world.district)
    client = logged_in(admin)
    upload = SimpleUploadedFile("codes.csv", csv(TABLE_2010), content_type="text/csv")
    response = client.post(
        "/classification/",
        {"district": world.district.pk, "kind": "codes", "edition": "2010", "file": upload},
    )
    assert response.status_code == 302
    assert ClassificationCode.objects.filter(district=world.district).count() == 2
    listed = client.get("/api/v1/classification/codes/", {"edition": "2010"}).json()["results"]
    assert {row["code"] for row in listed} >= {"2010100", "1000000"}
    other_admin = logged_in(make_user(Role.BUREAU_ADMIN, district=world.other_district))
    upload = SimpleUploadedFile("codes.csv", csv(TABLE_2022), content_type="text/csv")
    refused = other_admin.post(
        f"/api/v1/classification/codes/load/{world.district.code}/", {"edition": "2022", "file": upload}
    )
    assert refused.status_code == 404
    assert "2010100" not in other_admin.get("/classification/").content.decode()
    inspector = logged_in(make_user(Role.BUREAU_INSPECTOR, district=world.district))
    assert inspector.get("/classification/").status_code == 200
    assert inspector.post("/classification/", {}).status_code == 403


def test_a_cloned_school_has_the_trigram_index_and_the_append_only_triggers(school_a):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = %s AND indexname = 'assets_asset_search_trgm'",
            [school_a.schema_name],
        )
        (definition,) = cursor.fetchone()
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND NOT t.tgisinternal",
            [school_a.schema_name],
        )
        triggered = {row[0] for row in cursor.fetchall()}
    assert "USING gin" in definition and "gin_trgm_ops" in definition
    assert {"assets_assetmovement", "assets_consumablemovement"} <= triggered
