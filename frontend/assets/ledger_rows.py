"""The ledger's rows, written in Python rather than looped in a template.

The ledger is searched as you type, so its 50 rows are the most rendered HTML in the
product. In a template each row is some twenty nodes, each resolving its variable through
the template engine, localising it and escaping it: about 9 ms a page, as long as the rest
of the table request. Even format_html costs 4 ms here, most of it in checking each of its
800 values for a lazy translation. So the rows are read as plain tuples (no model
instances: the 150 a page would make were another 4 ms) and every value goes through the
standard library's html.escape, which is what Django's own escape calls.
tests/assets/test_pages.py reads the rows as a user would, markup in a name included.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape

from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe

from eduplatform.assets.models import Location

# What a row shows, read with values_list(..., named=True).
COLUMNS = (
    "pk", "number", "name", "quantity", "unit", "classification_code", "kind", "original_value", "status",
    "custodian_name", "location__building", "location__floor", "location__room", "using_department__name",
    "school_class__name",
)  # fmt: skip

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


def rows_html(
    cards: Iterable,
    *,
    ledger_url: str,
    select_label: str,
    status_labels: Mapping[str, str],
    kind_labels: Mapping[str, str],
) -> SafeString:
    """One <tr> per card, from rows read with COLUMNS."""
    select, ledger_url = escape(select_label), escape(ledger_url)
    rows = []
    for card in cards:
        place = escape(
            Location.label_of(
                card.location__building or "", card.location__floor or "", card.location__room or ""
            )
        )
        number = escape(card.number)
        rows.append(
            ROW.format(
                pk=int(card.pk),
                select=select,
                number=number,
                ledger_url=ledger_url,
                name=escape(card.name),
                quantity=f" · {card.quantity}{escape(card.unit)}" if card.quantity > 1 else "",
                place_on_phone=f" · {place}" if place else "",
                code=escape(card.classification_code),
                kind=escape(kind_labels.get(card.kind, "")),
                place=place or NOTHING,
                department=escape(card.using_department__name or NOTHING),
                custodian=f" · {escape(card.custodian_name)}" if card.custodian_name else "",
                school_class=f" · {escape(card.school_class__name)}" if card.school_class__name else "",
                value=escape(localize(card.original_value)),
                status=escape(card.status),
                status_label=escape(status_labels.get(card.status, card.status)),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value above was escaped
