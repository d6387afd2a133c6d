from __future__ import annotations

from django.db.models import QuerySet

from eduplatform.organisation.models import Department


def departments_for_school() -> QuerySet[Department]:
    """Departments of the school whose schema the request is in.

    The school itself was already checked by the routing and membership middleware, and
    the schema holds nothing but that school's rows.
    """
    return Department.objects.all()
