"""Did the net learn the algorithm? Correctness map, hardest problems, length generalisation,
the borrow neuron and ablations: each scored against plain arithmetic.

Widths up to EXHAUSTIVE_BITS (rnn.evaluate's threshold) are analysed on every pair a >= b; wider
ones on SAMPLE random pairs (the map and the correlation) or by `score_width` (the ablation and
the length test)."""
from dataclasses import dataclass

import numpy as np

from . import steps as stepping
from .bits import from_bits, subtract_bits, to_bits
from .evaluate import (
    EXHAUSTIVE_BITS,
    QUIET,
    accuracy_of,
    all_pairs,
    correctness_grid,
    expected_bits,
    hidden_steps,
    predict_bits,
    random_operands,
    score_width,
)
from .model import forward
from .steps import Step

SAMPLE = 4_000  # random pairs a >= b behind the sampled map and the borrow correlation
CORRELATION_PAIRS = 4_096  # pairs per step of the borrow correlation


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
    answers: list  # the net's answer (its bits read as a number) to each of `hardest`


def correctness_map(params, bits, hardest=10):
    """Every pair of `bits`-bit numbers scored (bits <= EXHAUSTIVE_BITS)."""
    if bits > EXHAUSTIVE_BITS:
        raise ValueError(f"the map covers widths up to {EXHAUSTIVE_BITS} bits")
    right = correctness_grid(params, bits)  # (T, 2**bits, 2**bits)
    exact = right.all(axis=0)
    a, b = all_pairs(bits)
    wrong = ~exact[a, b]
    wa, wb = a[wrong], b[wrong]
    chains = longest_borrow_chain(subtract_bits(to_bits(wa, bits), to_bits(wb, bits))[1])
    order = np.lexsort((wb, wa, -chains))[:hardest]
    answers = from_bits(predict_bits(params, to_bits(wa[order], bits), to_bits(wb[order], bits)))
    return CorrectnessMap(bits, exact, int(wrong.sum()),
                          [(int(wa[i]), int(wb[i]), int(chains[i])) for i in order],
                          right[:, a, b].mean(axis=1), [int(v) for v in np.atleast_1d(answers)])


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


def operand_bits(bits, count=SAMPLE, seed=0):
    """All pairs a >= b up to EXHAUSTIVE_BITS, else `count` random ones drawn with `seed`, as bit
    arrays (N, bits)."""
    if bits <= EXHAUSTIVE_BITS:
        a, b = all_pairs(bits)
        return to_bits(a, bits), to_bits(b, bits)
    return random_operands(bits, count, np.random.default_rng(seed))


def hidden_states(params, a_bits, b_bits):
    """Hidden state after every step for many problems: (N, T) inputs -> (N, T, H)."""
    with np.errstate(**QUIET):
        return np.stack(list(hidden_steps(params, a_bits, b_bits)), axis=1)


def borrow_correlation(params, bits):
    """Pearson correlation of each hidden unit (after step t) with the true borrow out of step t,
    over all pairs a >= b (SAMPLE random ones above EXHAUSTIVE_BITS) and all steps: (H,); here
    (see `correlation_steps`). A unit that never varies scores 0."""
    return stepping.run(correlation_steps(params, bits))


def correlation_steps(params, bits, per_step=CORRELATION_PAIRS):
    """`borrow_correlation` as rnn.steps: two passes over the recurrence (the means, then the
    centred sums), each over `per_step` pairs at a time, so one step keeps one step's states of
    those pairs in memory, not every step's; `done` counts pieces."""
    a_bits, b_bits = operand_bits(bits)
    borrow = subtract_bits(a_bits, b_bits)[1].astype(np.float64)  # (N, T)
    pieces = stepping.chunks(len(borrow), per_step)
    total = 2 * len(pieces)
    sums = np.zeros(params.hidden)
    for k, (i, j) in enumerate(pieces):
        sums += yield Step(state_sums, (params, a_bits[i:j], b_bits[i:j]), k + 1, total)
    mean = sums / borrow.size  # (H,)
    target = borrow - borrow.mean()
    products, squares = np.zeros(params.hidden), np.zeros(params.hidden)
    for k, (i, j) in enumerate(pieces):
        product, square = yield Step(centred_sums, (params, a_bits[i:j], b_bits[i:j], mean,
                                                    target[i:j]), len(pieces) + k + 1, total)
        products += product
        squares += square
    spread = np.sqrt(squares * (target ** 2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = products / spread
    return np.nan_to_num(correlation)


def state_sums(params, a_bits, b_bits):
    """Each unit's state summed over these problems and every step: (H,)."""
    with np.errstate(**QUIET):
        return sum(h.sum(axis=0) for h in hidden_steps(params, a_bits, b_bits))


def centred_sums(params, a_bits, b_bits, mean, target):
    """Over these problems and every step: each unit's centred state times the centred borrow,
    and its centred state squared, summed: ((H,), (H,))."""
    products, squares = np.zeros(params.hidden), np.zeros(params.hidden)
    with np.errstate(**QUIET):
        for t, h in enumerate(hidden_steps(params, a_bits, b_bits)):
            centred = h - mean  # (N, H)
            products += target[:, t] @ centred
            squares += (centred ** 2).sum(axis=0)
    return products, squares


def ablation(params, bits):
    """Exact-match accuracy with each hidden unit silenced in turn (its state set to 0 after every
    step): (H,), each scored by `score_width`; here (see `ablation_steps`)."""
    return stepping.run(ablation_steps(params, bits))


def ablation_steps(params, bits):
    """`ablation` as rnn.steps, one unit per step; `done` counts units."""
    accuracy = np.empty(params.hidden)
    for unit in range(params.hidden):
        accuracy[unit] = yield Step(ablated_accuracy, (params, bits, unit), unit + 1,
                                    params.hidden)
    return accuracy


def ablated_accuracy(params, bits, unit):
    """`score_width` accuracy with hidden unit `unit` silenced."""
    keep = np.ones(params.hidden)
    keep[unit] = 0.0
    return score_width(params, bits, keep).accuracy


def length_generalisation(params, widths=(8, 16, 32, 64, 128, 256)):
    """Exact-match accuracy at each width by the project's one scoring rule
    (`evaluate.score_width`: every pair up to EXHAUSTIVE_BITS, else RANDOM_PAIRS random pairs
    seeded by the width), so a net's bar at its own width is its final accuracy:
    {width: accuracy}; here (see `length_steps`)."""
    return stepping.run(length_steps(params, widths))


def length_steps(params, widths=(8, 16, 32, 64, 128, 256)):
    """`length_generalisation` as rnn.steps, one width per step; `done` counts widths."""
    found = {}
    for done, width in enumerate(widths, start=1):
        found[width] = yield Step(accuracy_of, (params, width), done, len(widths))
    return found


def neuron_trace(params, a, b, bits, unit):
    """Hidden unit `unit`'s state after each step of the problem a - b, beside the true borrow out
    of each step: ((T,), (T,))."""
    a_bits, b_bits = to_bits(a, bits), to_bits(b, bits)
    target, borrow = subtract_bits(a_bits, b_bits)
    trace = forward(params, a_bits, b_bits, target)
    return trace.hidden[1:, unit].copy(), borrow
