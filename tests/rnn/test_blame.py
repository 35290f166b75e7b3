"""The blame, the reach of the last bit's error and the time-lapse (rnn.blame) against
computations that share no code with rnn.model: the book's equations in plain Python floats
(tests/reference.py), central differences of their loss with respect to a hidden state, and a
1-unit net worked out by hand."""
import math

import numpy as np
import pytest

from rnn import Params, TrainConfig, train
from rnn import steps as stepping
from rnn.blame import (
    PER_STEP,
    fade_per_step,
    problem_reach,
    right_for_good,
    time_lapse,
    time_lapse_steps,
    walk,
)
from rnn.model import WEIGHT_NAMES
from tests.reference import book_pass, last_step_reach, loss_from_state, update_piece_sizes

CLOSE = dict(rtol=1e-10, atol=1e-14)
PROBLEMS = [(0, 200, 57), (3, 128, 1), (-1, 3, 250), (-1, 255, 0)]  # (snapshot, a, b)


@pytest.fixture(scope="module")
def run():
    return train(TrainConfig(iterations=4000))


def state_gradient(params, a, b, width, step, last_only=False, eps=1e-6):
    """dL/dh_{step+1} by central differences of the plain-Python loss, unit by unit."""
    state = book_pass(params, a, b, width)["hidden"][step + 1]
    gradient = []
    for i in range(len(state)):
        plus, minus = list(state), list(state)
        plus[i] += eps
        minus[i] -= eps
        gradient.append((loss_from_state(params, a, b, width, step, plus, last_only)
                         - loss_from_state(params, a, b, width, step, minus, last_only))
                        / (2 * eps))
    return np.array(gradient)


def scaled(params, factor):
    """The net with every weight times `factor` (big weights: every gradient matters)."""
    return Params(*(getattr(params, name) * factor for name in WEIGHT_NAMES))


@pytest.mark.parametrize("index, a, b", PROBLEMS, ids=str)
def test_blame_parts_are_the_books_deltas(run, index, a, b):
    """own_t = layer_2_delta_t * synapse_1 and later_t = layer_1_delta_{t+1} @ synapse_hᵀ (zero
    at the last step), with the deltas of the book's equations in plain Python."""
    params = run.snapshots[index]
    shown, book = walk(params, a, b, 8, 0.9), book_pass(params, a, b, 8)
    sh, s1 = params.synapse_h.tolist(), params.synapse_1.tolist()
    own = [[book["output_delta"][t] * s1[i][0] for i in range(16)] for t in range(8)]
    later = [[sum(book["hidden_delta"][t + 1][j] * sh[i][j] for j in range(16)) if t < 7
              else 0.0 for i in range(16)] for t in range(8)]
    np.testing.assert_allclose(shown.blame.own, own, **CLOSE)
    np.testing.assert_allclose(shown.blame.later, later, **CLOSE)
    sizes = [math.sqrt(sum((o + f) ** 2 for o, f in zip(own[t], later[t]))) for t in range(8)]
    np.testing.assert_allclose(shown.blame.size, sizes, **CLOSE)
    np.testing.assert_allclose(shown.blame.share, np.array(sizes) / sum(sizes), **CLOSE)


@pytest.mark.parametrize("index, factor", [(0, 20.0), (-1, 1.0)], ids=["start x20", "end"])
def test_blame_is_minus_the_gradient_of_the_loss_on_each_state(run, index, factor):
    """The blame on the state step t leaves is -dL/dh_{t+1}, by central differences of the
    plain-Python loss continued from that state (relative error below 1e-6); the start's tiny
    weights are scaled up so that every gradient matters."""
    params = scaled(run.snapshots[index], factor)
    shown = walk(params, 200, 57, 8, 0.9)
    for step in range(8):
        numerical = state_gradient(params, 200, 57, 8, step)
        assert np.linalg.norm(numerical + shown.blame.total[step]) < \
            1e-6 * np.linalg.norm(numerical)


def test_shares_and_parts_are_fractions(run):
    """Shares of blame and of the update add up to 1; the own part lies in [0, 1] and is 1 at
    the last step, which has no later steps."""
    for params in run.snapshots[::40]:
        shown = walk(params, 128, 1, 8, 0.9)
        assert shown.blame.share.sum() == pytest.approx(1.0, abs=1e-12)
        assert shown.update_share.sum() == pytest.approx(1.0, abs=1e-12)
        assert ((shown.blame.own_part >= 0) & (shown.blame.own_part <= 1)).all()
        assert shown.blame.own_part[-1] == 1.0


@pytest.mark.parametrize("index, a, b", PROBLEMS, ids=str)
def test_update_shares_are_the_books_pieces(run, index, a, b):
    """Each step's share of the update is the size of its pieces (input x delta, written out in
    plain Python) over the sum of those sizes."""
    params = run.snapshots[index]
    sizes = update_piece_sizes(params, a, b, 8)
    np.testing.assert_allclose(walk(params, a, b, 8, 0.9).update_share,
                               np.array(sizes) / sum(sizes), **CLOSE)


@pytest.mark.parametrize("index, a, b", PROBLEMS, ids=str)
def test_the_weights_that_move_most(run, index, a, b):
    """For each matrix, the weight with the largest plain-Python update in size; its update as
    written out; its pieces per step add up to it."""
    params = run.snapshots[index]
    shown, book = walk(params, a, b, 8, 0.9), book_pass(params, a, b, 8)
    for moved, name in zip(shown.moved, WEIGHT_NAMES):
        update = np.array(book[name])
        assert moved.name == name
        assert abs(update[moved.index]) == pytest.approx(np.abs(update).max(), rel=1e-10)
        assert moved.update == pytest.approx(update[moved.index], rel=1e-10, abs=1e-15)
        assert moved.pieces.sum() == pytest.approx(moved.update, rel=1e-9, abs=1e-15)


@pytest.mark.parametrize("index", [0, 10, -1], ids=["start", "early", "end"])
@pytest.mark.parametrize("a, b, width", [(128, 1, 8), (2**31, 1, 32), (200, 57, 8)], ids=str)
def test_reach_of_the_last_bit_is_the_chain_rule(run, index, a, b, width):
    """|dL_T/dh_{t+1}| for the last step's error alone, as the chain rule written out in plain
    Python gives it."""
    params = run.snapshots[index]
    reach, _, _ = problem_reach(params, a, b, width)
    np.testing.assert_allclose(reach, last_step_reach(params, a, b, width), rtol=1e-9,
                               atol=1e-300)


def test_reach_of_the_last_bit_by_central_differences(run):
    """The reach at every step is the size of the central differences of the last step's loss
    with respect to that step's state (big weights, so that nothing is too small to see)."""
    params = scaled(run.snapshots[-1], 3.0)
    reach, _, _ = problem_reach(params, 128, 1, 8)
    for step in range(8):
        numerical = np.linalg.norm(state_gradient(params, 128, 1, 8, step, last_only=True))
        assert reach[step] == pytest.approx(numerical, rel=1e-5)


def test_reach_fades_on_the_way_back_in_a_trained_net(run):
    """On 128 - 1 the trained net's last-bit error is weaker at step 0 than at step 7, and the
    fade per step is the geometric mean of the step-to-step ratios."""
    reach, _, _ = problem_reach(run.params, 128, 1, 8)
    assert reach[0] < reach[-1]
    ratios = reach[1:] / reach[:-1]
    assert fade_per_step(reach) == pytest.approx(np.prod(ratios) ** (1 / 7), rel=1e-12)


@pytest.mark.parametrize("reach, expected", [
    ([1.0, 3.0, 9.0, 27.0], 3.0), ([8.0, 4.0, 2.0], 0.5), ([0.0, 1.0], math.inf),
    ([1.0, 0.0], math.nan), ([5.0], math.nan)], ids=str)
def test_fade_per_step(reach, expected):
    """Geometric mean of the ratios; inf when the reach vanishes, nan when undefined."""
    if math.isnan(expected):
        assert math.isnan(fade_per_step(reach))
    else:
        assert fade_per_step(reach) == pytest.approx(expected, rel=1e-12)


def test_a_one_unit_net_by_hand():
    """One unit, synapse_h = 0, synapse_0 = (ln 3, -ln 3), synapse_1 = 4 ln 3, on 2 - 1 in 2 bits
    (see test_replay): out = (3/4, 27/28); nothing comes from later steps, so the blame is the own
    part, layer_2_delta_t * 4 ln 3, and the last bit's error does not reach step 0 at all."""
    ln3 = math.log(3)
    params = Params(np.array([[ln3], [-ln3]]), np.array([[0.0]]), np.array([[4 * ln3]]))
    shown = walk(params, 2, 1, 2, 0.5)
    out_delta = [1 / 4 * 3 / 4 * 1 / 4, -27 / 28 * 27 / 28 * 1 / 28]
    np.testing.assert_allclose(shown.blame.own[:, 0], [d * 4 * ln3 for d in out_delta],
                               rtol=1e-13)
    np.testing.assert_allclose(shown.blame.later, 0.0, atol=0)
    assert shown.blame.own_part.tolist() == [1.0, 1.0]
    assert shown.most_blamed == 0 and shown.hand_step == 0  # |3/64| > |-729/21952|
    reach, _, _ = problem_reach(params, 2, 1, 2)
    assert reach[0] == 0.0 and reach[1] == pytest.approx(abs(out_delta[1]) * 4 * ln3)
    assert fade_per_step(reach) == math.inf


def test_time_lapse_is_the_books_equations_at_each_snapshot(run):
    """At every snapshot (one in ten here): the update shares of the plain-Python pieces and the
    bits whose plain-Python output is on the right side of 1/2."""
    snapshots, iterations = run.snapshots[::10], run.snapshot_iterations[::10]
    lapse = time_lapse(snapshots, iterations, 128, 1, 8)
    np.testing.assert_array_equal(lapse.iterations, iterations)
    for s, params in enumerate(snapshots):
        sizes = update_piece_sizes(params, 128, 1, 8)
        np.testing.assert_allclose(lapse.share[s], np.array(sizes) / sum(sizes), **CLOSE)
        book = book_pass(params, 128, 1, 8)
        right = [(o > 0.5) == bool(y) for o, y in zip(book["output"], book["target"])]
        assert lapse.right[s].tolist() == right


def test_time_lapse_in_steps_of_per_step_snapshots(run):
    """As steps: PER_STEP snapshots per step, `done` counting snapshots; the same time-lapse."""
    seen = []
    lapse = stepping.run(time_lapse_steps(run.snapshots, run.snapshot_iterations, 128, 1, 8),
                         lambda done, total: seen.append((done, total)))
    count = len(run.snapshots)
    assert seen == [(min(stop, count), count) for stop in range(PER_STEP, count + PER_STEP,
                                                                PER_STEP)]
    whole = time_lapse(run.snapshots, run.snapshot_iterations, 128, 1, 8)
    np.testing.assert_array_equal(lapse.share, whole.share)
    np.testing.assert_array_equal(lapse.learned_at, whole.learned_at)


def test_right_for_good():
    """The first iteration from which a bit stays right; -1 when wrong at the end; a bit right
    early, then wrong, then right again counts from its last return."""
    right = np.array([[0, 1, 1, 0],
                      [1, 1, 0, 0],
                      [1, 1, 1, 1],
                      [1, 1, 1, 0]], dtype=bool)
    assert right_for_good(right, [0, 10, 20, 30]).tolist() == [10, 0, 20, -1]


def test_learned_at_agrees_with_the_snapshots(run):
    """Each bit of the run's time-lapse is right at every snapshot from its learned_at on, and
    wrong at the snapshot just before (unless learned from the start)."""
    lapse = time_lapse(run.snapshots, run.snapshot_iterations, 200, 57, 8)
    for t, learned in enumerate(lapse.learned_at):
        if learned < 0:
            assert not lapse.right[-1, t]
            continue
        first = list(lapse.iterations).index(learned)
        assert lapse.right[first:, t].all()
        assert first == 0 or not lapse.right[first - 1, t]
