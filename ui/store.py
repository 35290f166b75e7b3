"""The process-wide model store: each configuration is trained once, whoever asks for it.

One `ModelStore` per server process (`st.cache_resource`), least recently used out past
MAX_MODELS, with a lock per configuration so two sessions asking for the same one train it once.
Training runs in chunks inside the session that asked first, drawing a progress bar and a live
error chart; a rerun of that session (the user moved a slider) raises inside the next Streamlit
call, the lock is released and the partial model is dropped.
"""
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import streamlit as st

from rnn.evaluate import score_all_pairs, score_random
from rnn.sweep import run_sweep
from rnn.training import Training
from ui import charts
from ui.i18n import t

MAX_MODELS = 24  # trained configurations kept per process
MAX_SWEEPS = 12  # sweep results kept per process
EXHAUSTIVE_BITS = 8  # widths scored on all pairs; wider ones on RANDOM_PAIRS random pairs
RANDOM_PAIRS = 2_000
CURVE_POINTS = 25  # snapshots scored for the accuracy-over-training chart (plus a refinement)
MAX_RUNNING = 1  # trainings and sweeps computing at once; others queue. NumPy on matrices this
# small holds the GIL, so a second one would not run faster, only slow every other visitor down
MAX_WORK = 52_000_000  # iterations x hidden x bits of one run: about 4 s of training at most
REPORT_EVERY = 500  # iterations between progress callbacks
DRAW_EVERY = 0.25  # seconds from the end of one redraw of the progress to the next


@dataclass
class Model:
    """A trained configuration and what the pages show of it, computed once."""
    result: object  # rnn.training.TrainResult
    curve_iterations: np.ndarray  # (K,) iterations of the scored snapshots
    curve_accuracy: np.ndarray  # (K,) exact-match accuracy at those snapshots
    final: object  # rnn.evaluate.Score of the final weights
    first_perfect: object  # first scored iteration at 100 %, or None
    extras: dict = field(default_factory=dict)  # analyses computed on demand, see derived()

    @property
    def params(self):
        return self.result.params


class Slot:
    def __init__(self):
        self.lock = threading.Lock()
        self.model = None


class ModelStore:
    def __init__(self, capacity=MAX_MODELS):
        self.capacity = capacity
        self._slots = OrderedDict()
        self._lock = threading.Lock()

    def slot(self, config):
        with self._lock:
            slot = self._slots.pop(config, None) or Slot()
            self._slots[config] = slot
            while len(self._slots) > self.capacity:
                self._slots.popitem(last=False)
            return slot

    def __len__(self):
        return len(self._slots)


class Gate:
    """At most `slots` trainings at once; the rest wait their turn, showing their place."""

    def __init__(self, slots):
        self._slots = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self._queue = []  # tickets of the waiting sessions, oldest first

    @contextmanager
    def enter(self, on_wait):
        ticket = object()
        with self._lock:
            self._queue.append(ticket)
        try:
            while not self._slots.acquire(timeout=0.25):
                with self._lock:
                    place = self._queue.index(ticket) + 1
                on_wait(place)  # draws, so a rerun of the waiting session stops here
        finally:
            with self._lock:
                self._queue.remove(ticket)
        try:
            yield
        finally:
            self._slots.release()

    @property
    def waiting(self):
        return len(self._queue)


@st.cache_resource
def gate():
    return Gate(MAX_RUNNING)


def too_big(config):
    """The work of a run, and whether it is over the cap of one run."""
    work = config.iterations * config.hidden * config.bits
    return work, work > MAX_WORK


@st.cache_resource
def model_store():
    return ModelStore()


@st.cache_resource
def sweep_store():
    return ModelStore(MAX_SWEEPS)


def derived(model, key, compute):
    """A value derived from a model (an analysis a page shows), computed once per model."""
    if key not in model.extras:
        model.extras[key] = compute()
    return model.extras[key]


def score(params, bits):
    if bits <= EXHAUSTIVE_BITS:
        return score_all_pairs(params, bits)
    return score_random(params, bits, RANDOM_PAIRS, seed=bits)


def evaluate(result):
    """Score the final weights and CURVE_POINTS + 1 snapshots spread over the run, then every
    snapshot between the last imperfect one scored and the first perfect one, so the first 100 %
    is found at the snapshots' own resolution without scoring them all."""
    bits, last = result.config.bits, len(result.snapshots) - 1
    scored = {}

    def accuracy(i):
        if i not in scored:
            scored[i] = score(result.snapshots[i], bits).accuracy
        return scored[i]
    picks = np.unique(np.linspace(0, last, CURVE_POINTS + 1).astype(int))
    curve = [accuracy(i) for i in picks]
    first = next((i for i, value in zip(picks, curve) if value == 1.0), None)
    if first is not None:
        before = max((i for i in picks if i < first), default=first)
        first = next(i for i in range(before + 1, first + 1) if accuracy(i) == 1.0)
    order = sorted(scored)
    return Model(result, result.snapshot_iterations[order], np.array([scored[i] for i in order]),
                 score(result.params, bits),
                 None if first is None else int(result.snapshot_iterations[first]))


def obtain(store, key, build):
    """The value stored under `key`, built here by `build(box)` if nobody has built it yet.
    `box` is a placeholder for progress. A second session asking for a key being built waits for
    it instead of building it again; a rerun of the building session drops the partial work."""
    slot = store.slot(key)
    if slot.model is not None:
        return slot.model
    box = st.empty()
    while not slot.lock.acquire(timeout=0.2):
        box.info(t("waiting_other_session"), icon="⏳")  # a Streamlit call: a rerun stops here
    try:
        if slot.model is None:
            with gate().enter(lambda place: box.info(t("queued", place=place), icon="⏳")):
                slot.model = build(box)
    finally:
        slot.lock.release()
    box.empty()
    return slot.model


def peek(store, key):
    """The value stored under `key`, or None; never builds."""
    return store.slot(key).model


def get_model(config):
    """The trained model of `config`, training it here, with progress, if nobody has yet."""
    return obtain(model_store(), config, lambda box: _train(config, box))


def _train(config, box):
    training = Training(config)
    with box.container():
        bar = st.progress(0.0, text=t("training_progress", done=0, total=config.iterations))
        chart = st.empty()
    last_draw = 0.0
    while not training.done:
        training.run(REPORT_EVERY)
        if time.perf_counter() - last_draw > DRAW_EVERY or training.done:
            done = training.iteration
            bar.progress(done / max(1, config.iterations),
                         text=t("training_progress", done=done, total=config.iterations))
            chart.altair_chart(charts.error_chart(training.errors, height=220), width="stretch")
            last_draw = time.perf_counter()  # after drawing: a slow redraw cannot run back to back
    if training.status == "diverged":
        bar.progress(1.0, text=t("diverged_short", iteration=training.iteration))
    else:
        bar.progress(1.0, text=t("evaluating"))
    return evaluate(training.result())


def get_sweep(configs):
    """A sweep over `configs` (sharing bits and iterations), run here with progress if needed."""
    def build(box):
        bar = box.progress(0.0, text=t("sweep_progress", done=0, total=configs[0].iterations,
                                       count=len(configs)))

        def progress(done, total):
            bar.progress(done / total, text=t("sweep_progress", done=done, total=total,
                                              count=len(configs)))
        return run_sweep(configs, progress)
    return obtain(sweep_store(), tuple(configs), build)
