"""Sweeps: many configurations trained side by side (rnn.batch), then, for each, the first
checkpoint at which it answers every problem right."""
import time
from dataclasses import dataclass

import numpy as np

from .batch import BatchTraining
from .evaluate import expected_bits, predict_bits, random_operands, score_all_pairs, score_random

CHECKPOINTS = 40  # checkpoints per sweep run: the resolution of "first at 100 %"
SCREEN_PAIRS = 512  # random pairs that screen a checkpoint before it is scored on all pairs
EXHAUSTIVE_BITS = 8  # widths verified on all pairs; wider ones on VERIFY_PAIRS random pairs
VERIFY_PAIRS = 2_000


@dataclass
class SweepResult:
    configs: list  # TrainConfig per model
    first_perfect: list  # first checkpoint iteration at 100 %, or None, per model
    final_accuracy: np.ndarray  # (M,) exact-match accuracy of the final weights
    checkpoint_every: int
    seconds: float


def perfect(params, bits):
    if bits <= EXHAUSTIVE_BITS:
        return score_all_pairs(params, bits).accuracy == 1.0
    return score_random(params, bits, VERIFY_PAIRS, seed=bits).accuracy == 1.0


def first_perfect(iterations, checkpoints, bits, screen):
    """The first checkpoint whose weights get every problem right. A cheap screen on a few random
    pairs skips the checkpoints that cannot be perfect; the rest are scored in full."""
    a_bits, b_bits, truth = screen
    for iteration, params in zip(iterations, checkpoints):
        if (predict_bits(params, a_bits, b_bits) == truth).all() and perfect(params, bits):
            return int(iteration)
    return None


def run_sweep(configs, progress=None, chunk=500):
    """Train `configs` (same bits and iterations) side by side; `progress(done, total)` may
    return False to stop (then None is returned)."""
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
    a_bits, b_bits = random_operands(bits, SCREEN_PAIRS, np.random.default_rng(1))
    screen = (a_bits, b_bits, expected_bits(a_bits, b_bits))
    firsts = [first_perfect(result.checkpoint_iterations, [c[m] for c in result.checkpoints],
                            bits, screen) for m in range(len(configs))]
    final = np.array([score_all_pairs(p, bits).accuracy if bits <= EXHAUSTIVE_BITS else
                      score_random(p, bits, VERIFY_PAIRS, seed=bits).accuracy
                      for p in result.params])
    return SweepResult(configs, firsts, final, every, time.perf_counter() - started)
