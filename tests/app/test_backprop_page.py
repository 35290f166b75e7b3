"""The backprop page, its numbers checked against the book's equations written out in
tests/reference.py (not rnn.model, which the page uses)."""
import numpy as np
import pytest

from rnn import TrainConfig
from tests.app.charts import chart_rows, chart_titled as chart
from tests.reference import overall_error, replayed
from ui.models import model_store


@pytest.fixture
def page(open_page):
    return lambda query=None: open_page("backprop", query)


def book_params():
    return model_store().peek(TrainConfig()).params


def grid(rows, shape):
    """A heatmap's cells back into a (columns, rows) array: column c, row r."""
    values = np.full(shape, np.nan)
    for row in rows:
        values[row["c"], row["r"]] = row["value"]
    return values


def test_default_problem_has_a_long_borrow_chain(page):
    """128 − 1 by default: the true-borrow row shows a borrow at every step but the last (by
    hand: 0 − 1 borrows at bits 0 to 6, and bit 7 pays it back)."""
    at = page()
    rows = chart_rows(chart(at, "Inputs, borrow and output per step"), layer=0)
    borrow = [r["value"] for r in sorted(rows, key=lambda r: r["c"]) if r["row"] == "true borrow"]
    assert borrow == [1, 1, 1, 1, 1, 1, 1, 0]
    assert "Passed" in at.success[0].value


def test_hidden_deltas_are_the_books_equations(page):
    """The hidden-delta heatmap holds layer_1_delta for 128 − 1 as the book's equations give it,
    computed here in plain Python from the same weights."""
    at = page()
    _, back = replayed(book_params(), 128, 1, 8)
    rows = chart_rows(chart(at, "Hidden delta layer_1_delta (one column per step)"), layer=0)
    np.testing.assert_allclose(grid(rows, (8, 16)), np.array(back["hidden_delta"]),
                               rtol=1e-9, atol=1e-15)


def test_steppers_move_the_highlight_and_the_parts(page):
    """Moving the steppers moves the outlined column and the text; the parts of step 2's hidden
    delta are the next delta sent back through synapse_h and the output delta through synapse_1,
    as written out here."""
    at = page()
    at.select_slider(key="bp_step_forward").set_value(3).run()
    at.select_slider(key="bp_step_backward").set_value(2).run()
    assert not at.exception
    assert at.info[0].value.startswith("Step 3: reads a=0, b=0")
    frame = chart_rows(chart(at, "Hidden delta layer_1_delta (one column per step)"), layer=1)
    assert frame == [{"column": "2", "c": 2}]
    params = book_params()
    run, back = replayed(params, 128, 1, 8)
    sh, s1 = params.synapse_h.tolist(), params.synapse_1.tolist()
    future = [sum(back["hidden_delta"][3][j] * sh[i][j] for j in range(16)) for i in range(16)]
    from_output = [back["output_delta"][2] * s1[i][0] for i in range(16)]
    parts = chart_rows(chart(at, "Step 2: two parts added"), layer=0)
    shown = {(p["row"], p["c"]): p["value"] for p in parts}
    for i in range(16):
        assert shown["next delta · synapse_hᵀ", i] == pytest.approx(future[i], abs=1e-15)
        assert shown["layer_2_delta · synapse_1ᵀ", i] == pytest.approx(from_output[i], abs=1e-15)
        assert shown["their sum", i] == pytest.approx(future[i] + from_output[i], abs=1e-15)


def test_snapshot_at_the_start(page):
    """At iteration 0 the net is its random start: the error shown is the book's overallError of
    the start weights for 128 − 1, and the gradient check still passes."""
    at = page()
    slider = next(s for s in at.select_slider if s.key.startswith("bp_snapshot"))
    slider.set_value(0).run()
    assert not at.exception
    start = model_store().peek(TrainConfig()).result.snapshots[0]
    run, _ = replayed(start, 128, 1, 8)
    assert float(at.metric[0].value) == pytest.approx(overall_error(run), abs=5e-5)
    assert "Passed" in at.success[0].value


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
