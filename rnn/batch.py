"""Many independent models trained in one vectorised pass, for sweeps.

Each model keeps its own configuration (seed, hidden size, learning rate, sampling) and its own
random stream, and still takes one SGD step per sample: model m is trained exactly as `Training`
would train it alone (up to the order of floating-point sums, ~1e-12). What is shared is only the
Python loop: every NumPy call works on all models at once, which is what makes a 32-seed sweep
cost a few single runs instead of 32. All models share the training width (bits).

Models with fewer hidden units than the widest are padded with units whose weights are zero and
stay zero (their updates are masked), so the padding changes nothing in the real units.
"""
from dataclasses import dataclass

import numpy as np

from . import bits as bitops
from .data import draw_problems
from .model import INITIAL_HIDDEN, Params, init_params
from .training import overall_errors


class BatchKernel:
    def __init__(self, params_list, steps):
        count = len(params_list)
        width = max(p.hidden for p in params_list)
        self.sizes = [p.hidden for p in params_list]
        self.hidden, self.steps, self.count = width, steps, count
        self.fwd = np.zeros((count, width + 2, width))  # -[synapse_h; synapse_0] per model
        self.w_out = np.zeros((count, width, 1))  # synapse_1 per model
        for m, p in enumerate(params_list):
            h = p.hidden
            self.fwd[m, :h, :h] = -p.synapse_h
            self.fwd[m, width:, :h] = -p.synapse_0
            self.w_out[m, :h] = p.synapse_1
        self.padded = any(h < width for h in self.sizes)
        if self.padded:
            self.mask_in = np.zeros_like(self.fwd)
            self.mask_out = np.zeros_like(self.w_out)
            for m, h in enumerate(self.sizes):
                self.mask_in[m, :h, :h] = self.mask_in[m, width:, :h] = 1.0
                self.mask_out[m, :h] = 1.0
        self.bwd = np.empty((count, width + 1, width))  # [synapse_h.T; synapse_1.T] per model
        self._refresh_backward()
        self.rows = np.zeros((count, steps + 1, width + 2))  # [h_t, a_t, b_t]
        self.rows[:, 0, :width] = INITIAL_HIDDEN
        self.deltas = np.zeros((count, steps + 1, width + 1))  # [delta_t, out_delta_t-1]

    def _refresh_backward(self):
        width = self.hidden
        np.negative(self.fwd[:, :width].transpose(0, 2, 1), out=self.bwd[:, :width])
        self.bwd[:, width] = self.w_out[:, :, 0]

    def params(self):
        width = self.hidden
        return [Params(synapse_0=-self.fwd[m, width:, :h], synapse_h=-self.fwd[m, :h, :h],
                       synapse_1=self.w_out[m, :h].copy()) for m, h in enumerate(self.sizes)]

    def train(self, inputs, targets, alphas, outputs):
        """inputs (M, n, T, 2), targets (M, n, T), alphas (M,); writes outputs (M, n, T)."""
        matmul, exp, add, reciprocal = np.matmul, np.exp, np.add, np.reciprocal
        subtract, multiply, negative = np.subtract, np.multiply, np.negative
        width, steps = self.hidden, self.steps
        fwd, bwd, rows, deltas, w_out = self.fwd, self.bwd, self.rows, self.deltas, self.w_out
        count = self.count
        rate = np.asarray(alphas, dtype=np.float64).reshape(count, 1, 1)
        z = np.empty((steps, count, 1, width))  # contiguous per step: NumPy's exp on strided
        # data takes another code path, whose last bit can differ from the single-model kernel
        back = np.empty((count, steps, 1, width))
        slope = np.empty((count, steps, width))
        z_out = np.empty((count, steps, 1))
        error, out_slope = np.empty((count, steps)), np.empty((count, steps))
        update_in = np.empty_like(fwd)
        update_out = np.empty_like(w_out)
        ones_t, ones_th = np.ones((count, steps)), np.ones((count, steps, width))
        ones_h = np.ones((count, 1, width))
        bits_in = rows[:, :steps, width:]  # (M, T, 2)
        states = rows[:, 1:, :width]  # (M, T, H)
        rows_in = rows[:, :steps].transpose(0, 2, 1)  # (M, H + 2, T)
        states_t = states.transpose(0, 2, 1)  # (M, H, T)
        hidden_deltas = deltas[:, :steps, :width]  # (M, T, H)
        out_deltas = deltas[:, 1:, width]  # (M, T)
        out_deltas_col = deltas[:, 1:, width:]  # (M, T, 1)
        w_out_row = bwd[:, width]  # (M, H)
        w_rec_t = bwd[:, :width]
        update_rec_t = update_in[:, :width].transpose(0, 2, 1)  # the synapse_h.T update
        forward_steps = [(rows[:, t:t + 1], z[t], rows[:, t + 1:t + 2, :width])
                         for t in range(steps)]
        backward_steps = [(deltas[:, t + 1:t + 2], back[:, t], slope[:, t:t + 1],
                           deltas[:, t:t + 1, :width]) for t in reversed(range(steps))]
        for j in range(inputs.shape[1]):
            bits_in[...] = inputs[:, j]
            for row, z_t, h_next in forward_steps:
                matmul(row, fwd, z_t)
                exp(z_t, z_t)
                add(z_t, ones_h, z_t)
                reciprocal(z_t, h_next)
            output = outputs[:, j]
            matmul(states, w_out, z_out)
            negative(z_out, z_out)
            exp(z_out, z_out)
            add(z_out[..., 0], ones_t, output)
            reciprocal(output, output)
            subtract(targets[:, j], output, error)
            subtract(ones_t, output, out_slope)
            multiply(out_slope, output, out_slope)
            multiply(error, out_slope, out_deltas)
            subtract(ones_th, states, slope)
            multiply(slope, states, slope)
            for row, back_t, slope_t, delta_t in backward_steps:
                matmul(row, bwd, back_t)
                multiply(back_t, slope_t, delta_t)
            matmul(rows_in, hidden_deltas, update_in)
            multiply(update_in, rate, update_in)
            matmul(states_t, out_deltas_col, update_out)
            multiply(update_out, rate, update_out)
            if self.padded:  # padding units' weights stay zero
                multiply(update_in, self.mask_in, update_in)
                multiply(update_out, self.mask_out, update_out)
            subtract(fwd, update_in, fwd)
            add(w_out, update_out, w_out)
            add(w_rec_t, update_rec_t, w_rec_t)  # synapse_h.T takes the same update
            w_out_row[...] = w_out[:, :, 0]


@dataclass
class BatchResult:
    configs: list  # TrainConfig per model
    params: list  # Params per model after training
    errors: np.ndarray  # (M, iterations) overallError per model and iteration
    checkpoint_iterations: np.ndarray  # (K,) iterations at which weights were kept
    checkpoints: list  # K lists of M Params


class BatchTraining:
    """Train configurations that share `bits` and `iterations` side by side, in chunks."""

    def __init__(self, configs, checkpoint_every):
        if len({(c.bits, c.iterations) for c in configs}) != 1:
            raise ValueError("batched models must share bits and iterations")
        self.configs = list(configs)
        self.bits, self.total = configs[0].bits, configs[0].iterations
        self.checkpoint_every = max(1, int(checkpoint_every))
        self._random = [np.random.RandomState(c.seed) for c in configs]
        self._kernel = BatchKernel([init_params(c.hidden, r) for c, r in
                                    zip(configs, self._random)], self.bits)
        self.iteration = 0
        self._errors = np.empty((len(configs), self.total))
        self._checkpoint_iterations = [0]
        self._checkpoints = [self._kernel.params()]

    @property
    def done(self):
        return self.iteration >= self.total

    def run(self, count):
        """Train up to `count` more iterations, stopping at the next checkpoint."""
        next_checkpoint = (self.iteration // self.checkpoint_every + 1) * self.checkpoint_every
        stop = min(self.total, self.iteration + max(1, count), next_checkpoint)
        n, steps = stop - self.iteration, self.bits
        problems = [draw_problems(r, n, steps, c.sampling)
                    for r, c in zip(self._random, self.configs)]
        a = np.stack([p[0] for p in problems])  # (M, n)
        b = np.stack([p[1] for p in problems])
        inputs = np.stack([bitops.to_bits(a, steps), bitops.to_bits(b, steps)],
                          axis=3).astype(np.float64)  # (M, n, T, 2)
        targets = bitops.to_bits(a - b, steps).astype(np.float64)  # (M, n, T)
        outputs = np.empty(targets.shape)
        with np.errstate(over="ignore", invalid="ignore"):
            self._kernel.train(inputs, targets, [c.alpha for c in self.configs], outputs)
        for m in range(len(self.configs)):
            self._errors[m, self.iteration:stop] = overall_errors(targets[m], outputs[m])
        self.iteration = stop
        if stop % self.checkpoint_every == 0 or stop == self.total:
            self._checkpoint_iterations.append(stop)
            self._checkpoints.append(self._kernel.params())
        return n

    def result(self):
        return BatchResult(self.configs, self._kernel.params(),
                           self._errors[:, :self.iteration].copy(),
                           np.array(self._checkpoint_iterations), list(self._checkpoints))


def train_batch(configs, checkpoint_every=None):
    configs = list(configs)
    training = BatchTraining(configs, checkpoint_every or configs[0].iterations)
    while not training.done:
        training.run(2000)
    return training.result()
