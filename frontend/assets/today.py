"""Assets' entries on the school's "today" page (frontend.today), and its compliance facts.

For the people who run or watch the ledger: overdue and due borrowings, disposals waiting
for their approval, the stocktake (running, or not yet done this term, and its match
rate), cards the finance system would refuse, consumables running low. For a teacher:
what they borrowed, and their class's property list waiting for their signature. The
compliance figures are read from the public facts table, never recomputed here.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduplatform.accounts.roles import Capability
from eduplatform.assets import access
from eduplatform.assets import facts as asset_facts
from eduplatform.assets.models import (
    AssetStatus,
    DisposalStatus,
    PropertyListStatus,
    StocktakeStatus,
)
from eduplatform.compliance.facts import facts_for_school
from eduplatform.compliance.periods import CURRENT, term_for
from frontend import today
from frontend.access import page_capabilities


@today.provider("assets.borrowings", scope=today.SCHOOL)
def borrowings(request):
    capabilities = page_capabilities(request)
    now = timezone.localdate()
    items = []
    ledger = reverse("frontend:assets:ledger")
    if Capability.ASSETS_VIEW in capabilities:
        borrowed = access.assets_for_user(request.user, capabilities=capabilities).filter(
            status=AssetStatus.BORROWED, borrow_due_date__lte=now
        )
        overdue = (
            borrowed.filter(borrow_due_date__lt=now)
            .order_by("borrow_due_date")
            .values_list("borrow_due_date", flat=True)
        )
        count = len(overdue)
        if count:
            items.append(
                today.TodayItem(
                    title=_("逾期未还的借用 %(count)s 件") % {"count": count},
                    due=overdue[0],
                    url=f"{ledger}?status=borrowed&sort=updated",
                    severity=today.Severity.DANGER,
                )
            )
        due_today = borrowed.filter(borrow_due_date=now).count()
        if due_today:
            items.append(
                today.TodayItem(
                    title=_("今天应归还的借用 %(count)s 件") % {"count": due_today},
                    due=now,
                    url=f"{ledger}?status=borrowed",
                    severity=today.Severity.WARNING,
                )
            )
    elif Capability.ASSETS_BORROW in capabilities:
        mine = access.assets_for_user(request.user, capabilities=capabilities).filter(
            status=AssetStatus.BORROWED,
            borrower_id=request.user.pk,
            borrow_due_date__lte=now + timedelta(days=3),
        )
        for card in mine.order_by("borrow_due_date")[:10]:
            items.append(
                today.TodayItem(
                    title=_("归还借用的 %(name)s") % {"name": card.name},
                    due=card.borrow_due_date,
                    url=reverse("frontend:assets:asset", args=[card.pk]),
                    severity=today.Severity.DANGER if card.borrow_due_date < now else today.Severity.WARNING,
                    detail=card.number,
                )
            )
    return items


@today.provider("assets.approvals", scope=today.SCHOOL)
def approvals(request):
    """Disposal requests whose next step is for one of this person's roles."""
    capabilities = page_capabilities(request)
    if Capability.ASSETS_VIEW not in capabilities:
        return []
    roles = {str(role) for role in getattr(request, "school_roles", ())}
    pending = (
        access.disposal_requests_for_user(request.user, capabilities=capabilities)
        .filter(status=DisposalStatus.PENDING)
        .annotate(done=Count("approvals"))
        .values("steps", "done", "created_at")
    )
    waiting = [
        row for row in pending if row["done"] < len(row["steps"]) and row["steps"][row["done"]] in roles
    ]
    if not waiting:
        return []
    oldest = min(row["created_at"] for row in waiting)
    return [
        today.TodayItem(
            title=_("待您审批的资产处置 %(count)s 项") % {"count": len(waiting)},
            due=timezone.localtime(oldest).date(),
            url=reverse("frontend:assets:disposals"),
            severity=today.Severity.WARNING,
        )
    ]


@today.provider("assets.compliance", scope=today.SCHOOL)
def compliance(request):
    """The stocktake and the ledger's health, as the bureau sees them (the compliance facts)."""
    capabilities = page_capabilities(request)
    if Capability.ASSETS_VIEW not in capabilities:
        return []
    now = timezone.localdate()
    term = term_for(now)
    values = {
        (fact.key, fact.period): fact.value
        for fact in facts_for_school(
            request.school,
            [
                asset_facts.STOCKTAKE_DONE,
                asset_facts.STOCKTAKE_MATCH_RATE,
                asset_facts.CARDS_MISSING_FINANCE_FIELDS,
            ],
        ).filter(period__in=[term.key, CURRENT])
    }
    items = []
    open_stocktake = (
        access.stocktakes_for_user(request.user, capabilities=capabilities)
        .filter(status=StocktakeStatus.OPEN)
        .first()
    )
    if open_stocktake is not None:
        items.append(
            today.TodayItem(
                title=_("盘点进行中：%(name)s") % {"name": open_stocktake.name},
                due=now,
                url=reverse("frontend:assets:stocktake", args=[open_stocktake.pk]),
                severity=today.Severity.INFO,
            )
        )
    if values.get((asset_facts.STOCKTAKE_DONE, term.key)):
        rate = values.get((asset_facts.STOCKTAKE_MATCH_RATE, term.key))
        items.append(
            today.TodayItem(
                title=_("本学期全校盘点已完成，账实相符率 %(rate)s%%") % {"rate": rate},
                due=term.end,
                url=reverse("frontend:assets:stocktakes"),
                severity=today.Severity.INFO,
            )
        )
    elif open_stocktake is None:
        items.append(
            today.TodayItem(
                title=_("本学期尚未完成全校资产盘点"),
                due=term.end,
                url=reverse("frontend:assets:stocktakes"),
                severity=today.Severity.WARNING,
            )
        )
    missing = values.get((asset_facts.CARDS_MISSING_FINANCE_FIELDS, CURRENT))
    if missing:
        items.append(
            today.TodayItem(
                title=_("%(count)s 张固定资产卡片缺少财务系统必填项") % {"count": int(missing)},
                due=term.end,
                url=reverse("frontend:assets:ledger") + "?kind=fixed&status=on_books",
                severity=today.Severity.INFO,
            )
        )
    low = access.consumables_for_user(request.user, capabilities=capabilities).filter(
        is_active=True, on_hand__lte=F("low_stock_threshold"), low_stock_threshold__gt=0
    )
    low_count = low.count()
    if low_count:
        items.append(
            today.TodayItem(
                title=_("库存不足的耗材 %(count)s 种") % {"count": low_count},
                due=now,
                url=reverse("frontend:assets:consumables"),
                severity=today.Severity.WARNING,
            )
        )
    return items


@today.provider("assets.class-lists", scope=today.SCHOOL)
def class_lists(request):
    """A class teacher's property list waiting for their signature this term."""
    capabilities = page_capabilities(request)
    if Capability.ASSETS_BORROW not in capabilities:
        return []
    term = term_for(timezone.localdate())
    waiting = (
        access.property_lists_for_user(request.user, capabilities=capabilities)
        .filter(
            term=term.key,
            status=PropertyListStatus.AWAITING_SIGNATURE,
            school_class__class_teacher_id=request.user.pk,
        )
        .select_related("school_class")
    )
    return [
        today.TodayItem(
            title=_("签收班级财产清单：%(name)s") % {"name": property_list.school_class.name},
            due=term.start + timedelta(days=14),
            url=reverse("frontend:assets:property-list", args=[property_list.pk]),
            severity=today.Severity.WARNING,
        )
        for property_list in waiting
    ]
