"""Everything under tests/benchmarks is a benchmark: `make bench` runs it, `make test` never does.

pytest's addopts deselect the `benchmark` marker, so marking every item here keeps a
benchmark that forgot its marker out of the test suite.

Benchmarks commit, as production does, so they use neither the `db` fixture nor the
django_db marker (both wrap a test in a transaction, or flush every table after it). But
pytest-django creates the test database only when some collected test asks for one of
those; otherwise the connection keeps the database DATABASE_URL names, and the template
and test schools of tests/conftest.py would be written there. Hence the django_db_setup
below, which creates the test database itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent


# tryfirst: the marks must be on the items before `-m` deselects by them.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if BENCHMARKS in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.benchmark)


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """The test database and the school template, for benchmarks run on their own."""
    from django.test.utils import setup_databases, teardown_databases

    from tenants.schemas import ensure_template_schema

    others = [item.nodeid for item in request.session.items if item.get_closest_marker("benchmark") is None]
    if others:
        # pytest-django would set up the test database a second time under another name.
        pytest.fail(f"run benchmarks on their own (make bench), not with {others[0]} and others")
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        databases = setup_databases(
            verbosity=verbosity,
            interactive=False,
            keepdb=django_db_keepdb and not django_db_createdb,
            aliases={"default"},
        )
    try:
        with django_db_blocker.unblock():
            ensure_template_schema()
        yield
    finally:
        if not django_db_keepdb:
            with django_db_blocker.unblock():
                teardown_databases(databases, verbosity=verbosity)
