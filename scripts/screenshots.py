"""Make the README's screenshots: docs/train.png (English), docs/calculator.png (Chinese),
docs/backprop.png (English) and docs/insight.png (Chinese) at desktop size, and what a visitor on
a phone sees: docs/phone-<page>-<lang>.png for every page (train, calculator, backprop, insight)
in both languages (zh, en); and two of the exploring views, cut to their section at desktop size:
docs/compare.png (a run against a pinned one, English) and docs/machine-zh.png (the machine the
book's net learned, Chinese).

    .venv/bin/python scripts/screenshots.py [--only desktop|phone|exploring]

Starts the app as the browser tests do (`streamlit run` on a free port from the repository root,
see scripts/serving.py), drives Debian's Chromium (/usr/bin/chromium; Playwright cannot
download browsers here) and saves full-page screenshots once the script run has finished and every
visible chart is drawn. Streamlit scrolls inside its main area, not the page, so "full page"
means: the viewport is grown to the height of the content before the shot (the width stays, so
the layout is the one the visitor gets). Chinese glyphs need CJK fonts, on Debian
`apt-get install fonts-noto-cjk`; without them the pages show boxes instead of characters.

Desktop: 1400x1000. The calculator shot switches on "Try longer numbers", widens to 32 bits and
subtracts two 10-digit numbers, to show the net working on numbers 4x longer than those it was
trained on; the other pages are shown as they open.

Phone: 390x844 CSS pixels (an iPhone 12-15's screen) as a phone browser presents it (a mobile
user agent, touch, a mobile viewport), at device scale 1 so that one image pixel is one CSS pixel;
every page as it opens from a shared link (`/<page>?lang=<lang>`, default settings), the settings
hidden behind the sidebar's button as Streamlit does on a narrow screen.
"""
import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scripts.serving import (  # noqa: E402
    VIEWPORT,
    browser_missing,
    launch_chromium,
    start_app,
    stop_app,
    wait_for_charts,
    wait_for_script,
)

DOCS = REPO / "docs"
WIDE_BITS = 32
WIDE_A, WIDE_B = 3_141_592_653, 2_718_281_828
LOCALES = {"zh": "zh-CN", "en": "en-US"}
# (name, URL path) of every page, the start page first
PAGES = [("train", ""), ("calculator", "calculator"), ("backprop", "backprop"),
         ("insight", "insight")]
PHONE = {"width": 390, "height": 844}
PHONE_CONTEXT = {
    "viewport": PHONE, "device_scale_factor": 1, "is_mobile": True, "has_touch": True,
    "user_agent": ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
                   "(KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36")}
MAX_HEIGHT = 20_000  # px: the tallest viewport a shot is taken in

# The height the whole app needs: the main area's and, where it is open, the sidebar's scroll
# heights (on a phone the sidebar is collapsed, so it does not count).
CONTENT_HEIGHT_JS = """() => Math.max(...["stMain", "stSidebarContent"].map(id => {
    const el = document.querySelector(`[data-testid='${id}']`);
    const sidebar = document.querySelector("[data-testid='stSidebar']");
    if (id === "stSidebarContent" && sidebar && sidebar.dataset.collapsed === "true") return 0;
    return el ? el.scrollHeight : 0; }))"""
# Every chart that is laid out (not in a hidden tab) has drawn its svg or canvas.
ALL_VISIBLE_CHARTS_DRAWN_JS = """() => [...document.querySelectorAll(
        "[data-testid='stVegaLiteChart']")].filter(chart => chart.checkVisibility())
    .every(chart => [...chart.querySelectorAll("svg.marks, canvas")].some(el => {
        const box = el.getBoundingClientRect(); return box.width > 0 && box.height > 0; }))"""
# Resolves once the fonts are loaded and two frames have been painted since.
PAINTED_JS = """() => document.fonts.ready.then(() => new Promise(done =>
    requestAnimationFrame(() => requestAnimationFrame(() => done(true)))))"""


def settle(page, charts=1):
    """Until the script run has finished, at least `charts` charts and every visible chart are
    drawn, and the page has been painted with its fonts."""
    wait_for_script(page)
    wait_for_charts(page, charts)
    page.wait_for_function(ALL_VISIBLE_CHARTS_DRAWN_JS)
    wait_for_script(page)
    page.evaluate(PAINTED_JS)


def shoot(page, path, charts=1):
    """Grow the viewport to the content's height (until it stops changing), then save the page;
    the width is left as it is."""
    viewport = dict(page.viewport_size)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.mouse.move(viewport["width"] - 5, viewport["height"] - 5)  # no hover effects or tooltips
    height = viewport["height"]
    for _ in range(5):
        needed = min(MAX_HEIGHT, max(viewport["height"], page.evaluate(CONTENT_HEIGHT_JS)))
        if needed == height:
            break
        height = needed
        page.set_viewport_size({"width": viewport["width"], "height": height})
        settle(page, charts)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(viewport)
    print(f"saved {path.relative_to(REPO)} ({viewport['width']}x{height})", flush=True)


def train_page(browser, url):
    page = browser.new_page(viewport=VIEWPORT, locale="en-US")
    page.goto(f"{url}/?lang=en")
    settle(page, 2)
    shoot(page, DOCS / "train.png", 2)
    page.close()


def calculator_page(browser, url):
    page = browser.new_page(viewport=VIEWPORT, locale="zh-CN")
    page.goto(f"{url}/calculator?lang=zh")
    settle(page, 1)  # the bits (how sure the net is of each is folded)
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
    settle(page, 2)  # the bits of 32-bit numbers, 16 to a grid
    shoot(page, DOCS / "calculator.png", 2)
    page.close()


def simple_page(browser, url, path, lang, name):
    page = browser.new_page(viewport=VIEWPORT, locale=LOCALES[lang])
    page.goto(f"{url}/{path}?lang={lang}")
    settle(page)
    shoot(page, DOCS / f"{name}.png")
    page.close()


def section(browser, url, path, lang, heading, name, height):
    """docs/<name>.png: the page at desktop size from the heading `heading` (a catalogue key)
    down `height` px, across the main area."""
    from ui.i18n import CATALOGUE
    page = browser.new_page(viewport=VIEWPORT, locale=LOCALES[lang])
    page.goto(f"{url}/{path}{'&' if '?' in path else '?'}lang={lang}")
    settle(page)
    page.get_by_text(CATALOGUE["evaluating"][lang]).wait_for(state="detached")
    page.set_viewport_size({"width": VIEWPORT["width"],
                            "height": min(MAX_HEIGHT, page.evaluate(CONTENT_HEIGHT_JS))})
    settle(page)
    page.mouse.move(5, 5)
    top = page.get_by_role("heading", name=CATALOGUE[heading][lang]).bounding_box()
    main = page.get_by_test_id("stMainBlockContainer").bounding_box()
    page.screenshot(path=str(DOCS / f"{name}.png"), clip={
        "x": main["x"], "y": top["y"] - 16, "width": main["width"], "height": height})
    print(f"saved docs/{name}.png", flush=True)
    page.close()


def phone_page(browser, url, name, path, lang):
    """docs/phone-<name>-<lang>.png: the page as a phone shows it, opened from a shared link."""
    context = browser.new_context(locale=LOCALES[lang], **PHONE_CONTEXT)
    page = context.new_page()
    page.goto(f"{url}/{path}?lang={lang}")
    settle(page)
    shoot(page, DOCS / f"phone-{name}-{lang}.png")
    context.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("desktop", "phone", "exploring"),
                        help="make only the desktop, the phone or the exploring views' shots")
    only = parser.parse_args().only
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
            if only in (None, "desktop"):
                train_page(browser, url)
                calculator_page(browser, url)
                simple_page(browser, url, "backprop", "en", "backprop")
                simple_page(browser, url, "insight", "zh", "insight")
            if only in (None, "exploring"):
                section(browser, url, "?pin=4_16_10000_0_8_book", "en", "cmp_title", "compare",
                        720)
                section(browser, url, "insight", "zh", "in_machine", "machine-zh", 640)
            if only in (None, "phone"):
                for name, path in PAGES:
                    for lang in LOCALES:
                        phone_page(browser, url, name, path, lang)
            browser.close()
            print(f"done in {time.perf_counter() - started:.1f} s")
    finally:
        stop_app(process)
        Path(log).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
