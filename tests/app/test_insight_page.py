import numpy as np
import pytest

from rnn.analysis import borrow_correlation
from tests.app.charts import chart_rows, chart_titled as chart


@pytest.fixture
def page(open_page):
    return lambda query=None: open_page("app_pages/insight.py", query)


def test_book_model_is_right_everywhere(page):
    """The book's model: no wrong pair on the map; 100 % from 8 to 256 bits."""
    at = page()
    assert at.metric[0].value == "0 / 32,896"
    spans = chart_rows(chart(at, "Every 8-bit problem: a (down) − b (across)"))
    assert {s["state"] for s in spans} == {"right", "a < b (not trained on)"}
    assert len(spans) < 600  # run-length encoded, not 65,536 cells
    lengths = chart_rows(chart(at, "Trained on 8 bits, tested on longer random numbers"),
                         layer=0)
    assert [row["value"] for row in lengths] == [1.0] * 6


def test_borrow_neuron_is_the_core_s(page):
    """The highlighted unit is the one most correlated with the borrow, as rnn.analysis says."""
    at = page()
    rows = chart_rows(chart(at, "Each hidden unit's correlation with the true borrow"), layer=0)
    shown = np.array([row["value"] for row in rows])
    np.testing.assert_allclose(shown, borrow_correlation(at.session_state["model"].params, 8))
    assert [row["current"] for row in rows].index(True) == int(np.abs(shown).argmax())


def test_the_borrow_verdict_follows_the_correlation(page):
    """The sentence under the neuron charts says "almost a borrow flag" only when the best unit's
    |r| >= 0.9; the 12-bit net of 5,000 iterations has r = -0.73: "only in part"."""
    book = " ".join(m.value for m in page().markdown)
    assert "correlates 0.98 with the true borrow: it is almost a borrow flag." in book
    wide = page({"bits": "12", "iterations": "5000"})
    r = borrow_correlation(wide.session_state["model"].params, 12)
    best = float(r[np.abs(r).argmax()])
    assert 0.5 <= abs(best) < 0.9
    text = " ".join(m.value for m in wide.markdown)
    assert f"correlates {best:.2f} with the true borrow: it follows the borrow only in part" in text
    assert "almost a borrow flag" not in text


def test_undertrained_model_shows_wrong_pairs(page):
    """A short run leaves wrong problems: they are counted and the hardest listed."""
    at = page({"iterations": "1500"})
    wrong, total = at.metric[0].value.split(" / ")
    assert int(wrong.replace(",", "")) > 0 and total == "32,896"
    assert len(at.dataframe[0].value) == 10


def test_wide_model_uses_a_sample(page):
    """Above 8 bits the map is a sample of random problems."""
    at = page({"bits": "12", "iterations": "3000"})
    assert at.metric[0].label == "Wrong among the random problems"


def test_seed_sweep_runs_and_is_kept(page, app):
    """The seed sweep trains 32 nets, reports the share at 100 %, and is kept for the next visitor."""
    at = page({"iterations": "4000"})
    at.button(key="sweep_seeds").click().run()
    assert not at.exception
    assert "sweep_seeds" not in [b.key for b in at.button]  # done: the page redrew without it
    metrics = {m.label: m.value for m in at.metric}
    share = metrics["Nets that got everything right"]
    assert share.endswith("/ 32")
    again = page({"iterations": "4000"})
    assert {m.label: m.value for m in again.metric}["Nets that got everything right"] == share


def test_chinese_insight(page):
    """The page speaks Chinese."""
    at = page({"lang": "zh"})
    assert at.title[0].value == "它真的学会借位了吗?"
