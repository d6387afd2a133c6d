"""The safety rules a bureau may change (DOMAIN.md, "district setting")."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eduplatform.checklists.models import Severity
from eduplatform.district.settings import DistrictSetting, declare, positive_number, setting_value

HAZARD_DEADLINE_DAYS = "safety.hazard_deadline_days"
HAZARD_ESCALATION_OVERDUE_DAYS = "safety.hazard_escalation_overdue_days"
DRILLS_PER_TERM = "safety.drills_per_term"
SWEEPS_PER_TERM = "safety.sweeps_per_term"
BUILDING_CHECK_MONTHS = "safety.building_check_months"
PLAN_REVIEW_MONTHS = "safety.plan_review_months"
PAPERS_WARNING_DAYS = "safety.papers_warning_days"


def _deadline_days(value) -> None:
    if not isinstance(value, dict) or set(value) != set(Severity.values):
        raise ValidationError(gettext("请为一般、较大、重大隐患分别填写整改天数。"), code="invalid")
    for days in value.values():
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 365:
            raise ValidationError(gettext("整改天数应为 0 至 365 之间的整数。"), code="invalid")


declare(
    DistrictSetting(
        HAZARD_DEADLINE_DAYS,
        _("隐患默认整改期限（天）"),
        # The graver the hazard, the sooner it must be dealt with.
        {Severity.MINOR.value: 7, Severity.MAJOR.value: 5, Severity.CRITICAL.value: 3},
        _deadline_days,
    )
)
declare(DistrictSetting(HAZARD_ESCALATION_OVERDUE_DAYS, _("隐患逾期多少天上报教育局"), 7, positive_number))
declare(DistrictSetting(DRILLS_PER_TERM, _("每学期最少演练次数"), 1, positive_number))
declare(DistrictSetting(SWEEPS_PER_TERM, _("每学期安全大排查次数"), 2, positive_number))
declare(DistrictSetting(BUILDING_CHECK_MONTHS, _("校舍检查周期（月）"), 6, positive_number))
declare(DistrictSetting(PLAN_REVIEW_MONTHS, _("应急预案复审周期（月）"), 12, positive_number))
declare(DistrictSetting(PAPERS_WARNING_DAYS, _("证件到期提前提醒天数"), 30, positive_number))


def default_deadline_days(district, severity: str) -> int:
    days = setting_value(district, HAZARD_DEADLINE_DAYS)
    return int(days.get(severity, 7))
