from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from api.base import UPDATED_SINCE, SchoolViewSet
from eduplatform.accounts.roles import Capability
from eduplatform.organisation.access import departments_for_school
from eduplatform.organisation.actions import create_department
from eduplatform.organisation.models import Department


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "is_logistics_office", "is_active", "created_at", "updated_at"]
        read_only_fields = ["id", "is_active", "created_at", "updated_at"]


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class DepartmentViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, SchoolViewSet):
    serializer_class = DepartmentSerializer
    write_capability = Capability.ORGANISATION_MANAGE

    def get_queryset(self):
        return departments_for_school()

    def perform_create(self, serializer):
        serializer.instance = create_department(actor=self.request.user, **serializer.validated_data)
