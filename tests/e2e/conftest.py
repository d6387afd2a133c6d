"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

The live server needs `transactional_db`: rows are committed so that the server's thread
sees them, and the public tables are flushed after each test. Two things make that safe:

- The flush must be TRUNCATE ... CASCADE, because school schemas hold foreign keys to
  public tables (assets_asset -> accounts_user) and PostgreSQL refuses to truncate a
  referenced table otherwise. Django cascades only when a test names its available_apps,
  so the browser tests name all of them (BROWSER_DATABASE below), which changes nothing else.
- tests.world.ensure_world() puts the districts and schools back (their schemas outlive
  the flush) for the next test; pytest-django runs transactional tests after all the
  others that use the database, so no ordinary test sees the emptied tables.

Never `playwright install`: the tests use /usr/bin/chromium from Debian (`apt-get install
chromium`), the browser a government intranet machine can get from its mirror.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.world import World, ensure_world

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Every app: only so that the flush after each test cascades into the school schemas.
BROWSER_DATABASE = pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def results_directory() -> Path:
    """Screenshots land in test-results/ (git-ignored), to be looked at by a person."""
    directory = Path(settings.BASE_DIR) / "test-results"
    directory.mkdir(exist_ok=True)
    return directory


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all the browser tests, closed after the last of them: Playwright's
    sync API leaves an asyncio loop marked as running in this thread, which the tests that
    run afterwards must not inherit (nor the environment variable below)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}. The browser tests need Debian's chromium: "
            "install it with `apt-get install -y chromium` (as root; .ci/run does this). "
            "Do not use `playwright install`.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread, and Django then
    # refuses database access from it. The loop only drives the browser, so it is safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        try:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        except Exception as error:
            pytest.fail(f"Chromium at {CHROMIUM} did not start: {error}", pytrace=False)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _context(browser, viewport):
    # zh-CN: the platform's default language, as on the people's own phones.
    context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def phone(browser):
    """A 360 x 740 phone-sized page."""
    context = _context(browser, PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser):
    """A 1280 x 800 desktop page."""
    context = _context(browser, DESKTOP)
    yield context.new_page()
    context.close()


@pytest.fixture
def live_world(transactional_db, live_server) -> World:
    """The test districts and schools, committed, for the live server's thread to see."""
    return ensure_world()
