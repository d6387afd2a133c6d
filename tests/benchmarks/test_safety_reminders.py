"""Issue 5: the daily safety reminder job over 200 schools.

The beat task (eduplatform.safety.tasks.send_all_safety_reminders) fans out one task per
active school; each runs in its school's schema and tells the people responsible what is
due or overdue. Measured three ways in one run:

1. on a real Celery worker (celery.contrib.testing's in-process worker, solo pool: one
   task at a time, on the Redis of REDIS_URL), from sending the beat task to the last
   school's task done: the job's total time and each school's task time;
2. the same job again: it must tell nobody twice (nothing new, nothing escalated twice);
3. the baseline without the broker: after the notifications and escalations are removed,
   remind_school called in-process for each school in turn; it must tell exactly the same
   people the same things as the worker did.

The schools are provisioned by clone (tenants.schemas.clone_template_into, whose cost does
not grow with the number of schools); the time is printed. Each school gets a principal,
two safety officers and three staff members, 20 hazards (5 overdue, one of them long
enough to go to the bureau), daily patrols done in half of the schools, a weekly check
done in none (given to the principal in a quarter of them), a building due for its check
and an emergency plan due for review. Figures are printed; only correctness is asserted.
Everything made here is removed again, except the people (as in test_safety.py).
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun, task_prerun
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from eduplatform.accounts.models import Membership, User
from eduplatform.accounts.roles import Role
from eduplatform.celery import app
from eduplatform.checklists.actions import add_item, create_template, publish_version
from eduplatform.checklists.models import ChecklistTemplate, HazardEscalation
from eduplatform.district.models import District
from eduplatform.notifications.models import Notification
from eduplatform.safety import tasks
from eduplatform.safety.models import (
    Building,
    EmergencyPlan,
    Hazard,
    Inspection,
    InspectionResponsibility,
    InspectionStatus,
)
from tenants.actions import SchoolDetails, provision_school
from tenants.models import School, SchoolKind
from tests.benchmarks.schools import remove_schools

BENCH_DISTRICT = ("779700", "安全提醒基准测试区")
CODE_PREFIX = "7797"  # every school made here; no other test uses it
SCHOOLS = 200
WORKER_TIMEOUT_SECONDS = 1200
OVERDUE = range(15, 20)  # hazards 15-19 of each school are overdue; 19 by 10 days (escalated)
MY_KINDS = {
    "safety.inspection_due",
    "safety.hazard_overdue",
    "safety.hazard_escalated",
    "safety.building_check_due",
    "safety.plan_review_due",
}


def school_code(number: int) -> str:
    return f"{CODE_PREFIX}{number:06d}"


def remove_bench_schools() -> None:
    remove_schools(CODE_PREFIX)


@dataclass
class BenchSchool:
    school: School
    principal: User
    officers: list[User]
    staff: list[User]
    patrols_done: bool
    weekly_to_principal: bool
    overdue_responsible: dict[int, User | None] = field(default_factory=dict)  # hazard pk -> person
    escalated_hazard: int = 0

    @property
    def members(self) -> set[int]:
        return {self.principal.pk, *(user.pk for user in self.officers), *(user.pk for user in self.staff)}


@dataclass
class World:
    district: District
    inspector: User
    daily: ChecklistTemplate
    weekly: ChecklistTemplate
    schools: list[BenchSchool]
    provision_seconds: float
    seed_seconds: float


def people(number: int) -> dict[str, User]:
    """The school's people, made once and kept between runs (see the module docstring)."""
    names = {suffix: f"bench-rem-{number:03d}-{suffix}" for suffix in ("p", "o1", "o2", "s1", "s2", "s3")}
    existing = {user.username: user for user in User.objects.filter(username__in=names.values())}
    unusable = make_password(None)
    missing = [
        User(username=username, name=f"提醒{number:03d}{suffix}", password=unusable)
        for suffix, username in names.items()
        if username not in existing
    ]
    for user in User.objects.bulk_create(missing):
        existing[user.username] = user
    return {suffix: existing[username] for suffix, username in names.items()}


def template(district: District, name: str, category: str, frequency: str) -> ChecklistTemplate:
    found = ChecklistTemplate.objects.filter(district=district, name=name).first()
    if found is not None:
        return found
    made = create_template(
        district=district, actor=None, name=name, category=category, frequency=frequency, school_kinds=[]
    )
    version = made.versions.get()
    for number in range(5):
        add_item(version=version, text=f"{name}第{number + 1}项", kind="pass_fail", actor=None)
    publish_version(version=version, actor=None)
    made.refresh_from_db()
    return made


def weekdays_before(today: date, days: int) -> list[date]:
    return [
        today - timedelta(days=back)
        for back in range(days, 0, -1)
        if (today - timedelta(days=back)).weekday() < 5
    ]


def seed(world: World, bench: BenchSchool, today: date) -> None:
    """The school's own records, written in bulk in its schema."""
    officer, principal = bench.officers[0], bench.principal
    s1, s2, s3 = bench.staff
    with schema_context(bench.school.schema_name), transaction.atomic():
        hazards = []
        for number in range(20):
            if number < 12:  # closed long ago
                status, deadline, responsible = "verified", today - timedelta(days=40 - number), s1
            elif number < 15:  # open, still in time
                status, deadline, responsible = "found", today + timedelta(days=3), s1
            elif number < 19:  # overdue by 1 to 4 days, one with nobody responsible
                status = ("found", "rectifying", "reopened", "found")[number - 15]
                deadline = today - timedelta(days=number - 14)
                responsible = (s2, s2, None, s3)[number - 15]
            else:  # overdue long enough to go to the bureau (district setting: 7 days)
                status, deadline, responsible = "found", today - timedelta(days=10), s1
            hazards.append(
                Hazard(
                    number=f"YH-{bench.school.code}-{number:02d}",
                    source="report",
                    category="fire",
                    severity="major" if number == 19 else "minor",
                    location=f"{number % 4 + 1} 号楼",
                    description=f"提醒基准隐患 {number}",
                    status=status,
                    reported_by=officer,
                    reported_on=deadline - timedelta(days=7),
                    responsible=responsible,
                    deadline=deadline,
                )
            )
        Hazard.objects.bulk_create(hazards)
        for hazard in hazards:
            number = int(hazard.number[-2:])
            if number in OVERDUE:
                bench.overdue_responsible[hazard.pk] = hazard.responsible
            if number == 19:
                bench.escalated_hazard = hazard.pk
        if bench.patrols_done:
            Inspection.objects.bulk_create(
                Inspection(
                    template_id=world.daily.pk,
                    template_version_id=world.daily.current_version_id,
                    title=world.daily.name,
                    category=world.daily.category,
                    frequency=world.daily.frequency,
                    status=InspectionStatus.SUBMITTED,
                    inspector=officer,
                    performed_on=day,
                    submitted_at=timezone.now(),
                )
                for day in weekdays_before(today, 14)
            )
        if bench.weekly_to_principal:
            InspectionResponsibility.objects.create(template_id=world.weekly.pk, person=principal)
        Building.objects.bulk_create(
            Building(
                name=name, built_year=2005, structure="frame", floors=4, area=3000, grade="A", assessed_on=on
            )
            # The first is past its six-monthly check, the second is not.
            for name, on in (("教学楼", today - timedelta(days=215)), ("综合楼", today - timedelta(days=30)))
        )
        EmergencyPlan.objects.bulk_create(
            EmergencyPlan(kind=kind, title=title, version="2026", approver="校长", reviewed_on=on)
            # The first is due for its yearly review, the second is not.
            for kind, title, on in (
                ("fire", "消防应急预案", today - timedelta(days=400)),
                ("earthquake", "地震应急疏散预案", today - timedelta(days=60)),
            )
        )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    today = timezone.localdate()
    with django_db_blocker.unblock():
        remove_bench_schools()
        district, _ = District.objects.get_or_create(
            code=BENCH_DISTRICT[0], defaults={"name": BENCH_DISTRICT[1]}
        )
        inspector = User.objects.filter(username="bench-rem-inspector").first() or User.objects.create_user(
            username="bench-rem-inspector", password=None, name="督导基准"
        )
        Membership.objects.get_or_create(user=inspector, district=district, role=Role.BUREAU_INSPECTOR)
        daily = template(district, "每日巡查（提醒基准）", "daily_patrol", "school_day")
        weekly = template(district, "每周安全检查（提醒基准）", "weekly_check", "weekly")
        world = World(district, inspector, daily, weekly, [], 0.0, 0.0)

        started = time.perf_counter()
        made = []
        for number in range(1, SCHOOLS + 1):
            made.append(
                provision_school(
                    district_code=district.code,
                    details=SchoolDetails(
                        code=school_code(number), name=f"提醒基准学校{number:03d}", kind=SchoolKind.PRIMARY
                    ),
                )
            )
            if number % 50 == 0:
                print(
                    f"\n  provisioned {number} schools in {time.perf_counter() - started:.0f} s", flush=True
                )
        world.provision_seconds = time.perf_counter() - started

        started = time.perf_counter()
        connection.set_schema_to_public()
        memberships = []
        for number, school in enumerate(made, start=1):
            members = people(number)
            bench = BenchSchool(
                school=school,
                principal=members["p"],
                officers=[members["o1"], members["o2"]],
                staff=[members["s1"], members["s2"], members["s3"]],
                patrols_done=number % 2 == 0,
                weekly_to_principal=number % 4 == 0,
            )
            world.schools.append(bench)
            memberships += [Membership(user=bench.principal, school=school, role=Role.PRINCIPAL)]
            memberships += [
                Membership(user=user, school=school, role=Role.SAFETY_OFFICER) for user in bench.officers
            ]
            memberships += [Membership(user=user, school=school, role=Role.STAFF) for user in bench.staff]
        Membership.objects.bulk_create(memberships)
        for bench in world.schools:
            seed(world, bench, today)
        connection.set_schema_to_public()
        world.seed_seconds = time.perf_counter() - started
    yield world
    with django_db_blocker.unblock():
        remove_bench_schools()


def load() -> str:
    return "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def sent(world: World) -> set[tuple[int, int, str, str]]:
    """Every notification of the bench schools: (school, user, kind, dedupe key)."""
    connection.set_schema_to_public()
    return set(
        Notification.objects.filter(school__code__startswith=CODE_PREFIX).values_list(
            "school_id", "user_id", "kind", "dedupe_key"
        )
    )


def forget_reminders(world: World) -> None:
    """Back to the state before the first run: no notifications, nothing escalated."""
    connection.set_schema_to_public()
    Notification.objects.filter(school__code__startswith=CODE_PREFIX).delete()
    HazardEscalation.objects.filter(school__code__startswith=CODE_PREFIX).delete()
    for bench in world.schools:
        with schema_context(bench.school.schema_name):
            Hazard.objects.update(escalated_at=None)
    connection.set_schema_to_public()


class TaskClock:
    """Times each per-school task on the in-process worker and says when all are done."""

    def __init__(self, expected: int):
        self.expected = expected
        self.started: dict[str, float] = {}
        self.seconds: list[float] = []
        self.failed: list[str] = []
        self.done = threading.Event()

    def prerun(self, task_id=None, task=None, **_kwargs):
        if task is not None and task.name == tasks.send_safety_reminders.name:
            self.started[task_id] = time.perf_counter()

    def postrun(self, task_id=None, task=None, state=None, retval=None, **_kwargs):
        if task is None or task.name != tasks.send_safety_reminders.name:
            return
        self.seconds.append(time.perf_counter() - self.started.pop(task_id, time.perf_counter()))
        if state != "SUCCESS":
            self.failed.append(f"{state}: {retval!r}")
        if len(self.seconds) >= self.expected:
            self.done.set()


def run_on_worker(expected: int) -> tuple[float, TaskClock]:
    clock = TaskClock(expected)
    task_prerun.connect(clock.prerun, weak=False)
    task_postrun.connect(clock.postrun, weak=False)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING"
        ):
            started = time.perf_counter()
            tasks.send_all_safety_reminders.delay()
            finished = clock.done.wait(WORKER_TIMEOUT_SECONDS)
            total = time.perf_counter() - started
    finally:
        task_prerun.disconnect(clock.prerun)
        task_postrun.disconnect(clock.postrun)
    assert finished, f"{len(clock.seconds)} of {expected} school tasks done in {WORKER_TIMEOUT_SECONDS} s"
    assert clock.failed == []
    return total, clock


def expected_for(world: World, bench: BenchSchool) -> dict[str, set[tuple[int, str]]]:
    """What this school's people must be told, by kind: {(user, dedupe key or its prefix)}."""
    code = bench.school.code
    today = timezone.localdate()
    officers = {user.pk for user in bench.officers}
    overdue = {
        (user, f"hazard-overdue:{code}:{hazard}:{today.isoformat()}")
        for hazard, responsible in bench.overdue_responsible.items()
        for user in officers | ({responsible.pk} if responsible else set())
    }
    escalated_to = {world.inspector.pk, bench.principal.pk, *officers, bench.staff[0].pk}
    escalated = {(user, f"hazard-escalated:{code}:{bench.escalated_hazard}:overdue") for user in escalated_to}
    weekly_to = {bench.principal.pk} if bench.weekly_to_principal else officers
    due = {(user, f"safety-due:{code}:t{world.weekly.pk}:") for user in weekly_to}
    # The daily patrol: missed (overdue) where none were done; where all were, due today on a school day.
    if not bench.patrols_done or today.weekday() < 5:
        due |= {(user, f"safety-due:{code}:t{world.daily.pk}:") for user in officers}
    return {
        "safety.hazard_overdue": overdue,
        "safety.hazard_escalated": escalated,
        "safety.inspection_due": due,
        "safety.building_check_due": {(user, f"building-check:{code}:") for user in officers},
        "safety.plan_review_due": {(user, f"plan-review:{code}:") for user in officers},
    }


def assert_right_people(world: World, notifications: set[tuple[int, int, str, str]]) -> None:
    by_school: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for school_id, user_id, kind, key in notifications:
        by_school[school_id].append((user_id, kind, key))
    for bench in world.schools:
        told = by_school[bench.school.pk]
        # Nobody outside the school (but its bureau's inspector) hears of it, whatever the kind.
        assert {user for user, _kind, _key in told} <= bench.members | {world.inspector.pk}, bench.school.code
        for kind, expected in expected_for(world, bench).items():
            actual = {(user, key) for user, told_kind, key in told if told_kind == kind}
            if kind in ("safety.hazard_overdue", "safety.hazard_escalated"):
                assert actual == expected, (bench.school.code, kind)
                continue
            # The other keys end with a record and a due date: one occasion per expected prefix.
            matched = set()
            for user, key in actual:
                prefixes = [
                    prefix for person, prefix in expected if person == user and key.startswith(prefix)
                ]
                assert len(prefixes) == 1, (bench.school.code, kind, key)
                matched.add((user, prefixes[0]))
            assert matched == expected and len(actual) == len(expected), (bench.school.code, kind)
    connection.set_schema_to_public()
    escalations = HazardEscalation.objects.filter(school__code__startswith=CODE_PREFIX)
    assert escalations.count() == len(world.schools)
    assert set(escalations.values_list("school_id", "hazard_id")) == {
        (bench.school.pk, bench.escalated_hazard) for bench in world.schools
    }


def spread(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    return (
        f"median {statistics.median(ordered) * 1000:.0f} ms, p95 {ordered[int(len(ordered) * 0.95) - 1] * 1000:.0f} ms, "
        f"max {ordered[-1] * 1000:.0f} ms"
    )


def test_the_daily_reminder_job_over_200_schools(world, django_db_blocker):
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        active = School.objects.active().count()
        assert active >= SCHOOLS
        app.control.purge()  # nothing left in this Redis database by an earlier run

        first_total, first = run_on_worker(active)
        after_first = sent(world)
        assert_right_people(world, after_first)
        kinds = defaultdict(int)
        for _school, _user, kind, _key in after_first:
            kinds[kind] += 1

        second_total, second = run_on_worker(active)
        # A second run tells nobody twice and escalates nothing again.
        assert sent(world) == after_first
        assert HazardEscalation.objects.filter(school__code__startswith=CODE_PREFIX).count() == SCHOOLS

        # The baseline, twice: on a new database session, as the worker's is (PostgreSQL reads
        # each school's catalog entries once per session), then again on the same session.
        in_process = {}
        for session in ("new session", "same session"):
            forget_reminders(world)
            if session == "new session":
                connection.close()
            today = timezone.localdate()
            seconds = in_process[session] = []
            for bench in world.schools:
                with tenant_context(bench.school):
                    started = time.perf_counter()
                    tasks.remind_school(bench.school, today)
                    seconds.append(time.perf_counter() - started)
            # The same people told the same things as on the worker, each in their own school.
            assert sent(world) == after_first

    schools = len(world.schools)
    others = sorted(kind for kind in kinds if kind not in MY_KINDS)
    print(
        f"\n=== the daily safety reminder job over {schools} schools ({load()}) ===\n"
        f"made: {schools} schools provisioned in {world.provision_seconds:.0f} s "
        f"({world.provision_seconds / schools:.2f} s/school), people and records in {world.seed_seconds:.0f} s\n"
        f"first run, real worker (solo pool, Redis): {first_total:.1f} s for {active} school tasks "
        f"({first_total / active * 1000:.0f} ms/school); per task {spread(first.seconds)}\n"
        f"second run (nothing new to tell): {second_total:.1f} s ({second_total / active * 1000:.0f} ms/school); "
        f"per task {spread(second.seconds)}\n"
        + "".join(
            f"baseline, remind_school in-process, no broker, {session}: {sum(seconds):.1f} s "
            f"({spread(seconds)}); worker / this {first_total / sum(seconds):.2f}x\n"
            for session, seconds in in_process.items()
        )
        + f"notifications: {len(after_first)} ("
        + ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
        + f"); escalated to the bureau: {schools}"
        + (f"; other kinds (duty, vehicles): {', '.join(others)}" if others else "")
    )
