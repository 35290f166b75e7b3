"""Per-sample SGD with the same arithmetic as `model.forward`/`model.backward`, built for speed.

The network is tiny (16 hidden units), so the time goes into NumPy call overhead, not arithmetic.
This kernel keeps every buffer preallocated, calls NumPy as few times as the recurrence allows,
and packs the weights so one matrix product does the work of two:

- forward: each row of `rows` is [h_t, a_t, b_t], and `fwd` is -[synapse_h; synapse_0], so one
  product gives minus the pre-activation and the sigmoid 1 / (1 + exp(-z)) needs no negation;
- backward: each row of `deltas` is [hidden_delta_{t+1}, output_delta_t], and `bwd` is
  [synapse_h.T; synapse_1.T], so one product gives both parts of the hidden delta;
- updates: rows[:T].T @ hidden_delta gives the updates of synapse_h and synapse_0 at once.

Only the order in which sums are added differs from the readable path (weights agree to ~1e-12
after the book's 10,000 iterations; see the tests).
"""
import numpy as np

from .model import INITIAL_HIDDEN, Params


class FastKernel:
    def __init__(self, params, steps):
        hidden = params.hidden
        self.hidden, self.steps = hidden, steps
        # C order on purpose: BLAS sums in another order on Fortran-ordered matrices, and
        # rnn.batch must match this kernel to the last bit
        self.fwd = np.ascontiguousarray(  # (H + 2, H)
            -np.vstack([params.synapse_h, params.synapse_0]))
        self.bwd = np.ascontiguousarray(  # (H + 1, H)
            np.vstack([params.synapse_h.T, params.synapse_1.T]))
        self.rows = np.zeros((steps + 1, hidden + 2))  # (T + 1, H + 2) [h_t, a_t, b_t]
        self.rows[0, :hidden] = INITIAL_HIDDEN
        self.deltas = np.zeros((steps + 1, hidden + 1))  # (T + 1, H + 1) [delta_t, out_delta_t-1]
        self.z = np.empty((steps, hidden))  # (T, H) scratch for the hidden pre-activations
        self.back = np.empty((steps, hidden))  # (T, H) scratch for the summed parts
        self.slope = np.empty((steps, hidden))  # (T, H)
        self.z_out = np.empty(steps)  # (T,)
        self.error = np.empty(steps)  # (T,)
        self.out_slope = np.empty(steps)  # (T,)
        self.update_in = np.empty((hidden + 2, hidden))  # (H + 2, H) [synapse_h; synapse_0] updates
        self.update_out = np.empty((hidden, 1))  # (H, 1) synapse_1 update

    def params(self):
        hidden = self.hidden
        return Params(synapse_0=-self.fwd[hidden:], synapse_h=-self.fwd[:hidden],
                      synapse_1=self.bwd[hidden][:, None].copy())

    def train(self, inputs, targets, alpha, outputs):
        """One SGD step per sample. inputs (n, T, 2), targets (n, T); writes outputs (n, T)."""
        # np.dot's C function itself, without the __array_function__ dispatch around it: the
        # dispatch costs 40 % of a 16 x 16 product, and these are plain ndarrays
        dot = getattr(np.dot, "__wrapped__", np.dot)
        matmul, exp, add, reciprocal = np.matmul, np.exp, np.add, np.reciprocal
        subtract, multiply, negative = np.subtract, np.multiply, np.negative
        hidden, steps = self.hidden, self.steps
        fwd, bwd, rows, deltas = self.fwd, self.bwd, self.rows, self.deltas
        z_out, error, out_slope = self.z_out, self.error, self.out_slope
        slope, update_in, update_out = self.slope, self.update_in, self.update_out
        w_out = bwd[hidden]  # synapse_1 as a vector (H,), a view
        w_rec_t = bwd[:hidden]  # synapse_h.T, a view
        update_rec_t = update_in[:hidden].T  # (H, H) the synapse_h.T update, a view
        bits_in = rows[:steps, hidden:]  # (T, 2)
        states = rows[1:, :hidden]  # (T, H) h_1 .. h_T
        rows_in = rows[:steps].T  # (H + 2, T)
        hidden_deltas = deltas[:steps, :hidden]  # (T, H)
        out_deltas = deltas[1:, hidden]  # (T,) output delta of step t sits in row t + 1
        out_deltas_col = deltas[1:, hidden:]  # (T, 1) the same, as a column
        w_out_col = w_out[:, None]  # (H, 1) view
        states_t = states.T  # (H, T)
        ones_h, ones_t, ones_th = np.ones(hidden), np.ones(steps), np.ones((steps, hidden))
        rate = np.float64(alpha)
        forward_steps = [(rows[t], self.z[t], rows[t + 1, :hidden]) for t in range(steps)]
        backward_steps = [(deltas[t + 1], self.back[t], slope[t], deltas[t, :hidden])
                          for t in reversed(range(steps))]
        for j in range(len(inputs)):
            bits_in[...] = inputs[j]
            for row, z, h_next in forward_steps:
                dot(row, fwd, z)  # -(x_t @ synapse_0 + h_t @ synapse_h)
                exp(z, z)
                add(z, ones_h, z)
                reciprocal(z, h_next)  # h_{t+1} = sigmoid(...)
            output = outputs[j]
            dot(states, w_out, z_out)
            negative(z_out, z_out)
            exp(z_out, z_out)
            add(z_out, ones_t, z_out)
            reciprocal(z_out, output)  # out_t = sigmoid(h_{t+1} @ synapse_1)
            subtract(targets[j], output, error)
            subtract(ones_t, output, out_slope)
            multiply(out_slope, output, out_slope)
            multiply(error, out_slope, out_deltas)  # layer_2_delta
            subtract(ones_th, states, slope)
            multiply(slope, states, slope)
            for row, back, slope_t, delta_t in backward_steps:
                dot(row, bwd, back)  # delta_{t+1} @ synapse_h.T + out_delta_t * synapse_1.T
                multiply(back, slope_t, delta_t)  # layer_1_delta
            dot(rows_in, hidden_deltas, update_in)
            multiply(update_in, rate, update_in)
            subtract(fwd, update_in, fwd)  # fwd holds minus the weights
            matmul(states_t, out_deltas_col, update_out)  # as rnn.batch does, to the last bit
            multiply(update_out, rate, update_out)
            add(w_out_col, update_out, w_out_col)
            add(w_rec_t, update_rec_t, w_rec_t)  # synapse_h.T takes the same update
