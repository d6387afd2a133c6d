"""The optional MOE equipment code (教育装备代码) of a card: on the forms, in the import
template, the API and the ledger export. No format for it can be stated with certainty, so
it is free text of at most 40 characters."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from eduplatform.assets import actions
from eduplatform.assets.exports import ledger_workbook
from eduplatform.assets.importing import template_workbook
from eduplatform.assets.models import Asset, ImportStatus
from eduplatform.assets.tasks import run_import
from tests.assets.conftest import GENERAL_EQUIPMENT
from tests.assets.test_actions import refusal_code, refusal_field
from tests.assets.test_import import HEADERS, sheet, start  # noqa: F401 (start is a fixture)

CODE = "JY-0304-012"


def page(school, path: str = "") -> str:
    return f"/s/{school.code}/assets/{path}"


def test_the_code_is_kept_and_limited_to_forty_characters(register):
    assert register(moe_equipment_code=f"  {CODE} ").moe_equipment_code == CODE
    with pytest.raises(ValidationError) as raised:
        register(moe_equipment_code="9" * 41)
    assert (refusal_field(raised), refusal_code(raised)) == ("moe_equipment_code", "too_long")


def test_the_forms_take_the_code_and_the_card_shows_it(projector, in_school, client_for, people):
    keeper = client_for(people.keeper)
    assert 'name="moe_equipment_code"' in keeper.get(page(in_school, "new/")).content.decode()
    form = {
        "name": projector.name, "classification_code": projector.classification_code, "unit": projector.unit,
        "unit_price": projector.unit_price, "original_value": projector.original_value,
        "acquisition_date": projector.acquisition_date.isoformat(), "acquisition_method": "purchase",
        "useful_life_years": projector.useful_life_years,
    }  # fmt: skip
    too_long = keeper.post(page(in_school, f"{projector.pk}/edit/"), {**form, "moe_equipment_code": "9" * 41})
    body = too_long.content.decode()
    assert 'id="id_moe_equipment_code_error"' in body and "40" in body
    response = keeper.post(page(in_school, f"{projector.pk}/edit/"), {**form, "moe_equipment_code": CODE})
    assert response.status_code == 302
    assert Asset.objects.get(pk=projector.pk).moe_equipment_code == CODE
    assert CODE in keeper.get(page(in_school, f"{projector.pk}/")).content.decode()


def test_the_import_template_has_the_column_and_a_sheet_fills_it(start, people):  # noqa: F811
    template = load_workbook(io.BytesIO(template_workbook())).active
    assert "教育装备代码" in [cell.value for cell in template[1]]
    row = ["ZC-MOE-1", "投影仪", GENERAL_EQUIPMENT, "", 1, 4580, None, "2023-09-01", "", "", "", "", CODE]
    job = start(sheet([row], headers=[*HEADERS, "装备代码"]))
    assert job.status == ImportStatus.VALID, job.errors
    actions.confirm_import(job, actor=people.keeper)
    assert run_import(job.pk, people.keeper.pk) == ImportStatus.DONE
    assert Asset.objects.get(number="ZC-MOE-1").moe_equipment_code == CODE


def test_the_ledger_export_gives_the_code(register):
    register(moe_equipment_code=CODE)
    rows = list(load_workbook(io.BytesIO(ledger_workbook(Asset.objects.all()))).active.values)
    assert rows[1][rows[0].index("教育装备代码")] == CODE


def test_the_api_takes_and_gives_the_code(in_school, client_for, people, places):
    keeper = client_for(people.keeper)
    card = {
        "name": "实物展台", "classification_code": GENERAL_EQUIPMENT, "unit_price": "1680.00",
        "acquisition_date": "2024-03-01", "handler": people.keeper.pk, "acceptor": people.director.pk,
        "approver": people.principal.pk, "moe_equipment_code": CODE,
    }  # fmt: skip
    url = f"/s/{in_school.code}/api/v1/assets/cards/"
    created = keeper.post(url, card, content_type="application/json")
    assert created.status_code == 201, created.content
    assert keeper.get(f"{url}{created.json()['id']}/").json()["moe_equipment_code"] == CODE
    refused = keeper.post(url, {**card, "moe_equipment_code": "9" * 41}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["errors"]["moe_equipment_code"][0]["code"] == "max_length"
