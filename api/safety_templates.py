"""The school's own templates and items, and who does which required inspection.

The API face of the pages in frontend/safety/template_views.py, with the same
capabilities: `safety.view` reads, `safety.record` writes. As everywhere in api/, viewsets
parse and render; eduplatform.safety decides (actions, access helpers, the schedule).

    safety/local-templates/           the school's own checklists (activate / deactivate)
    safety/local-items/               their items, and the items the school asks after a
                                      district template's (`local_template` or
                                      `district_template`); deactivate
    safety/responsibilities/          who does a required inspection: POST names someone
                                      (or replaces who it was), DELETE goes back to nobody

Editing a template or an item never changes an inspection already started: an inspection
keeps its own copy of what it asked.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from api.base import UPDATED_SINCE, SchoolViewSet
from eduplatform.accounts.roles import Capability
from eduplatform.checklists.access import template_for_school
from eduplatform.checklists.models import Frequency, ItemKind, Severity, TemplateCategory
from eduplatform.checklists.refusals import refusal
from eduplatform.safety import access
from eduplatform.safety import actions as safety
from eduplatform.safety.models import InspectionResponsibility, LocalItem, LocalTemplate
from eduplatform.safety.people import inspection_person

C = Capability

# As the pages: whoever watches safety reads; whoever records it (access.can_manage_templates)
# makes and changes the school's templates and says who does which inspection.
READ = C.SAFETY_VIEW
WRITE = C.SAFETY_RECORD


def _chosen(lookup, field: str):
    """A template named in the body: one this school does not have (or use) is a refusal on
    its field, not a 404 of the endpoint."""
    try:
        return lookup()
    except Http404:
        raise refusal(field, _("请选择检查模板。"), f"invalid_{field}") from None


def _filters(request, serializer_class) -> dict:
    # A plain dict, not the QueryDict: for an HTML-style input DRF reads a missing boolean as false.
    data = serializer_class(data=request.query_params.dict())
    data.is_valid(raise_exception=True)
    return data.validated_data


IS_ACTIVE = OpenApiParameter(
    "is_active", OpenApiTypes.BOOL, description="true: only those in use; false: only stopped ones"
)


# --- Items -------------------------------------------------------------------------------


class LocalItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = LocalItem
        fields = [
            "id", "local_template", "district_template", "position", *LocalItem.DEFINITION_FIELDS, "is_active",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class ChangeLocalItemSerializer(serializers.Serializer):
    """What an item asks and how its answer is judged. The domain checks the values (kind,
    range, choices, severity) and refuses with a stable code per field."""

    text = serializers.CharField(max_length=300, allow_blank=True)
    guidance = serializers.CharField(max_length=500, required=False, allow_blank=True)
    kind = serializers.CharField(
        required=False, default=ItemKind.PASS_FAIL, help_text=", ".join(ItemKind.values)
    )
    unit = serializers.CharField(max_length=20, required=False, allow_blank=True)
    minimum = serializers.DecimalField(max_digits=12, decimal_places=3, required=False, allow_null=True)
    maximum = serializers.DecimalField(max_digits=12, decimal_places=3, required=False, allow_null=True)
    choices = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    failing_choices = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    is_required = serializers.BooleanField(required=False)
    photo_required_on_failure = serializers.BooleanField(required=False)
    severity_on_failure = serializers.CharField(required=False, help_text=", ".join(Severity.values))
    opens_hazard = serializers.BooleanField(required=False)
    hazard_deadline_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=365,
        help_text="days to rectify a hazard the item opens; empty: the district's default for the severity",
    )  # fmt: skip


class AddLocalItemSerializer(ChangeLocalItemSerializer):
    local_template = serializers.IntegerField(required=False, help_text="one of the school's own templates")
    district_template = serializers.IntegerField(
        required=False, help_text="a district template in force here: the item is asked after its items"
    )


class LocalItemFilters(serializers.Serializer):
    local_template = serializers.IntegerField(required=False)
    district_template = serializers.IntegerField(required=False)
    is_active = serializers.BooleanField(required=False)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            UPDATED_SINCE,
            OpenApiParameter("local_template", int, description="only the items of this school template"),
            OpenApiParameter(
                "district_template", int, description="only the school's items after this district template"
            ),
            IS_ACTIVE,
        ]
    )
)
class LocalItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    """The school's own items. A deactivated item is no longer asked; inspections that asked
    it keep it. The district's own items are read through safety/templates/ and never change here."""

    queryset = LocalItem.objects.none()  # for the schema's path types; rows come from get_queryset
    serializer_class = LocalItemSerializer
    read_capability = READ
    write_capability = WRITE

    def get_queryset(self):
        items = access.local_items_for_school()
        if self.action != "list":
            return items
        filters = _filters(self.request, LocalItemFilters)
        for name in ("local_template", "district_template", "is_active"):
            if name in filters:
                items = items.filter(**{name: filters[name]})
        return items

    def get_object(self):
        return access.local_item_for_school(self.kwargs["pk"])

    def _detail(self, item, status_code=status.HTTP_200_OK):
        return Response(LocalItemSerializer(item).data, status=status_code)

    @extend_schema(request=AddLocalItemSerializer, responses={201: LocalItemSerializer})
    def create(self, request, *args, **kwargs):
        """Add an item to one of the school's templates (`local_template`) or after a district
        template's items (`district_template`): exactly one of the two."""
        data = AddLocalItemSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        local_id, district_id = values.pop("local_template", None), values.pop("district_template", None)
        local = (
            _chosen(lambda: access.local_template_for_school(local_id), "local_template")
            if local_id is not None
            else None
        )
        district = (
            _chosen(lambda: template_for_school(request._request.school, district_id), "district_template")
            if district_id is not None
            else None
        )
        item = safety.add_local_item(
            local_template=local, district_template=district, actor=request.user, **values
        )
        return self._detail(item, status.HTTP_201_CREATED)

    @extend_schema(request=ChangeLocalItemSerializer, responses=LocalItemSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change what the item asks; what is not sent stays. The next inspection asks the new text."""
        item = self.get_object()
        data = ChangeLocalItemSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return self._detail(safety.update_local_item(item=item, actor=request.user, **data.validated_data))

    @extend_schema(request=None, responses=LocalItemSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        return self._detail(safety.remove_local_item(item=self.get_object(), actor=request.user))


# --- Templates ---------------------------------------------------------------------------


class LocalTemplateSerializer(serializers.ModelSerializer):
    is_required = serializers.BooleanField(
        read_only=True,
        help_text="not on demand: while in use, due by its frequency, and someone may be named for it",
    )

    class Meta:
        model = LocalTemplate
        fields = [
            "id", "name", "category", "frequency", "times_per_term", "description", "is_active", "is_required",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class LocalTemplateDetailSerializer(LocalTemplateSerializer):
    items = LocalItemSerializer(many=True, read_only=True, help_text="the items in use, in the order asked")

    class Meta(LocalTemplateSerializer.Meta):
        fields = [*LocalTemplateSerializer.Meta.fields, "items"]
        read_only_fields = fields


class LocalTemplateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, allow_blank=True)
    category = serializers.CharField(
        required=False, default=TemplateCategory.CUSTOM, help_text=", ".join(TemplateCategory.values)
    )
    frequency = serializers.CharField(
        required=False, default=Frequency.ON_DEMAND, help_text=", ".join(Frequency.values)
    )
    times_per_term = serializers.IntegerField(required=False, default=1, min_value=1, max_value=50)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class LocalTemplateFilters(serializers.Serializer):
    is_active = serializers.BooleanField(required=False)


@extend_schema_view(list=extend_schema(parameters=[UPDATED_SINCE, IS_ACTIVE]))
class LocalTemplateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    """The school's own checklists (实验室安全检查 ...), kept in its schema. A stopped one is
    neither offered nor required; inspections made from it keep their copy of its items."""

    queryset = LocalTemplate.objects.none()  # for the schema only, as above
    read_capability = READ
    write_capability = WRITE

    def get_queryset(self):
        templates = access.local_templates_for_school()
        if self.action == "list":
            filters = _filters(self.request, LocalTemplateFilters)
            if "is_active" in filters:
                templates = templates.filter(is_active=filters["is_active"])
        return templates

    def get_object(self):
        return access.local_template_for_school(self.kwargs["pk"])

    def get_serializer_class(self):
        return LocalTemplateSerializer if self.action == "list" else LocalTemplateDetailSerializer

    def _detail(self, template, status_code=status.HTTP_200_OK):
        template = (
            access.local_templates_for_school()
            .prefetch_related(Prefetch("items", queryset=LocalItem.objects.filter(is_active=True)))
            .get(pk=template.pk)
        )
        return Response(LocalTemplateDetailSerializer(template).data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    @extend_schema(request=LocalTemplateInputSerializer, responses={201: LocalTemplateDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = LocalTemplateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        template = safety.create_local_template(**data.validated_data, actor=request.user)
        return self._detail(template, status.HTTP_201_CREATED)

    @extend_schema(request=LocalTemplateInputSerializer, responses=LocalTemplateDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change the name, category, frequency or description; what is not sent stays."""
        template = self.get_object()
        data = LocalTemplateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return self._detail(
            safety.update_local_template(local_template=template, actor=request.user, **data.validated_data)
        )

    @extend_schema(request=None, responses=LocalTemplateDetailSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """Stop using it: no longer offered for an inspection, nor required."""
        template = safety.set_local_template_active(
            local_template=self.get_object(), is_active=False, actor=request.user
        )
        return self._detail(template)

    @extend_schema(request=None, responses=LocalTemplateDetailSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        template = safety.set_local_template_active(
            local_template=self.get_object(), is_active=True, actor=request.user
        )
        return self._detail(template)


# --- Who does which required inspection --------------------------------------------------


class ResponsibilityPagination(CursorPagination):
    # A responsibility has no updated_at (naming someone else replaces the person in place),
    # so pages follow the id and there is no updated_since.
    ordering = ("id",)
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class ResponsibilitySerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField(help_text="the template's name")
    person_name = serializers.SerializerMethodField()

    class Meta:
        model = InspectionResponsibility
        fields = ["id", "template", "local_template", "title", "person", "person_name", "created_at"]
        read_only_fields = fields

    def get_title(self, row) -> str:
        return (row.template or row.local_template).name

    def get_person_name(self, row) -> str:
        return row.person.name or row.person.username


class SetResponsibilitySerializer(serializers.Serializer):
    template = serializers.IntegerField(required=False, help_text="a district template in force here")
    local_template = serializers.IntegerField(required=False, help_text="one of the school's own templates")
    person = serializers.IntegerField(
        help_text="a member of the school who may fill in inspections (principal, logistics director, safety officer)"
    )


class ResponsibilityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolViewSet):
    """Who does which required inspection; they see it on their "today". A required
    inspection with nobody named is done by the safety officers."""

    queryset = InspectionResponsibility.objects.none()  # for the schema only, as above
    serializer_class = ResponsibilitySerializer
    pagination_class = ResponsibilityPagination
    filters_updated_since = False
    read_capability = READ
    write_capability = WRITE

    def get_queryset(self):
        return access.responsibilities_for_school()

    def get_object(self):
        return access.responsibility_for_school(self.kwargs["pk"])

    @extend_schema(request=SetResponsibilitySerializer, responses={200: ResponsibilitySerializer})
    def create(self, request, *args, **kwargs):
        """Name who does a required inspection (exactly one of `template` and
        `local_template`); whoever it was before is replaced."""
        data = SetResponsibilitySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        school = request._request.school
        template = (
            _chosen(lambda: template_for_school(school, values["template"]), "template")
            if "template" in values
            else None
        )
        local = (
            _chosen(lambda: access.local_template_for_school(values["local_template"]), "local_template")
            if "local_template" in values
            else None
        )
        row = safety.set_responsibility(
            person=inspection_person(school, values["person"], "person"),
            template=template,
            local_template=local,
            actor=request.user,
        )
        return Response(ResponsibilitySerializer(access.responsibility_for_school(row.pk)).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, *args, **kwargs):
        """Back to nobody in particular (the safety officers)."""
        row = self.get_object()
        safety.set_responsibility(
            person=None, template=row.template, local_template=row.local_template, actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
