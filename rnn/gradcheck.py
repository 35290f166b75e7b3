"""Central differences against back-propagation through time, on one sample.

The book's updates are minus the gradient of L = 1/2 * sum_t (y_t - out_t)^2, so the check compares
(L(w + eps) - L(w - eps)) / (2 eps) with -update for each weight checked: by default every weight
(2 loss evaluations each), or a random sample of `budget` of them.
"""
from dataclasses import dataclass

import numpy as np

from .model import WEIGHT_NAMES, backward, forward

THRESHOLD = 1e-7  # relative error below which back-propagation is taken to be right
PROGRESS_EVERY = 16  # weights checked between two calls of `progress`


@dataclass
class GradCheck:
    numerical: dict  # name -> array, dL/dW by central differences; NaN where not checked
    analytic: dict  # name -> array, dL/dW from BPTT (minus the book's update), every weight
    relative_error: float  # |numerical - analytic| / (|numerical| + |analytic|) over the checked
    checked: int  # weights compared by central differences
    total: int  # weights in the net: 2H + H * H + H
    stopped: bool = False  # `progress` stopped the check before the planned weights were done

    @property
    def passed(self):
        """The check ran to its end and the relative error is below THRESHOLD."""
        return not self.stopped and self.relative_error < THRESHOLD


def loss(params, a_bits, b_bits, target_bits):
    return forward(params, a_bits, b_bits, target_bits).loss


def weights_to_check(sizes, budget=None, seed=0):
    """Flat indices (sorted) into the weights of matrices of `sizes`, laid end to end: all of them
    when `budget` is None or at least their number; else `budget` drawn without replacement by
    np.random.default_rng(seed), at least one of each matrix when the budget allows (the same
    seed gives the same sample)."""
    total = sum(sizes)
    if budget is None or budget >= total:
        return np.arange(total)
    if budget < 1:
        raise ValueError(f"budget must be at least 1, got {budget}")
    random = np.random.default_rng(seed)
    starts = np.cumsum([0, *sizes[:-1]])
    one_of_each = random.permutation(starts + random.integers(0, sizes))[:budget]
    others = np.setdiff1d(np.arange(total), one_of_each)
    more = random.choice(others, budget - len(one_of_each), replace=False)
    return np.sort(np.concatenate([one_of_each, more]))


def gradient_check(params, a_bits, b_bits, target_bits, eps=1e-5, *, budget=None, seed=0,
                   progress=None):
    """Compare BPTT's gradient with central differences on the problem's bits.

    `budget` (None: every weight) caps the weights checked, so at most 2 * budget loss
    evaluations; the sample is drawn with `seed` (see weights_to_check). `progress(done, total)`,
    if given, is called after every PROGRESS_EVERY weights and after the last; if it returns
    False before the last, the check stops there and the result says `stopped` (never `passed`),
    its relative error over the weights checked so far."""
    trace = forward(params, a_bits, b_bits, target_bits)
    updates = backward(params, trace).updates()
    analytic = {name: -getattr(updates, name) for name in WEIGHT_NAMES}
    positions = [(name, index) for name in WEIGHT_NAMES  # the W weights laid end to end
                 for index in np.ndindex(analytic[name].shape)]
    chosen = weights_to_check([analytic[name].size for name in WEIGHT_NAMES], budget, seed)
    numerical = np.full(len(positions), np.nan)  # (W,)
    work, checked, stopped = params.copy(), 0, False
    for checked, flat in enumerate(chosen, start=1):
        numerical[flat] = central_difference(work, *positions[flat], eps, a_bits, b_bits,
                                             target_bits)
        if progress is not None and (checked % PROGRESS_EVERY == 0 or checked == len(chosen)):
            if progress(checked, len(chosen)) is False and checked < len(chosen):
                stopped = True
                break
    flat_analytic = np.concatenate([analytic[name].ravel() for name in WEIGHT_NAMES])  # (W,)
    done = chosen[:checked]
    return GradCheck(_by_name(numerical, analytic), analytic,
                     relative_error(numerical[done], flat_analytic[done]), checked,
                     len(positions), stopped)


def central_difference(work, name, index, eps, a_bits, b_bits, target_bits):
    """(L(w + eps) - L(w - eps)) / (2 eps) for one weight of `work`, restored afterwards."""
    weights = getattr(work, name)
    kept = weights[index]
    weights[index] = kept + eps
    plus = loss(work, a_bits, b_bits, target_bits)
    weights[index] = kept - eps
    minus = loss(work, a_bits, b_bits, target_bits)
    weights[index] = kept
    return (plus - minus) / (2 * eps)


def relative_error(numerical, analytic):
    """|numerical - analytic| / (|numerical| + |analytic|), Euclidean norms; 0 when both are 0."""
    denominator = np.linalg.norm(numerical) + np.linalg.norm(analytic)
    return float(np.linalg.norm(numerical - analytic) / denominator) if denominator else 0.0


def _by_name(flat, like):
    """The matrices' weights laid end to end, (W,), cut back into arrays shaped as `like`'s."""
    ends = np.cumsum([like[name].size for name in WEIGHT_NAMES])
    return {name: part.reshape(like[name].shape)
            for name, part in zip(WEIGHT_NAMES, np.split(flat, ends[:-1]))}
