import pytest

from tests.app.conftest import switch_to
from ui.settings import NUMBERS


def sidebar_values(at):
    return {key: at.sidebar.slider(key=key).value for key in NUMBERS} | {
        "sampling": at.sidebar.radio(key="sampling").value,
        "lang": at.sidebar.radio(key="lang").value}


def test_defaults_are_the_books(app):
    """With no link parameters the sidebar holds the book's settings, in English by default."""
    at = app().run()
    assert not at.exception
    assert sidebar_values(at) == {"alpha": 0.9, "hidden": 16, "iterations": 10_000, "seed": 0,
                                  "bits": 8, "sampling": "book", "lang": "en"}


def test_link_parameters_fill_the_sidebar(app):
    """A copied link opens the same run: every bound parameter lands in its widget."""
    at = app({"alpha": "0.5", "hidden": "12", "iterations": "2000", "seed": "3", "bits": "6",
              "sampling": "fixed", "lang": "zh"}).run()
    assert not at.exception and not at.warning
    assert sidebar_values(at) == {"alpha": 0.5, "hidden": 12, "iterations": 2000, "seed": 3,
                                  "bits": 6, "sampling": "fixed", "lang": "zh"}
    assert at.title[0].value == "RNN 学习退位减法"


@pytest.mark.parametrize("query, name, expected", [
    ({"hidden": "abc"}, "hidden", 16),
    ({"hidden": "100"}, "hidden", 16),
    ({"alpha": "nan"}, "alpha", 0.9),
    ({"alpha": "inf"}, "alpha", 0.9),
    ({"iterations": "99999999999999999999"}, "iterations", 10_000),
    ({"seed": "-1"}, "seed", 0),
    ({"bits": ""}, "bits", 8),
    ({"hidden": ["8", "9"]}, "hidden", 16),
    ({"hidden": ["8", ""]}, "hidden", 16),
    ({"hidden": "8.9"}, "hidden", 16),
    ({"seed": "5.5"}, "seed", 0),
    ({"iterations": "99999.9"}, "iterations", 10_000),
    ({"iterations": "150"}, "iterations", 10_000),
    ({"alpha": "0.505"}, "alpha", 0.9),
    ({"hidden": "9" * 5000}, "hidden", 16),
], ids=["text", "too-big", "nan", "inf", "huge", "negative", "empty", "repeated",
        "repeated-empty", "fraction", "fractional-seed", "fractional-iterations", "off-step",
        "off-step-alpha", "5000-digits"])
def test_bad_link_values_fall_back_with_a_notice(app, query, name, expected):
    """A link value that names no allowed setting is refused: the sidebar shows the default, the
    link loses the parameter, the run uses the default, and one notice says so."""
    at = app(query).run()
    assert not at.exception
    assert at.sidebar.slider(key=name).value == expected
    assert name not in at.query_params
    assert len(at.warning) == 1 and f" {name}=" in at.warning[0].value or \
        f" {name} more than once" in at.warning[0].value


@pytest.mark.parametrize("query, name, expected, link", [
    ({"hidden": "8.0"}, "hidden", 8, "8"),
    ({"iterations": "1e3"}, "iterations", 1_000, "1000"),
    ({"iterations": "1e5"}, "iterations", 100_000, "100000"),
    ({"alpha": "0.50"}, "alpha", 0.5, "0.5"),
    ({"seed": " 7"}, "seed", 7, "7"),
], ids=["8.0", "1e3", "1e5", "0.50", "space"])
def test_other_spellings_of_an_allowed_value_are_used(app, query, name, expected, link):
    """A value written another way but naming exactly an allowed setting is used, without a
    notice, and the link is rewritten to its plain form."""
    at = app(query).run()
    assert not at.exception and not at.warning
    assert at.sidebar.slider(key=name).value == expected
    assert at.query_params[name] == link


def test_a_default_value_leaves_the_link(app):
    """A link that names a default (hidden=16) is rewritten without it."""
    at = app({"hidden": "16", "seed": "3"}).run()
    assert "hidden" not in at.query_params and at.query_params["seed"] == "3"


def test_bad_choice_and_language_notice(app):
    """An unknown sampling gets a notice in the user's language; the notice can be dismissed."""
    at = app({"sampling": "odd", "lang": "zh"}).run()
    assert at.sidebar.radio(key="sampling").value == "book"
    assert at.warning[0].value.startswith("链接里的 sampling=` odd ` 无效")
    at.button(key="dismiss_notices").click().run()
    assert not at.warning and not at.exception


@pytest.mark.parametrize("locale, lang", [("zh-CN", "zh"), ("zh-TW", "zh"), ("de-DE", "en")])
def test_language_follows_the_browser(app, locale, lang):
    """Without ?lang= the language is the browser's when we have it, else English."""
    at = app(locale=locale).run()
    assert at.sidebar.radio(key="lang").value == lang


def test_a_chosen_language_stays_in_the_link(app):
    """A link's language stays in the link even where it is the browser's own (a teacher's
    ?lang=zh opened in a Chinese browser, then shared on to an English phone); a language picked
    in the sidebar stays too, even when it is picked back to the browser's; a visitor who never
    chose gets no lang in the link (it follows their browser)."""
    at = app({"lang": "zh"}, locale="zh-CN").run()
    assert at.query_params["lang"] == "zh" and at.title[0].value == "RNN 学习退位减法"
    at = app(locale="zh-CN").run()
    assert "lang" not in at.query_params
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.query_params["lang"] == "en"
    at.sidebar.radio(key="lang").set_value("zh").run()
    assert at.query_params["lang"] == "zh"


def test_switching_language_keeps_the_settings(app):
    """Changing the language keeps every other setting."""
    at = app({"hidden": "12"}).run()
    at.sidebar.slider(key="seed").set_value(5).run()
    at.sidebar.radio(key="lang").set_value("zh").run()
    assert not at.exception
    values = sidebar_values(at)
    assert values["hidden"] == 12 and values["seed"] == 5 and values["lang"] == "zh"
    assert at.title[0].value == "RNN 学习退位减法"


def test_settings_survive_a_page_switch(app):
    """The sidebar is shared: a setting made on one page is there on the other."""
    at = app().run()
    at.sidebar.slider(key="hidden").set_value(10).run()
    switch_to(at, "calculator").run()
    assert at.sidebar.slider(key="hidden").value == 10 and not at.exception


def test_reset_goes_back_to_the_book(app):
    """The reset button brings back the book's settings."""
    at = app({"hidden": "5", "alpha": "2"}).run()
    at.sidebar.button[0].click().run()
    assert sidebar_values(at)["hidden"] == 16 and sidebar_values(at)["alpha"] == 0.9


def test_unknown_language_in_a_link(app):
    """?lang=xx is refused with a notice listing the languages; the browser's language is used."""
    at = app({"lang": "xx"}).run()
    assert at.sidebar.radio(key="lang").value == "en"
    assert at.warning[0].value.startswith(
        "The link's lang=` xx ` is not valid (choose from ` zh, en `)")
    assert "lang" not in at.query_params


def test_sliders_take_their_bounds_from_the_one_table(app):
    """Every slider's range and step are those of ui.settings.NUMBERS, the one place they are
    written."""
    at = app().run()
    for name, field in NUMBERS.items():
        slider = at.sidebar.slider(key=name)
        assert (slider.min, slider.max, slider.step) == (field.low, field.high, field.step), name


ATTACKS = {
    "link": "[Log in here](http://127.0.0.1:9/p)",
    "image": "![i](http://127.0.0.1:9/i.png)",
    "colour": ":red-background[alarm]",
    "maths": "$x^2$",
    "html": "<b>bold</b>",
    "backticks": "`` ` ``",
    "newlines": "a\n\n# heading",
    "autolink": "http://127.0.0.1:9/x",
}


def code_spans(markdown):
    """The inline code spans of a Markdown line, as CommonMark reads them: a run of n backticks
    opens one, the next run of exactly n closes it; one space is stripped at each end."""
    spans, outside, at = [], [], 0
    while True:
        start = markdown.find("`", at)
        if start < 0:
            outside.append(markdown[at:])
            return spans, "".join(outside)
        run = len(markdown[start:]) - len(markdown[start:].lstrip("`"))
        outside.append(markdown[at:start])
        end = start + run
        while True:
            close = markdown.find("`" * run, end)
            assert close >= 0, f"unclosed code span in {markdown!r}"
            after = len(markdown[close:]) - len(markdown[close:].lstrip("`"))
            if after == run:
                break
            end = close + after
        inner = markdown[start + run:close]
        spans.append(inner[1:-1] if inner.startswith(" ") and inner.endswith(" ") else inner)
        at = close + run


@pytest.mark.parametrize("name", ["hidden", "sampling", "lang"])
@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_link_text_is_shown_as_plain_text(app, name, attack):
    """Whatever a link holds, the notice shows it inside an inline code span (which Markdown
    leaves as it is: no link, image, colour, maths, HTML or heading), on one line; nothing of it
    stands outside the span."""
    at = app({name: attack}).run()
    assert not at.exception
    notice = at.warning[0].value
    spans, outside = code_spans(notice)
    assert " ".join(attack.split()) in spans
    assert "\n" not in notice and "http" not in outside and "$" not in outside
