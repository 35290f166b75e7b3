"""The trained models the pages show: each configuration is trained once per server process
(compute.jobs, in the worker pool), whoever asks for it first, live (a progress bar and the error
curve as it falls, drawn above the page last drawn), then scored; and a run's accuracy
chart, kept with its model."""
import time

import numpy as np
import streamlit as st

from compute import jobs
from compute.jobs import too_big  # noqa: F401 - the pages' name for it
from compute.models import Model, from_weights  # noqa: F401 - the pages' names for them
from rnn.evaluate import EXHAUSTIVE_BITS, RANDOM_PAIRS
from ui import charts, computing, drawing
from ui.i18n import t

DRAW_EVERY = 0.5  # seconds from the end of one redraw of the progress to the next
LIVE_POINTS = 500  # points of the live error chart (the page's own chart has more)


class LiveWatch(computing.PageWatch):
    """A training's PageWatch that also redraws its progress bar and live error chart every
    DRAW_EVERY seconds, from the errors trained so far (`run.training`). Its place in line, the
    bar and the chart are drawn in `box` once this session trains; while another session trains
    the same configuration, `box` says so."""

    OTHER = "waiting_other_session"

    def __init__(self, run, box):
        super().__init__(box)
        self.run, self.box, self.last_draw = run, box, 0.0
        self.bar = self.chart = None

    def _drawn(self):
        if self.bar is None:
            with self.box.container():
                self.status = st.empty()  # the place in line, while waiting
                self.bar = st.progress(0.0, text=t("training_progress", done=0,
                                                    total=self.run.config.iterations))
                self.chart = st.empty()
            self.shown = None

    def waiting(self, place):
        self._drawn()
        super().waiting(place)

    def progress(self, done, total):
        self._drawn()
        training = self.run.training
        if training.done:
            if self.last_draw >= 0:
                self.last_draw = -1.0
                self.bar.progress(1.0, text=t("diverged_short", iteration=training.iteration)
                                  if training.status == "diverged" else t("evaluating"))
            else:
                _ = "lang" in st.session_state
            return
        if time.perf_counter() - self.last_draw <= DRAW_EVERY:
            _ = "lang" in st.session_state
            return
        self.bar.progress(done / max(1, total),
                          text=t("training_progress", done=done, total=total))
        if not len(training.errors):  # no empty chart (an axis of "0.000000") before the first
            return  # step; the chart is drawn at the next report, not DRAW_EVERY later
        drawing.draw(charts.error_chart(training.errors, height=220, max_points=LIVE_POINTS),
                     self.chart)
        self.last_draw = time.perf_counter()  # after drawing: a slow redraw cannot run back to back


def get_model(config, box):
    """The trained model of `config`, training it (its progress drawn in `box`) if nobody has
    yet; None, with a message in `box`, when that cannot be done now."""
    service = computing.service()
    known = service.models.get(config)
    if known is not None:
        return known
    run = jobs.Run(config)
    return computing.guarded(box, lambda: jobs.model(service, config, computing.visitor(),
                                                     LiveWatch(run, box), run))


def kept_accuracy(model):
    """The accuracy chart of `model`'s run (accuracy_chart), kept with it (`stored_chart`)."""
    curve = model.curve
    return drawing.stored_chart(model, "accuracy", lambda: charts.accuracy_chart(
        curve.iterations, curve.accuracy, curve.first_perfect))


def show_accuracy(model):
    """The accuracy chart of `model`'s run with its text: the training and insight pages."""
    curve = model.curve
    last = float(curve.final.accuracy)
    if curve.first_perfect is None:
        when = t("chart_accuracy_never")
    else:  # a net may get every problem right at one snapshot and lose some again later
        later = np.asarray(curve.iterations) >= curve.first_perfect
        low = int(np.argmin(np.where(later, curve.accuracy, np.inf)))
        key = ("chart_accuracy_lost" if last < 1.0 else "chart_accuracy_dip"
               if curve.accuracy[low] < 1.0 else "chart_accuracy_when")
        when = t(key, iteration=curve.first_perfect, last=last,
                 low=float(curve.accuracy[low]), low_at=int(curve.iterations[low]))
    drawing.show(kept_accuracy(model), t(
        "chart_accuracy_text", first=float(curve.accuracy[0]), last=last, when=when,
        scored=scored_on(model.config.bits)))


def scored_on(bits):
    """The pairs rnn.evaluate.score_width scores at width `bits`, in words."""
    if bits <= EXHAUSTIVE_BITS:
        return t("length_all", pairs=2 ** (bits - 1) * (2**bits + 1), bits=bits)
    return t("length_random", pairs=RANDOM_PAIRS, bits=bits)
