"""What a job costs, in seconds of one core, so that a server can bound the work one visitor asks
for before it starts.

The net is tiny, so the time goes into NumPy's per-call overhead more than into arithmetic. Each
figure below is a fixed part, a part per step (per bit of the operands: one round of NumPy calls)
and a part that grows with the square of the hidden units (the matrix work):

- training, fast path:  iterations x (ITERATION + bits x (STEP + hidden^2 x CELL))
- a batch of M models of one hidden size (rnn.batch): the same form with M x hidden^2
- scoring the net on many pairs at once: SCORE + state_steps x (STATE + hidden^2 x STATE_CELL),
  where state_steps counts (pair or prefix) x step: 4 + 16 + ... + 4^bits prefix states when
  every pair is scored (up to 8 bits), RANDOM_PAIRS x bits above
- the readable forward pass of one problem (the gradient check makes two per weight checked):
  bits x (FORWARD_STEP + hidden^2 x FORWARD_CELL)

The constants are measured by `python -m rnn.bench --calibrate` (least squares over a grid of
sizes) on the machine named in CALIBRATED_ON; `python -m rnn.bench --cost` prints predicted
against measured seconds for whole jobs. Every estimate is multiplied by `speed`, this machine's
seconds per second of that one: 1.0 until `calibrate()` measures it (the server does, as it
starts, so that "6 s" is six seconds of the machine the app runs on).
"""
import time

from .config import TrainConfig
from .evaluate import EXHAUSTIVE_BITS, RANDOM_PAIRS, SCREEN_PAIRS
from .machine import MAX_STATES
from .sweep import CHECKPOINTS
from .training import MAX_SNAPSHOTS, train

CALIBRATED_ON = "2 cores, x86_64, OpenBLAS SkylakeX kernel, NumPy 2.4, Python 3.11 (2026-11-27)"
# python -m rnn.bench --cost there: predicted against measured whole jobs within 0.8x to 1.3x
ITERATION, STEP, CELL = 8.53e-06, 1.80e-06, 4.94e-10  # fast path, per iteration / step / step x H^2
BATCH_ITERATION, BATCH_STEP, BATCH_CELL = 9.64e-06, 3.87e-06, 5.45e-10  # rnn.batch, per model x H^2
SCORE, STATE, STATE_CELL = 8.50e-05, 3.12e-08, 6.03e-11  # scoring many pairs
FORWARD_STEP, FORWARD_CELL = 8.32e-06, 1.03e-10  # rnn.model.forward, per step / step x H^2
CURVE_SCORES = 28  # scores of a run's curve beyond its screens: 26 snapshots, refinements, final

speed = 1.0  # this machine's seconds per second of CALIBRATED_ON; calibrate() measures it
REFERENCE = TrainConfig(iterations=2_000)  # calibrate()'s measure: the book's net, 2,000 iterations
SPEED_BOUNDS = (0.5, 4.0)  # a measurement outside is clipped (a start-up on a busy machine)


def calibrate(repeats=3):
    """Measure this machine: train REFERENCE on the fast path `repeats` times and set `speed` to
    the least CPU time of this thread over the constants' estimate, within SPEED_BOUNDS (about
    0.15 s here). CPU time, not wall time: the limits are seconds of computing, and a server
    that starts beside other busy processes must not think its machine slow (with three busy
    loops on this 2-core machine, wall time gave 1.78x, CPU time 0.92x; idle, both about 0.91x).
    Returns the new speed."""
    global speed
    best = float("inf")
    for _ in range(repeats):
        started = time.thread_time()
        train(REFERENCE, report_every=REFERENCE.iterations)
        best = min(best, time.thread_time() - started)
    speed = min(max(best / unscaled_training(REFERENCE), SPEED_BOUNDS[0]), SPEED_BOUNDS[1])
    return speed


def unscaled_training(config):
    """Training `config` on the fast path, in seconds of CALIBRATED_ON."""
    steps = config.bits * (STEP + config.hidden**2 * CELL)
    return config.iterations * (ITERATION + steps)


def training_seconds(config):
    """Training `config` on the fast path, here."""
    return speed * unscaled_training(config)


def state_steps(bits):
    """How many (state, step) pairs `evaluate.score_width` computes at this width."""
    if bits <= EXHAUSTIVE_BITS:
        return sum(4 ** (t + 1) for t in range(bits))  # every prefix of a and b, step by step
    return RANDOM_PAIRS * bits


def score_seconds(hidden, bits, steps=None):
    """One `score_width` (or, with `steps`, a run over that many states x steps)."""
    steps = state_steps(bits) if steps is None else steps
    return speed * (SCORE + steps * (STATE + hidden**2 * STATE_CELL))


def curve_seconds(config):
    """`curve.accuracy_curve` of a run: CURVE_SCORES scores, and a screen of every snapshot at
    most (SCREEN_PAIRS pairs each)."""
    snapshots = min(config.iterations, MAX_SNAPSHOTS) + 1
    screen = score_seconds(config.hidden, config.bits, SCREEN_PAIRS * config.bits)
    return CURVE_SCORES * score_seconds(config.hidden, config.bits) + snapshots * screen


def job_seconds(config):
    """What the app does for a new configuration: train it, then score its curve."""
    return training_seconds(config) + curve_seconds(config)


def sweep_seconds(configs):
    """`sweep.run_sweep(configs)`: one batch per hidden size (a lone model runs on the fast path),
    then for each model a screen of every checkpoint and two scores at most."""
    total = 0.0
    sizes = [config.hidden for config in configs]
    for hidden in set(sizes):
        group = [c for c in configs if c.hidden == hidden]
        config = group[0]
        if len(group) == 1:
            total += training_seconds(config)
        else:
            steps = config.bits * (BATCH_STEP + len(group) * hidden**2 * BATCH_CELL)
            total += speed * config.iterations * (BATCH_ITERATION + steps)
        screen = score_seconds(hidden, config.bits, SCREEN_PAIRS * config.bits)
        total += len(group) * ((CHECKPOINTS + 1) * screen + 2 * score_seconds(hidden, config.bits))
    return total


def forward_seconds(hidden, bits):
    """One readable forward pass (`model.forward`) of one problem."""
    return speed * bits * (FORWARD_STEP + hidden**2 * FORWARD_CELL)


def gradient_check_seconds(hidden, bits, weights):
    """Central differences on `weights` weights: two forward passes each."""
    return 2 * weights * forward_seconds(hidden, bits)


def weights_within(seconds, hidden, bits):
    """How many weights a gradient check can try within `seconds` (at least 1)."""
    return max(1, int(seconds / (2 * forward_seconds(hidden, bits))))


def backward_seconds(hidden, bits):
    """One readable forward and backward pass of one problem (rnn.model), about three forwards."""
    return 3 * forward_seconds(hidden, bits)


def time_lapse_seconds(snapshots, hidden, bits):
    """`blame.time_lapse` over `snapshots` snapshots."""
    return snapshots * backward_seconds(hidden, bits)


def ablation_seconds(hidden, bits):
    """`analysis.ablation`: one score per hidden unit."""
    return hidden * score_seconds(hidden, bits)


def correlation_seconds(hidden, bits, pairs):
    """`analysis.borrow_correlation` on `pairs` problems: two passes over every step."""
    return 2 * score_seconds(hidden, bits, pairs * bits)


def machine_seconds(hidden):
    """`machine.extract`: the states of every 8-bit pair (no prefixes shared), then k-means and
    a replay for each k up to MAX_STATES. Fitted by hand to this machine's measurements: 0.18,
    0.39, 1.0 and 4.0 s at 2, 16, 64 and 256 hidden units, against 0.33, 0.35, 0.59 and 4.5 s
    here."""
    pairs = 2 ** (EXHAUSTIVE_BITS - 1) * (2**EXHAUSTIVE_BITS + 1)
    states = score_seconds(hidden, EXHAUSTIVE_BITS, pairs * EXHAUSTIVE_BITS)
    return 4 * states + MAX_STATES * 0.05 * speed


def lengths_seconds(hidden, widths):
    """`analysis.length_generalisation`: one `score_width` of each width."""
    return sum(score_seconds(hidden, width) for width in widths)
