"""Many independent models trained side by side: for sweeps (`BatchTraining`), and for the steps
of separate trainings that wait for a worker at the same time (`advance_together`).

Each model keeps its own configuration (seed, hidden size, learning rate, sampling) and its own
random stream, and takes one SGD step per sample. The models of one hidden size form a group that
one `BatchKernel` trains in a single vectorised pass: every NumPy call works on the whole group at
once, which is what makes a 32-seed sweep cost a few single runs instead of 32. A sweep over hidden
sizes runs one group per size, one after another (a group of one is `FastKernel` itself). All
models share the training width (bits) and the number of iterations.

What holds: each model ends with the very weights, to the last bit, that `Training` (the fast path,
`rnn.fast.FastKernel`) gives it alone, at every hidden size, and so do its errors and checkpoints.
For each model, every elementwise NumPy call makes the same IEEE operations on the same numbers as
FastKernel's, and every matrix product is the same BLAS routine on matrices of the same shapes;
where OpenBLAS's order of summation depends on a matrix's row stride (the forward product below 4
hidden units, see `BatchKernel`), with its row stride too. Models are never padded to a common
size: padding changes the shapes, hence the order of the sums, and rounding differences grow over
a run. The tests check the weights bit for bit: a mixed batch of hidden sizes 1 to 17, rates and
samplings over 10,000 iterations, and every size from 1 to 9 and 12, 17, 24, 32 over shorter runs;
they pass with OpenBLAS's SkylakeX, Haswell, Sandybridge and Nehalem kernels (OPENBLAS_CORETYPE).
The one exception found: OpenBLAS's generic kernels (Katmai, this build's choice for x86-64 CPUs
older than Nehalem, e.g. Core 2) sum a dot product in an order that depends on where its operands
sit in memory, and there a 1-unit model side by side with others can end a last bit away from its
lone run; every other size is exact there too.
"""
import time
from dataclasses import dataclass

import numpy as np

from . import bits as bitops
from . import training
from .data import draw_problems
from .fast import FastKernel, input_feed
from .model import INITIAL_HIDDEN, Params, init_params
from .training import CHUNK, overall_errors

ROW_STRIDE_MATTERS = 4  # below this many hidden units the forward product reads a copy of fwd


class BatchKernel:
    """`FastKernel`'s calls, each made once for a stack of M models of one hidden size H (see
    rnn.fast for the packing).

    The weights of all models sit in one array `net` (M, H + 2, H + 1) = -[[synapse_h, synapse_1],
    [synapse_0, *]]: its first H columns are `FastKernel.fwd`, its first H rows `FastKernel.back`,
    so one update keeps both (two strided updates cost about 5 times as much at 32 models of 16
    units). The corner * collects a sum that nothing reads. Per-step arrays are laid out step
    first, (T + 1, M, ...), so each step's slice is one contiguous block.

    Below 4 hidden units OpenBLAS's gemv sums the forward product in another order when the rows
    of the matrix are exactly H long, as FastKernel's contiguous `fwd` rows are and `net`'s (H + 1
    long) are not; so there the forward product reads a contiguous copy of net's first H columns,
    refreshed after every update.
    """

    def __init__(self, params_list, steps):
        hidden = params_list[0].hidden
        if any(p.hidden != hidden for p in params_list):
            raise ValueError("a BatchKernel trains models of one hidden size")
        count = len(params_list)
        self.hidden, self.steps, self.count = hidden, steps, count
        self.net = np.zeros((count, hidden + 2, hidden + 1))  # (M, H + 2, H + 1)
        for m, p in enumerate(params_list):
            self.net[m, :hidden, :hidden] = -p.synapse_h
            self.net[m, :hidden, hidden] = -p.synapse_1[:, 0]
            self.net[m, hidden:, :hidden] = -p.synapse_0
        self.fwd_is_copy = hidden < ROW_STRIDE_MATTERS
        self.fwd = self.net[:, :, :hidden]  # (M, H + 2, H) FastKernel.fwd per model
        if self.fwd_is_copy:
            self.fwd = self.fwd.copy()
        self.rows = np.zeros((steps + 1, count, hidden + 2))  # [h_t, a_t, b_t] per model
        self.rows[0, :, :hidden] = INITIAL_HIDDEN
        self.deltas = np.zeros((steps + 1, count, hidden + 1))  # negated deltas per model
        self.slope = np.ones((steps, count, hidden + 1))  # minus the slope, then a 1

    def params(self):
        hidden, net = self.hidden, self.net
        return [Params(synapse_0=-net[m, hidden:, :hidden], synapse_h=-net[m, :hidden, :hidden],
                       synapse_1=-net[m, :hidden, hidden:]) for m in range(self.count)]

    def feed(self, a_bits, b_bits):
        """What `train` reads as feed: bits (n, M, T) of a and b -> (n, T + 1, M, 2)."""
        return input_feed(a_bits.transpose(0, 2, 1), b_bits.transpose(0, 2, 1))

    def train(self, feed, targets, alphas, outputs):
        """One SGD step per sample and model. feed (n, T + 1, M, 2) from `feed`, targets
        (n, M, T), alphas (M,); writes outputs (n, M, T)."""
        matmul, exp, add, divide = np.matmul, np.exp, np.add, np.divide
        subtract, multiply, copyto = np.subtract, np.multiply, np.copyto
        one = np.float64(1.0)
        hidden, steps, count = self.hidden, self.steps, self.count
        net, fwd, rows, deltas = self.net, self.fwd, self.rows, self.deltas
        fwd_is_copy = self.fwd_is_copy
        rate = np.repeat(np.asarray(alphas, dtype=np.float64)[:, None], steps, axis=1)  # (M, T)
        slots = rows[:, :, hidden:]  # (T + 1, M, 2)
        back = net[:, :hidden]  # (M, H, H + 1)
        w_out = net[:, :hidden, hidden:]  # (M, H, 1)
        states = rows[1:, :, :hidden]  # (T, M, H)
        states_m = states.transpose(1, 0, 2)  # (M, T, H)
        slope = self.slope[:, :, :hidden]  # (T, M, H)
        rows_next = rows[1:]  # (T, M, H + 2)
        slope_rows = np.empty(rows_next.shape)  # scratch: minus the slope over whole rows
        out_deltas = deltas[1:, :, hidden].T  # (M, T)
        rows_m = rows.transpose(1, 2, 0)  # (M, H + 2, T + 1)
        deltas_m = deltas.transpose(1, 0, 2)  # (M, T + 1, H + 1)
        z_out = np.empty((count, steps, 1))
        z_flat = z_out[..., 0]  # (M, T)
        error, out_slope = np.empty((count, steps)), np.empty((count, steps))
        update = np.empty_like(net)  # minus alpha times all updates
        ones_row, ones_t = np.ones(count * (hidden + 2)), np.ones((count, steps))  # 1 / x as
        # divide(ones, x): the same bits as reciprocal(x), a little faster
        forward_steps = [(rows[t][:, None], rows[t + 1][:, None, :hidden],
                          rows[t + 1].reshape(-1)) for t in range(steps)]
        backward_steps = [(deltas[t + 1][..., None], deltas[t][:, :hidden, None],
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
            slope[...] = slope_rows[:, :, :hidden]  # one strided copy
            for future, z, delta, slope_t in backward_steps:
                matmul(back, future, z)
                multiply(delta, slope_t, delta)
            matmul(rows_m, deltas_m, update)
            add(net, update, net)
            if fwd_is_copy:
                copyto(fwd, net[:, :, :hidden])


@dataclass
class BatchResult:
    configs: list  # TrainConfig per model
    params: list  # Params per model after training
    errors: np.ndarray  # (M, iterations) overallError per model and iteration
    checkpoint_iterations: np.ndarray  # (K,) iterations at which weights were kept
    checkpoints: list  # K lists of M Params


class LoneKernel:
    """A group of one model: `FastKernel` itself (faster than a stack of one), behind
    BatchKernel's interface."""

    def __init__(self, params_list, steps):
        (params,) = params_list
        self.kernel = FastKernel(params, steps)

    def params(self):
        return [self.kernel.params()]

    def feed(self, a_bits, b_bits):
        return self.kernel.feed(a_bits[:, 0], b_bits[:, 0])

    def train(self, feed, targets, alphas, outputs):
        self.kernel.train(feed, targets[:, 0], alphas[0], outputs[:, 0])


@dataclass(frozen=True)
class BatchPoint:
    """Where a batch stands: every model's weights and random stream, as training.Point."""
    iteration: int
    params: list  # Params per model
    random_states: list  # np.random.RandomState.get_state() per model


@dataclass
class BatchSegment:
    """What `advance_batch` trained: up to the next checkpoint."""
    errors: np.ndarray  # (M, n) overallError per model and iteration
    checkpoint: list  # Params per model at end.iteration, or None when it is no checkpoint
    end: BatchPoint
    seconds: float  # time spent


def start_batch(configs):
    """The BatchPoint before the first iteration: each model's listing initialisation."""
    randoms = [np.random.RandomState(c.seed) for c in configs]
    params = [init_params(c.hidden, r) for c, r in zip(configs, randoms)]
    return BatchPoint(0, params, [r.get_state() for r in randoms])


def advance_batch(configs, checkpoint_every, point, count):
    """Train every model from `point` up to `count` more iterations, stopping at the next
    checkpoint (a multiple of `checkpoint_every`, or the end). A pure function of its arguments:
    the same BatchSegment wherever it is computed."""
    started = time.perf_counter()
    bits, total = configs[0].bits, configs[0].iterations
    every = max(1, int(checkpoint_every))
    randoms = []
    for state in point.random_states:
        randoms.append(np.random.RandomState())
        randoms[-1].set_state(state)
    next_checkpoint = (point.iteration // every + 1) * every
    stop = min(total, point.iteration + max(1, count), next_checkpoint)
    errors = np.empty((len(configs), stop - point.iteration))
    params = list(point.params)
    with np.errstate(over="ignore", invalid="ignore"):
        for members, kernel in _groups(configs, point.params, bits):
            errors[members] = _train_group(configs, randoms, members, kernel, bits,
                                           stop - point.iteration)
            for m, p in zip(members, kernel.params()):
                params[m] = p
    checkpoint = params if stop % every == 0 or stop == total else None
    return BatchSegment(errors, checkpoint,
                        BatchPoint(stop, params, [r.get_state() for r in randoms]),
                        time.perf_counter() - started)


def _groups(configs, params, bits):
    """(indices of the models, their kernel) per hidden size, in order of first appearance."""
    groups = []
    for hidden in dict.fromkeys(c.hidden for c in configs):
        members = [m for m, c in enumerate(configs) if c.hidden == hidden]
        kernel = LoneKernel if len(members) == 1 else BatchKernel
        groups.append((members, kernel([params[m] for m in members], bits)))
    return groups


def _train_group(configs, randoms, members, kernel, steps, count):
    """The next `count` problems of each model of a group, trained; returns their errors
    (m, count)."""
    problems = [draw_problems(randoms[m], count, steps, configs[m].sampling) for m in members]
    a = np.stack([p[0] for p in problems], axis=1)  # (n, m)
    b = np.stack([p[1] for p in problems], axis=1)
    targets = bitops.to_bits(a - b, steps).astype(np.float64)  # (n, m, T)
    outputs = np.empty(targets.shape)  # (n, m, T)
    kernel.train(kernel.feed(bitops.to_bits(a, steps), bitops.to_bits(b, steps)), targets,
                 [configs[m].alpha for m in members], outputs)
    return overall_errors(targets, outputs).T


class BatchTraining:
    """Train configurations that share `bits` and `iterations` side by side, in chunks: the models
    of each hidden size together (`BatchKernel`, or `LoneKernel` for a size with one model), each
    model on its own random stream. `run` advances it here (`advance_batch`); a caller may compute
    `advance_batch(*training.advance_args(count))` elsewhere and hand the segment to `absorb`."""

    def __init__(self, configs, checkpoint_every):
        configs = list(configs)
        if len({(c.bits, c.iterations) for c in configs}) != 1:
            raise ValueError("batched models must share bits and iterations")
        self.configs = configs
        self.bits, self.total = configs[0].bits, configs[0].iterations
        self.checkpoint_every = max(1, int(checkpoint_every))
        self.point = start_batch(configs)
        self._errors = np.empty((len(configs), self.total))
        self._checkpoint_iterations = [0]
        self._checkpoints = [self.params()]

    @property
    def iteration(self):
        return self.point.iteration

    @property
    def done(self):
        return self.iteration >= self.total

    def params(self):
        """Params per model, in the order of the configurations (copies)."""
        return [params.copy() for params in self.point.params]

    def advance_args(self, count):
        return (self.configs, self.checkpoint_every, self.point, count)

    def run(self, count):
        """Train up to `count` more iterations, stopping at the next checkpoint."""
        return self.absorb(advance_batch(*self.advance_args(count)))

    def absorb(self, segment):
        begin, end = self.iteration, segment.end.iteration
        if segment.errors.shape != (len(self.configs), end - begin):
            raise ValueError(f"a segment of {segment.errors.shape} errors for iterations "
                             f"{begin} to {end}")
        self._errors[:, begin:end] = segment.errors
        if segment.checkpoint is not None:
            self._checkpoint_iterations.append(end)
            self._checkpoints.append(list(segment.checkpoint))
        self.point = segment.end
        return end - begin

    def result(self):
        return BatchResult(self.configs, self.params(), self._errors[:, :self.iteration].copy(),
                           np.array(self._checkpoint_iterations), list(self._checkpoints))


def train_batch(configs, checkpoint_every=None):
    configs = list(configs)
    training = BatchTraining(configs, checkpoint_every or configs[0].iterations)
    while not training.done:
        training.run(CHUNK)
    return training.result()


class _Member:
    """One run of `advance_together`: where it stands and what it has trained so far."""

    def __init__(self, config, point, count, path, log_every, snapshot_every):
        if path != "fast":
            raise ValueError("only the fast path trains side by side")
        if log_every < 1:
            raise ValueError("log_every must be at least 1")
        self.config, self.log_every = config, log_every
        self.every = snapshot_every or training.snapshot_interval(config.iterations)
        self.random = np.random.RandomState()
        self.random.set_state(point.random_state)
        self.iteration, self.params, self.status = point.iteration, point.params, point.status
        self.end = min(config.iterations, point.iteration + max(0, count))
        self.pieces, self.kept, self.log = [], ([], []), []

    @property
    def running(self):
        return self.iteration < self.end and self.status == "running"


def advance_together(requests):
    """`[rnn.training.advance(*args) for args in requests]`, the runs trained side by side: runs
    that share a hidden size and a width, each with its own configuration, point and count (the
    fast path). The Segments are the very ones `advance` gives each alone, to the last bit: every
    run draws its own problems, piece by piece of CHUNK from its point as `advance` does (so each
    stops at the same place when its weights stop being finite), and the runs of a piece go
    through one `BatchKernel`, which makes FastKernel's arithmetic for each model. A piece is cut
    wherever one run keeps a snapshot or ends; the kernel is made again for the runs that go on.
    Each Segment's `seconds` is its share, by iterations, of the time the whole took."""
    started = time.perf_counter()
    members = [_Member(*args) for args in requests]
    if len({(m.config.hidden, m.config.bits) for m in members}) > 1:
        raise ValueError("runs trained together share a hidden size and a width")
    with np.errstate(over="ignore", invalid="ignore"):
        while running := [m for m in members if m.running]:
            _train_piece_together(running)
    seconds = time.perf_counter() - started
    trained = [sum(len(p) for p in m.pieces) for m in members]
    segments = []
    for member, count in zip(members, trained):
        if member.iteration >= member.config.iterations and member.status == "running":
            member.status = "done"
        errors = np.concatenate(member.pieces) if member.pieces else np.zeros(0)
        end = training.Point(member.iteration, member.params, member.random.get_state(),
                             member.status)
        segments.append(training.Segment(errors, member.kept[0], member.kept[1], member.log, end,
                                         seconds * count / max(1, sum(trained))))
    return segments


def _train_piece_together(members):
    """The next piece (up to CHUNK iterations) of each of `members`, as training._train_piece
    trains it alone."""
    steps = members[0].config.bits
    sizes = [min(m.end, m.iteration + CHUNK) - m.iteration for m in members]
    drawn = [training.piece_problems(m.config, m.random, size) for m, size in zip(members, sizes)]
    outputs = [np.empty((size, steps)) for size in sizes]
    cuts = sorted({*sizes, *(cut for m, size in zip(members, sizes)
                             for cut in training.snapshot_cuts(m.iteration, size, m.every))})
    begin, group, kernel = 0, None, None
    for stop in cuts:
        alive = [i for i, size in enumerate(sizes) if size >= stop]
        if alive != group:  # the first cut, or a run ended at the last one
            group = alive
            kernel = (LoneKernel if len(alive) == 1 else BatchKernel)(
                [members[i].params for i in alive], steps)
        a_bits = np.stack([drawn[i][2][begin:stop] for i in group], axis=1)  # (n, M, T)
        b_bits = np.stack([drawn[i][3][begin:stop] for i in group], axis=1)
        targets = np.stack([drawn[i][4][begin:stop] for i in group], axis=1)
        out = np.empty(targets.shape)
        kernel.train(kernel.feed(a_bits, b_bits), targets,
                     [members[i].config.alpha for i in group], out)
        now = kernel.params()
        for place, i in enumerate(group):
            outputs[i][begin:stop] = out[:, place]
            member = members[i]
            member.params = now[place]
            at = member.iteration + stop
            if training.snapshot_due(member.config, at, member.every):
                member.kept[0].append(at)
                member.kept[1].append(now[place])
        begin = stop
    for member, size, (a, b, _, _, target), out in zip(members, sizes, drawn, outputs):
        errors = overall_errors(target, out)
        member.pieces.append(errors)
        member.log.extend(training.log_entries(member.iteration, member.log_every, errors, a, b,
                                               out, target))
        member.iteration += size
        if not all(np.isfinite(w).all() for w in member.params.as_dict().values()):
            member.status = "diverged"
