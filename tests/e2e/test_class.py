"""A lesson in real browsers: students' guesses on the teacher's chart (one server, and two
replicas sharing Redis, with the fixtures of test_replicas), and the printable worksheet opened,
shown and printed by Chromium."""
import re
import uuid
from pathlib import Path

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail, under REQUIRE_BROWSER=1) and say why
    expect = None

from tests.e2e.test_backprop_view import next_to, open_view
from tests.e2e.test_every_visitor import axe_problems
from tests.e2e.test_replicas import redis_server, replicas  # noqa: F401 - fixtures

QUESTION = 9  # the frame of the question (8 bits)


def at_question(page, url, class_code):
    open_view(page, url, f"lang=en&class={class_code}")
    next_to(page, QUESTION)
    return page


def guess(page, url, class_code, bit):
    """A student opens the class's link and answers the question with `bit`."""
    at_question(page, url, class_code)
    page.get_by_test_id("stRadio").get_by_text(f"bit {bit}", exact=True).click()
    expect(page.get_by_text(f"Class {class_code}: guesses are counted")).to_be_visible()
    expect(page.get_by_test_id("stAlert")).to_be_visible()  # the verdict: the vote was taken


def teacher_sees(page, url, class_code, sentence):
    """The teacher, on the class's link at the question, shows the guesses: the chart is drawn
    and its sentence says `sentence` (looked at again every few seconds)."""
    at_question(page, url, class_code)
    page.get_by_text("Show the class's guesses").click()
    expect(page.get_by_text(sentence)).to_be_visible()
    assert page.locator("[data-testid='stVegaLiteChart']").count() >= 1
    assert page.locator("[data-testid='stException']").count() == 0


def test_two_students_guesses_appear_on_the_teachers_chart(new_page, app_url, tmp_path):
    """Two students (sessions of their own) answer bit 3 and bit 5; the teacher's chart, opened
    before, shows one guess each, counted after it was opened; axe finds nothing serious on the
    teacher's view (screenshot in tmp_path)."""
    class_code = f"e2e-{uuid.uuid4().hex[:6]}"
    teacher = new_page()
    teacher_sees(teacher, app_url, class_code, "No guesses yet.")
    guess(new_page(), app_url, class_code, 3)
    guess(new_page(), app_url, class_code, 5)
    expect(teacher.get_by_text("Guesses so far: 2. 2 bits share the most, 1 each.")) \
        .to_be_visible()
    teacher.screenshot(path=tmp_path / "teacher.png", full_page=True)
    assert axe_problems(teacher) == []


def test_guesses_on_two_replicas_meet_on_one_chart(new_page, replicas):  # noqa: F811
    """A student on each replica; the teacher on one of them sees both guesses."""
    class_code = f"e2e-{uuid.uuid4().hex[:6]}"
    guess(new_page(), replicas[0].url, class_code, 6)
    guess(new_page(), replicas[1].url, class_code, 6)
    teacher_sees(new_page(), replicas[1].url, class_code,
                 "Guesses so far: 2. Chosen most: bit 6 (2 of them).")


def test_the_worksheet_opens_shows_and_prints(new_page, app_url, tmp_path):
    """The downloaded worksheet, opened in Chromium in each language: its title and tables show,
    the answer key starts a page of its own in print, and it prints to a PDF of two pages or
    more (screenshots and PDFs kept in tmp_path)."""
    for lang, title in (("en", "Worksheet: back-propagation on 128 − 1"),
                        ("zh", "练习单:128 − 1 的反向传播")):
        page = new_page(locale="zh-CN" if lang == "zh" else "en-US")
        open_view(page, app_url, f"lang={lang}")
        with page.expect_download() as download:
            page.locator(".st-key-bs_worksheet button").click()
        path = tmp_path / f"worksheet-{lang}.html"
        download.value.save_as(path)
        sheet = new_page()
        sheet.goto(path.as_uri())
        expect(sheet.locator("h1").first).to_have_text(title)
        assert sheet.locator("section:not(.key) td.blank").count() == 8 * (3 + 16 + 3)
        sheet.screenshot(path=tmp_path / f"worksheet-{lang}.png", full_page=True)
        sheet.emulate_media(media="print")
        assert sheet.evaluate(
            "getComputedStyle(document.querySelector('.key')).breakBefore") == "page"
        pdf = sheet.pdf(path=tmp_path / f"worksheet-{lang}.pdf", format="A4")
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert pages >= 2, pages
        assert Path(tmp_path / f"worksheet-{lang}.pdf").stat().st_size > 0
