"""Accuracy over a training run: snapshots scored by the one scoring rule (`score_width`), and the
first snapshot at 100 %."""
from dataclasses import dataclass

import numpy as np

from .evaluate import Score, first_perfect, score_width

CURVE_POINTS = 25  # a run's curve is scored at CURVE_POINTS + 1 snapshots spread over it (and more)


@dataclass
class Curve:
    iterations: np.ndarray  # (K,) iterations of the scored snapshots, ascending
    accuracy: np.ndarray  # (K,) exact-match accuracy at those snapshots
    final: Score  # rnn.evaluate.Score of the final weights (result.params)
    first_perfect: int | None  # first snapshot iteration at 100 %, at the snapshots' resolution


def accuracy_curve(result, progress=None):
    """Score a run (rnn.training.TrainResult) over its S snapshots, with `score_width`.

    Scored in full, and so on the curve: (1) the min(S, CURVE_POINTS + 1) distinct snapshots at
    indices i * (S - 1) // CURVE_POINTS, i = 0 .. CURVE_POINTS, the first and the last among them;
    (2) in order from the first snapshot up to the first at 100 %, every snapshot that gets all
    SCREEN_PAIRS screening pairs right (`evaluate.first_perfect`; the others cannot be at 100 %).
    So `first_perfect` is the iteration of the first of all S snapshots whose score is 100 %, or
    None when none is. The final weights are scored too (`final`); they are the last snapshot
    unless the run was cancelled or diverged. `progress()`, if given, is called after each score
    (a caller that shares the CPU gives others a turn there).
    """
    bits, snapshots = result.config.bits, result.snapshots
    scored = {}  # snapshot index -> accuracy

    def accuracy(index):
        if index not in scored:
            scored[index] = score_width(snapshots[index], bits).accuracy
            if progress is not None:
                progress()
        return scored[index]
    for i in range(CURVE_POINTS + 1):
        accuracy(i * (len(snapshots) - 1) // CURVE_POINTS)
    first = first_perfect(snapshots, bits, accuracy)
    order = sorted(scored)
    return Curve(result.snapshot_iterations[order], np.array([scored[i] for i in order]),
                 score_width(result.params, bits),
                 None if first is None else int(result.snapshot_iterations[first]))
