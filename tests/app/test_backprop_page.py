import numpy as np
import pytest

from rnn.replay import replay
from tests.app.charts import chart_rows, chart_spec, chart_titled as chart


@pytest.fixture
def page(open_page):
    return lambda query=None: open_page("app_pages/backprop.py", query)


def test_default_problem_has_a_long_borrow_chain(page):
    """128 − 1 by default: the true-borrow row shows a borrow at every step but the last."""
    at = page()
    rows = chart_rows(chart(at, "Inputs, borrow and output per step"), layer=0)
    borrow = [r["value"] for r in sorted(rows, key=lambda r: r["c"]) if r["row"] == "true borrow"]
    assert borrow == [1, 1, 1, 1, 1, 1, 1, 0]
    assert "Passed" in at.success[0].value


def test_values_come_from_the_core(page):
    """The hidden-delta heatmap holds exactly the core's layer_1_delta for this problem."""
    at = page()
    model = at.session_state["model"]
    expected = replay(model.params, 128, 1, 8, 0.9).back.hidden_delta
    rows = chart_rows(chart(at, "Hidden delta layer_1_delta (one column per step)"), layer=0)
    shown = np.zeros_like(expected)
    for r in rows:
        shown[r["c"], r["r"]] = r["value"]
    np.testing.assert_allclose(shown, expected, rtol=1e-12)


def test_steppers_move_the_highlight(page):
    """Moving the forward and backward steppers moves the outlined column and the text."""
    at = page()
    at.select_slider(key="bp_step_forward").set_value(3).run()
    at.select_slider(key="bp_step_backward").set_value(2).run()
    assert not at.exception
    assert at.info[0].value.startswith("Step 3: reads a=0, b=0")
    frame = chart_rows(chart(at, "Hidden delta layer_1_delta (one column per step)"), layer=1)
    assert frame == [{"column": "2", "c": 2}]
    assert chart_spec(chart(at, "Step 2: two parts added"))


def test_snapshot_at_the_start(page):
    """At iteration 0 the net knows nothing: its error is large and the check still passes."""
    at = page()
    slider = next(s for s in at.select_slider if s.key.startswith("bp_snapshot"))
    slider.set_value(0).run()
    assert not at.exception
    before = float(at.metric[0].value)
    assert before > 3.0 and "Passed" in at.success[0].value


def test_another_problem_and_the_random_button(page):
    """Typing another problem or drawing a random one redraws the page without error."""
    at = page()
    at.number_input(key="bp_a_8").set_value(200).run()
    at.number_input(key="bp_b_8").set_value(57).run()
    assert not at.exception
    assert at.caption[0].value.startswith("Problem 200 − 57 = 143")
    at.button(key="bp_random").click().run()
    assert not at.exception


def test_chinese_backprop(page):
    """The page speaks Chinese."""
    at = page({"lang": "zh"})
    assert at.title[0].value == "观察反向传播"
    assert at.success[0].value.startswith("通过")
