"""The exploring views (issue 22) used as a visitor uses them, in Chinese and in English, on a
desktop (1400x900) and on a phone (390x844): pin and compare, operate on the net, why a bit is
wrong, the machine the net learned, and the learnability map.

Expected texts come from the catalogue (ui/locales), so both languages are checked; expected
numbers are computed here by rnn alone or read off the page before the visitor's action, never
copied from one machine's output. Each view is also checked for sideways overflow on both
sizes; axe runs on the states no other test reaches (the operated net), the pages as they open
being checked by tests/e2e/test_every_visitor.py.
"""
import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail, under REQUIRE_BROWSER=1) and say why
    expect = None

from scripts.serving import wait_for_script
from tests.e2e.test_every_visitor import LOCALES, SIZES, axe_problems, overflow_problems, settle
from ui.i18n import CATALOGUE

WAIT = 60_000  # ms for what a test waits for in the page (a busy machine is slow)
CASES = [pytest.param(lang, size, id=f"{lang}-{size}") for lang in LOCALES for size in SIZES]
PIN = "4_16_10000_0_8_book"  # alpha 4, otherwise the book's settings


def words(key, lang):
    """A regular expression of the catalogue's text `key` in `lang` as the page shows it: its
    placeholders match any text, its markdown's ** is gone."""
    parts = re.split(r"\{[^}]*\}", CATALOGUE[key][lang].replace("**", ""))
    return re.compile(".+?".join(map(re.escape, parts)))


def text(key, lang, **values):
    return CATALOGUE[key][lang].format(**values)


def alert(page, pattern):
    return page.get_by_test_id("stAlert").filter(has_text=pattern)


def open_at(new_page, app_url, path, lang, size, charts=1):
    page = new_page(viewport=SIZES[size], locale=LOCALES[lang])
    page.goto(f"{app_url}/{path}{'&' if '?' in path else '?'}lang={lang}")
    settle(page, charts)
    return page


def go_to(page, key, lang):
    """Switch page by the sidebar's navigation (opened first where a phone hides it)."""
    hidden = page.get_by_test_id("stSidebar").get_attribute("data-collapsed") == "true"
    if hidden:
        page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=text(key, lang)).click()
    wait_for_script(page, timeout=WAIT)
    if hidden and page.get_by_test_id("stSidebar").get_attribute("data-collapsed") != "true":
        page.get_by_test_id("stSidebarCollapseButton").get_by_role("button").click()


def no_problems(page):
    assert page.locator("[data-testid='stException']").count() == 0
    assert overflow_problems(page) == []


@pytest.mark.parametrize("lang, size", CASES)
def test_a_pinned_run_is_compared_and_walked_beside_the_one_shown(new_page, app_url, lang, size):
    """A link pinning alpha 4: a table of both runs, and under their shared accuracy chart a
    sentence with both runs' final accuracy as rnn alone scores them; the backprop page walks
    the same problem on the pinned net under the current one, and the pin stays in the
    address."""
    from rnn import TrainConfig, train
    from rnn.evaluate import score_width
    page = open_at(new_page, app_url, f"?pin={PIN}", lang, size, charts=4)
    expect(page.get_by_role("heading", name=text("cmp_title", lang))).to_be_visible()
    expect(page.get_by_test_id("stDataFrame").filter(has_text=text("cmp_this", lang))) \
        .to_be_visible()
    this, pinned = (score_width(train(config).params, 8).accuracy
                    for config in (TrainConfig(), TrainConfig(alpha=4.0)))
    expect(page.get_by_text(words("cmp_accuracy_text", lang))).to_have_text(
        text("cmp_accuracy_text", lang, this=this, pinned=pinned))
    no_problems(page)
    go_to(page, "page_backprop", lang)
    settle(page, 1)
    expect(page.get_by_text(words("cmp_walk_pinned", lang))).to_be_visible()
    assert page.locator("svg[data-phase]").count() == 2
    assert f"pin={PIN}" in page.url
    no_problems(page)


@pytest.mark.parametrize("lang, size", CASES)
def test_operating_on_the_net_breaks_it_and_training_on_repairs_it(new_page, app_url, lang,
                                                                   size):
    """Unit 11 switched off on the calculator (one tap on its pill): the answer's sentence
    changes, a warning gives the operated net's accuracy beside the trained one's as rnn computes
    them here; training on draws its curve and says how it ended; the backprop page walks the
    operated net and says so; Reset gives the trained net back. axe finds nothing serious in the
    operated page."""
    import numpy as np

    from rnn import TrainConfig, train
    from rnn.evaluate import accuracy_of
    from rnn.operate import edited
    page = open_at(new_page, app_url, "calculator", lang, size)
    page.get_by_text(text("op_title", lang)).click()
    pills = page.get_by_test_id("stButtonGroup").filter(has_text="15")
    pills.get_by_role("button", name="11", exact=True).click()
    wait_for_script(page, timeout=WAIT)
    book = train(TrainConfig()).params
    operated = accuracy_of(edited(book, (11,), None), 8)
    warning = alert(page, words("op_effect", lang))
    expect(warning).to_contain_text(f"{operated:.1%}")
    expect(warning).to_contain_text(f"{accuracy_of(book, 8):.1%}")
    assert np.isfinite(operated)
    no_problems(page)
    assert axe_problems(page) == []
    page.set_viewport_size(SIZES[size])
    page.get_by_role("button", name=text("op_train_on_button", lang, count=1_000)).click()
    expect(page.get_by_text(words("op_trained_text", lang))).to_be_visible(timeout=WAIT)
    go_to(page, "page_backprop", lang)
    expect(alert(page, words("op_walk", lang))).to_be_visible()
    go_to(page, "page_calculator", lang)
    page.get_by_role("button", name=text("op_reset", lang)).click()
    wait_for_script(page, timeout=WAIT)
    expect(alert(page, words("op_effect", lang))).to_have_count(0)
    no_problems(page)


@pytest.mark.parametrize("lang, size", CASES)
def test_a_wrong_bit_on_the_calculator_opens_the_walk_at_that_bit(new_page, app_url, lang, size):
    """With a 2-unit net, 200 − 57 has wrong bits (rnn's own 2-unit net, run here, says which);
    each is a link, and the first opens, in a new tab, the walk of 200 − 57 at that bit with the
    same net, saying where it went wrong in the page's language."""
    from rnn import TrainConfig, train
    from rnn.evaluate import answer
    net = train(TrainConfig(hidden=2)).params
    _, predicted = answer(net, 200, 57, 8)  # bits, lowest first
    wrong = [bit for bit in range(8) if predicted[bit] != ((200 - 57) >> bit & 1)]
    assert wrong, "a 2-unit net is expected to get 200 - 57 wrong"
    page = open_at(new_page, app_url, "calculator?hidden=2", lang, size)
    for bit in wrong:
        expect(page.get_by_role("link", name=text("calc_why_bit", lang, bit=bit, link="")
                                .strip("[]()"), exact=True)).to_be_visible()
    no_problems(page)
    bit = wrong[-1]
    with page.context.expect_page() as opened:
        page.get_by_role("link", name=text("calc_why_bit", lang, bit=bit, link="").strip("[]()"),
                         exact=True).click()
    walk = opened.value
    wait_for_script(walk, timeout=WAIT)
    assert re.search(rf"[?&]step={bit + 1}(&|$)", walk.url) and "hidden=2" in walk.url
    expect(walk.get_by_text(text("bs_where_forward", lang, n=bit + 1, total=18, t=bit))) \
        .to_be_visible()
    said = "|".join(words(key, lang).pattern
                    for key in ("bs_wrong_lost", "bs_wrong_made_up", "bs_wrong_first"))
    expect(alert(walk, re.compile(said))).to_be_visible()
    no_problems(walk)


@pytest.mark.parametrize("lang, size", CASES)
def test_the_machine_it_learned_is_drawn_beside_school_subtraction(new_page, app_url, lang,
                                                                   size):
    """The insight page draws two state machines (graphviz) whose every state is inside the
    screen, and says how often the net's machine agrees with the net and with a − b, figures
    rnn.machine computes here for the book's net."""
    from rnn import TrainConfig, train
    from rnn.machine import extract
    found = extract(train(TrainConfig()).params, 8)
    page = open_at(new_page, app_url, "insight", lang, size, charts=6)
    heading = page.get_by_role("heading", name=text("in_machine", lang))
    heading.scroll_into_view_if_needed()
    charts = page.get_by_test_id("stGraphVizChart")
    expect(charts).to_have_count(2)
    width = page.viewport_size["width"]
    for index in range(2):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        expect(chart.locator("svg g.node").first).to_be_visible()
        for node in chart.locator("svg g.node").all():
            box = node.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (index, box)
    sentence = page.get_by_text(words("in_machine_text", lang))
    expect(sentence).to_contain_text(f"{found.agree_net:.1%}")
    expect(sentence).to_contain_text(f"{found.agree_rule:.1%}")
    no_problems(page)


@pytest.mark.parametrize("lang, size", CASES)
def test_the_learnability_map_fills_in_and_a_cell_applies_its_settings(new_page, app_url, lang,
                                                                       size):
    """At 600 iterations the map's 30 cells fill in behind the page (its caption counts them),
    its chart is drawn with the visitor's own cell outlined and named, a click in its middle
    applies that cell's settings, and a cell chosen from the list under it sets the sidebar's
    hidden units and learning rate, and the link's."""
    page = open_at(new_page, app_url, "insight?iterations=600", lang, size, charts=6)
    page.get_by_role("tab", name=text("map_tab", lang)).click()
    wait_for_script(page, timeout=WAIT)
    run = page.locator(".st-key-map_run button")
    if run.count():  # not drawn yet on this server (another test's map is kept)
        run.click()
    counted = re.split("[;;]", CATALOGUE["map_caption"][lang])[0]  # "30 of 30 cells computed"
    expect(page.get_by_text(counted.format(done=30, total=30))).to_be_visible(timeout=180_000)
    wait_for_script(page, timeout=WAIT)
    title = re.split("[,(]", text("map_title", lang))[0]  # its first words (a title wraps)
    chart = page.get_by_test_id("stVegaLiteChart").filter(has_text=title).last
    expect(chart.locator("svg.marks, canvas").first).to_be_visible()
    # the visitor's own cell (the book's 16 units, alpha 0.9): named under the map, outlined on it
    parts = re.split(r"\{[^}]*\}", CATALOGUE["map_caption"][lang].replace(
        "{hidden}", "16").replace("{alpha}", "0.9"))
    expect(page.get_by_text(re.compile(".+?".join(map(re.escape, parts))))).to_be_visible()
    expect(chart.locator("svg.marks [stroke-width='4']")).to_have_count(1)
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()  # a click in the middle of the map applies that cell's settings
    page.mouse.click(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.55)
    expect(page).to_have_url(re.compile(r"[?&]hidden=(2|4|8|32)(&|$)"))
    wait_for_script(page, timeout=WAIT)
    page.get_by_role("tab", name=text("map_tab", lang)).click()
    wait_for_script(page, timeout=WAIT)
    choice = page.get_by_label(text("map_choose", lang))
    choice.click()
    choice.press_sequentially("4 × 2.0")
    page.get_by_role("option", name="4 × 2.0").click()
    page.get_by_role("button", name=text("map_apply", lang, hidden=4, alpha=2.0)).click()
    expect(page).to_have_url(re.compile(r"[?&]hidden=4(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]alpha=2(\.0+)?(&|$)"))
    wait_for_script(page, timeout=WAIT)
    no_problems(page)
