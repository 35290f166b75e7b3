"""Many independent models trained in one vectorised pass, for sweeps.

Each model keeps its own configuration (seed, hidden size, learning rate, sampling) and its own
random stream, and still takes one SGD step per sample: model m ends with the very weights, to the
last bit, that `Training` gives it alone (checked in the tests for 4 to 32 hidden units; at 2 and 3
units BLAS sums the forward product in another order, and they agree to ~1e-13). What is shared
is only the Python loop: every NumPy call works on all models at once, which is what makes a
32-seed sweep cost a few single runs instead of 32. All models share the training width (bits).

Models with fewer hidden units than the widest are padded with units whose weights are zero and
stay zero (their updates are masked), so the padding changes nothing in the real units.
"""
from dataclasses import dataclass

import numpy as np

from . import bits as bitops
from .data import draw_problems
from .fast import input_feed
from .model import INITIAL_HIDDEN, Params, init_params
from .training import overall_errors


class BatchKernel:
    """`FastKernel`'s calls, each made once for a stack of M models (see rnn.fast for the packing).

    The weights of all models sit in one array `net` (M, W + 2, W + 1) = -[[synapse_h, synapse_1],
    [synapse_0, *]]: its first W columns are `FastKernel.fwd`, its first W rows `FastKernel.back`,
    so one update keeps both (two strided updates would cost 5 times as much). The corner *
    collects a sum that nothing reads. Per-step arrays are laid out step first, (T + 1, M, ...),
    so each step's slice is one contiguous block.
    """

    def __init__(self, params_list, steps):
        count = len(params_list)
        width = max(p.hidden for p in params_list)
        self.sizes = [p.hidden for p in params_list]
        self.hidden, self.steps, self.count = width, steps, count
        self.net = np.zeros((count, width + 2, width + 1))
        for m, p in enumerate(params_list):
            h = p.hidden
            self.net[m, :h, :h] = -p.synapse_h
            self.net[m, :h, width] = -p.synapse_1[:, 0]
            self.net[m, width:, :h] = -p.synapse_0
        self.mask = None
        if any(h < width for h in self.sizes):  # padding units' weights must stay zero
            self.mask = np.zeros_like(self.net)
            for m, h in enumerate(self.sizes):
                self.mask[m, :h, :h] = self.mask[m, :h, width] = self.mask[m, width:, :h] = 1.0
        self.rows = np.zeros((steps + 1, count, width + 2))  # [h_t, a_t, b_t] per model
        self.rows[0, :, :width] = INITIAL_HIDDEN
        self.deltas = np.zeros((steps + 1, count, width + 1))  # negated deltas per model
        self.slope = np.ones((steps, count, width + 1))  # minus the slope, then a 1

    def params(self):
        width, net = self.hidden, self.net
        return [Params(synapse_0=-net[m, width:, :h], synapse_h=-net[m, :h, :h],
                       synapse_1=-net[m, :h, width:]) for m, h in enumerate(self.sizes)]

    def train(self, feed, targets, alphas, outputs):
        """feed (n, T + 1, M, 2) from `input_feed`, targets (n, M, T), alphas (M,); writes
        outputs (n, M, T)."""
        matmul, exp, add, divide = np.matmul, np.exp, np.add, np.divide
        subtract, multiply = np.subtract, np.multiply
        one = np.float64(1.0)
        width, steps, count = self.hidden, self.steps, self.count
        net, rows, deltas, mask = self.net, self.rows, self.deltas, self.mask
        rate = np.repeat(np.asarray(alphas, dtype=np.float64)[:, None], steps, axis=1)  # (M, T)
        slots = rows[:, :, width:]  # (T + 1, M, 2)
        fwd = net[:, :, :width]  # (M, W + 2, W)
        back = net[:, :width]  # (M, W, W + 1)
        w_out = net[:, :width, width:]  # (M, W, 1)
        states = rows[1:, :, :width]  # (T, M, W)
        states_m = states.transpose(1, 0, 2)  # (M, T, W)
        slope = self.slope[:, :, :width]  # (T, M, W)
        rows_next = rows[1:]  # (T, M, W + 2)
        slope_rows = np.empty(rows_next.shape)  # scratch: minus the slope over whole rows
        out_deltas = deltas[1:, :, width].T  # (M, T)
        rows_m = rows.transpose(1, 2, 0)  # (M, W + 2, T + 1)
        deltas_m = deltas.transpose(1, 0, 2)  # (M, T + 1, W + 1)
        z_out = np.empty((count, steps, 1))
        z_flat = z_out[..., 0]  # (M, T)
        error, out_slope = np.empty((count, steps)), np.empty((count, steps))
        update = np.empty_like(net)  # minus alpha times all updates
        ones_row, ones_t = np.ones(count * (width + 2)), np.ones((count, steps))  # 1 / x as
        # divide(ones, x): the same bits as reciprocal(x), a little faster
        forward_steps = [(rows[t][:, None], rows[t + 1][:, None, :width], rows[t + 1].reshape(-1))
                         for t in range(steps)]
        backward_steps = [(deltas[t + 1][..., None], deltas[t][:, :width, None],
                           deltas[t].reshape(-1), self.slope[t].reshape(-1))
                          for t in reversed(range(steps))]
        for j in range(len(feed)):
            slots[...] = feed[j]
            for row, z, row_next in forward_steps:
                matmul(row, fwd, z)
                exp(row_next, row_next)
                add(row_next, one, row_next)
                divide(ones_row, row_next, row_next)
            output = outputs[j]
            matmul(states_m, w_out, z_out)
            exp(z_flat, z_flat)
            add(z_flat, one, z_flat)
            divide(ones_t, z_flat, output)
            subtract(output, targets[j], error)
            multiply(error, rate, error)
            subtract(ones_t, output, out_slope)
            multiply(out_slope, output, out_slope)
            multiply(error, out_slope, out_deltas)
            subtract(rows_next, one, slope_rows)  # contiguous, hence fast; then
            multiply(slope_rows, rows_next, slope_rows)
            slope[...] = slope_rows[:, :, :width]  # one strided copy
            for future, z, delta, slope_t in backward_steps:
                matmul(back, future, z)
                multiply(delta, slope_t, delta)
            matmul(rows_m, deltas_m, update)
            if mask is not None:
                multiply(update, mask, update)
            add(net, update, net)


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
        a = np.stack([p[0] for p in problems], axis=1)  # (n, M)
        b = np.stack([p[1] for p in problems], axis=1)
        feed = input_feed(bitops.to_bits(a, steps).transpose(0, 2, 1),  # (n, T + 1, M, 2)
                          bitops.to_bits(b, steps).transpose(0, 2, 1))
        targets = bitops.to_bits(a - b, steps).astype(np.float64)  # (n, M, T)
        outputs = np.empty(targets.shape)
        with np.errstate(over="ignore", invalid="ignore"):
            self._kernel.train(feed, targets, [c.alpha for c in self.configs], outputs)
        self._errors[:, self.iteration:stop] = overall_errors(targets, outputs).T
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
