"""Template tags of the page shell: icons, guarded links, pagination and the person's roles.

{% load shell %}
{% icon "home" %}                                      inline Tabler icon
{% account_menu %}                                     the person's menu, rendered once a request
{% navigation_items navigation %}                      the sidebar's entries
{% optional_url "accounts:password-change" as url %}  "" when the page does not exist
{% portal_url "set_language" %}                        a district-portal URL, also on school pages
{% query_with "page" 3 %}                              ?<current query, page=3>
{% elided_pages page as numbers %}                     1 2 … 7 8 9 … 20
{% current_roles as roles %}                           the person's roles in this school
{{ roles|enumeration:"label" }}                        甲、乙 / "a, b": joined for the language
"""

from __future__ import annotations

import logging
from functools import lru_cache
from html import escape

from django import template
from django.conf import settings
from django.core.paginator import Page
from django.http import QueryDict
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

from eduplatform.accounts.roles import Role
from frontend.icons import icon_svg

logger = logging.getLogger(__name__)
register = template.Library()


@register.simple_tag
def icon(name: str, css_class: str = "") -> str:
    """A Tabler icon by name (see tabler.io/icons). A missing icon renders nothing: a page
    must not fail over a picture; tests/frontend/test_shell.py checks the names in use."""
    if not name:
        return ""
    try:
        return icon_svg(name, css_class)
    except (OSError, ValueError):
        logger.warning("icon %r is not available", name, exc_info=True)
        return ""


@register.simple_tag
def navigation_items(items) -> SafeString:
    """The sidebar's entries (frontend/navigation.py), one <li> each. Written here rather than
    looped in the template: they are the most repeated markup of the frame every page pays
    for, and each entry's HTML is the same for every page but the one it is current on."""
    return mark_safe(  # noqa: S308 - each entry is built by _navigation_item, which escapes
        "".join(
            _navigation_item(str(item["label"]), item["url"], item["icon"], item["is_current"])
            for item in items
        )
    )


@lru_cache(maxsize=4096)
def _navigation_item(label: str, url: str, icon_name: str, is_current: bool) -> str:
    # The label is already in the page's language, so one language's entry is never another's.
    picture = f'<span class="nav-link-icon">{icon(icon_name)}</span>' if icon_name else ""
    active, current = (" active", ' aria-current="page"') if is_current else ("", "")
    return (
        f'<li class="nav-item{active}"><a class="nav-link" href="{escape(url)}"{current}>'
        f'{picture}<span class="nav-link-title">{escape(label)}</span></a></li>'
    )


@register.simple_tag(takes_context=True)
def account_menu(context) -> str:
    """The signed-in person's menu (partials/user_menu.html). The frame shows it twice, in
    the phone's top bar and the wide screen's header; it is rendered once a request."""
    request = context.get("request")
    menu = getattr(request, "_account_menu", None)
    if menu is None:
        with context.push():  # the menu's own variables stay out of the page's
            menu = context.template.engine.get_template("partials/user_menu.html").render(context)
        if request is not None:
            request._account_menu = menu
    return menu


@register.simple_tag
def optional_url(viewname: str, *args, **kwargs) -> str:
    """reverse(), or "" when the URL is not (yet) part of the platform: links to pages that
    another feature adds render only once that page exists."""
    try:
        return reverse(viewname, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


@register.simple_tag
def portal_url(viewname: str, *args, **kwargs) -> str:
    """A URL of the district portal (the public URLConf), from any page, also under /s/<code>/."""
    return reverse(viewname, urlconf=settings.PUBLIC_SCHEMA_URLCONF, args=args or None, kwargs=kwargs or None)


@register.simple_tag(takes_context=True)
def query_with(context, key: str, value) -> str:
    """The current query string with one parameter set (or removed when value is None),
    so that pagination keeps the search and filters."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    if value is None or value == "":
        query.pop(key, None)
    else:
        query[key] = str(value)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def elided_pages(page: Page, on_each_side: int = 1, on_ends: int = 1) -> list:
    """Page numbers around the current one, with the paginator's ELLIPSIS between runs."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=on_each_side, on_ends=on_ends))


@register.simple_tag(takes_context=True)
def current_roles(context) -> list[Role]:
    """The person's roles in the school of the page, in the order of the Role table."""
    request = context.get("request")
    held = set(getattr(request, "school_roles", None) or ())
    return [role for role in Role if role in held]


@register.filter
def enumeration(items, attribute: str = "") -> str:
    """Items joined with the language's list separator: 甲、乙 in Chinese, "a, b" in English.
    With an attribute name, that attribute of each item: {{ roles|enumeration:"label" }}."""
    separator = pgettext("list separator", "、")
    return separator.join(str(getattr(item, attribute) if attribute else item) for item in items)
