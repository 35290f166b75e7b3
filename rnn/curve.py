"""Accuracy over a training run: snapshots scored by the one scoring rule (`score_width`), and the
first snapshot at 100 %."""
from dataclasses import dataclass

import numpy as np

from . import steps as stepping
from .evaluate import Score, accuracies_of, accuracy_of, score_width, screen
from .steps import Step

CURVE_POINTS = 25  # a run's curve is scored at CURVE_POINTS + 1 snapshots spread over it (and more)
SCREENS_PER_STEP = 40  # snapshots screened per step (about 0.6 ms each at 32 hidden units)
SCORES_PER_STEP = 6  # snapshots scored in full per step: about 0.04 s at 16 hidden units, and a
# step is a turn in the compute pool's line, so fewer steps wait less on a busy server


@dataclass
class Curve:
    iterations: np.ndarray  # (K,) iterations of the scored snapshots, ascending
    accuracy: np.ndarray  # (K,) exact-match accuracy at those snapshots
    final: Score  # rnn.evaluate.Score of the final weights (result.params)
    first_perfect: int | None  # first snapshot iteration at 100 %, at the snapshots' resolution


def accuracy_curve(result, progress=None):
    """Score a run (rnn.training.TrainResult) over its snapshots, here (see `curve_steps`).
    `progress(done, total)`, if given, is called after each step."""
    return stepping.run(curve_steps(result), progress)


def curve_steps(result):
    """The accuracy curve of a run as rnn.steps, each step the score of the final weights, or the
    scores of up to SCORES_PER_STEP snapshots, or a screen of up to SCREENS_PER_STEP snapshots;
    `done` counts scores and screens, `total` those known so far.

    Scored in full, and so on the curve: (1) the min(S, CURVE_POINTS + 1) distinct snapshots at
    indices i * (S - 1) // CURVE_POINTS, i = 0 .. CURVE_POINTS, the first and the last among them;
    (2) in order from the first snapshot up to the first at 100 %, every snapshot that passes
    `evaluate.screen` (the others cannot be at 100 %); screening stops there. So `first_perfect`
    is the iteration of the first of all S snapshots whose score is 100 %, or None when none is.
    The final weights are scored too (`final`); they are the last snapshot unless the run was
    cancelled or diverged, and then that snapshot's score is `final` itself.
    """
    bits, snapshots = result.config.bits, result.snapshots
    last = len(snapshots) - 1
    fixed = sorted({i * last // CURVE_POINTS for i in range(CURVE_POINTS + 1)})
    final_is_last = result.status == "done" and result.snapshot_iterations[-1] == \
        result.iterations_done
    total = len(fixed) + (0 if final_is_last else 1) + 1
    done, scored, final = 0, {}, None  # scored: snapshot index -> accuracy
    if final_is_last:  # the final weights: one Score serves both
        fixed.remove(last)
        done += 1
        final = yield Step(score_width, (result.params, bits), done, total)
        scored[last] = final.accuracy
    for start in range(0, len(fixed), SCORES_PER_STEP):
        chunk = fixed[start:start + SCORES_PER_STEP]
        done += len(chunk)
        values = yield Step(accuracies_of, ([snapshots[i] for i in chunk], bits), done, total)
        for index, value in zip(chunk, values, strict=True):
            scored[index] = float(value)
    first = None
    for start in range(0, len(snapshots), SCREENS_PER_STEP):
        stop = min(start + SCREENS_PER_STEP, len(snapshots))
        done += 1
        total = max(total, done + 1)
        passed = yield Step(screen, (snapshots[start:stop], bits), done, total)
        for index in start + np.flatnonzero(passed):
            if index not in scored:
                done += 1
                total = max(total, done + 1)
                scored[index] = yield Step(accuracy_of, (snapshots[index], bits), done, total)
            if scored[index] == 1.0:
                first = int(index)
                break
        if first is not None:
            break
    if final is None:
        final = yield Step(score_width, (result.params, bits), total, total)
    order = sorted(scored)
    return Curve(result.snapshot_iterations[order], np.array([scored[i] for i in order]), final,
                 None if first is None else int(result.snapshot_iterations[first]))
