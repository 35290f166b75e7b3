"""A lesson a teacher can run (issue 21), item by item, at the four screen sizes a class meets
(a phone 390x844, a projector 853x480 = 1280x720 at 150 %, a small laptop 1024x768, a desktop
1400x1000), in Chinese and in English: links to a moment, the class's guesses, the worksheet,
advice that fixes, the sentences and words (the glossary, the wrap-around note, the numbered
memory key), stable pages and icons. The presenter view has its own tests at these sizes
(tests/e2e/test_presenter.py).

Each item is a subtest, so one failing does not hide the others. Expected texts come from the
catalogue (ui/locales) in the page's language; expected numbers are worked out here. The pages
an item leaves the visitor on are checked for sideways overflow and by axe (serious or critical
findings), on the states the other browser tests do not reach at these sizes.
"""
import re
import uuid
from pathlib import Path

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail, under REQUIRE_BROWSER=1) and say why
    expect = None

from scripts.serving import wait_for_script
from tests.e2e.test_every_visitor import LOCALES, axe_problems, overflow_problems
from ui.i18n import CATALOGUE

SIZES = {"phone": {"width": 390, "height": 844}, "projector": {"width": 853, "height": 480},
         "laptop": {"width": 1024, "height": 768}, "desktop": {"width": 1400, "height": 1000}}
WAIT = 60_000  # ms for what a test waits for in the page (a busy machine is slow)
# pictographs drawn from an emoji font (the text marks ✓ ✗ ↑ ↓ are the app's, in its text font)
EMOJI = re.compile("[\U0001F000-\U0001FAFF\uFE0F]")


def text(key, lang, **values):
    return CATALOGUE[key][lang].format(**values)


def words(key, lang, **values):
    """A regular expression of the catalogue's `key` in `lang` as the page shows it: the
    placeholders in `values` filled in, the others matching any text, markdown's ** gone."""
    template = CATALOGUE[key][lang].replace("**", "")
    parts = re.split(r"(\{[^}]*\})", template)
    pattern = ""
    for part in parts:
        name = part[1:-1].split(":")[0] if part.startswith("{") else None
        if name is None:
            pattern += re.escape(part)
        elif name in values:
            pattern += re.escape(part.format(**{name: values[name]}))
        else:
            pattern += ".+?"
    return re.compile(pattern)


def alert(page, pattern):
    return page.get_by_test_id("stAlert").filter(has_text=pattern)


def metric_value(page, label):
    metric = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
    return metric.get_by_test_id("stMetricValue")


def visit(page, app_url, path, lang):
    page.goto(f"{app_url}/{path}{'&' if '?' in path else '?'}lang={lang}")
    wait_for_script(page, timeout=WAIT)
    return page


def sound(page, size):
    """No exception, nothing sticking out sideways, axe clean; the viewport as it was after."""
    assert page.locator("[data-testid='stException']").count() == 0
    assert overflow_problems(page) == []
    assert axe_problems(page) == []
    page.set_viewport_size(SIZES[size])


def open_sidebar(page):
    if page.get_by_test_id("stSidebar").get_attribute("data-collapsed") == "true":
        page.get_by_test_id("stExpandSidebarButton").click()


def no_emoji(page):
    """No icon drawn from an emoji font, and no emoji character in the page's text."""
    assert page.get_by_test_id("stIconEmoji").count() == 0
    assert not EMOJI.findall(page.locator("body").inner_text())


def a_moment(page, app_url, lang, size):
    visit(page, app_url, "backprop?a=200&b=57&step=10", lang)
    expect(page.get_by_text(text("bs_where_backward", lang, n=10, total=18, t=7))).to_be_visible()
    page.locator(".st-key-bs_next button").click()
    expect(page).to_have_url(re.compile(r"[?&]step=11(&|$)"))
    wait_for_script(page, timeout=WAIT)
    page.reload()
    wait_for_script(page, timeout=WAIT)
    expect(page.get_by_text(text("bs_where_backward", lang, n=11, total=18, t=6))).to_be_visible()
    assert re.search(r"[?&]a=200(&|$)", page.url) and re.search(r"[?&]b=57(&|$)", page.url)
    assert re.search(rf"[?&]lang={lang}(&|$)", page.url)
    page.get_by_role("button", name=text("bs_link", lang)).click()
    code = page.get_by_test_id("stCode")
    expect(code).to_contain_text("/backprop?")
    assert code.inner_text().strip().split("?")[1].split("&") == page.url.split("?")[1].split("&")
    page.keyboard.press("Escape")
    no_emoji(page)
    sound(page, size)
    visit(page, app_url, "calculator?a=150&b=20", lang)
    expect(metric_value(page, text("calc_true_answer", lang))).to_have_text("130")
    page.reload()
    wait_for_script(page, timeout=WAIT)
    expect(metric_value(page, text("calc_true_answer", lang))).to_have_text("130")
    assert re.search(rf"[?&]lang={lang}(&|$)", page.url)


def the_class_guesses(new_page, app_url, lang, size):
    code = f"t-{size}-{lang}-{uuid.uuid4().hex[:4]}"
    student = visit(new_page(viewport=SIZES[size], locale=LOCALES[lang]), app_url,
                    f"backprop?class={code}&step=9", lang)
    student.get_by_test_id("stRadio").get_by_text(text("bs_choice", lang, t=3), exact=True) \
        .click()
    expect(student.get_by_text(text("class_counted", lang, code=code))).to_be_visible()
    teacher = visit(new_page(viewport=SIZES[size], locale=LOCALES[lang]), app_url,
                    f"backprop?class={code}&step=9", lang)
    teacher.get_by_text(text("class_show", lang)).click()
    expect(teacher.get_by_text(text("class_most", lang, total=1, t=3, count=1))).to_be_visible()
    no_emoji(teacher)
    sound(teacher, size)


def the_worksheet(page, app_url, lang, tmp_path):
    visit(page, app_url, "backprop?a=200&b=57", lang)
    control = page.locator(".st-key-bs_worksheet button")
    expect(control).to_be_visible()
    with page.expect_download() as download:
        control.click()
    path = Path(tmp_path) / f"worksheet-{lang}.html"
    download.value.save_as(path)
    sheet = path.read_text("utf-8")
    assert text("ws_title", lang, a=200, b=57) in sheet
    assert text("ws_key_header", lang, a=200, b=57) in sheet


def the_advice(page, app_url, lang, size):
    visit(page, app_url, "?iterations=100", lang)
    advice = page.locator(".st-key-advice_0 button")
    expect(advice).to_be_visible(timeout=WAIT)
    no_emoji(page)
    sound(page, size)
    advice.click()
    expect(page.locator(".st-key-advice_0")).to_have_count(0, timeout=WAIT)
    wait_for_script(page, timeout=WAIT)
    expect(metric_value(page, text("metric_accuracy", lang))).to_have_text(f"{1:.2%}",
                                                                            timeout=WAIT)


def the_words(page, app_url, lang, size):
    visit(page, app_url, "backprop?a=9&b=23", lang)
    expect(page.get_by_text(words("bp_wrapped", lang, a=9, b=23))).to_be_visible()
    glossary = page.get_by_test_id("stExpander").filter(has_text=text("bs_words", lang))
    glossary.get_by_text(text("bs_words", lang)).click()
    first_term = re.search(r"\*\*(.+?)\*\*", CATALOGUE["bs_words_text"][lang])[1]
    expect(glossary.get_by_text(first_term, exact=False).first).to_be_visible()
    visit(page, app_url, "backprop?step=18", lang)  # the update: the sentence names neurons
    key = page.locator("svg[data-key='memory']").first
    key.scroll_into_view_if_needed()
    expect(key).to_be_visible()
    box = key.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= SIZES[size]["width"], box
    sentence = page.get_by_test_id("stAlert").filter(has_text="alpha").first.inner_text()
    named = sorted({int(n) for n in re.findall(r"(?:neuron|神经元) (\d+)", sentence)})
    assert named, sentence
    drawn = key.evaluate("svg => svg.outerHTML")
    outlined = re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" width="30.0" height="30.0" '
                          r'fill="none" stroke="#263238"', drawn)
    assert sorted(round((float(y) - 2) / 30) * 4 + round((float(x) - 2) / 30)
                  for x, y in outlined) == named
    expect(page.get_by_text(words("bs_key_named", lang, t=7))).to_be_visible()
    no_emoji(page)
    sound(page, size)


def stable_pages(page, app_url, lang, size):
    visit(page, app_url, "calculator?a=100&b=3", lang)
    field = page.locator(".st-key-calc_a_8").get_by_test_id("stNumberInputField")
    field.fill("300")
    field.press("Enter")
    wait_for_script(page, timeout=WAIT)
    expect(alert(page, text("calc_out_of_range", lang, value=300, width=8, top=255))) \
        .to_be_visible()
    expect(field).to_have_value("300")
    expect(page.get_by_test_id("stMetric")).to_have_count(0)  # no answer for another a
    sound(page, size)
    field.fill("100")
    field.press("Enter")
    wait_for_script(page, timeout=WAIT)
    expect(metric_value(page, text("calc_true_answer", lang))).to_have_text("97")
    start = page.evaluate("history.length")
    open_sidebar(page)
    slider = page.locator(".st-key-seed input[type='range']")
    slider.focus()
    slider.press("ArrowRight")
    expect(page).to_have_url(re.compile(r"[?&]seed=1(&|$)"))
    wait_for_script(page, timeout=WAIT)
    assert page.evaluate("history.length") == start + 1


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LOCALES)
def test_a_lesson_at_every_size(new_page, app_url, subtests, tmp_path, lang, size):
    """Every item of the lesson at this size and in this language (see the module's docstring)."""
    def page():
        return new_page(viewport=SIZES[size], locale=LOCALES[lang])

    items = {"a link to a moment": lambda: a_moment(page(), app_url, lang, size),
             "the class's guesses": lambda: the_class_guesses(new_page, app_url, lang, size),
             "the worksheet": lambda: the_worksheet(page(), app_url, lang, tmp_path),
             "advice that fixes": lambda: the_advice(page(), app_url, lang, size),
             "sentences and words": lambda: the_words(page(), app_url, lang, size),
             "stable pages": lambda: stable_pages(page(), app_url, lang, size)}
    for item, check in items.items():
        with subtests.test(item):
            check()
