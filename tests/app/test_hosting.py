"""What a public host needs: limits, divergence, the store and the queue, weights out."""
import threading

import numpy as np

from rnn import TrainConfig
from tests.app.conftest import switch_to
from ui.models import model_store
from ui.queue import Job, Scheduler
from ui.shared import LruStore


def test_a_run_over_the_work_cap_is_refused_plainly(app):
    """100,000 iterations x 64 hidden x 16 bits is over the cap: a message, no training."""
    at = app({"iterations": "100000", "hidden": "64", "bits": "16"}).run()
    assert not at.exception
    assert at.error[0].value.startswith("This run is too big")
    assert model_store().peek(TrainConfig(iterations=100_000, hidden=64, bits=16)) is None


def test_divergence_is_reported_and_charts_still_draw(app, fresh_store, monkeypatch):
    """Weights that blow up: the run stops, the page says so and still draws the error chart;
    other pages say plainly that there is no usable net. (Trained in this process, where the
    poisoned start is patched in: RNN_WORKER=0.)"""
    import rnn.training as training

    monkeypatch.setenv("RNN_WORKER", "0")
    real = training.init_params

    def poisoned(hidden, random_state):
        params = real(hidden, random_state)
        params.synapse_h[0, 0] = np.inf
        return params
    monkeypatch.setattr(training, "init_params", poisoned)
    at = app({"seed": "77"}).run()
    assert not at.exception
    assert at.error[0].value.startswith("Training blew up at iteration")
    assert len(at.get("vega_lite_chart")) == 2
    switch_to(at, "calculator").run()
    assert not at.exception and at.error[0].value.startswith("Training with these settings")


def test_store_is_bounded_least_recently_used():
    """The store keeps at most its capacity, dropping the least recently used."""
    store = LruStore(capacity=3)
    keys = [TrainConfig(seed=s) for s in range(5)]
    for key in keys[:3]:
        store.slot(key).value = key
    store.slot(keys[0])  # used again: now the most recent
    store.slot(keys[3])
    store.slot(keys[4])
    assert len(store) == 3
    assert store.peek(keys[0]) == keys[0]  # kept
    assert store.peek(keys[1]) is None  # dropped


class Line:
    """Callers of a Scheduler in threads, each let into the line only once the one before is in
    it (waiting), so the order they came in is known."""

    def __init__(self, scheduler):
        self.scheduler, self.entered, self.threads = scheduler, [], []
        self.held, self.leave = threading.Event(), threading.Event()
        self._hold("holder")

    def _hold(self, owner):
        def run():
            with self.scheduler.turn(owner):
                self.held.set()
                self.leave.wait(10)
        self._start(run)
        assert self.held.wait(10)

    def _start(self, run):
        thread = threading.Thread(target=run)
        self.threads.append(thread)
        thread.start()

    def join(self, owner, name, places=None):
        waiting = threading.Event()

        def on_wait(place):
            if places is not None:
                places.append(place)
            waiting.set()

        def run():
            with self.scheduler.turn(owner, on_wait, poll=0.01):
                self.entered.append(name)
        self._start(run)
        assert waiting.wait(10)

    def release(self):
        self.leave.set()
        for thread in self.threads:
            thread.join(10)
        return self.entered


def test_one_visitors_jobs_go_in_the_order_they_came():
    """One slot, held: B then C (the same visitor) wait, told places 1 and 1 (the visitor is
    next); when the holder leaves, B goes first, then C."""
    line, places = Line(Scheduler(1)), []
    line.join("visitor", "B", places)
    line.join("visitor", "C")
    assert line.release() == ["B", "C"] and places[0] == 1
    assert line.scheduler.waiting == 0


def test_turns_go_round_the_visitors():
    """Visitor X queues three jobs, then Y one: turns go X, Y, X, X, not all of X's first."""
    line = Line(Scheduler(1))
    for name in ("X1", "X2", "X3"):
        line.join("X", name)
    places = []
    line.join("Y", "Y1", places)
    assert places[0] == 2  # after X in the round
    assert line.release() == ["X1", "Y1", "X2", "X3"]


def test_a_long_job_lets_a_short_one_in_between_its_chunks():
    """A long job computing in chunks, one turn each: a short job that arrives while it runs goes
    after the long job's current chunk, not after the whole job."""
    scheduler, events = Scheduler(1), []
    first_chunk, short_waits = threading.Event(), threading.Event()

    def long_job():
        with Job(scheduler, "long", lambda place: None) as job:
            for chunk in range(4):
                events.append(f"long {chunk}")
                if chunk == 0:
                    first_chunk.set()
                    assert short_waits.wait(10)
                job.next_turn()

    def short_job():
        def on_wait(place):
            short_waits.set()
        with Job(scheduler, "short", on_wait):
            events.append("short")
    long_thread = threading.Thread(target=long_job)
    long_thread.start()
    assert first_chunk.wait(10)
    short_thread = threading.Thread(target=short_job)
    short_thread.start()
    for thread in (long_thread, short_thread):
        thread.join(10)
    assert events == ["long 0", "short", "long 1", "long 2", "long 3"]


def test_a_caller_that_leaves_the_line_lets_the_next_one_through():
    """A waiting caller whose on_wait raises (a Streamlit rerun does) leaves the line; the one
    behind it moves up."""
    line = Line(Scheduler(1))

    def leaves(place):
        raise KeyboardInterrupt  # stands for Streamlit's StopException

    def quitter():
        try:
            with line.scheduler.turn("Q", leaves, poll=0.01):
                line.entered.append("quitter")
        except KeyboardInterrupt:
            pass
    thread = threading.Thread(target=quitter)
    thread.start()
    thread.join(10)
    places = []
    line.join("B", "behind", places)
    assert line.release() == ["behind"] and places[0] == 1


def test_download_button_is_offered(app):
    """The training page offers the weights for download (the bytes are checked in the browser
    test, which can click it)."""
    at = app().run()
    assert at.get("download_button")[0].proto.label == "Download the trained weights (.npz)"


def test_a_sweep_over_the_limit_is_not_offered(open_page):
    """A sweep that rnn.cost says would take more than one job's limit of server time gets a
    plain message instead of its button."""
    at = open_page("insight", {"hidden": "64", "bits": "16", "iterations": "20000"})
    assert not at.exception
    assert "sweep_seeds" not in [b.key for b in at.button]
    assert any("would take about" in i.value for i in at.info)


def test_a_big_uploaded_net_gets_a_sampled_gradient_check():
    """A 256-unit net: the gradient check (in the experts' section) tries the weights that fit in
    its time budget, chosen at random, and says so; the budget is what rnn.cost allows."""
    from streamlit.testing.v1 import AppTest

    from rnn import cost
    from rnn.model import init_params
    from tests.app.conftest import draw_page
    from ui.models import from_weights
    from ui.queue import GRADIENT_CHECK_SECONDS
    params = init_params(256, np.random.RandomState(1))
    at = AppTest.from_function(draw_page, default_timeout=120,
                               args=("backprop", from_weights(params, TrainConfig(hidden=256))))
    at.session_state["bp_expert"] = True  # the experts' section, folded by default
    at.run()
    assert not at.exception
    budget = cost.weights_within(GRADIENT_CHECK_SECONDS, 256, 8)
    assert budget < 256 * 259
    text = " ".join(c.value for c in at.caption)
    assert f"This net has {256 * 259:,} weights" in text and f"so {budget:,} of them" in text
