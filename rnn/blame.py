"""Who is to blame: the backward pass of one problem in the terms of the backprop page's picture,
and two views over it: how far the last bit's error reaches back (the vanishing gradient), and
each step's share of the update at every snapshot of a run (a time-lapse of training). Built on
rnn.model's forward and backward, the pass that training runs; rnn.replay lays the same pass out.

Terms. Step t reads bit t of a and b, writes bit t of the answer and leaves the hidden state
h_{t+1} (the trace's hidden[t + 1]). The blame on that state is -dL/dh_{t+1}, with
L = 1/2 sum_t (y_t - out_t)^2: how hard the errors push on it, and which way. model.backward
builds it from two parts, its `from_output` and `from_future`:
    own_t   = layer_2_delta_t * synapse_1ᵀ        the error of this step's own output bit
    later_t = layer_1_delta_{t+1} @ synapse_hᵀ    the errors of the later steps, sent back
and then layer_1_delta_t = (own_t + later_t) * slope_t. A step's piece of a weight's update is
(what fed the weight at that step) x (the delta it fed); over the steps the pieces add up to the
book's synapse_*_update.
"""
from dataclasses import dataclass, replace

import numpy as np

from . import steps as stepping
from .bits import subtract_bits, to_bits
from .model import WEIGHT_NAMES, backward, forward
from .replay import Replay, replay
from .steps import Step

PER_STEP = 50  # snapshots of a time-lapse per step of `time_lapse_steps`


@dataclass
class Blame:
    """The blame on the hidden state each step leaves, in its two parts."""
    own: np.ndarray  # (T, H) from this step's own output bit (model.backward's from_output)
    later: np.ndarray  # (T, H) from the later steps (model.backward's from_future)

    @property
    def total(self):
        """-dL/dh_{t+1} per step. (T, H)"""
        return self.own + self.later

    @property
    def size(self):
        """How big each step's blame is (Euclidean length). (T,)"""
        return np.linalg.norm(self.total, axis=1)

    @property
    def own_size(self):
        return np.linalg.norm(self.own, axis=1)

    @property
    def later_size(self):
        return np.linalg.norm(self.later, axis=1)

    @property
    def share(self):
        """Each step's part of all the blame: size / sum of sizes (0 everywhere when there is
        no blame at all). (T,)"""
        return shares(self.size)

    @property
    def own_part(self):
        """How much of the push on each step comes from its own bit rather than from later
        steps: own size / (own size + later size), 0 where both are 0. (T,)"""
        both = self.own_size + self.later_size
        return np.divide(self.own_size, both, out=np.zeros_like(both), where=both > 0)


def shares(sizes):
    """`sizes` divided by their sum; zeros when the sum is 0."""
    sizes = np.asarray(sizes, dtype=float)
    total = sizes.sum(axis=-1, keepdims=True)
    return np.divide(sizes, total, out=np.zeros_like(sizes), where=total > 0)


def blame(back):
    """The blame of a backward pass (model.Backward)."""
    return Blame(back.from_output, back.from_future)


def update_pieces(trace, back):
    """Each step's piece of the three weight updates, {name: (T, *weight shape)}: input x delta,
    as model.backward adds them up (summed over the steps: the book's synapse_*_update)."""
    return {
        "synapse_0": trace.inputs[:, :, None] * back.hidden_delta[:, None, :],  # (T, 2, H)
        "synapse_h": trace.hidden[:-1, :, None] * back.hidden_delta[:, None, :],  # (T, H, H)
        "synapse_1": trace.hidden[1:, :, None] * back.output_delta[:, None, None],  # (T, H, 1)
    }


def update_share(pieces):
    """Each step's share of the update: the size (Euclidean, over all three matrices) of its
    pieces, divided by the sum of those sizes over the steps. (T,)"""
    squares = sum((pieces[name] ** 2).reshape(len(pieces[name]), -1).sum(axis=1)
                  for name in WEIGHT_NAMES)
    return shares(np.sqrt(squares))


@dataclass
class MovedWeight:
    """The weight of one matrix that one SGD step moves most."""
    name: str  # the book's name of its matrix: synapse_0, synapse_h or synapse_1
    index: tuple  # (row, column) in that matrix: (input or unit it comes from, unit it feeds)
    update: float  # its entry of the book's synapse_*_update; the step adds alpha times this
    pieces: np.ndarray  # (T,) each step's part of `update`


def most_moved(back, pieces):
    """For each weight matrix, its weight with the largest update in size."""
    moved = []
    for name in WEIGHT_NAMES:
        update = getattr(back, f"{name}_update")
        index = np.unravel_index(int(np.argmax(np.abs(update))), update.shape)
        index = tuple(int(i) for i in index)
        moved.append(MovedWeight(name, index, float(update[index]),
                                 pieces[name][(slice(None), *index)]))
    return moved


@dataclass
class Walk:
    """One problem laid out for the picture of the backprop page: forward, backward and one SGD
    step (rnn.replay), the blame per step, each step's share of the update, the weights that
    move most."""
    shown: Replay
    blame: Blame
    update_share: np.ndarray  # (T,)
    moved: list  # MovedWeight per matrix, in WEIGHT_NAMES order

    @property
    def steps(self):
        return len(self.shown.borrow)

    @property
    def borrow_in(self):
        """The true borrow pending when each step starts (the previous step's borrow out). (T,)"""
        return np.concatenate([[0], self.shown.borrow[:-1]]).astype(int)

    @property
    def most_blamed(self):
        """The step whose hidden state gets the most blame."""
        return int(np.argmax(self.blame.size))

    @property
    def hand_step(self):
        """The step with the largest output delta in size: the one worked out by hand."""
        return int(np.argmax(np.abs(self.shown.back.output_delta)))


def walk(params, a, b, bits, alpha):
    """The Walk of the problem a - b at `bits` bits."""
    shown = replay(params, a, b, bits, alpha)
    pieces = update_pieces(shown.trace, shown.back)
    return Walk(shown, blame(shown.back), update_share(pieces), most_moved(shown.back, pieces))


def last_step_reach(params, trace):
    """|dL_T/dh_{t+1}| for every step t, where L_T = 1/2 (y_T - out_T)^2 is the error of the
    last step alone: how strongly the last bit's error reaches back to the state each step left.
    (T,)

    Made with model.backward on a copy of the trace in which every other step's error is 0: the
    output deltas vanish there, so all that reaches step t comes from the last step."""
    error = np.zeros_like(trace.error)
    error[-1] = trace.error[-1]
    back = backward(params, replace(trace, error=error))
    return np.linalg.norm(back.from_output + back.from_future, axis=1)


def problem_reach(params, a, b, bits):
    """`last_step_reach` on the problem a - b: (reach (T,), the net's output bits (T,), the true
    bits (T,))."""
    a_bits, b_bits = to_bits(a, bits), to_bits(b, bits)
    target = subtract_bits(a_bits, b_bits)[0]
    trace = forward(params, a_bits, b_bits, target)
    return last_step_reach(params, trace), trace.prediction, target


def fade_per_step(reach):
    """How many times weaker the reach gets per step back, as a geometric mean from the last
    step to the first: (reach[-1] / reach[0]) ** (1 / (T - 1)). Below 1 when it grows on the
    way back; inf when it falls to 0 in float64; nan with one step or no error at the last."""
    reach = np.asarray(reach, dtype=float)
    if len(reach) < 2 or reach[-1] == 0:
        return float("nan")
    if reach[0] == 0:
        return float("inf")
    return float(np.exp((np.log(reach[-1]) - np.log(reach[0])) / (len(reach) - 1)))


@dataclass
class TimeLapse:
    """One problem through a run: at every snapshot, each step's share of the update the net of
    that snapshot would make on it, and which bits it gets right."""
    iterations: np.ndarray  # (S,) iteration of each snapshot
    share: np.ndarray  # (S, T) update_share at each snapshot
    right: np.ndarray  # (S, T) bool: the snapshot's net writes bit t right
    learned_at: np.ndarray  # (T,) iteration from which bit t is right at every later snapshot;
    # -1 when the last snapshot gets it wrong


def right_for_good(right, iterations):
    """Per step, the first iteration from which `right` (S, T) holds at every later snapshot,
    -1 where it does not hold at the last. (T,)"""
    for_good = np.logical_and.accumulate(right[::-1], axis=0)[::-1]  # right here and after
    first = np.argmax(for_good, axis=0)  # the first True (the rows are False..., True...)
    return np.where(for_good[-1], np.asarray(iterations)[first], -1)


def time_lapse(snapshots, iterations, a, b, bits):
    """The TimeLapse of the problem a - b over `snapshots` (Params at `iterations`), here."""
    return stepping.run(time_lapse_steps(snapshots, iterations, a, b, bits))


def time_lapse_steps(snapshots, iterations, a, b, bits, per_step=PER_STEP):
    """`time_lapse` as rnn.steps, `per_step` snapshots per step; `done` counts snapshots."""
    share, right = [], []
    for start, stop in stepping.chunks(len(snapshots), per_step):
        part = yield Step(lapse_part, (snapshots[start:stop], a, b, bits), stop, len(snapshots))
        share.append(part[0])
        right.append(part[1])
    iterations = np.asarray(iterations)
    right = np.concatenate(right) if right else np.zeros((0, bits), dtype=bool)
    share = np.concatenate(share) if share else np.zeros((0, bits))
    return TimeLapse(iterations, share, right, right_for_good(right, iterations))


def lapse_part(snapshots, a, b, bits):
    """Each snapshot's update_share (k, T) on a - b, and whether it writes each bit right (k, T)."""
    a_bits, b_bits = to_bits(a, bits), to_bits(b, bits)
    target = subtract_bits(a_bits, b_bits)[0]
    share = np.empty((len(snapshots), bits))
    right = np.empty((len(snapshots), bits), dtype=bool)
    for s, params in enumerate(snapshots):
        trace = forward(params, a_bits, b_bits, target)
        share[s] = update_share(update_pieces(trace, backward(params, trace)))
        right[s] = trace.prediction == target
    return share, right
