import numpy as np
import pytest

from rnn import TrainConfig, train
from rnn.bits import from_bits
from rnn.model import backward, forward, sgd_step
from rnn.replay import check_gradients, replay


@pytest.fixture(scope="module")
def run():
    return train(TrainConfig(iterations=4000))


def test_borrow_chain_of_128_minus_1(run):
    """128 - 1 borrows at every step but the last: the true borrow row the page shows."""
    shown = replay(run.params, 128, 1, 8, 0.9)
    assert shown.borrow.tolist() == [1, 1, 1, 1, 1, 1, 1, 0]
    assert from_bits(shown.trace.target.astype(np.uint8)) == 127


def test_values_are_the_training_passes(run):
    """Trace and deltas are exactly what model.forward/backward give, the code that trains."""
    shown = replay(run.snapshots[3], 200, 57, 8, 0.9)
    trace = forward(run.snapshots[3], shown.trace.inputs[:, 0], shown.trace.inputs[:, 1],
                    shown.trace.target)
    np.testing.assert_array_equal(shown.trace.hidden, trace.hidden)
    np.testing.assert_array_equal(shown.back.hidden_delta,
                                  backward(run.snapshots[3], trace).hidden_delta)


def test_norm_is_the_size_of_each_steps_hidden_delta(run):
    """The vanishing-gradient chart plots the Euclidean norm of each step's hidden delta."""
    shown = replay(run.snapshots[1], 128, 1, 8, 0.9)
    for t in range(8):
        assert shown.hidden_delta_norm[t] == pytest.approx(
            np.sqrt((shown.back.hidden_delta[t] ** 2).sum()))


def test_one_step_after(run):
    """'After one step' is the forward pass with the weights after sgd_step; params untouched."""
    params = run.snapshots[5]
    kept = params.copy()
    shown = replay(params, 100, 37, 8, 0.9)
    stepped = params.copy()
    sgd_step(stepped, shown.back, 0.9)
    again = forward(stepped, shown.trace.inputs[:, 0], shown.trace.inputs[:, 1],
                    shown.trace.target)
    assert shown.error_after == again.overall_error
    np.testing.assert_array_equal(params.synapse_h, kept.synapse_h)


def test_a_small_step_lowers_this_problems_error(run):
    """Descending the gradient with a small alpha lowers this sample's loss."""
    shown = replay(run.snapshots[2], 128, 1, 8, 0.01)
    assert shown.after.loss < shown.trace.loss


def test_gradient_check_passes_on_snapshots(run):
    """The page's gradient check passes at the start, midway and at the end."""
    for params in (run.snapshots[0], run.snapshots[len(run.snapshots) // 2], run.params):
        assert check_gradients(params, 128, 1, 8).passed
