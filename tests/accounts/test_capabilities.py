"""The permission table: every role against every capability, each entry written out.

The expected table is typed here by hand, not derived from ROLE_CAPABILITIES, so that a
change to who may do what has to be made twice, on purpose.
"""

from __future__ import annotations

import pytest

from eduplatform.accounts.roles import ROLE_CAPABILITIES, Capability, Role

ROLES = [
    Role.BUREAU_ADMIN, Role.BUREAU_INSPECTOR, Role.BUREAU_VIEWER, Role.PRINCIPAL, Role.LOGISTICS_DIRECTOR,
    Role.ASSET_KEEPER, Role.CANTEEN_MANAGER, Role.SAFETY_OFFICER, Role.STAFF, Role.GUARD,
]  # fmt: skip

# Columns, in ROLES order:  局管 督导 局查 校长 总务 校产 食堂 安全 教工 门卫
EXPECTED = """
school.view              Y    Y    Y    Y    Y    Y    Y    Y    Y    Y
schools.manage           Y    .    .    .    .    .    .    .    .    .
users.manage             Y    .    .    Y    Y    .    .    .    .    .
api_keys.manage          Y    .    .    Y    Y    .    .    .    .    .
audit.view               Y    Y    .    Y    Y    .    .    .    .    .
organisation.manage      .    .    .    Y    Y    .    .    .    .    .
compliance.view          Y    Y    Y    Y    Y    .    .    .    .    .
compliance.manage        Y    .    .    .    .    .    .    .    .    .
templates.manage         Y    .    .    .    .    .    .    .    .    .
assets.view              Y    Y    Y    Y    Y    Y    .    .    .    .
assets.manage            .    .    .    .    Y    Y    .    .    .    .
assets.approve           .    .    .    Y    Y    .    .    .    .    .
assets.borrow            .    .    .    Y    Y    Y    .    .    Y    .
procurement.request      .    .    .    Y    Y    Y    Y    Y    Y    .
procurement.approve      .    .    .    Y    Y    .    .    .    .    .
repairs.report           .    .    .    Y    Y    Y    Y    Y    Y    .
repairs.manage           .    .    .    Y    Y    Y    .    .    .    .
canteen.view             Y    Y    Y    Y    Y    .    Y    .    .    .
canteen.record           .    .    .    .    Y    .    Y    .    .    .
safety.view              Y    Y    Y    Y    Y    .    .    Y    .    .
safety.record            .    Y    .    Y    Y    .    .    Y    .    .
hazards.report           .    Y    .    Y    Y    Y    Y    Y    Y    Y
hazards.verify           .    Y    .    Y    Y    .    .    Y    .    .
visitors.record          .    .    .    .    .    .    .    Y    .    Y
visitors.identity        .    .    .    .    .    .    .    Y    .    .
"""


def expected_table() -> dict[tuple[Role, Capability], bool]:
    table = {}
    for line in EXPECTED.strip().splitlines():
        capability, *marks = line.split()
        assert len(marks) == len(ROLES), line
        for role, mark in zip(ROLES, marks, strict=True):
            table[(role, Capability(capability))] = mark == "Y"
    return table


def test_the_table_covers_every_role_and_every_capability():
    table = expected_table()
    assert {role for role, _ in table} == set(Role)
    assert {capability for _, capability in table} == set(Capability)


@pytest.mark.parametrize(
    ("role", "capability", "allowed"), [(r, c, a) for (r, c), a in expected_table().items()]
)
def test_role_capability(role, capability, allowed):
    assert (capability in ROLE_CAPABILITIES[role]) is allowed
