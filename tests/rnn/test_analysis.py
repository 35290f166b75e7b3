import dataclasses

import numpy as np
import pytest

from rnn import TrainConfig, train
from rnn.analysis import (ablation, borrow_correlation, correctness_map, hidden_states,
                          length_generalisation, longest_borrow_chain, operand_bits)
from rnn.bits import subtract_bits, to_bits
from rnn.evaluate import expected_bits, predict_bits
from rnn.sweep import run_sweep


@pytest.fixture(scope="module")
def book():
    return train(TrainConfig())


@pytest.fixture(scope="module")
def early():
    return train(TrainConfig(iterations=2000)).params


def test_longest_borrow_chain():
    """128 - 1 borrows 7 times in a row; 5 - 3 once; 7 - 0 never."""
    a = to_bits(np.array([128, 5, 7]), 8)
    b = to_bits(np.array([1, 3, 0]), 8)
    assert longest_borrow_chain(subtract_bits(a, b)[1]).tolist() == [7, 1, 0]


def test_map_of_the_book_model_is_all_right(book):
    """The book's model: no wrong pair a >= b, every bit right."""
    result = correctness_map(book.params, 8)
    assert result.wrong_pairs == 0 and result.hardest == [] and result.per_bit.min() == 1.0


def test_map_counts_and_hardest_match_pair_by_pair(early):
    """Wrong pairs are counted as running each pair says; the hardest have the longest chains."""
    result = correctness_map(early, 8)
    a_bits, b_bits = operand_bits(8)
    right = (predict_bits(early, a_bits, b_bits) == expected_bits(a_bits, b_bits)).all(axis=1)
    assert result.wrong_pairs == int((~right).sum()) > 0
    chains = [chain for _, _, chain in result.hardest]
    assert chains == sorted(chains, reverse=True)
    for a, b, chain in result.hardest:
        assert not result.exact[a, b]
        borrow = subtract_bits(to_bits(a, 8), to_bits(b, 8))[1]
        assert longest_borrow_chain(borrow[None])[0] == chain


def test_length_generalisation_of_the_book_model(book):
    """Trained on 8 bits, right on 8 to 256 bits."""
    assert length_generalisation(book.params, count=200) == {
        8: 1.0, 16: 1.0, 32: 1.0, 64: 1.0, 128: 1.0, 256: 1.0}


def test_the_book_model_has_a_borrow_neuron(book):
    """One hidden unit tracks the true borrow closely (|correlation| > 0.9)."""
    correlation = borrow_correlation(book.params, 8)
    assert correlation.shape == (16,) and np.abs(correlation).max() > 0.9


def test_correlation_by_hand(book):
    """The correlation of the best unit equals NumPy's corrcoef over every pair and step."""
    correlation = borrow_correlation(book.params, 8)
    unit = int(np.abs(correlation).argmax())
    a_bits, b_bits = operand_bits(8)
    states = hidden_states(book.params, a_bits, b_bits)[:, :, unit].ravel()
    borrow = subtract_bits(a_bits, b_bits)[1].ravel()
    assert correlation[unit] == pytest.approx(np.corrcoef(states, borrow)[0, 1], abs=1e-9)


def test_ablation_changes_accuracy_as_the_chart_says(book):
    """Silencing a unit: the accuracy reported is what the silenced net scores pair by pair."""
    accuracy = ablation(book.params, 8)
    a_bits, b_bits = operand_bits(8)
    truth = expected_bits(a_bits, b_bits)
    for unit in (int(accuracy.argmin()), int(accuracy.argmax())):
        keep = np.ones(16)
        keep[unit] = 0
        right = (predict_bits(book.params, a_bits, b_bits, keep) == truth).all(axis=1)
        assert accuracy[unit] == pytest.approx(right.mean())
    assert accuracy.min() < 0.5 and accuracy.max() == 1.0


def test_seed_sweep_matches_single_runs():
    """A sweep's 'first 100 %' for seed 0 is the book's 3,000; hidden 4 and alpha 0.1 never get
    there, as the book's figures say."""
    base = TrainConfig()
    result = run_sweep([base, dataclasses.replace(base, hidden=4),
                        dataclasses.replace(base, alpha=0.1)])
    assert result.first_perfect == [3000, None, None]
    assert result.final_accuracy[0] == 1.0 and result.final_accuracy[1] < 0.1
