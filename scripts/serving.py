"""Serving the app and driving Chromium, for the browser tests and the measuring scripts alike.

Plain functions, no test fixtures: `start_app` serves a Streamlit script on a free loopback port as
Streamlit's own end-to-end suite does; `launch_chromium` starts Debian's headless Chromium
(/usr/bin/chromium; Playwright cannot download its own browsers here) through Playwright;
`wait_for_script` and `wait_for_charts` wait for conditions, never for fixed times.
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

REPO = Path(__file__).resolve().parents[1]
APP = "streamlit_app.py"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 1000}
SERVER_TIMEOUT = 120  # s for the server to answer /_stcore/health
RUN_TIMEOUT = 180_000  # ms for a script run: generous, a busy machine trains slowly

# How many Altair charts are drawn: a vega-embed element holding an svg or canvas of nonzero size.
DRAWN_CHARTS_JS = """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart']")]
    .filter(chart => [...chart.querySelectorAll("svg.marks, canvas")].some(el => {
        const box = el.getBoundingClientRect(); return box.width > 0 && box.height > 0; }))
    .length"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(script=APP, cwd=REPO, port=None, timeout=SERVER_TIMEOUT, *, env=None):
    """Serve `script` (relative to `cwd`) as Streamlit's own end-to-end suite does; wait until
    /_stcore/health answers "ok". `env`: the server's environment (None: this process's).
    Returns (process, base URL, log file path)."""
    port = port or free_port()
    log = tempfile.NamedTemporaryFile("w+b", prefix="streamlit-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env=env)
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
    """Stop a server process (any: Streamlit, Redis): terminate, then kill after 10 s."""
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
