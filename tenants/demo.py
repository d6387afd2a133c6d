"""The demo district: 示范区教育局, three schools and one account per role, and records in
the first school (tenants.demo_records).

Idempotent: running it again changes nothing that is already there. The demo password
exists only here and in README; no other code knows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from eduplatform.accounts.models import Membership, User
from eduplatform.accounts.roles import Role
from eduplatform.district.models import District
from tenants.actions import SchoolDetails, provision_school
from tenants.demo_records import seed_demo_records
from tenants.models import School, SchoolKind

DEMO_PASSWORD = "Demo-Campus-2026"  # noqa: S105 - a published demo password, see README
DEMO_DISTRICT_CODE = "990101"
DEMO_DISTRICT_NAME = "示范区教育局"

DEMO_SCHOOLS = [
    SchoolDetails(
        code="2199000001",
        name="示范区实验小学",
        kind=SchoolKind.PRIMARY,
        address="示范区学府路 1 号",
        student_count=1260,
        staff_count=86,
    ),
    SchoolDetails(
        code="2199000002",
        name="示范区第一初级中学",
        kind=SchoolKind.JUNIOR,
        address="示范区育才路 18 号",
        student_count=1540,
        staff_count=132,
    ),
    SchoolDetails(
        code="2199000003",
        name="示范区阳光幼儿园",
        kind=SchoolKind.KINDERGARTEN,
        address="示范区春晖街 6 号",
        student_count=320,
        staff_count=41,
    ),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    phone: str
    role: Role
    school_code: str | None  # None: a bureau account of the demo district


DEMO_ACCOUNTS = [
    DemoAccount("bureau.admin", "王局长", "13800000001", Role.BUREAU_ADMIN, None),
    DemoAccount("bureau.inspector", "李督导", "13800000002", Role.BUREAU_INSPECTOR, None),
    DemoAccount("principal", "张校长", "13800000003", Role.PRINCIPAL, "2199000001"),
    DemoAccount("logistics", "刘主任", "13800000004", Role.LOGISTICS_DIRECTOR, "2199000001"),
    DemoAccount("assets", "陈老师", "13800000005", Role.ASSET_KEEPER, "2199000001"),
    DemoAccount("canteen", "赵师傅", "13800000006", Role.CANTEEN_MANAGER, "2199000001"),
    DemoAccount("safety", "孙干事", "13800000007", Role.SAFETY_OFFICER, "2199000001"),
    DemoAccount("teacher", "周老师", "13800000008", Role.STAFF, "2199000001"),
    DemoAccount("guard", "吴师傅", "13800000009", Role.GUARD, "2199000001"),
]


def seed_demo(*, log=print) -> None:
    district, created = District.objects.get_or_create(
        code=DEMO_DISTRICT_CODE, defaults={"name": DEMO_DISTRICT_NAME}
    )
    if created:
        log(f"created district {district}")
    from eduplatform.checklists.library import seed_library

    made = seed_library(district)
    if made:
        log(f"published {made} inspection templates")
    for details in DEMO_SCHOOLS:
        if not School.objects.filter(code=details.code).exists():
            school = provision_school(district_code=district.code, details=details)
            log(f"created school {school}")
    people: dict[str, User] = {}
    for account in DEMO_ACCOUNTS:
        with transaction.atomic():
            user, created = User.objects.get_or_create(
                username=account.username, defaults={"name": account.name, "phone": account.phone}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                log(f"created account {account.username} ({account.role.label})")
            scope = (
                {"school": School.objects.get(code=account.school_code)}
                if account.school_code
                else {"district": district}
            )
            Membership.objects.get_or_create(user=user, role=account.role, **scope)
            people[account.username] = user
    seed_demo_records(School.objects.get(code=DEMO_SCHOOLS[0].code), people, log=log)
