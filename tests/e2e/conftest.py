"""Browser tests: the real app served by `streamlit run`, driven by Chromium through Playwright.

Chromium comes from Debian (`apt-get install chromium`, /usr/bin/chromium): Playwright cannot
download its own browsers here. Without Chromium or the playwright package the tests are skipped
with the reason, except when REQUIRE_BROWSER=1 (set by CI), where they fail instead.

The helpers below (`start_app`, `stop_app`, `launch_chromium`, `wait_for_script`,
`wait_for_charts`) are plain functions, also used by scripts/screenshots.py and scripts/latency.py.
"""
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
APP = "streamlit_app.py"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 1000}
SERVER_TIMEOUT = 60  # s for the server to answer /_stcore/health
RUN_TIMEOUT = 90_000  # ms for a script run; the first one trains the default model

# How many Altair charts are drawn: a vega-embed element holding an svg or canvas of nonzero size.
DRAWN_CHARTS_JS = """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart']")]
    .filter(chart => [...chart.querySelectorAll("svg.marks, canvas")].some(el => {
        const box = el.getBoundingClientRect(); return box.width > 0 && box.height > 0; }))
    .length"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(script=APP, cwd=REPO, port=None, timeout=SERVER_TIMEOUT):
    """Serve `script` (relative to `cwd`) as Streamlit's own end-to-end suite does; wait until
    /_stcore/health answers "ok". Returns (process, base URL, log file path)."""
    port = port or free_port()
    log = tempfile.NamedTemporaryFile("w+b", prefix="streamlit-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited ({process.returncode}):\n{log_tail(log.name)}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read().decode().strip() == "ok":
                    return process, url, log.name
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_app(process)
            raise RuntimeError(f"streamlit unhealthy after {timeout} s:\n{log_tail(log.name)}")
        time.sleep(0.1)


def stop_app(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def log_tail(path, size=3000):
    return Path(path).read_bytes()[-size:].decode(errors="replace")


def browser_missing():
    """Why the browser tests cannot run here, or None."""
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -r requirements-dev.txt)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium)"
    return None


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def wait_for_script(page, timeout=RUN_TIMEOUT):
    """Until the app is connected and its script run has finished (Streamlit's e2e idiom)."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']",
                           timeout=timeout)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                           timeout=timeout)


def wait_for_charts(page, count, timeout=RUN_TIMEOUT):
    """Until at least `count` Altair charts are drawn (an svg or canvas of nonzero size)."""
    page.wait_for_function(f"({DRAWN_CHARTS_JS})() >= {count}", timeout=timeout)


def drawn_charts(page):
    return page.evaluate(DRAWN_CHARTS_JS)


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
    from playwright.sync_api import sync_playwright
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
def app_url():
    """The app served from the repository root on a free port, for the whole session."""
    process, url, log = start_app()
    try:
        yield url
    finally:
        stop_app(process)
        Path(log).unlink(missing_ok=True)


@pytest.fixture
def page(browser, app_url):
    """A fresh browser context (own session, English, 1400x1000) with one page."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()
