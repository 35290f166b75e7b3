"""What a public host needs: limits, divergence, the store and the queue, weights out."""
import threading

import numpy as np

from rnn import TrainConfig
from tests.app.conftest import switch_to
from ui.models import model_store
from ui.queue import Gate
from ui.shared import LruStore


def test_a_run_over_the_work_cap_is_refused_plainly(app):
    """100,000 iterations x 64 hidden x 16 bits is over the cap: a message, no training."""
    at = app({"iterations": "100000", "hidden": "64", "bits": "16"}).run()
    assert not at.exception
    assert at.error[0].value.startswith("This run is too big")
    assert model_store().peek(TrainConfig(iterations=100_000, hidden=64, bits=16)) is None


def test_divergence_is_reported_and_charts_still_draw(app, fresh_store, monkeypatch):
    """Weights that blow up: the run stops, the page says so and still draws the error chart;
    other pages say plainly that there is no usable net."""
    import rnn.training as training

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


def test_gate_serves_waiting_callers_in_the_order_they_came():
    """One slot, held: B then C wait (places 1 and 2, as each is told); when the holder leaves,
    B goes first, then C."""
    gate = Gate(1)
    held, leave = threading.Event(), threading.Event()
    entered, places = [], {"B": [], "C": []}
    waiting = {"B": threading.Event(), "C": threading.Event()}

    def holder():
        with gate.enter(lambda place: None):
            held.set()
            leave.wait(10)

    def caller(name):
        def on_wait(place):
            places[name].append(place)
            waiting[name].set()
        with gate.enter(on_wait, poll=0.01):
            entered.append(name)
    threads = [threading.Thread(target=holder)]
    threads[0].start()
    assert held.wait(10)
    for name in ("B", "C"):
        threads.append(threading.Thread(target=caller, args=(name,)))
        threads[-1].start()
        assert waiting[name].wait(10)  # C joins the line only once B is in it
    leave.set()
    for thread in threads:
        thread.join(10)
    assert entered == ["B", "C"]
    assert set(places["B"]) == {1} and places["C"][0] == 2 and gate.waiting == 0


def test_a_caller_that_leaves_the_line_lets_the_next_one_through():
    """A waiting caller whose on_wait raises (a Streamlit rerun does) leaves the line; the one
    behind it moves up."""
    gate = Gate(1)
    held, leave, behind_waits = threading.Event(), threading.Event(), threading.Event()
    entered, places = [], []

    def holder():
        with gate.enter(lambda place: None):
            held.set()
            leave.wait(10)
    first = threading.Thread(target=holder)
    first.start()
    assert held.wait(10)

    def leaves(place):
        raise KeyboardInterrupt  # stands for Streamlit's StopException

    def quitter():
        try:
            with gate.enter(leaves, poll=0.01):
                entered.append("quitter")
        except KeyboardInterrupt:
            pass
    second = threading.Thread(target=quitter)
    second.start()
    second.join(10)

    def on_wait(place):
        places.append(place)
        behind_waits.set()

    def behind():
        with gate.enter(on_wait, poll=0.01):
            entered.append("behind")
    third = threading.Thread(target=behind)
    third.start()
    assert behind_waits.wait(10)
    leave.set()
    for thread in (first, third):
        thread.join(10)
    assert entered == ["behind"] and places[0] == 1


def test_download_button_is_offered(app):
    """The training page offers the weights for download (the bytes are checked in the browser
    test, which can click it)."""
    at = app().run()
    assert at.get("download_button")[0].proto.label == "Download the trained weights (.npz)"
