"""Training exactly as the listing: per-sample SGD on the listing's random stream.

`Training` runs in chunks so that a caller can show progress and stop between chunks; `train`
runs it to the end with an optional progress callback. Two interchangeable kernels do the SGD:
"readable" (`ReadableKernel`) calls `model.forward`, `model.backward` and `model.sgd_step` per
sample, "fast" (`rnn.fast.FastKernel`) makes the same arithmetic in fewer NumPy calls. They differ
only in rounding: the tests check that both print the book's log byte for byte at its settings and
that their weights agree within 1e-9 there (see rnn.fast).
"""
import math
import time
from dataclasses import dataclass, field

import numpy as np

from . import bits as bitops
from .config import TrainConfig
from .data import draw_problems
from .fast import FastKernel
from .model import backward, forward, init_params, sgd_step

MAX_SNAPSHOTS = 200  # snapshots kept per run, whatever its length
CHUNK = 2000  # iterations drawn and trained per inner call


@dataclass
class LogEntry:
    """One block of the book's printed log: the sample of iteration j, before its update."""
    iteration: int
    overall_error: float  # the listing's overallError for this sample
    a: int
    b: int
    prediction: np.ndarray  # (T,) predicted bits, least significant first
    target: np.ndarray  # (T,) true bits of a - b, least significant first


@dataclass
class TrainResult:
    config: TrainConfig
    params: object  # Params after the last trained iteration
    errors: np.ndarray  # (iterations_done,) overallError of every iteration's sample
    snapshot_iterations: np.ndarray  # (S,) iterations (updates applied) of each snapshot
    snapshots: list  # S Params: the weights after that many updates; the first is the start
    log: list  # LogEntry at every iteration j with j % log_every == 0
    status: str  # "done", "cancelled" or "diverged" (weights stopped being finite numbers)
    seconds: float = 0.0  # time spent training

    @property
    def iterations_done(self):
        return len(self.errors)


class ReadableKernel:
    """Per-sample SGD written as the book does it: `model.forward`, `model.backward` and
    `model.sgd_step` on one sample after another. The same interface as `FastKernel`."""

    def __init__(self, params, steps):  # steps: unused, forward reads the width off the bits
        self._params = params.copy()

    def params(self):
        return self._params.copy()

    def feed(self, a_bits, b_bits):
        """What `train` reads as feed: bits (n, T) of a and b -> (n, T, 2)."""
        return np.stack([a_bits, b_bits], axis=2)

    def train(self, feed, targets, alpha, outputs):
        """One SGD step per sample. feed (n, T, 2) from `feed`, targets (n, T); writes outputs
        (n, T)."""
        for j in range(len(feed)):
            trace = forward(self._params, feed[j, :, 0], feed[j, :, 1], targets[j])
            sgd_step(self._params, backward(self._params, trace), alpha)
            outputs[j] = trace.output


KERNELS = {"fast": FastKernel, "readable": ReadableKernel}


def snapshot_interval(iterations):
    """Every how many iterations a snapshot is kept, so a run keeps at most MAX_SNAPSHOTS + 1."""
    return max(1, math.ceil(iterations / MAX_SNAPSHOTS))


@dataclass
class Training:
    """A training run that can be advanced chunk by chunk."""
    config: TrainConfig
    log_every: int = 800
    path: str = "fast"  # the kernel, a key of KERNELS: "fast" or "readable"
    snapshot_every: int = 0  # 0: chosen by snapshot_interval
    iteration: int = field(init=False, default=0)
    status: str = field(init=False, default="running")
    seconds: float = field(init=False, default=0.0)

    def __post_init__(self):
        config = self.config
        if self.log_every < 1:
            raise ValueError("log_every must be at least 1")
        if self.path not in KERNELS:
            raise ValueError(f"unknown path {self.path!r}")
        self.snapshot_every = self.snapshot_every or snapshot_interval(config.iterations)
        # The listing seeds the global generator; we keep our own with the same stream.
        self._random = np.random.RandomState(config.seed)
        self._kernel = KERNELS[self.path](init_params(config.hidden, self._random), config.bits)
        self._errors = np.empty(config.iterations)
        self._snapshot_iterations = [0]
        self._snapshots = [self.params()]
        self._log = []

    @property
    def done(self):
        return self.status != "running"

    @property
    def errors(self):
        """Errors of the iterations trained so far (a view; do not modify)."""
        return self._errors[:self.iteration]

    def params(self):
        """The weights as they are now (a copy)."""
        return self._kernel.params()

    def run(self, count):
        """Train up to `count` more iterations (fewer at the end); returns how many were run."""
        started, start_iteration = time.perf_counter(), self.iteration
        end = min(self.config.iterations, self.iteration + max(0, count))
        while self.iteration < end and self.status == "running":
            self._run_chunk(min(end, self.iteration + CHUNK) - self.iteration)
        if self.iteration >= self.config.iterations and self.status == "running":
            self.status = "done"
        self.seconds += time.perf_counter() - started
        return self.iteration - start_iteration

    def drain_log(self):
        """The log entries made since the last call, handed over and forgotten here (a caller that
        prints the log as it is made keeps memory bounded this way)."""
        entries, self._log = self._log, []
        return entries

    def cancel(self):
        if self.status == "running":
            self.status = "cancelled"

    def result(self):
        return TrainResult(self.config, self.params(), self.errors.copy(),
                           np.array(self._snapshot_iterations), list(self._snapshots),
                           list(self._log), self.status, self.seconds)

    def _snapshot(self, iteration):
        if self._snapshot_iterations[-1] != iteration:
            self._snapshot_iterations.append(iteration)
            self._snapshots.append(self.params())

    def _run_chunk(self, count):
        config, steps = self.config, self.config.bits
        a, b = draw_problems(self._random, count, steps, config.sampling)
        a_bits, b_bits = bitops.to_bits(a, steps), bitops.to_bits(b, steps)  # (n, T)
        target = bitops.to_bits(a - b, steps).astype(np.float64)  # (n, T)
        outputs = np.empty((count, steps))  # (n, T)
        feed = self._kernel.feed(a_bits, b_bits)  # (n, ...) per sample
        # train segment by segment, keeping a snapshot at every multiple of snapshot_every
        cuts = range(-self.iteration % self.snapshot_every or self.snapshot_every, count,
                     self.snapshot_every)
        with np.errstate(over="ignore", invalid="ignore"):
            for start, stop in zip([0, *cuts], [*cuts, count]):
                self._kernel.train(feed[start:stop], target[start:stop], config.alpha,
                                   outputs[start:stop])
                if (self.iteration + stop) % self.snapshot_every == 0 or \
                        self.iteration + stop == config.iterations:
                    self._snapshot(self.iteration + stop)
        first = self.iteration
        self._errors[first:first + count] = overall_errors(target, outputs)
        for j in range(-first % self.log_every, count, self.log_every):
            self._log.append(LogEntry(first + j, float(self._errors[first + j]), int(a[j]),
                                      int(b[j]), (outputs[j] > 0.5).astype(np.uint8),
                                      target[j].astype(np.uint8)))
        self.iteration += count
        weights = self.params()
        if not all(np.isfinite(w).all() for w in weights.as_dict().values()):
            self.status = "diverged"


def overall_errors(target, outputs):
    """The listing's overallError per sample: |target - output| added step by step.
    (..., T) -> (...)"""
    absolute = np.abs(target - outputs)  # (..., T)
    total = np.zeros(absolute.shape[:-1])
    for t in range(absolute.shape[-1]):
        total += absolute[..., t]
    return total


def train(config, *, progress=None, report_every=1000, log_every=800, path="fast",
          snapshot_every=0):
    """Train to the end. `progress(training)` is called every `report_every` iterations; if it
    returns False the run stops there and the result says "cancelled". `snapshot_every` as in
    `Training` (0: at most MAX_SNAPSHOTS + 1 snapshots)."""
    training = Training(config, log_every=log_every, path=path, snapshot_every=snapshot_every)
    while not training.done:
        training.run(report_every)
        if progress is not None and progress(training) is False:
            training.cancel()
    return training.result()
