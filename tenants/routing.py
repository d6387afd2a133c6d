"""URLs under `/s/<school-code>/`.

ROOT_URLCONF is the public one, so reverse() outside a request (a task, an email) never
yields an unprefixed school path by accident. A school's URLs are SCHOOL_URLCONF mounted
under its prefix; the module is made once per school and kept, so Django's resolver
cache works across requests instead of being rebuilt on every one.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType
from typing import Any

from django.conf import settings
from django.urls import include, path, reverse

_school_urlconfs: dict[str, ModuleType] = {}


def school_prefix(code: str) -> str:
    return f"/{settings.TENANT_SUBFOLDER_PREFIX}/{code}/"


def school_urlconf(school) -> ModuleType:
    urlconf = _school_urlconfs.get(school.code)
    if urlconf is None:
        root = import_module(settings.SCHOOL_URLCONF)
        urlconf = ModuleType(f"{settings.SCHOOL_URLCONF}_{school.code}")
        urlconf.urlpatterns = [path(school_prefix(school.code).lstrip("/"), include(root.urlpatterns))]
        for handler in ("handler400", "handler403", "handler404", "handler500"):
            if hasattr(root, handler):
                setattr(urlconf, handler, getattr(root, handler))
        _school_urlconfs[school.code] = urlconf
    return urlconf


def school_reverse(school, viewname: str, *args: Any, **kwargs: Any) -> str:
    """reverse() for a school's page from anywhere: a task, an email, the bureau portal."""
    return reverse(viewname, urlconf=school_urlconf(school), args=args or None, kwargs=kwargs or None)
