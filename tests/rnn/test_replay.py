"""The backprop page's numbers (rnn.replay) against computations that share no code with rnn.model:
the book's equations written out in plain Python floats and loops (tests/reference.py), central
differences of their loss, and a 1-unit net worked out by hand."""
import math

import numpy as np
import pytest

from rnn import Params, TrainConfig, train
from rnn.bits import from_bits
from rnn.replay import check_gradients, replay
from tests.reference import book_loss, book_pass, sigmoid


@pytest.fixture(scope="module")
def run():
    return train(TrainConfig(iterations=4000))


def one_unit(s0_a, s0_b, s_h, s_1):
    return Params(np.array([[s0_a], [s0_b]]), np.array([[s_h]]), np.array([[s_1]]))


def test_borrow_chain_of_128_minus_1(run):
    """128 - 1 borrows at every step but the last: the true borrow row the page shows."""
    shown = replay(run.params, 128, 1, 8, 0.9)
    assert shown.borrow.tolist() == [1, 1, 1, 1, 1, 1, 1, 0]
    assert from_bits(shown.trace.target.astype(np.uint8)) == 127


@pytest.mark.parametrize("index, a, b", [(0, 200, 57), (3, 128, 1), (-1, 3, 250)], ids=str)
def test_values_are_the_books_equations(run, index, a, b):
    """Trace, deltas and updates equal the book's equations written out in plain Python."""
    params = run.snapshots[index]
    shown, book = replay(params, a, b, 8, 0.9), book_pass(params, a, b, 8)
    close = dict(rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(shown.trace.hidden, book["hidden"], **close)
    np.testing.assert_allclose(shown.trace.output, book["output"], **close)
    np.testing.assert_allclose(shown.back.output_delta, book["output_delta"], **close)
    np.testing.assert_allclose(shown.back.hidden_delta, book["hidden_delta"], **close)
    for name in ("synapse_0", "synapse_h", "synapse_1"):
        np.testing.assert_allclose(getattr(shown.back, f"{name}_update"), book[name], **close)
    norms = [math.sqrt(sum(d * d for d in delta)) for delta in book["hidden_delta"]]
    np.testing.assert_allclose(shown.hidden_delta_norm, norms, **close)


def test_updates_are_minus_the_central_differences(run):
    """Each update is minus dL/dw, L = 1/2 sum (y - out)^2, by central differences of the plain
    Python loss (relative error below 1e-6)."""
    params = run.snapshots[2].copy()
    for weights in params.as_dict().values():
        weights *= 30.0  # big weights: every gradient matters
    shown, eps = replay(params, 200, 57, 8, 0.9), 1e-6
    for name, weights in params.as_dict().items():
        numerical = np.zeros_like(weights)
        for index in np.ndindex(weights.shape):
            kept = weights[index]
            weights[index] = kept + eps
            plus = book_loss(params, 200, 57, 8)
            weights[index] = kept - eps
            minus = book_loss(params, 200, 57, 8)
            weights[index] = kept
            numerical[index] = (plus - minus) / (2 * eps)
        update = getattr(shown.back, f"{name}_update")
        assert np.linalg.norm(numerical + update) < 1e-6 * np.linalg.norm(update)


def test_a_one_unit_net_by_hand():
    """One hidden unit, synapse_h = 0, synapse_0 = (ln 3, -ln 3), synapse_1 = 4 ln 3, on 2 - 1 in
    2 bits. Step 0 reads a = 0, b = 1: h_1 = sigmoid(-ln 3) = 1/4, out_0 = sigmoid(ln 3) = 3/4.
    Step 1 reads a = 1, b = 0: h_2 = 3/4, out_1 = sigmoid(3 ln 3) = 27/28. The answer is 1 =
    bits (1, 0); every delta and update follows by hand."""
    ln3 = math.log(3)
    shown = replay(one_unit(ln3, -ln3, 0.0, 4 * ln3), 2, 1, 2, 0.5)
    close = dict(rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(shown.trace.hidden[:, 0], [0.1, 1 / 4, 3 / 4], **close)
    np.testing.assert_allclose(shown.trace.output, [3 / 4, 27 / 28], **close)
    np.testing.assert_allclose(shown.trace.error, [1 / 4, -27 / 28], **close)
    assert shown.borrow.tolist() == [1, 0] and shown.trace.prediction.tolist() == [1, 1]
    assert shown.error_before == pytest.approx(1 / 4 + 27 / 28, rel=1e-14)
    assert shown.trace.loss == pytest.approx(0.5 * (1 / 16 + (27 / 28) ** 2), rel=1e-14)
    out_delta = [1 / 4 * 3 / 4 * 1 / 4, -27 / 28 * 27 / 28 * 1 / 28]  # error * out (1 - out)
    slope = [1 / 4 * 3 / 4, 3 / 4 * 1 / 4]  # h (1 - h)
    hidden_delta = [d * 4 * ln3 * s for d, s in zip(out_delta, slope)]  # nothing from the future
    np.testing.assert_allclose(shown.back.output_delta, out_delta, **close)
    np.testing.assert_allclose(shown.back.hidden_delta[:, 0], hidden_delta, **close)
    np.testing.assert_allclose(shown.back.from_future[:, 0], [0.0, 0.0], **close)
    np.testing.assert_allclose(shown.hidden_delta_norm, np.abs(hidden_delta), **close)
    update_1 = 1 / 4 * out_delta[0] + 3 / 4 * out_delta[1]  # sum of h_{t+1} * out_delta_t
    update_h = 0.1 * hidden_delta[0] + 1 / 4 * hidden_delta[1]  # sum of h_t * hidden_delta_t
    update_0 = [hidden_delta[1], hidden_delta[0]]  # a is 1 at step 1, b at step 0
    np.testing.assert_allclose(shown.back.synapse_1_update, [[update_1]], **close)
    np.testing.assert_allclose(shown.back.synapse_h_update, [[update_h]], **close)
    np.testing.assert_allclose(shown.back.synapse_0_update[:, 0], update_0, **close)
    # one SGD step of alpha = 0.5, then the forward pass again, by hand
    s0_a, s0_b = ln3 + 0.5 * update_0[0], -ln3 + 0.5 * update_0[1]
    s_h, s_1 = 0.5 * update_h, 4 * ln3 + 0.5 * update_1
    h_1 = sigmoid(s0_b + 0.1 * s_h)
    h_2 = sigmoid(s0_a + h_1 * s_h)
    after = [sigmoid(h_1 * s_1), sigmoid(h_2 * s_1)]
    np.testing.assert_allclose(shown.after.output, after, **close)
    assert shown.error_after == pytest.approx((1 - after[0]) + after[1], rel=1e-13)


def test_one_step_leaves_the_weights_alone(run):
    """The page's 'after one step' works on a copy: the weights shown stay as they were."""
    params = run.snapshots[5]
    kept = params.copy()
    replay(params, 100, 37, 8, 0.9)
    for name in ("synapse_0", "synapse_h", "synapse_1"):
        np.testing.assert_array_equal(getattr(params, name), getattr(kept, name))


def test_a_small_step_lowers_this_problems_error(run):
    """Descending the gradient with a small alpha lowers this sample's loss."""
    shown = replay(run.snapshots[2], 128, 1, 8, 1e-3)
    assert shown.after.loss < shown.trace.loss


def test_check_gradients_compares_the_right_things(run):
    """The page's gradient check: its analytic side is minus the plain-Python updates, its
    numerical side agrees with them, and it passes."""
    params = run.snapshots[10]
    check, book = check_gradients(params, 128, 1, 8), book_pass(params, 128, 1, 8)
    for name in ("synapse_0", "synapse_h", "synapse_1"):
        np.testing.assert_allclose(check.analytic[name], -np.array(book[name]), rtol=1e-10,
                                   atol=1e-13)
        np.testing.assert_allclose(check.numerical[name], -np.array(book[name]), rtol=1e-4,
                                   atol=1e-9)
    assert check.passed
