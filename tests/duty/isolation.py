"""School A's duty records for the isolation matrix (tests/isolation/test_matrix.py).

Every record is named with the matrix's marker, so that a page or endpoint showing it to
an outsider fails the matrix. Returns the ids the routes in tests/isolation/routes.py use.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context

from eduplatform.accounts.roles import Role
from eduplatform.duty.models import DutyLog, DutyPhoto, Handover, PatrolRound, Shift, ShiftMember
from tests.world import make_user


def make_duty_records(school, marker: str) -> dict[str, int]:
    # No password: nobody logs in as this person.
    person = make_user(Role.STAFF, school=school, password=None, name=f"{marker}-duty")
    now = timezone.now()
    with schema_context(school.schema_name):
        shift = Shift.objects.create(kind="night", starts_at=now - timedelta(hours=2), ends_at=now + timedelta(hours=6),
                                     phone="13800138000", notes=marker)  # fmt: skip
        after = Shift.objects.create(kind="day", starts_at=now + timedelta(hours=6), ends_at=now + timedelta(hours=16),
                                     notes=marker)  # fmt: skip
        for each in (shift, after):
            ShiftMember.objects.create(shift=each, person_id=person.pk, is_leader=True)
        log = DutyLog.objects.create(shift=shift, summary=marker, report_up=marker)
        patrol = PatrolRound.objects.create(log=log, patrolled_at=now, area=marker, findings=marker)
        photo = DutyPhoto.objects.create(log=log, patrol_round=patrol, image="isolation/none.jpg")
        handover = Handover.objects.create(from_shift=shift, to_shift=after, open_matters=marker,
                                           handed_over_by_id=person.pk, handed_over_at=now)  # fmt: skip
    return {"shift": shift.pk, "log": log.pk, "photo": photo.pk, "handover": handover.pk}
