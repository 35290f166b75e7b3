"""Central differences against back-propagation through time, on one sample.

The book's updates are minus the gradient of L = 1/2 * sum_t (y_t - out_t)^2, so the check compares
(L(w + eps) - L(w - eps)) / (2 eps) with -update for every weight.
"""
from dataclasses import dataclass

import numpy as np

from .model import backward, forward

NAMES = ("synapse_0", "synapse_h", "synapse_1")
THRESHOLD = 1e-7  # relative error below which back-propagation is taken to be right


@dataclass
class GradCheck:
    numerical: dict  # name -> array, dL/dW by central differences
    analytic: dict  # name -> array, dL/dW from BPTT (minus the book's update)
    relative_error: float  # |numerical - analytic| / (|numerical| + |analytic|) over all weights

    @property
    def passed(self):
        return self.relative_error < THRESHOLD


def loss(params, a_bits, b_bits, target_bits):
    return forward(params, a_bits, b_bits, target_bits).loss


def gradient_check(params, a_bits, b_bits, target_bits, eps=1e-5):
    trace = forward(params, a_bits, b_bits, target_bits)
    updates = backward(params, trace).updates()
    work = params.copy()
    numerical, analytic = {}, {}
    for name in NAMES:
        weights = getattr(work, name)
        grad = np.zeros_like(weights)
        for index in np.ndindex(weights.shape):
            kept = weights[index]
            weights[index] = kept + eps
            plus = loss(work, a_bits, b_bits, target_bits)
            weights[index] = kept - eps
            minus = loss(work, a_bits, b_bits, target_bits)
            weights[index] = kept
            grad[index] = (plus - minus) / (2 * eps)
        numerical[name] = grad
        analytic[name] = -getattr(updates, name)
    num = np.concatenate([numerical[n].ravel() for n in NAMES])
    ana = np.concatenate([analytic[n].ravel() for n in NAMES])
    denominator = np.linalg.norm(num) + np.linalg.norm(ana)
    relative = float(np.linalg.norm(num - ana) / denominator) if denominator else 0.0
    return GradCheck(numerical, analytic, relative)
