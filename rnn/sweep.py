"""Sweeps: many configurations trained side by side (rnn.batch), then, for each, the first
checkpoint at which it answers every problem right, by the one scoring rule (`score_width`)."""
import time
from dataclasses import dataclass

import numpy as np

from .batch import BatchTraining
from .evaluate import first_perfect, score_width

CHECKPOINTS = 40  # checkpoints per sweep run: the resolution of "first at 100 %"


@dataclass
class SweepResult:
    configs: list  # TrainConfig per model
    first_perfect: list  # first checkpoint iteration at 100 %, or None, per model
    final_accuracy: np.ndarray  # (M,) exact-match accuracy of the final weights
    checkpoint_every: int
    seconds: float


def run_sweep(configs, progress=None, chunk=500):
    """Train `configs` (same bits and iterations) side by side, then score each model.
    `progress(done, total)` is called after every chunk of work (`chunk` iterations, then each
    model's scoring, with done == total) and may return False to stop (then None is returned).
    Checkpoints every ceil(iterations / CHECKPOINTS) iterations; each model's weights are those of
    its lone run (see rnn.batch)."""
    started = time.perf_counter()
    configs = list(configs)
    total, bits = configs[0].iterations, configs[0].bits
    every = max(1, -(-total // CHECKPOINTS))
    training = BatchTraining(configs, every)
    while not training.done:
        training.run(chunk)
        if progress is not None and progress(training.iteration, total) is False:
            return None
    result = training.result()
    firsts, final = [], []
    for m in range(len(configs)):
        first = first_perfect([c[m] for c in result.checkpoints], bits)
        firsts.append(None if first is None else int(result.checkpoint_iterations[first]))
        final.append(score_width(result.params[m], bits).accuracy)
        if progress is not None and progress(total, total) is False:
            return None
    final = np.array(final)
    return SweepResult(configs, firsts, final, every, time.perf_counter() - started)
