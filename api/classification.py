"""The district API for GB/T 14885 classification codes: read them, and (bureau admins)
load the district's official table or its 2010 -> 2022 mapping."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from api.base import UPDATED_SINCE, ApiViewSet
from eduplatform.accounts.access import districts_for_user
from eduplatform.accounts.roles import Capability
from eduplatform.classification.access import codes_for_user
from eduplatform.classification.actions import load_code_mapping, load_code_table
from eduplatform.classification.models import ClassificationCode, Edition


class DistrictCodeSerializer(serializers.ModelSerializer):
    district_code = serializers.CharField(source="district.code", default="", read_only=True)

    class Meta:
        model = ClassificationCode
        fields = ["id", "district_code", "edition", "code", "name", "parent_code", "updated_at"]
        read_only_fields = fields


class LoadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField([("codes", "codes"), ("mapping", "mapping")], default="codes")
    edition = serializers.ChoiceField(Edition.choices, required=False)
    file = serializers.FileField()


class LoadResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


@extend_schema_view(
    list=extend_schema(
        parameters=[
            UPDATED_SINCE,
            OpenApiParameter("edition", OpenApiTypes.STR),
            OpenApiParameter("q", OpenApiTypes.STR),
        ]
    )
)
class DistrictCodeViewSet(mixins.ListModelMixin, ApiViewSet):
    """Codes the caller's districts use: the platform's own and those their bureaus loaded."""

    serializer_class = DistrictCodeSerializer
    queryset = ClassificationCode.objects.none()
    read_capability = Capability.SCHOOL_VIEW
    action_capabilities = {"load": Capability.SCHOOLS_MANAGE}
    filters_updated_since = True
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        codes = codes_for_user(self.request.user).select_related("district")
        params = self.request.query_params
        if params.get("edition") in Edition.values:
            codes = codes.filter(edition=params["edition"])
        if params.get("q"):
            codes = codes.filter(code__startswith=params["q"].strip().upper()[:7])
        return codes

    @extend_schema(request={"multipart/form-data": LoadSerializer}, responses=LoadResultSerializer)
    @action(detail=False, methods=["post"], url_path=r"load/(?P<district_code>\d{6})", url_name="load")
    def load(self, request, district_code=None):
        """Load a table for one of the caller's districts; any other district is a 404."""
        district = districts_for_user(request.user).filter(code=district_code).first()
        if district is None:
            raise NotFound()
        serializer = LoadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload = data["file"]
        content = upload.read(10 * 1024 * 1024 + 1)
        if data["kind"] == "mapping":
            result = load_code_mapping(
                district=district, content=content, filename=upload.name, actor=request.user
            )
        else:
            if "edition" not in data:
                raise ValidationError(
                    {"edition": ValidationError(_("请选择分类代码的版本。"), code="required")}
                )
            result = load_code_table(
                district=district,
                edition=data["edition"],
                content=content,
                filename=upload.name,
                actor=request.user,
            )
        return Response(LoadResultSerializer(result).data)
