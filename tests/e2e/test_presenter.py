"""The presenter view and the walk's picture at the sizes a class sees (#21 item 2): a projector
(1280x720 at 150 % zoom is 853x480 CSS px), a small laptop, a desktop and a phone, in both
languages. Sizes are read off the page itself (bounding boxes, the chart's own font-size
attributes times its drawn scale), never copied from one machine's output."""
import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail, under REQUIRE_BROWSER=1) and say why
    expect = None

from scripts.serving import wait_for_script
from tests.e2e.test_backprop_view import button, next_to, open_view
from tests.e2e.test_every_visitor import LOCALES, axe_problems

SIZES = {"phone": (390, 844), "projector": (853, 480), "laptop": (1024, 768),
         "desktop": (1400, 1000)}
SMALLEST_TEXT = 16  # px: the picture's smallest text in the presenter view at 853x480

# The picture's box, the boxes of the page's alerts (the walk's sentence is one) and the size its
# smallest text is drawn at: font-size (in the picture's own units) times its drawn scale.
MEASURE_JS = """() => {
    const svg = document.querySelector("svg[data-phase]");
    const box = e => { const b = e.getBoundingClientRect();
                       return {left: b.left, right: b.right, top: b.top, bottom: b.bottom}; };
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll("text")].map(
        text => parseFloat(text.getAttribute("font-size")) * scale);
    return {picture: box(svg), alerts: [...document.querySelectorAll("[data-testid='stAlert']")]
            .map(box), smallest: Math.min(...sizes), viewport: window.innerWidth};
}"""


def measure(page):
    return page.evaluate(MEASURE_JS)


def overlaps(one, other):
    return (one["left"] < other["right"] and other["left"] < one["right"]
            and one["top"] < other["bottom"] and other["top"] < one["bottom"])


def sidebar_collapsed(page):
    return page.get_by_test_id("stSidebar").get_attribute("data-collapsed") == "true"


def press_until(page, key, locator, assertion, *expected):
    """Press `key` until `expect(locator).<assertion>(*expected)` holds. A key pressed just after
    the page's first script run can come before Streamlit listens for its shortcuts (seen on a
    freshly started server: the first press lost, the next one taken); a lost press changes
    nothing, so the key is pressed again only while nothing has changed (3 s each, 5 times)."""
    for _ in range(5):
        page.locator("body").press(key)
        try:
            getattr(expect(locator), assertion)(*expected, timeout=3_000)
            return
        except AssertionError:
            continue
    getattr(expect(locator), assertion)(*expected)


def open_walk(new_page, app_url, size, lang, present, frame=1):
    width, height = SIZES[size]
    page = new_page(viewport={"width": width, "height": height}, locale=LOCALES[lang])
    query = f"lang={lang}" + ("&present=1" if present else "")
    open_view(page, app_url, query)
    if frame > 1:
        next_to(page, frame)
    return page


@pytest.mark.parametrize("present", [False, True], ids=["page", "presenter"])
@pytest.mark.parametrize("lang", LOCALES)
@pytest.mark.parametrize("size", SIZES)
def test_the_picture_is_whole_and_its_sentence_beside_or_under_it(new_page, app_url, size, lang,
                                                                  present):
    """The walk's picture lies within the screen's width, and no alert (its sentence among them)
    covers any part of it."""
    found = measure(open_walk(new_page, app_url, size, lang, present))
    picture = found["picture"]
    assert 0 <= picture["left"] and picture["right"] <= found["viewport"], found
    assert not any(overlaps(picture, alert) for alert in found["alerts"]), found
    assert found["alerts"], found  # the sentence was measured


@pytest.mark.parametrize("lang", LOCALES)
def test_presenter_view_at_853x480_writes_the_picture_large(new_page, app_url, lang):
    """In the presenter view on a projector, at a forward frame and at a backward one (the
    tallest), the picture's smallest text is at least 16 px, the sidebar is closed and
    present=1 stays in the link; axe finds nothing serious."""
    page = open_walk(new_page, app_url, "projector", lang, present=True)
    assert measure(page)["smallest"] >= SMALLEST_TEXT, measure(page)
    assert sidebar_collapsed(page)
    next_to(page, 11)
    expect(page.locator("svg[data-phase]").first).to_have_attribute("data-phase", "backward")
    found = measure(page)
    assert found["smallest"] >= SMALLEST_TEXT, found
    assert not any(overlaps(found["picture"], alert) for alert in found["alerts"]), found
    assert "present=1" in page.url
    assert axe_problems(page) == []


def test_the_picture_is_smaller_outside_the_presenter_view(new_page, app_url):
    """The presenter view is what makes the text large: the same screen without it (the sidebar
    open) draws the picture's smallest text smaller."""
    plain = measure(open_walk(new_page, app_url, "projector", "en", present=False))
    large = measure(open_walk(new_page, app_url, "projector", "en", present=True))
    assert plain["smallest"] < large["smallest"], (plain, large)


def test_the_toggle_turns_the_presenter_view_on_and_off(new_page, app_url):
    """The sidebar's toggle puts present=1 in the link and closes the sidebar; switched off (the
    sidebar opened again), present leaves the link."""
    page = open_walk(new_page, app_url, "desktop", "en", present=False)
    assert not sidebar_collapsed(page)
    page.get_by_test_id("stSidebar").get_by_text("Presenter view").click()
    wait_for_script(page)
    expect(page).to_have_url(re.compile(r"[?&]present=1(&|$)"))
    expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "true")
    page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_test_id("stSidebar").get_by_text("Presenter view").click()
    wait_for_script(page)
    expect(page).to_have_url(re.compile(r"^(?!.*present=)"))


def test_present_stays_in_the_link_as_the_walk_moves(new_page, app_url):
    """A rerun of the page (a step of the walk by its keyboard shortcut) keeps present=1."""
    page = open_walk(new_page, app_url, "projector", "en", present=True)
    press_until(page, "ArrowRight", page.locator("svg[data-phase]").first, "to_have_attribute",
                "data-step", "1")
    wait_for_script(page)
    assert "present=1" in page.url


@pytest.mark.parametrize("lang, notice", [
    ("en", "The link's present=yes is not valid (choose from 1, 0)"),
    ("zh", "链接里的 present=yes 无效(可选:1, 0)")])
def test_a_bad_present_value_gives_a_notice(new_page, app_url, lang, notice):
    """present=yes names no setting: a notice in the page's language, the view stays plain."""
    page = new_page(locale=LOCALES[lang])
    page.goto(f"{app_url}/?present=yes&lang={lang}")
    wait_for_script(page)
    expect(page.get_by_test_id("stAlert").filter(has_text=notice)).to_be_visible()
    assert not sidebar_collapsed(page)
    assert "present" not in page.url


def test_p_plays_the_walk(new_page, app_url):
    """The Play button's shortcut, P, starts the walk, as a click would."""
    page = open_walk(new_page, app_url, "projector", "en", present=True)
    press_until(page, "p", button(page, "bs_play"), "to_contain_text", "Pause")
