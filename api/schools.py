from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.response import Response

from api.base import UPDATED_SINCE, ApiGenericView, ApiViewSet
from api.pagination import CodeOrderedPagination
from eduplatform.accounts.access import school_for_user, schools_for_user
from tenants.models import School


class SchoolSerializer(serializers.ModelSerializer):
    district_code = serializers.CharField(source="district.code", read_only=True)
    district_name = serializers.CharField(source="district.name", read_only=True)

    class Meta:
        model = School
        fields = [
            "code", "name", "kind", "district_code", "district_name", "address",
            "student_count", "staff_count", "status", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE]))
class DistrictSchoolViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Schools the caller reaches: through a bureau membership or district key, or their own."""

    serializer_class = SchoolSerializer
    lookup_field = "code"
    pagination_class = CodeOrderedPagination
    filters_updated_since = True

    def get_queryset(self):
        return schools_for_user(self.request.user)

    def get_object(self):
        return school_for_user(self.request.user, self.kwargs["code"])


class CurrentSchoolView(ApiGenericView):
    """The school this API is mounted under."""

    serializer_class = SchoolSerializer
    school_only = True

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(request._request.school).data)
