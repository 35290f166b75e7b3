"""Sweeps: many configurations trained side by side (rnn.batch), then, for each, the first
checkpoint at which it answers every problem right, by the one scoring rule (`score_width`)."""
import time
from dataclasses import dataclass

import numpy as np

from . import steps as stepping
from .batch import BatchTraining, advance_batch
from .evaluate import first_perfect, score_width
from .steps import Step

CHECKPOINTS = 40  # checkpoints per sweep run: the resolution of "first at 100 %"


@dataclass
class SweepResult:
    configs: list  # TrainConfig per model
    first_perfect: list  # first checkpoint iteration at 100 %, or None, per model
    final_accuracy: np.ndarray  # (M,) exact-match accuracy of the final weights
    checkpoint_every: int
    seconds: float  # computing time, training and scoring


def checkpoint_every(iterations):
    """Checkpoints every this many iterations: CHECKPOINTS over the run."""
    return max(1, -(-iterations // CHECKPOINTS))


def run_sweep(configs, progress=None, chunk=500):
    """Train `configs` (same bits and iterations) side by side, then score each model, here.
    `progress(done, total)` is called after every step (see `sweep_steps`)."""
    return stepping.run(sweep_steps(configs, chunk), progress)


def sweep_steps(configs, chunk=500):
    """`run_sweep` as rnn.steps: `chunk` iterations of every model per step (or up to the next
    checkpoint, if sooner), then one step per model scoring its checkpoints; `done` counts
    iterations, and stays at the total while the models are scored. Each model's weights are
    those of its lone run (see rnn.batch)."""
    configs = list(configs)
    total, bits = configs[0].iterations, configs[0].bits
    every = checkpoint_every(total)
    training = BatchTraining(configs, every)
    seconds = 0.0
    while not training.done:
        reach = min(total, training.iteration + max(1, chunk),
                    (training.iteration // every + 1) * every)
        segment = yield Step(advance_batch, training.advance_args(chunk), reach, total)
        training.absorb(segment)
        seconds += segment.seconds
    result = training.result()
    firsts, final = [], []
    for m in range(len(configs)):
        first, accuracy, spent = yield Step(
            score_model, ([c[m] for c in result.checkpoints], result.params[m], bits), total,
            total)
        firsts.append(None if first is None else int(result.checkpoint_iterations[first]))
        final.append(accuracy)
        seconds += spent
    return SweepResult(configs, firsts, np.array(final), every, seconds)


def score_model(checkpoints, params, bits):
    """One model of a sweep: (index of its first checkpoint at 100 % or None, the accuracy of its
    final weights, seconds spent)."""
    started = time.perf_counter()
    first = first_perfect(checkpoints, bits)
    accuracy = score_width(params, bits).accuracy
    return first, accuracy, time.perf_counter() - started
