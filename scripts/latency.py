"""How long a visitor waits, measured in a real browser: this app next to an empty Streamlit app.

    .venv/bin/python scripts/latency.py [--repeats 5]

Servers are started as the browser tests do (`streamlit run` on a free port, see
scripts/serving.py); the browser is Debian's headless Chromium (/usr/bin/chromium), launched
once; every measurement uses a fresh browser context (own session, empty HTTP cache). The
reference app, written to a temporary directory at run time, is what any Streamlit app costs: two
pages from st.navigation, one small Altair chart on each, and on page two a number input whose
value a metric echoes. Each figure is the median of the repeats (min-max in brackets).

(i)   first load: from page.goto to the first Altair chart drawn, and to the page complete (all
      its charts drawn, script run finished), on a server process started just before: "just
      started" goes to the page as soon as the server answers its health check (this app is then
      still warming up: training its default model, see streamlit_app.py, which the visit waits
      for); "ready" goes once the server has finished starting (this app: its log says "warmed
      up"; both: one more second of idle), as the first visitor of the day finds it.
(ii)  page switch, model already trained: from the click on the sidebar link to the target page's
      first chart (this app: the calculator's bits chart) drawn and the script run finished.
(iii) answer: from pressing Enter in a number input (this app: the calculator's a) to the metric
      showing the new value (this app: "Net's answer"), `repeats` times in one session of each.
      (ii) and (iii) are measured with both servers up, ready, in turns: app, reference, app, ...
(iv)  this app only: from a change of the seed slider (a configuration not trained yet) to the
      new model's first chart (the live error chart beside its progress bar) and to the page
      complete, next to the training time the server logged for it ("trained in ... s").
"""
import argparse
import math
import os
import re
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scripts.serving import (  # noqa: E402
    APP,
    VIEWPORT,
    browser_missing,
    launch_chromium,
    log_tail,
    start_app,
    stop_app,
    wait_for_script,
)

REFERENCE_ENTRY = '''import streamlit as st

st.set_page_config(page_title="Reference", layout="wide")
st.navigation([st.Page("ref_pages/one.py", title="One", url_path="one", default=True),
               st.Page("ref_pages/two.py", title="Two", url_path="two")]).run()
'''
REFERENCE_CHART = '''import altair as alt
import streamlit as st


def chart(title):
    data = alt.Data(values=[{"x": x, "y": x * x} for x in range(10)])
    return alt.Chart(data).mark_line(point=True).encode(x="x:Q", y="y:Q").properties(
        title=title, height=200)
'''
REFERENCE_ONE = '''import streamlit as st
from ref_pages.chart import chart

st.title("Reference page one")
st.altair_chart(chart("Chart one"), width="stretch")
'''
REFERENCE_TWO = '''import streamlit as st
from ref_pages.chart import chart

st.title("Reference page two")
a = st.number_input("a", 0, 255, 200, key="a")
st.altair_chart(chart("Chart two"), width="stretch")
st.metric("a minus 57", f"{a - 57:,}")
'''

# Our app and the reference, each: how to find its pieces.
APPS = {
    "app": {"switch_link": "Calculator", "switch_chart_text": "a = 200", "charts": 2,
            "page": "calculator", "input_key": "calc_a_8", "metric": "Net's answer"},
    "reference": {"switch_link": "Two", "switch_chart_text": "Chart two", "charts": 1,
                  "page": "two", "input_key": "a", "metric": "a minus 57"},
}
B = 57  # the calculator's default b, and the reference's constant

DRAWN = """(el) => [...el.querySelectorAll("svg.marks, canvas")].some(mark => {
    const box = mark.getBoundingClientRect(); return box.width > 0 && box.height > 0; })"""
FIRST_CHART_JS = f"""() => [...document.querySelectorAll("[data-testid='stVegaLiteChart']")]
    .some({DRAWN})"""
COMPLETE_JS = f"""(count) => {{
    const app = document.querySelector("[data-testid='stApp']");
    return app && app.dataset.testScriptState === "notRunning" && !document.querySelector(
        "[data-testid='stProgress']") && [...document.querySelectorAll(
        "[data-testid='stVegaLiteChart']")].filter({DRAWN}).length >= count; }}"""
CHART_WITH_TEXT_JS = f"""(text) => {{
    const app = document.querySelector("[data-testid='stApp']");
    return app && app.dataset.testScriptState === "notRunning" && [...document.querySelectorAll(
        "[data-testid='stVegaLiteChart']")].some(chart => {{
        const svg = chart.querySelector("svg.marks");
        return svg && svg.textContent.includes(text) && ({DRAWN})(chart); }}); }}"""
METRIC_JS = """([label, value]) => [...document.querySelectorAll("[data-testid='stMetric']")]
    .some(metric => metric.querySelector("[data-testid='stMetricLabel']")?.innerText.trim()
        === label && metric.querySelector("[data-testid='stMetricValue']")?.innerText.trim()
        === value)"""
TIMEOUT = 120_000  # ms


def write_reference(folder):
    folder = Path(folder)
    (folder / "ref_pages").mkdir()
    (folder / "streamlit_app.py").write_text(REFERENCE_ENTRY)
    (folder / "ref_pages" / "__init__.py").write_text("")
    (folder / "ref_pages" / "chart.py").write_text(REFERENCE_CHART)
    (folder / "ref_pages" / "one.py").write_text(REFERENCE_ONE)
    (folder / "ref_pages" / "two.py").write_text(REFERENCE_TWO)
    return folder


def new_page(browser):
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    context.set_default_timeout(TIMEOUT)
    return context.new_page()


def until(page, js, arg=None):
    """Wait (checking at every animation frame) until `js` is true; the time it became so."""
    page.wait_for_function(js, arg=arg, polling="raf", timeout=TIMEOUT)
    return time.perf_counter()


LIVE_CHART_JS = f"""() => {{
    const block = document.querySelector("[data-testid='stProgress']")
        ?.closest("[data-testid='stVerticalBlock']");
    return !!block && [...block.querySelectorAll("[data-testid='stVegaLiteChart']")]
        .some({DRAWN}); }}"""
READY_LINE = "warmed up in"  # this app's log line when its start-up work is done


@contextmanager
def serve(cwd, ready=False):
    """The app in `cwd` served (start_app) while inside: (URL, path of its log); `ready`: once
    its start-up work is done. On an error, the end of its log."""
    process, url, log = start_app(APP, cwd)
    try:
        if ready:
            deadline = time.monotonic() + 120
            while cwd == REPO and READY_LINE not in Path(log).read_text(errors="replace"):
                if time.monotonic() > deadline:
                    raise RuntimeError("the app did not finish warming up in 120 s")
                time.sleep(0.05)
            time.sleep(1.0)
        yield url, log
    except BaseException:
        print(f"--- end of the server log ({cwd}):\n{log_tail(log)}", file=sys.stderr)
        raise
    finally:
        stop_app(process)
        Path(log).unlink(missing_ok=True)


def first_load(browser, cwd, name, ready=False):
    """Fresh server; seconds from goto to the first chart drawn and to the page complete."""
    with serve(cwd, ready) as (url, _):
        page = new_page(browser)
        started = time.perf_counter()
        page.goto(url, wait_until="commit")
        first = until(page, FIRST_CHART_JS)
        complete = until(page, COMPLETE_JS, APPS[name]["charts"])
        page.context.close()
        return first - started, complete - started


def page_switch(browser, url, name):
    """Seconds from the click on the sidebar link to the target page drawn and finished."""
    spec = APPS[name]
    page = new_page(browser)
    page.goto(url)
    wait_for_script(page, TIMEOUT)
    until(page, COMPLETE_JS, spec["charts"])
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=spec["switch_link"])
    link.wait_for()
    started = time.perf_counter()
    link.click()
    finished = until(page, CHART_WITH_TEXT_JS, spec["switch_chart_text"])
    page.context.close()
    return finished - started


class Answers:
    """A session on the page of the number input: `once(a)` is the seconds from Enter after
    typing `a` to the metric showing the new value."""

    def __init__(self, browser, url, name):
        self.spec = APPS[name]
        self.page = new_page(browser)
        self.page.goto(f"{url}/{self.spec['page']}")
        wait_for_script(self.page, TIMEOUT)
        self.field = self.page.locator(f".st-key-{self.spec['input_key']} input")

    def once(self, a):
        self.field.fill(str(a))
        started = time.perf_counter()
        self.field.press("Enter")
        finished = until(self.page, METRIC_JS, [self.spec["metric"], f"{a - B:,}"])
        wait_for_script(self.page, TIMEOUT)
        return finished - started

    def close(self):
        self.page.context.close()


def slider_change(browser, url, log, seed):
    """Seconds from the seed slider's change (seed - 1 to `seed`, a configuration not trained
    yet) to the new model's first chart and to the page complete; the training time the server
    logged for it."""
    page = new_page(browser)
    page.goto(f"{url}/?seed={seed - 1}")
    wait_for_script(page, TIMEOUT)
    until(page, COMPLETE_JS, APPS["app"]["charts"])
    slider = page.locator(".st-key-seed input[type='range']")
    slider.focus()
    started = time.perf_counter()
    slider.press("ArrowRight")
    first = until(page, LIVE_CHART_JS)
    page.wait_for_function("() => document.querySelector(\"[data-testid='stApp']\")"
                           ".dataset.testScriptState === 'running'", timeout=TIMEOUT)
    complete = until(page, COMPLETE_JS, APPS["app"]["charts"])
    page.context.close()
    config = f"TrainConfig(seed={seed}, bits=8, hidden=16, alpha=0.9, iterations=10000, "
    trained = re.search(rf"trained in ([0-9.]+) s: {re.escape(config)}",
                        Path(log).read_text(errors="replace"))
    return first - started, complete - started, float(trained.group(1)) if trained else math.nan


def summary(values):
    return f"{statistics.median(values):6.3f} s [{min(values):.3f}-{max(values):.3f}]"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs per figure (median shown)")
    repeats = parser.parse_args().repeats
    reason = browser_missing()
    if reason:
        sys.exit(f"cannot measure: {reason}")
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="streamlit-reference-") as folder, \
            sync_playwright() as playwright:
        folders = {"app": REPO, "reference": write_reference(folder)}
        browser = launch_chromium(playwright)
        results = {name: {} for name in APPS}
        for run in range(repeats):  # alternate, so both see the same machine load
            for ready in (False, True):
                for name in APPS:
                    first, complete = first_load(browser, folders[name], name, ready)
                    kind = "ready" if ready else "started"
                    results[name].setdefault(f"first_{kind}", []).append(first)
                    results[name].setdefault(f"complete_{kind}", []).append(complete)
                    print(f"first load ({kind:7}) {run + 1}/{repeats} {name:9}: first chart "
                          f"{first:.2f} s, complete {complete:.2f} s", flush=True)
        with ExitStack() as servers:  # both up at once, measured in turns
            urls, logs = {}, {}
            for name in APPS:
                urls[name], logs[name] = servers.enter_context(serve(folders[name], ready=True))
                warm = new_page(browser)  # loads the default model, outside the timings
                warm.goto(urls[name])
                until(warm, COMPLETE_JS, APPS[name]["charts"])
                warm.context.close()
            for run in range(repeats):
                for name in APPS:
                    results[name].setdefault("switch", []).append(
                        page_switch(browser, urls[name], name))
            sessions = {name: Answers(browser, urls[name], name) for name in APPS}
            for a in range(100, 100 + repeats):
                for name in APPS:
                    results[name].setdefault("answer", []).append(sessions[name].once(a))
            for session in sessions.values():
                session.close()
            print("switch and answers measured", flush=True)
            changes = [slider_change(browser, urls["app"], logs["app"], seed)
                       for seed in range(101, 101 + 2 * repeats, 2)]
        browser.close()

    rows = [("(i) just started: first chart drawn", "first_started"),
            ("(i) just started: page complete", "complete_started"),
            ("(i) ready: first chart drawn", "first_ready"),
            ("(i) ready: page complete", "complete_ready"),
            ("(ii) page switch, trained model", "switch"),
            ("(iii) answer after Enter", "answer")]
    print(f"\nmedian of {repeats} (min-max); Chromium headless, {VIEWPORT['width']}x"
          f"{VIEWPORT['height']}; {os.cpu_count()} CPUs, load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after (figures are only comparable on an idle machine)")
    print(f"{'measure':36} {'this app':>26} {'empty reference':>26} {'ratio':>6}")
    for label, key in rows:
        ours, theirs = results["app"][key], results["reference"][key]
        ratio = statistics.median(ours) / statistics.median(theirs)
        print(f"{label:36} {summary(ours):>26} {summary(theirs):>26} {ratio:5.2f}x")
    first, complete, trained = zip(*changes)
    print(f"{'(iv) seed change: new first chart':36} {summary(first):>26} {'-':>26}")
    print(f"{'(iv) seed change: page complete':36} {summary(complete):>26} {'-':>26}")
    print(f"{'(iv)   of which training (server log)':36} {summary(trained):>26} {'-':>26}")


if __name__ == "__main__":
    main()
