from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from eduplatform.accounts.access import memberships_of, switchable_schools
from frontend.access import page_capabilities
from frontend.navigation import navigation_for


def portal(request):
    """What every page's frame needs: the current school and the schools to switch to."""
    # The school is named on a page only to someone who belongs there: not on its login
    # page, not on the 404 an outsider gets.
    school = getattr(request, "school", None) if getattr(request, "school_roles", None) else None
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    # Lazy: read only by the templates that show the frame, not by htmx fragments.
    # School pages have read the person's memberships already (SchoolMembershipMiddleware).
    memberships = getattr(request, "memberships", None)
    switchable = SimpleLazyObject(
        lambda: (
            switchable_schools(user, memberships_of(user) if memberships is None else memberships)
            if signed_in
            else []
        )
    )
    navigation = SimpleLazyObject(
        lambda: (
            navigation_for(request, page_capabilities(request))
            if signed_in and (school is not None or getattr(request, "school", None) is None)
            else []
        )
    )
    return {"current_school": school, "switchable_schools": switchable, "navigation": navigation}
