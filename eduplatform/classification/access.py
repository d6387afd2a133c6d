"""Which classification codes a principal may read: those in force for a district it reaches."""

from __future__ import annotations

from django.db.models import QuerySet

from eduplatform.accounts.access import districts_for_user
from eduplatform.classification.models import ClassificationCode, CodeMapping


def codes_for_school(school) -> QuerySet[ClassificationCode]:
    """Codes in force for a school: the platform's and those of its district and the bureaus above it."""
    return ClassificationCode.objects.for_district(school.district)


def codes_for_user(principal) -> QuerySet[ClassificationCode]:
    """District side: the shipped codes and those loaded by any district the principal reaches."""
    district_ids = list(districts_for_user(principal).values_list("pk", flat=True))
    if not district_ids:
        return ClassificationCode.objects.none()
    return ClassificationCode.objects.filter(district__isnull=True) | ClassificationCode.objects.filter(
        district_id__in=district_ids
    )


def mappings_for_school(school) -> QuerySet[CodeMapping]:
    return CodeMapping.objects.filter(district_id__in=school.district.ancestor_ids())
