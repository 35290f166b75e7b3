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
from dataclasses import dataclass, replace

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


@dataclass(frozen=True)
class Point:
    """Where a training stands: all it needs to go on, in this process or another, to the very
    same numbers (the weights are the kernels' whole state, the random stream's state is exact)."""
    iteration: int  # iterations trained
    params: object  # Params after them
    random_state: tuple  # np.random.RandomState.get_state() of the listing's stream
    status: str  # "running", "done", "cancelled" or "diverged"


@dataclass
class Segment:
    """What `advance` trained: the iterations from `start.iteration` to `end.iteration`."""
    errors: np.ndarray  # (n,) overallError of each iteration's sample
    snapshot_iterations: list  # iterations of the snapshots kept on the way
    snapshots: list  # Params at those iterations
    log: list  # LogEntry of the log's iterations on the way
    end: Point
    seconds: float  # time spent


def start(config, path="fast"):
    """The Point before the first iteration of `config`: the listing's initial weights, drawn from
    np.random.RandomState(seed) as the listing draws them, and the stream's state after them."""
    if path not in KERNELS:
        raise ValueError(f"unknown path {path!r}")
    random = np.random.RandomState(config.seed)
    params = init_params(config.hidden, random)
    return Point(0, params, random.get_state(), "running")


def advance(config, point, count, path="fast", log_every=800, snapshot_every=0):
    """Train from `point` up to `count` more iterations (fewer at the end, or when the weights
    stop being finite numbers: "diverged"), in pieces of at most CHUNK, keeping a snapshot at
    every multiple of `snapshot_every` (0: snapshot_interval) and at the end, and a log entry at
    every multiple of `log_every`. A pure function of its arguments: the Segment it returns is
    the same wherever it is computed."""
    started = time.perf_counter()
    every = snapshot_every or snapshot_interval(config.iterations)
    random = np.random.RandomState()
    random.set_state(point.random_state)
    kernel = KERNELS[path](point.params, config.bits)
    iteration, status = point.iteration, point.status
    end = min(config.iterations, iteration + max(0, count))
    pieces, kept, log = [], ([], []), []
    while iteration < end and status == "running":
        size = min(end, iteration + CHUNK) - iteration
        pieces.append(_train_piece(config, kernel, random, iteration, size, every, log_every,
                                   kept, log))
        iteration += size
        if not all(np.isfinite(w).all() for w in kernel.params().as_dict().values()):
            status = "diverged"
    if iteration >= config.iterations and status == "running":
        status = "done"
    errors = np.concatenate(pieces) if pieces else np.zeros(0)
    return Segment(errors, kept[0], kept[1], log,
                   Point(iteration, kernel.params(), random.get_state(), status),
                   time.perf_counter() - started)


def _train_piece(config, kernel, random, first, count, every, log_every, kept, log):
    """Train `count` iterations from iteration `first`; snapshots appended to `kept` (iterations,
    Params), log entries to `log`. Returns the errors (count,)."""
    a, b, a_bits, b_bits, target = piece_problems(config, random, count)
    outputs = np.empty(target.shape)  # (n, T)
    feed = kernel.feed(a_bits, b_bits)  # (n, ...) per sample
    # train segment by segment, keeping a snapshot at every multiple of `every`
    cuts = snapshot_cuts(first, count, every)
    with np.errstate(over="ignore", invalid="ignore"):
        for begin, stop in zip([0, *cuts], [*cuts, count]):
            kernel.train(feed[begin:stop], target[begin:stop], config.alpha, outputs[begin:stop])
            if snapshot_due(config, first + stop, every):
                kept[0].append(first + stop)
                kept[1].append(kernel.params())
    errors = overall_errors(target, outputs)
    log.extend(log_entries(first, log_every, errors, a, b, outputs, target))
    return errors


def piece_problems(config, random, count):
    """The next `count` problems of a run: a, b (n,), their bits (n, T) and the target bits (n, T)
    as floats."""
    steps = config.bits
    a, b = draw_problems(random, count, steps, config.sampling)
    target = bitops.to_bits(a - b, steps).astype(np.float64)
    return a, b, bitops.to_bits(a, steps), bitops.to_bits(b, steps), target


def snapshot_cuts(first, count, every):
    """Where, counted from iteration `first`, a piece of `count` iterations passes a multiple of
    `every` (its start excluded)."""
    return range(-first % every or every, count, every)


def snapshot_due(config, at, every):
    """Whether a snapshot is kept after iteration `at`: at every multiple of `every` and at the
    run's end."""
    return at % every == 0 or at == config.iterations


def log_entries(first, log_every, errors, a, b, outputs, target):
    """The log entries of a piece trained from iteration `first`: at every multiple of
    `log_every`."""
    return [LogEntry(first + j, float(errors[j]), int(a[j]), int(b[j]),
                     (outputs[j] > 0.5).astype(np.uint8), target[j].astype(np.uint8))
            for j in range(-first % log_every, len(errors), log_every)]


class Training:
    """A training run advanced chunk by chunk (`run`), here by `advance`, or elsewhere: a caller
    may compute `advance(config, training.point, count, ...)` in another process and hand the
    Segment to `absorb`, with the same result."""

    def __init__(self, config, log_every=800, path="fast", snapshot_every=0):
        if log_every < 1:
            raise ValueError("log_every must be at least 1")
        self.config, self.log_every, self.path = config, log_every, path
        self.snapshot_every = snapshot_every or snapshot_interval(config.iterations)
        self.point = start(config, path)
        self.seconds = 0.0  # time spent training
        self._errors = np.empty(config.iterations)
        self._snapshot_iterations = [0]
        self._snapshots = [self.point.params]
        self._log = []

    @property
    def iteration(self):
        return self.point.iteration

    @property
    def status(self):
        return self.point.status

    @property
    def done(self):
        return self.status != "running"

    @property
    def errors(self):
        """Errors of the iterations trained so far (a view; do not modify)."""
        return self._errors[:self.iteration]

    def params(self):
        """The weights as they are now (a copy)."""
        return self.point.params.copy()

    def advance_args(self, count):
        """The arguments of `advance` that train this run `count` iterations further."""
        return (self.config, self.point, count, self.path, self.log_every, self.snapshot_every)

    def run(self, count):
        """Train up to `count` more iterations (fewer at the end); returns how many were run."""
        return self.absorb(advance(*self.advance_args(count)))

    def absorb(self, segment):
        """Take in a Segment trained from this run's point; returns its iterations."""
        begin, end = self.iteration, segment.end.iteration
        if len(segment.errors) != end - begin:
            raise ValueError(f"a segment of {len(segment.errors)} errors for iterations {begin} "
                             f"to {end}")
        self._errors[begin:end] = segment.errors
        for iteration, params in zip(segment.snapshot_iterations, segment.snapshots):
            if self._snapshot_iterations[-1] != iteration:
                self._snapshot_iterations.append(iteration)
                self._snapshots.append(params)
        self._log.extend(segment.log)
        self.point = segment.end
        self.seconds += segment.seconds
        return end - begin

    def drain_log(self):
        """The log entries made since the last call, handed over and forgotten here (a caller that
        prints the log as it is made keeps memory bounded this way)."""
        entries, self._log = self._log, []
        return entries

    def cancel(self):
        if self.status == "running":
            self.point = replace(self.point, status="cancelled")

    def result(self):
        return TrainResult(self.config, self.params(), self.errors.copy(),
                           np.array(self._snapshot_iterations), list(self._snapshots),
                           list(self._log), self.status, self.seconds)


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
