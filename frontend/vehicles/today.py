"""School vehicles on the school's "today" page (frontend.today).

For those who record safety: vehicle and driver papers expiring within the warning days
or already expired, and vehicles with a trip planned today but no pre-departure check
submitted yet today. For those who watch safety: trips still open (a trip under way from
an earlier day, or with a headcount mismatch, is urgent). For an escort (照管员): the
trips they escort today or that are still under way.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eduplatform.accounts.roles import Capability
from eduplatform.vehicles.checks import checked_vehicle_ids
from eduplatform.vehicles.facts import warning_days
from eduplatform.vehicles.models import HeadcountMismatch, Trip, TripStatus
from eduplatform.vehicles.rules import PaperKind, papers_needing_attention
from frontend import today
from frontend.access import page_capabilities

PAPER_TITLES = {
    PaperKind.INSPECTION: _("车辆年检：%(subject)s"),
    PaperKind.INSURANCE: _("车辆保险：%(subject)s"),
    PaperKind.LICENCE: _("驾驶证：%(subject)s"),
    PaperKind.AGE: _("驾驶人年满 61 周岁：%(subject)s"),
}


@today.provider("vehicles.papers", scope=today.SCHOOL)
def papers(request):
    if Capability.SAFETY_RECORD not in page_capabilities(request):
        return []
    now = timezone.localdate()
    items = []
    for paper in papers_needing_attention(now, warning_days(request.school)):
        name = "frontend:vehicles:vehicle" if paper.is_vehicle else "frontend:vehicles:driver"
        overdue = paper.is_overdue(now)
        items.append(
            today.TodayItem(
                title=PAPER_TITLES[paper.kind] % {"subject": paper.subject_label},
                due=paper.valid_until,
                url=reverse(name, kwargs={"pk": paper.subject.pk}),
                severity=today.Severity.DANGER if overdue else today.Severity.WARNING,
                detail=_("已过期") if overdue else _("即将到期"),
            )
        )
    return items


def _trip_item(trip: Trip, now, *, mine: bool) -> today.TodayItem:
    urgent = trip.status == TripStatus.UNDER_WAY and (trip.day < now or trip.has_mismatch)
    if trip.status == TripStatus.PLANNED:
        detail = _("待发车：登记上车人数")
    elif trip.has_mismatch:
        detail = _("上下车人数不符，请立即核实")
    else:
        detail = _("行驶中：到达后登记下车人数")
    return today.TodayItem(
        title=(_("照管行程：%(plate)s %(route)s") if mine else _("校车行程未结束：%(plate)s %(route)s"))
        % {"plate": trip.vehicle.plate, "route": trip.route[:30]},
        due=trip.planned_departure_at,
        url=reverse("frontend:vehicles:trip", kwargs={"pk": trip.pk}),
        severity=today.Severity.DANGER if urgent else today.Severity.WARNING,
        detail=detail,
    )


@today.provider("vehicles.trips", scope=today.SCHOOL)
def trips(request):
    capabilities = page_capabilities(request)
    now = timezone.localdate()
    open_trips = (
        Trip.objects.filter(
            Q(status=TripStatus.UNDER_WAY) | Q(status=TripStatus.PLANNED, planned_departure_at__date=now)
        )
        .select_related("vehicle")
        .annotate(
            has_mismatch=Exists(
                HeadcountMismatch.objects.filter(trip=OuterRef("pk"), resolved_at__isnull=True)
            )
        )
        .order_by("planned_departure_at", "id")
    )
    items = []
    if Capability.SAFETY_VIEW in capabilities:
        shown = [
            trip
            for trip in open_trips
            if trip.status == TripStatus.UNDER_WAY or trip.escort_id == request.user.pk
        ]
        items += [_trip_item(trip, now, mine=trip.escort_id == request.user.pk) for trip in shown]
    else:
        items += [_trip_item(trip, now, mine=True) for trip in open_trips.filter(escort_id=request.user.pk)]
    if Capability.SAFETY_RECORD in capabilities:
        checked = checked_vehicle_ids(now)
        waiting = {}
        for trip in open_trips:
            if trip.status == TripStatus.PLANNED and trip.vehicle_id not in checked:
                waiting.setdefault(trip.vehicle_id, trip)
        for trip in waiting.values():
            items.append(
                today.TodayItem(
                    title=_("出车前检查未做：%(plate)s") % {"plate": trip.vehicle.plate},
                    due=trip.planned_departure_at,
                    url=reverse("frontend:vehicles:vehicle", kwargs={"pk": trip.vehicle_id}),
                    severity=today.Severity.WARNING,
                    detail=_("今日有行程，发车前须提交出车前检查"),
                )
            )
    return items
