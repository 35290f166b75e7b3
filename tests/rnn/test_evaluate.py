import numpy as np
import pytest

from rnn import TrainConfig, train
from rnn.bits import from_bits, to_bits
from rnn.evaluate import (all_pairs, answer, expected_bits, random_operands, score_all_pairs,
                          score_random)


@pytest.fixture(scope="module")
def book_params():
    return train(TrainConfig()).params


def test_all_pairs_count():
    """All pairs a >= b of 8 bits: 32,896 of them."""
    a, b = all_pairs(8)
    assert len(a) == 32_896 and (a >= b).all() and len(set(zip(a, b))) == 32_896


def test_book_settings_get_every_pair_right(book_params):
    """The book's run subtracts all 32,896 8-bit pairs exactly."""
    result = score_all_pairs(book_params, 8)
    assert result.pairs == 32_896 and result.correct == 32_896 and result.per_bit.min() == 1.0


@pytest.mark.parametrize("bits", [16, 32, 64, 128, 256])
def test_book_settings_generalise_to_wide_operands(book_params, bits):
    """Trained on 8 bits, the net subtracts much wider random numbers without a mistake."""
    assert score_random(book_params, bits, count=500, seed=bits).accuracy == 1.0


def test_answers_checked_against_python(book_params):
    """Decoded answers equal Python's own a - b (and (a - b) mod 2**n when a < b)."""
    rng = np.random.default_rng(1)
    for _ in range(50):
        a, b = (int.from_bytes(rng.bytes(8), "little") for _ in range(2))
        proba, bits = answer(book_params, a, b, 64)
        assert from_bits(bits) == (a - b) % 2**64


def test_random_operands_are_ordered_and_wide():
    """Random operands of any width come as bit arrays with a >= b."""
    a, b = random_operands(200, 100, np.random.default_rng(0))
    assert a.shape == (100, 200)
    assert all(from_bits(x) >= from_bits(y) for x, y in zip(a, b))


def test_untrained_net_scores_low():
    """A net that learned nothing (hidden 4, the book says) is not scored as right."""
    params = train(TrainConfig(hidden=4)).params
    assert score_all_pairs(params, 8).accuracy < 0.5


def test_expected_bits_wraps_when_a_is_smaller():
    """For a < b the reference is the n-bit two's complement of the negative result."""
    assert from_bits(expected_bits(to_bits(3, 8), to_bits(5, 8))) == 254


@pytest.mark.parametrize("iteration_index", [2, 20, -1])
def test_correctness_grid_matches_the_pair_by_pair_score(iteration_index):
    """The prefix-shared grid scores every pair exactly as running each pair does."""
    from rnn.evaluate import correctness_grid, predict_bits
    params = train(TrainConfig(iterations=3000)).snapshots[iteration_index]
    values = np.arange(256)
    a, b = np.repeat(values, 256), np.tile(values, 256)
    a_bits, b_bits = to_bits(a, 8), to_bits(b, 8)
    right = predict_bits(params, a_bits, b_bits) == expected_bits(a_bits, b_bits)  # (pairs, T)
    np.testing.assert_array_equal(correctness_grid(params, 8).reshape(8, -1).T, right)


def test_book_run_first_gets_every_pair_right_at_2950():
    """The snapshot at 2,900 iterations still misses pairs; the one at 2,950 gets them all."""
    result = train(TrainConfig())
    at = list(result.snapshot_iterations)
    assert score_all_pairs(result.snapshots[at.index(2900)], 8).accuracy < 1.0
    assert score_all_pairs(result.snapshots[at.index(2950)], 8).accuracy == 1.0
