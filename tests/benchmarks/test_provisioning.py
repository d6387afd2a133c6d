"""Issue 2: what provisioning a school costs, by clone and by migrations, and what a no-op
`migrate_schemas` costs over 200 schools. Budget (DESIGN.md): < 1.5 s per school.
Cloning is measured again with 200 schools, to show its cost does not grow with their number.

These benchmarks commit, as production does: they run outside any test transaction
(django_db_blocker.unblock(), no `db` fixture) against the test database pytest-django
made, and they remove every school they made, schema and rows, so a rerun starts clean.
They print figures and assert only correctness, never timings.
"""

from __future__ import annotations

import contextlib
import statistics
import time
from collections import defaultdict
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import connection

from eduplatform.district.models import District
from tenants import actions, schemas
from tenants.actions import SchoolDetails, provision_school
from tenants.models import Domain, School, SchoolKind
from tests.benchmarks.schools import remove_schools

BENCH_DISTRICT = ("779900", "基准测试区教育局")
# Every school made here has a 10-digit code starting with this; no other test uses it.
CODE_PREFIX = "7799"
SCHOOLS_PER_METHOD = 20
NOOP_SCHOOLS = 200
BUDGET_SECONDS = 1.5


def bench_code(series: int, number: int) -> str:
    """Series 1, 2: cloned and migrated; 3: filling up to NOOP_SCHOOLS; 4: one clone after."""
    return f"{CODE_PREFIX}{series}{number:05d}"


def remove_bench_schools() -> None:
    remove_schools(CODE_PREFIX)


@pytest.fixture(scope="module")
def bench_district(django_db_setup, django_db_blocker) -> Iterator[District]:
    with django_db_blocker.unblock():
        remove_bench_schools()
        district, _ = District.objects.get_or_create(
            code=BENCH_DISTRICT[0], defaults={"name": BENCH_DISTRICT[1]}
        )
    yield district
    with django_db_blocker.unblock():
        remove_bench_schools()
        District.objects.filter(code=BENCH_DISTRICT[0]).delete()


@contextlib.contextmanager
def timing_calls(totals: dict[str, float], targets: list[tuple[object, str, str]]) -> Iterator[None]:
    """Add the time spent in each (owner, attribute) to totals[label], changing nothing else."""

    def timed(function, label):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                totals[label] += time.perf_counter() - start

        return wrapper

    originals = [(owner, attribute, getattr(owner, attribute)) for owner, attribute, _ in targets]
    try:
        for (owner, attribute, original), (_, _, label) in zip(originals, targets, strict=True):
            setattr(owner, attribute, timed(original, label))
        yield
    finally:
        for owner, attribute, original in originals:
            setattr(owner, attribute, original)


# Inclusive timings; the report subtracts nested ones to show where the time goes.
CLONE_PARTS = [
    (schemas, "ensure_template_schema", "template check"),
    (schemas, "clone_template_into", "clone_template_into"),
    (schemas, "clone_plan", "clone plan (read once per template state)"),
]
MIGRATE_PARTS = [
    (actions, "call_command", "migrate_schemas"),
    (schemas, "missing_school_migrations", "completeness check"),
]


def provision(district: District, code: str, method: str, totals: dict[str, float]) -> float:
    details = SchoolDetails(code=code, name=f"基准学校{code}", kind=SchoolKind.PRIMARY)
    with timing_calls(totals, CLONE_PARTS if method == "clone" else MIGRATE_PARTS):
        start = time.perf_counter()
        provision_school(district_code=district.code, details=details, method=method)
        elapsed = time.perf_counter() - start
    totals["total"] += elapsed
    return elapsed


def spread(seconds: list[float]) -> str:
    return f"median {statistics.median(seconds):.3f}, min {min(seconds):.3f}, max {max(seconds):.3f}"


def assert_complete(codes: list[str]) -> None:
    connection.set_schema_to_public()
    made = School.objects.filter(code__in=codes)
    assert made.count() == len(codes)
    assert not made.filter(is_ready=False).exists()
    assert Domain.objects.filter(tenant__in=made, is_primary=True).count() == len(codes)
    assert schemas.missing_school_migrations([School.schema_name_for(code) for code in codes]) == {}


def compare_methods(district: District, clone_series: int, migrate_series: int) -> list[str]:
    """Provision SCHOOLS_PER_METHOD schools by each method; the report lines."""
    count = SCHOOLS_PER_METHOD
    clone_seconds: list[float] = []
    migrate_seconds: list[float] = []
    clone_parts: dict[str, float] = defaultdict(float)
    migrate_parts: dict[str, float] = defaultdict(float)
    connection.set_schema_to_public()
    schools_before = School.objects.count()
    # Interleaved, so both methods see the same number of schemas in the catalog.
    for number in range(1, count + 1):
        clone_seconds.append(provision(district, bench_code(clone_series, number), "clone", clone_parts))
        migrate_seconds.append(
            provision(district, bench_code(migrate_series, number), "migrate", migrate_parts)
        )
    assert_complete(
        [bench_code(series, n) for series in (clone_series, migrate_series) for n in range(1, count + 1)]
    )

    def per_school(seconds: float) -> str:
        return f"{seconds / count:.3f} s/school"

    plan = clone_parts["clone plan (read once per template state)"]
    created = clone_parts["clone_template_into"] - plan
    clone_rest = clone_parts["total"] - clone_parts["clone_template_into"] - clone_parts["template check"]
    migrate_rest = (
        migrate_parts["total"] - migrate_parts["migrate_schemas"] - migrate_parts["completeness check"]
    )
    clone_mean = statistics.mean(clone_seconds)
    migrate_mean = statistics.mean(migrate_seconds)
    goal = "met" if clone_mean < BUDGET_SECONDS else "NOT met"
    return [
        f"=== school provisioning, {count} schools by each method (interleaved), "
        f"{schools_before} schools before ===",
        f"provision by clone:   {clone_mean:.3f} s/school ({count} schools; {spread(clone_seconds)})",
        f"    template check (ensure_template_schema)     {per_school(clone_parts['template check'])}",
        f"    clone plan (catalog read once per template) {per_school(plan)}",
        f"    tables, rows, keys, indexes, triggers made  {per_school(created)}",
        f"    validation, rows, audit, commit             {per_school(clone_rest)}",
        f"provision by migrate: {migrate_mean:.3f} s/school ({count} schools; {spread(migrate_seconds)})",
        f"    migrate_schemas for the school              {per_school(migrate_parts['migrate_schemas'])}",
        f"    completeness check                          {per_school(migrate_parts['completeness check'])}",
        f"    validation, rows, CREATE SCHEMA, audit      {per_school(migrate_rest)}",
        f"ratio migrate/clone: {migrate_mean / clone_mean:.1f}x",
        f"goal < {BUDGET_SECONDS} s per school (by clone): {goal} ({clone_mean:.3f} s)",
    ]


def report(lines: list[str]) -> None:
    print("\n" + "\n".join(lines) + "\n", flush=True)


def test_provisioning_by_clone_and_by_migrations(bench_district, django_db_blocker):
    with django_db_blocker.unblock():
        report(compare_methods(bench_district, clone_series=1, migrate_series=2))


def fill_up_to(district: District, total: int) -> list[str]:
    """Provision schools until there are `total`, each by the faster method; the report lines.

    The report shows the clone's cost by the number of schools already there: it must not
    grow (django-tenants' clone_schema, used until 2026-11, grew from 0.9 s to 4.5 s per
    school by 80 schools). Should a clone ever become slower than migrating one school
    (median of the last three), the rest are migrated and the crossover is reported.
    """
    connection.set_schema_to_public()
    schools_before = School.objects.count()
    codes = [bench_code(3, number) for number in range(1, max(0, total - schools_before) + 1)]
    if not codes:
        return [f"=== {schools_before} schools already, nothing to fill ==="]
    started = time.perf_counter()
    migrate_reference = provision(district, codes[0], "migrate", defaultdict(float))
    clone_seconds: list[tuple[int, float]] = []  # (schools already there, seconds)
    migrate_seconds = [migrate_reference]
    crossover = None
    for schools, code in enumerate(codes[1:], start=schools_before + 1):
        if crossover is None:
            clone_seconds.append((schools, provision(district, code, "clone", defaultdict(float))))
            recent = [seconds for _, seconds in clone_seconds[-3:]]
            if len(recent) == 3 and statistics.median(recent) > migrate_reference:
                crossover = schools
        else:
            migrate_seconds.append(provision(district, code, "migrate", defaultdict(float)))
        if (schools + 1) % 20 == 0:
            print(f"  filling: {schools + 1} schools after {time.perf_counter() - started:.0f} s", flush=True)
    assert_complete(codes)

    by_ten: dict[int, list[float]] = defaultdict(list)
    for schools, seconds in clone_seconds:
        by_ten[schools // 10 * 10].append(seconds)
    curve = ", ".join(
        f"{low}-{low + 9}: {statistics.mean(seconds):.2f} s" for low, seconds in sorted(by_ten.items())
    )
    lines = [
        f"=== filling from {schools_before} up to {total} schools, each by the faster method ===",
        f"provision by migrate at {schools_before} schools: {migrate_reference:.3f} s (the reference)",
        f"provision by clone, by schools already there: {curve or 'none'}",
        f"clone slower than migrate (median of 3) from {crossover} schools on"
        if crossover
        else f"clone stayed faster than migrate up to {total} schools",
        f"filled {len(codes)} schools in {time.perf_counter() - started:.0f} s: {len(clone_seconds)} by clone, "
        f"{len(migrate_seconds)} by migrate ({spread(migrate_seconds)})",
    ]
    if len(migrate_seconds) > SCHOOLS_PER_METHOD:
        last = migrate_seconds[-SCHOOLS_PER_METHOD:]
        lines.append(
            f"provision by migrate, last {len(last)} (up to {total} schools): {statistics.mean(last):.3f} s/school"
        )
    return lines


def test_noop_migrate_schemas_over_200_schools(bench_district, django_db_blocker):
    with django_db_blocker.unblock():
        report(fill_up_to(bench_district, NOOP_SCHOOLS))

        connection.set_schema_to_public()
        schema_names = list(School.objects.values_list("schema_name", flat=True))
        assert len(schema_names) >= NOOP_SCHOOLS
        applied_before = schemas.applied_school_migrations(schema_names)
        assert schemas.missing_school_migrations(schema_names) == {}

        start = time.perf_counter()
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)
        noop_seconds = time.perf_counter() - start

        connection.set_schema_to_public()
        # A no-op: nothing applied, nothing missing.
        assert schemas.applied_school_migrations(schema_names) == applied_before
        assert schemas.missing_school_migrations(schema_names) == {}

        # One more school by clone, to say what cloning costs with this many schools.
        clone_parts: dict[str, float] = defaultdict(float)
        clone_seconds = provision(bench_district, bench_code(4, 1), "clone", clone_parts)
        assert_complete([bench_code(4, 1)])

    schools = len(schema_names)
    report(
        [
            f"=== no-op migrate_schemas over {schools} schools ===",
            f"no-op migrate_schemas over {schools} schools: {noop_seconds:.1f} s "
            f"({noop_seconds / schools:.3f} s/school)",
            f"provision by clone at {schools} schools: {clone_seconds:.3f} s (1 school; "
            f"clone_template_into {clone_parts['clone_template_into']:.3f} s)",
        ]
    )
