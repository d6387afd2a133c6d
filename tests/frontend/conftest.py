from __future__ import annotations

import pytest

from frontend import today


@pytest.fixture
def today_registry():
    """The "today" registry, emptied for the test and restored after it."""
    saved = dict(today._registry)
    today._registry.clear()
    yield today
    today._registry.clear()
    today._registry.update(saved)
