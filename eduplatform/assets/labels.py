"""QR labels: what a label says, and how a scanned label is read back.

A label's QR code holds the URL of the card's page by its number,
`<origin>/s/<school code>/assets/n/<number>/`, so that any phone camera opens the page
(for someone allowed to see it; anyone else gets the login page or a 404). The counting
page reads the same URL, or a bare number typed in, back to the number.
"""

from __future__ import annotations

import re
from io import BytesIO
from urllib.parse import unquote, urlsplit

import segno

from eduplatform.assets.rules import NUMBER_CHARACTERS

_LABEL_PATH = re.compile(r"/assets/n/([^/]+)/?$")


def number_from_label(scanned: str) -> str:
    """The asset number a scanned label (or typed text) names; "" when it names none."""
    text = (scanned or "").strip()
    if not text:
        return ""
    match = _LABEL_PATH.search(urlsplit(text).path if "://" in text or text.startswith("/") else "")
    number = unquote(match.group(1)) if match else text
    return number if NUMBER_CHARACTERS.match(number) and len(number) <= 40 else ""


def qr_svg(content: str, *, scale: int = 3) -> str:
    """An inline SVG of a QR code (error correction M: survives a scratched label)."""
    output = BytesIO()
    segno.make(content, error="m", micro=False).save(
        output, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, nl=False
    )
    return output.getvalue().decode()
