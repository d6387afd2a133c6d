from __future__ import annotations

from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from eduplatform.accounts.access import school_roles


class IsMemberOfCurrentScope(BasePermission):
    """The default for every endpoint: signed in, and, under a school, a member of it.

    A user of another school or another district gets a 404, the same answer as for a
    school that does not exist.
    """

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        school = getattr(request._request, "school", None)
        if school is None:
            return True
        roles = school_roles(request.user, school)
        if not roles:
            raise NotFound()
        request._request.school_roles = roles
        return True
