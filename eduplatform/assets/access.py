"""Who may see which assets records. Pages and API views load records from user input only here.

The school itself was checked by the routing and membership layers, and its schema holds
nothing of another school, so another school's card is simply not there: a 404. Within
the school: `assets.view` sees every card; someone who may only borrow (`assets.borrow`,
teachers) sees the cards they hold, have borrowed, or that belong to a class they teach.

Each helper takes the principal's capabilities in this school when the caller already
has them (a request does), and looks them up otherwise.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from eduplatform.accounts.access import school_capabilities
from eduplatform.accounts.models import User
from eduplatform.accounts.roles import SCHOOL_ROLES, Capability
from eduplatform.assets.models import (
    Asset,
    AssetMovement,
    ClassPropertyList,
    Consumable,
    ConsumableMovement,
    DamageReport,
    DisposalRequest,
    ImportJob,
    Location,
    SchoolClass,
    Stocktake,
    StocktakeItem,
)
from eduplatform.audit.trail import current_school


def _capabilities(principal, capabilities) -> frozenset[Capability]:
    if capabilities is not None:
        return frozenset(capabilities)
    school = current_school()
    return school_capabilities(principal, school) if school is not None else frozenset()


def _user_pk(principal) -> int | None:
    return principal.pk if isinstance(principal, User) else None


def _get(queryset: QuerySet, pk) -> object:
    try:
        found = queryset.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise Http404("No such record")
    return found


def assets_for_user(principal, *, capabilities=None) -> QuerySet[Asset]:
    granted = _capabilities(principal, capabilities)
    if Capability.ASSETS_VIEW in granted:
        return Asset.objects.all()
    user_pk = _user_pk(principal)
    if Capability.ASSETS_BORROW in granted and user_pk is not None:
        return Asset.objects.filter(
            Q(custodian_id=user_pk) | Q(borrower_id=user_pk) | Q(school_class__class_teacher_id=user_pk)
        )
    return Asset.objects.none()


def asset_for_user(principal, asset_id, *, capabilities=None) -> Asset:
    # Not split_from: another card's forty columns in every card's query (half of the card
    # page's time went into compiling it), for the few cards that are parts of a batch.
    return _get(
        assets_for_user(principal, capabilities=capabilities).select_related(
            "location", "using_department", "managing_department", "school_class", "custodian", "borrower"
        ),
        asset_id,
    )


def asset_by_number_for_user(principal, number: str, *, capabilities=None) -> Asset:
    """The card a scanned label names, for anyone allowed to see it; otherwise 404."""
    asset = assets_for_user(principal, capabilities=capabilities).filter(number=str(number)[:40]).first()
    if asset is None:
        raise Http404("No such asset")
    return asset


def movements_for_user(principal, *, capabilities=None) -> QuerySet[AssetMovement]:
    if Capability.ASSETS_VIEW not in _capabilities(principal, capabilities):
        return AssetMovement.objects.none()
    return AssetMovement.objects.all()


def movements_of(asset: Asset) -> QuerySet[AssetMovement]:
    """A card's history, oldest first; the card was loaded through asset_for_user."""
    return asset.movements.select_related("handler", "acceptor", "approver", "actor").order_by("id")


def _viewer_only(model, principal, capabilities, capability=Capability.ASSETS_VIEW) -> QuerySet:
    if capability not in _capabilities(principal, capabilities):
        return model.objects.none()
    return model.objects.all()


def damage_reports_for_user(principal, *, capabilities=None) -> QuerySet[DamageReport]:
    return _viewer_only(DamageReport, principal, capabilities)


def damage_report_for_user(principal, report_id, *, capabilities=None) -> DamageReport:
    return _get(
        damage_reports_for_user(principal, capabilities=capabilities).select_related("asset"), report_id
    )


def disposal_requests_for_user(principal, *, capabilities=None) -> QuerySet[DisposalRequest]:
    return _viewer_only(DisposalRequest, principal, capabilities)


def disposal_request_for_user(principal, request_id, *, capabilities=None) -> DisposalRequest:
    return _get(
        disposal_requests_for_user(principal, capabilities=capabilities).select_related("asset"), request_id
    )


def consumables_for_user(principal, *, capabilities=None) -> QuerySet[Consumable]:
    return _viewer_only(Consumable, principal, capabilities)


def consumable_for_user(principal, consumable_id, *, capabilities=None) -> Consumable:
    return _get(consumables_for_user(principal, capabilities=capabilities), consumable_id)


def consumable_movements_for_user(principal, *, capabilities=None) -> QuerySet[ConsumableMovement]:
    return _viewer_only(ConsumableMovement, principal, capabilities)


def stocktakes_for_user(principal, *, capabilities=None) -> QuerySet[Stocktake]:
    return _viewer_only(Stocktake, principal, capabilities)


def stocktake_for_user(principal, stocktake_id, *, capabilities=None) -> Stocktake:
    return _get(stocktakes_for_user(principal, capabilities=capabilities), stocktake_id)


def stocktake_item_for_user(principal, stocktake: Stocktake, item_id, *, capabilities=None) -> StocktakeItem:
    if Capability.ASSETS_VIEW not in _capabilities(principal, capabilities):
        raise Http404("No such record")
    return _get(stocktake.items.select_related("asset"), item_id)


def locations_for_user(principal, *, capabilities=None) -> QuerySet[Location]:
    """Places are no secret to anyone in the school who deals with assets."""
    granted = _capabilities(principal, capabilities)
    if not granted & {Capability.ASSETS_VIEW, Capability.ASSETS_BORROW}:
        return Location.objects.none()
    return Location.objects.all()


def location_for_user(principal, location_id, *, capabilities=None) -> Location:
    return _get(locations_for_user(principal, capabilities=capabilities), location_id)


def classes_for_user(principal, *, capabilities=None) -> QuerySet[SchoolClass]:
    granted = _capabilities(principal, capabilities)
    if Capability.ASSETS_VIEW in granted:
        return SchoolClass.objects.all()
    user_pk = _user_pk(principal)
    if Capability.ASSETS_BORROW in granted and user_pk is not None:
        return SchoolClass.objects.filter(class_teacher_id=user_pk)
    return SchoolClass.objects.none()


def school_class_for_user(principal, class_id, *, capabilities=None) -> SchoolClass:
    return _get(classes_for_user(principal, capabilities=capabilities), class_id)


def property_lists_for_user(principal, *, capabilities=None) -> QuerySet[ClassPropertyList]:
    """Every list for viewers; a class teacher their own classes' lists."""
    granted = _capabilities(principal, capabilities)
    if Capability.ASSETS_VIEW in granted:
        return ClassPropertyList.objects.all()
    user_pk = _user_pk(principal)
    if Capability.ASSETS_BORROW in granted and user_pk is not None:
        return ClassPropertyList.objects.filter(school_class__class_teacher_id=user_pk)
    return ClassPropertyList.objects.none()


def property_list_for_user(principal, list_id, *, capabilities=None) -> ClassPropertyList:
    return _get(
        property_lists_for_user(principal, capabilities=capabilities).select_related(
            "school_class__class_teacher"
        ),
        list_id,
    )


def import_jobs_for_user(principal, *, capabilities=None) -> QuerySet[ImportJob]:
    return _viewer_only(ImportJob, principal, capabilities, Capability.ASSETS_MANAGE)


def import_job_for_user(principal, job_id, *, capabilities=None) -> ImportJob:
    return _get(import_jobs_for_user(principal, capabilities=capabilities), job_id)


def school_people(school) -> QuerySet[User]:
    """Active members of the school (school roles), for choosing a custodian, borrower or approver."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__school=school,
            memberships__is_active=True,
            memberships__role__in=sorted(SCHOOL_ROLES),
        )
        .distinct()
        .order_by("name", "username")
    )


def school_person(school, user_id) -> User:
    return _get(school_people(school), user_id)
