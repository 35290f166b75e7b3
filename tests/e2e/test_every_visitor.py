"""Every visitor: each page, in both languages, on a desktop screen and on a phone.

For each of the 16 combinations (4 pages x zh/en x 1400x900 desktop / 390x844 phone) one page load,
once the script run has finished and every visible chart is drawn, then three checks, each its
own subtest so that one failing does not hide the others:

- overflow: nothing sticks out of the screen sideways. The document does not scroll sideways, the
  main area does not either, and no visible element's right edge is past the viewport, except
  inside an element made to scroll sideways (overflow-x auto/scroll and wider content, such as a
  dataframe) and inside the collapsed sidebar (on a phone it hides behind a button). The message
  lists the elements where the overflow starts (sticking out while their parent does not).
- chart titles: no chart title, axis title or legend title of a Vega-Lite chart is cut (Vega ends a
  text cut at its limit with "…") or has its ink more than 1 px outside the chart's own box
  (where the chart's svg clips it).
- axe: axe-core (axe-playwright-python) finds no violation of impact "serious" or "critical" in
  the app's own content, over the whole page (the viewport is first grown to the page's height:
  axe judges colour contrast only inside the viewport). ALLOWED is where findings that come from
  Streamlit's own markup would be listed, each with its reason; it is empty today.

A separate test opens each page by its own URL, /train among them, with a parameter, and checks
that Streamlit's "Page not found" pop-up never appears (a MutationObserver installed before the
page loads records every dialog, even one that closes again) and that the page asked for is shown.

The default settings are used throughout, so every load after the first reuses the trained model.
The phone is a 390x844 viewport (the layout follows the width; the fixtures of conftest.py set no
mobile user agent or touch, scripts/screenshots.py does for the phone pictures).
"""
import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail, under REQUIRE_BROWSER=1) and say why
    expect = None

from scripts.serving import wait_for_charts, wait_for_script

# (URL path, catalogue key of the page's title, charts drawn at least with the default settings)
PAGES = {"train": ("", "train_title", 2), "calculator": ("calculator", "calc_title", 1),
         "backprop": ("backprop", "bp_title", 1), "insight": ("insight", "in_title", 6)}
LOCALES = {"zh": "zh-CN", "en": "en-US"}
SIZES = {"desktop": {"width": 1400, "height": 900}, "phone": {"width": 390, "height": 844}}
COMBINATIONS = [pytest.param(name, lang, size, id=f"{name}-{lang}-{size}")
                for name in PAGES for lang in LOCALES for size in SIZES]

# Every chart that is laid out (not in a hidden tab) has drawn its svg or canvas.
ALL_VISIBLE_CHARTS_DRAWN_JS = """() => {
    const shown = [...document.querySelectorAll("[data-testid='stVegaLiteChart']")]
        .filter(chart => chart.checkVisibility());
    return shown.every(chart => [...chart.querySelectorAll("svg.marks, canvas")].some(el => {
        const box = el.getBoundingClientRect(); return box.width > 0 && box.height > 0; }));
}"""

# What sticks out of the viewport sideways. Returns the widths of the document and of the main
# area, and the "roots" of the overflow: visible elements whose right edge is past the viewport
# while their parent's is not (where the overflow starts), outside any element made to scroll
# sideways and outside the collapsed sidebar. An element's visible right edge is cut at every
# ancestor that clips (overflow other than visible), so the visually hidden inputs of Streamlit's
# widgets (a 1x1 clipping box) do not count; the app's page-level containers (the main area
# scrolls) neither clip nor count as "made to scroll sideways": content wider than the main area
# is what this looks for.
OVERFLOW_JS = """() => {
    const viewport = window.innerWidth;
    const PAGE_LEVEL = new Set(["stApp", "stAppViewContainer", "stMain", "stMainBlockContainer",
                                "stAppScrollToBottomContainer", "stSidebar", "stSidebarContent"]);
    const pageLevel = el => el === document.body || el === document.documentElement ||
                            PAGE_LEVEL.has(el.dataset ? el.dataset.testid : undefined);
    const sidebar = document.querySelector("[data-testid='stSidebar']");
    const collapsed = sidebar && sidebar.dataset.collapsed === "true";
    const scrollsSideways = el => !pageLevel(el) &&
        ["auto", "scroll"].includes(getComputedStyle(el).overflowX) &&
        el.scrollWidth > el.clientWidth;
    const visibleRight = el => {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) return -Infinity;
        let right = box.right;
        for (let up = el.parentElement; up; up = up.parentElement)
            if (!pageLevel(up) && getComputedStyle(up).overflowX !== "visible")
                right = Math.min(right, up.getBoundingClientRect().right);
        return right;
    };
    const sticksOut = el => visibleRight(el) > viewport + 1;
    const describe = el => {
        let testid = null;
        for (let up = el; up && !testid; up = up.parentElement)
            testid = up.dataset ? up.dataset.testid || null : null;
        const keyed = el.closest("[class*='st-key-']");
        return {
            testid: testid,
            key: keyed ? [...keyed.classList].find(c => c.startsWith("st-key-")) : null,
            tag: el.tagName.toLowerCase(),
            cls: (el.getAttribute("class") || "").slice(0, 80),
            text: (el.innerText || el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60),
            right: Math.round(el.getBoundingClientRect().right),
        };
    };
    const roots = [];
    for (const el of document.body.querySelectorAll("*")) {
        if (collapsed && sidebar.contains(el)) continue;
        if (!sticksOut(el)) continue;
        if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
        let inScroller = false;
        for (let up = el.parentElement; up && !inScroller; up = up.parentElement)
            inScroller = scrollsSideways(up);
        if (inScroller) continue;
        if (el.parentElement && !pageLevel(el.parentElement) && sticksOut(el.parentElement))
            continue;
        roots.push(describe(el));
    }
    const main = document.querySelector("[data-testid='stMain']");
    return {
        viewport: viewport,
        document: document.scrollingElement.scrollWidth,
        main: main ? [main.scrollWidth, main.clientWidth] : null,
        roots: roots,
    };
}"""

# Vega-Lite titles (chart title and subtitle, axis titles, legend titles) as drawn in each chart's
# svg: their text, whether Vega cut them ("…", its limit ellipsis), and whether their ink lies
# inside the chart's own box. The ink, not the text's box: a text's box is its em box, which
# reaches a few pixels above the tallest glyph, so a title set flush with the chart's top edge
# would count as outside. The ink's height comes from canvas measureText (actualBoundingBox) in
# the text's font, its width from the text's box; the corners go through the text's transform
# (axis titles are rotated). Charts not laid out (in a hidden tab) are skipped.
TITLES_JS = """() => {
    const measure = document.createElement("canvas").getContext("2d");
    const found = [];
    const charts = [...document.querySelectorAll("[data-testid='stVegaLiteChart']")];
    charts.forEach((chart, index) => {
        const frame = chart.getBoundingClientRect();
        if (!chart.checkVisibility() || frame.width === 0) return;
        const title = chart.querySelector("g[class*='role-title-text'] text");
        const name = title ? title.textContent : `chart ${index + 1}`;
        const texts = new Set(chart.querySelectorAll(
            "svg g[class*='role-title'] text, svg g[class*='role-axis-title'] text, " +
            "svg g[class*='role-legend-title'] text"));
        for (const text of texts) {
            const local = text.getBBox();
            if (local.width === 0 || !text.textContent.trim()) continue;
            const lines = [...text.querySelectorAll("tspan")].map(span => span.textContent);
            if (!lines.length) lines.push(text.textContent);
            const style = getComputedStyle(text);
            measure.font =
                `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
            const first = measure.measureText(lines[0]), last = measure.measureText(lines.at(-1));
            const top = local.y + first.fontBoundingBoxAscent - first.actualBoundingBoxAscent;
            const bottom = local.y + local.height - last.fontBoundingBoxDescent +
                           last.actualBoundingBoxDescent;
            const matrix = text.getScreenCTM();
            const corners = [[local.x, top], [local.x + local.width, top], [local.x, bottom],
                             [local.x + local.width, bottom]]
                .map(([x, y]) => new DOMPoint(x, y).matrixTransform(matrix));
            const xs = corners.map(p => p.x), ys = corners.map(p => p.y);
            const ink = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
            const role = [...text.parentElement.classList].find(c => c.startsWith("role-"));
            const beyond = Math.max(frame.left - ink[0], ink[2] - frame.right,
                                    frame.top - ink[1], ink[3] - frame.bottom);
            found.push({
                chart: index + 1, name: name, role: role, text: text.textContent,
                cut: [text.textContent, ...lines].some(line => line.trim().endsWith("…")),
                outside: beyond > 1, beyond: Math.round(beyond * 10) / 10,
                ink: ink.map(Math.round),
                frame: [frame.left, frame.top, frame.right, frame.bottom].map(Math.round),
            });
        }
    });
    return found;
}"""

SERIOUS = ("serious", "critical")
# The height the whole app needs: the main area's and, where it is open, the sidebar's scroll
# heights (on a phone the sidebar is collapsed: data-collapsed="true").
CONTENT_HEIGHT_JS = """() => Math.max(...["stMain", "stSidebarContent"].map(id => {
    const el = document.querySelector(`[data-testid='${id}']`);
    const sidebar = document.querySelector("[data-testid='stSidebar']");
    if (id === "stSidebarContent" && sidebar && sidebar.dataset.collapsed === "true") return 0;
    return el ? el.scrollHeight : 0; }))"""
MAX_HEIGHT = 20_000  # px: the tallest viewport axe is run in
WAIT = 60_000  # ms for a script run or the charts: generous for a busy machine, short if broken

# axe findings that come from Streamlit's own markup, not from this app's content: (rule id,
# regular expression searched in the node's target selectors and its HTML, reason). Only the
# nodes that match are left out; any other node of the same rule still fails.
# Empty on purpose: on all 16 combinations (axe-core 4.12.1, Streamlit 1.67.0, the whole page in
# the viewport) no serious or critical finding came from Streamlit's own chrome (toolbar, sidebar
# button, navigation, widgets' inner markup, dataframes); every one was the app's content or its
# theme. An entry belongs here only with the node that shows it is Streamlit's, for example
#   ("rule-id", r"stToolbar", "Streamlit's toolbar: <what axe says and why the app cannot fix it>").
ALLOWED = [
]


def settle(page, charts):
    """Until the script run has finished and every visible chart (at least `charts`) is drawn."""
    wait_for_script(page, timeout=WAIT)
    wait_for_charts(page, charts, timeout=WAIT)
    page.wait_for_function(ALL_VISIBLE_CHARTS_DRAWN_JS, timeout=WAIT)
    wait_for_script(page, timeout=WAIT)


def open_page(new_page, app_url, name, lang, size):
    path, _, charts = PAGES[name]
    page = new_page(viewport=SIZES[size], locale=LOCALES[lang])
    page.goto(f"{app_url}/{path}?lang={lang}")
    settle(page, charts)
    return page


def overflow_problems(page):
    found = page.evaluate(OVERFLOW_JS)
    problems = []
    if found["document"] > found["viewport"] + 1:
        problems.append(f"the document scrolls sideways: scrollWidth {found['document']} > "
                        f"viewport {found['viewport']}")
    if found["main"] and found["main"][0] > found["main"][1] + 1:
        problems.append(f"the main area scrolls sideways: scrollWidth {found['main'][0]} > "
                        f"clientWidth {found['main'][1]}")
    for el in found["roots"]:
        where = " ".join(part for part in (el["testid"], el["key"]) if part)
        problems.append(f"[{where}] <{el['tag']} class={el['cls']!r}> right edge {el['right']} > "
                        f"{found['viewport']}: {el['text']!r}")
    return problems


def title_problems(page):
    problems = []
    for title in page.evaluate(TITLES_JS):
        what = []
        if title["cut"]:
            what.append("cut (ends with …)")
        if title["outside"]:
            what.append(f"{title['beyond']} px outside the chart: ink {title['ink']} not within "
                        f"the chart's box {title['frame']} (left, top, right, bottom)")
        if what:
            problems.append(f"chart {title['chart']} {title['name']!r}, {title['role']} "
                            f"{title['text']!r}: {'; '.join(what)}")
    return problems


def allowed(rule, node):
    """Whether this node of a finding of `rule` is on the allow-list (Streamlit's own markup)."""
    where = " ".join(map(str, node["target"])) + " " + node.get("html", "")
    return any(rule == entry_rule and re.search(pattern, where)
               for entry_rule, pattern, _ in ALLOWED)


def show_everything(page):
    """Grow the viewport to the content's height (until it stops changing): axe checks colour
    contrast only inside the viewport (it leaves the rest "incomplete"), and Streamlit scrolls
    inside its main area, so in a phone-sized viewport most of a page would go unchecked."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    for _ in range(4):
        needed = min(MAX_HEIGHT, max(height, page.evaluate(CONTENT_HEIGHT_JS)))
        if needed == height:
            break
        height = needed
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_function(ALL_VISIBLE_CHARTS_DRAWN_JS, timeout=WAIT)


NODE_TEXT_JS = """(selector) => {
    const el = document.querySelector(selector);
    return el ? (el.innerText || el.textContent || "").trim().replace(/\\s+/g, " ") : "";
}"""


def axe_node(page, node):
    """One node of an axe finding: its selector, its text and what axe says of it."""
    target = node["target"]
    selector = " ".join(map(str, target))
    text = page.evaluate(NODE_TEXT_JS, target[0]) if len(target) == 1 else ""
    html = " ".join(node.get("html", "").split())
    says = "; ".join(check["message"] for kind in ("any", "all", "none")
                     for check in node.get(kind, []))
    return f"\n    {selector}\n      {(text or html)[:120]!r}\n      {says[:240]}"


def axe_problems(page):
    from axe_playwright_python.sync_playwright import Axe
    show_everything(page)
    problems = []
    for violation in Axe().run(page).response["violations"]:
        if violation["impact"] not in SERIOUS:
            continue
        nodes = [node for node in violation["nodes"] if not allowed(violation["id"], node)]
        if not nodes:
            continue
        problems.append(f"{violation['id']} ({violation['impact']}, {len(nodes)} nodes): "
                        f"{violation['help']}" + "".join(axe_node(page, node)
                                                          for node in nodes[:3]))
    return problems


@pytest.mark.parametrize("name, lang, size", COMBINATIONS)
def test_every_visitor_sees_the_whole_page(new_page, app_url, subtests, name, lang, size):
    """Nothing overflows sideways, no chart title is cut, axe finds nothing serious of the app's."""
    page = open_page(new_page, app_url, name, lang, size)
    for kind, check in (("overflow", overflow_problems), ("chart titles", title_problems),
                        ("axe", axe_problems)):
        with subtests.test(kind):
            problems = check(page)
            if problems:
                pytest.fail(f"{name}-{lang}-{size}, {kind}:\n" + "\n".join(problems),
                            pytrace=False)


# Each page's own URL, with a parameter: (URL, catalogue key of its title, language shown).
OWN_URLS = [("train", "train_title", "en"), ("train?lang=zh", "train_title", "zh"),
            ("?hidden=8", "train_title", "en"), ("calculator?hidden=8", "calc_title", "en"),
            ("backprop?lang=zh", "bp_title", "zh"), ("insight?seed=3&lang=en", "in_title", "en")]

# Records the text of every dialog that appears, even one that closes again.
DIALOG_RECORDER_JS = """
window.__dialogs = [];
new MutationObserver(() => {
    for (const dialog of document.querySelectorAll("[data-testid='stDialog'], [role='dialog']")) {
        const text = dialog.innerText.trim();
        if (text && !window.__dialogs.includes(text)) window.__dialogs.push(text);
    }
}).observe(document, {childList: true, subtree: true, characterData: true});
"""


def open_recording_dialogs(page, url, heading):
    """Open `url` with the dialog recorder installed; wait until `heading` is shown and the
    script run has finished. Returns the texts of every dialog seen meanwhile."""
    page.add_init_script(DIALOG_RECORDER_JS)
    page.goto(url)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    wait_for_script(page, timeout=WAIT)
    return page.evaluate("window.__dialogs")


@pytest.mark.parametrize("url, title, lang", [pytest.param(*case, id=f"/{case[0]}")
                                              for case in OWN_URLS])
def test_a_page_opens_by_its_own_url(new_page, app_url, url, title, lang):
    """A shared link to a page's own URL opens that page, with no "Page not found" pop-up (which
    Streamlit shows, in English, in [data-testid='stDialog'], over its start page)."""
    from ui.i18n import CATALOGUE
    page = new_page()
    dialogs = open_recording_dialogs(page, f"{app_url}/{url}", CATALOGUE[title][lang])
    assert not [text for text in dialogs if "not found" in text.lower()], \
        f"/{url} showed: {dialogs}"
    expect(page.get_by_test_id("stDialog")).to_have_count(0)


def test_the_page_not_found_detector_sees_streamlits_pop_up(new_page, app_url):
    """The instrument of the test above: a page that does not exist shows the pop-up, and the
    recorder sees it."""
    from ui.i18n import CATALOGUE
    dialogs = open_recording_dialogs(new_page(), f"{app_url}/no-such-page",
                                     CATALOGUE["train_title"]["en"])
    assert [text for text in dialogs if "Page not found" in text], dialogs


# The views people explore with (issue 22), each opened as a visitor would: a pinned run beside
# the book's, the walk with a pinned run, the calculator's operated net and its wrong bits (with
# the chart of how sure the net is of each bit opened), and the learnability map once drawn.
EXPLORING = {
    "compare": ("?pin=4_16_10000_0_8_book", 4, None),
    "compare-walk": ("backprop?pin=4_16_10000_0_8_book", 1, None),
    "wrong-bits": ("calculator?hidden=2", 1, "sure"),
    "map": ("insight?iterations=600", 6, "map"),
}


def explore(page, action):
    """Do what the view needs beyond its link: draw the map, or open the calculator's folded
    section of how sure the net is of each bit (its chart then drawn)."""
    if action == "sure":
        page.get_by_test_id("stExpander").filter(has_text=re.compile(
            "How sure the net is of each bit|网络对每一位有多大把握")).locator("summary").click()
        wait_for_script(page, timeout=WAIT)
        expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(2)
    if action == "map":
        page.get_by_test_id("stTab").nth(3).click()
        wait_for_script(page, timeout=WAIT)
        run = page.locator(".st-key-map_run button")
        if run.count():  # not drawn yet on this server (another visitor's map is kept)
            run.click()
        page.get_by_text(re.compile(r"30 of 30 cells computed|30 个格子已算出 30 个")) \
            .wait_for(timeout=180_000)


@pytest.mark.parametrize("view, lang, size", [
    pytest.param(view, lang, size, id=f"{view}-{lang}-{size}")
    for view in EXPLORING for lang in LOCALES for size in SIZES])
def test_every_visitor_can_explore(new_page, app_url, subtests, view, lang, size):
    """The exploring views in both languages on a desktop and a phone: nothing overflows
    sideways, no chart title is cut, axe finds nothing serious."""
    path, charts, action = EXPLORING[view]
    page = new_page(viewport=SIZES[size], locale=LOCALES[lang])
    page.goto(f"{app_url}/{path}{'&' if '?' in path else '?'}lang={lang}")
    settle(page, charts)
    if action:
        explore(page, action)
        settle(page, charts)
    assert page.locator("[data-testid='stException']").count() == 0
    for kind, check in (("overflow", overflow_problems), ("chart titles", title_problems),
                        ("axe", axe_problems)):
        with subtests.test(kind):
            assert check(page) == []
