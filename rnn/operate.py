"""Operating on a trained net: switch hidden units off, set one weight, and train on from there.

A unit switched off keeps computing its own state, but nothing reads it: its row of synapse_h
(what it passes to the next step) and of synapse_1 (what it gives the output) are zero, which is
what rnn.evaluate's `keep` mask does to its state. `train_on` then trains the edited net further
by the listing's per-sample SGD (rnn.training.advance) on a fresh random stream, so a visitor can
watch training repair the damage.
"""
import dataclasses

import numpy as np

from .evaluate import score_width
from .training import Point, advance

MATRICES = ("synapse_0", "synapse_h", "synapse_1")
POINTS = 20  # snapshots scored along a training on


def edited(params, off=(), weight=None):
    """A copy of `params` with the hidden units `off` switched off and, if `weight` is
    (matrix name, row, column, value), that weight set."""
    arrays = {name: getattr(params, name).copy() for name in MATRICES}
    for unit in off:
        arrays["synapse_h"][unit, :] = 0.0
        arrays["synapse_1"][unit, :] = 0.0
    if weight is not None:
        name, row, column, value = weight
        arrays[name][row, column] = value
    return type(params)(**arrays)


@dataclasses.dataclass
class TrainedOn:
    iterations: np.ndarray  # (P,) iterations trained on, 0 first
    accuracy: np.ndarray  # (P,) score_width accuracy there
    errors: np.ndarray  # (n,) overallError of every iteration trained on
    params: object  # the weights at the end
    status: str  # "done" or "diverged"


def train_on(config, params, iterations, seed):
    """`params` trained `iterations` more iterations at `config`'s learning rate, width and
    sampling, on the random stream of `seed`, scored at POINTS + 1 points."""
    config = dataclasses.replace(config, iterations=iterations)
    every = max(1, iterations // POINTS)
    start = Point(0, params, np.random.RandomState(seed).get_state(), "running")
    segment = advance(config, start, iterations, snapshot_every=every)
    kept = [(0, params)] + list(zip(segment.snapshot_iterations, segment.snapshots))
    accuracy = [score_width(weights, config.bits).accuracy for _, weights in kept]
    return TrainedOn(np.array([i for i, _ in kept]), np.array(accuracy), segment.errors,
                     segment.end.params, segment.end.status)
