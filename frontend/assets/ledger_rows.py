"""The ledger's rows, written in Python rather than looped in a template.

The ledger is searched as you type, so its 50 rows are the most rendered HTML in the
product. In a template each row is some twenty nodes, each resolving its variable through
the template engine, localising it and escaping it: about 9 ms a page, as long as the rest
of the table request. Here a row is one format_html call (which escapes every value), a
few hundred microseconds for the page. The markup is the same as a template would give;
tests/assets/test_pages.py reads it as a user would.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

ROW = (
    '<tr data-testid="ledger-row">'
    '<td><input class="form-check-input" type="checkbox" name="asset" value="{pk}" aria-label="{select} {number}"></td>'
    '<td class="text-break"><a href="{ledger_url}{pk}/">{name}</a>'
    '<div class="small text-secondary">{number}{quantity}<span class="d-md-none">{place_on_phone}</span></div></td>'
    '<td class="d-none d-md-table-cell small">{code}<div class="text-secondary">{kind}</div></td>'
    '<td class="d-none d-md-table-cell small">{place}</td>'
    '<td class="d-none d-lg-table-cell small">{department}{custodian}{school_class}</td>'
    '<td class="text-end text-nowrap">{value}</td>'
    '<td><span class="badge assets-status-{status}">{status_label}</span></td>'
    "</tr>"
)
NOTHING = "—"


def ledger_rows(cards: Iterable, *, ledger_url: str, select_label: str) -> SafeString:
    """One <tr> per card. The cards carry status_label and kind_label (set by the view),
    and their location, using department and class (select_related)."""
    rows = []
    for card in cards:
        place = card.location.label if card.location_id else ""
        rows.append(
            format_html(
                ROW,
                pk=card.pk,
                select=select_label,
                number=card.number,
                ledger_url=ledger_url,
                name=card.name,
                quantity=f" · {card.quantity}{card.unit}" if card.quantity > 1 else "",
                place_on_phone=f" · {place}" if place else "",
                code=card.classification_code,
                kind=card.kind_label,
                place=place or NOTHING,
                department=card.using_department.name if card.using_department_id else NOTHING,
                custodian=f" · {card.custodian_name}" if card.custodian_name else "",
                school_class=f" · {card.school_class.name}" if card.school_class_id else "",
                value=localize(card.original_value),
                status=card.status,
                status_label=card.status_label,
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - each row was built by format_html, which escaped its values
