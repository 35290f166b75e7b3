"""Did the net learn the algorithm? Correctness map, hardest problems, length generalisation,
the borrow neuron and ablations: each scored against plain arithmetic."""
from dataclasses import dataclass

import numpy as np

from .bits import from_bits, subtract_bits, to_bits
from .evaluate import (MAX_EXHAUSTIVE_BITS, all_pairs, correctness_grid, expected_bits,
                       predict_bits, random_operands, score_all_pairs, score_random)
from .model import INITIAL_HIDDEN, sigmoid

EXHAUSTIVE_BITS = 8  # widths analysed on every pair; wider ones on SAMPLE random pairs
SAMPLE = 4_000


def longest_borrow_chain(borrow):
    """Longest run of consecutive borrows per problem. borrow (N, T) -> (N,)."""
    run = np.zeros(borrow.shape[:-1], dtype=np.int64)
    longest = np.zeros_like(run)
    for t in range(borrow.shape[-1]):
        run = np.where(borrow[..., t] == 1, run + 1, 0)
        longest = np.maximum(longest, run)
    return longest


@dataclass
class CorrectnessMap:
    bits: int
    exact: np.ndarray  # (2**bits, 2**bits) bool, [a, b]: every bit right (a < b included)
    wrong_pairs: int  # wrong problems with a >= b
    hardest: list  # (a, b, longest borrow chain) of wrong pairs a >= b, longest chains first
    per_bit: np.ndarray  # (bits,) share of pairs a >= b with bit t right


def correctness_map(params, bits, hardest=10):
    """Every pair of `bits`-bit numbers scored (bits <= 8)."""
    if bits > EXHAUSTIVE_BITS:
        raise ValueError(f"the map covers widths up to {EXHAUSTIVE_BITS} bits")
    right = correctness_grid(params, bits)  # (T, 2**bits, 2**bits)
    exact = right.all(axis=0)
    a, b = all_pairs(bits)
    wrong = ~exact[a, b]
    wa, wb = a[wrong], b[wrong]
    chains = longest_borrow_chain(subtract_bits(to_bits(wa, bits), to_bits(wb, bits))[1])
    order = np.lexsort((wb, wa, -chains))[:hardest]
    return CorrectnessMap(bits, exact, int(wrong.sum()),
                          [(int(wa[i]), int(wb[i]), int(chains[i])) for i in order],
                          right[:, a, b].mean(axis=1))


@dataclass
class SampledMap:
    bits: int
    a: np.ndarray  # (N,) Python ints or uint64: a sample of pairs a >= b
    b: np.ndarray
    right: np.ndarray  # (N,) bool exact match
    per_bit: np.ndarray  # (bits,)


def sampled_map(params, bits, count=SAMPLE, seed=0):
    """Random pairs a >= b for widths too wide to enumerate."""
    a_bits, b_bits = random_operands(bits, count, np.random.default_rng(seed))
    right = predict_bits(params, a_bits, b_bits) == expected_bits(a_bits, b_bits)
    return SampledMap(bits, from_bits(a_bits), from_bits(b_bits), right.all(axis=1),
                      right.mean(axis=0))


def length_generalisation(params, widths=(8, 16, 32, 64, 128, 256), count=500, seed=0):
    """Exact-match accuracy on random operands of each width: {width: accuracy}."""
    return {w: score_random(params, w, count, seed + w).accuracy for w in widths}


def operand_bits(bits, count=SAMPLE, seed=0):
    """All pairs a >= b up to EXHAUSTIVE_BITS, else random ones, as bit arrays (N, bits)."""
    if bits <= EXHAUSTIVE_BITS:
        a, b = all_pairs(bits)
        return to_bits(a, bits), to_bits(b, bits)
    return random_operands(bits, count, np.random.default_rng(seed))


def hidden_states(params, a_bits, b_bits):
    """Hidden state after every step for many problems: (N, T, H)."""
    count, steps = a_bits.shape
    states = np.empty((count, steps, params.hidden))
    h = np.full((count, params.hidden), INITIAL_HIDDEN)
    for t in range(steps):
        x = np.stack([a_bits[:, t], b_bits[:, t]], axis=1).astype(np.float64)
        h = sigmoid(x @ params.synapse_0 + h @ params.synapse_h)
        states[:, t] = h
    return states


def borrow_correlation(params, bits):
    """Pearson correlation of each hidden unit (after step t) with the true borrow out of step t,
    over all pairs a >= b (or a sample) and all steps: (H,). A unit that never varies scores 0."""
    a_bits, b_bits = operand_bits(bits)
    borrow = subtract_bits(a_bits, b_bits)[1].reshape(-1).astype(np.float64)  # (N T,)
    states = hidden_states(params, a_bits, b_bits).reshape(-1, params.hidden)  # (N T, H)
    centred = states - states.mean(axis=0)
    target = borrow - borrow.mean()
    spread = np.sqrt((centred ** 2).sum(axis=0) * (target ** 2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = (centred * target[:, None]).sum(axis=0) / spread
    return np.nan_to_num(correlation)


def ablation(params, bits):
    """Exact-match accuracy with each hidden unit silenced in turn (its state set to 0 at every
    step): (H,). Scored on all pairs up to 8 bits, else on SAMPLE random pairs."""
    accuracy = np.empty(params.hidden)
    for unit in range(params.hidden):
        keep = np.ones(params.hidden)
        keep[unit] = 0.0
        if bits <= min(EXHAUSTIVE_BITS, MAX_EXHAUSTIVE_BITS):
            accuracy[unit] = score_all_pairs(params, bits, keep).accuracy
        else:
            accuracy[unit] = score_random(params, bits, SAMPLE, 0, keep).accuracy
    return accuracy
