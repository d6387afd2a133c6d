from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import generics, mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination

from api.serializers import DepartmentSerializer, SchoolSerializer
from eduplatform.accounts.access import school_for_user, schools_for_user
from eduplatform.organisation.access import departments_for_school
from eduplatform.organisation.actions import create_department


class CodeOrderedPagination(CursorPagination):
    ordering = "code"


class NameOrderedPagination(CursorPagination):
    ordering = "name"


class SchoolViewSet(viewsets.ReadOnlyModelViewSet):
    """Schools of the districts the caller's bureau reaches, or the caller's own schools."""

    serializer_class = SchoolSerializer
    lookup_field = "code"
    pagination_class = CodeOrderedPagination

    def get_queryset(self):
        return schools_for_user(self.request.user)

    def get_object(self):
        return school_for_user(self.request.user, self.kwargs["code"])


class CurrentSchoolView(generics.RetrieveAPIView):
    """The school this API is mounted under."""

    serializer_class = SchoolSerializer

    def get_object(self):
        return self.request._request.school


class DepartmentViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = DepartmentSerializer
    pagination_class = NameOrderedPagination

    def get_queryset(self):
        return departments_for_school()

    def perform_create(self, serializer):
        try:
            serializer.instance = create_department(actor=self.request.user, **serializer.validated_data)
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
