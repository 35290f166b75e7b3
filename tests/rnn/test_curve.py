import numpy as np
import pytest

from rnn import TrainConfig, train
from rnn.curve import CURVE_POINTS, accuracy_curve
from rnn.evaluate import EXHAUSTIVE_BITS, score_width, scoring_pairs


@pytest.fixture(scope="module", params=[
    TrainConfig(), TrainConfig(hidden=2), TrainConfig(bits=10, iterations=6000, seed=2),
    TrainConfig(alpha=2.5, seed=3, iterations=5000)],
    ids=["book", "hidden-2", "10-bits", "alpha-2.5"])
def scored(request):
    """A run, its curve, and the accuracy of every one of its snapshots, scored directly."""
    result = train(request.param)
    every = [score_width(s, result.config.bits).accuracy for s in result.snapshots]
    return result, accuracy_curve(result), every


def test_first_perfect_is_the_first_snapshot_at_100_percent(scored):
    """first_perfect is the iteration of the first of all snapshots that scores 100 %; no earlier
    one does; None when none does."""
    result, curve, every = scored
    perfect = [i for i, accuracy in enumerate(every) if accuracy == 1.0]
    if perfect:
        assert curve.first_perfect == result.snapshot_iterations[perfect[0]]
        assert max(every[:perfect[0]], default=0.0) < 1.0
    else:
        assert curve.first_perfect is None


def test_the_scored_snapshots(scored):
    """The curve holds the CURVE_POINTS + 1 snapshots spread over the run (first and last among
    them), each with its own score, ascending; any other point lies before the first perfect."""
    result, curve, every = scored
    last = len(result.snapshots) - 1
    spread = {i * last // CURVE_POINTS for i in range(CURVE_POINTS + 1)}
    at = list(result.snapshot_iterations)
    indices = [at.index(i) for i in curve.iterations]
    assert indices == sorted(set(indices)) and spread <= set(indices)
    assert {0, last} <= spread and len(spread) == min(len(result.snapshots), CURVE_POINTS + 1)
    np.testing.assert_array_equal(curve.accuracy, [every[i] for i in indices])
    limit = curve.first_perfect if curve.first_perfect is not None else -1
    assert all(result.snapshot_iterations[i] <= limit for i in set(indices) - spread)


def right_answers(params, bits):
    """How many of the pairs a >= b that the app scores at `bits` bits (every pair up to 8 bits,
    else rnn.evaluate's sample of random pairs) the net answers with every bit right, counted here
    from the book's equations in NumPy (h_0 = 0.1, no biases, an output above 0.5 is a 1) against
    integer subtraction, without rnn.evaluate's scoring."""
    if bits <= EXHAUSTIVE_BITS:
        a, b = np.tril_indices(2**bits)  # every row a with every column b <= a
    else:
        a_bits, b_bits = scoring_pairs(bits)  # (N, bits), least significant first
        a, b = ((x.astype(np.int64) << np.arange(bits)).sum(axis=1) for x in (a_bits, b_bits))
    h = np.full((len(a), params.synapse_h.shape[0]), 0.1)
    right = np.ones(len(a), dtype=bool)
    for t in range(bits):
        x = np.stack([(a >> t) & 1, (b >> t) & 1], axis=1).astype(float)
        h = 1 / (1 + np.exp(-(x @ params.synapse_0 + h @ params.synapse_h)))
        out = 1 / (1 + np.exp(-(h @ params.synapse_1)[:, 0]))
        right &= (out > 0.5) == (((a - b) >> t) & 1).astype(bool)
    return int(right.sum()), len(a)


def test_final_is_the_score_of_the_final_weights(scored):
    """final counts the problems the final weights (the last snapshot of a finished run) get
    right on every pair of the width, as the book's equations give them."""
    result, curve, every = scored
    correct, pairs = right_answers(result.params, result.config.bits)
    assert (curve.final.correct, curve.final.pairs) == (correct, pairs)
    assert curve.final.accuracy == every[-1] == correct / pairs


def test_a_short_run_is_scored_at_every_snapshot():
    """Fewer snapshots than CURVE_POINTS + 1: every one is on the curve."""
    result = train(TrainConfig(iterations=600), snapshot_every=50)
    curve = accuracy_curve(result)
    np.testing.assert_array_equal(curve.iterations, result.snapshot_iterations)


def test_a_cancelled_run():
    """A cancelled run: final scores the weights where it stopped, beyond the last snapshot."""
    result = train(TrainConfig(iterations=5000), progress=lambda t: t.iteration < 1000,
                   report_every=130)
    assert result.status == "cancelled" and result.iterations_done == 1040
    curve = accuracy_curve(result)
    assert curve.iterations[-1] == result.snapshot_iterations[-1] < 1040
    assert curve.final.accuracy == score_width(result.params, 8).accuracy
