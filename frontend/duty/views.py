"""Duty pages (值班): the roster by week, a shift with its log and handover, my shifts, and
filling the roster. Views parse, call eduplatform.duty.actions, render; a refusal is shown
beside its field.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from eduplatform.accounts.roles import Capability
from eduplatform.dates import day_from
from eduplatform.duty import access
from eduplatform.duty import actions as duty
from eduplatform.duty.actions.handovers import is_on_shift, next_shift_choices
from eduplatform.duty.models import DutyEvent, DutyLog, Handover, PatrolRound, Shift, ShiftKind
from eduplatform.duty.roster import day_bounds, eligible_people, monday_of, week_bounds, with_people
from eduplatform.safety.photos import clean_photo
from frontend.access import capability_required, page_capabilities
from frontend.duty.forms import (
    CancelShiftForm,
    ConfirmHandoverForm,
    CopyWeekForm,
    EventForm,
    HandoverForm,
    LogForm,
    RotationForm,
    RoundForm,
    ShiftForm,
    now_for_input,
)
from frontend.files import private_file
from frontend.safety.forms import apply_refusal

C = Capability


def _caps(request):
    return page_capabilities(request)


def _refused(request, form, error, shown=()) -> bool:
    """Show a refusal: beside its fields when the form has them (the page is shown again);
    otherwise, a refusal of the record's state (already submitted, not on the shift...), as
    a message on the page the caller redirects to. True when the caller should redirect."""
    if any(field in form.fields or field in shown for field in error.message_dict):
        apply_refusal(form, error)
        return False
    for message in error.messages:
        messages.error(request, message)
    return True


def _listed(shifts):
    return with_people(shifts).select_related("log").order_by("starts_at", "id")


def _marked(shifts, now) -> list[Shift]:
    """The shifts, each told whether it is on duty now (the rows highlight those)."""
    rows = list(shifts)
    for row in rows:
        row.on_duty_now = row.is_on_duty_at(now)
    return rows


# --- The roster --------------------------------------------------------------------------


@require_GET
@capability_required(C.SCHOOL_VIEW)
def roster(request):
    """The week's roster (this week unless ?week=YYYY-MM-DD), with who is on duty now."""
    caps = _caps(request)
    now = timezone.now()
    today = timezone.localdate()
    day = day_from(request.GET.get("week")) or today
    monday = monday_of(day)
    start, end = week_bounds(monday)
    shifts = access.shifts_for_user(request.user, caps)
    in_week = _marked(_listed(shifts.overlapping(start, end)), now)
    days = []
    for offset in range(7):
        date = monday + timedelta(days=offset)
        day_start, day_end = day_bounds(date)
        days.append(
            {
                "date": date,
                "is_today": date == today,
                "shifts": [
                    shift
                    for shift in in_week
                    if shift.kind != ShiftKind.WEEK and day_start <= shift.starts_at < day_end
                ],
            }
        )
    context = {
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
        "is_this_week": monday == monday_of(today),
        "days": days,
        "week_duty": [shift for shift in in_week if shift.kind == ShiftKind.WEEK],
        "on_duty": _marked(_listed(shifts.on_duty_at(now)), now),
        "now": now,
        "may_manage": access.may_manage_roster(caps),
    }
    template = "duty/partials/week.html" if request.htmx else "duty/roster.html"
    return render(request, template, context)


@require_GET
@capability_required(C.SCHOOL_VIEW)
def my_shifts(request):
    """The signed-in person's shifts: coming up, and the last month's with their log."""
    now = timezone.now()
    mine = access.shifts_for_user(request.user, _caps(request)).of_person(request.user.pk).scheduled()
    return render(
        request,
        "duty/mine.html",
        {
            "upcoming": _marked(_listed(mine.filter(ends_at__gt=now))[:50], now),
            "recent": _marked(
                _listed(mine.filter(ends_at__lte=now, ends_at__gt=now - timedelta(days=31))).reverse(), now
            ),
            "now": now,
        },
    )


# --- Managing the roster -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@capability_required(C.SAFETY_RECORD)
def add_shift(request):
    people = list(eligible_people(request.school))
    initial = {}
    day = day_from(request.GET.get("day"))
    if day is not None:
        initial = {"starts_at": f"{day:%Y-%m-%d}T08:00", "ends_at": f"{day:%Y-%m-%d}T18:00"}
    form = ShiftForm(request.POST or None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            shift = duty.create_shift(**form.cleaned_data, actor=request.user)
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(request, _("已添加班次。"))
            return redirect(
                f"{reverse('frontend:duty:roster')}?week={timezone.localdate(shift.starts_at):%Y-%m-%d}"
            )
    return render(request, "duty/shift_form.html", {"form": form, "shift": None})


@require_http_methods(["GET", "POST"])
@capability_required(C.SAFETY_RECORD)
def edit_shift(request, pk):
    """Change a shift, or cancel it (step=cancel)."""
    shift = access.shift_for_user(request.user, _caps(request), pk)
    people = list(eligible_people(request.school))
    leader = shift.leader()
    initial = {
        "kind": shift.kind,
        "starts_at": timezone.localtime(shift.starts_at),
        "ends_at": timezone.localtime(shift.ends_at),
        "leader": leader.pk if leader else None,
        "members": [member.person_id for member in shift.members.all() if not member.is_leader],
        "phone": shift.phone,
        "notes": shift.notes,
    }
    is_cancel = request.POST.get("step") == "cancel"
    form = ShiftForm(request.POST if request.method == "POST" and not is_cancel else None, people=people,
                     initial=initial)  # fmt: skip
    cancel_form = CancelShiftForm(request.POST if is_cancel else None)
    if request.method == "POST":
        try:
            if is_cancel and cancel_form.is_valid():
                duty.cancel_shift(shift=shift, reason=cancel_form.cleaned_data["reason"], actor=request.user)
                messages.success(request, _("已取消班次。"))
                return redirect("frontend:duty:shift", pk=shift.pk)
            if not is_cancel and form.is_valid():
                duty.change_shift(shift=shift, **form.cleaned_data, actor=request.user)
                messages.success(request, _("已保存班次。"))
                return redirect("frontend:duty:shift", pk=shift.pk)
        except ValidationError as error:
            if _refused(request, cancel_form if is_cancel else form, error):
                return redirect("frontend:duty:shift", pk=shift.pk)
    return render(request, "duty/shift_form.html", {"form": form, "cancel_form": cancel_form, "shift": shift})


@require_http_methods(["GET", "POST"])
@capability_required(C.SAFETY_RECORD)
def fill_roster(request):
    """Fill the roster at once: copy a week (step=copy) or assign people in turn (step=rotation)."""
    step = request.POST.get("step")
    today = timezone.localdate()
    people = list(eligible_people(request.school))
    copy_form = CopyWeekForm(
        request.POST if step == "copy" else None,
        initial={"source": today - timedelta(days=7), "target": today},
    )
    rotation_form = RotationForm(request.POST if step == "rotation" else None, people=people)
    if request.method == "POST":
        form = copy_form if step == "copy" else rotation_form
        if step in ("copy", "rotation") and form.is_valid():
            try:
                if step == "copy":
                    created = duty.copy_week(**copy_form.cleaned_data, actor=request.user)
                else:
                    created = duty.fill_rotation(**rotation_form.cleaned_data, actor=request.user)
            except ValidationError as error:
                apply_refusal(form, error)
            else:
                messages.success(request, _("已排 %(count)s 个班次。") % {"count": len(created)})
                first = timezone.localdate(created[0].starts_at)
                return redirect(f"{reverse('frontend:duty:roster')}?week={first:%Y-%m-%d}")
    return render(request, "duty/fill.html", {"copy_form": copy_form, "rotation_form": rotation_form})


# --- A shift: its people, log and handovers ------------------------------------------------


LOG_STEPS = ("save_log", "add_round", "add_event", "submit_log")


def _log_with_entries(shift: Shift) -> DutyLog | None:
    return (
        DutyLog.objects.filter(shift=shift)
        .prefetch_related(
            Prefetch(
                "rounds",
                queryset=PatrolRound.objects.prefetch_related("photos").select_related("recorded_by"),
            ),
            Prefetch(
                "events",
                queryset=DutyEvent.objects.prefetch_related("photos").select_related("hazard", "recorded_by"),
            ),
        )
        .select_related("written_by", "submitted_by")
        .first()
    )


def _handovers(queryset):
    return queryset.select_related("handed_over_by", "received_by", "from_shift", "to_shift")


def _bound(form_class, request, step: str, **kwargs):
    posted = request.method == "POST" and request.POST.get("step") == step
    return form_class(request.POST if posted else None, request.FILES if posted else None, **kwargs)


@require_http_methods(["GET", "POST"])
@capability_required(C.SCHOOL_VIEW)
def shift(request, pk):
    caps = _caps(request)
    record = access.shift_for_user(request.user, caps, pk)
    log = _log_with_entries(record)
    now = timezone.now()
    may_read = access.may_read_log(request.user, caps, record)
    may_write = access.may_write_log(request.user, caps, record)
    on_shift = record.has_person(request.user.pk)
    # Offered to anyone who posts a handover: the action itself refuses whoever is not on the shift.
    next_shifts = list(with_people(next_shift_choices(record))) if not record.is_cancelled else []
    forms = {
        "log": _bound(LogForm, request, "save_log",
                      initial={"summary": log.summary, "report_up": log.report_up} if log else None),
        "round": _bound(RoundForm, request, "add_round", initial={"patrolled_at": now_for_input()}),
        "event": _bound(EventForm, request, "add_event", initial={"occurred_at": now_for_input()}),
        "handover": _bound(HandoverForm, request, "hand_over", next_shifts=next_shifts),
        "confirm": _bound(ConfirmHandoverForm, request, "confirm_handover"),
    }  # fmt: skip
    if request.method == "POST":
        done = _handle_step(request, record, forms, may_write=may_write)
        if done:
            return redirect("frontend:duty:shift", pk=record.pk)
    handover = _handovers(Handover.objects.filter(from_shift=record)).first()
    received = list(_handovers(Handover.objects.filter(to_shift=record)))
    # Handovers: to those who watch safety and to the people on either shift.
    may_see_handovers = Capability.SAFETY_VIEW in caps or on_shift
    if handover is not None and not (may_see_handovers or is_on_shift(request.user, handover.to_shift)):
        handover = None
    context = {
        "shift": record,
        "log": log if may_read else None,
        "log_status": _log_status(log),
        "may_read_log": may_read,
        "may_write_log": may_write and not record.is_cancelled and not (log and log.is_submitted),
        "has_started": record.starts_at <= now,
        "is_on_duty_now": record.is_on_duty_at(now),
        "may_manage": access.may_manage_roster(caps),
        "may_report_hazard": access.may_report_hazard(caps),
        "on_shift": on_shift,
        "handover": handover,
        "may_hand_over": on_shift and handover is None and not record.is_cancelled and record.starts_at <= now,
        "received": received if may_see_handovers else [],
        "forms": forms,
    }  # fmt: skip
    return render(request, "duty/shift.html", context)


def _log_status(log) -> str:
    if log is None:
        return "none"
    return "submitted" if log.is_submitted else "draft"


def _handle_step(request, record: Shift, forms: dict, *, may_write: bool) -> bool:
    """Run the posted step; True when it was done, False when the page shows errors."""
    step = request.POST.get("step")
    if step in LOG_STEPS and not may_write:
        raise PermissionDenied
    form = {
        "save_log": forms["log"], "submit_log": forms["log"], "add_round": forms["round"],
        "add_event": forms["event"], "hand_over": forms["handover"], "confirm_handover": forms["confirm"],
    }.get(step)  # fmt: skip
    if form is None:
        raise Http404
    if step == "submit_log":
        # The submit button sits under the summary form: it posts the log form's fields.
        form = forms["log"] = LogForm(request.POST)
    if not form.is_valid():
        return False
    data = dict(form.cleaned_data)
    try:
        if step == "save_log":
            duty.save_log(shift=record, **data, actor=request.user)
            messages.success(request, _("已保存值班日志草稿。"))
        elif step == "submit_log":
            duty.submit_log(shift=record, **data, actor=request.user)
            messages.success(request, _("已提交值班日志。"))
        elif step == "add_round":
            photos = [clean_photo(upload, field="photos") for upload in data.pop("photos")]
            duty.add_round(shift=record, **data, photos=photos, actor=request.user)
            messages.success(request, _("已记录巡查。"))
        elif step == "add_event":
            _add_event(request, record, data)
            messages.success(request, _("已记录事件。"))
        elif step == "hand_over":
            # Through the access helpers like every read here (the action checks the rest).
            to_shift = (
                access.shifts_for_user(request.user, _caps(request)).filter(pk=data.pop("to_shift")).first()
            )
            duty.hand_over(shift=record, to_shift=to_shift, **data, actor=request.user)
            messages.success(request, _("已交班，等待接班人确认。"))
        else:
            handover = (
                access.handovers_for_user(request.user, _caps(request))
                .filter(pk=request.POST.get("handover", "0") or 0, to_shift=record)
                .first()
            )
            if handover is None:
                raise Http404
            duty.confirm_handover(handover=handover, notes=data["notes"], actor=request.user)
            messages.success(request, _("已确认接班。"))
    except ValidationError as error:
        # "Record a patrol first" belongs above the summary form, which stays on the page.
        return _refused(request, form, error, shown=("rounds",))
    return True


def _add_event(request, record: Shift, data: dict) -> None:
    photos = [clean_photo(upload, field="photos") for upload in data.pop("photos")]
    hazard = None
    if data.pop("open_hazard"):
        if not access.may_report_hazard(_caps(request)):
            raise PermissionDenied
        hazard = duty.HazardReport(
            category=data.pop("category"), severity=data.pop("severity"), location=data.pop("location")
        )
    else:
        for name in ("category", "severity", "location"):
            data.pop(name)
    duty.add_event(shift=record, **data, photos=photos, hazard=hazard, actor=request.user)


@require_GET
@capability_required(C.SCHOOL_VIEW)
def photo(request, pk):
    """A duty log's photo, to whoever may read the log."""
    return private_file(access.photo_for_user(request.user, _caps(request), pk).image)
