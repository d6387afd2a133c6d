"""Every route of the platform, classified for the isolation matrix.

A route that is not listed here fails tests/isolation/test_matrix.py: adding a page or an
endpoint means saying here who may reach it. Keys are "namespace:name" as used by
reverse(); a trailing "*" covers a whole namespace.

Kinds:
  PUBLIC    anyone may open it (login pages, probes, API docs); not checked for isolation
  SCHOOL    under /s/<code>/: an outsider gets 404, anonymous the login page or 401
  DISTRICT  district-wide, signed in: an outsider gets 401/403/404, or, for a list that is
            scoped to the caller (LIST), 200 without any of the school under test's data
  OPERATOR  the platform operator's admin: everyone else is sent to the admin login

`kwargs` builds the URL's arguments from the matrix's context (see test_matrix.Context),
pointing at objects of the school under test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PUBLIC = "public"
SCHOOL = "school"
DISTRICT = "district"
OPERATOR = "operator"


@dataclass(frozen=True)
class Route:
    kind: str
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda context: {})
    # A district-wide list filtered to what the caller may see: 200 is fine, a leak is not.
    is_scoped_list: bool = False


SCHOOL_CODE = Route(DISTRICT, kwargs=lambda context: {"code": context.school.code})

PUBLIC_ROUTES: dict[str, Route] = {
    "frontend:home": Route(DISTRICT, is_scoped_list=True),
    "accounts:login": Route(PUBLIC),
    "accounts:logout": Route(PUBLIC),
    "set_language": Route(PUBLIC),
    "healthz": Route(PUBLIC),
    "readyz": Route(PUBLIC),
    "api-schema": Route(PUBLIC),
    "api-schema-school": Route(PUBLIC),
    "api-docs": Route(PUBLIC),
    "api-docs-school": Route(PUBLIC),
    "api-redoc": Route(PUBLIC),
    "district-api:school-list": Route(DISTRICT, is_scoped_list=True),
    "district-api:school-detail": SCHOOL_CODE,
    "frontend:audit-events": Route(DISTRICT, is_scoped_list=True),
    "frontend:audit-export": Route(DISTRICT, is_scoped_list=True),
    "admin:*": Route(OPERATOR),
}

SCHOOL_ROUTES: dict[str, Route] = {
    "frontend:home": Route(SCHOOL),
    "frontend:departments": Route(SCHOOL),
    "frontend:audit-events": Route(SCHOOL),
    "frontend:audit-export": Route(SCHOOL),
    "accounts:login": Route(PUBLIC),
    "accounts:logout": Route(PUBLIC),
    "school-api:current-school": Route(SCHOOL),
    "school-api:department-list": Route(SCHOOL),
}
