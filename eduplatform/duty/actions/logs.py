"""The duty log (值班日志): patrol rounds, events and how they were handled, what to report up.

A log is written once its shift has started, by a person on the shift or someone who
records safety (the pages and API check who; eduplatform.duty.access), and is submitted
once: after that nothing is added or changed. An event can be reported up as a hazard,
through the hazard register's own action (eduplatform.safety.actions.report_hazard), so
the hazard follows the register's rules, deadlines and escalation. Photos come cleaned by
eduplatform.safety.photos.clean_photo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eduplatform.audit.trail import current_school, record_change, snapshot
from eduplatform.checklists.refusals import refusal, refusals
from eduplatform.duty import facts
from eduplatform.duty.models import DutyEvent, DutyLog, DutyPhoto, PatrolRound, Shift
from eduplatform.duty.roster import months_touched
from eduplatform.safety.actions import report_hazard

# Phones' clocks drift: a time a few minutes ahead is taken as now.
CLOCK_SLACK = timedelta(minutes=5)


@dataclass(frozen=True)
class HazardReport:
    """What the hazard register needs beyond the event's description."""

    category: str
    severity: str
    location: str
    deadline: date | None = None


def _person(actor):
    return actor if getattr(actor, "pk", None) else None


def _writable(shift: Shift, *, creating: bool = True) -> tuple[Shift, DutyLog | None]:
    """The shift, locked, and its draft log (made when creating); refusals when it cannot be written."""
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    if shift.is_cancelled:
        raise refusal("shift", _("该班次已取消，不能填写值班日志。"), "shift_cancelled")
    if shift.starts_at > timezone.now() + CLOCK_SLACK:
        raise refusal(
            "shift",
            _("班次尚未开始（%(start)s），开始后才能填写值班日志。")
            % {"start": timezone.localtime(shift.starts_at).strftime("%Y-%m-%d %H:%M")},
            "shift_not_started",
        )
    log = DutyLog.objects.filter(shift=shift).first()
    if log is not None and log.is_submitted:
        raise refusal("shift", _("值班日志已提交，不能再修改。"), "log_submitted")
    if log is None and creating:
        log = DutyLog.objects.create(shift=shift)
    return shift, log


def _check_time(shift: Shift, moment: datetime | None, field: str) -> None:
    if moment is None:
        raise refusal(field, _("请填写时间。"), "required")
    if moment > timezone.now() + CLOCK_SLACK:
        raise refusal(field, _("时间不能晚于现在。"), "in_future")
    if not shift.starts_at <= moment <= shift.ends_at:
        raise refusal(
            field,
            _("时间须在本班次之内（%(start)s 至 %(end)s）。")
            % {
                "start": timezone.localtime(shift.starts_at).strftime("%m-%d %H:%M"),
                "end": timezone.localtime(shift.ends_at).strftime("%m-%d %H:%M"),
            },
            "outside_shift",
        )


def _save_photos(log: DutyLog, photos, actor, **link) -> None:
    for photo in photos:
        DutyPhoto.objects.create(log=log, image=photo, uploaded_by=_person(actor), **link)


def save_log(*, shift: Shift, summary: str = "", report_up: str = "", actor) -> DutyLog:
    """Write (or rewrite) the draft's summary and what to report up."""
    with transaction.atomic():
        shift, log = _writable(shift)
        before = snapshot(log)
        log.summary = (summary or "").strip()
        log.report_up = (report_up or "").strip()
        log.written_by = log.written_by or _person(actor)
        log.save()
        record_change(actor=actor, action="update", instance=log, before=before)
    return log


def add_round(
    *, shift: Shift, patrolled_at, area: str, findings: str = "", is_normal: bool = True, photos=(), actor
) -> PatrolRound:
    errors: dict[str, tuple[str, str]] = {}
    if not (area or "").strip():
        errors["area"] = (_("请填写巡查部位。"), "required")
    if not is_normal and not (findings or "").strip():
        errors["findings"] = (_("发现异常时请写明情况。"), "required")
    if errors:
        raise refusals(errors)
    with transaction.atomic():
        shift, log = _writable(shift)
        _check_time(shift, patrolled_at, "patrolled_at")
        patrol = PatrolRound.objects.create(
            log=log, patrolled_at=patrolled_at, area=area.strip()[:100], is_normal=bool(is_normal),
            findings=(findings or "").strip(), recorded_by=_person(actor),
        )  # fmt: skip
        _save_photos(log, photos, actor, patrol_round=patrol)
        log.written_by = log.written_by or _person(actor)
        log.save()
        record_change(actor=actor, action="create", instance=patrol, before=None)
    return patrol


def add_event(
    *,
    shift: Shift,
    occurred_at,
    description: str,
    handling: str = "",
    photos=(),
    hazard: HazardReport | None = None,
    actor,
) -> DutyEvent:
    """An event and how it was handled; with `hazard`, it also opens a hazard in the register."""
    if not (description or "").strip():
        raise refusal("description", _("请描述事件经过。"), "required")
    with transaction.atomic():
        shift, log = _writable(shift)
        _check_time(shift, occurred_at, "occurred_at")
        opened = None
        if hazard is not None:
            opened = report_hazard(
                category=hazard.category, severity=hazard.severity, location=hazard.location,
                description=description.strip(), photos=photos, deadline=hazard.deadline, actor=actor,
            )  # fmt: skip
        event = DutyEvent.objects.create(
            log=log, occurred_at=occurred_at, description=description.strip(),
            handling=(handling or "").strip(), hazard=opened, recorded_by=_person(actor),
        )  # fmt: skip
        _save_photos(log, photos, actor, event=event)
        log.written_by = log.written_by or _person(actor)
        log.save()
        record_change(actor=actor, action="create", instance=event, before=None)
    return event


def submit_log(*, shift: Shift, summary: str | None = None, report_up: str | None = None, actor) -> DutyLog:
    """Submit the log, once: it needs a summary and at least one patrol round."""
    with transaction.atomic():
        shift, log = _writable(shift)
        before = snapshot(log)
        if summary is not None:
            log.summary = summary.strip()
        if report_up is not None:
            log.report_up = report_up.strip()
        errors: dict[str, tuple[str, str]] = {}
        if not log.summary:
            errors["summary"] = (_("请填写本班值班情况。"), "required")
        if not log.rounds.exists():
            errors["rounds"] = (_("请至少记录一次巡查后再提交。"), "rounds_required")
        if errors:
            raise refusals(errors)
        now = timezone.now()
        log.written_by = log.written_by or _person(actor)
        log.submitted_at = now
        log.submitted_by = _person(actor)
        log.save()
        # The shift shows its log's status: sync clients reading shifts by updated_since see it.
        Shift.objects.filter(pk=shift.pk).update(updated_at=now)
        record_change(actor=actor, action="submit", instance=log, before=before)
        facts.refresh_duty_facts(current_school(), months_touched((shift.starts_at, shift.ends_at)))
    return log
