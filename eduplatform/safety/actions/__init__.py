"""Every write of the safety domain, by area. Import from here."""

from eduplatform.safety.actions.agreements import sign_agreement
from eduplatform.safety.actions.buildings import record_assessment, register_building
from eduplatform.safety.actions.drills import record_drill, record_plan, review_plan
from eduplatform.safety.actions.hazards import (
    assign_hazard,
    open_hazard,
    rectify_hazard,
    reopen_hazard,
    report_hazard,
    start_rectification,
    verify_hazard,
)
from eduplatform.safety.actions.inspections import (
    add_inspection_photo,
    add_local_item,
    create_local_template,
    delete_draft,
    remove_inspection_photo,
    remove_local_item,
    save_answers,
    set_responsibility,
    sign_item,
    start_inspection,
    submit_inspection,
)
from eduplatform.safety.actions.local_templates import (
    set_local_template_active,
    update_local_item,
    update_local_template,
)
from eduplatform.safety.actions.visitors import sign_in_visitor, sign_out_visitor

__all__ = [
    "add_inspection_photo",
    "add_local_item",
    "assign_hazard",
    "create_local_template",
    "delete_draft",
    "open_hazard",
    "record_assessment",
    "record_drill",
    "record_plan",
    "rectify_hazard",
    "register_building",
    "remove_inspection_photo",
    "remove_local_item",
    "reopen_hazard",
    "report_hazard",
    "review_plan",
    "save_answers",
    "set_local_template_active",
    "set_responsibility",
    "sign_agreement",
    "sign_in_visitor",
    "sign_item",
    "sign_out_visitor",
    "start_inspection",
    "start_rectification",
    "submit_inspection",
    "update_local_item",
    "update_local_template",
    "verify_hazard",
]
