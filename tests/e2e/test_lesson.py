"""A lesson a teacher can run (#21), item by item, at the sizes a class sees it (a phone, a
projector: 1280x720 at 150 % zoom is 853x480 CSS px, a small laptop, a desktop) in both
languages. Each of the 8 cases walks through the items as subtests, so that one failing does not
hide the others; every page visited is checked for sideways overflow and by axe (the helpers of
test_every_visitor) and for emoji in its text. Item 2, the presenter view, is covered at these
sizes by test_presenter.

Every expected text is the catalogue's entry in the case's language, filled in with numbers
computed here (the bits of 9 and 23, 200 − 57, a step's bit), never copied from the page. One
server for the session: the runs of ?iterations=100 (the advice's page, and the history's seed
change) are trained by the first case and reused by the others.

With LESSON_SHOTS=<folder> set, each page visited in zh at 853x480 and 390x844 is saved there as
a screenshot, as the screen shows it and whole (taken once axe has grown the viewport).
"""
import os
import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail, under REQUIRE_BROWSER=1) and say why
    expect = None

from scripts.serving import wait_for_script
from tests.e2e.test_every_visitor import LOCALES, axe_problems, overflow_problems, settle
from tests.e2e.test_presenter import SIZES  # the four screens a class meets: (width, height)
from ui.i18n import CATALOGUE

SHOTS = os.environ.get("LESSON_SHOTS")
SHOT_SIZES = ("projector", "phone")
BITS, FRAMES = 8, 18  # the book's width; its walk: 8 forward, the question, 8 backward, update
QUESTION = BITS + 1  # the frame of the question
SHORT = "iterations=100"  # a run too short to learn: the advice's page
# An emoji: a character drawn as an emoji by default, or one asked to be (VS16, U+FE0F).
EMOJI_JS = r"""() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {acceptNode:
        node => ["SCRIPT", "STYLE"].includes(node.parentElement.tagName)
                ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
    const found = [];
    while (walker.nextNode()) {
        const text = walker.currentNode.textContent;
        const emoji = text.match(/\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F/gu);
        if (emoji) found.push(`${emoji.join("")} in ${JSON.stringify(text.trim().slice(0, 60))}`);
    }
    return found;
}"""


def said(key, lang, **values):
    """The catalogue's `key` in `lang`, filled in, as the page shows it (no Markdown stars)."""
    return CATALOGUE[key][lang].format(**values).replace("**", "")


def prefix(key, lang):
    """The catalogue entry's text before its first value."""
    return CATALOGUE[key][lang].split("{")[0].replace("**", "")


def where(lang, frame):
    """The walk's position line at `frame` (1 to FRAMES) of an 8-bit problem."""
    if frame <= BITS:
        return said("bs_where_forward", lang, n=frame, total=FRAMES, t=frame - 1)
    if frame == QUESTION:
        return said("bs_where_question", lang, n=frame, total=FRAMES)
    if frame < FRAMES:
        return said("bs_where_backward", lang, n=frame, total=FRAMES, t=FRAMES - 1 - frame)
    return said("bs_where_update", lang, n=frame, total=FRAMES)


def pattern(key, lang, **groups):
    """A regex of the catalogue's `key` in `lang`: its text literal, each value `groups[name]`
    (any text where not given)."""
    parts = re.split(r"\{(\w+)[^}]*\}", CATALOGUE[key][lang])
    return "".join(groups.get(part, ".+?") if i % 2 else re.escape(part)
                   for i, part in enumerate(parts))


def in_link(page, name, value):
    return re.search(rf"[?&]{name}={re.escape(str(value))}(&|$)", page.url)


def metric(page, label):
    """The value of the st.metric labelled `label`."""
    return page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    ).get_by_test_id("stMetricValue")


def in_view(page, locator):
    """Whether `locator` lies whole within the viewport's width once scrolled to."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    return box and box["width"] > 0 and box["x"] >= 0 and \
        box["x"] + box["width"] <= page.viewport_size["width"] + 1


class Visits:
    """The checks of every page a case visits: overflow and axe (their problems per item), emoji
    in its text (for item 8), and the screenshots."""

    def __init__(self, size, lang):
        self.size, self.lang, self.emoji = size, lang, []

    def check(self, page, name, focus=None):
        """Overflow, emoji and axe on `page` as it is now (the viewport is restored after axe,
        which grows it to the page's height); the problems found, as text. The screenshot as
        the screen shows it is taken with `focus` (a locator) scrolled into view."""
        viewport = dict(page.viewport_size)
        shots = SHOTS and self.lang == "zh" and self.size in SHOT_SIZES
        if shots:
            if focus is not None:
                focus.scroll_into_view_if_needed()
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/{name}-{self.size}-{self.lang}.png")
        problems = [f"{name}, overflow: {p}" for p in overflow_problems(page)]
        self.emoji += [f"{name}: {found}" for found in page.evaluate(EMOJI_JS)]
        if page.get_by_test_id("stIconEmoji").count():
            self.emoji.append(f"{name}: an emoji icon (stIconEmoji)")
        problems += [f"{name}, axe: {p}" for p in axe_problems(page)]
        if shots:
            page.screenshot(path=f"{SHOTS}/{name}-{self.size}-{self.lang}-whole.png")
        page.set_viewport_size(viewport)
        return problems


def moment_link(page, app_url, lang, visits):
    """Item 1: links to a moment of the walk and to a calculator problem."""
    page.goto(f"{app_url}/backprop?lang={lang}&a=200&b=57&step=10")
    settle(page, 1)
    expect(page.get_by_text(where(lang, 10), exact=True)).to_be_visible()
    expect(page.get_by_text(prefix("bp_problem", lang).strip() + " 200 − 57 = 143")).to_be_visible()
    page.locator(".st-key-bs_next button").click()
    expect(page).to_have_url(re.compile(r"[?&]step=11(&|$)"))
    wait_for_script(page)
    expect(page.get_by_text(where(lang, 11), exact=True)).to_be_visible()
    page.get_by_role("button", name=said("bs_link", lang)).click()
    code = page.get_by_test_id("stCode")
    expect(code).to_contain_text("/backprop?")
    expect(page.get_by_text(said("bs_link_text", lang))).to_be_visible()
    shown, address = urlsplit(code.inner_text().strip()), urlsplit(page.url)
    assert shown[:3] == address[:3] and shown.query.split("&") == address.query.split("&"), \
        (shown, address)
    problems = overflow_problems(page)  # the popover open
    page.keyboard.press("Escape")
    page.reload()
    settle(page, 1)
    position = page.get_by_text(where(lang, 11), exact=True)
    expect(position).to_be_visible()
    assert in_link(page, "a", 200) and in_link(page, "b", 57) and in_link(page, "lang", lang)
    problems += visits.check(page, "moment", position)

    page.goto(f"{app_url}/calculator?a=150&b=20&lang={lang}")
    settle(page, 1)
    answer = metric(page, said("calc_true_answer", lang))
    expect(answer).to_have_text("130")
    page.reload()
    settle(page, 1)
    expect(answer).to_have_text("130")
    for name, value in (("a", 150), ("b", 20)):
        expect(page.locator(f".st-key-calc_{name}_8").get_by_test_id("stNumberInputField")) \
            .to_have_value(str(value))
        assert in_link(page, name, value), page.url
    assert in_link(page, "lang", lang), page.url
    return problems + visits.check(page, "calculator-link", answer)


def at_question(page, app_url, lang, code):
    """The class's link at the question, for 9 − 23 (a < b: the walk wraps around)."""
    page.goto(f"{app_url}/backprop?lang={lang}&a=9&b=23&step={QUESTION}&class={code}")
    settle(page, 1)
    expect(page.get_by_text(where(lang, QUESTION), exact=True)).to_be_visible()
    return page


def class_guesses(teacher, student, app_url, lang, code, visits):
    """Item 3: a student's guess on the teacher's chart, once the teacher shows it."""
    at_question(student, app_url, lang, code)
    student.get_by_test_id("stRadio").get_by_text(said("bs_choice", lang, t=3), exact=True).click()
    expect(student.get_by_text(said("class_counted", lang, code=code))).to_be_visible()
    expect(student.get_by_test_id("stAlert").filter(has_text=said("bs_choice", lang, t=3))) \
        .to_be_visible()  # the verdict: the guess was taken
    problems = visits.check(student, "student",
                            student.get_by_test_id("stMain").get_by_test_id("stRadio"))
    teacher.get_by_text(said("class_show", lang), exact=True).click()
    expect(teacher.get_by_text(said("class_most", lang, total=1, t=3, count=1))).to_be_visible()
    chart = teacher.get_by_test_id("stVegaLiteChart").filter(has_text=code)  # its title, wrapped
    expect(chart).to_be_visible()
    labels = chart.locator("g[class*='role-axis-label'] text").evaluate_all(
        "texts => texts.filter(t => getComputedStyle(t).opacity !== '0'"
        " && t.getAttribute('opacity') !== '0').map(t => t.textContent)")
    assert len(labels) == BITS + 2, labels  # every bit's label (and the counts' 0 and 1)
    return problems


def worksheet(page, lang, tmp_path):
    """Item 4: the worksheet button, whole on screen, gives the problem and its answer key."""
    button = page.locator(".st-key-bs_worksheet button")
    expect(button).to_be_visible()
    expect(button).to_contain_text(said("ws_download", lang))
    assert in_view(page, button), button.bounding_box()
    with page.expect_download() as download:
        button.click()
    path = tmp_path / f"worksheet-{lang}.html"
    download.value.save_as(path)
    sheet = path.read_text(encoding="utf-8")
    assert f'<html lang="{LOCALES[lang] if lang == "zh" else "en"}">' in sheet
    assert f"<h1>{said('ws_title', lang, a=9, b=23)}</h1>" in sheet
    task, key = sheet.split('<section class="key">')
    assert f"<h1>{said('ws_key_header', lang, a=9, b=23)}</h1>" in key
    for name, value in (("a", 9), ("b", 23)):  # the problem's bits, the highest first
        row = f"<tr><th>{name}</th>" + "".join(f"<td>{bit}</td>" for bit in f"{value:08b}")
        assert row in task and row in key, (name, row)
    true_bits = f"{(9 - 23) % 256:08b}"  # the key fills in the true bits; the task leaves blanks
    assert "".join(f"<td>{bit}</td>" for bit in true_bits) in key
    assert 'class="blank"' in task and 'class="blank"' not in key


def words(page, lang):
    """Item 6: the wrap-around note of 9 − 23, the glossary opened and its words, the legend,
    the memory key under the question (the last bit's memory) whole on screen."""
    expect(page.get_by_test_id("stAlert").filter(has_text=said(
        "bp_wrapped", lang, a=9, b=23, negative=9 - 23, bits=BITS, wrapped=(9 - 23) % 256,
        power=256))).to_be_visible()
    page.get_by_text(said("bs_words", lang), exact=True).click()
    glossary = page.get_by_test_id("stExpander").filter(has_text=said("bs_words", lang))
    for line in said("bs_words_text", lang).splitlines():
        expect(glossary.get_by_text(line.removeprefix("- "), exact=True)).to_be_visible()
    expect(page.get_by_text(said("bs_legend_forward", lang), exact=True)).to_be_visible()
    key = page.locator("svg[data-key='memory']")  # at the question: the last bit's memory
    expect(key).to_be_visible()
    assert in_view(page, key), key.bounding_box()
    expect(page.get_by_text(said("bs_key", lang, t=BITS - 1), exact=True)).to_be_visible()


def memory_key(page, app_url, lang, visits):
    """Item 6: in the update frame, the neurons its sentence names are the ones outlined in the
    memory key (square k at column k % 4, row k // 4), and the key lies whole on screen."""
    page.goto(f"{app_url}/backprop?lang={lang}&a=200&b=57&step={FRAMES}")
    settle(page, 1)
    expect(page.get_by_text(where(lang, FRAMES), exact=True)).to_be_visible()
    number = r"(\d+)"
    sentence = pattern("bs_update_text", lang, first=pattern("bs_move_0", lang, unit=number),
                       second=pattern("bs_move_h", lang, source=number, unit=number),
                       third=pattern("bs_move_1", lang, source=number))
    texts = page.get_by_test_id("stAlert").all_inner_texts()
    found = [m for m in (re.search(sentence, " ".join(t.split())) for t in texts) if m]
    assert found, texts
    named = sorted({int(n) for n in found[0].groups()})
    key = page.locator("svg[data-key='memory']")
    expect(key).to_be_visible()
    assert in_view(page, key), key.bounding_box()
    expect(page.get_by_text(said("bs_key_named", lang, t=BITS - 1), exact=True)).to_be_visible()
    outlines = re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" width="30.0" height="30.0" '
                          r'fill="none" stroke="#263238"', key.evaluate("svg => svg.outerHTML"))
    outlined = sorted(round((float(y) - 2) / 30) * 4 + round((float(x) - 2) / 30)
                      for x, y in outlines)
    assert outlined == named, (outlined, named)
    return visits.check(page, "memory-key", key)


def advice(page, app_url, lang, visits):
    """Item 5: a run too short to learn gets advice; one click on it gives a run at 100 %."""
    page.goto(f"{app_url}/?{SHORT}&lang={lang}")
    settle(page, 2)
    happened = CATALOGUE["advice_short_run"][lang].split("**")[1]  # "What probably happened:"
    expect(page.get_by_text(happened).first).to_be_visible(timeout=300_000)  # the first trains
    offer = page.locator(".st-key-advice_0 button")
    expect(offer).to_contain_text(prefix("advice_try", lang).strip(), timeout=300_000)
    assert in_view(page, offer), offer.bounding_box()
    problems = visits.check(page, "advice")
    offer.click()
    expect(page.locator(".st-key-advice_0")).to_have_count(0)
    settle(page, 2)
    expect(metric(page, said("metric_accuracy", lang))).to_have_text(f"{1:.2%}")
    assert not in_link(page, "iterations", 100), page.url
    return problems + overflow_problems(page)


def stable(page, app_url, lang, visits):
    """Item 7: 300 typed into the 8-bit a box is said in the page's language and nothing
    disagrees with the box; a fitting number answers again; one settings change is one entry in
    the browser's history."""
    page.goto(f"{app_url}/calculator?{SHORT}&lang={lang}")
    settle(page, 1)
    field = page.locator(".st-key-calc_a_8").get_by_test_id("stNumberInputField")
    field.fill("300")
    field.press("Enter")
    wait_for_script(page)
    expect(page.get_by_test_id("stAlert").filter(has_text=said(
        "calc_out_of_range", lang, value=300, top=255, width=BITS))).to_be_visible()
    expect(field).to_have_value("300")
    expect(page.get_by_test_id("stMetric")).to_have_count(0)  # no answer for another a
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(0)  # nor its bits
    problems = visits.check(page, "out-of-range", field)
    field.fill("100")
    field.press("Enter")
    wait_for_script(page)
    expect(metric(page, said("calc_true_answer", lang))).to_have_text(f"{100 - 57}")  # b: 57
    grid = page.get_by_test_id("stVegaLiteChart").filter(has_text=said("row_a", lang, value=100))
    expect(grid).to_be_visible()
    cells = grid.locator("g[class*='role-mark'] text").all_text_contents()
    assert "".join(cells[:BITS]) == f"{100:08b}", cells  # the row of a, the highest bit first
    expect(page.get_by_test_id("stAlert").filter(has_text="300")).to_have_count(0)
    assert in_link(page, "a", 100), page.url
    if page.get_by_test_id("stSidebar").get_attribute("data-collapsed") == "true":
        page.get_by_test_id("stExpandSidebarButton").click()
    start = page.evaluate("history.length")
    seed = page.locator(".st-key-seed input[type='range']")
    seed.focus()
    seed.press("ArrowRight")
    expect(page).to_have_url(re.compile(r"[?&]seed=1(&|$)"))
    wait_for_script(page)
    assert page.evaluate("history.length") == start + 1
    return problems


@pytest.mark.parametrize("lang", LOCALES)
@pytest.mark.parametrize("size", SIZES)
def test_a_lesson_at_every_size(new_page, app_url, subtests, tmp_path, size, lang):
    """Items 1 and 3 to 8 of #21 at one size in one language."""
    width, height = SIZES[size]
    visits = Visits(size, lang)

    def opened():
        return new_page(viewport={"width": width, "height": height}, locale=LOCALES[lang])

    def item(name, run):
        with subtests.test(name):
            problems = run() or []
            assert problems == [], f"{size}-{lang}, {name}:\n" + "\n".join(problems)

    item("1 links to a moment", lambda: moment_link(opened(), app_url, lang, visits))
    teacher = opened()
    code = f"lesson-{size}-{lang}-{uuid.uuid4().hex[:4]}"
    item("6 sentences and words", lambda: words(at_question(teacher, app_url, lang, code), lang))
    item("6 memory key", lambda: memory_key(opened(), app_url, lang, visits))
    item("4 worksheet", lambda: worksheet(teacher, lang, tmp_path))
    item("3 class guesses", lambda: class_guesses(teacher, opened(), app_url, lang, code, visits)
         + visits.check(teacher, "teacher",
                        teacher.get_by_test_id("stVegaLiteChart").filter(has_text=code)))
    item("5 advice", lambda: advice(opened(), app_url, lang, visits))
    item("7 stable pages", lambda: stable(opened(), app_url, lang, visits))
    item("8 icons", lambda: visits.emoji)
