"""Browser tests: the real app served by `streamlit run`, driven by Chromium through Playwright.

Serving and the browser come from scripts/serving.py (shared with the measuring scripts). Without
Chromium or the playwright package the tests are skipped with the reason, except when
REQUIRE_BROWSER=1 (set by CI), where they fail instead. Every wait is for a condition, with
generous limits, so that the suite passes on a busy machine.
"""
import os
from pathlib import Path

import pytest

from scripts.serving import (
    CHROMIUM,
    VIEWPORT,
    browser_missing,
    launch_chromium,
    start_app,
    stop_app,
)

WAIT = 60_000  # ms for anything a test waits for in the page (a busy machine is slow)


def _unavailable(reason):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium, one for the session."""
    reason = browser_missing()
    if reason:
        _unavailable(reason)
    from playwright.sync_api import expect, sync_playwright
    expect.set_options(timeout=WAIT)
    playwright = sync_playwright().start()
    try:
        try:
            chromium = launch_chromium(playwright)
        except Exception as error:  # noqa: BLE001 - any launch failure means "no browser"
            _unavailable(f"Chromium at {CHROMIUM} does not start: {error}")
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture(scope="session")
def server():
    """The app served from the repository root on a free port, for the whole session:
    (base URL, path of its log)."""
    process, url, log = start_app()
    try:
        yield url, log
    finally:
        stop_app(process)
        Path(log).unlink(missing_ok=True)


@pytest.fixture(scope="session")
def app_url(server):
    return server[0]


@pytest.fixture
def server_log(server):
    """The server's log so far, as text."""
    return lambda: Path(server[1]).read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def new_page(browser):
    """A factory of pages, each in a fresh browser context (own session), English by default."""
    contexts = []

    def make(viewport=VIEWPORT, locale="en-US"):
        context = browser.new_context(viewport=viewport, locale=locale)
        context.set_default_timeout(WAIT)
        contexts.append(context)
        return context.new_page()
    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """One page in a fresh browser context (1400x1000, English)."""
    return new_page()
