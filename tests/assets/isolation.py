"""School A's assets records for the isolation matrix (tests/isolation/test_matrix.py).

Every record is named with the matrix's marker, so that a page or endpoint showing it to
an outsider fails the matrix. Returns the ids the routes in tests/isolation/routes.py use.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone
from django_tenants.utils import schema_context

from eduplatform.accounts.roles import Role
from eduplatform.assets import actions
from eduplatform.assets.models import AssetAttachment, ImportJob
from tests.world import make_user

GENERAL_EQUIPMENT = "2000000"


def make_assets_records(school, marker: str) -> dict[str, int]:
    # No password: hashing is slow, and nobody logs in as these people.
    keeper = make_user(Role.ASSET_KEEPER, school=school, password=None, name=f"{marker}-keeper")
    director = make_user(Role.LOGISTICS_DIRECTOR, school=school, password=None, name=f"{marker}-director")
    principal = make_user(Role.PRINCIPAL, school=school, password=None, name=f"{marker}-principal")
    with schema_context(school.schema_name):
        location = actions.create_location(building=marker, room="101", actor=keeper)
        school_class = actions.create_school_class(
            name=marker, grade=1, number=1, class_teacher=keeper, actor=keeper
        )

        def register(name: str):
            return actions.register_asset(
                details=actions.AssetDetails(
                    name=name, classification_code=GENERAL_EQUIPMENT, unit_price=Decimal("1800"),
                    acquisition_date=date(2023, 9, 1),
                ),
                handler=keeper, acceptor=director, approver=principal, location=location,
                school_class=school_class, actor=keeper,
            )  # fmt: skip

        asset = register(marker)
        report = actions.report_damage(
            register(marker), description=marker, responsible_name=marker, actor=keeper
        )
        disposal = actions.request_disposal(register(marker), method="scrap", reason=marker, actor=keeper)
        consumable = actions.create_consumable(name=marker, actor=keeper)
        stocktake = actions.open_stocktake(
            name=marker, scope="school", reference_date=timezone.localdate(), actor=keeper
        )
        property_list = actions.generate_class_property_list(school_class, actor=keeper)
        job = ImportJob.objects.create(
            filename=f"{marker}.xlsx", size=1, file="isolation/none.xlsx", summary={"rows": 1}
        )
        attachment = AssetAttachment.objects.create(
            asset=asset, kind="document", file="isolation/none.pdf", original_name=f"{marker}.pdf",
            content_type="application/pdf", size=1,
        )  # fmt: skip
        return {
            "asset": asset.pk,
            "number": asset.number,
            "movement": asset.movements.get().pk,
            "damage_report": report.pk,
            "disposal_request": disposal.pk,
            "consumable": consumable.pk,
            "stocktake": stocktake.pk,
            "location": location.pk,
            "school_class": school_class.pk,
            "property_list": property_list.pk,
            "import_job": job.pk,
            "attachment": attachment.pk,
        }
