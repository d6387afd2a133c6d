"""The school's safety API: templates in force, inspections, hazards.

Viewsets parse and render; every rule is in eduplatform.safety (actions, access). Photos
are uploaded as multipart `photos` (one or more files), checked and re-encoded by
eduplatform.safety.photos before any action sees them.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import UPDATED_SINCE, SchoolViewSet
from eduplatform.accounts.roles import Capability
from eduplatform.checklists.access import template_for_school, templates_for_school
from eduplatform.checklists.models import ChecklistTemplate, TemplateItem
from eduplatform.checklists.refusals import refusal
from eduplatform.safety import access
from eduplatform.safety import actions as safety
from eduplatform.safety.models import (
    Hazard,
    HazardPhoto,
    Inspection,
    InspectionItem,
    InspectionPhoto,
)
from eduplatform.safety.people import staff_member
from eduplatform.safety.photos import clean_photo, clean_signature

C = Capability


def _photos(request, field: str = "photos") -> list:
    return [clean_photo(upload, field=field) for upload in request.FILES.getlist(field)]


def _photo_url(kind: str, pk: int) -> str:
    return reverse("frontend:safety:photo", kwargs={"kind": kind, "pk": pk})


class TemplateItemSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.title", read_only=True)

    class Meta:
        model = TemplateItem
        fields = ["id", "section", "position", "key", *TemplateItem.DEFINITION_FIELDS]
        read_only_fields = fields


class SchoolTemplateSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="current_version.number", read_only=True)
    version_id = serializers.IntegerField(source="current_version_id", read_only=True)

    class Meta:
        model = ChecklistTemplate
        fields = [
            "id", "name", "category", "frequency", "times_per_term", "school_kinds", "description",
            "version", "version_id", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class SchoolTemplateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    """District templates in force for this school (published, active, for its kind)."""

    queryset = ChecklistTemplate.objects.none()  # for the schema's path types; rows come from get_queryset
    serializer_class = SchoolTemplateSerializer
    read_capability = C.SAFETY_VIEW

    def get_queryset(self):
        return templates_for_school(self.request._request.school)

    def get_object(self):
        return template_for_school(self.request._request.school, self.kwargs["pk"])


class InspectionItemSerializer(serializers.ModelSerializer):
    photos = serializers.SerializerMethodField()
    signature_url = serializers.SerializerMethodField()

    class Meta:
        model = InspectionItem
        fields = [
            "id", "position", "section_title", *InspectionItem.DEFINITION_FIELDS, "result", "number_value",
            "text_value", "choice_value", "note", "is_failed", "photos", "signature_url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_photos(self, item) -> list[dict]:
        return [{"id": photo.pk, "url": _photo_url("inspection", photo.pk)} for photo in item.photos.all()]

    def get_signature_url(self, item) -> str | None:
        return _photo_url("signature", item.pk) if item.signature else None


class InspectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Inspection
        fields = [
            "id", "title", "category", "frequency", "status", "template", "template_version", "local_template",
            "location", "summary", "inspector", "performed_on", "submitted_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class InspectionDetailSerializer(InspectionSerializer):
    items = InspectionItemSerializer(many=True, read_only=True)

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "items"]
        read_only_fields = fields


class StartInspectionSerializer(serializers.Serializer):
    template = serializers.IntegerField(required=False)
    local_template = serializers.IntegerField(required=False)
    location = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")


class AnswerSerializer(serializers.Serializer):
    result = serializers.CharField(required=False, allow_blank=True)
    number = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    text = serializers.CharField(required=False, allow_blank=True)
    choice = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)


class AnswersSerializer(serializers.Serializer):
    answers = serializers.DictField(child=AnswerSerializer(), required=False, default=dict)
    summary = serializers.CharField(required=False, allow_blank=True)


class ItemFileSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    photo = serializers.FileField(required=False)
    signature = serializers.CharField(required=False, help_text="a data URL (data:image/png;base64,...)")


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    queryset = Inspection.objects.none()  # for the schema only, as above
    read_capability = C.SAFETY_VIEW
    write_capability = C.SAFETY_RECORD

    def capabilities(self):
        return self.request.capabilities

    def get_queryset(self):
        return access.inspections_for_user(self.request.user, self.capabilities())

    def get_object(self):
        return access.inspection_for_user(self.request.user, self.capabilities(), self.kwargs["pk"])

    def get_serializer_class(self):
        return InspectionDetailSerializer if self.action != "list" else InspectionSerializer

    def _detail(self, inspection, status_code=status.HTTP_200_OK):
        inspection = Inspection.objects.prefetch_related("items__photos").get(pk=inspection.pk)
        return Response(InspectionDetailSerializer(inspection).data, status=status_code)

    @extend_schema(request=StartInspectionSerializer, responses=InspectionDetailSerializer)
    def create(self, request, *args, **kwargs):
        data = StartInspectionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        template = local = None
        if values.get("template"):
            template = template_for_school(request._request.school, values["template"])
        elif values.get("local_template"):
            local = access.local_template_for_school(values["local_template"])
        inspection = safety.start_inspection(
            template=template, local_template=local, location=values["location"], actor=request.user
        )
        return self._detail(inspection, status.HTTP_201_CREATED)

    @extend_schema(request=AnswersSerializer, responses=InspectionDetailSerializer)
    @action(detail=True, methods=["post"])
    def answers(self, request, pk=None):
        data = AnswersSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        inspection = safety.save_answers(
            inspection=self.get_object(), answers=data.validated_data["answers"], actor=request.user
        )
        return self._detail(inspection)

    @extend_schema(request=AnswersSerializer, responses=InspectionDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        data = AnswersSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        inspection = safety.submit_inspection(
            inspection=self.get_object(),
            answers=data.validated_data["answers"],
            summary=data.validated_data.get("summary"),
            actor=request.user,
        )
        return self._detail(inspection)

    @extend_schema(request={"multipart/form-data": ItemFileSerializer}, responses=InspectionDetailSerializer)
    @action(detail=True, methods=["post"])
    def photos(self, request, pk=None):
        inspection = self.get_object()
        data = ItemFileSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = access.inspection_item_for_user(
            request.user, self.capabilities(), inspection, data.validated_data["item"]
        )
        if "photo" not in request.FILES:
            raise refusal("photo", _("请选择照片。"), "required")
        safety.add_inspection_photo(item=item, image=clean_photo(request.FILES["photo"]), actor=request.user)
        return self._detail(inspection, status.HTTP_201_CREATED)

    @extend_schema(request=ItemFileSerializer, responses=InspectionDetailSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        inspection = self.get_object()
        data = ItemFileSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = access.inspection_item_for_user(
            request.user, self.capabilities(), inspection, data.validated_data["item"]
        )
        image = clean_signature(data.validated_data.get("signature", ""))
        safety.sign_item(item=item, image=image, actor=request.user)
        return self._detail(inspection)


class HazardPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = HazardPhoto
        fields = ["id", "kind", "url", "created_at"]
        read_only_fields = fields

    def get_url(self, photo) -> str:
        return _photo_url("hazard", photo.pk)


class HazardSerializer(serializers.ModelSerializer):
    is_overdue = serializers.SerializerMethodField()
    photos = HazardPhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Hazard
        fields = [
            "id", "number", "source", "category", "severity", "location", "description", "status",
            "inspection", "inspection_item", "building", "reported_by", "reported_on", "responsible",
            "deadline", "is_overdue", "rectification_started_at", "rectified_by", "rectified_at",
            "rectification_notes", "verified_by", "verified_at", "verification_notes", "reopened_count",
            "escalated_at", "photos", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_is_overdue(self, hazard) -> bool:
        return hazard.is_overdue(timezone.localdate())


class ReportHazardSerializer(serializers.Serializer):
    category = serializers.CharField()
    severity = serializers.CharField()
    location = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)
    deadline = serializers.DateField(required=False, allow_null=True)
    responsible = serializers.IntegerField(required=False, allow_null=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False)


class NotesSerializer(serializers.Serializer):
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.FileField(), required=False)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)
    deadline = serializers.DateField(required=False, allow_null=True)


class AssignSerializer(serializers.Serializer):
    responsible = serializers.IntegerField(required=False, allow_null=True)
    deadline = serializers.DateField(required=False, allow_null=True)


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class HazardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    """The hazard register. Filters: status, severity, category, overdue=1."""

    queryset = Hazard.objects.none()  # for the schema only, as above
    serializer_class = HazardSerializer
    read_capability = C.HAZARDS_REPORT
    write_capability = C.HAZARDS_REPORT
    action_capabilities = {
        "start": C.HAZARDS_REPORT,
        "rectify": C.HAZARDS_REPORT,
        "assign": C.SAFETY_RECORD,
        "verify": C.HAZARDS_VERIFY,
        "reopen": C.HAZARDS_VERIFY,
    }

    def get_queryset(self):
        hazards = access.hazards_for_user(self.request.user, self.request.capabilities).prefetch_related(
            "photos"
        )
        params = self.request.query_params
        for name in ("status", "severity", "category"):
            if params.get(name):
                hazards = hazards.filter(**{name: params[name]})
        if params.get("overdue") in ("1", "true"):
            hazards = hazards.overdue(timezone.localdate())
        return hazards

    def get_object(self):
        return access.hazard_for_user(self.request.user, self.request.capabilities, self.kwargs["pk"])

    def _detail(self, hazard, status_code=status.HTTP_200_OK):
        hazard = Hazard.objects.prefetch_related("photos").get(pk=hazard.pk)
        return Response(HazardSerializer(hazard).data, status=status_code)

    @extend_schema(request={"multipart/form-data": ReportHazardSerializer}, responses=HazardSerializer)
    def create(self, request, *args, **kwargs):
        data = ReportHazardSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        school = request._request.school
        hazard = safety.report_hazard(
            category=values["category"],
            severity=values["severity"],
            location=values["location"],
            description=values["description"],
            deadline=values.get("deadline"),
            responsible=staff_member(school, values.get("responsible"), "responsible"),
            photos=_photos(request),
            actor=request.user,
        )
        return self._detail(hazard, status.HTTP_201_CREATED)

    @extend_schema(request=NotesSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        hazard = self._rectifiable()
        data = NotesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._detail(
            safety.start_rectification(hazard=hazard, notes=data.validated_data["notes"], actor=request.user)
        )

    @extend_schema(request={"multipart/form-data": NotesSerializer}, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def rectify(self, request, pk=None):
        hazard = self._rectifiable()
        data = NotesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._detail(
            safety.rectify_hazard(
                hazard=hazard, notes=data.validated_data["notes"], photos=_photos(request), actor=request.user
            )
        )

    @extend_schema(request={"multipart/form-data": NotesSerializer}, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        data = NotesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        hazard = safety.verify_hazard(
            hazard=self.get_object(),
            notes=data.validated_data["notes"],
            photos=_photos(request),
            actor=request.user,
        )
        return self._detail(hazard)

    @extend_schema(request=ReasonSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        hazard = safety.reopen_hazard(
            hazard=self.get_object(),
            reason=data.validated_data["reason"],
            deadline=data.validated_data.get("deadline"),
            actor=request.user,
        )
        return self._detail(hazard)

    @extend_schema(request=AssignSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        data = AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        school = request._request.school
        hazard = safety.assign_hazard(
            hazard=self.get_object(),
            responsible=staff_member(school, data.validated_data.get("responsible"), "responsible"),
            deadline=data.validated_data.get("deadline"),
            actor=request.user,
        )
        return self._detail(hazard)

    def _rectifiable(self) -> Hazard:
        from rest_framework.exceptions import PermissionDenied

        hazard = self.get_object()
        if not access.can_rectify(self.request.user, self.request.capabilities, hazard):
            raise PermissionDenied(_("只有整改责任人或安全管理人员可以整改。"))
        return hazard


__all__ = ["HazardViewSet", "InspectionPhoto", "InspectionViewSet", "SchoolTemplateViewSet"]
