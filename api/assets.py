"""The school's assets API: cards and their ledger, consumables, stocktakes, class property
lists, imports, places and classes.

Viewsets parse and render; every rule is in eduplatform.assets (actions decide, access
finds). Ids in the input are resolved through the access helpers, so an id of another
school's (or an unknown) record is an invalid choice, never a record. Lists that sync
(cards, movements, consumable movements) take `updated_since` and page by a cursor in
change order. Refusals come back as problem+json with the field and a stable code.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from api.base import UPDATED_SINCE, SchoolViewSet
from eduplatform.accounts.roles import Capability
from eduplatform.assets import access
from eduplatform.assets import actions as assets
from eduplatform.assets.labels import number_from_label
from eduplatform.assets.models import (
    TEACHER_RESULTS,
    AcquisitionMethod,
    Asset,
    AssetAttachment,
    AssetMovement,
    ClassPropertyItem,
    ClassPropertyList,
    Condition,
    Consumable,
    ConsumableMovement,
    DamageReport,
    DisposalMethod,
    DisposalRequest,
    EndOfTermResult,
    Funding,
    ImportJob,
    Location,
    ProcurementForm,
    SchoolClass,
    Stocktake,
    StocktakeItem,
    StocktakeScope,
)
from eduplatform.assets.search import AssetQuery, search_assets
from eduplatform.assets.stocktakes import summarise
from eduplatform.classification.access import codes_for_school
from eduplatform.classification.models import ClassificationCode
from eduplatform.organisation.access import departments_for_school

C = Capability
MONEY = {"max_digits": 14, "decimal_places": 2}

ASSET_FILTERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Substring of number, name, place, person or code."),
    OpenApiParameter("status", OpenApiTypes.STR, description="A status, or on_books."),
    OpenApiParameter("kind", OpenApiTypes.STR),
    OpenApiParameter("location", OpenApiTypes.INT),
    OpenApiParameter("department", OpenApiTypes.INT),
    OpenApiParameter("class", OpenApiTypes.INT),
    OpenApiParameter("code", OpenApiTypes.STR, description="Classification code prefix."),
    UPDATED_SINCE,
]


# --- Fields that resolve ids through the access helpers ------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class ScopedField(serializers.PrimaryKeyRelatedField):
    """An id that must name a record the caller may see in this school."""

    def __init__(self, scope, **kwargs):
        self.scope = scope
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", not kwargs.get("required"))
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context["request"]
        return self.scope(request)


def _people(request):
    return access.school_people(request._request.school)


def _locations(request):
    return access.locations_for_user(request.user, capabilities=request.capabilities).filter(is_active=True)


def _classes(request):
    return access.classes_for_user(request.user, capabilities=request.capabilities).filter(is_active=True)


def _departments(request):
    return departments_for_school().filter(is_active=True)


def _assets(request):
    return access.assets_for_user(request.user, capabilities=request.capabilities)


def person(**kwargs):
    return ScopedField(_people, **kwargs)


def location(**kwargs):
    return ScopedField(_locations, **kwargs)


def department(**kwargs):
    return ScopedField(_departments, **kwargs)


def school_class(**kwargs):
    return ScopedField(_classes, **kwargs)


# --- Cards and movements ------------------------------------------------------------------------


def part_quantity():
    """How many items of a batch card to move; fewer than the card holds splits them off
    into a card of their own (拆分), which the answer's movement names."""
    return serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Items of a batch card to move; fewer than its quantity splits them off into a new card.",
    )


class AssetSerializer(serializers.ModelSerializer):
    location_label = serializers.CharField(source="location.label", default="", read_only=True)
    using_department_name = serializers.CharField(source="using_department.name", default="", read_only=True)
    school_class_name = serializers.CharField(source="school_class.name", default="", read_only=True)
    accumulated_depreciation = serializers.SerializerMethodField()
    net_value = serializers.SerializerMethodField()

    class Meta:
        model = Asset
        fields = [
            "id", "number", "finance_number", "kind", "classification_code", "classification_edition",
            "classification_name", "classification_code_2022", "moe_equipment_code", "name", "specification",
            "brand", "serial_number", "unit", "quantity", "unit_price", "original_value", "funding",
            "acquisition_method", "acquisition_date", "procurement_form", "budget_project_number", "supplier",
            "voucher_number", "warranty_until", "posted_on", "is_reported_to_finance", "useful_life_years",
            "managing_department", "status", "location", "location_label", "using_department",
            "using_department_name", "custodian", "custodian_name", "school_class", "school_class_name",
            "borrower", "borrower_name", "borrow_due_date", "accumulated_depreciation", "net_value", "note",
            "split_from", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def _depreciation(self, asset):
        return asset.depreciation(timezone.localdate())

    @extend_schema_field(OpenApiTypes.DECIMAL)
    def get_accumulated_depreciation(self, asset) -> str:
        return str(self._depreciation(asset).accumulated)

    @extend_schema_field(OpenApiTypes.DECIMAL)
    def get_net_value(self, asset) -> str:
        return str(self._depreciation(asset).net_value)


class DetailsSerializer(serializers.Serializer):
    """The descriptive fields of a card, for registering one."""

    name = serializers.CharField(max_length=200)
    classification_code = serializers.CharField(max_length=7)
    unit_price = serializers.DecimalField(**MONEY, min_value=0)
    acquisition_date = serializers.DateField()
    quantity = serializers.IntegerField(min_value=1, default=1)
    original_value = serializers.DecimalField(**MONEY, min_value=0, required=False, allow_null=True)
    unit = serializers.CharField(max_length=10, default="台")
    specification = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    brand = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    serial_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    finance_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    moe_equipment_code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    funding = serializers.ChoiceField(Funding.choices, required=False, allow_blank=True, default="")
    acquisition_method = serializers.ChoiceField(
        AcquisitionMethod.choices, default=AcquisitionMethod.PURCHASE
    )
    procurement_form = serializers.ChoiceField(
        ProcurementForm.choices, required=False, allow_blank=True, default=""
    )
    budget_project_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    supplier = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    voucher_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    warranty_until = serializers.DateField(required=False, allow_null=True, default=None)
    posted_on = serializers.DateField(required=False, allow_null=True, default=None)
    is_reported_to_finance = serializers.BooleanField(default=False)
    useful_life_years = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)
    managing_department = department()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RegisterSerializer(DetailsSerializer):
    number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    handler = person(required=True)
    acceptor = person(required=True)
    approver = person(required=True)
    location = location()
    using_department = department()
    custodian = person()
    custodian_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    school_class = school_class()
    occurred_on = serializers.DateField(required=False, allow_null=True, default=None)

    STATE = ("number", "handler", "acceptor", "approver", "location", "using_department", "custodian",
             "custodian_name", "school_class", "occurred_on")  # fmt: skip

    def create(self, validated_data):
        state = {key: validated_data.pop(key) for key in self.STATE if key in validated_data}
        return assets.register_asset(
            details=assets.AssetDetails(**validated_data), actor=self.context["request"].user, **state
        )


class MovementSerializer(serializers.ModelSerializer):
    asset_number = serializers.CharField(source="asset.number", read_only=True)

    class Meta:
        model = AssetMovement
        fields = [
            "id", "asset", "asset_number", "kind", "occurred_on", "changes", "handler", "acceptor", "approver",
            "condition", "note", "details", "actor", "actor_label", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class IssueSerializer(serializers.Serializer):
    quantity = part_quantity()
    custodian = person()
    custodian_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    using_department = department()
    school_class = school_class()
    location = location()
    occurred_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReclaimSerializer(serializers.Serializer):
    location = location()
    condition = serializers.ChoiceField(Condition.choices, default=Condition.GOOD)
    occurred_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class BorrowSerializer(serializers.Serializer):
    quantity = part_quantity()
    borrower = person(required=True)
    due_date = serializers.DateField()
    occurred_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnSerializer(ReclaimSerializer):
    pass


class TransferSerializer(serializers.Serializer):
    """Fields left out keep their value; to_class null takes the cards out of their class."""

    quantity = part_quantity()
    approver = person(required=True)
    to_department = department()
    to_location = location()
    to_class = school_class()
    to_custodian = person()
    to_custodian_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    occurred_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def action_arguments(self) -> dict:
        data = dict(self.validated_data)
        for name in ("to_department", "to_location", "to_class", "to_custodian"):
            if name not in self.initial_data:
                data.pop(name, None)
        return data


class BatchTransferSerializer(TransferSerializer):
    quantity = None  # whole cards only
    assets = serializers.ListField(
        child=ScopedField(_assets, required=True, allow_null=False), min_length=1, max_length=500
    )


class RepairOutSerializer(serializers.Serializer):
    quantity = part_quantity()
    vendor = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    fault = serializers.CharField(max_length=1000)
    occurred_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RepairBackSerializer(serializers.Serializer):
    is_repaired = serializers.BooleanField()
    cost = serializers.DecimalField(**MONEY, min_value=0, required=False, allow_null=True, default=None)
    occurred_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DamageSerializer(serializers.Serializer):
    quantity = part_quantity()
    description = serializers.CharField(max_length=1000)
    responsible_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    responsible = person()
    compensation_amount = serializers.DecimalField(**MONEY, default="0.00")
    occurred_on = serializers.DateField(required=False, allow_null=True, default=None)


class DamageReportSerializer(serializers.ModelSerializer):
    asset_number = serializers.CharField(source="asset.number", read_only=True)

    class Meta:
        model = DamageReport
        fields = [
            "id", "asset", "asset_number", "movement", "description", "responsible_name", "responsible",
            "compensation_amount", "is_paid", "paid_on", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class DisposalRequestInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(DisposalMethod.choices)
    reason = serializers.CharField(max_length=2000)
    quantity = part_quantity()


class DisposalApprovalSerializer(serializers.Serializer):
    step = serializers.IntegerField()
    role = serializers.CharField()
    approver = serializers.IntegerField(source="approver_id")
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class DisposalRequestSerializer(serializers.ModelSerializer):
    asset_number = serializers.CharField(source="asset.number", read_only=True)
    approvals = DisposalApprovalSerializer(many=True, read_only=True)

    class Meta:
        model = DisposalRequest
        fields = [
            "id", "asset", "asset_number", "method", "reason", "value", "steps", "status", "approvals",
            "requested_by", "decided_at", "counterparty", "disposed_on", "proceeds", "document_number",
            "is_remitted", "outcome_recorded_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class OutcomeSerializer(serializers.Serializer):
    """处置结果 of an approved disposal; proceeds 0 where nothing was paid."""

    disposed_on = serializers.DateField(allow_null=True)
    proceeds = serializers.DecimalField(**MONEY, allow_null=True)
    counterparty = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    document_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    is_remitted = serializers.BooleanField(default=False)


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssetAttachment
        fields = ["id", "asset", "kind", "original_name", "content_type", "size", "created_at"]
        read_only_fields = fields


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()


def _created(data) -> Response:
    return Response(data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(parameters=ASSET_FILTERS))
class AssetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SchoolViewSet):
    """Asset cards. POST registers one (入库验收); the actions below append movements."""

    # For the schema generator only; every request goes through get_queryset (access helpers).
    queryset = Asset.objects.none()
    serializer_class = AssetSerializer
    read_capability = C.ASSETS_VIEW
    write_capability = C.ASSETS_MANAGE
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self):
        cards = access.assets_for_user(self.request.user, capabilities=self.request.capabilities)
        cards = search_assets(cards, AssetQuery.from_params(self.request.query_params), order=False)
        return cards.select_related("location", "using_department", "school_class")

    def get_object(self):
        return access.asset_for_user(
            self.request.user, self.kwargs["pk"], capabilities=self.request.capabilities
        )

    def get_serializer_class(self):
        if self.action == "create":
            return RegisterSerializer
        return super().get_serializer_class()

    def create(self, request, *args, **kwargs):
        serializer = RegisterSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        asset = serializer.save()
        return _created(AssetSerializer(asset, context=self.get_serializer_context()).data)

    def _act(self, serializer_class, verb, *, result_serializer=MovementSerializer, **extra):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        arguments = (
            serializer.action_arguments()
            if hasattr(serializer, "action_arguments")
            else dict(serializer.validated_data)
        )
        result = verb(self.get_object(), actor=self.request.user, **arguments, **extra)
        return _created(result_serializer(result, context=self.get_serializer_context()).data)

    @extend_schema(request=DetailsSerializer, responses=AssetSerializer)
    @action(detail=True, methods=["post"], url_path="details")
    def update_details(self, request, pk=None):
        """Correct a card's description: send only the fields that change."""
        serializer = DetailsSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        asset = assets.update_asset_details(
            self.get_object(), changes=dict(serializer.validated_data), actor=request.user
        )
        return Response(AssetSerializer(asset, context=self.get_serializer_context()).data)

    @extend_schema(request=IssueSerializer, responses={201: MovementSerializer})
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        return self._act(IssueSerializer, assets.issue_asset)

    @extend_schema(request=ReclaimSerializer, responses={201: MovementSerializer})
    @action(detail=True, methods=["post"])
    def reclaim(self, request, pk=None):
        return self._act(ReclaimSerializer, assets.reclaim_asset)

    @extend_schema(request=BorrowSerializer, responses={201: MovementSerializer})
    @action(detail=True, methods=["post"])
    def borrow(self, request, pk=None):
        return self._act(BorrowSerializer, assets.borrow_asset)

    @extend_schema(request=ReturnSerializer, responses={201: MovementSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def give_back(self, request, pk=None):
        return self._act(ReturnSerializer, assets.return_asset)

    @extend_schema(request=TransferSerializer, responses={201: MovementSerializer})
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        return self._act(TransferSerializer, assets.transfer_asset)

    @extend_schema(
        request=BatchTransferSerializer,
        responses={201: MovementSerializer(many=True)},
        operation_id="assets_cards_transfer_many",
    )
    @action(detail=False, methods=["post"], url_path="transfer")
    def transfer_many(self, request):
        serializer = BatchTransferSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        arguments = serializer.action_arguments()
        movements = assets.transfer_assets(arguments.pop("assets"), actor=request.user, **arguments)
        return _created(MovementSerializer(movements, many=True).data)

    @extend_schema(request=RepairOutSerializer, responses={201: MovementSerializer})
    @action(detail=True, methods=["post"], url_path="repair-out", url_name="repair-out")
    def repair_out(self, request, pk=None):
        return self._act(RepairOutSerializer, assets.send_for_repair)

    @extend_schema(request=RepairBackSerializer, responses={201: MovementSerializer})
    @action(detail=True, methods=["post"], url_path="repair-back", url_name="repair-back")
    def repair_back(self, request, pk=None):
        return self._act(RepairBackSerializer, assets.return_from_repair)

    @extend_schema(request=DamageSerializer, responses={201: DamageReportSerializer})
    @action(detail=True, methods=["post"])
    def damage(self, request, pk=None):
        return self._act(DamageSerializer, assets.report_damage, result_serializer=DamageReportSerializer)

    @extend_schema(request=DisposalRequestInputSerializer, responses={201: DisposalRequestSerializer})
    @action(detail=True, methods=["post"], url_path="disposal-request", url_name="disposal-request")
    def disposal_request(self, request, pk=None):
        return self._act(
            DisposalRequestInputSerializer,
            assets.request_disposal,
            result_serializer=DisposalRequestSerializer,
        )

    @extend_schema(responses=MovementSerializer(many=True))
    @action(detail=True, methods=["get"])
    def movements(self, request, pk=None):
        asset = self.get_object()
        return Response(
            MovementSerializer(access.movements_of(asset).select_related("asset"), many=True).data
        )

    @extend_schema(request={"multipart/form-data": UploadSerializer}, responses={201: AttachmentSerializer})
    @action(detail=True, methods=["post"])
    def attachments(self, request, pk=None):
        serializer = UploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = assets.add_attachment(
            self.get_object(), upload=serializer.validated_data["file"], actor=request.user
        )
        return _created(AttachmentSerializer(attachment).data)


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class MovementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    """The whole ledger, for sync: every movement of every card, in change order."""

    queryset = AssetMovement.objects.none()
    serializer_class = MovementSerializer
    read_capability = C.ASSETS_VIEW

    def get_queryset(self):
        return access.movements_for_user(
            self.request.user, capabilities=self.request.capabilities
        ).select_related("asset")


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class DamageReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    queryset = DamageReport.objects.none()
    serializer_class = DamageReportSerializer
    read_capability = C.ASSETS_VIEW
    write_capability = C.ASSETS_MANAGE

    def get_queryset(self):
        return access.damage_reports_for_user(
            self.request.user, capabilities=self.request.capabilities
        ).select_related("asset")

    def get_object(self):
        return access.damage_report_for_user(
            self.request.user, self.kwargs["pk"], capabilities=self.request.capabilities
        )

    @extend_schema(request=None, responses=DamageReportSerializer)
    @action(detail=True, methods=["post"], url_path="compensation-paid", url_name="compensation-paid")
    def compensation_paid(self, request, pk=None):
        report = assets.record_compensation_paid(self.get_object(), actor=request.user)
        return Response(DamageReportSerializer(report).data)


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class DisposalRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    """Disposal requests. Each step's approver needs the role the district's chain names,
    which the domain checks; the endpoint lets in anyone who may see assets."""

    queryset = DisposalRequest.objects.none()
    serializer_class = DisposalRequestSerializer
    read_capability = C.ASSETS_VIEW
    action_capabilities = {"approve": C.ASSETS_VIEW, "reject": C.ASSETS_VIEW, "outcome": C.ASSETS_MANAGE}

    def get_queryset(self):
        return (
            access.disposal_requests_for_user(self.request.user, capabilities=self.request.capabilities)
            .select_related("asset")
            .prefetch_related("approvals")
        )

    def get_object(self):
        return access.disposal_request_for_user(
            self.request.user, self.kwargs["pk"], capabilities=self.request.capabilities
        )

    @extend_schema(request=DecisionSerializer, responses=DisposalRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decided = assets.approve_disposal(
            self.get_object(), note=serializer.validated_data["note"], actor=request.user
        )
        return Response(DisposalRequestSerializer(decided).data)

    @extend_schema(request=DecisionSerializer, responses=DisposalRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decided = assets.reject_disposal(
            self.get_object(), note=serializer.validated_data["note"], actor=request.user
        )
        return Response(DisposalRequestSerializer(decided).data)

    @extend_schema(request=OutcomeSerializer, responses=DisposalRequestSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        """Record (or correct) what came of an approved sale, transfer out, donation or scrapping."""
        serializer = OutcomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        recorded = assets.record_disposal_outcome(
            self.get_object(), actor=request.user, **serializer.validated_data
        )
        return Response(DisposalRequestSerializer(recorded).data)


# --- Consumables ----------------------------------------------------------------------------------


class ConsumableSerializer(serializers.ModelSerializer):
    is_low = serializers.BooleanField(read_only=True)

    class Meta:
        model = Consumable
        fields = [
            "id", "name", "specification", "unit", "on_hand", "low_stock_threshold", "requires_worn_return",
            "is_low", "is_active", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "on_hand", "is_low", "is_active", "created_at", "updated_at"]


class ConsumableMovementSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsumableMovement
        fields = [
            "id", "consumable", "kind", "quantity", "on_hand_after", "unit_price", "supplier", "department",
            "requester", "approver", "worn_returned", "note", "actor_label", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class StockInSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1)
    unit_price = serializers.DecimalField(**MONEY, min_value=0, required=False, allow_null=True, default=None)
    supplier = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class StockOutSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1)
    department = department(required=True)
    requester = person(required=True)
    approver = person(required=True)
    worn_returned = serializers.IntegerField(min_value=0, default=0)
    note = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class ConsumableViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SchoolViewSet
):
    queryset = Consumable.objects.none()
    serializer_class = ConsumableSerializer
    read_capability = C.ASSETS_VIEW
    write_capability = C.ASSETS_MANAGE

    def get_queryset(self):
        return access.consumables_for_user(self.request.user, capabilities=self.request.capabilities)

    def get_object(self):
        return access.consumable_for_user(
            self.request.user, self.kwargs["pk"], capabilities=self.request.capabilities
        )

    def perform_create(self, serializer):
        serializer.instance = assets.create_consumable(actor=self.request.user, **serializer.validated_data)

    def _stock(self, serializer_class, verb):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        movement = verb(self.get_object(), actor=self.request.user, **serializer.validated_data)
        return _created(ConsumableMovementSerializer(movement).data)

    @extend_schema(request=StockInSerializer, responses={201: ConsumableMovementSerializer})
    @action(detail=True, methods=["post"], url_path="stock-in", url_name="stock-in")
    def stock_in(self, request, pk=None):
        return self._stock(StockInSerializer, assets.stock_in)

    @extend_schema(request=StockOutSerializer, responses={201: ConsumableMovementSerializer})
    @action(detail=True, methods=["post"], url_path="stock-out", url_name="stock-out")
    def stock_out(self, request, pk=None):
        return self._stock(StockOutSerializer, assets.stock_out)


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class ConsumableMovementViewSet(mixins.ListModelMixin, SchoolViewSet):
    queryset = ConsumableMovement.objects.none()
    serializer_class = ConsumableMovementSerializer
    read_capability = C.ASSETS_VIEW

    def get_queryset(self):
        return access.consumable_movements_for_user(self.request.user, capabilities=self.request.capabilities)


# --- Stocktakes ---------------------------------------------------------------------------------------


class FiguresSerializer(serializers.Serializer):
    quantity = serializers.IntegerField()
    original_value = serializers.DecimalField(max_digits=16, decimal_places=2)
    accumulated_depreciation = serializers.DecimalField(max_digits=16, decimal_places=2)
    net_value = serializers.DecimalField(max_digits=16, decimal_places=2)


class SummarySerializer(serializers.Serializer):
    expected_items = serializers.IntegerField()
    pending_items = serializers.IntegerField()
    matched_items = serializers.IntegerField()
    wrong_place_items = serializers.IntegerField()
    not_found_items = serializers.IntegerField()
    gain_items = serializers.IntegerField()
    book = FiguresSerializer()
    counted = FiguresSerializer()
    gains = FiguresSerializer()
    losses = FiguresSerializer()
    match_rate = serializers.DecimalField(max_digits=7, decimal_places=2)


class StocktakeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stocktake
        fields = [
            "id", "name", "scope", "locations", "category_prefixes", "reference_date", "status", "match_rate",
            "opened_by", "closed_by", "closed_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class OpenStocktakeSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    scope = serializers.ChoiceField(StocktakeScope.choices)
    reference_date = serializers.DateField()
    locations = serializers.ListField(
        child=location(required=True, allow_null=False), required=False, default=list
    )
    category_prefixes = serializers.ListField(
        child=serializers.CharField(max_length=7), required=False, default=list
    )


class StocktakeItemSerializer(serializers.ModelSerializer):
    asset_number = serializers.CharField(source="asset.number", default="", read_only=True)
    asset_name = serializers.CharField(source="asset.name", default="", read_only=True)

    class Meta:
        model = StocktakeItem
        fields = [
            "id", "asset", "asset_number", "asset_name", "book_quantity", "book_location", "book_original_value",
            "book_accumulated_depreciation", "book_net_value", "result", "counted_quantity", "counted_location",
            "counted_by", "counted_at", "gain_name", "gain_specification", "gain_value", "gain_classification_code",
            "note", "adjustment", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class CountSerializer(serializers.Serializer):
    """Tick a card: by its id, or by the text of its scanned label (the label URL or the number)."""

    asset = ScopedField(_assets)
    scanned = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    found = serializers.BooleanField(default=True)
    counted_quantity = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    location = location()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class GainSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    classification_code = serializers.CharField(max_length=7)
    value = serializers.DecimalField(**MONEY, min_value=0)
    quantity = serializers.IntegerField(min_value=1, default=1)
    specification = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    location = location()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CloseSerializer(serializers.Serializer):
    approved_items = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class StocktakeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SchoolViewSet
):
    """Stocktakes (盘点): open one, tick its items, see the summary, close it."""

    queryset = Stocktake.objects.none()
    serializer_class = StocktakeSerializer
    read_capability = C.ASSETS_VIEW
    write_capability = C.ASSETS_MANAGE
    action_capabilities = {"close": C.ASSETS_APPROVE}

    def get_queryset(self):
        return access.stocktakes_for_user(
            self.request.user, capabilities=self.request.capabilities
        ).prefetch_related("locations")

    def get_object(self):
        return access.stocktake_for_user(
            self.request.user, self.kwargs["pk"], capabilities=self.request.capabilities
        )

    @extend_schema(request=OpenStocktakeSerializer, responses={201: StocktakeSerializer})
    def create(self, request, *args, **kwargs):
        serializer = OpenStocktakeSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        stocktake = assets.open_stocktake(actor=request.user, **serializer.validated_data)
        return _created(StocktakeSerializer(stocktake).data)

    @extend_schema(responses=SummarySerializer)
    @action(detail=True, methods=["get"])
    def summary(self, request, pk=None):
        return Response(SummarySerializer(summarise(self.get_object())).data)

    @extend_schema(responses=StocktakeItemSerializer(many=True))
    @action(detail=True, methods=["get"])
    def items(self, request, pk=None):
        items = self.get_object().items.select_related("asset").order_by("id")
        page = self.paginate_queryset(items)
        return self.get_paginated_response(StocktakeItemSerializer(page, many=True).data)

    @extend_schema(request=CountSerializer, responses={201: StocktakeItemSerializer})
    @action(detail=True, methods=["post"])
    def count(self, request, pk=None):
        serializer = CountSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        asset = data.pop("asset", None)
        scanned = data.pop("scanned", "")
        if asset is None:
            asset = _scanned_asset(request, scanned)
        item = assets.record_count(self.get_object(), asset=asset, actor=request.user, **data)
        return _created(StocktakeItemSerializer(item).data)

    @extend_schema(request=GainSerializer, responses={201: StocktakeItemSerializer})
    @action(detail=True, methods=["post"])
    def gain(self, request, pk=None):
        serializer = GainSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        item = assets.record_gain(self.get_object(), actor=request.user, **serializer.validated_data)
        return _created(StocktakeItemSerializer(item).data)

    @extend_schema(request=None, responses=SummarySerializer)
    @action(detail=True, methods=["post"], url_path="mark-uncounted", url_name="mark-uncounted")
    def mark_uncounted(self, request, pk=None):
        stocktake = self.get_object()
        assets.mark_uncounted_not_found(stocktake, actor=request.user)
        return Response(SummarySerializer(summarise(stocktake)).data)

    @extend_schema(request=CloseSerializer, responses=StocktakeSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        serializer = CloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        stocktake = assets.close_stocktake(
            self.get_object(), approved_items=serializer.validated_data["approved_items"], actor=request.user
        )
        return Response(StocktakeSerializer(stocktake).data)


def _scanned_asset(request, scanned: str) -> Asset:
    """The card a scanned label names: the label holds the asset page's URL, or just the number."""
    number = number_from_label(scanned)
    if not number:
        raise ValidationError({"asset": ValidationError(_("请扫描资产标签或选择资产。"), code="required")})
    asset = _assets(request).filter(number=number).first()
    if asset is None:
        raise ValidationError(
            {
                "asset": ValidationError(
                    _("标签上的资产编号“%(number)s”不在本校账上。") % {"number": number}, code="unknown_asset"
                )
            }
        )
    return asset


# --- Places, classes, class property lists --------------------------------------------------------------


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = ["id", "building", "floor", "room", "label", "is_active", "created_at", "updated_at"]
        read_only_fields = ["id", "label", "is_active", "created_at", "updated_at"]


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class LocationViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, SchoolViewSet):
    queryset = Location.objects.none()
    serializer_class = LocationSerializer
    read_capability = C.ASSETS_VIEW
    write_capability = C.ASSETS_MANAGE

    def get_queryset(self):
        return access.locations_for_user(self.request.user, capabilities=self.request.capabilities)

    def perform_create(self, serializer):
        serializer.instance = assets.create_location(actor=self.request.user, **serializer.validated_data)


class SchoolClassSerializer(serializers.ModelSerializer):
    class_teacher = person()

    class Meta:
        model = SchoolClass
        fields = ["id", "name", "grade", "number", "class_teacher", "is_active", "created_at", "updated_at"]
        read_only_fields = ["id", "is_active", "created_at", "updated_at"]


class ClassTeacherSerializer(serializers.Serializer):
    class_teacher = person(required=True)


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class SchoolClassViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, SchoolViewSet):
    queryset = SchoolClass.objects.none()
    serializer_class = SchoolClassSerializer
    read_capability = C.ASSETS_VIEW
    write_capability = C.ASSETS_MANAGE

    def get_queryset(self):
        return access.classes_for_user(self.request.user, capabilities=self.request.capabilities)

    def get_object(self):
        return access.school_class_for_user(
            self.request.user, self.kwargs["pk"], capabilities=self.request.capabilities
        )

    def perform_create(self, serializer):
        serializer.instance = assets.create_school_class(actor=self.request.user, **serializer.validated_data)

    @extend_schema(request=ClassTeacherSerializer, responses=SchoolClassSerializer)
    @action(detail=True, methods=["post"], url_path="class-teacher", url_name="class-teacher")
    def class_teacher(self, request, pk=None):
        serializer = ClassTeacherSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        school_class = assets.set_class_teacher(
            self.get_object(), actor=request.user, **serializer.validated_data
        )
        return Response(SchoolClassSerializer(school_class, context=self.get_serializer_context()).data)


class PropertyItemSerializer(serializers.ModelSerializer):
    asset_number = serializers.CharField(source="asset.number", read_only=True)
    asset_name = serializers.CharField(source="asset.name", read_only=True)
    to_check = serializers.SerializerMethodField(
        help_text="The class teacher accounts for this item at the end-of-term check; the others "
        "(another class, in repair, disposed of...) are marked `moved` by the check itself."
    )

    class Meta:
        model = ClassPropertyItem
        fields = [
            "id", "asset", "asset_number", "asset_name", "quantity", "to_check", "end_result", "damage_report",
        ]  # fmt: skip
        read_only_fields = fields

    def get_to_check(self, item) -> bool:
        # A checked list says what was decided then, not where the card is now.
        return item.end_result in TEACHER_RESULTS if item.end_result else item.is_with_the_class


class PropertyListSerializer(serializers.ModelSerializer):
    class_name = serializers.CharField(source="school_class.name", read_only=True)

    class Meta:
        model = ClassPropertyList
        fields = ["id", "school_class", "class_name", "term", "status", "created_at", "updated_at"]
        read_only_fields = fields


class PropertyListDetailSerializer(PropertyListSerializer):
    items = PropertyItemSerializer(many=True, read_only=True)

    class Meta(PropertyListSerializer.Meta):
        fields = [*PropertyListSerializer.Meta.fields, "items"]
        read_only_fields = fields


class GenerateListSerializer(serializers.Serializer):
    school_class = school_class(required=True)
    term = serializers.RegexField(r"^\d{4}-(autumn|spring)$", required=False, allow_null=True, default=None)


class SignSerializer(serializers.Serializer):
    signature = serializers.CharField(
        max_length=600_000, help_text="A PNG data URL drawn on the signature pad."
    )


class CheckSerializer(SignSerializer):
    results = serializers.DictField(
        child=serializers.ChoiceField(
            [value for value in EndOfTermResult.values if value in TEACHER_RESULTS]
        ),
        help_text="item id -> ok | missing | broken, for every item not moved out",
    )


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class PropertyListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    """Class property lists (班级财产): generated by the keepers, signed by class teachers."""

    queryset = ClassPropertyList.objects.none()
    serializer_class = PropertyListSerializer
    read_capability = C.ASSETS_BORROW
    action_capabilities = {
        "generate": C.ASSETS_MANAGE,
        "sign": C.ASSETS_BORROW,
        "end_of_term_check": C.ASSETS_BORROW,
    }

    def get_queryset(self):
        return access.property_lists_for_user(
            self.request.user, capabilities=self.request.capabilities
        ).select_related("school_class")

    def get_object(self):
        return access.property_list_for_user(
            self.request.user, self.kwargs["pk"], capabilities=self.request.capabilities
        )

    def retrieve(self, request, *args, **kwargs):
        property_list = self.get_object()
        property_list = (
            ClassPropertyList.objects.prefetch_related("items__asset")
            .select_related("school_class")
            .get(pk=property_list.pk)
        )
        return Response(PropertyListDetailSerializer(property_list).data)

    @extend_schema(request=GenerateListSerializer, responses={201: PropertyListDetailSerializer})
    @action(detail=False, methods=["post"])
    def generate(self, request):
        serializer = GenerateListSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        property_list = assets.generate_class_property_list(
            serializer.validated_data["school_class"],
            term=serializer.validated_data["term"],
            actor=request.user,
        )
        return _created(PropertyListDetailSerializer(property_list).data)

    @extend_schema(request=SignSerializer, responses=PropertyListSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        serializer = SignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        property_list = self.get_object()
        assets.sign_class_property_list(
            property_list, signature=serializer.validated_data["signature"], actor=request.user
        )
        property_list.refresh_from_db()
        return Response(PropertyListSerializer(property_list).data)

    @extend_schema(request=CheckSerializer, responses=PropertyListSerializer)
    @action(detail=True, methods=["post"], url_path="check", url_name="check")
    def end_of_term_check(self, request, pk=None):
        serializer = CheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        results = {}
        for key, value in serializer.validated_data["results"].items():
            if str(key).isdigit():
                results[int(key)] = value
        property_list = assets.check_class_property_list(
            self.get_object(),
            results=results,
            signature=serializer.validated_data["signature"],
            actor=request.user,
        )
        return Response(PropertyListSerializer(property_list).data)


# --- Imports and codes ---------------------------------------------------------------------------------------


class ImportJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportJob
        fields = [
            "id", "filename", "size", "status", "row_count", "processed_rows", "imported_count", "errors",
            "summary", "failure", "created_at", "updated_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class ImportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    """Ledger imports: upload (checked in the background), read the preview, confirm."""

    queryset = ImportJob.objects.none()
    serializer_class = ImportJobSerializer
    read_capability = C.ASSETS_MANAGE
    write_capability = C.ASSETS_MANAGE
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return access.import_jobs_for_user(self.request.user, capabilities=self.request.capabilities)

    def get_object(self):
        return access.import_job_for_user(
            self.request.user, self.kwargs["pk"], capabilities=self.request.capabilities
        )

    @extend_schema(request={"multipart/form-data": UploadSerializer}, responses={201: ImportJobSerializer})
    def create(self, request, *args, **kwargs):
        serializer = UploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = assets.start_import(upload=serializer.validated_data["file"], actor=request.user)
        return _created(ImportJobSerializer(job).data)

    @extend_schema(request=None, responses=ImportJobSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        job = assets.confirm_import(self.get_object(), actor=request.user)
        return Response(ImportJobSerializer(job).data)


class CodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClassificationCode
        fields = ["id", "edition", "code", "name", "parent_code", "updated_at"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("q", OpenApiTypes.STR), OpenApiParameter("edition", OpenApiTypes.STR)]
    )
)
class SchoolCodeViewSet(mixins.ListModelMixin, SchoolViewSet):
    """The classification codes in force for this school (the district's tables)."""

    queryset = ClassificationCode.objects.none()
    serializer_class = CodeSerializer
    read_capability = C.ASSETS_VIEW
    filters_updated_since = True

    def get_queryset(self):
        codes = codes_for_school(self.request._request.school)
        params = self.request.query_params
        if params.get("edition"):
            codes = codes.filter(edition=params["edition"])
        if params.get("q"):
            text = params["q"].strip()[:50]
            codes = codes.filter(code__startswith=text.upper()) | codes.filter(name__contains=text)
        return codes
