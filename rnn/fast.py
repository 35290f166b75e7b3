"""Per-sample SGD with the same arithmetic as `model.forward`/`model.backward`, built for speed.

The network is tiny (16 hidden units), so the time goes into NumPy call overhead, not arithmetic.
This kernel keeps every buffer preallocated, calls NumPy as few times as the recurrence allows,
and packs its arrays so that one call does the work of several:

- weights are kept negated: `fwd` = -[synapse_h; synapse_0] (H + 2, H) and `back` =
  -[synapse_h, synapse_1] (H, H + 1). Negating is exact, so nothing is lost, and the sigmoid
  1 / (1 + exp(-z)) needs no negation;
- forward: row t of `rows` is [h_t, a_t, b_t], so one product gives minus the pre-activation,
  written straight into row t + 1, where the sigmoid is taken in place over the whole row. The
  two input slots of that row hold codes of the next step's bits, which the sigmoid turns into
  exactly 1 and 0 (see `input_feed`);
- backward: row t of `deltas` is [-hidden_delta_t, -output_delta_{t-1}] (deltas are kept
  negated too), so one product with `back` gives both parts of the hidden delta, and the slope's
  extra column of ones carries the output delta along;
- updates: rows.T @ deltas gives the updates of all three matrices in one product, already
  times the learning rate, which is folded into the output delta (the deltas are linear in it).

Only rounding differs from the readable path (sums are added in another order, and alpha scales
the deltas rather than their sums). The tests check that both paths print the book's log byte for
byte at its settings and that their weights agree within 1e-9 after its 10,000 iterations, and
after shorter runs at other settings (3 and 24 hidden units, other rates, widths and samplings).
`rnn.batch` makes the very same calls on stacks of models, and each model's weights match this
kernel's to the last bit at every hidden size (see rnn.batch).
"""
import numpy as np

from .model import INITIAL_HIDDEN, Params

# bit 0 and bit 1 as the sigmoid 1 / (1 + exp(z)) sees them: exp(inf) = inf gives exactly 0;
# exp(-64) < 2**-54 vanishes next to 1 and gives exactly 1 (and -inf would take exp's slow path)
_CODES = np.array([np.inf, -64.0])


def input_feed(a_bits, b_bits):
    """What is written into the input slots of `rows` per sample: bits (n, T, ...) of a and b ->
    (n, T + 1, ..., 2). Row 0 holds step 0's bits; row t >= 1 holds step t's bits coded as
    `_CODES`, which the sigmoid turns back into the bits; the last row (no next step) holds +inf,
    hence zeros."""
    count, steps = a_bits.shape[:2]
    feed = np.empty((count, steps + 1, *a_bits.shape[2:], 2))
    for slot, bits in enumerate((a_bits, b_bits)):
        feed[:, 0, ..., slot] = bits[:, 0]
        feed[:, 1:steps, ..., slot] = _CODES[bits[:, 1:]]
    feed[:, steps] = np.inf
    return feed


class FastKernel:
    """Per-sample SGD on packed, negated weights; the interface of training.ReadableKernel."""

    def __init__(self, params, steps):
        hidden = params.hidden
        self.hidden, self.steps = hidden, steps
        # C order on purpose: BLAS takes other kernels, which sum in another order, for
        # Fortran-ordered matrices, and rnn.batch must match this kernel to the last bit
        self.fwd = np.ascontiguousarray(  # (H + 2, H)
            -np.vstack([params.synapse_h, params.synapse_0]))
        self.back = np.ascontiguousarray(  # (H, H + 1)
            -np.hstack([params.synapse_h, params.synapse_1]))
        self.rows = np.zeros((steps + 1, hidden + 2))  # (T + 1, H + 2) [h_t, a_t, b_t]
        self.rows[0, :hidden] = INITIAL_HIDDEN
        self.deltas = np.zeros((steps + 1, hidden + 1))  # (T + 1, H + 1) negated deltas
        self.slope = np.ones((steps, hidden + 1))  # (T, H + 1) minus the slope, then a 1
        self.z_out = np.empty(steps)  # (T,)
        self.error = np.empty(steps)  # (T,)
        self.out_slope = np.empty(steps)  # (T,)
        self.update = np.empty((hidden + 2, hidden + 1))  # (H + 2, H + 1) all updates

    def params(self):
        hidden = self.hidden
        return Params(synapse_0=-self.fwd[hidden:], synapse_h=-self.fwd[:hidden],
                      synapse_1=-self.back[:, hidden:])

    def feed(self, a_bits, b_bits):
        """What `train` reads as feed: bits (n, T) of a and b -> (n, T + 1, 2)."""
        return input_feed(a_bits, b_bits)

    def train(self, feed, targets, alpha, outputs):
        """One SGD step per sample. feed (n, T + 1, 2) from `feed`, targets (n, T); writes
        outputs (n, T)."""
        # np.dot's C function itself, without the __array_function__ dispatch around it: the
        # dispatch costs 40 % of a 16 x 16 product, and these are plain ndarrays
        dot = getattr(np.dot, "__wrapped__", np.dot)
        matmul, exp, add, reciprocal = np.matmul, np.exp, np.add, np.reciprocal
        subtract, multiply = np.subtract, np.multiply
        hidden, steps = self.hidden, self.steps
        fwd, back, rows, deltas, update = self.fwd, self.back, self.rows, self.deltas, self.update
        z_out, error, out_slope = self.z_out, self.error, self.out_slope
        slots = rows[:, hidden:]  # (T + 1, 2) the input slots
        states = rows[1:, :hidden]  # (T, H) h_1 .. h_T
        slope = self.slope[:, :hidden]  # (T, H)
        out_deltas = deltas[1:, hidden]  # (T,) the output delta of step t sits in row t + 1
        w_out = back[:, hidden:]  # (H, 1) -synapse_1, a view
        update_in, update_back = update[:, :hidden], update[:hidden]  # views
        rows_t = rows.T  # (H + 2, T + 1)
        ones_row, ones_t = np.ones(hidden + 2), np.ones(steps)
        rate = np.full(steps, alpha, dtype=np.float64)
        forward_steps = [(rows[t], rows[t + 1, :hidden], rows[t + 1]) for t in range(steps)]
        backward_steps = [(deltas[t + 1], deltas[t, :hidden], deltas[t], self.slope[t])
                          for t in reversed(range(steps))]
        for j in range(len(feed)):
            slots[...] = feed[j]
            for row, z, row_next in forward_steps:
                dot(row, fwd, z)  # -(x_t @ synapse_0 + h_t @ synapse_h)
                exp(row_next, row_next)
                add(row_next, ones_row, row_next)
                reciprocal(row_next, row_next)  # [h_{t+1} = sigmoid(...), a_{t+1}, b_{t+1}]
            output = outputs[j]
            matmul(states, w_out, z_out[:, None])  # -(h_{t+1} @ synapse_1), as rnn.batch does
            exp(z_out, z_out)
            add(z_out, ones_t, z_out)
            reciprocal(z_out, output)  # out_t = sigmoid(h_{t+1} @ synapse_1)
            subtract(output, targets[j], error)  # minus the listing's layer_2_error
            multiply(error, rate, error)  # times alpha, carried by every delta into the update
            subtract(ones_t, output, out_slope)
            multiply(out_slope, output, out_slope)
            multiply(error, out_slope, out_deltas)  # -layer_2_delta
            subtract(states, ones_row[:hidden], slope)
            multiply(slope, states, slope)  # -(h * (1 - h)), exactly
            for future, z, delta, slope_t in backward_steps:
                dot(back, future, z)  # synapse_h @ delta_{t+1} + synapse_1 * out_delta_t
                multiply(delta, slope_t, delta)  # [-layer_1_delta, -out_delta_{t-1} * 1]
            matmul(rows_t, deltas, update)  # minus alpha times every update, as rnn.batch does
            add(fwd, update_in, fwd)  # the weights are kept negated
            add(back, update_back, back)
