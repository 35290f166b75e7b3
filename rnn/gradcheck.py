"""Central differences against back-propagation through time, on one sample.

The book's updates are minus the gradient of L = 1/2 * sum_t (y_t - out_t)^2, so the check compares
(L(w + eps) - L(w - eps)) / (2 eps) with -update for each weight checked: by default every weight
(2 loss evaluations each), or a random sample of `budget` of them.
"""
from dataclasses import dataclass

import numpy as np

from . import steps as stepping
from .model import WEIGHT_NAMES, backward, forward
from .steps import Step

THRESHOLD = 1e-7  # relative error below which back-propagation is taken to be right
PER_STEP = 16  # weights checked per step of `gradient_check_steps`


@dataclass
class GradCheck:
    numerical: dict  # name -> array, dL/dW by central differences; NaN where not checked
    analytic: dict  # name -> array, dL/dW from BPTT (minus the book's update), every weight
    relative_error: float  # |numerical - analytic| / (|numerical| + |analytic|) over the checked
    checked: int  # weights compared by central differences
    total: int  # weights in the net: 2H + H * H + H

    @property
    def passed(self):
        """The relative error is below THRESHOLD."""
        return self.relative_error < THRESHOLD


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


def gradient_check(params, a_bits, b_bits, target_bits, eps=1e-5, *, budget=None, seed=0):
    """Compare BPTT's gradient with central differences on the problem's bits, here (see
    `gradient_check_steps`)."""
    return stepping.run(gradient_check_steps(params, a_bits, b_bits, target_bits, eps,
                                             budget=budget, seed=seed))


def gradient_check_steps(params, a_bits, b_bits, target_bits, eps=1e-5, *, budget=None, seed=0,
                         per_step=PER_STEP):
    """The gradient check as rnn.steps: BPTT's gradient, then central differences on `per_step`
    weights per step; `done` counts weights. `budget` (None: every weight) caps the weights
    checked, so at most 2 * budget loss evaluations; the sample is drawn with `seed` (see
    weights_to_check)."""
    sizes = [getattr(params, name).size for name in WEIGHT_NAMES]
    chosen = weights_to_check(sizes, budget, seed)
    analytic = yield Step(analytic_gradient, (params, a_bits, b_bits, target_bits), 0,
                          len(chosen))
    numerical = np.full(sum(sizes), np.nan)  # (W,) the weights laid end to end
    for start, stop in stepping.chunks(len(chosen), per_step):
        numerical[chosen[start:stop]] = yield Step(
            central_differences, (params, a_bits, b_bits, target_bits, eps, chosen[start:stop]),
            stop, len(chosen))
    flat_analytic = np.concatenate([analytic[name].ravel() for name in WEIGHT_NAMES])  # (W,)
    return GradCheck(_by_name(numerical, analytic), analytic,
                     relative_error(numerical[chosen], flat_analytic[chosen]), len(chosen),
                     sum(sizes))


def analytic_gradient(params, a_bits, b_bits, target_bits):
    """dL/dW from BPTT, minus the book's updates: {name: array}."""
    updates = backward(params, forward(params, a_bits, b_bits, target_bits)).updates()
    return {name: -getattr(updates, name) for name in WEIGHT_NAMES}


def central_differences(params, a_bits, b_bits, target_bits, eps, flat):
    """`central_difference` of each weight at the `flat` indices (into the weights laid end to
    end). (len(flat),)"""
    work = params.copy()
    positions = [(name, index) for name in WEIGHT_NAMES
                 for index in np.ndindex(getattr(params, name).shape)]
    return np.array([central_difference(work, *positions[f], eps, a_bits, b_bits, target_bits)
                     for f in flat])


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
