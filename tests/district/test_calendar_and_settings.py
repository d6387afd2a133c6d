from datetime import date

import pytest
from django.core.exceptions import ValidationError

from eduplatform.audit.models import AuditEvent
from eduplatform.district import settings as district_settings
from eduplatform.district.calendar import is_school_day, school_days
from eduplatform.district.models import CalendarDay, CalendarDayKind


def test_school_days_skip_weekends_and_holidays_and_add_makeup_days(world):
    district = world.district
    CalendarDay.objects.create(
        district=district, date=date(2026, 10, 1), kind=CalendarDayKind.HOLIDAY, name="国庆"
    )
    CalendarDay.objects.create(
        district=district, date=date(2026, 10, 10), kind=CalendarDayKind.MAKEUP_SCHOOL_DAY, name="调休"
    )
    days = school_days(district, date(2026, 9, 28), date(2026, 10, 11))
    assert date(2026, 10, 1) not in days  # a Thursday holiday
    assert date(2026, 10, 10) in days  # a Saturday make-up day
    assert date(2026, 10, 4) not in days  # a Sunday
    assert len(days) == 10  # ten weekdays, less 1 October, plus 10 October
    assert not is_school_day(district, date(2026, 10, 1))


def test_a_child_district_inherits_and_can_override_the_parent_calendar(world):
    parent, child = world.other_district, world.district
    child.parent = parent
    child.save()
    CalendarDay.objects.create(district=parent, date=date(2026, 11, 23), kind=CalendarDayKind.HOLIDAY)
    assert not is_school_day(child, date(2026, 11, 23))
    CalendarDay.objects.create(
        district=child, date=date(2026, 11, 23), kind=CalendarDayKind.MAKEUP_SCHOOL_DAY
    )
    assert is_school_day(child, date(2026, 11, 23))


@pytest.fixture
def drill_minimum():
    setting = district_settings.declare(
        district_settings.DistrictSetting(
            key="test.minimum", label="最少次数", default=1, validate=district_settings.positive_number
        )
    )
    yield setting
    district_settings._declared.pop(setting.key)


def test_district_setting_default_inheritance_and_audit(world, drill_minimum, inspector):
    child, parent = world.district, world.other_district
    child.parent = parent
    child.save()
    assert district_settings.setting_value(child, "test.minimum") == 1
    district_settings.set_setting(district=parent, key="test.minimum", value=2, actor=inspector)
    assert district_settings.setting_value(child, "test.minimum") == 2
    district_settings.set_setting(district=child, key="test.minimum", value=3, actor=inspector)
    assert district_settings.setting_value(child, "test.minimum") == 3
    assert AuditEvent.objects.filter(
        object_type="district.setting", object_id=f"{child.code}:test.minimum"
    ).exists()
    with pytest.raises(ValidationError):
        district_settings.set_setting(district=child, key="test.minimum", value=-1, actor=inspector)
