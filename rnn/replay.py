"""One training step of one problem, laid open: what the backprop page shows, from the forward
and backward pass (rnn.model) that the readable training path runs on every sample."""
from dataclasses import dataclass

import numpy as np

from . import steps as stepping
from .bits import subtract_bits, to_bits
from .gradcheck import gradient_check_steps
from .model import Backward, Trace, backward, forward, sgd_step


@dataclass
class Replay:
    a: int
    b: int
    borrow: np.ndarray  # (T,) true borrow out of each step, by plain arithmetic
    trace: Trace  # the forward pass with the weights as they are
    back: Backward  # back-propagation through time over that trace
    hidden_delta_norm: np.ndarray  # (T,) size of the hidden delta per step (vanishing gradients)
    after: Trace  # the forward pass again after one SGD step on this problem
    alpha: float

    @property
    def error_before(self):
        return self.trace.overall_error

    @property
    def error_after(self):
        return self.after.overall_error


def replay(params, a, b, bits, alpha):
    """Forward, backward and one SGD step (on a copy of `params`) for the problem a - b."""
    a_bits, b_bits = to_bits(a, bits), to_bits(b, bits)
    target, borrow = subtract_bits(a_bits, b_bits)
    trace = forward(params, a_bits, b_bits, target)
    back = backward(params, trace)
    stepped = params.copy()
    sgd_step(stepped, back, alpha)
    after = forward(stepped, a_bits, b_bits, target)
    return Replay(a, b, borrow, trace, back, np.linalg.norm(back.hidden_delta, axis=1), after,
                  alpha)


def check_gradients(params, a, b, bits, **options):
    """The gradient check of `rnn.gradcheck` on the problem a - b, here; `options` (budget,
    seed) as there."""
    return stepping.run(gradient_check_steps_of(params, a, b, bits, **options))


def gradient_check_steps_of(params, a, b, bits, **options):
    """`check_gradients` as rnn.steps (rnn.gradcheck.gradient_check_steps)."""
    a_bits, b_bits = to_bits(a, bits), to_bits(b, bits)
    return gradient_check_steps(params, a_bits, b_bits, subtract_bits(a_bits, b_bits)[0],
                                **options)

