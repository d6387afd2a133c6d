"""Every route of the platform, classified for the isolation matrix.

A route that is not listed here fails tests/isolation/test_matrix.py: adding a page or an
endpoint means saying here who may reach it. Keys are "namespace:name" as used by
reverse(); a trailing "*" covers a whole namespace.

Kinds:
  PUBLIC    anyone may open it (login pages, probes, API docs); not checked for isolation
  SCHOOL    under /s/<code>/: an outsider gets 404, anonymous the login page or 401
  DISTRICT  district-wide, signed in: an outsider gets 401/403/404, or, for a list that is
            scoped to the caller (LIST), 200 without any of the school under test's data
  OPERATOR  the platform operator's admin: everyone else is sent to the admin login

`kwargs` builds the URL's arguments from the matrix's context (see test_matrix.Context),
pointing at objects of the school under test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PUBLIC = "public"
SCHOOL = "school"
DISTRICT = "district"
OPERATOR = "operator"


@dataclass(frozen=True)
class Route:
    kind: str
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda context: {})
    # A district-wide list filtered to what the caller may see: 200 is fine, a leak is not.
    is_scoped_list: bool = False


SCHOOL_CODE = Route(DISTRICT, kwargs=lambda context: {"code": context.school.code})

PUBLIC_ROUTES: dict[str, Route] = {
    "frontend:home": Route(DISTRICT, is_scoped_list=True),
    # Without a code it goes to the caller's home; a school they may not open is a 404
    # (tests/frontend/test_shell.py tries it).
    "frontend:switch-school": Route(DISTRICT, is_scoped_list=True),
    "accounts:login": Route(PUBLIC),
    # The second sign-in step, before anyone is signed in.
    "accounts:login-verify": Route(PUBLIC),
    "accounts:logout": Route(PUBLIC),
    # Each signed-in person's own password and two-factor settings, never anyone else's.
    "accounts:password-change": Route(DISTRICT, is_scoped_list=True),
    "accounts:two-factor": Route(DISTRICT, is_scoped_list=True),
    "accounts:two-factor-remove": Route(DISTRICT, is_scoped_list=True),
    "set_language": Route(PUBLIC),
    "healthz": Route(PUBLIC),
    "readyz": Route(PUBLIC),
    "api-schema": Route(PUBLIC),
    "api-schema-school": Route(PUBLIC),
    "api-docs": Route(PUBLIC),
    "api-docs-school": Route(PUBLIC),
    "api-redoc": Route(PUBLIC),
    "district-api:school-list": Route(DISTRICT, is_scoped_list=True),
    "district-api:school-detail": SCHOOL_CODE,
    "frontend:audit-events": Route(DISTRICT, is_scoped_list=True),
    "frontend:audit-export": Route(DISTRICT, is_scoped_list=True),
    # Safety (issue 5): the bureau's template library and escalations.
    "frontend:checklists:templates": Route(DISTRICT, is_scoped_list=True),
    "frontend:checklists:seed": Route(DISTRICT, is_scoped_list=True),
    "frontend:checklists:template": Route(DISTRICT, kwargs=lambda context: {"pk": context.template.pk}),
    "frontend:checklists:escalations": Route(DISTRICT, is_scoped_list=True),
    "district-api:checklist-template-list": Route(DISTRICT, is_scoped_list=True),
    "district-api:checklist-template-detail": Route(
        DISTRICT, kwargs=lambda context: {"pk": context.template.pk}
    ),
    "district-api:checklist-template-draft": Route(
        DISTRICT, kwargs=lambda context: {"pk": context.template.pk}
    ),
    "district-api:checklist-version-detail": Route(
        DISTRICT, kwargs=lambda context: {"pk": context.template.current_version_id}
    ),
    "district-api:checklist-version-items": Route(
        DISTRICT, kwargs=lambda context: {"pk": context.template.current_version_id}
    ),
    "district-api:checklist-version-publish": Route(
        DISTRICT, kwargs=lambda context: {"pk": context.template.current_version_id}
    ),
    "district-api:checklist-item-detail": Route(
        DISTRICT, kwargs=lambda context: {"pk": context.template_item.pk}
    ),
    "district-api:safety-escalation-list": Route(DISTRICT, is_scoped_list=True),
    # Assets (issue 4): the district's classification codes; loading one is for its own bureau.
    "frontend:classification:codes": Route(DISTRICT, is_scoped_list=True),
    "district-api:classification-code-list": Route(DISTRICT, is_scoped_list=True),
    "district-api:classification-code-load": Route(
        DISTRICT, kwargs=lambda context: {"district_code": context.school.district.code}
    ),
    "admin:*": Route(OPERATOR),
    # Schools, people and API keys of the bureau: lists and forms show only the caller's
    # own districts; a school, account, role or key of school A's district is a 404 to
    # anyone who does not run that district.
    "frontend:schools": Route(DISTRICT, is_scoped_list=True),
    "frontend:provision-school": Route(DISTRICT, is_scoped_list=True),
    "frontend:edit-school": SCHOOL_CODE,
    "frontend:archive-school": SCHOOL_CODE,
    "frontend:restore-school": SCHOOL_CODE,
    "frontend:people": Route(DISTRICT, is_scoped_list=True),
    "frontend:create-person": Route(DISTRICT, is_scoped_list=True),
    "frontend:bulk-people": Route(DISTRICT, is_scoped_list=True),
    "frontend:import-people": Route(DISTRICT, is_scoped_list=True),
    "frontend:import-people-template": Route(DISTRICT, is_scoped_list=True),
    "frontend:confirm-import": Route(DISTRICT, kwargs=lambda context: {"token": context.import_token}),
    "frontend:person": Route(DISTRICT, kwargs=lambda context: {"user_id": context.person.pk}),
    "frontend:add-membership": Route(DISTRICT, kwargs=lambda context: {"user_id": context.person.pk}),
    "frontend:change-role": Route(DISTRICT, kwargs=lambda context: context.membership_kwargs),
    "frontend:remove-membership": Route(DISTRICT, kwargs=lambda context: context.membership_kwargs),
    "frontend:reset-password": Route(DISTRICT, kwargs=lambda context: {"user_id": context.person.pk}),
    "frontend:api-keys": Route(DISTRICT, is_scoped_list=True),
    "frontend:create-api-key": Route(DISTRICT, is_scoped_list=True),
    "frontend:revoke-api-key": Route(
        DISTRICT, kwargs=lambda context: {"key_id": context.district_api_key.pk}
    ),
}

SCHOOL_ROUTES: dict[str, Route] = {
    "frontend:home": Route(SCHOOL),
    "frontend:departments": Route(SCHOOL),
    "frontend:audit-events": Route(SCHOOL),
    "frontend:audit-export": Route(SCHOOL),
    "accounts:login": Route(PUBLIC),
    "accounts:login-verify": Route(PUBLIC),
    "accounts:logout": Route(PUBLIC),
    "accounts:password-change": Route(SCHOOL),
    "accounts:two-factor": Route(SCHOOL),
    "accounts:two-factor-remove": Route(SCHOOL),
    "school-api:current-school": Route(SCHOOL),
    "school-api:department-list": Route(SCHOOL),
    # Safety (issue 5).
    "frontend:safety:inspections": Route(SCHOOL),
    "frontend:safety:start-inspection": Route(SCHOOL),
    "frontend:safety:inspection": Route(SCHOOL, kwargs=lambda context: {"pk": context.inspection.pk}),
    "frontend:safety:remove-inspection-photo": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.inspection_photo.pk}
    ),
    "frontend:safety:hazards": Route(SCHOOL),
    "frontend:safety:report-hazard": Route(SCHOOL),
    "frontend:safety:hazard": Route(SCHOOL, kwargs=lambda context: {"pk": context.hazard.pk}),
    "frontend:safety:school-templates": Route(SCHOOL),
    "frontend:safety:district-template": Route(SCHOOL, kwargs=lambda context: {"pk": context.template.pk}),
    "frontend:safety:local-template": Route(SCHOOL, kwargs=lambda context: {"pk": context.local_template.pk}),
    "frontend:safety:responsibilities": Route(SCHOOL),
    "frontend:safety:photo": Route(
        SCHOOL, kwargs=lambda context: {"kind": "hazard", "pk": context.hazard_photo.pk}
    ),
    "school-api:safety-template-list": Route(SCHOOL),
    "school-api:safety-template-detail": Route(SCHOOL, kwargs=lambda context: {"pk": context.template.pk}),
    # The school's own templates and items, and who does which inspection (api/safety_templates.py).
    "school-api:safety-local-template-list": Route(SCHOOL),
    "school-api:safety-local-template-detail": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.local_template.pk}
    ),
    "school-api:safety-local-template-activate": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.local_template.pk}
    ),
    "school-api:safety-local-template-deactivate": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.local_template.pk}
    ),
    "school-api:safety-local-item-list": Route(SCHOOL),
    "school-api:safety-local-item-detail": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.local_item.pk}
    ),
    "school-api:safety-local-item-deactivate": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.local_item.pk}
    ),
    "school-api:safety-responsibility-list": Route(SCHOOL),
    "school-api:safety-responsibility-detail": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.responsibility.pk}
    ),
    "school-api:safety-inspection-list": Route(SCHOOL),
    "school-api:safety-inspection-detail": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.inspection.pk}
    ),
    "school-api:safety-inspection-answers": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.inspection.pk}
    ),
    "school-api:safety-inspection-submit": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.inspection.pk}
    ),
    "school-api:safety-inspection-photos": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.inspection.pk}
    ),
    "school-api:safety-inspection-sign": Route(SCHOOL, kwargs=lambda context: {"pk": context.inspection.pk}),
    "school-api:safety-hazard-list": Route(SCHOOL),
    "school-api:safety-hazard-detail": Route(SCHOOL, kwargs=lambda context: {"pk": context.hazard.pk}),
    "school-api:safety-hazard-start": Route(SCHOOL, kwargs=lambda context: {"pk": context.hazard.pk}),
    "school-api:safety-hazard-rectify": Route(SCHOOL, kwargs=lambda context: {"pk": context.hazard.pk}),
    "school-api:safety-hazard-verify": Route(SCHOOL, kwargs=lambda context: {"pk": context.hazard.pk}),
    "school-api:safety-hazard-reopen": Route(SCHOOL, kwargs=lambda context: {"pk": context.hazard.pk}),
    "school-api:safety-hazard-assign": Route(SCHOOL, kwargs=lambda context: {"pk": context.hazard.pk}),
    # Buildings, the visitor log, drills and emergency plans (issue 5).
    "frontend:safety:buildings": Route(SCHOOL),
    "frontend:safety:building": Route(SCHOOL, kwargs=lambda context: {"pk": context.building.pk}),
    "frontend:safety:visitors": Route(SCHOOL),
    "frontend:safety:visitor-log": Route(SCHOOL),
    "frontend:safety:sign-out-visitor": Route(SCHOOL, kwargs=lambda context: {"pk": context.visitor.pk}),
    "frontend:safety:drills": Route(SCHOOL),
    "frontend:safety:plans": Route(SCHOOL),
    "frontend:safety:plan": Route(SCHOOL, kwargs=lambda context: {"pk": context.plan.pk}),
    "frontend:safety:document": Route(
        SCHOOL, kwargs=lambda context: {"kind": "assessment", "pk": context.building_assessment.pk}
    ),
    "school-api:safety-building-list": Route(SCHOOL),
    "school-api:safety-building-detail": Route(SCHOOL, kwargs=lambda context: {"pk": context.building.pk}),
    "school-api:safety-building-assessments": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.building.pk}
    ),
    "school-api:safety-visitor-list": Route(SCHOOL),
    "school-api:safety-visitor-detail": Route(SCHOOL, kwargs=lambda context: {"pk": context.visitor.pk}),
    "school-api:safety-visitor-sign-out": Route(SCHOOL, kwargs=lambda context: {"pk": context.visitor.pk}),
    "school-api:safety-drill-list": Route(SCHOOL),
    "school-api:safety-drill-detail": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.drill_photo.drill_id}
    ),
    "school-api:safety-plan-list": Route(SCHOOL),
    "school-api:safety-plan-detail": Route(SCHOOL, kwargs=lambda context: {"pk": context.plan.pk}),
    "school-api:safety-plan-review": Route(SCHOOL, kwargs=lambda context: {"pk": context.plan.pk}),
    "frontend:safety:agreements": Route(SCHOOL),
    "frontend:safety:sign-own-agreement": Route(SCHOOL),
    "frontend:safety:upload-agreement": Route(SCHOOL),
    "school-api:safety-agreement-list": Route(SCHOOL),
    "school-api:safety-agreement-detail": Route(SCHOOL, kwargs=lambda context: {"pk": context.agreement.pk}),
    # Duty (issue 5): school A's roster, shift, log and handover from tests/duty/isolation.py, by id.
    "frontend:duty:roster": Route(SCHOOL),
    "frontend:duty:my-shifts": Route(SCHOOL),
    "frontend:duty:fill-roster": Route(SCHOOL),
    "frontend:duty:add-shift": Route(SCHOOL),
    "frontend:duty:shift": Route(SCHOOL, kwargs=lambda context: {"pk": context.duty["shift"]}),
    "frontend:duty:edit-shift": Route(SCHOOL, kwargs=lambda context: {"pk": context.duty["shift"]}),
    "frontend:duty:photo": Route(SCHOOL, kwargs=lambda context: {"pk": context.duty["photo"]}),
    "school-api:duty-shift-list": Route(SCHOOL),
    "school-api:duty-shift-copy-week": Route(SCHOOL),
    "school-api:duty-shift-rotation": Route(SCHOOL),
    "school-api:duty-shift-detail": Route(SCHOOL, kwargs=lambda context: {"pk": context.duty["shift"]}),
    "school-api:duty-shift-change": Route(SCHOOL, kwargs=lambda context: {"pk": context.duty["shift"]}),
    "school-api:duty-shift-cancel": Route(SCHOOL, kwargs=lambda context: {"pk": context.duty["shift"]}),
    "school-api:duty-shift-log": Route(SCHOOL, kwargs=lambda context: {"pk": context.duty["shift"]}),
    "school-api:duty-shift-rounds": Route(SCHOOL, kwargs=lambda context: {"pk": context.duty["shift"]}),
    "school-api:duty-shift-events": Route(SCHOOL, kwargs=lambda context: {"pk": context.duty["shift"]}),
    "school-api:duty-shift-submit-log": Route(SCHOOL, kwargs=lambda context: {"pk": context.duty["shift"]}),
    "school-api:duty-shift-hand-over": Route(SCHOOL, kwargs=lambda context: {"pk": context.duty["shift"]}),
    "school-api:duty-log-list": Route(SCHOOL),
    "school-api:duty-log-detail": Route(SCHOOL, kwargs=lambda context: {"pk": context.duty["log"]}),
    "school-api:duty-handover-list": Route(SCHOOL),
    "school-api:duty-handover-detail": Route(SCHOOL, kwargs=lambda context: {"pk": context.duty["handover"]}),
    "school-api:duty-handover-confirm": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.duty["handover"]}
    ),
    # School vehicles (issue 5): school A's vehicle, driver and trip from tests/vehicles/isolation.py, by id.
    "frontend:vehicles:vehicles": Route(SCHOOL),
    "frontend:vehicles:vehicle": Route(SCHOOL, kwargs=lambda context: {"pk": context.vehicles["vehicle"]}),
    "frontend:vehicles:start-check": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.vehicles["vehicle"]}
    ),
    "frontend:vehicles:drivers": Route(SCHOOL),
    "frontend:vehicles:driver": Route(SCHOOL, kwargs=lambda context: {"pk": context.vehicles["driver"]}),
    "frontend:vehicles:trips": Route(SCHOOL),
    "frontend:vehicles:trip": Route(SCHOOL, kwargs=lambda context: {"pk": context.vehicles["trip"]}),
    "frontend:vehicles:start-trip": Route(SCHOOL, kwargs=lambda context: {"pk": context.vehicles["trip"]}),
    "frontend:vehicles:close-trip": Route(SCHOOL, kwargs=lambda context: {"pk": context.vehicles["trip"]}),
    "frontend:vehicles:correct-boarding": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.vehicles["trip"]}
    ),
    "frontend:vehicles:cancel-trip": Route(SCHOOL, kwargs=lambda context: {"pk": context.vehicles["trip"]}),
    "school-api:vehicle-list": Route(SCHOOL),
    "school-api:vehicle-detail": Route(SCHOOL, kwargs=lambda context: {"pk": context.vehicles["vehicle"]}),
    "school-api:vehicle-checks": Route(SCHOOL, kwargs=lambda context: {"pk": context.vehicles["vehicle"]}),
    "school-api:vehicle-driver-list": Route(SCHOOL),
    "school-api:vehicle-driver-detail": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.vehicles["driver"]}
    ),
    "school-api:vehicle-trip-list": Route(SCHOOL),
    "school-api:vehicle-trip-detail": Route(SCHOOL, kwargs=lambda context: {"pk": context.vehicles["trip"]}),
    "school-api:vehicle-trip-start": Route(SCHOOL, kwargs=lambda context: {"pk": context.vehicles["trip"]}),
    "school-api:vehicle-trip-close": Route(SCHOOL, kwargs=lambda context: {"pk": context.vehicles["trip"]}),
    "school-api:vehicle-trip-correct-boarding": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.vehicles["trip"]}
    ),
    "school-api:vehicle-trip-cancel": Route(SCHOOL, kwargs=lambda context: {"pk": context.vehicles["trip"]}),
    # People and API keys of the school, pointing at school A's own account, role and key.
    "frontend:people": Route(SCHOOL),
    "frontend:create-person": Route(SCHOOL),
    "frontend:bulk-people": Route(SCHOOL),
    "frontend:import-people": Route(SCHOOL),
    "frontend:import-people-template": Route(SCHOOL),
    "frontend:confirm-import": Route(SCHOOL, kwargs=lambda context: {"token": context.import_token}),
    "frontend:person": Route(SCHOOL, kwargs=lambda context: {"user_id": context.person.pk}),
    "frontend:add-membership": Route(SCHOOL, kwargs=lambda context: {"user_id": context.person.pk}),
    "frontend:change-role": Route(SCHOOL, kwargs=lambda context: context.membership_kwargs),
    "frontend:remove-membership": Route(SCHOOL, kwargs=lambda context: context.membership_kwargs),
    "frontend:reset-password": Route(SCHOOL, kwargs=lambda context: {"user_id": context.person.pk}),
    "frontend:api-keys": Route(SCHOOL),
    "frontend:create-api-key": Route(SCHOOL),
    "frontend:revoke-api-key": Route(SCHOOL, kwargs=lambda context: {"key_id": context.school_api_key.pk}),
    # Assets (issue 4): school A's records from tests/assets/isolation.py, by id.
    "frontend:assets:ledger": Route(SCHOOL),
    "frontend:assets:ledger-count": Route(SCHOOL),
    "frontend:assets:register": Route(SCHOOL),
    "frontend:assets:export": Route(SCHOOL),
    "frontend:assets:export-finance": Route(SCHOOL),
    "frontend:assets:labels": Route(SCHOOL),
    "frontend:assets:transfer-many": Route(SCHOOL),
    "frontend:assets:disposals": Route(SCHOOL),
    "frontend:assets:stocktakes": Route(SCHOOL),
    "frontend:assets:consumables": Route(SCHOOL),
    "frontend:assets:locations": Route(SCHOOL),
    "frontend:assets:classes": Route(SCHOOL),
    "frontend:assets:imports": Route(SCHOOL),
    "frontend:assets:import-template": Route(SCHOOL),
    "frontend:assets:label": Route(SCHOOL, kwargs=lambda context: {"number": context.assets["number"]}),
    "frontend:assets:asset": Route(SCHOOL, kwargs=lambda context: {"asset_id": context.assets["asset"]}),
    "frontend:assets:edit": Route(SCHOOL, kwargs=lambda context: {"asset_id": context.assets["asset"]}),
    "frontend:assets:issue": Route(SCHOOL, kwargs=lambda context: {"asset_id": context.assets["asset"]}),
    "frontend:assets:reclaim": Route(SCHOOL, kwargs=lambda context: {"asset_id": context.assets["asset"]}),
    "frontend:assets:borrow": Route(SCHOOL, kwargs=lambda context: {"asset_id": context.assets["asset"]}),
    "frontend:assets:return": Route(SCHOOL, kwargs=lambda context: {"asset_id": context.assets["asset"]}),
    "frontend:assets:transfer": Route(SCHOOL, kwargs=lambda context: {"asset_id": context.assets["asset"]}),
    "frontend:assets:repair-out": Route(SCHOOL, kwargs=lambda context: {"asset_id": context.assets["asset"]}),
    "frontend:assets:repair-back": Route(
        SCHOOL, kwargs=lambda context: {"asset_id": context.assets["asset"]}
    ),
    "frontend:assets:damage": Route(SCHOOL, kwargs=lambda context: {"asset_id": context.assets["asset"]}),
    "frontend:assets:dispose": Route(SCHOOL, kwargs=lambda context: {"asset_id": context.assets["asset"]}),
    "frontend:assets:upload-attachment": Route(
        SCHOOL, kwargs=lambda context: {"asset_id": context.assets["asset"]}
    ),
    "frontend:assets:attachment": Route(
        SCHOOL,
        kwargs=lambda context: {
            "asset_id": context.assets["asset"],
            "attachment_id": context.assets["attachment"],
        },
    ),
    "frontend:assets:compensation-paid": Route(
        SCHOOL, kwargs=lambda context: {"report_id": context.assets["damage_report"]}
    ),
    "frontend:assets:approve-disposal": Route(
        SCHOOL, kwargs=lambda context: {"request_id": context.assets["disposal_request"]}
    ),
    "frontend:assets:reject-disposal": Route(
        SCHOOL, kwargs=lambda context: {"request_id": context.assets["disposal_request"]}
    ),
    "frontend:assets:disposal-outcome": Route(
        SCHOOL, kwargs=lambda context: {"request_id": context.assets["disposal_request"]}
    ),
    "frontend:assets:stocktake": Route(
        SCHOOL, kwargs=lambda context: {"stocktake_id": context.assets["stocktake"]}
    ),
    "frontend:assets:count": Route(
        SCHOOL, kwargs=lambda context: {"stocktake_id": context.assets["stocktake"]}
    ),
    "frontend:assets:gain": Route(
        SCHOOL, kwargs=lambda context: {"stocktake_id": context.assets["stocktake"]}
    ),
    "frontend:assets:mark-uncounted": Route(
        SCHOOL, kwargs=lambda context: {"stocktake_id": context.assets["stocktake"]}
    ),
    "frontend:assets:close-stocktake": Route(
        SCHOOL, kwargs=lambda context: {"stocktake_id": context.assets["stocktake"]}
    ),
    "frontend:assets:export-stocktake": Route(
        SCHOOL, kwargs=lambda context: {"stocktake_id": context.assets["stocktake"]}
    ),
    "frontend:assets:consumable": Route(
        SCHOOL, kwargs=lambda context: {"consumable_id": context.assets["consumable"]}
    ),
    "frontend:assets:class-teacher": Route(
        SCHOOL, kwargs=lambda context: {"class_id": context.assets["school_class"]}
    ),
    "frontend:assets:generate-list": Route(
        SCHOOL, kwargs=lambda context: {"class_id": context.assets["school_class"]}
    ),
    "frontend:assets:property-list": Route(
        SCHOOL, kwargs=lambda context: {"list_id": context.assets["property_list"]}
    ),
    "frontend:assets:import": Route(SCHOOL, kwargs=lambda context: {"job_id": context.assets["import_job"]}),
    "frontend:assets:confirm-import": Route(
        SCHOOL, kwargs=lambda context: {"job_id": context.assets["import_job"]}
    ),
    "school-api:asset-list": Route(SCHOOL),
    "school-api:asset-transfer-many": Route(SCHOOL),
    "school-api:asset-movement-list": Route(SCHOOL),
    "school-api:asset-damage-report-list": Route(SCHOOL),
    "school-api:asset-disposal-request-list": Route(SCHOOL),
    "school-api:asset-consumable-list": Route(SCHOOL),
    "school-api:asset-consumable-movement-list": Route(SCHOOL),
    "school-api:asset-stocktake-list": Route(SCHOOL),
    "school-api:asset-location-list": Route(SCHOOL),
    "school-api:asset-class-list": Route(SCHOOL),
    "school-api:asset-property-list-list": Route(SCHOOL),
    "school-api:asset-property-list-generate": Route(SCHOOL),
    "school-api:asset-import-list": Route(SCHOOL),
    "school-api:asset-classification-code-list": Route(SCHOOL),
    "school-api:asset-detail": Route(SCHOOL, kwargs=lambda context: {"pk": context.assets["asset"]}),
    "school-api:asset-update-details": Route(SCHOOL, kwargs=lambda context: {"pk": context.assets["asset"]}),
    "school-api:asset-issue": Route(SCHOOL, kwargs=lambda context: {"pk": context.assets["asset"]}),
    "school-api:asset-reclaim": Route(SCHOOL, kwargs=lambda context: {"pk": context.assets["asset"]}),
    "school-api:asset-borrow": Route(SCHOOL, kwargs=lambda context: {"pk": context.assets["asset"]}),
    "school-api:asset-return": Route(SCHOOL, kwargs=lambda context: {"pk": context.assets["asset"]}),
    "school-api:asset-transfer": Route(SCHOOL, kwargs=lambda context: {"pk": context.assets["asset"]}),
    "school-api:asset-repair-out": Route(SCHOOL, kwargs=lambda context: {"pk": context.assets["asset"]}),
    "school-api:asset-repair-back": Route(SCHOOL, kwargs=lambda context: {"pk": context.assets["asset"]}),
    "school-api:asset-damage": Route(SCHOOL, kwargs=lambda context: {"pk": context.assets["asset"]}),
    "school-api:asset-disposal-request": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.assets["asset"]}
    ),
    "school-api:asset-movements": Route(SCHOOL, kwargs=lambda context: {"pk": context.assets["asset"]}),
    "school-api:asset-attachments": Route(SCHOOL, kwargs=lambda context: {"pk": context.assets["asset"]}),
    "school-api:asset-movement-detail": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.assets["movement"]}
    ),
    "school-api:asset-damage-report-detail": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.assets["damage_report"]}
    ),
    "school-api:asset-damage-report-compensation-paid": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.assets["damage_report"]}
    ),
    "school-api:asset-disposal-request-detail": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.assets["disposal_request"]}
    ),
    "school-api:asset-disposal-request-approve": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.assets["disposal_request"]}
    ),
    "school-api:asset-disposal-request-reject": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.assets["disposal_request"]}
    ),
    "school-api:asset-disposal-request-outcome": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.assets["disposal_request"]}
    ),
    "school-api:asset-consumable-detail": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.assets["consumable"]}
    ),
    "school-api:asset-consumable-stock-in": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.assets["consumable"]}
    ),
    "school-api:asset-consumable-stock-out": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.assets["consumable"]}
    ),
    "school-api:asset-stocktake-detail": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.assets["stocktake"]}
    ),
    "school-api:asset-stocktake-summary": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.assets["stocktake"]}
    ),
    "school-api:asset-stocktake-items": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.assets["stocktake"]}
    ),
    "school-api:asset-stocktake-count": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.assets["stocktake"]}
    ),
    "school-api:asset-stocktake-gain": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.assets["stocktake"]}
    ),
    "school-api:asset-stocktake-mark-uncounted": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.assets["stocktake"]}
    ),
    "school-api:asset-stocktake-close": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.assets["stocktake"]}
    ),
    "school-api:asset-class-class-teacher": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.assets["school_class"]}
    ),
    "school-api:asset-property-list-detail": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.assets["property_list"]}
    ),
    "school-api:asset-property-list-sign": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.assets["property_list"]}
    ),
    "school-api:asset-property-list-check": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.assets["property_list"]}
    ),
    "school-api:asset-import-detail": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.assets["import_job"]}
    ),
    "school-api:asset-import-confirm": Route(
        SCHOOL, kwargs=lambda context: {"pk": context.assets["import_job"]}
    ),
}
