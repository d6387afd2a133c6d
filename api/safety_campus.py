"""The school's safety API, continued: buildings, the visitor log, drills and emergency plans.

As in api/safety.py, viewsets parse and render; eduplatform.safety decides. Files come as
multipart: a building assessment's `report`, a plan's `document`, a drill's `photos`.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import UPDATED_SINCE, SchoolViewSet
from eduplatform.accounts.roles import Capability
from eduplatform.checklists.refusals import refusal
from eduplatform.dates import day_from
from eduplatform.safety import actions as safety
from eduplatform.safety import campus_access as access
from eduplatform.safety.buildings import add_months, check_due_on, check_months, review_months
from eduplatform.safety.models import Agreement, Building, BuildingAssessment, Drill, EmergencyPlan, Visitor
from eduplatform.safety.people import staff_member
from eduplatform.safety.photos import clean_photo, clean_signature

C = Capability


def _document_url(kind: str, pk: int) -> str:
    return reverse("frontend:safety:document", kwargs={"kind": kind, "pk": pk})


# --- Buildings ---------------------------------------------------------------------------


class AssessmentSerializer(serializers.ModelSerializer):
    report_url = serializers.SerializerMethodField()

    class Meta:
        model = BuildingAssessment
        fields = [
            "id",
            "grade",
            "assessed_on",
            "assessor",
            "notes",
            "report_url",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_report_url(self, assessment) -> str | None:
        return _document_url("assessment", assessment.pk) if assessment.report else None


class BuildingSerializer(serializers.ModelSerializer):
    check_due_on = serializers.SerializerMethodField()
    is_check_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Building
        fields = [
            "id", "name", "built_year", "structure", "floors", "area", "usage", "grade", "assessed_on",
            "assessor", "is_sealed", "sealed_at", "check_due_on", "is_check_overdue", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_check_due_on(self, building) -> date:
        return check_due_on(building, self.context["check_months"])

    def get_is_check_overdue(self, building) -> bool:
        return check_due_on(building, self.context["check_months"]) < timezone.localdate()


class BuildingDetailSerializer(BuildingSerializer):
    assessments = AssessmentSerializer(many=True, read_only=True)

    class Meta(BuildingSerializer.Meta):
        fields = [*BuildingSerializer.Meta.fields, "assessments"]
        read_only_fields = fields


class RegisterBuildingSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    built_year = serializers.IntegerField()
    structure = serializers.CharField()
    floors = serializers.IntegerField()
    area = serializers.CharField()
    usage = serializers.CharField(required=False, allow_blank=True, default="")


class AssessSerializer(serializers.Serializer):
    grade = serializers.CharField()
    assessed_on = serializers.DateField()
    assessor = serializers.CharField(required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    report = serializers.FileField(required=False)


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class BuildingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    """The building register (校舍) with each building's grade and next check date."""

    queryset = Building.objects.none()  # for the schema only; rows come from get_queryset
    read_capability = C.SAFETY_VIEW
    write_capability = C.SAFETY_RECORD

    def get_queryset(self):
        return access.buildings_for_user(self.request.user, self.request.capabilities)

    def get_object(self):
        return access.building_for_user(self.request.user, self.request.capabilities, self.kwargs["pk"])

    def get_serializer_class(self):
        return BuildingSerializer if self.action == "list" else BuildingDetailSerializer

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            "check_months": check_months(self.request._request.school),
        }

    def _detail(self, building, status_code=status.HTTP_200_OK):
        building = Building.objects.prefetch_related("assessments").get(pk=building.pk)
        return Response(
            BuildingDetailSerializer(building, context=self.get_serializer_context()).data, status=status_code
        )

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    @extend_schema(request=RegisterBuildingSerializer, responses=BuildingDetailSerializer)
    def create(self, request, *args, **kwargs):
        data = RegisterBuildingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        building = safety.register_building(**data.validated_data, actor=request.user)
        return self._detail(building, status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": AssessSerializer}, responses=BuildingDetailSerializer)
    @action(detail=True, methods=["post"])
    def assessments(self, request, pk=None):
        building = self.get_object()
        data = AssessSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        safety.record_assessment(building=building, actor=request.user, **data.validated_data)
        return self._detail(building, status.HTTP_201_CREATED)


# --- Visitors ----------------------------------------------------------------------------


class VisitorSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField(help_text="Masked but for the last 4 characters unless the "
                                                  "caller may see identities (the safety officer).")  # fmt: skip
    is_on_campus = serializers.BooleanField(read_only=True)

    class Meta:
        model = Visitor
        fields = [
            "id", "name", "id_number", "phone", "organisation", "purpose", "host", "vehicle_plate",
            "entered_at", "left_at", "is_on_campus", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_id_number(self, visitor) -> str:
        return access.shown_id_number(visitor, self.context["capabilities"])


class SignInSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    id_number = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    organisation = serializers.CharField(required=False, allow_blank=True, default="")
    purpose = serializers.CharField(allow_blank=True)
    host = serializers.CharField(allow_blank=True)
    vehicle_plate = serializers.CharField(required=False, allow_blank=True, default="")


VISITOR_FILTERS = [
    UPDATED_SINCE,
    OpenApiParameter("on_campus", bool, description="1: only visitors not yet signed out"),
    OpenApiParameter("date", date, description="only visitors who came in on this day (YYYY-MM-DD)"),
]


@extend_schema_view(list=extend_schema(parameters=VISITOR_FILTERS))
class VisitorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    """The visitor log at the gate (外来人员登记). ID numbers are masked but for the holder of
    the identity capability."""

    queryset = Visitor.objects.none()  # for the schema only
    serializer_class = VisitorSerializer
    read_capability = C.VISITORS_RECORD
    write_capability = C.VISITORS_RECORD

    def get_queryset(self):
        visitors = access.visitors_for_user(self.request.user, self.request.capabilities)
        params = self.request.query_params
        if params.get("on_campus") in ("1", "true"):
            visitors = visitors.on_campus()
        if params.get("date"):
            day = day_from(params["date"])
            if day is None:
                raise refusal("date", _("日期格式应为 YYYY-MM-DD。"), "invalid_date")
            visitors = visitors.filter(entered_at__date=day)
        return visitors

    def get_object(self):
        return access.visitor_for_user(self.request.user, self.request.capabilities, self.kwargs["pk"])

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "capabilities": self.request.capabilities}

    def _detail(self, visitor, status_code=status.HTTP_200_OK):
        visitor = access.visitor_for_user(self.request.user, self.request.capabilities, visitor.pk)
        return Response(
            VisitorSerializer(visitor, context=self.get_serializer_context()).data, status=status_code
        )

    @extend_schema(request=SignInSerializer, responses=VisitorSerializer)
    def create(self, request, *args, **kwargs):
        data = SignInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        visitor = safety.sign_in_visitor(**data.validated_data, actor=request.user)
        return self._detail(visitor, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=VisitorSerializer)
    @action(detail=True, methods=["post"], url_path="sign-out")
    def sign_out(self, request, pk=None):
        return self._detail(safety.sign_out_visitor(visitor=self.get_object(), actor=request.user))


# --- Drills and plans --------------------------------------------------------------------


class DrillSerializer(serializers.ModelSerializer):
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Drill
        fields = [
            "id", "kind", "title", "held_on", "students", "staff", "evacuation_seconds", "evaluation",
            "problems", "photos", "recorded_by", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_photos(self, drill) -> list[dict]:
        return [
            {
                "id": photo.pk,
                "url": _document_url("drill-photo", photo.pk),
            }
            for photo in drill.photos.all()
        ]


class RecordDrillSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    held_on = serializers.DateField()
    students = serializers.IntegerField()
    staff = serializers.IntegerField()
    evacuation_seconds = serializers.IntegerField(required=False, allow_null=True, default=None)
    evaluation = serializers.CharField(required=False, allow_blank=True, default="")
    problems = serializers.CharField(required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.FileField(), required=False)


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class DrillViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    queryset = Drill.objects.none()  # for the schema only
    serializer_class = DrillSerializer
    read_capability = C.SAFETY_VIEW
    write_capability = C.SAFETY_RECORD

    def get_queryset(self):
        return access.drills_for_user(self.request.user, self.request.capabilities).prefetch_related("photos")

    def get_object(self):
        return access.drill_for_user(self.request.user, self.request.capabilities, self.kwargs["pk"])

    @extend_schema(request={"multipart/form-data": RecordDrillSerializer}, responses=DrillSerializer)
    def create(self, request, *args, **kwargs):
        data = RecordDrillSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {key: value for key, value in data.validated_data.items() if key != "photos"}
        photos = [clean_photo(upload, field="photos") for upload in request.FILES.getlist("photos")]
        drill = safety.record_drill(**values, photos=photos, actor=request.user)
        drill = Drill.objects.prefetch_related("photos").get(pk=drill.pk)
        return Response(DrillSerializer(drill).data, status=status.HTTP_201_CREATED)


class PlanSerializer(serializers.ModelSerializer):
    document_url = serializers.SerializerMethodField()
    review_due_on = serializers.SerializerMethodField()

    class Meta:
        model = EmergencyPlan
        fields = [
            "id", "kind", "title", "version", "approver", "reviewed_on", "review_due_on", "document_url",
            "recorded_by", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_document_url(self, plan) -> str | None:
        return _document_url("plan", plan.pk) if plan.document else None

    def get_review_due_on(self, plan) -> date:
        return add_months(plan.reviewed_on, self.context["review_months"])


class RecordPlanSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    version = serializers.CharField(allow_blank=True)
    approver = serializers.CharField(allow_blank=True)
    reviewed_on = serializers.DateField()
    document = serializers.FileField(required=False)


class ReviewPlanSerializer(serializers.Serializer):
    version = serializers.CharField(allow_blank=True)
    approver = serializers.CharField(allow_blank=True)
    reviewed_on = serializers.DateField()
    document = serializers.FileField(required=False)


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class EmergencyPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    queryset = EmergencyPlan.objects.none()  # for the schema only
    serializer_class = PlanSerializer
    read_capability = C.SAFETY_VIEW
    write_capability = C.SAFETY_RECORD

    def get_queryset(self):
        return access.plans_for_user(self.request.user, self.request.capabilities)

    def get_object(self):
        return access.plan_for_user(self.request.user, self.request.capabilities, self.kwargs["pk"])

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            "review_months": review_months(self.request._request.school),
        }

    def _detail(self, plan, status_code=status.HTTP_200_OK):
        return Response(PlanSerializer(plan, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(request={"multipart/form-data": RecordPlanSerializer}, responses=PlanSerializer)
    def create(self, request, *args, **kwargs):
        data = RecordPlanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._detail(
            safety.record_plan(**data.validated_data, actor=request.user), status.HTTP_201_CREATED
        )

    @extend_schema(request={"multipart/form-data": ReviewPlanSerializer}, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        plan = self.get_object()
        data = ReviewPlanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._detail(safety.review_plan(plan=plan, **data.validated_data, actor=request.user))


# --- Responsibility agreements -----------------------------------------------------------


class AgreementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agreement
        fields = ["id", "year", "party", "signer", "department", "party_name", "method", "signed_at",
                  "recorded_by", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = fields


class SignAgreementSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    signer = serializers.IntegerField(required=False, allow_null=True, help_text="a staff member's user id")
    department = serializers.IntegerField(required=False, allow_null=True)
    contractor = serializers.CharField(required=False, allow_blank=True, default="")
    signature = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="one's own signature, a data URL"
    )
    scan = serializers.FileField(required=False)


@extend_schema_view(
    list=extend_schema(
        parameters=[UPDATED_SINCE, OpenApiParameter("year", int, description="only this year")]
    )
)
class AgreementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    """Safety responsibility agreements (安全责任书). Anyone may sign their own with a signature;
    scans for others need the safety-record capability."""

    queryset = Agreement.objects.none()  # for the schema only
    serializer_class = AgreementSerializer
    read_capability = C.SAFETY_VIEW
    write_capability = C.SCHOOL_VIEW

    def get_queryset(self):
        agreements = access.agreements_for_user(self.request.user, self.request.capabilities)
        year = self.request.query_params.get("year", "")
        return agreements.filter(year=int(year)) if year.isdigit() else agreements

    def get_object(self):
        return access.agreement_for_user(self.request.user, self.request.capabilities, self.kwargs["pk"])

    @extend_schema(request={"multipart/form-data": SignAgreementSerializer}, responses=AgreementSerializer)
    def create(self, request, *args, **kwargs):
        from rest_framework.exceptions import PermissionDenied

        data = SignAgreementSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        school = request._request.school
        signer = staff_member(school, values.get("signer"), "signer")
        department = (
            access.department_for_school(values["department"])
            if values.get("department") is not None
            else None
        )
        if not access.can_record_agreement(
            request.user,
            request.capabilities,
            signer=signer,
            department=department,
            contractor=values["contractor"],
        ):
            raise PermissionDenied(_("只能签订本人的责任书。"))
        signature = clean_signature(values["signature"]) if values["signature"] else None
        agreement = safety.sign_agreement(
            year=values["year"], signer=signer, department=department, contractor=values["contractor"],
            signature=signature, scan=values.get("scan"), actor=request.user,
        )  # fmt: skip
        return Response(AgreementSerializer(agreement).data, status=status.HTTP_201_CREATED)
