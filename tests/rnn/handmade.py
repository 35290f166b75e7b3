"""Nets built by hand: one that subtracts exactly (and the logic circuit it implements, in Python
ints), one that outputs 1/2 everywhere, one with weights of 1e4.

Five hidden units: ONE (1 from the first step on), FIRST (0.1 at h_0 only, 0 after: it corrects
step 0, where every unit starts at 0.1), and three thresholds of the column value
v_t = a_t - b_t - borrow_t in {-2, -1, 0, 1}: GE_MINUS_1 = [v >= -1], GE_0 = [v >= 0],
GE_1 = [v >= 1]. Then the difference bit is GE_MINUS_1 - GE_0 + GE_1 (v odd) and the borrow out
is 1 - GE_0 (v < 0), which the next step reads from GE_0.

With scale 1e4 every pre-activation is at least 1,000 away from 0, so every state after step 0 and
every output is exactly 0.0 or 1.0 in float64 (and exp overflows on the way).
"""
import numpy as np

from rnn.model import Params

ONE, FIRST, GE_MINUS_1, GE_0, GE_1 = range(5)
THRESHOLDS = {GE_MINUS_1: -1, GE_0: 0, GE_1: 1}


def subtractor(scale=1e4):
    """The hand-built net. Threshold unit k gets scale * (a - b - borrow - k + 1/2): from the
    inputs, scale * (a - b); from ONE, scale * (-1/2 - k); from GE_0, scale * GE_0 (= 1 - borrow);
    at step 0, where every unit is 0.1, FIRST's weight makes the sum scale * (a - b - k + 1/2)."""
    synapse_0 = np.zeros((2, 5))
    synapse_h = np.zeros((5, 5))
    synapse_1 = np.zeros((5, 1))
    synapse_h[ONE, ONE] = scale  # 0.1 * scale at step 0, then 1 * scale: always 1
    synapse_h[ONE, FIRST] = -scale  # 0 from step 1 on
    for unit, k in THRESHOLDS.items():
        synapse_0[:, unit] = scale, -scale
        synapse_h[ONE, unit] = scale * (-0.5 - k)
        synapse_h[GE_0, unit] = scale
        # step 0: 0.1 * (ONE + GE_0 + FIRST weights) must be scale * (1/2 - k)
        synapse_h[FIRST, unit] = scale * (5 - 10 * k) - scale * (-0.5 - k) - scale
    synapse_1[[GE_MINUS_1, GE_0, GE_1, ONE], 0] = scale, -scale, scale, -0.5 * scale
    return Params(synapse_0, synapse_h, synapse_1)


def circuit(a, b, width, silenced=()):
    """What the hand-built net answers to a - b (Python ints, `width` bits), with the units in
    `silenced` (threshold units only) held at 0 after every step: (answer, borrow out per step).
    Step 0 reads no borrow, whatever is silenced (the states before it are 0.1)."""
    answer, borrow, borrows = 0, 0, []
    for t in range(width):
        v = (a >> t & 1) - (b >> t & 1) - borrow
        state = {unit: int(v >= k and unit not in silenced) for unit, k in THRESHOLDS.items()}
        bit = state[GE_MINUS_1] - state[GE_0] + state[GE_1]  # the output is 1 when bit - 1/2 > 0
        answer |= (bit >= 1) << t
        borrow = 1 - state[GE_0]
        borrows.append(borrow)
    return answer, borrows


ZERO = Params(np.zeros((2, 3)), np.zeros((3, 3)), np.zeros((3, 1)))  # outputs 0.5: every bit 0


def huge(seed=0, hidden=16):
    """Every weight 1e4 or -1e4: exp overflows all over the place."""
    rng = np.random.default_rng(seed)
    return Params(*(rng.choice([-1e4, 1e4], shape) for shape in
                    ((2, hidden), (hidden, hidden), (hidden, 1))))
