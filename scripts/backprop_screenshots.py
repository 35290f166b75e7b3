"""Make the screenshots of the backprop page's view for newcomers: docs/backprop-*.png.

    .venv/bin/python scripts/backprop_screenshots.py [--out DIR] [--all]

Serves the app as the browser tests do (scripts/serving.py) and drives Debian's Chromium. Each
part of the page is shot on its own, at desktop size (1400x900) and phone size (390x844): the walk
forward, the question answered, the walk backward, the update, the hand calculation, the reach of
the last bit's error (32 bits) and the time-lapse. By default the README's set is written to docs/
(each part at desktop size in one language, the walk also at phone size in both); --all writes
every part at both sizes in both languages (to look at them, e.g. into /tmp). Chinese glyphs need
`fonts-noto-cjk`.
"""
import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scripts.serving import (  # noqa: E402
    browser_missing,
    launch_chromium,
    start_app,
    stop_app,
    wait_for_charts,
    wait_for_script,
)

DESKTOP, PHONE = {"width": 1400, "height": 900}, {"width": 390, "height": 844}
PARTS = ("forward", "question", "backward", "update", "hand", "reach", "lapse")
# The README's set: (part, size name, language)
README = [("forward", "desktop", "en"), ("question", "desktop", "zh"),
          ("backward", "desktop", "en"), ("update", "desktop", "zh"), ("hand", "desktop", "en"),
          ("reach", "desktop", "zh"), ("lapse", "desktop", "en"), ("forward", "phone", "zh"),
          ("backward", "phone", "en")]
CONTENT_HEIGHT_JS = """() => document.querySelector("[data-testid='stMain']").scrollHeight"""
HEADERS = {"en": ["1. Watch it subtract", "2. Your turn", "3. How far back", "4. The lesson",
                  "For experts"],
           "zh": ["1. 看它做减法", "2. 动手算", "3. 最高位的误差", "4. 训练过程回放", "给懂行的人"]}
BUTTON = {"en": {"next": "Next"}, "zh": {"next": "下一步"}}


def book_output_delta():
    """The output delta the hand calculation asks for on 128 - 1, from the core's own run of the
    book's settings (the answer typed into the page)."""
    from rnn import TrainConfig, train
    from rnn.blame import walk
    shown = walk(train(TrainConfig()).params, 128, 1, 8, 0.9)
    return shown.shown.back.output_delta[shown.hand_step]


def press_next(page, lang, times):
    for _ in range(times):
        before = page.locator("svg[data-phase]").first.get_attribute("aria-label")
        page.get_by_role("button", name=BUTTON[lang]["next"]).click()
        page.wait_for_function(
            """(before) => { const svg = document.querySelector("svg[data-phase]");
                return svg && svg.getAttribute("aria-label") !== before; }""", arg=before)
    wait_for_script(page)


def region(page, lang, first, last):
    """The box from the top of header `first` to the top of header `last` (indices into
    HEADERS), in page coordinates (the viewport is as tall as the content)."""
    heads = HEADERS[lang]
    top = page.get_by_role("heading", name=heads[first]).first.bounding_box()
    bottom = page.get_by_text(heads[last]).first.bounding_box()
    main = page.get_by_test_id("stMain").bounding_box()
    return {"x": main["x"], "y": top["y"] - 8, "width": main["width"],
            "height": bottom["y"] - top["y"]}


def shoot(browser, url, part, size, lang, out):
    viewport = DESKTOP if size == "desktop" else PHONE
    page = browser.new_page(viewport=viewport, locale="zh-CN" if lang == "zh" else "en-US")
    page.goto(f"{url}/backprop?lang={lang}")
    wait_for_script(page)
    wait_for_charts(page, 2)
    page.locator("svg[data-phase]").first.wait_for()
    steps = 8
    if part in ("forward", "question", "backward", "update"):
        press_next(page, lang, {"forward": 3, "question": steps, "backward": steps + 3,
                                "update": 2 * steps + 1}[part])
        if part == "question":
            page.get_by_test_id("stRadio").get_by_text("第 2 位" if lang == "zh" else "bit 2",
                                                        exact=True).click()
            wait_for_script(page)
    if part == "hand":
        field = page.get_by_label("(y − out) × out × (1 − out) =")
        field.fill(f"{book_output_delta():.6g}")
        field.press("Enter")
        page.get_by_test_id("stAlert").filter(has_text="✓").first.wait_for()
        wait_for_script(page)
    if part == "reach":
        page.get_by_role("radio", name="32").first.click()
        wait_for_script(page)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.mouse.move(viewport["width"] - 5, 5)
    height = page.evaluate(CONTENT_HEIGHT_JS) + 200
    page.set_viewport_size({"width": viewport["width"], "height": height})
    wait_for_script(page)
    wait_for_charts(page, 2)
    page.wait_for_timeout(800)
    first, last = {"forward": (0, 1), "question": (0, 1), "backward": (0, 1), "update": (0, 1),
                   "hand": (1, 2), "reach": (2, 3), "lapse": (3, 4)}[part]
    name = f"backprop-{part}" + ("-phone" if size == "phone" else "") + \
        ("-zh" if lang == "zh" else "")
    path = out / f"{name}.png"
    page.screenshot(path=str(path), clip=region(page, lang, first, last))
    print(f"saved {path}")
    page.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs")
    parser.add_argument("--all", action="store_true", help="every part, size and language")
    options = parser.parse_args()
    reason = browser_missing()
    if reason:
        sys.exit(f"cannot make screenshots: {reason}")
    from playwright.sync_api import sync_playwright
    options.out.mkdir(parents=True, exist_ok=True)
    shots = [(part, size, lang) for part in PARTS for size in ("desktop", "phone")
             for lang in ("en", "zh")] if options.all else README
    process, url, log = start_app()
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            started = time.perf_counter()
            for part, size, lang in shots:
                shoot(browser, url, part, size, lang, options.out)
            browser.close()
            print(f"done in {time.perf_counter() - started:.1f} s")
    finally:
        stop_app(process)
        Path(log).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
