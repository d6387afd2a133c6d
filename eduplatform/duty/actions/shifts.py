"""The roster (值班表): add, change and cancel a shift; fill a week or a holiday period at once.

Rules: a shift ends after it starts (and lasts at most 31 days); everyone on it is an
active member of this school; nobody is on two scheduled shifts that overlap; a shift
that has a log or was handed over records what happened, so it is no longer changed or
cancelled, and a shift someone has handed over to is not cancelled until confirmed.
Writers of one school's roster take turns (an advisory lock), so two people filling the
roster at once cannot double-book anyone between them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eduplatform.audit.trail import current_school, record_event, snapshot
from eduplatform.checklists.refusals import refusal, refusals
from eduplatform.district.calendar import school_days
from eduplatform.duty import facts
from eduplatform.duty.models import DutyLog, Handover, Shift, ShiftKind, ShiftMember, ShiftStatus
from eduplatform.duty.roster import eligible_people, local_moment, monday_of, months_touched, week_bounds
from eduplatform.safety.identity import is_valid_phone, normalise_phone

MAX_SHIFT = timedelta(days=31)
MAX_FILL_DAYS = 92


@dataclass
class PlannedShift:
    kind: str
    starts_at: datetime
    ends_at: datetime
    leader: object
    members: list = field(default_factory=list)
    phone: str = ""
    notes: str = ""


def lock_roster() -> None:
    """Serialise the roster's writers in this school until the transaction ends."""
    name = f"duty-roster:{connection.schema_name}"
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _as_id(value) -> int | None:
    value = getattr(value, "pk", value)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # never a member: refused as such


def _display(when: datetime) -> str:
    return timezone.localtime(when).strftime("%m-%d %H:%M")


def _check_fields(*, kind, starts_at, ends_at, phone, errors: dict) -> str:
    if kind not in ShiftKind.values:
        errors["kind"] = (_("请选择值班类型。"), "invalid_kind")
    if starts_at is None:
        errors["starts_at"] = (_("请填写开始时间。"), "required")
    if ends_at is None:
        errors["ends_at"] = (_("请填写结束时间。"), "required")
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = (_("结束时间须晚于开始时间。"), "end_not_after_start")
    elif starts_at is not None and ends_at - starts_at > MAX_SHIFT:
        errors["ends_at"] = (_("一个班次不能超过 31 天。"), "shift_too_long")
    phone = normalise_phone(phone or "")
    if phone and not is_valid_phone(phone):
        errors["phone"] = (_("请填写 11 位手机号或带区号的固定电话。"), "invalid_phone")
    return phone


def _resolve_people(school, plans: list[PlannedShift], errors: dict, fields=("leader", "members")) -> dict:
    """Every leader and member id of the plans -> the school member; refusals for the rest."""
    leader_field, members_field = fields
    wanted = {
        person_id for plan in plans for person_id in (plan.leader, *plan.members) if person_id is not None
    }
    found = {user.pk: user for user in eligible_people(school).filter(pk__in=[i for i in wanted if i > 0])}
    for plan in plans:
        if plan.leader is None:
            errors.setdefault(leader_field, (_("请选择带班领导/值班负责人。"), "required"))
        elif plan.leader not in found:
            errors.setdefault(leader_field, (_("所选人员不是本校在职人员，不能排班。"), "not_a_member"))
        if any(member not in found for member in plan.members):
            errors.setdefault(members_field, (_("值班人员须为本校在职人员。"), "not_a_member"))
    return found


def _refuse_double_booking(plan: PlannedShift, exclude_pk=None, fields=("leader", "members")) -> None:
    people = [plan.leader, *plan.members]
    clash = (
        ShiftMember.objects.filter(
            person_id__in=people,
            shift__status=ShiftStatus.SCHEDULED,
            shift__starts_at__lt=plan.ends_at,
            shift__ends_at__gt=plan.starts_at,
        )
        .exclude(shift_id=exclude_pk)
        .select_related("shift", "person")
        .order_by("shift__starts_at", "id")
        .first()
    )
    if clash is None:
        return
    raise refusal(
        fields[0] if clash.person_id == plan.leader else fields[1],
        _("%(name)s 在 %(start)s 至 %(end)s 已有%(kind)s，时间重叠，不能重复排班。")
        % {
            "name": clash.person.name or clash.person.username,
            "start": _display(clash.shift.starts_at),
            "end": _display(clash.shift.ends_at),
            "kind": clash.shift.get_kind_display(),
        },
        "double_booked",
    )


def _plan(*, kind, starts_at, ends_at, leader, members, phone, notes) -> tuple[PlannedShift, dict]:
    errors: dict[str, tuple[str, str]] = {}
    phone = _check_fields(kind=kind, starts_at=starts_at, ends_at=ends_at, phone=phone, errors=errors)
    leader_id = _as_id(leader)
    member_ids = list(dict.fromkeys(_as_id(member) for member in members or ()))
    member_ids = [member for member in member_ids if member is not None and member != leader_id]
    plan = PlannedShift(kind, starts_at, ends_at, leader_id, member_ids, phone, (notes or "").strip())
    return plan, errors


def shift_snapshot(shift: Shift) -> dict:
    """The shift's values and its people, for the audit trail."""
    values = snapshot(shift)
    members = list(shift.members.order_by("-is_leader", "id").values_list("person_id", "is_leader"))
    values["leader"] = next((person for person, is_leader in members if is_leader), None)
    values["members"] = [person for person, is_leader in members if not is_leader]
    return values


def _audit(*, actor, action: str, shift: Shift, before) -> None:
    record_event(
        actor=actor, action=action, object_type=shift._meta.label_lower, object_id=str(shift.pk),
        before=before, after=shift_snapshot(shift),
    )  # fmt: skip


def _set_people(shift: Shift, plan: PlannedShift) -> None:
    shift.members.all().delete()
    ShiftMember.objects.bulk_create(
        [ShiftMember(shift=shift, person_id=plan.leader, is_leader=True)]
        + [ShiftMember(shift=shift, person_id=member) for member in plan.members]
    )


def _insert(plan: PlannedShift, actor, fields=("leader", "members")) -> Shift:
    _refuse_double_booking(plan, fields=fields)
    shift = Shift.objects.create(
        kind=plan.kind, starts_at=plan.starts_at, ends_at=plan.ends_at, phone=plan.phone, notes=plan.notes,
        created_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    _set_people(shift, plan)
    _audit(actor=actor, action="create", shift=shift, before=None)
    return shift


def create_shift(
    *, kind: str, starts_at, ends_at, leader, members=(), phone: str = "", notes: str = "", actor
) -> Shift:
    school = current_school()
    plan, errors = _plan(
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        leader=leader,
        members=members,
        phone=phone,
        notes=notes,
    )
    _resolve_people(school, [plan], errors)
    if errors:
        raise refusals(errors)
    with transaction.atomic():
        lock_roster()
        shift = _insert(plan, actor)
        facts.refresh_duty_facts(school, months_touched((shift.starts_at, shift.ends_at)))
    return shift


def _locked(shift: Shift) -> Shift:
    return Shift.objects.select_for_update().get(pk=shift.pk)


def _refuse_if_settled(shift: Shift, *, cancelling: bool) -> None:
    """A cancelled shift, or one whose log or handover records what happened, stays as it is."""
    if shift.is_cancelled:
        message = _("该班次已取消，不能再取消。") if cancelling else _("该班次已取消，不能修改。")
        raise refusal("status", message, "shift_cancelled")
    if DutyLog.objects.filter(shift=shift).exists():
        message = _("该班次已有值班日志，不能取消。") if cancelling else _("该班次已有值班日志，不能修改。")
        raise refusal("status", message, "shift_has_log")
    if Handover.objects.filter(from_shift=shift).exists():
        message = _("该班次已交班，不能取消。") if cancelling else _("该班次已交班，不能修改。")
        raise refusal("status", message, "shift_has_handover")


def change_shift(
    *,
    shift: Shift,
    kind: str,
    starts_at,
    ends_at,
    leader,
    members=(),
    phone: str = "",
    notes: str = "",
    actor,
) -> Shift:
    school = current_school()
    plan, errors = _plan(
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        leader=leader,
        members=members,
        phone=phone,
        notes=notes,
    )
    with transaction.atomic():
        lock_roster()
        shift = _locked(shift)
        _refuse_if_settled(shift, cancelling=False)
        if shift.ends_at <= timezone.now() and (plan.starts_at, plan.ends_at) != (
            shift.starts_at,
            shift.ends_at,
        ):
            # Who was on duty may be corrected afterwards; when, which the log count rests on, may not.
            errors["starts_at"] = (_("该班次已结束，只能更正值班人员，不能修改时间。"), "shift_ended")
        _resolve_people(school, [plan], errors)
        if errors:
            raise refusals(errors)
        _refuse_double_booking(plan, exclude_pk=shift.pk)
        before = shift_snapshot(shift)
        old_span = (shift.starts_at, shift.ends_at)
        shift.kind, shift.starts_at, shift.ends_at = plan.kind, plan.starts_at, plan.ends_at
        shift.phone, shift.notes = plan.phone, plan.notes
        shift.save()
        _set_people(shift, plan)
        _audit(actor=actor, action="update", shift=shift, before=before)
        facts.refresh_duty_facts(school, months_touched(old_span, (shift.starts_at, shift.ends_at)))
    return shift


def cancel_shift(*, shift: Shift, reason: str = "", actor) -> Shift:
    school = current_school()
    with transaction.atomic():
        lock_roster()
        shift = _locked(shift)
        _refuse_if_settled(shift, cancelling=True)
        if shift.ends_at <= timezone.now():
            # An ended shift without a log stays counted as one (duty.shifts_without_log).
            raise refusal("status", _("该班次已结束，不能取消。"), "shift_ended")
        if Handover.objects.filter(to_shift=shift, received_at__isnull=True).exists():
            raise refusal("status", _("上一班已向该班次交班，待接班确认后才能取消。"), "handover_pending")
        before = shift_snapshot(shift)
        shift.status = ShiftStatus.CANCELLED
        shift.cancelled_at = timezone.now()
        shift.cancelled_by = actor if getattr(actor, "pk", None) else None
        shift.cancel_reason = (reason or "").strip()[:200]
        shift.save()
        _audit(actor=actor, action="cancel", shift=shift, before=before)
        facts.refresh_duty_facts(school, months_touched((shift.starts_at, shift.ends_at)))
    return shift


def _insert_all(school, plans: list[PlannedShift], actor, fields: tuple[str, str]) -> list[Shift]:
    errors: dict[str, tuple[str, str]] = {}
    _resolve_people(school, plans, errors, fields)
    if errors:
        raise refusals(errors)
    with transaction.atomic():
        lock_roster()
        # Each insert sees the ones before it, so the plans cannot double-book among themselves.
        shifts = [_insert(plan, actor, fields) for plan in plans]
        facts.refresh_duty_facts(
            school, months_touched(*((shift.starts_at, shift.ends_at) for shift in shifts))
        )
    return shifts


def copy_week(*, source: date, target: date, actor) -> list[Shift]:
    """Copy the scheduled shifts starting in the week of `source` to the week of `target`
    (same weekdays, times and people). The target week must have no scheduled shift yet."""
    missing = {name: (_("请选择日期。"), "required") for name, day in (("source", source), ("target", target))
               if day is None}  # fmt: skip
    if missing:
        raise refusals(missing)
    source_monday, target_monday = monday_of(source), monday_of(target)
    if source_monday == target_monday:
        raise refusal("target", _("请选择另一周。"), "same_week")
    offset = target_monday - source_monday
    source_shifts = list(
        Shift.objects.scheduled()
        .filter(starts_at__range=_half_open(week_bounds(source)))
        .prefetch_related("members")
    )
    if not source_shifts:
        raise refusal("source", _("所选的那一周没有排班，无可复制。"), "nothing_to_copy")
    if Shift.objects.scheduled().filter(starts_at__range=_half_open(week_bounds(target))).exists():
        raise refusal("target", _("目标周已有排班，请先取消或逐个调整。"), "week_not_empty")
    plans = []
    for shift in source_shifts:
        members = sorted(shift.members.all(), key=lambda member: (not member.is_leader, member.pk))
        plans.append(
            PlannedShift(
                shift.kind, _moved(shift.starts_at, offset), _moved(shift.ends_at, offset),
                next((m.person_id for m in members if m.is_leader), None),
                [m.person_id for m in members if not m.is_leader], shift.phone, shift.notes,
            )
        )  # fmt: skip
    return _insert_all(current_school(), plans, actor, ("target", "target"))


def _half_open(bounds: tuple[datetime, datetime]) -> tuple[datetime, datetime]:
    return bounds[0], bounds[1] - timedelta(microseconds=1)


def _moved(moment: datetime, offset: timedelta) -> datetime:
    """The same wall-clock time `offset` days later, in the school's time zone."""
    local = timezone.localtime(moment)
    return timezone.make_aware(local.replace(tzinfo=None) + offset)


def fill_rotation(
    *,
    kind: str,
    first_day: date,
    last_day: date,
    start_time: time,
    end_time: time,
    people,
    holidays_only: bool = False,
    phone: str = "",
    actor,
) -> list[Shift]:
    """Assign people in turn over a date range: one shift a day (a week duty: one a week, from
    the day to four days later, Monday to Friday when it starts on a Monday), each led by the
    next person of the list. With holidays_only, only days without school get a shift."""
    school = current_school()
    errors: dict[str, tuple[str, str]] = {}
    if kind not in ShiftKind.values:
        errors["kind"] = (_("请选择值班类型。"), "invalid_kind")
    if first_day is None:
        errors["first_day"] = (_("请选择开始日期。"), "required")
    if last_day is None:
        errors["last_day"] = (_("请选择结束日期。"), "required")
    elif first_day is not None and last_day < first_day:
        errors["last_day"] = (_("结束日期不能早于开始日期。"), "end_before_start")
    elif first_day is not None and (last_day - first_day).days >= MAX_FILL_DAYS:
        errors["last_day"] = (_("一次最多安排 %(days)s 天。") % {"days": MAX_FILL_DAYS}, "range_too_long")
    if start_time is None:
        errors["start_time"] = (_("请填写每班开始时间。"), "required")
    if end_time is None:
        errors["end_time"] = (_("请填写每班结束时间。"), "required")
    person_ids = [
        person for person in dict.fromkeys(_as_id(person) for person in people or ()) if person is not None
    ]
    if not person_ids:
        errors["people"] = (_("请选择轮值人员。"), "required")
    phone = normalise_phone(phone or "")
    if phone and not is_valid_phone(phone):
        errors["phone"] = (_("请填写 11 位手机号或带区号的固定电话。"), "invalid_phone")
    if errors:
        raise refusals(errors)
    step, length = (7, 4) if kind == ShiftKind.WEEK else (1, 0)
    if end_time <= start_time:
        length += 1  # overnight, e.g. 18:00 to 08:00 the next morning
    open_days = set(school_days(school.district, first_day, last_day)) if holidays_only else set()
    days = []
    day = first_day
    while day <= last_day:
        if not (holidays_only and day in open_days):
            days.append(day)
        day += timedelta(days=step)
    if not days:
        raise refusal("first_day", _("所选日期内没有需要安排的日子（均为上课日）。"), "no_days")
    plans = [
        PlannedShift(
            kind,
            local_moment(day, start_time),
            local_moment(day + timedelta(days=length), end_time),
            person_ids[index % len(person_ids)],
            [],
            phone,
            "",
        )
        for index, day in enumerate(days)
    ]
    return _insert_all(school, plans, actor, ("people", "people"))
