"""Tabler icons, inlined into pages as SVG.

The icons come from the @tabler/icons npm package (frontend/package.json). They are read
from node_modules when first used and kept in memory, not served as static files: the
package holds over 5,000 icons and a page uses a handful, so collecting them all would
only slow `collectstatic` down. Inline SVG also takes the text colour (currentColor).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ICON_DIRECTORY = Path(__file__).resolve().parent / "node_modules" / "@tabler" / "icons" / "icons" / "outline"
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CLASS = re.compile(r'\sclass="[^"]*"')
_SPACE = re.compile(r">\s+<")


def icon_exists(name: str) -> bool:
    return bool(_NAME.match(name)) and (ICON_DIRECTORY / f"{name}.svg").is_file()


@lru_cache(maxsize=256)
def _svg_source(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"not an icon name: {name!r}")
    path = ICON_DIRECTORY / f"{name}.svg"
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise FileNotFoundError(
            f"Tabler icon {name!r} not found at {path}: is it a name from tabler.io/icons, "
            "and did `make deps` install frontend/node_modules?"
        ) from error
    source = _CLASS.sub("", source, count=1)
    source = " ".join(_SPACE.sub("><", source).split())
    return source


def icon_svg(name: str, css_class: str = "") -> SafeString:
    """The icon as inline SVG, hidden from screen readers (the text next to it speaks)."""
    classes = escape(f"icon {css_class}".strip())
    source = _svg_source(name)
    return mark_safe(  # noqa: S308 - the SVG is the package's file, the class is escaped
        source.replace("<svg", f'<svg class="{classes}" aria-hidden="true" focusable="false"', 1)
    )
