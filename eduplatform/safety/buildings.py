"""When each building's six-monthly check (校舍检查) is due, computed from its last assessment.

A building never assessed is due from the day it was registered: a register without grades
tells the bureau nothing. The period is a district setting (default 6 months).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from eduplatform.district.settings import setting_value
from eduplatform.safety.models import Building
from eduplatform.safety.settings import BUILDING_CHECK_MONTHS, PLAN_REVIEW_MONTHS


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 August + 6 months: 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_months(school) -> int:
    return int(setting_value(school.district, BUILDING_CHECK_MONTHS))


def review_months(school) -> int:
    return int(setting_value(school.district, PLAN_REVIEW_MONTHS))


def check_due_on(building: Building, months: int) -> date:
    if building.assessed_on is None:
        return timezone.localtime(building.created_at).date() if building.created_at else timezone.localdate()
    return add_months(building.assessed_on, months)


@dataclass(frozen=True)
class BuildingCheck:
    building: Building
    due_on: date

    def is_overdue(self, today: date) -> bool:
        return self.due_on < today

    def is_due(self, today: date) -> bool:
        return self.due_on <= today


def building_checks(school, today: date | None = None) -> list[BuildingCheck]:
    """Every building with its next check date, soonest first (one query, plus the setting)."""
    months = check_months(school)
    checks = [BuildingCheck(building, check_due_on(building, months)) for building in Building.objects.all()]
    return sorted(checks, key=lambda check: (check.due_on, check.building.name))
