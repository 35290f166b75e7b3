"""How long the backprop page makes a visitor wait, in a real browser: the page with the walk
next to the page as it was before it (another checkout of the app, e.g. `git worktree add
/tmp/old HEAD` made before the change).

    .venv/bin/python scripts/backprop_latency.py --old /tmp/old [--repeats 5]

Both apps are served as the browser tests serve them (scripts/serving.py), each warmed up first
(the default model trained), and driven by Debian's headless Chromium, a fresh browser context
(own session, empty cache) for every page load. Each figure is the median of the repeats
(min-max in brackets), measured at every animation frame:

(i)   opening /backprop: from page.goto to the first frame of the walk (its picture drawn), and
      to the first Altair chart drawn; for the old page, to its first chart;
(ii)  a step: from the click on Next to the next frame's picture drawn; for the old page, from
      an arrow key on its forward stepper to the text of the new step drawn;
(iii) play: the time between two frames drawn while the walk plays (TICK apart when on time).
"""
import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scripts.latency import FIRST_CHART_JS, serve, summary, until  # noqa: E402
from scripts.serving import VIEWPORT, browser_missing, launch_chromium, wait_for_script  # noqa: E402

TIMEOUT = 120_000  # ms
PICTURE_JS = """() => { const svg = document.querySelector("svg[data-phase]");
    if (!svg) return false; const box = svg.getBoundingClientRect();
    return box.width > 0 && box.height > 0; }"""
LABEL_JS = """() => document.querySelector("svg[data-phase]")?.getAttribute("aria-label")"""
CHANGED_JS = """(before) => {
    const svg = document.querySelector("svg[data-phase]");
    return svg && svg.getAttribute("aria-label") !== before; }"""
OLD_STEP_JS = """(text) => [...document.querySelectorAll("[data-testid='stAlert']")]
    .some(alert => alert.innerText.includes(text))"""


def new_page(browser):
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    context.set_default_timeout(TIMEOUT)
    return context.new_page()


def open_new(browser, url):
    """Seconds from goto to the walk's first frame, and to the first chart."""
    page = new_page(browser)
    started = time.perf_counter()
    page.goto(f"{url}/backprop?lang=en", wait_until="commit")
    picture = until(page, PICTURE_JS)
    chart = until(page, FIRST_CHART_JS)
    page.context.close()
    return picture - started, chart - started


def open_old(browser, url):
    """Seconds from goto to the old page's first chart."""
    page = new_page(browser)
    started = time.perf_counter()
    page.goto(f"{url}/backprop?lang=en", wait_until="commit")
    chart = until(page, FIRST_CHART_JS)
    page.context.close()
    return chart - started


def steps_new(browser, url, repeats):
    """Seconds from each click on Next to the next frame drawn."""
    page = new_page(browser)
    page.goto(f"{url}/backprop?lang=en")
    wait_for_script(page, TIMEOUT)
    until(page, PICTURE_JS)
    times = []
    for _ in range(repeats):
        before = page.evaluate(LABEL_JS)
        started = time.perf_counter()
        page.locator(".st-key-bs_next button").click()
        times.append(until(page, CHANGED_JS, before) - started)
        wait_for_script(page, TIMEOUT)
    page.context.close()
    return times


def steps_old(browser, url, repeats):
    """Seconds from an arrow key on the old forward stepper to the new step's text drawn."""
    page = new_page(browser)
    page.goto(f"{url}/backprop?lang=en")
    wait_for_script(page, TIMEOUT)
    stepper = page.locator(".st-key-bp_step_forward input[type='range']").first
    stepper.wait_for(state="attached")
    times = []
    for index in range(repeats):  # step 1, back to 0, step 1, ... (the stepper has 8 steps)
        step, key = (1, "ArrowRight") if index % 2 == 0 else (0, "ArrowLeft")
        stepper.focus()
        started = time.perf_counter()
        stepper.press(key)
        times.append(until(page, OLD_STEP_JS, f"Step {step}: reads") - started)
        wait_for_script(page, TIMEOUT)
    page.context.close()
    return times


def ticks(browser, url, frames):
    """Seconds between consecutive frames drawn while playing."""
    page = new_page(browser)
    page.goto(f"{url}/backprop?lang=en")
    wait_for_script(page, TIMEOUT)
    until(page, PICTURE_JS)
    page.locator(".st-key-bs_play button").click()
    times, last = [], time.perf_counter()
    for _ in range(frames):
        before = page.evaluate(LABEL_JS)
        now = until(page, CHANGED_JS, before)
        times.append(now - last)
        last = now
    page.locator(".st-key-bs_play button").click()
    page.context.close()
    return times[1:]  # the first interval starts at the click, not at a frame


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", type=Path, required=True, help="checkout of the app before")
    parser.add_argument("--repeats", type=int, default=5, help="runs per figure (median shown)")
    options = parser.parse_args()
    reason = browser_missing()
    if reason:
        sys.exit(f"cannot measure: {reason}")
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()[0]
    results = {}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        with serve(REPO) as new_url, serve(options.old) as old_url:
            for url in (new_url, old_url):  # train the default model, outside the timings
                warm = new_page(browser)
                warm.goto(f"{url}/backprop?lang=en")
                wait_for_script(warm, TIMEOUT)
                warm.context.close()
            for run in range(options.repeats):  # alternate, so both see the same machine load
                picture, chart = open_new(browser, new_url)
                old = open_old(browser, old_url)
                results.setdefault("new picture", []).append(picture)
                results.setdefault("new chart", []).append(chart)
                results.setdefault("old chart", []).append(old)
                print(f"open {run + 1}/{options.repeats}: first frame {picture:.2f} s, first "
                      f"chart {chart:.2f} s; old page's first chart {old:.2f} s", flush=True)
            results["new step"] = steps_new(browser, new_url, 2 * options.repeats)
            results["old step"] = steps_old(browser, old_url, 2 * options.repeats)
            results["tick"] = ticks(browser, new_url, 8)  # play stops at the question, frame 9
        browser.close()
    print(f"\nmedian of {options.repeats} (min-max); Chromium headless, {VIEWPORT['width']}x"
          f"{VIEWPORT['height']}; {os.cpu_count()} CPUs, load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after")
    rows = [("(i) open /backprop: first frame of the walk", "new picture", "old chart"),
            ("(i) open /backprop: first chart", "new chart", "old chart"),
            ("(ii) step: click to the next frame", "new step", "old step"),
            ("(iii) play: time between two frames", "tick", None)]
    print(f"{'measure':46} {'with the walk':>22} {'before':>22}")
    for label, ours, theirs in rows:
        before = summary(results[theirs]) if theirs else ""
        print(f"{label:46} {summary(results[ours]):>22} {before:>22}")


if __name__ == "__main__":
    main()
