"""The compliance facts the actions record are exactly what a recompute from the records gives."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import time_machine

from eduplatform.assets import actions, facts
from eduplatform.compliance.facts import recompute_school
from eduplatform.compliance.models import ComplianceFact, DriftReport

D = Decimal


def recorded(school) -> dict[tuple[str, str], Decimal]:
    return {
        (fact.key, fact.period): fact.value
        for fact in ComplianceFact.objects.filter(school=school, key__startswith="assets.")
    }


def test_recorded_facts_match_a_recompute_after_a_sequence_of_actions(register, people, places, in_school):
    with time_machine.travel("2026-11-02 09:00 +0800", tick=False):
        projector = register()
        laptop = register(name="笔记本电脑", unit_price=D("5200"))
        incomplete = register(name="打印机", voucher_number="", procurement_form="")  # lacks finance fields
        register(name="讲台", unit_price=D("300"))  # low-value: not checked
        actions.borrow_asset(
            projector, borrower=people.teacher, due_date=date(2026, 11, 5), actor=people.keeper
        )
        actions.borrow_asset(
            laptop, borrower=people.teacher, due_date=date(2026, 11, 20), actor=people.keeper
        )
        request = actions.request_disposal(incomplete, method="scrap", reason="故障", actor=people.keeper)
        stocktake = actions.open_stocktake(
            name="秋季盘点", scope="school", reference_date=date(2026, 11, 1), actor=people.keeper
        )
        for item in stocktake.items.select_related("asset"):
            actions.record_count(stocktake, asset=item.asset, found=item.asset != laptop, actor=people.keeper)
        actions.close_stocktake(stocktake, actor=people.director)
        assert recorded(in_school)[(facts.CARDS_MISSING_FINANCE_FIELDS, "current")] == 1
        assert recorded(in_school)[(facts.DISPOSALS_PENDING, "current")] == 1
        actions.approve_disposal(request, actor=people.director)

    with time_machine.travel("2026-11-10 09:00 +0800", tick=False):
        # The projector became overdue with the date alone; the daily task refreshes it.
        from eduplatform.assets.tasks import remind_overdue_borrowings

        remind_overdue_borrowings()
        values = recorded(in_school)
        assert values[(facts.OVERDUE_BORROWINGS, "current")] == 1
        assert values[(facts.DISPOSALS_PENDING, "current")] == 0
        assert values[(facts.CARDS_MISSING_FINANCE_FIELDS, "current")] == 0  # disposed of
        assert values[(facts.STOCKTAKE_DONE, "2026-autumn")] == 1
        assert values[(facts.STOCKTAKE_MATCH_RATE, "2026-autumn")] == D("75.00")
        drift = recompute_school(in_school, today=date(2026, 11, 10))
        assert drift == []
        assert recorded(in_school) == {
            **values,
            (facts.STOCKTAKE_DONE, "2026-spring"): 0,
            (facts.STOCKTAKE_MATCH_RATE, "2026-spring"): 0,
        }
    assert not DriftReport.objects.filter(school=in_school).exists()


def test_a_missed_fact_is_drift_that_the_recompute_reports_and_heals(register, people, in_school):
    with time_machine.travel("2026-11-02 09:00 +0800", tick=False):
        projector = register()
        actions.borrow_asset(
            projector, borrower=people.teacher, due_date=date(2026, 11, 3), actor=people.keeper
        )
    with time_machine.travel(date(2026, 11, 3) + timedelta(days=2)):
        drift = recompute_school(in_school, today=date(2026, 11, 5))
        assert [(report.key, report.recorded, report.recomputed) for report in drift] == [
            (facts.OVERDUE_BORROWINGS, D("0"), D("1"))
        ]
