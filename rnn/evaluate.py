"""How well a trained net subtracts: the net run on many problems at once, scored against plain
arithmetic (`bits.subtract_bits`, checked against Python's own a - b in the tests).

For a < b the net still runs bit by bit and borrows out of the top bit, which is dropped: its answer
is the bits of (a - b) mod 2**n, the n-bit two's complement of the negative result. That is what
`expected_bits` and every score here compare against.

The one scoring rule of the project (`score_width`, used by rnn.sweep, rnn.curve, rnn.analysis and
the app): every pair a >= b when the width is at most EXHAUSTIVE_BITS, else RANDOM_PAIRS random
pairs drawn with the width as seed, so the same weights always get the same score.

Weights so large that exp overflows (the sigmoid is then exactly 0 or 1) or that are no longer
finite (a diverged run) are scored without warnings; a NaN output reads as bit 0.
"""
import functools
from dataclasses import dataclass

import numpy as np

from .bits import subtract_bits, to_bits
from .model import INITIAL_HIDDEN, sigmoid

EXHAUSTIVE_BITS = 8  # widths scored on every pair a >= b; wider ones on RANDOM_PAIRS random pairs
RANDOM_PAIRS = 1_000
SCREEN_PAIRS = 512  # `first_perfect` scores weights in full only if they get these right first
MAX_EXHAUSTIVE_BITS = 10  # the widest `all_pairs` and `correctness_grid` enumerate (524,800 pairs)
BATCH = 65_536  # problems run through the net at once
QUIET = {"over": "ignore", "invalid": "ignore"}  # np.errstate for huge or non-finite weights


def hidden_steps(params, a_bits, b_bits, keep=None):
    """The recurrence over many problems at once: yields h_{t+1} = sigmoid(x_t @ synapse_0 +
    h_t @ synapse_h) (N, H) for t = 0 .. T - 1, from h_0 = INITIAL_HIDDEN. (N, T) inputs.

    `keep` (H,) multiplies the hidden state after every step: 0 silences a unit (ablation).
    Run it inside np.errstate(**QUIET) when the weights may be huge."""
    h = np.full((len(a_bits), params.hidden), INITIAL_HIDDEN)  # (N, H)
    for t in range(a_bits.shape[1]):
        x = np.stack([a_bits[:, t], b_bits[:, t]], axis=1).astype(np.float64)  # (N, 2)
        h = sigmoid(x @ params.synapse_0 + h @ params.synapse_h)
        if keep is not None:
            h = h * keep
        yield h


def predict_proba(params, a_bits, b_bits, keep=None):
    """The net's output probability for every bit of many problems, BATCH problems at a time.
    (N, T) inputs -> (N, T). `keep` as in `hidden_steps`."""
    a_bits, b_bits = np.atleast_2d(a_bits), np.atleast_2d(b_bits)
    out = np.empty(a_bits.shape)  # (N, T)
    with np.errstate(**QUIET):
        for start in range(0, len(a_bits), BATCH):
            part = slice(start, start + BATCH)
            for t, h in enumerate(hidden_steps(params, a_bits[part], b_bits[part], keep)):
                out[part, t] = sigmoid(h @ params.synapse_1)[:, 0]
    return out


def predict_bits(params, a_bits, b_bits, keep=None):
    """Predicted bits: 1 where the output is above 0.5 (as np.round, 0.5 goes to 0; NaN gives 0)."""
    return (predict_proba(params, a_bits, b_bits, keep) > 0.5).astype(np.uint8)


def expected_bits(a_bits, b_bits):
    """The right answer's bits: (a - b) mod 2**n."""
    return subtract_bits(a_bits, b_bits)[0]


@dataclass
class Score:
    pairs: int  # problems scored
    bits: int  # operand width
    correct: int  # problems with every bit right
    per_bit: np.ndarray  # (bits,) share of problems with bit t right, least significant first
    exhaustive: bool  # True when every pair a >= b of the width was scored

    @property
    def accuracy(self):
        return self.correct / self.pairs if self.pairs else 0.0


def score(params, a_bits, b_bits, exhaustive=False, keep=None):
    right = predict_bits(params, a_bits, b_bits, keep) == expected_bits(a_bits, b_bits)  # (N, T)
    return Score(len(right), right.shape[1], int(right.all(axis=1).sum()), right.mean(axis=0),
                 exhaustive)


def all_pairs(bits):
    """Every pair a >= b of `bits`-bit numbers, as two int64 arrays (a rises, then b)."""
    if not 1 <= bits <= MAX_EXHAUSTIVE_BITS:
        raise ValueError(f"all pairs are enumerated up to {MAX_EXHAUSTIVE_BITS} bits")
    a, b = np.tril_indices(2**bits)
    return a.astype(np.int64), b.astype(np.int64)


def correctness_grid(params, bits, keep=None):
    """Which bits the net gets right for every pair (a, b) of `bits`-bit numbers, a < b included.

    Returns a bool array (bits, 2**bits, 2**bits): [t, a, b] is True when output bit t is right.
    Step t only sees the low t + 1 bits of a and b, so the net runs once per distinct low part
    (`_by_low_parts`). `keep` silences hidden units as in `predict_proba`.
    """
    _check_exhaustive(bits)
    size = 2**bits
    right = np.empty((bits, size, size), dtype=bool)
    with np.errstate(**QUIET):
        for t, _, ok in _by_low_parts(params, bits, keep):
            right[t] = np.tile(ok, (size // len(ok),) * 2)
    return right


def score_all_pairs(params, bits, keep=None):
    """Exact-match accuracy over all 2**(bits - 1) * (2**bits + 1) pairs a >= b.

    The bits below the top one come from `_by_low_parts`, whose last and largest step (three
    quarters of its work) would cover every pair a < b too; the top step runs on the pairs a >= b
    alone, half of all. By their top bits (a_top, b_top) those are every pair of low parts for
    (1, 0), the low parts with a_low >= b_low for (0, 0) and (1, 1), and none for (0, 1).
    """
    _check_exhaustive(bits)
    with np.errstate(**QUIET):
        return _score_all_pairs(params, bits, keep)


def _check_exhaustive(bits):
    if not 1 <= bits <= MAX_EXHAUSTIVE_BITS:
        raise ValueError(f"all pairs are enumerated up to {MAX_EXHAUSTIVE_BITS} bits")


def _negated_inputs(params):
    """-(x @ synapse_0) for the four inputs x = (a_t, b_t): (2, 2, H) indexed [a_t, b_t]."""
    inputs = np.array([[[a, b] for b in (0, 1)] for a in (0, 1)], dtype=np.float64)  # (2, 2, 2)
    return inputs @ -params.synapse_0


def _sigmoid_of_negated(z, keep):
    """z holds -(pre-activation); in place: z = sigmoid(pre-activation) (as model.sigmoid has it,
    1 / (1 + exp(-x))), then times `keep`. Negating the weights instead of the sums is exact."""
    np.exp(z, out=z)
    np.add(1, z, out=z)
    np.divide(1, z, out=z)
    if keep is not None:
        np.multiply(z, keep, out=z)


def _output_bit(states, params):
    """Output bits of hidden states (..., H) -> (...) bool, as `predict_bits` reads them."""
    return sigmoid(states @ params.synapse_1)[..., 0] > 0.5


def _by_low_parts(params, bits, keep):
    """For t = 0 .. bits - 1: (t, states, ok) with the hidden states h_{t+1} (2**(t+1),
    2**(t+1), H) of every pair of low parts (a mod 2**(t+1), b mod 2**(t+1)) and whether output
    bit t is right for each (2**(t+1), 2**(t+1)) bool: 4**(t + 1) states at step t instead of
    4**bits, with the formulas of `predict_proba` (the tests check that both mark the same bits
    right). `states` lives in a buffer the next step overwrites (fresh arrays of this size would
    cost more in page faults than in arithmetic). Run it inside np.errstate(**QUIET)."""
    size, hidden = 2**bits, params.hidden
    from_input = _negated_inputs(params)
    minus_recurrent = -params.synapse_h
    states_buffer = np.empty(size * size * hidden)
    recurrent_buffer = np.empty(size * size * hidden // 4)
    states = np.full((1, 1, hidden), INITIAL_HIDDEN)
    for t in range(bits):
        low = 2**t
        recurrent = recurrent_buffer[:low * low * hidden].reshape(low, low, hidden)
        np.matmul(states, minus_recurrent, out=recurrent)
        # new index a = a_t * low + a_low: axes (a_t, a_low, b_t, b_low)
        z = states_buffer[:4 * low * low * hidden].reshape(2, low, 2, low, hidden)
        np.add(from_input[:, None, :, None, :], recurrent[None, :, None, :, :], out=z)
        _sigmoid_of_negated(z, keep)
        states = z.reshape(2 * low, 2 * low, hidden)
        values = np.arange(2 * low)
        expected = ((values[:, None] - values[None, :]) >> t) & 1  # bit t of a - b
        yield t, states, _output_bit(states, params) == expected.astype(bool)


@functools.lru_cache(maxsize=MAX_EXHAUSTIVE_BITS)
def _top_step_pairs(bits):
    """The pairs a >= b in the order `_score_all_pairs` runs its top step: the flat index x * half
    + y of the low parts a_low >= b_low (the segments (0, 0) and (1, 1)); the top bit of a - b for
    every pair; the flat index of every pair's low parts; how many pairs a >= b have each pair of
    low parts. Read-only, made once per width."""
    top, half = bits - 1, 2**(bits - 1)
    x, y = np.tril_indices(half)
    every_x, every_y = np.divmod(np.arange(half * half), half)
    a = np.concatenate([half + every_x, x, half + x])
    b = np.concatenate([every_y, y, half + y])
    # how many pairs a >= b have these low parts: one with top bits (1, 0), and when
    # a_low >= b_low two more, with top bits (0, 0) and (1, 1)
    weight = 1 + 2 * np.tri(half, dtype=np.int64)
    arrays = (x * half + y, (((a - b) >> top) & 1).astype(bool), (a % half) * half + b % half,
              weight)
    for array in arrays:
        array.flags.writeable = False
    return arrays


def _score_all_pairs(params, bits, keep):
    top, half, hidden = bits - 1, 2**(bits - 1), params.hidden
    states = np.full((1, 1, hidden), INITIAL_HIDDEN)
    below = np.ones((half, half), dtype=bool)  # every bit below the top right, by low parts
    per_bit = np.empty(bits)
    x_y, expected, low, weight = _top_step_pairs(bits)
    for t, states, ok in _by_low_parts(params, top, keep):
        ok = np.tile(ok, (half // len(ok),) * 2)
        below &= ok
        per_bit[t] = (weight * ok).sum()
    # the top step, pair a >= b by pair: low parts (x, y), segments (1, 0), (0, 0), (1, 1)
    recurrent = (states.reshape(-1, hidden) @ -params.synapse_h).reshape(half * half, hidden)
    triangle = recurrent[x_y]  # (half (half + 1) / 2, H)
    from_input = _negated_inputs(params)
    z = np.empty((len(expected), hidden))
    parts = np.split(z, [half * half, half * half + len(x_y)])
    np.add(from_input[1, 0], recurrent, out=parts[0])
    np.add(from_input[0, 0], triangle, out=parts[1])
    np.add(from_input[1, 1], triangle, out=parts[2])
    _sigmoid_of_negated(z, keep)
    right = _output_bit(z, params) == expected
    per_bit[top] = right.sum()
    correct = int((right & below.ravel()[low]).sum())
    pairs = len(expected)
    return Score(pairs, bits, correct, per_bit / pairs, True)


def random_operands(bits, count, rng):
    """`count` random pairs a >= b of `bits`-bit numbers (any width), as bit arrays (N, bits):
    every bit uniform, then swapped where a < b."""
    a = rng.integers(0, 2, size=(count, bits), dtype=np.uint8)
    b = rng.integers(0, 2, size=(count, bits), dtype=np.uint8)
    a_smaller = subtract_bits(a, b)[1][:, -1].astype(bool)  # borrow out of the top bit
    a[a_smaller], b[a_smaller] = b[a_smaller], a[a_smaller].copy()
    return a, b


def score_random(params, bits, count=1000, seed=0, keep=None):
    """Exact-match accuracy on random pairs a >= b of any width, e.g. 64, 128 or 256 bits."""
    a, b = random_operands(bits, count, np.random.default_rng(seed))
    return score(params, a, b, keep=keep)


def scoring_pairs(bits):
    """The pairs a >= b that `score_width` scores, as bit arrays (N, bits): all of them when
    bits <= EXHAUSTIVE_BITS, else RANDOM_PAIRS random pairs drawn with seed `bits`."""
    if bits <= EXHAUSTIVE_BITS:
        a, b = all_pairs(bits)
        return to_bits(a, bits), to_bits(b, bits)
    return random_operands(bits, RANDOM_PAIRS, np.random.default_rng(bits))


def score_width(params, bits, keep=None):
    """Exact-match accuracy on the pairs of `scoring_pairs(bits)`: the project's one scoring rule.
    `keep` silences hidden units as in `predict_proba`."""
    if bits <= EXHAUSTIVE_BITS:
        return score_all_pairs(params, bits, keep)  # the same pairs, prefix-shared
    return score(params, *scoring_pairs(bits), keep=keep)


def screen(snapshots, bits):
    """Whether each of `snapshots` gets SCREEN_PAIRS of the very pairs `score_width` scores (fixed
    for the width) right: weights that miss one of them cannot score 100 %. (S,) bool"""
    a_bits, b_bits, truth = _screen_pairs(bits)
    return np.array([(predict_bits(params, a_bits, b_bits) == truth).all()
                     for params in snapshots], dtype=bool)


@functools.lru_cache(maxsize=16)
def _screen_pairs(bits):
    """The pairs `screen` checks, and their answers' bits: read-only, made once per width."""
    a_bits, b_bits = scoring_pairs(bits)
    chosen = np.random.default_rng(bits).choice(len(a_bits), min(SCREEN_PAIRS, len(a_bits)),
                                                replace=False)
    arrays = (a_bits[chosen], b_bits[chosen], expected_bits(a_bits[chosen], b_bits[chosen]))
    for array in arrays:
        array.flags.writeable = False
    return arrays


def accuracy_of(params, bits):
    """`score_width(params, bits).accuracy`."""
    return score_width(params, bits).accuracy


def accuracies_of(snapshots, bits):
    """`accuracy_of` each of `snapshots`: (S,)"""
    return np.array([accuracy_of(params, bits) for params in snapshots], dtype=np.float64)


def first_perfect(snapshots, bits):
    """Index of the first weights in `snapshots` whose `score_width` accuracy is 100 %, or None:
    only those that pass `screen` are scored in full."""
    for index in np.flatnonzero(screen(snapshots, bits)):
        if accuracy_of(snapshots[index], bits) == 1.0:
            return int(index)
    return None


def answer(params, a, b, bits):
    """The net's answer to one problem (Python ints of any size): its probabilities and bits."""
    a_bits, b_bits = to_bits(a, bits), to_bits(b, bits)
    proba = predict_proba(params, a_bits[None], b_bits[None])[0]
    return proba, (proba > 0.5).astype(np.uint8)
