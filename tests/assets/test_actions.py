"""Each action's rules: what it allows, what it refuses (with which code), and that a
refusal leaves nothing behind."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, InternalError, ProgrammingError, transaction
from django.utils import timezone

from eduplatform.accounts.roles import Role
from eduplatform.assets import actions
from eduplatform.assets.models import (
    Asset,
    AssetKind,
    AssetMovement,
    AssetStatus,
    ConsumableMovement,
    DisposalStatus,
    MovementKind,
    card_state,
    replay,
)
from eduplatform.audit.models import AuditEvent
from tests.assets.conftest import FURNITURE, SPECIAL_EQUIPMENT, details
from tests.world import make_user


def refusal_code(raised: pytest.ExceptionInfo) -> str:
    error = raised.value
    return next(item.code for items in error.error_dict.values() for item in items)


def refusal_field(raised: pytest.ExceptionInfo) -> str:
    return next(iter(raised.value.error_dict))


# --- Registration ------------------------------------------------------------------------


def test_registration_makes_a_card_in_stock_with_its_movement_audit_and_number(projector, people, places):
    assert projector.number == f"ZC2023{1:05d}"
    assert projector.status == AssetStatus.IN_STOCK
    assert projector.kind == AssetKind.FIXED
    assert projector.useful_life_years == 6
    assert projector.original_value == Decimal("4580.00")
    assert projector.location == places.storeroom
    assert projector.classification_name == "通用设备"
    movement = projector.movements.get()
    assert movement.kind == MovementKind.REGISTER
    assert (movement.handler, movement.acceptor, movement.approver) == (
        people.keeper,
        people.director,
        people.principal,
    )
    assert movement.changes["status"] == ["", "in_stock"]
    assert replay(projector.movements.all()) == card_state(projector)
    audited = AuditEvent.objects.filter(object_type="assets.asset", object_id=str(projector.pk))
    assert audited.get().action == "create"
    assert audited.get().after["number"] == projector.number


def test_registration_numbers_follow_the_pattern_in_sequence(register):
    first, second = register(), register(acquisition_date=date(2024, 3, 1))
    third = register()
    assert [first.number, second.number, third.number] == ["ZC202300001", "ZC202400001", "ZC202300002"]


def test_the_kind_follows_the_district_thresholds(register):
    assert register(unit_price=Decimal("999.99")).kind == AssetKind.LOW_VALUE
    assert register(unit_price=Decimal("1000.00")).kind == AssetKind.FIXED
    # Special equipment is a fixed asset only from 1,500 CNY.
    assert (
        register(classification_code=SPECIAL_EQUIPMENT, unit_price=Decimal("1200")).kind
        == AssetKind.LOW_VALUE
    )
    special = register(classification_code=SPECIAL_EQUIPMENT, unit_price=Decimal("1500"))
    assert (special.kind, special.useful_life_years) == (AssetKind.FIXED, 10)
    assert register(unit_price=Decimal("500")).useful_life_years == 0


def test_a_batch_card_has_a_quantity_and_its_value(register):
    stools = register(
        name="学生凳", classification_code=FURNITURE, unit_price=Decimal("80"), quantity=400, unit="张"
    )
    assert (stools.quantity, stools.original_value, stools.kind) == (
        400,
        Decimal("32000.00"),
        AssetKind.LOW_VALUE,
    )


@pytest.mark.parametrize(
    ("roles", "field", "code"),
    [
        (("keeper", "keeper", "principal"), "acceptor", "same_person"),
        (("keeper", "director", "keeper"), "approver", "same_person"),
        (("keeper", "director", "teacher"), "approver", "not_an_approver"),
    ],
)
def test_registration_needs_three_different_people_and_a_real_approver(people, places, roles, field, code):
    handler, acceptor, approver = (getattr(people, role) for role in roles)
    with pytest.raises(ValidationError) as raised:
        actions.register_asset(
            details=details(), handler=handler, acceptor=acceptor, approver=approver, actor=people.keeper
        )
    assert (refusal_field(raised), refusal_code(raised)) == (field, code)
    assert not Asset.objects.exists()


def test_registration_refuses_a_person_of_another_school(people, school_b):
    outsider = make_user(Role.PRINCIPAL, school=school_b)
    with pytest.raises(ValidationError) as raised:
        actions.register_asset(
            details=details(),
            handler=people.keeper,
            acceptor=people.director,
            approver=outsider,
            actor=people.keeper,
        )
    assert refusal_code(raised) == "not_a_member"


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"classification_code": "2010000"}, "classification_code", "unknown_code"),
        ({"classification_code": "20100"}, "classification_code", "invalid_code"),
        ({"unit_price": Decimal("-1")}, "unit_price", "invalid_amount"),
        ({"unit_price": "四千"}, "unit_price", "invalid_amount"),
        ({"unit_price": Decimal("10.001")}, "unit_price", "invalid_amount"),
        ({"acquisition_date": timezone.localdate() + timedelta(days=2)}, "acquisition_date", "future_date"),
        ({"name": "  "}, "name", "required"),
        ({"quantity": 0}, "quantity", "invalid_quantity"),
        ({"funding": "gift"}, "funding", "invalid_choice"),
    ],
)
def test_registration_refuses_bad_details(people, overrides, field, code):
    with pytest.raises(ValidationError) as raised:
        actions.register_asset(
            details=details(**overrides),
            handler=people.keeper,
            acceptor=people.director,
            approver=people.principal,
            actor=people.keeper,
        )
    assert (refusal_field(raised), refusal_code(raised)) == (field, code)
    assert not Asset.objects.exists()
    assert not AssetMovement.objects.exists()


def test_registration_refuses_a_duplicate_number(register):
    register(number="ZC-OLD-1")
    with pytest.raises(ValidationError) as raised:
        register(number="ZC-OLD-1")
    assert refusal_code(raised) == "duplicate_number"
    with pytest.raises(ValidationError) as raised:
        register(number="编号 1")
    assert refusal_code(raised) == "invalid_number"


# --- Issue, reclaim, borrow, return --------------------------------------------------------


def test_issue_to_a_person_and_reclaim(projector, people, places):
    actions.issue_asset(projector, custodian=people.teacher, location=places.classroom, actor=people.keeper)
    projector.refresh_from_db()
    assert (projector.status, projector.custodian, projector.custodian_name) == (
        AssetStatus.IN_USE,
        people.teacher,
        "周老师",
    )
    actions.reclaim_asset(projector, location=places.storeroom, actor=people.keeper)
    projector.refresh_from_db()
    assert (projector.status, projector.custodian_id, projector.location) == (
        AssetStatus.IN_STOCK,
        None,
        places.storeroom,
    )


def test_issue_refuses_a_card_not_in_stock_and_an_empty_recipient(projector, people):
    with pytest.raises(ValidationError) as raised:
        actions.issue_asset(projector, actor=people.keeper)
    assert refusal_code(raised) == "required"
    actions.borrow_asset(
        projector, borrower=people.teacher, due_date=timezone.localdate(), actor=people.keeper
    )
    with pytest.raises(ValidationError) as raised:
        actions.issue_asset(projector, custodian=people.other_teacher, actor=people.keeper)
    assert refusal_code(raised) == "not_in_stock"


def test_lend_and_get_back_a_projector(projector, people):
    due = timezone.localdate() + timedelta(days=7)
    actions.borrow_asset(projector, borrower=people.teacher, due_date=due, actor=people.keeper)
    projector.refresh_from_db()
    assert (projector.status, projector.borrower, projector.borrow_due_date) == (
        AssetStatus.BORROWED,
        people.teacher,
        due,
    )
    movement = actions.return_asset(projector, condition="good", actor=people.keeper)
    projector.refresh_from_db()
    assert (projector.status, projector.borrower_id, projector.borrow_due_date) == (
        AssetStatus.IN_STOCK,
        None,
        None,
    )
    assert movement.condition == "good"
    assert [m.kind for m in projector.movements.all()] == ["register", "borrow", "return"]


def test_returning_what_was_not_borrowed_is_refused(projector, people):
    with pytest.raises(ValidationError) as raised:
        actions.return_asset(projector, actor=people.keeper)
    assert refusal_code(raised) == "not_borrowed"
    assert projector.movements.count() == 1


def test_borrow_refuses_a_due_date_before_the_loan_and_a_card_in_use(projector, people):
    with pytest.raises(ValidationError) as raised:
        actions.borrow_asset(
            projector,
            borrower=people.teacher,
            due_date=timezone.localdate() - timedelta(days=1),
            actor=people.keeper,
        )
    assert refusal_code(raised) == "due_before_borrow"
    actions.issue_asset(projector, custodian=people.other_teacher, actor=people.keeper)
    with pytest.raises(ValidationError) as raised:
        actions.borrow_asset(
            projector, borrower=people.teacher, due_date=timezone.localdate(), actor=people.keeper
        )
    assert refusal_code(raised) == "not_in_stock"


def test_a_damaged_return_leaves_the_card_damaged(projector, people):
    actions.borrow_asset(
        projector, borrower=people.teacher, due_date=timezone.localdate(), actor=people.keeper
    )
    actions.return_asset(projector, condition="damaged", actor=people.keeper)
    projector.refresh_from_db()
    assert projector.status == AssetStatus.DAMAGED


# --- Transfer -------------------------------------------------------------------------------------


def test_transfer_desks_between_classes(register, people, places, school_class):
    other_class = actions.create_school_class(name="三年级3班", grade=3, number=3, actor=people.director)
    desks = [
        register(
            name="课桌椅", classification_code=FURNITURE, unit_price=Decimal("260"), school_class=school_class
        )
        for _ in range(3)
    ]
    assert {desk.status for desk in desks} == {AssetStatus.IN_USE}
    movements = actions.transfer_assets(
        desks, to_class=other_class, to_location=places.lab, approver=people.director, actor=people.keeper
    )
    assert len(movements) == 3
    for desk in desks:
        desk.refresh_from_db()
        assert (desk.school_class, desk.location) == (other_class, places.lab)
        assert desk.movements.last().approver == people.director


def test_transfer_to_an_unknown_room_is_refused(projector, people, places):
    places.lab.is_active = False
    places.lab.save()
    with pytest.raises(ValidationError) as raised:
        actions.transfer_asset(
            projector, to_location=places.lab, approver=people.director, actor=people.keeper
        )
    assert (refusal_field(raised), refusal_code(raised)) == ("to_location", "unknown_location")
    projector.refresh_from_db()
    assert projector.location == places.storeroom


def test_transfer_needs_an_approver_and_a_change(projector, people, places):
    with pytest.raises(ValidationError) as raised:
        actions.transfer_asset(
            projector, to_location=places.lab, approver=people.teacher, actor=people.keeper
        )
    assert refusal_code(raised) == "not_an_approver"
    with pytest.raises(ValidationError) as raised:
        actions.transfer_asset(
            projector, to_location=places.storeroom, approver=people.director, actor=people.keeper
        )
    assert refusal_code(raised) == "nothing_to_transfer"
    assert projector.movements.count() == 1


def test_a_batch_transfer_is_all_or_nothing(register, people, places):
    first, second = register(), register()
    actions.borrow_asset(second, borrower=people.teacher, due_date=timezone.localdate(), actor=people.keeper)
    with pytest.raises(ValidationError) as raised:
        actions.transfer_assets(
            [first, second], to_location=places.lab, approver=people.director, actor=people.keeper
        )
    assert refusal_code(raised) == "not_transferable"
    first.refresh_from_db()
    assert first.location == places.storeroom
    assert first.movements.count() == 1


# --- Repair, damage, compensation --------------------------------------------------------------------


def test_repair_out_and_back(projector, people):
    actions.issue_asset(projector, custodian=people.teacher, actor=people.keeper)
    actions.send_for_repair(projector, vendor="维修中心", fault="灯泡不亮", actor=people.keeper)
    projector.refresh_from_db()
    assert projector.status == AssetStatus.IN_REPAIR
    movement = actions.return_from_repair(
        projector, is_repaired=True, cost=Decimal("320.00"), actor=people.keeper
    )
    projector.refresh_from_db()
    assert projector.status == AssetStatus.IN_USE  # back with its holder
    assert movement.details == {"is_repaired": True, "cost": "320.00"}
    with pytest.raises(ValidationError) as raised:
        actions.return_from_repair(projector, is_repaired=True, actor=people.keeper)
    assert refusal_code(raised) == "not_in_repair"


def test_beyond_repair_leaves_it_damaged(projector, people):
    actions.send_for_repair(projector, vendor="维修中心", fault="主板烧毁", actor=people.keeper)
    actions.return_from_repair(projector, is_repaired=False, actor=people.keeper)
    projector.refresh_from_db()
    assert projector.status == AssetStatus.DAMAGED


def test_damage_with_compensation_and_its_payment(projector, people):
    report = actions.report_damage(
        projector,
        description="镜头摔裂",
        responsible_name="学生王某",
        compensation_amount=Decimal("300.00"),
        actor=people.keeper,
    )
    projector.refresh_from_db()
    assert projector.status == AssetStatus.DAMAGED
    assert report.is_owed
    actions.record_compensation_paid(report, actor=people.keeper)
    report.refresh_from_db()
    assert report.is_paid and report.paid_on == timezone.localdate()
    assert projector.movements.last().kind == MovementKind.COMPENSATION
    with pytest.raises(ValidationError) as raised:
        actions.record_compensation_paid(report, actor=people.keeper)
    assert refusal_code(raised) == "already_paid"


def test_damage_refuses_compensation_without_someone_to_pay_it(projector, people):
    with pytest.raises(ValidationError) as raised:
        actions.report_damage(projector, description="划伤", compensation_amount="50", actor=people.keeper)
    assert (refusal_field(raised), refusal_code(raised)) == ("responsible_name", "required")
    with pytest.raises(ValidationError) as raised:
        actions.report_damage(
            projector,
            description="划伤",
            responsible_name="某",
            compensation_amount="-5",
            actor=people.keeper,
        )
    assert refusal_code(raised) == "invalid_amount"


# --- Disposal -----------------------------------------------------------------------------------------


def test_a_cheap_card_is_disposed_after_the_directors_approval(projector, people):
    request = actions.request_disposal(projector, method="scrap", reason="超过使用年限", actor=people.keeper)
    assert request.steps == ["logistics_director"]
    projector.refresh_from_db()
    assert projector.status == AssetStatus.DISPOSAL_PENDING
    actions.approve_disposal(request, note="同意", actor=people.director)
    request.refresh_from_db()
    projector.refresh_from_db()
    assert (request.status, projector.status) == (DisposalStatus.APPROVED, AssetStatus.DISPOSED)


def test_disposing_of_a_disposed_card_is_refused(projector, people):
    request = actions.request_disposal(projector, method="scrap", reason="损坏", actor=people.keeper)
    actions.approve_disposal(request, actor=people.director)
    with pytest.raises(ValidationError) as raised:
        actions.request_disposal(projector, method="scrap", reason="再次", actor=people.keeper)
    assert refusal_code(raised) == "already_disposed"


def test_the_approval_chain_grows_with_the_value(register, people):
    expensive = register(name="录播系统", unit_price=Decimal("50000"))
    request = actions.request_disposal(expensive, method="scrap", reason="淘汰", actor=people.keeper)
    assert request.steps == ["logistics_director", "principal"]
    with pytest.raises(PermissionDenied):
        actions.approve_disposal(request, actor=people.principal)  # the director comes first
    actions.approve_disposal(request, actor=people.director)
    expensive.refresh_from_db()
    assert expensive.status == AssetStatus.DISPOSAL_PENDING
    actions.approve_disposal(request, actor=people.principal)
    expensive.refresh_from_db()
    assert expensive.status == AssetStatus.DISPOSED


def test_one_person_cannot_approve_two_steps(register, people, in_school):
    both = make_user(Role.PRINCIPAL, school=in_school)
    from eduplatform.accounts.models import Membership

    Membership.objects.create(user=both, school=in_school, role=Role.LOGISTICS_DIRECTOR)
    card = register(unit_price=Decimal("20000"))
    request = actions.request_disposal(card, method="sale", reason="闲置", actor=people.keeper)
    actions.approve_disposal(request, actor=both)
    with pytest.raises(ValidationError) as raised:
        actions.approve_disposal(request, actor=both)
    assert refusal_code(raised) == "same_approver"


def test_a_rejected_disposal_returns_the_card_to_its_status(projector, people):
    actions.issue_asset(projector, custodian=people.teacher, actor=people.keeper)
    request = actions.request_disposal(projector, method="scrap", reason="旧", actor=people.keeper)
    with pytest.raises(ValidationError):
        actions.reject_disposal(request, note="", actor=people.director)
    actions.reject_disposal(request, note="仍可使用", actor=people.director)
    projector.refresh_from_db()
    request.refresh_from_db()
    assert (projector.status, request.status) == (AssetStatus.IN_USE, DisposalStatus.REJECTED)


def test_a_borrowed_card_cannot_be_disposed_of(projector, people):
    actions.borrow_asset(
        projector, borrower=people.teacher, due_date=timezone.localdate(), actor=people.keeper
    )
    with pytest.raises(ValidationError) as raised:
        actions.request_disposal(projector, method="scrap", reason="x", actor=people.keeper)
    assert refusal_code(raised) == "not_disposable"


# --- Stocktake guard ---------------------------------------------------------------------------------


def test_a_card_counted_in_an_open_stocktake_cannot_move(projector, register, people, places):
    uncounted = register()
    stocktake = actions.open_stocktake(
        name="期末盘点", scope="school", reference_date=timezone.localdate(), actor=people.keeper
    )
    actions.record_count(stocktake, asset=projector, actor=people.keeper)
    with pytest.raises(ValidationError) as raised:
        actions.transfer_asset(
            projector, to_location=places.lab, approver=people.director, actor=people.keeper
        )
    assert refusal_code(raised) == "counted_in_open_stocktake"
    # A card not yet counted may still move.
    actions.transfer_asset(uncounted, to_location=places.lab, approver=people.director, actor=people.keeper)
    actions.mark_uncounted_not_found(stocktake, actor=people.keeper)
    actions.close_stocktake(stocktake, actor=people.director)
    actions.transfer_asset(projector, to_location=places.lab, approver=people.director, actor=people.keeper)


# --- Consumables ---------------------------------------------------------------------------------------


def test_stock_in_and_out_with_requester_and_approver(people, places):
    paper = actions.create_consumable(
        name="A4 复印纸", specification="70g", unit="包", low_stock_threshold=5, actor=people.keeper
    )
    actions.stock_in(paper, quantity=20, unit_price=Decimal("23.50"), supplier="文具店", actor=people.keeper)
    movement = actions.stock_out(
        paper, quantity=6, department=places.teaching, requester=people.teacher, approver=people.director,
        actor=people.keeper,
    )  # fmt: skip
    paper.refresh_from_db()
    assert (paper.on_hand, movement.on_hand_after) == (14, 14)
    with pytest.raises(ValidationError) as raised:
        actions.stock_out(
            paper, quantity=15, department=places.teaching, requester=people.teacher, approver=people.director,
            actor=people.keeper,
        )  # fmt: skip
    assert refusal_code(raised) == "insufficient_stock"
    with pytest.raises(ValidationError) as raised:
        actions.stock_out(
            paper, quantity=1, department=places.teaching, requester=people.director, approver=people.director,
            actor=people.keeper,
        )  # fmt: skip
    assert refusal_code(raised) == "same_person"
    paper.refresh_from_db()
    assert paper.on_hand == 14
    assert ConsumableMovement.objects.filter(consumable=paper).count() == 2


def test_worn_for_new_items_need_the_worn_one(people, places):
    mop = actions.create_consumable(name="拖把", requires_worn_return=True, actor=people.keeper)
    actions.stock_in(mop, quantity=10, actor=people.keeper)
    with pytest.raises(ValidationError) as raised:
        actions.stock_out(
            mop, quantity=2, worn_returned=1, department=places.logistics, requester=people.teacher,
            approver=people.director, actor=people.keeper,
        )  # fmt: skip
    assert (refusal_field(raised), refusal_code(raised)) == ("worn_returned", "worn_not_returned")
    actions.stock_out(
        mop, quantity=2, worn_returned=2, department=places.logistics, requester=people.teacher,
        approver=people.director, actor=people.keeper,
    )  # fmt: skip
    mop.refresh_from_db()
    assert mop.on_hand == 8


# --- The ledger itself -----------------------------------------------------------------------------------


def test_movements_are_append_only_in_the_database(projector):
    movement = projector.movements.get()
    for statement in (
        lambda: AssetMovement.objects.filter(pk=movement.pk).update(note="改写"),
        lambda: AssetMovement.objects.filter(pk=movement.pk).delete(),
    ):
        with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
            statement()


def test_updating_details_is_audited_and_a_value_correction_is_a_movement(projector, people):
    actions.update_asset_details(projector, changes={"finance_number": "CZ-0001"}, actor=people.keeper)
    projector.refresh_from_db()
    assert projector.finance_number == "CZ-0001"
    assert projector.movements.count() == 1
    actions.update_asset_details(
        projector, changes={"original_value": Decimal("4500.00")}, actor=people.keeper
    )
    projector.refresh_from_db()
    assert projector.movements.last().kind == MovementKind.CORRECTION
    assert replay(projector.movements.all()) == card_state(projector)
    with pytest.raises(ValidationError) as raised:
        actions.update_asset_details(projector, changes={"status": "disposed"}, actor=people.keeper)
    assert refusal_code(raised) == "not_editable"


def test_a_costly_disposal_goes_up_to_the_bureau(register, people, in_school, world):
    bureau_admin = make_user(Role.BUREAU_ADMIN, district=world.district)
    recorder = register(name="录播教室设备", unit_price=Decimal("180000"))
    request = actions.request_disposal(recorder, method="scrap", reason="设备淘汰", actor=people.keeper)
    assert request.steps == ["logistics_director", "principal", "bureau_admin"]
    actions.approve_disposal(request, actor=people.director)
    actions.approve_disposal(request, actor=people.principal)
    with pytest.raises(PermissionDenied):
        actions.approve_disposal(request, actor=people.director)  # the bureau's step, not the school's
    actions.approve_disposal(request, note="同意报废", actor=bureau_admin)
    recorder.refresh_from_db()
    assert recorder.status == AssetStatus.DISPOSED
    assert [approval.role for approval in request.approvals.order_by("step")] == [
        "logistics_director",
        "principal",
        "bureau_admin",
    ]
