"""The district's template library API (/api/v1/checklists/...) and its escalated hazards."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import UPDATED_SINCE, ApiViewSet
from api.safety import TemplateItemSerializer
from eduplatform.accounts.roles import Capability
from eduplatform.checklists import access
from eduplatform.checklists import actions as checklists
from eduplatform.checklists.models import (
    ChecklistTemplate,
    HazardEscalation,
    ItemDefinition,
    TemplateItem,
    TemplateSection,
    TemplateVersion,
)

C = Capability


class TemplateSerializer(serializers.ModelSerializer):
    current_version_number = serializers.IntegerField(source="current_version.number", read_only=True)
    district = serializers.CharField(source="district.code", required=False)

    class Meta:
        model = ChecklistTemplate
        fields = [
            "id", "district", "name", "category", "frequency", "times_per_term", "school_kinds", "description",
            "is_active", "current_version", "current_version_number", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "id",
            "is_active",
            "current_version",
            "current_version_number",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "name": {"allow_blank": True},
            "category": {"validators": []},
            "frequency": {"validators": []},
        }


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = TemplateSection
        fields = ["id", "title", "position"]
        read_only_fields = fields


class VersionSerializer(serializers.ModelSerializer):
    sections = SectionSerializer(many=True, read_only=True)
    items = TemplateItemSerializer(many=True, read_only=True)

    class Meta:
        model = TemplateVersion
        fields = [
            "id",
            "template",
            "number",
            "status",
            "published_at",
            "sections",
            "items",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ItemInputSerializer(serializers.Serializer):
    section = serializers.IntegerField(required=False)
    text = serializers.CharField(required=False, allow_blank=True)
    guidance = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.CharField(required=False)
    unit = serializers.CharField(required=False, allow_blank=True)
    minimum = serializers.DecimalField(max_digits=12, decimal_places=3, required=False, allow_null=True)
    maximum = serializers.DecimalField(max_digits=12, decimal_places=3, required=False, allow_null=True)
    choices = serializers.ListField(child=serializers.CharField(), required=False)
    failing_choices = serializers.ListField(child=serializers.CharField(), required=False)
    is_required = serializers.BooleanField(required=False)
    photo_required_on_failure = serializers.BooleanField(required=False)
    severity_on_failure = serializers.CharField(required=False)
    opens_hazard = serializers.BooleanField(required=False)
    hazard_deadline_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=365
    )


def _definition(validated: dict) -> dict:
    return {name: value for name, value in validated.items() if name in ItemDefinition.DEFINITION_FIELDS}


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class TemplateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Templates of the caller's districts (created and named on the bureau's pages)."""

    serializer_class = TemplateSerializer
    read_capability = C.TEMPLATES_MANAGE
    write_capability = C.TEMPLATES_MANAGE
    filters_updated_since = True

    def get_queryset(self):
        return access.templates_for_user(self.request.user)

    def get_object(self):
        return access.template_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(request=None, responses=VersionSerializer)
    @action(detail=True, methods=["post"])
    def draft(self, request, pk=None):
        """The template's draft: the open one, or a new copy of the version in force."""
        version = checklists.start_new_version(template=self.get_object(), actor=request.user)
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)


class VersionViewSet(mixins.RetrieveModelMixin, ApiViewSet):
    # For the schema's path parameter type only: objects come from the access helpers.
    queryset = TemplateVersion.objects.none()
    serializer_class = VersionSerializer
    read_capability = C.TEMPLATES_MANAGE
    write_capability = C.TEMPLATES_MANAGE

    def get_object(self):
        return access.version_for_user(self.request.user, self.kwargs["pk"])

    def _render(self, version, status_code=status.HTTP_200_OK):
        version = TemplateVersion.objects.prefetch_related("sections", "items__section").get(pk=version.pk)
        return Response(VersionSerializer(version).data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        return self._render(self.get_object())

    @extend_schema(request=ItemInputSerializer, responses=VersionSerializer)
    @action(detail=True, methods=["post"])
    def items(self, request, pk=None):
        version = self.get_object()
        data = ItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        section = None
        if data.validated_data.get("section"):
            section = access.section_for_user(request.user, data.validated_data["section"])
        checklists.add_item(
            version=version, section=section, actor=request.user, **_definition(data.validated_data)
        )
        return self._render(version, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=VersionSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._render(checklists.publish_version(version=self.get_object(), actor=request.user))


class ItemViewSet(ApiViewSet):
    queryset = TemplateItem.objects.none()  # for the schema only, as above
    read_capability = C.TEMPLATES_MANAGE
    write_capability = C.TEMPLATES_MANAGE
    serializer_class = TemplateItemSerializer

    @extend_schema(request=ItemInputSerializer, responses=TemplateItemSerializer)
    def partial_update(self, request, pk=None):
        item = access.item_for_user(request.user, pk)
        data = ItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = checklists.update_item(item=item, actor=request.user, **_definition(data.validated_data))
        return Response(TemplateItemSerializer(item).data)

    def destroy(self, request, pk=None):
        checklists.remove_item(item=access.item_for_user(request.user, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EscalationSerializer(serializers.ModelSerializer):
    school_code = serializers.CharField(source="school.code", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)

    class Meta:
        model = HazardEscalation
        fields = [
            "id", "school_code", "school_name", "hazard_id", "hazard_number", "description", "location",
            "severity", "deadline", "reason", "escalated_at", "resolved_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class EscalationViewSet(mixins.ListModelMixin, ApiViewSet):
    """Hazards the schools of the caller's districts escalated (critical, or long overdue)."""

    serializer_class = EscalationSerializer
    read_capability = C.SAFETY_VIEW
    filters_updated_since = True

    def get_queryset(self):
        return access.escalations_for_user(self.request.user)
