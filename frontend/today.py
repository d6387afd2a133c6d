"""The "today" registry: what is due and overdue for the person looking, from every domain.

A domain registers a provider, a function that takes the request and returns the items
due for request.user where they are (a school under /s/<code>/, or the district portal):

    from frontend import today

    @today.provider("safety.daily-patrol", scope=today.SCHOOL)
    def daily_patrol(request):
        if Capability.SAFETY_RECORD not in page_capabilities(request):
            return []
        ...
        return [today.TodayItem(title=_("今日巡查"), due=date, url=reverse("safety:patrol"),
                                severity=today.Severity.WARNING)]

Register from the domain app's AppConfig.ready() (or a module it imports), so the registry
is complete before the first request. Providers must be cheap (read a rollup or one
indexed query, never loop over schools) and must decide themselves what the person may see.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

BUREAU = "bureau"
SCHOOL = "school"


class Severity(models.TextChoices):
    INFO = "info", _("提示")
    WARNING = "warning", _("需要处理")
    DANGER = "danger", _("紧急")


@dataclass(frozen=True)
class TodayItem:
    title: str | Promise
    due: date | datetime
    url: str
    severity: Severity = Severity.INFO
    detail: str | Promise = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "severity", Severity(self.severity))

    @property
    def has_time(self) -> bool:
        return isinstance(self.due, datetime)

    @property
    def due_date(self) -> date:
        if isinstance(self.due, datetime):
            return timezone.localtime(self.due).date() if timezone.is_aware(self.due) else self.due.date()
        return self.due

    def days_overdue(self, today: date) -> int:
        return max((today - self.due_date).days, 0)


Provider = Callable[[HttpRequest], Iterable[TodayItem]]


@dataclass(frozen=True)
class _Registration:
    name: str
    scope: str
    function: Provider = field(compare=False)


_registry: dict[str, _Registration] = {}


def provider(name: str, *, scope: str = SCHOOL) -> Callable[[Provider], Provider]:
    """Register a provider under a unique name; registering the same name again replaces it."""
    if scope not in (BUREAU, SCHOOL):
        raise ValueError(f"scope must be {BUREAU!r} or {SCHOOL!r}, not {scope!r}")

    def decorator(function: Provider) -> Provider:
        _registry[name] = _Registration(name=name, scope=scope, function=function)
        return function

    return decorator


def unregister(name: str) -> None:
    _registry.pop(name, None)


def registered_names(scope: str | None = None) -> list[str]:
    return sorted(name for name, entry in _registry.items() if scope is None or entry.scope == scope)


@dataclass
class Today:
    """What the home page shows: the items, overdue first, and whether a provider failed."""

    date: date
    overdue: list[TodayItem]
    due_today: list[TodayItem]
    upcoming: list[TodayItem]
    has_failures: bool = False

    @property
    def overdue_rows(self) -> list[tuple[TodayItem, int]]:
        """Overdue items with their days overdue, for the template."""
        return [(item, item.days_overdue(self.date)) for item in self.overdue]

    @property
    def is_empty(self) -> bool:
        return not (self.overdue or self.due_today or self.upcoming)

    @property
    def count(self) -> int:
        return len(self.overdue) + len(self.due_today) + len(self.upcoming)


_SEVERITY_ORDER = {Severity.DANGER: 0, Severity.WARNING: 1, Severity.INFO: 2}


def today_for(request: HttpRequest) -> Today:
    """Ask every provider of the request's scope. A failing provider is logged and skipped:
    one broken domain must not take the home page, the way into every other one, down."""
    scope = SCHOOL if getattr(request, "school", None) is not None else BUREAU
    items: list[TodayItem] = []
    has_failures = False
    for entry in sorted(_registry.values(), key=lambda registration: registration.name):
        if entry.scope != scope:
            continue
        try:
            items.extend(entry.function(request))
        except Exception:
            logger.exception("today provider %s failed", entry.name)
            has_failures = True
    now = timezone.localdate()
    items.sort(key=lambda item: (item.due_date, _SEVERITY_ORDER.get(item.severity, 3), str(item.title)))
    return Today(
        date=now,
        overdue=[item for item in items if item.due_date < now],
        due_today=[item for item in items if item.due_date == now],
        upcoming=[item for item in items if item.due_date > now],
        has_failures=has_failures,
    )


# Domains' providers, registered once the registry above exists.
from frontend.assets import today as _assets_today  # noqa: E402, F401
from frontend.duty import today as _duty_today  # noqa: E402, F401
from frontend.safety import today as _safety_today  # noqa: E402, F401
from frontend.vehicles import today as _vehicles_today  # noqa: E402, F401
