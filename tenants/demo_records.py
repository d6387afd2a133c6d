"""Records for the demo's first school, so that a new user opening `make run` sees a
ledger, a stocktake to run, hazards, buildings, a drill, a plan and a visitor on campus.

Everything goes through the domains' actions, as a person's work would: movements,
audit events and compliance facts are what they would be. Each part is skipped when its
records already exist, so seeding again changes nothing. The roster is this week's, and the
bus's papers are dated from today, so the demo looks the same whenever it is seeded.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import BytesIO

from django.utils import timezone
from django_tenants.utils import schema_context
from PIL import Image

from eduplatform.accounts.models import User
from eduplatform.organisation.models import Department
from tenants.models import School

GENERAL_EQUIPMENT = "2000000"  # GB/T 14885-2010 通用设备
FURNITURE = "6000000"  # 家具、用具、装具及动植物


def seed_demo_records(school: School, people: dict[str, User], *, log=print) -> None:
    with schema_context(school.schema_name):
        if _seed_assets(people):
            log(f"added demo assets to {school}")
        if _seed_safety(people):
            log(f"added demo safety records to {school}")
        if _seed_duty(people):
            log(f"added this week's duty roster to {school}")
        if _seed_vehicles(people):
            log(f"added a demo school bus and driver to {school}")


def _seed_assets(people: dict[str, User]) -> bool:
    from eduplatform.assets import actions
    from eduplatform.assets.models import Asset

    if Asset.objects.exists():
        return False
    keeper, director, principal = people["assets"], people["logistics"], people["principal"]
    teacher = people["teacher"]
    store = actions.create_location(building="行政楼", floor="1层", room="器材室", actor=keeper)
    classroom = actions.create_location(building="教学楼", floor="3层", room="301", actor=keeper)
    office = actions.create_location(building="行政楼", floor="2层", room="教导处", actor=keeper)
    class_one = actions.create_school_class(
        name="三年级1班", grade=3, number=1, class_teacher=teacher, actor=keeper
    )
    actions.create_school_class(name="三年级2班", grade=3, number=2, actor=keeper)
    teaching = Department.objects.filter(name="教导处").first()

    def register(name, code, price, acquired, *, quantity=1, unit="台", location=store, **details):
        return actions.register_asset(
            details=actions.AssetDetails(
                name=name,
                classification_code=code,
                unit_price=Decimal(price),
                acquisition_date=acquired,
                quantity=quantity,
                unit=unit,
                **details,
            ),
            handler=keeper,
            acceptor=director,
            approver=principal,
            location=location,
            using_department=teaching,
            actor=keeper,
        )

    projector = register("多媒体投影仪", GENERAL_EQUIPMENT, "4580.00", date(2023, 9, 1), brand="爱普生")
    register("实物展台", GENERAL_EQUIPMENT, "1680.00", date(2023, 9, 1), location=office)
    laptop = register("笔记本电脑", GENERAL_EQUIPMENT, "5200.00", date(2024, 3, 12), brand="联想")
    desks = register(
        "学生课桌椅", FURNITURE, "260.00", date(2021, 9, 1), quantity=45, unit="套", location=classroom
    )
    actions.issue_asset(desks, school_class=class_one, actor=keeper)
    actions.issue_asset(laptop, custodian=teacher, actor=keeper)
    actions.borrow_asset(
        projector, borrower=teacher, due_date=timezone.localdate() + timedelta(days=7), actor=keeper
    )

    paper = actions.create_consumable(
        name="A4 复印纸", specification="70g", unit="包", low_stock_threshold=20, actor=keeper
    )
    actions.stock_in(
        paper, quantity=100, unit_price=Decimal("23.50"), supplier="示范区文具公司", actor=keeper
    )
    chalk = actions.create_consumable(name="无尘粉笔", unit="盒", low_stock_threshold=10, actor=keeper)
    actions.stock_in(chalk, quantity=8, unit_price=Decimal("6.00"), actor=keeper)
    return True


def _seed_safety(people: dict[str, User]) -> bool:
    from eduplatform.safety.actions.buildings import record_assessment, register_building
    from eduplatform.safety.actions.drills import record_drill, record_plan
    from eduplatform.safety.actions.hazards import report_hazard
    from eduplatform.safety.actions.visitors import sign_in_visitor
    from eduplatform.safety.models import Building

    if Building.objects.exists():
        return False
    officer, guard, teacher = people["safety"], people["guard"], people["teacher"]
    today = timezone.localdate()
    teaching = register_building(
        name="教学楼", built_year=2008, structure="frame", floors=5, area=Decimal("6200"), actor=officer
    )
    record_assessment(
        building=teaching,
        grade="B",
        assessed_on=today - timedelta(days=150),
        assessor="示范区房屋安全鉴定站",
        notes="三楼走廊栏杆局部松动，已列入维修。",
        actor=officer,
    )
    register_building(
        name="综合楼", built_year=1996, structure="masonry", floors=3, area=Decimal("2400"), actor=officer
    )
    report_hazard(
        category="fire",
        severity="major",
        location="教学楼一楼东侧消防通道",
        description="消防通道堆放课桌椅，影响疏散。",
        photos=[_demo_photo("#8a6d3b")],
        responsible=people["logistics"],
        actor=teacher,
    )
    report_hazard(
        category="electrical",
        severity="minor",
        location="综合楼 2 层计算机教室",
        description="插线板串接使用，线缆裸露。",
        photos=[_demo_photo("#2f4f4f")],
        actor=officer,
    )
    record_drill(
        kind="fire",
        title="秋季消防疏散演练",
        held_on=today - timedelta(days=20),
        students=1180,
        staff=80,
        evacuation_seconds=212,
        evaluation="全体师生 3 分 32 秒内到达操场，秩序良好。",
        problems="二楼西侧楼梯口拥堵。",
        actor=officer,
    )
    record_plan(
        kind="general",
        title="示范区实验小学突发事件总体应急预案",
        version="2026 版",
        approver="张校长",
        reviewed_on=today - timedelta(days=300),
        actor=officer,
    )
    sign_in_visitor(
        name="王师傅",
        id_number=_demo_id_number("11010119800312"),
        phone="13900001234",
        organisation="示范区电力维修公司",
        purpose="配电房例行检修",
        host="刘主任",
        vehicle_plate="京A12345",
        actor=guard,
    )
    return True


def _seed_duty(people: dict[str, User]) -> bool:
    """This week's roster: the principal leads the week, two night shifts, and tonight."""
    from eduplatform.duty.actions.shifts import create_shift
    from eduplatform.duty.models import Shift

    if Shift.objects.exists():
        return False
    officer = people["safety"]
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())

    def at(day: date, hour: int):
        return timezone.make_aware(datetime.combine(day, time(hour)))

    create_shift(
        kind="week",
        starts_at=at(monday, 7),
        ends_at=at(monday + timedelta(days=4), 18),
        leader=people["principal"],
        members=[people["logistics"]],
        phone="13800000003",
        actor=officer,
    )
    for offset, leader in ((0, people["guard"]), (1, people["logistics"])):
        day = today + timedelta(days=offset)
        create_shift(
            kind="night",
            starts_at=at(day, 18),
            ends_at=at(day + timedelta(days=1), 7),
            leader=leader,
            members=[people["guard"]] if leader != people["guard"] else [],
            actor=officer,
        )
    return True


def _seed_vehicles(people: dict[str, User]) -> bool:
    from eduplatform.vehicles.actions import register_driver, register_vehicle
    from eduplatform.vehicles.models import Vehicle

    if Vehicle.objects.exists():
        return False
    officer = people["safety"]
    today = timezone.localdate()
    register_vehicle(
        plate="京A23456",
        kind="school_bus",
        seats=35,
        make_model="宇通 ZK6729DX",
        last_inspected_on=today - timedelta(days=160),
        insurance_expires_on=today + timedelta(days=200),
        operator="示范区实验小学",
        actor=officer,
    )
    register_driver(
        name="郑师傅",
        phone="13900005678",
        id_number=_demo_id_number("11010119780615"),
        licence_number=_demo_id_number("11010119780615"),
        licence_class="A1",
        licence_expires_on=today + timedelta(days=900),
        actor=officer,
    )
    return True


def _demo_photo(colour: str):
    """A plain picture standing in for a phone photo, cleaned as an upload would be."""
    from eduplatform.safety.photos import clean_photo

    buffer = BytesIO()
    Image.new("RGB", (640, 480), colour).save(buffer, format="JPEG")
    buffer.seek(0)
    return clean_photo(buffer)


def _demo_id_number(first14: str) -> str:
    """A made-up ID number with a valid check character (the last four: 0011 + check)."""
    from eduplatform.safety.identity import id_check_character

    first17 = f"{first14}001"
    return first17 + id_check_character(first17)
