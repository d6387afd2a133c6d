"""The only codes the platform ships: the six top categories of GB/T 14885-2010.

Every other code, and the whole 2022 edition, comes from the district's official table.
Added by migration 0002 (and put back by the browser tests after they empty the tables).
"""

from __future__ import annotations

TOP_CATEGORIES_2010 = [
    ("1000000", "土地、房屋及构筑物"),
    ("2000000", "通用设备"),
    ("3000000", "专用设备"),
    ("4000000", "文物和陈列品"),
    ("5000000", "图书、档案"),
    ("6000000", "家具、用具、装具及动植物"),
]


def add_shipped_codes(code_model) -> None:
    """Add the shipped codes that are missing; `code_model` may be a migration's historical model."""
    for code, name in TOP_CATEGORIES_2010:
        code_model.objects.get_or_create(
            district=None, edition="2010", code=code, defaults={"name": name, "parent_code": ""}
        )
