"""The class's guesses on the backprop page (ui/classroom.py): a class code in the link, each
answer to the question counted once per session on the class's board, the board drawn when
asked for, and a bad code noticed in the page's language and ignored."""
import uuid

import pytest

from compute.scheduler import Visitor
from tests.app.charts import chart_rows
from tests.app.charts import chart_titled as chart
from tests.app.test_backprop_page import go_to_question
from ui import classroom
from ui.computing import service


@pytest.fixture
def page(open_page, monkeypatch):
    """The backprop page; its visitors have no browser cookie (AppTest's is a stand-in), so each
    session votes as itself."""
    monkeypatch.setattr(classroom.computing, "visitor", lambda: Visitor("address:local", "local"))
    return lambda query=None: open_page("backprop", query)


def code():
    """A class of the test's own (the process's board is shared by the tests)."""
    return f"t-{uuid.uuid4().hex[:8]}"


def answer(at, bit):
    at.radio(key=next(w.key for w in at.radio if w.key.startswith("bs_answer"))).set_value(
        bit).run()
    assert not at.exception


def counts(at, class_code):
    """The board's counts as the chart shows them: {label: count}."""
    drawn = chart(at, f"The guesses of class {class_code}")
    return {row["label"]: row["count"] for row in chart_rows(drawn)}


def test_answers_are_counted_and_a_changed_answer_moves_the_vote(page):
    """Two sessions on one class: the board counts one vote each; one changes its answer and
    its vote moves; the sentence under the chart says the counts."""
    class_code = code()
    first, second = (go_to_question(page({"class": class_code.upper()})) for _ in range(2))
    answer(first, 3)
    answer(second, 3)
    first.toggle(key=next(w.key for w in first.toggle if w.key.startswith("class_show"))) \
        .set_value(True).run()
    shown = counts(first, class_code)
    assert shown["3"] == 2 and sum(shown.values()) == 2
    assert any(c.value == "Guesses so far: 2. Chosen most: bit 3 (2 of them)."
               for c in first.caption)
    answer(second, 5)
    first.run()
    shown = counts(first, class_code)
    assert (shown["3"], shown["5"], sum(shown.values())) == (1, 1, 2)
    assert first.query_params["class"] == class_code


def test_without_a_class_nothing_is_counted_or_offered(page):
    at = go_to_question(page())
    answer(at, 2)
    assert not [w for w in at.toggle if w.key.startswith("class_show")]


@pytest.mark.parametrize("bad", ["no spaces", "-x", "x" * 25, "a_b"],
                         ids=["space", "dash first", "too long", "underscore"])
def test_a_bad_class_code_is_noticed_and_ignored(page, bad):
    """The notice in the page's language; the code leaves the link and counts nothing."""
    at = page({"class": bad, "lang": "zh"})
    assert at.warning[0].value.startswith("链接里的 class=")
    assert "class" not in at.query_params
    at = go_to_question(page({"class": bad}))
    assert at.warning[0].value.startswith("The link's class=")
    answer(at, 1)
    assert not [w for w in at.toggle if w.key.startswith("class_show")]


def test_a_full_class_says_so(page, monkeypatch):
    class_code = code()
    monkeypatch.setattr(service().votes, "max_votes", 0)
    at = go_to_question(page({"class": class_code}))
    answer(at, 4)
    assert any(c.value.startswith(f"Class {class_code}: the class's board is full")
               for c in at.caption)
