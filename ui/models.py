"""The trained models: each configuration is trained once per server process, whoever asks for it
first, live (a progress bar and the error curve as it falls), then summarised for the pages."""
import dataclasses
import threading
import time
from dataclasses import dataclass, field

import numpy as np
import streamlit as st
from streamlit.logger import get_logger

from rnn import archive, cost
from rnn.curve import accuracy_curve
from rnn.training import TrainResult
from ui import charts, queue, redis_store, worker
from ui.i18n import t
from ui.shared import obtain

MAX_MODELS = 24  # trained configurations kept per process
DRAW_EVERY = 0.5  # seconds from the end of one redraw of the progress to the next
LIVE_POINTS = 500  # points of the live error chart (the page's own chart has more)
LOG = get_logger(__name__)  # the server's log: what was trained, and what was stopped early


@dataclass
class Model:
    """A trained (or uploaded) net and what the pages show of it."""
    result: TrainResult
    curve: object  # rnn.curve.Curve (accuracy over the run, the final score, the first 100 %);
    # None for uploaded weights, which the pages that take them (calculator, backprop) do not score
    extras: dict = field(default_factory=dict)  # analyses computed on demand, see analysed()
    uploaded: bool = False  # the visitor's own weights, not a run of the sidebar's settings
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _computing: dict = field(default_factory=dict, repr=False, compare=False)  # key -> Lock

    @property
    def params(self):
        return self.result.params

    @property
    def config(self):
        return self.result.config

    def analysed(self, key, compute):
        """An analysis of this net that a page shows, computed once per model, in turns of the
        work queue: `compute(next_turn)` may call `next_turn()` between chunks of its work. A
        session that asks while another computes it waits for that one (a class opening the
        same page at once computes it once)."""
        if key in self.extras:
            return self.extras[key]
        lock = self._lock_for(key)
        status = st.empty()  # the place in the queue, while waiting for a turn
        while not lock.acquire(timeout=0.2):  # another session computes it
            status.empty()  # a Streamlit call: a rerun of this session stops the wait here
        try:
            if key not in self.extras:
                with queue.job(queue.PlaceShown(status)) as job:
                    self.extras[key] = compute(job.next_turn)
        finally:
            lock.release()
        return self.extras[key]

    def analysed_here(self, key, compute):
        """`analysed` with no page and no turns of the work queue: the server's warm-up, before
        any visitor (one who asks meanwhile waits for it, as for another session)."""
        with self._lock_for(key):
            if key not in self.extras:
                self.extras[key] = compute(lambda: None)
        return self.extras[key]

    def _lock_for(self, key):
        """The lock held while analysis `key` is computed."""
        with self._lock:
            return self._computing.setdefault(key, threading.Lock())

    def memo(self, key, build):
        """Something drawn from this net that costs time to build and no turn of the work queue
        (a chart's specification), built once per model and `key`: `build()`."""
        if key not in self.extras:
            self.extras[key] = build()
        return self.extras[key]


def summarise(result):
    """A finished run and its accuracy curve."""
    return Model(result, accuracy_curve(result))


def from_weights(params, config, scored=False):
    """Uploaded weights as a model of one snapshot, so that the pages treat them alike; scored
    (an accuracy curve of that one snapshot) only when asked."""
    result = TrainResult(config, params, np.zeros(0), np.array([config.iterations]), [params],
                         [], "done")
    return Model(result, accuracy_curve(result) if scored else None, uploaded=True)


def too_big(config):
    """The server time that training `config` and scoring it would take (rnn.cost's estimate),
    and whether it is over the limit of one job."""
    seconds = cost.job_seconds(config)
    return seconds, seconds > queue.JOB_SECONDS


@st.cache_resource
def model_store():
    """The process's trained models; shared with the other replicas through Redis when the
    setting names one (ui.redis_store), as rnn.archive's bytes of the run and its curve."""
    return redis_store.store(MAX_MODELS, "model", encode=lambda model: archive.dumps_model(
        model.result, model.curve), decode=lambda data: Model(*archive.loads_model(data)))


def get_model(config, box):
    """The trained model of `config`, training it here, with progress drawn in `box`, if nobody
    has yet."""
    return obtain(model_store(), config, lambda box: _train(config, box), box)


def warm_up(config, trained):
    """Put the net of `config` (the server passes the sidebar's defaults, the book's settings)
    into the store as the server starts (streamlit_app.py), with no page to draw on, and load
    what drawing its charts needs (Arrow), so that the first visitor waits for none of it.
    `trained()` gives its (TrainResult, Curve, seconds of training), made meanwhile elsewhere
    (ui.worker.trained, in the worker process). A visitor who asks for the same net meanwhile
    waits for it as for another session's training. Returns the model; logged; never raises (a
    failure only means no head start: None)."""
    started = time.perf_counter()
    try:
        model = obtain(model_store(), config, lambda box: _trained_quietly(config, trained),
                       None)
        charts.warm_up()
        LOG.info("trained and scored at start-up in %.2f s: %s", time.perf_counter() - started,
                 config)
        return model
    except Exception:  # noqa: BLE001  (the server serves on without the head start)
        LOG.exception("warm-up failed")
        return None


def _trained_quietly(config, trained):
    """The model of `config` from `trained()`, logged as _train logs a training."""
    LOG.info("training %s", config)
    result, curve, seconds = trained()
    LOG.info("trained in %.2f s: %s", seconds, config)
    return Model(result, curve)


def _train(config, box):
    """Train `config`, taking turns on the work queue, its progress redrawn in `box` every
    DRAW_EVERY seconds; then score it. The computing is done in the worker process (ui.worker;
    in this one when the setting says so, or when the worker fails). A rerun of this session
    raises inside a redraw (or while waiting for a turn): the run stops there and its partial
    work is dropped, here and in the worker."""
    LOG.info("training %s", config)
    training = worker.LiveTraining(config, worker.in_use())
    with box.container():
        status = st.empty()  # the place in the queue, while waiting for a turn
        bar = st.progress(0.0, text=t("training_progress", done=0, total=config.iterations))
        chart = st.empty()
    try:
        with queue.job(queue.PlaceShown(status)) as job:
            _run_live(training, job, bar, chart)
            result, curve = training.score(progress=job.next_turn)
    except BaseException:
        LOG.info("training stopped early, at iteration %d of %d: %s", training.iteration,
                 config.iterations, config)
        raise
    finally:
        training.close()
    LOG.info("trained in %.2f s: %s", training.seconds, config)
    return Model(result, curve)


def _run_live(training, job, bar, chart):
    """Train in chunks, one turn of the work queue each (`training`: a ui.worker.LiveTraining,
    or anything with rnn.training.Training's run, done, iteration, status, errors); redraw the
    progress every DRAW_EVERY seconds."""
    config = training.config
    chunk = max(50, int(queue.TURN_SECONDS / cost.training_seconds(
        dataclasses.replace(config, iterations=1))))
    last_draw = 0.0
    while not training.done:
        training.run(chunk)
        if time.perf_counter() - last_draw > DRAW_EVERY or training.done:
            done = training.iteration
            bar.progress(done / max(1, config.iterations),
                         text=t("training_progress", done=done, total=config.iterations))
            charts.draw(charts.error_chart(training.errors, height=220, max_points=LIVE_POINTS),
                        chart)
            last_draw = time.perf_counter()  # after drawing: a slow redraw cannot run back to back
        job.next_turn()
    if training.status == "diverged":
        bar.progress(1.0, text=t("diverged_short", iteration=training.iteration))
    else:
        bar.progress(1.0, text=t("evaluating"))
