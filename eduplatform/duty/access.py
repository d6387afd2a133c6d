"""Who may see and write which duty records of the school whose schema the request is in.

The roster is open to every member of the school (Capability.SCHOOL_VIEW): everyone should
know who is on duty. Managing it takes Capability.SAFETY_RECORD. A shift's log and its
handovers are read by those who watch safety (SAFETY_VIEW) and by the people on the
shift; they are written by the people on the shift, and the log also by whoever records
safety (SAFETY_RECORD, e.g. the safety officer typing up a paper log). Anything a person
may not see is a 404, the same as a record that does not exist.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from eduplatform.accounts.roles import Capability
from eduplatform.duty.models import DutyLog, DutyPhoto, Handover, Shift
from eduplatform.duty.roster import with_people
from eduplatform.safety.access import _one


def _user_id(user):
    return getattr(user, "pk", None)


def shifts_for_user(user, capabilities) -> QuerySet[Shift]:
    return Shift.objects.all() if Capability.SCHOOL_VIEW in capabilities else Shift.objects.none()


def shift_for_user(user, capabilities, pk) -> Shift:
    return _one(with_people(shifts_for_user(user, capabilities)), pk)


def may_manage_roster(capabilities) -> bool:
    return Capability.SAFETY_RECORD in capabilities


def may_write_log(user, capabilities, shift: Shift) -> bool:
    return Capability.SAFETY_RECORD in capabilities or shift.has_person(_user_id(user))


def may_read_log(user, capabilities, shift: Shift) -> bool:
    return Capability.SAFETY_VIEW in capabilities or shift.has_person(_user_id(user))


def may_report_hazard(capabilities) -> bool:
    return Capability.HAZARDS_REPORT in capabilities


def _shift_ids_of(user):
    return Shift.objects.of_person(_user_id(user)).values("pk")


def logs_for_user(user, capabilities) -> QuerySet[DutyLog]:
    if Capability.SAFETY_VIEW in capabilities:
        return DutyLog.objects.all()
    if Capability.SCHOOL_VIEW in capabilities and _user_id(user) is not None:
        return DutyLog.objects.filter(shift__in=_shift_ids_of(user))
    return DutyLog.objects.none()


def log_for_user(user, capabilities, pk) -> DutyLog:
    return _one(logs_for_user(user, capabilities), pk)


def shift_log_for_writing(user, capabilities, shift_pk) -> Shift:
    """The shift whose log the person means to write: a 404 if they may not see it, a 403 if
    they may see it but not write it."""
    from django.core.exceptions import PermissionDenied

    shift = shift_for_user(user, capabilities, shift_pk)
    if not may_write_log(user, capabilities, shift):
        raise PermissionDenied
    return shift


def photo_for_user(user, capabilities, pk) -> DutyPhoto:
    return _one(DutyPhoto.objects.filter(log__in=logs_for_user(user, capabilities)), pk)


def handovers_for_user(user, capabilities) -> QuerySet[Handover]:
    if Capability.SAFETY_VIEW in capabilities:
        return Handover.objects.all()
    if Capability.SCHOOL_VIEW in capabilities and _user_id(user) is not None:
        mine = _shift_ids_of(user)
        return Handover.objects.filter(Q(from_shift__in=mine) | Q(to_shift__in=mine))
    return Handover.objects.none()


def handover_for_user(user, capabilities, pk) -> Handover:
    return _one(handovers_for_user(user, capabilities), pk)
