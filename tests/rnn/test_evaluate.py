import warnings

import numpy as np
import pytest

import rnn.evaluate as evaluate
from rnn import Params, TrainConfig, train
from rnn.bits import from_bits, to_bits
from rnn.evaluate import (
    EXHAUSTIVE_BITS,
    RANDOM_PAIRS,
    all_pairs,
    answer,
    correctness_grid,
    expected_bits,
    first_perfect,
    predict_bits,
    predict_proba,
    random_operands,
    score_all_pairs,
    score_random,
    score_width,
    scoring_pairs,
    screen,
)

from .handmade import ZERO, huge, subtractor


@pytest.fixture(scope="module")
def book_params():
    return train(TrainConfig()).params


def python_accuracy(params, a_bits, b_bits):
    """Share of pairs whose decoded answer is Python's own (a - b) mod 2**n."""
    width = a_bits.shape[1]
    answers = [from_bits(row) for row in predict_bits(params, a_bits, b_bits)]
    truths = [(from_bits(a) - from_bits(b)) % 2**width for a, b in zip(a_bits, b_bits)]
    return np.mean([x == y for x, y in zip(answers, truths)])


def test_all_pairs_count():
    """All pairs a >= b of 8 bits: 256 * 257 / 2 = 32,896 of them, each once."""
    a, b = all_pairs(8)
    assert len(a) == 256 * 257 // 2 and (a >= b).all() and len(set(zip(a, b))) == 32_896


def test_book_settings_get_every_pair_right(book_params):
    """The book's claim: at its settings the net ends subtracting every 8-bit pair a >= b (checked
    against Python's own a - b, pair by pair)."""
    a_bits, b_bits = scoring_pairs(8)
    assert python_accuracy(book_params, a_bits, b_bits) == 1.0
    assert score_all_pairs(book_params, 8).accuracy == 1.0


@pytest.mark.parametrize("bits", [2, 8, 16, 64, 256])
def test_the_handmade_subtractor_is_always_right(bits):
    """A net built by hand to subtract (tests/rnn/handmade.py) scores 100 % at any width."""
    result = score_width(subtractor(), bits)
    assert result.accuracy == 1.0 and result.per_bit.min() == 1.0


def test_answers_checked_against_python():
    """Decoded answers equal Python's own (a - b) mod 2**n, a < b included (hand-built net)."""
    rng = np.random.default_rng(1)
    for width in (64, 200):
        for _ in range(20):
            a, b = (int.from_bytes(rng.bytes(width // 8), "little") for _ in range(2))
            proba, bits = answer(subtractor(), a, b, width)
            assert from_bits(bits) == (a - b) % 2**width
            assert set(proba.tolist()) <= {0.0, 1.0}


@pytest.mark.parametrize("bits", [8, 12])
def test_a_net_that_outputs_one_half_is_right_only_when_a_equals_b(bits):
    """Zero weights: every output is sigmoid(0) = 0.5, read as bit 0, so the answer is 0, right
    exactly when a == b: 256 of the 32,896 pairs at 8 bits; at 12 bits, the random pairs' share
    of a == b, counted in Python ints."""
    result = score_width(ZERO, bits)
    if bits <= EXHAUSTIVE_BITS:
        assert result.correct == 2**bits and result.pairs == 2 ** (bits - 1) * (2**bits + 1)
    else:
        a_bits, b_bits = scoring_pairs(bits)
        equal = sum(from_bits(a) == from_bits(b) for a, b in zip(a_bits, b_bits))
        assert result.correct == equal and result.pairs == RANDOM_PAIRS


def test_the_scoring_rule():
    """Up to EXHAUSTIVE_BITS every pair a >= b; above, RANDOM_PAIRS random pairs drawn with the
    width as seed (so a score never changes from one call to the next)."""
    params = train(TrainConfig(bits=6, iterations=1500)).params
    for bits in (2, EXHAUSTIVE_BITS):
        result = score_width(params, bits)
        assert result.exhaustive and result.pairs == 2 ** (bits - 1) * (2**bits + 1)
    for bits in (EXHAUSTIVE_BITS + 1, 16, 64):
        result = score_width(params, bits)
        a_bits, b_bits = random_operands(bits, RANDOM_PAIRS, np.random.default_rng(bits))
        assert not result.exhaustive and result.pairs == RANDOM_PAIRS
        assert result.accuracy == python_accuracy(params, a_bits, b_bits)
        assert score_width(params, bits).correct == result.correct


def test_scores_equal_python_arithmetic():
    """A score is the share of pairs whose decoded answer is Python's a - b (here a partly trained
    net, which gets some wrong)."""
    params = train(TrainConfig(iterations=2500)).params
    for bits in (8, 10):
        a_bits, b_bits = scoring_pairs(bits)
        assert score_width(params, bits).accuracy == pytest.approx(
            python_accuracy(params, a_bits, b_bits), abs=1e-12)


def test_random_operands_are_ordered_and_wide():
    """Random operands of any width come as bit arrays with a >= b."""
    a, b = random_operands(200, 100, np.random.default_rng(0))
    assert a.shape == (100, 200)
    assert all(from_bits(x) >= from_bits(y) for x, y in zip(a, b))


def test_expected_bits_wraps_when_a_is_smaller():
    """For a < b the reference is the n-bit two's complement of the negative result."""
    assert from_bits(expected_bits(to_bits(3, 8), to_bits(5, 8))) == 256 - 2


@pytest.mark.parametrize("iteration_index", [2, 20, -1])
def test_correctness_grid_matches_the_pair_by_pair_score(iteration_index):
    """The prefix-shared grid scores every pair exactly as running each pair does."""
    params = train(TrainConfig(iterations=3000)).snapshots[iteration_index]
    values = np.arange(256)
    a, b = np.repeat(values, 256), np.tile(values, 256)
    a_bits, b_bits = to_bits(a, 8), to_bits(b, 8)
    right = predict_bits(params, a_bits, b_bits) == expected_bits(a_bits, b_bits)  # (pairs, T)
    np.testing.assert_array_equal(correctness_grid(params, 8).reshape(8, -1).T, right)


@pytest.mark.parametrize("bits", [1, 2, 5, 8])
@pytest.mark.parametrize("silenced", [None, 0])
def test_score_all_pairs_counts_what_running_each_pair_gives(bits, silenced):
    """The score's own top step (pairs a >= b only) counts the very bits that running every pair
    a >= b through predict_bits gets right: whole answers and each bit, with a unit silenced too."""
    for params in train(TrainConfig(hidden=12, iterations=3000)).snapshots[1::4]:
        keep = None
        if silenced is not None:
            keep = np.ones(params.hidden)
            keep[silenced] = 0.0
        a_bits, b_bits = (to_bits(v, bits) for v in all_pairs(bits))
        right = predict_bits(params, a_bits, b_bits, keep) == expected_bits(a_bits, b_bits)
        result = score_all_pairs(params, bits, keep)
        assert (result.pairs, result.correct) == (len(right), int(right.all(axis=1).sum()))
        np.testing.assert_array_equal(result.per_bit, right.sum(axis=0) / len(right))


def test_batching_does_not_change_predictions(monkeypatch):
    """predict_proba runs BATCH problems at a time; any batch size gives the same outputs."""
    params = train(TrainConfig(iterations=1000)).params
    a_bits, b_bits = random_operands(8, 1000, np.random.default_rng(2))
    whole = predict_proba(params, a_bits, b_bits)
    monkeypatch.setattr(evaluate, "BATCH", 7)
    np.testing.assert_allclose(predict_proba(params, a_bits, b_bits), whole, rtol=0, atol=1e-12)


@pytest.mark.parametrize("params", [huge(), subtractor(),
                                    Params(*(w * np.nan for w in ZERO.as_dict().values()))],
                         ids=["weights-1e4", "handmade", "nan"])
def test_huge_or_broken_weights_are_scored_without_warnings(params):
    """exp overflows on such weights (the sigmoid is then exactly 0 or 1): no RuntimeWarning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for bits in (8, 16):
            score_width(params, bits)
        score_random(params, 64, 100)
        answer(params, 12345, 678, 16)
        keep = np.ones(params.hidden)
        keep[0] = 0.0
        score_width(params, 8, keep)


def test_nan_outputs_read_as_bit_0():
    """A net whose weights are NaN outputs NaN, read as bit 0: it scores as the one-half net does,
    right exactly when a == b."""
    broken = Params(*(w * np.nan for w in ZERO.as_dict().values()))
    for bits in (8, 12):
        assert score_width(broken, bits).correct == score_width(ZERO, bits).correct


def test_first_perfect_is_the_first_at_100_percent():
    """first_perfect: the index of the first weights that score 100 % by score_width."""
    early = train(TrainConfig(iterations=2000)).params
    for bits in (8, 12):
        assert first_perfect([ZERO, early, subtractor(), ZERO, subtractor()], bits) == 2
        assert first_perfect([ZERO, early], bits) is None


def test_the_screen_passes_what_can_be_at_100_percent():
    """The screen uses pairs of the score's own: a net right on every pair passes it, nets that
    miss pairs of it do not, whatever the width."""
    for bits in (8, 12):
        np.testing.assert_array_equal(screen([ZERO, subtractor(), ZERO], bits),
                                      [False, True, False])
