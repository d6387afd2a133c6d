from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from eduplatform.compliance import facts
from eduplatform.compliance.facts import FactSource, FactValue, recompute_school, record_fact, record_facts
from eduplatform.compliance.models import ComplianceFact, DriftReport
from eduplatform.organisation.models import Department


@pytest.fixture
def department_count_source():
    """A fact computed from the school's own records, for the test only."""
    source = FactSource(
        key="test.departments",
        label="部门数",
        compute=lambda school, period: FactValue(Department.objects.filter(is_active=True).count()),
        periods=lambda school, today: ["current"],
    )
    facts.register(source)
    yield source
    facts._sources.pop(source.key)


def test_a_fact_is_recorded_once_per_school_key_and_period(school_a):
    record_fact(school=school_a, key="x.rate", period="2026-autumn", fact=FactValue(69.0, 11, 16))
    record_fact(school=school_a, key="x.rate", period="2026-autumn", fact=FactValue(75, 12, 16))
    fact = ComplianceFact.objects.get(school=school_a, key="x.rate", period="2026-autumn")
    assert (fact.value, fact.numerator, fact.denominator) == (
        Decimal("75.0000"),
        Decimal("12"),
        Decimal("16"),
    )


def test_several_facts_are_written_in_one_statement_creating_or_overwriting(school_a):
    record_fact(school=school_a, key="x.found", period="2026-11", fact=FactValue(3))
    with CaptureQueriesContext(connection) as captured:
        rows = record_facts(
            school=school_a,
            facts={
                ("x.found", "2026-11"): FactValue(16),
                ("x.rate", "2026-11"): FactValue(Decimal("68.75"), 11, 16, {"note": "16/11"}),
            },
        )
    assert [query["sql"].split()[0] for query in captured if not query["sql"].startswith("SET ")] == [
        "INSERT"
    ]
    assert all(row.pk for row in rows)
    stored = {
        fact.key: (fact.value, fact.numerator, fact.denominator, fact.detail)
        for fact in ComplianceFact.objects.filter(school=school_a, period="2026-11")
    }
    assert stored == {
        "x.found": (Decimal("16.0000"), None, None, {}),
        "x.rate": (Decimal("68.7500"), Decimal("11"), Decimal("16"), {"note": "16/11"}),
    }


def test_recompute_reports_drift_and_heals_the_fact(school_a, department_count_source):
    with schema_context(school_a.schema_name):
        actual = Department.objects.filter(is_active=True).count()
        record_fact(school=school_a, key="test.departments", period="current", fact=FactValue(actual + 3))
        drift = recompute_school(school_a, today=date(2026, 11, 22))
    assert [(d.key, d.recorded, d.recomputed) for d in drift] == [
        ("test.departments", Decimal(actual + 3), Decimal(actual))
    ]
    assert ComplianceFact.objects.get(school=school_a, key="test.departments").value == actual
    assert DriftReport.objects.filter(school=school_a).count() == 1


def test_recompute_without_drift_reports_nothing(school_a, department_count_source):
    with schema_context(school_a.schema_name):
        recompute_school(school_a, today=date(2026, 11, 22))
        assert recompute_school(school_a, today=date(2026, 11, 22)) == []
