"""Capability checks for pages, on top of eduplatform.accounts.access."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from eduplatform.accounts.access import district_capabilities, school_capabilities
from eduplatform.accounts.roles import Capability, capabilities_of


def page_capabilities(request) -> frozenset[Capability]:
    """What the signed-in person may do here: in the school of the URL, or district-wide."""
    cached = getattr(request, "_page_capabilities", None)
    if cached is None:
        school = getattr(request, "school", None)
        if school is not None and getattr(request, "school_roles", None):
            # The membership middleware has read this person's roles here already.
            cached = capabilities_of(request.school_roles)
        elif school is not None:
            cached = school_capabilities(request.user, school)
        else:
            cached = district_capabilities(request.user)
        request._page_capabilities = cached
    return cached


def capability_required(capability: Capability):
    """A page that needs one capability. Anonymous: to the login page; a member without it: 403.

    (Someone who is not a member of the school never gets here: the membership middleware
    answers 404 first.)
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if capability not in page_capabilities(request):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_capability = capability
        return wrapped

    return decorator
