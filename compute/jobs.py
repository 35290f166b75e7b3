"""The app's computations as jobs of the compute service: training a configuration and scoring
it, sweeps, and what the pages derive from a net (analyses, gradient checks, time-lapses, walks).

Each is computed once per server process (or once across replicas, for models and sweeps shared
through Redis) and kept in the service's stores; each is bounded: a configuration whose training
and scoring rnn.cost puts over JOB_SECONDS is refused before anything runs (`too_big`), a
gradient check tries the weights that fit in GRADIENT_CHECK_SECONDS, the advice's check the
candidates that fit in CHECK_SECONDS. Every step is computed in the worker pool, TURN_SECONDS of
computing or so at a time (a training kept waiting on a busy server up to MAX_LONGER times that).
"""
import dataclasses
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from compute.models import LOG_EVERY, Model, digest
from compute.scheduler import SERVER, Refused
from rnn import cost
from rnn import sweep as sweeping
from rnn.curve import curve_steps
from rnn.replay import gradient_check_steps_of
from rnn.steps import Step
from rnn.training import Training, advance

JOB_SECONDS = 6.0  # what one visitor may ask for at once, in seconds of computing as rnn.cost
# estimates them: a training with its scoring, a sweep
GRADIENT_CHECK_SECONDS = 1.0  # a gradient check, which the backprop page redoes for every problem
CHECK_SECONDS = 3.0  # the advice's check of what to suggest, once per failed run (kept)
TURN_SECONDS = 0.05  # computing time of one step of a training or a sweep (rnn.cost's estimate)
LONGER_AFTER = 2.0  # a training open for n times this long takes steps n times as long ...
MAX_LONGER = 4  # ... up to this many times (each step is a turn in the pool's line: on a busy
# server a long training would otherwise wait in line more than it computes)
LOG = logging.getLogger(__name__)  # the server's log: what was trained, and what stopped early


def too_big(config):
    """The seconds that training `config` and scoring it would take (rnn.cost's estimate), and
    whether that is over JOB_SECONDS."""
    seconds = cost.job_seconds(config)
    return seconds, seconds > JOB_SECONDS


def training_chunk(config):
    """Iterations of one step of `config`'s training: about TURN_SECONDS of computing."""
    one = cost.training_seconds(dataclasses.replace(config, iterations=1))
    return max(50, int(TURN_SECONDS / one))


# ---- models: trained once, kept (shared through Redis when there is one)

class Run:
    """Training `config` and scoring it, as rnn.steps: `training` (an rnn Training advanced here
    with Segments computed elsewhere) can be read as it goes, for a live chart. Progress counts
    iterations; while the curve is scored it stands at the total."""

    def __init__(self, config):
        self.config = config
        self.training = Training(config, log_every=LOG_EVERY)

    def steps(self):
        LOG.info("training %s", self.config)  # here, once the job is let in (not if refused)
        training, total = self.training, self.config.iterations
        chunk, opened = training_chunk(self.config), time.monotonic()
        while not training.done:
            # a training kept waiting on a busy server takes longer steps, so fewer turns in line
            longer = min(MAX_LONGER, max(1, int((time.monotonic() - opened) / LONGER_AFTER)))
            segment = yield Step(advance, training.advance_args(chunk * longer),
                                 min(total, training.iteration + chunk * longer), total)
            training.absorb(segment)
        result = training.result()
        scoring = curve_steps(result)
        value = None
        while True:
            try:
                step = scoring.send(value)
            except StopIteration as finished:
                return Model(result, finished.value)
            value = yield dataclasses.replace(step, done=total, total=total)


def model(service, config, visitor, watch=None, run=None):
    """The trained model of `config`, training and scoring it (in the pool) if nobody has yet.
    `run` (a Run of `config`) lets the caller read the training as it goes."""
    def build():
        live = run or Run(config)
        try:
            made = service.run(live.steps(), visitor, cost.job_seconds(config), watch)
        except Refused:
            raise
        except BaseException:
            LOG.info("training stopped early, at iteration %d of %d: %s",
                     live.training.iteration, config.iterations, config)
            raise
        LOG.info("trained in %.2f s: %s", live.training.seconds, config)
        return made
    return service.models.get_or_build(config, build, watch)


def warm_model(service, config):
    """The model of `config`, trained for nobody in particular (the server's warm-up)."""
    return model(service, config, SERVER)


# ---- the advice's check: a suggestion is trained before it is offered

@dataclass(frozen=True)
class Checked:
    """How a candidate's run ended, as the training page would report it."""
    config: object  # rnn.TrainConfig
    accuracy: float  # the final accuracy (curve.final)
    pairs: int  # the problems it was scored on
    first_perfect: int | None  # the first iteration at 100 % (curve.first_perfect)


def affordable(configs):
    """The leading `configs` whose jobs rnn.cost puts at CHECK_SECONDS together at most (the first
    always), none of them too big to train."""
    chosen, total = [], 0.0
    for config in configs:
        seconds, over = too_big(config)
        if over:
            continue
        total += seconds
        if chosen and total > CHECK_SECONDS:
            break
        chosen.append(config)
    return chosen


def check_steps(service, configs):
    """`configs` trained and scored in turn as the page would (a Run each; a model already stored
    is taken as it is) until one gets every problem right, as rnn.steps; that one is stored as
    the model of its settings, so that the button that applies them shows it at once. Returns a
    Checked per configuration tried."""
    checked, done, total = [], 0, sum(config.iterations for config in configs)
    for config in configs:
        made = service.models.get(config)
        if made is None:
            steps, value = Run(config).steps(), None
            while made is None:
                try:
                    step = steps.send(value)
                except StopIteration as finished:
                    made = finished.value
                else:
                    value = yield dataclasses.replace(step, done=done + step.done, total=total)
        done += config.iterations
        final = made.curve.final
        checked.append(Checked(config, final.accuracy, final.pairs, made.curve.first_perfect))
        if final.accuracy == 1.0:
            service.models.get_or_build(config, lambda made=made: made)
            break
    return checked


def check(service, configs, visitor, watch=None):
    """The advice's check of `configs` (check_steps), computed once and kept."""
    configs = tuple(configs)
    return derived(service, ("advice check", configs), check_steps(service, configs), visitor,
                   sum(cost.job_seconds(config) for config in configs), watch)


# ---- sweeps

def sweep_chunk(configs):
    """Iterations of one step of a sweep: about TURN_SECONDS of computing."""
    one = cost.sweep_seconds([dataclasses.replace(c, iterations=100) for c in configs]) / 100
    return max(10, int(TURN_SECONDS / one))


def peek_sweep(service, configs):
    """The sweep over `configs` if it has been run (here or, shared, elsewhere), else None."""
    return service.sweeps.get(tuple(configs))


def sweep(service, configs, visitor, watch=None):
    """The sweep over `configs` (sharing bits and iterations), run in the pool if nobody has."""
    configs = tuple(configs)
    return service.sweeps.get_or_build(configs, lambda: service.run(
        sweeping.sweep_steps(list(configs), sweep_chunk(configs)), visitor,
        cost.sweep_seconds(configs), watch), watch)


def sweeps_behind(service, sweeps, visitor, key):
    """The sweeps of `sweeps` (lists of configurations) not run yet, run BACKGROUND_JOBS at a
    time in threads of their own (each a job of `visitor`, in line with everybody's), so that a
    page can show each result as it comes instead of waiting for all (the learnability map).
    One such run per `key` at a time and BACKGROUND_RUNS in all: returns False when none could
    be started now. What became of the last run of `key` is `behind_status(key)`: "running",
    "done", or the name of what stopped it."""
    with _behind_lock:
        if _behind.get(key) == "running":
            return True
        if sum(state == "running" for state in _behind.values()) >= BACKGROUND_RUNS:
            return False
        _behind[key] = "running"
        while len(_behind) > BACKGROUND_KEPT:  # the oldest finished ones go first
            finished = next((k for k, v in _behind.items() if v != "running"), None)
            if finished is None:
                break
            del _behind[finished]

    def work():
        state = "done"
        try:
            with ThreadPoolExecutor(BACKGROUND_JOBS, thread_name_prefix="sweeps-behind") as jobs:
                for _ in jobs.map(lambda configs: sweep(service, configs, visitor), sweeps):
                    pass
        except Exception as error:  # noqa: BLE001 - told to the page, which offers to go on
            state = type(error).__name__
            LOG.warning("a background sweep stopped: %s", error)
        with _behind_lock:
            _behind[key] = state

    threading.Thread(target=work, name="sweeps-behind", daemon=True).start()
    return True


def behind_status(key):
    with _behind_lock:
        return _behind.get(key)


BACKGROUND_RUNS = 2  # background runs at once, for all visitors
BACKGROUND_JOBS = 2  # jobs of one background run at once (one per worker of a 2-core server)
BACKGROUND_KEPT = 64  # outcomes of background runs remembered
_behind, _behind_lock = {}, threading.Lock()


# ---- what the pages derive from a net, each computed once per net and kept

def derived(service, key, work, visitor, estimate, watch=None):
    """The value kept under `key`, else computed once (in the pool) and kept: `work` is an
    rnn.steps generator, or a Step (one function and its arguments)."""
    def build():
        if isinstance(work, Step):
            return service.call(work.function, *work.args, visitor=visitor, estimate=estimate,
                                watch=watch)
        return service.run(work, visitor, estimate, watch)
    return service.results.get_or_build(key, build, watch)


def one(function, *args):
    """A job of one step: `function(*args)` (for `derived`)."""
    return Step(function, args, 1, 1)


def gradient_check(service, params, a, b, bits, visitor, watch=None):
    """The check of `params` on a - b: every weight when that fits in GRADIENT_CHECK_SECONDS,
    else a random sample of as many as fit (the same sample for the same problem)."""
    budget = cost.weights_within(GRADIENT_CHECK_SECONDS, params.hidden, bits)
    return derived(service, ("gradient check", digest(params), a, b, bits),
                   gradient_check_steps_of(params, a, b, bits, budget=budget, seed=a ^ b),
                   visitor, cost.gradient_check_seconds(params.hidden, bits, budget), watch)
