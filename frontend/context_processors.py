from __future__ import annotations

from eduplatform.accounts.access import schools_for_user


def portal(request):
    """What every page's frame needs: the current school and the schools to switch to."""
    school = getattr(request, "school", None)
    user = getattr(request, "user", None)
    switchable = []
    if user is not None and user.is_authenticated:
        switchable = list(schools_for_user(user).only("code", "name", "district_id")[:50])
    return {"current_school": school, "switchable_schools": switchable}
