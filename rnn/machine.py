"""The machine a trained net learned: its hidden states, clustered, read as a finite state machine
(the extraction of automata from recurrent nets of Omlin and Giles, 1996, by k-means as in many
later papers), and how often that machine agrees with the net and with true subtraction.

`extract(params, bits)` runs the net on every pair a >= b of `bits` bits (at most
EXHAUSTIVE_BITS), clusters the hidden states it visits after each step into k groups (k-means,
seeded), and reads off, for each group and each input bit pair (a_t, b_t), the group the net
most often moves to and the bit it most often writes. The start (every unit at
rnn.model.INITIAL_HIDDEN, one point) is a state of its own; states that behave alike are then
merged (`minimal`). The machine is replayed on every pair, with no net: its agreement with the
net's answers and with a - b is measured, not assumed. k runs from 2 up to MAX_STATES; the
smallest k whose machine agrees with the net on at least AGREE of the pairs is kept, else the
one that agrees most. Each state also records how often the true borrow out of the step that
led there is 1: the borrow state is the one where it nearly always is.
"""
from dataclasses import dataclass

import numpy as np

from .bits import subtract_bits, to_bits
from .evaluate import EXHAUSTIVE_BITS, QUIET, all_pairs, hidden_steps, predict_bits

MAX_STATES = 6  # the most groups tried
AGREE = 0.99  # a machine agreeing with the net on this share of the pairs is small enough
FIT_POINTS = 20_000  # k-means is fitted on this many states drawn at random, then labels all
ROUNDS = 50  # k-means rounds at most
NONE = -1  # an input never seen in a group: no transition


@dataclass
class Machine:
    next: np.ndarray  # (K + 1, 4) the state after reading input a_t + 2 b_t; state K is the start
    output: np.ndarray  # (K + 1, 4) the bit written on that transition (NONE: never seen)
    visits: np.ndarray  # (K + 1,) how many of the net's states fell in each (1 for the start)
    borrow: np.ndarray  # (K + 1,) share of them reached by a step whose true borrow out is 1
    agree_net: float  # share of the pairs on which the replayed machine writes the net's answer
    agree_rule: float  # share on which it writes a - b
    pairs: int  # pairs replayed

    @property
    def start(self):
        return len(self.next) - 1


def extract(params, bits=EXHAUSTIVE_BITS, max_states=MAX_STATES, seed=0):
    """The machine of the smallest k (2 .. max_states) agreeing with the net on AGREE of the
    pairs, else the one agreeing most (see the module's docstring)."""
    if not 1 <= bits <= EXHAUSTIVE_BITS:
        raise ValueError(f"machines are read on every pair, up to {EXHAUSTIVE_BITS} bits")
    a, b = all_pairs(bits)
    a_bits, b_bits = to_bits(a, bits), to_bits(b, bits)
    inputs = a_bits + 2 * b_bits  # (N, T) in 0..3
    truth, borrow = subtract_bits(a_bits, b_bits)
    with np.errstate(**QUIET):
        states = np.stack(list(hidden_steps(params, a_bits, b_bits)), axis=1)  # (N, T, H)
    states = np.nan_to_num(states).reshape(-1, params.hidden)
    net = predict_bits(params, a_bits, b_bits)
    rng = np.random.default_rng(seed)
    sample = states[rng.choice(len(states), min(FIT_POINTS, len(states)), replace=False)]
    best = None
    for k in range(2, max_states + 1):
        labels = nearest(states, kmeans(sample, k, rng)).reshape(a_bits.shape)
        machine = read_machine(labels, inputs, net, borrow, k)
        if best is None or machine.agree_net > best.agree_net:
            best = machine
        if machine.agree_net >= AGREE:
            return machine
    return best


def kmeans(points, k, rng):
    """k centres of `points` (M, H): k-means++ seeding, then Lloyd's rounds until no point moves
    (at most ROUNDS)."""
    centres = [points[rng.integers(len(points))]]
    for _ in range(1, k):
        gap = np.maximum(0, squared_distances(points, np.array(centres)).min(axis=1)
                         + (points**2).sum(axis=1))
        total = gap.sum()
        pick = rng.choice(len(points), p=gap / total) if total > 0 else rng.integers(len(points))
        centres.append(points[pick])
    centres = np.array(centres)
    labels = None
    for _ in range(ROUNDS):
        moved = nearest(points, centres)
        if labels is not None and (moved == labels).all():
            break
        labels = moved
        for group in range(k):
            members = points[labels == group]
            if len(members):
                centres[group] = members.mean(axis=0)
    return centres


def squared_distances(points, centres):
    """|p - c|^2 for every point and centre, less |p|^2 (the same for every centre of a point,
    so the nearest is the same): |c|^2 - 2 p.c, by one matrix product."""
    return (centres**2).sum(axis=1) - 2 * points @ centres.T


def nearest(points, centres):
    """The index of each point's nearest centre."""
    return squared_distances(points, centres).argmin(axis=1)


def read_machine(labels, inputs, net, borrow, k):
    """The machine of groups `labels` (N, T) (the group of the state after each step): for each
    (state, input) the most frequent next group and written bit, then replayed on every pair."""
    start = k
    before = np.concatenate([np.full((len(labels), 1), start), labels[:, :-1]], axis=1)
    key = (before * 4 + inputs).ravel()  # (state, input) of each step
    next_state = np.full((k + 1, 4), NONE)
    output = np.full((k + 1, 4), NONE)
    for code in np.unique(key):
        chosen = key == code
        next_state.flat[code] = np.bincount(labels.ravel()[chosen], minlength=k).argmax()
        output.flat[code] = np.bincount(net.ravel()[chosen], minlength=2).argmax()
    visits = np.append(np.bincount(labels.ravel(), minlength=k), 1)
    borrowed = np.append(np.bincount(labels.ravel(), weights=borrow.ravel(), minlength=k), 0)
    next_state, output, merged = minimal(next_state, output, start)
    visits, borrowed = (np.bincount(merged, weights=w, minlength=len(next_state))
                        for w in (visits, borrowed))
    written = replay(next_state, output, inputs)
    return Machine(next_state, output, visits.astype(np.int64), borrowed / np.maximum(visits, 1),
                   float((written == net).all(axis=1).mean()),
                   float((written == subtract_bits_of(inputs)).all(axis=1).mean()), len(labels))


def minimal(next_state, output, start):
    """The same machine with states that behave alike merged (partition refinement: states with
    the same outputs, then the same outputs and the same blocks to move to, until stable), the
    start's block last: (next, output, the merged index of each old state)."""
    block = np.unique(output, axis=0, return_inverse=True)[1].ravel()
    while True:
        moves = np.where(next_state == NONE, NONE, block[next_state])
        signature = np.concatenate([output, moves, block[:, None]], axis=1)
        refined = np.unique(signature, axis=0, return_inverse=True)[1].ravel()
        if len(set(refined)) == len(set(block)):
            break
        block = refined
    order = [b for b in dict.fromkeys(block) if b != block[start]] + [block[start]]
    index = np.argsort(order)[block]  # the start's block becomes the last state
    count = len(order)
    merged_next, merged_output = np.full((count, 4), NONE), np.full((count, 4), NONE)
    for old in range(len(next_state)):
        target = next_state[old]
        merged_next[index[old]] = np.where(target == NONE, NONE, index[target])
        merged_output[index[old]] = output[old]
    return merged_next, merged_output, index


def replay(next_state, output, inputs):
    """The bits the machine writes for each row of `inputs` (N, T), from its start state; a
    transition it does not have writes NONE and stays."""
    state = np.full(len(inputs), len(next_state) - 1)
    written = np.empty(inputs.shape, dtype=np.int64)
    for t in range(inputs.shape[1]):
        written[:, t] = output[state, inputs[:, t]]
        moved = next_state[state, inputs[:, t]]
        state = np.where(moved == NONE, state, moved)
    return written


def subtract_bits_of(inputs):
    """a - b's bits for inputs coded a_t + 2 b_t."""
    return subtract_bits(inputs % 2, inputs // 2)[0]


def true_machine():
    """The two-state borrow machine of school subtraction, in the same form: state 0 no borrow,
    1 borrow; from (borrow, a_t, b_t) it writes a_t - b_t - borrow mod 2 and borrows when that is
    below 0. Its start is state 0 (no borrow yet)."""
    next_state, output = np.zeros((2, 4), dtype=np.int64), np.zeros((2, 4), dtype=np.int64)
    for borrow in (0, 1):
        for code in range(4):
            value = code % 2 - code // 2 - borrow
            next_state[borrow, code], output[borrow, code] = int(value < 0), value % 2
    return next_state, output

