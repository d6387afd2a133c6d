from __future__ import annotations

from eduplatform.accounts.access import schools_for_user


def portal(request):
    """What every page's frame needs: the current school and the schools to switch to."""
    # The school is named on a page only to someone who belongs there: not on its login
    # page, not on the 404 an outsider gets.
    school = getattr(request, "school", None) if getattr(request, "school_roles", None) else None
    user = getattr(request, "user", None)
    switchable = []
    if user is not None and user.is_authenticated:
        switchable = list(schools_for_user(user).only("code", "name", "district_id")[:50])
    return {"current_school": school, "switchable_schools": switchable}
