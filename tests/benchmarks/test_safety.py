"""Issue 5: the safety benchmarks. Budget (DESIGN.md): inspection submit, 40 items, < 300 ms
server time. Figures are printed with a baseline measured in the same run; only
correctness is asserted.

These commit, as production does, in school A-like bench schools made and removed here.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from eduplatform.accounts.models import Membership, User
from eduplatform.accounts.roles import Role
from eduplatform.checklists.actions import add_item, create_template, publish_version
from eduplatform.district.models import District
from eduplatform.safety.actions import start_inspection, submit_inspection
from eduplatform.safety.models import Hazard
from tenants.actions import SchoolDetails, provision_school
from tenants.routing import school_reverse
from tests.benchmarks.test_provisioning import remove_bench_schools

BENCH_DISTRICT = ("779901", "安全基准测试区")
CODE = "7799500001"


@pytest.fixture(scope="module")
def bench(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        remove_bench_schools()
        district, _ = District.objects.get_or_create(
            code=BENCH_DISTRICT[0], defaults={"name": BENCH_DISTRICT[1]}
        )
        school = provision_school(
            district_code=district.code, details=SchoolDetails(code=CODE, name="安全基准小学", kind="primary")
        )
        # Kept between runs: deleting a user would look for its rows in every school app.
        officer = User.objects.filter(username="bench-safety").first() or User.objects.create_user(
            username="bench-safety", password="x-bench-42-secret"
        )
        Membership.objects.create(user=officer, role=Role.SAFETY_OFFICER, school=school)
        template = create_template(
            district=district, actor=None, name="四十项检查", category="weekly_check", frequency="weekly"
        )
        version = template.versions.get()
        for number in range(40):
            add_item(version=version, text=f"检查项 {number + 1}", kind="pass_fail", photo_required_on_failure=False,
                     actor=None)  # fmt: skip
        publish_version(version=version, actor=None)
        template.refresh_from_db()
        yield school, officer, template
        remove_bench_schools()


def test_submitting_a_40_item_inspection(bench, django_db_blocker):
    school, officer, template = bench
    timings = []
    with django_db_blocker.unblock(), schema_context(school.schema_name):
        for run in range(15):
            inspection = start_inspection(template=template, actor=officer)
            answers = {
                item.pk: {"result": "fail" if run % 5 == 0 and item.position == 1 else "pass"}
                for item in inspection.items.all()
            }
            started = time.perf_counter()
            submit_inspection(inspection=inspection, answers=answers, actor=officer)
            timings.append(time.perf_counter() - started)
        assert Hazard.objects.count() == 3
    print(
        f"\ninspection submit, 40 items: median {statistics.median(timings) * 1000:.1f} ms, "
        f"max {max(timings) * 1000:.1f} ms (budget 300 ms)"
    )


def test_the_hazard_list_with_10000_hazards(bench, django_db_blocker):
    school, officer, _template = bench
    today = timezone.localdate()
    with django_db_blocker.unblock():
        with schema_context(school.schema_name):
            Hazard.objects.bulk_create(
                Hazard(
                    number=f"BENCH-{n:05d}",
                    source="report",
                    category="fire" if n % 3 else "electrical",
                    severity=("minor", "major", "critical")[n % 3],
                    location=f"{n % 40} 号楼",
                    description=f"基准隐患 {n}",
                    status=("found", "rectified", "verified")[n % 3],
                    reported_on=today - timedelta(days=n % 365),
                    deadline=today - timedelta(days=(n % 30) - 10),
                )
                for n in range(10_000)
            )
        client = Client()
        client.force_login(officer)
        url = (
            school_reverse(school, "school-api:safety-hazard-list") + "?severity=minor&status=found&overdue=1"
        )
        client.get(url)
        timings = []
        for _ in range(20):
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200 and len(response.json()["results"]) == 50
        with schema_context(school.schema_name), connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(
                "SELECT * FROM safety_hazard WHERE severity='minor' AND status='found' AND deadline < %s "
                "ORDER BY updated_at, id LIMIT 51",
                [today],
            )
            cursor.fetchall()
            raw = time.perf_counter() - started
    timings.sort()
    print(
        f"\nhazard list, 10,000 hazards, filtered, page of 50: p50 {statistics.median(timings) * 1000:.1f} ms, "
        f"p95 {timings[int(len(timings) * 0.95) - 1] * 1000:.1f} ms; raw SQL {raw * 1000:.1f} ms"
    )
