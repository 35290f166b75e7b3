"""The trained models: each configuration is trained once per server process, whoever asks for it
first, live (a progress bar and the error curve as it falls), then summarised for the pages."""
import time
from dataclasses import dataclass, field

import numpy as np
import streamlit as st
from streamlit.logger import get_logger

from rnn.curve import accuracy_curve
from rnn.training import Training, TrainResult
from ui import charts
from ui.i18n import t
from ui.shared import LruStore, obtain

MAX_MODELS = 24  # trained configurations kept per process
MAX_WORK = 52_000_000  # iterations x hidden x bits of one run: about 4 s of training at most
REPORT_EVERY = 500  # iterations between progress callbacks
DRAW_EVERY = 0.25  # seconds from the end of one redraw of the progress to the next
LOG = get_logger(__name__)  # the server's log: what was trained, and what was stopped early


@dataclass
class Model:
    """A trained (or uploaded) net and what the pages show of it."""
    result: TrainResult
    curve: object  # rnn.curve.Curve: accuracy over the run, the final score, the first 100 %
    extras: dict = field(default_factory=dict)  # analyses computed on demand, see derived()
    uploaded: bool = False  # the visitor's own weights, not a run of the sidebar's settings

    @property
    def params(self):
        return self.result.params

    @property
    def config(self):
        return self.result.config

    def derived(self, key, compute):
        """A value derived from this net (an analysis a page shows), computed once per model."""
        if key not in self.extras:
            self.extras[key] = compute()
        return self.extras[key]


def summarise(result, uploaded=False):
    return Model(result, accuracy_curve(result), uploaded=uploaded)


def from_weights(params, config):
    """Uploaded weights as a model of one snapshot, so that every page treats them alike."""
    result = TrainResult(config, params, np.zeros(0), np.array([config.iterations]), [params],
                         [], "done")
    return summarise(result, uploaded=True)


def too_big(config):
    """The work of a run, and whether it is over the cap of one run."""
    work = config.iterations * config.hidden * config.bits
    return work, work > MAX_WORK


@st.cache_resource
def model_store():
    return LruStore(MAX_MODELS)


def get_model(config, box):
    """The trained model of `config`, training it here, with progress drawn in `box`, if nobody
    has yet."""
    return obtain(model_store(), config, lambda box: _train(config, box), box)


def _train(config, box):
    """Train `config` here, redrawing its progress in `box` every DRAW_EVERY seconds. A rerun of
    this session raises inside a redraw: the run stops there and its partial work is dropped."""
    LOG.info("training %s", config)
    training = Training(config)
    try:
        _run_live(training, box)
    except BaseException:
        LOG.info("training stopped early, at iteration %d of %d: %s", training.iteration,
                 config.iterations, config)
        raise
    LOG.info("trained in %.2f s: %s", training.seconds, config)
    return summarise(training.result())


def _run_live(training, box):
    config = training.config
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
