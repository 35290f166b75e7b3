"""The compute service: one per server process, it holds the scheduler, the worker pool and the
stores, and runs visitors' jobs step by step in the pool.

`Service.run(steps, visitor, estimate, watch)` opens a job for `visitor` (Refused when over a
bound), sends each rnn.steps Step of `steps` to the pool in turn (each waits in the scheduler's
line for a worker) and returns the generator's result; `Service.call(function, *args, ...)` is a
job of one step. While a job waits or computes, `watch` is told (compute.store.NoWatch lists the
methods): `waiting(place)` about every POLL_SECONDS with its place in line (0 once a worker has
it), `progress(done, total)` after each step, `retried()` once when a worker was lost under one of
its steps and the step went on elsewhere, `other()` while another visitor builds the same stored
value. Any of them may raise (a Streamlit rerun does, when the visitor moved on): the job then
leaves the line at once and ends. Nothing is waited on without a deadline: a step waits at most
WAIT_SECONDS for a worker, a worker answers within compute.pool.CALL_SECONDS or is replaced.
"""
import logging
import os
import time

from compute import models, shared, votes
from compute.pool import Pool, TaskFailed, WorkerLost
from compute.scheduler import SERVER, Refused, Scheduler, Visitor
from compute.store import NoWatch, Overloaded, Store
from compute.tasks import name_of

SETTING = "RNN_WORKERS"  # environment: how many worker processes ("0": compute in the server)
POLL_SECONDS = 0.25  # a waiting job tells its watch its place this often
WAIT_SECONDS = 300.0  # a step waits at most this long for a worker (else Overloaded)
SMALL = 0.005  # seconds: what a job of one step is taken to cost when nobody says
MAX_MODELS, MODEL_BYTES = 24, 160 * 2**20  # trained models kept: entries, bytes of their arrays
MAX_SWEEPS = 96  # sweep results kept (a few KB each; a learnability map is 30 of them)
MAX_RESULTS, RESULT_BYTES = 512, 48 * 2**20  # derived results kept: entries, bytes of arrays
LOG = logging.getLogger(__name__)

__all__ = ["SERVER", "Overloaded", "Refused", "Service", "TaskFailed", "Visitor", "WorkerLost",
           "default_workers"]


def default_workers():
    """The pool's size: the setting, else one worker per usable core."""
    text = os.environ.get(SETTING, "").strip()
    if text:
        try:
            return max(0, int(text))
        except ValueError:
            LOG.warning("%s=%r is not a whole number; one worker per core", SETTING, text)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Service:
    """The scheduler, the pool, and the stores: `models` (trained models) and `sweeps`, shared
    with other replicas through Redis when `redis_url` names a Redis server (compute.shared), as
    are the classes' `votes` (compute.votes), and `results` (what the pages derive from a net),
    this process's own."""

    def __init__(self, workers=None, redis_url=None, scheduler=None, quick=False):
        self.scheduler = scheduler or Scheduler()
        self.pool = Pool(default_workers() if workers is None else workers,
                         self.scheduler, quick=quick).start()
        link = shared.connect(redis_url) if redis_url else None
        self.models = shared.shared_store(link, MAX_MODELS, MODEL_BYTES, "model",
                                          models.encode_model, models.decode_model)
        self.sweeps = shared.shared_store(link, MAX_SWEEPS, None, "sweep", models.encode_sweep,
                                          models.decode_sweep)
        self.results = Store(MAX_RESULTS, RESULT_BYTES)
        self.votes = votes.votes(link)  # the classes' guesses (compute.votes)

    def close(self):
        self.pool.close()

    def run(self, steps, visitor, estimate, watch=None):
        """The result of the rnn.steps generator `steps`, every step computed in the pool, as one
        job of `visitor` expected to take `estimate` seconds. The next step is put in line before
        `watch` is told of the last one's progress, so a worker computes while the page draws."""
        watch = watch or NoWatch()
        job = self.scheduler.open(visitor, estimate)
        try:
            try:
                step = next(steps)
            except StopIteration as finished:
                return finished.value
            request = self._submit(job, step.function, step.args)
            while True:
                value = self._wait(request, watch)
                if step.total:
                    self.scheduler.revise(job, estimate * max(0.0, 1 - step.done / step.total))
                try:
                    following = steps.send(value)
                except StopIteration as finished:
                    watch.progress(step.done, step.total)
                    return finished.value
                request = self._submit(job, following.function, following.args)
                watch.progress(step.done, step.total)
                step = following
        finally:
            self.scheduler.end(job)
            steps.close()

    def call(self, function, *args, visitor, estimate=SMALL, watch=None):
        """`function(*args)` computed in the pool, as a job of one step."""
        watch = watch or NoWatch()
        job = self.scheduler.open(visitor, estimate)
        try:
            return self._compute(job, function, args, watch)
        finally:
            self.scheduler.end(job)

    def _compute(self, job, function, args, watch):
        return self._wait(self._submit(job, function, args), watch)

    def _submit(self, job, function, args):
        return self.scheduler.submit(job, name_of(function), args)

    def _wait(self, request, watch):
        """The value of `request`, telling `watch` its place in line meanwhile."""
        told, deadline = False, time.monotonic() + WAIT_SECONDS
        try:
            while True:
                try:
                    value = request.future.result(timeout=POLL_SECONDS)
                except TimeoutError:
                    value = request  # not yet
                except Exception:  # failed: told of its retries first, however quickly they went
                    if request.attempts and not told:
                        watch.retried()
                    raise
                if request.attempts and not told:
                    told = True
                    watch.retried()
                if value is not request:
                    return value
                watch.waiting(self.scheduler.place(request))
                if time.monotonic() > deadline and not request.started:
                    raise Overloaded(f"no worker took this step within {WAIT_SECONDS:.0f} s")
        except BaseException:
            self.scheduler.withdraw(request)
            raise
