"""Make the README's screenshots: docs/train.png (English), docs/calculator.png (Chinese),
docs/backprop.png (English) and docs/insight.png (Chinese).

    .venv/bin/python scripts/screenshots.py

Starts the app as the browser tests do (`streamlit run` on a free port from the repository root,
see scripts/serving.py), drives Debian's Chromium (/usr/bin/chromium; Playwright cannot
download browsers here) at 1400x1000 and saves full-page screenshots once every chart is drawn.
Streamlit scrolls inside its main area, not the page, so "full page" means: the viewport is grown
to the height of the content before the shot. Chinese glyphs need CJK fonts, on Debian
`apt-get install fonts-noto-cjk`; without them the calculator shows boxes instead of characters.

The calculator shot switches on "Try longer numbers", widens to 32 bits and subtracts two 10-digit
numbers, to show the net working on numbers 4x longer than those it was trained on.
"""
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scripts.serving import (VIEWPORT, browser_missing, launch_chromium, start_app,  # noqa: E402
                                stop_app, wait_for_charts, wait_for_script)

DOCS = REPO / "docs"
WIDE_BITS = 32
WIDE_A, WIDE_B = 3_141_592_653, 2_718_281_828

# The height the whole app needs: the main area's and the sidebar's scroll heights.
CONTENT_HEIGHT_JS = """() => Math.max(...["stMain", "stSidebarContent"].map(id => {
    const el = document.querySelector(`[data-testid='${id}']`);
    return el ? el.scrollHeight : 0; }))"""


def settle(page, charts):
    wait_for_script(page)
    wait_for_charts(page, charts)
    page.wait_for_timeout(500)


def shoot(page, path, charts):
    """Grow the viewport to the content's height (until it stops changing), then save the page."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.mouse.move(VIEWPORT["width"] - 5, 5)
    height = VIEWPORT["height"]
    for _ in range(5):
        needed = max(VIEWPORT["height"], page.evaluate(CONTENT_HEIGHT_JS))
        if needed == height:
            break
        height = needed
        page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
        settle(page, charts)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(VIEWPORT)
    print(f"saved {path.relative_to(REPO)} ({VIEWPORT['width']}x{height})")


def train_page(browser, url):
    page = browser.new_page(viewport=VIEWPORT, locale="en-US")
    page.goto(f"{url}/?lang=en")
    settle(page, 2)
    shoot(page, DOCS / "train.png", 2)
    page.close()


def calculator_page(browser, url):
    page = browser.new_page(viewport=VIEWPORT, locale="zh-CN")
    page.goto(f"{url}/calculator?lang=zh")
    settle(page, 2)
    page.locator(".st-key-calc_wide").get_by_role("switch").check(force=True)
    width = page.locator(".st-key-calc_width_8 input[type=range]")
    width.wait_for(state="attached")
    wait_for_script(page)
    width.focus()
    for _ in range(WIDE_BITS - int(width.get_attribute("value"))):
        width.press("ArrowRight")
    for name, value in (("a", WIDE_A), ("b", WIDE_B)):
        field = page.locator(f".st-key-calc_{name}_{WIDE_BITS} input")
        field.wait_for()
        wait_for_script(page)
        field.fill(str(value))
        field.press("Enter")
        wait_for_script(page)
    true_answer = page.get_by_test_id("stMetricValue").get_by_text(f"{WIDE_A - WIDE_B:,}",
                                                                   exact=True)
    true_answer.first.wait_for()  # the net's answer and the true one, when the net is right
    settle(page, 2)
    shoot(page, DOCS / "calculator.png", 2)
    page.close()


def simple_page(browser, url, path, lang, charts, name):
    page = browser.new_page(viewport=VIEWPORT, locale="zh-CN" if lang == "zh" else "en-US")
    page.goto(f"{url}/{path}?lang={lang}")
    settle(page, charts)
    shoot(page, DOCS / f"{name}.png", charts)
    page.close()


def main():
    reason = browser_missing()
    if reason:
        sys.exit(f"cannot make screenshots: {reason}")
    from playwright.sync_api import sync_playwright
    DOCS.mkdir(exist_ok=True)
    process, url, log = start_app()
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            started = time.perf_counter()
            train_page(browser, url)
            calculator_page(browser, url)
            simple_page(browser, url, "backprop", "en", 10, "backprop")
            simple_page(browser, url, "insight", "zh", 6, "insight")
            browser.close()
            print(f"done in {time.perf_counter() - started:.1f} s")
    finally:
        stop_app(process)
        Path(log).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
