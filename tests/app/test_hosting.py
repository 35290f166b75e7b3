"""What a public host needs: limits, divergence, weights in and out."""
import numpy as np

from rnn import TrainConfig
from ui.store import Gate, ModelStore


def test_a_run_over_the_work_cap_is_refused_plainly(app):
    """100,000 iterations x 64 hidden x 16 bits is over the cap: a message, no training."""
    at = app({"iterations": "100000", "hidden": "64", "bits": "16"}).run()
    assert not at.exception
    assert at.error[0].value.startswith("This run is too big")
    assert "model" not in at.session_state


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
    at.switch_page("app_pages/calculator.py").run()
    assert not at.exception and at.error[0].value.startswith("Training with these settings")


def test_model_store_is_bounded_least_recently_used():
    """The store keeps at most its capacity, dropping the least recently used."""
    store = ModelStore(capacity=3)
    keys = [TrainConfig(seed=s) for s in range(5)]
    for key in keys[:3]:
        store.slot(key).model = key
    store.slot(keys[0])  # used again: now the most recent
    store.slot(keys[3])
    store.slot(keys[4])
    assert len(store) == 3
    assert store.slot(keys[0]).model == keys[0]  # kept
    assert store.slot(keys[1]).model is None  # dropped


def test_gate_lets_a_limited_number_through_in_order():
    """Two slots: a third caller waits, sees its place in line, and goes when one leaves."""
    import threading
    gate, places, inside = Gate(2), [], threading.Event()
    release = threading.Event()

    def hold():
        with gate.enter(lambda place: None):
            inside.set()
            release.wait(5)
    holders = [threading.Thread(target=hold) for _ in range(2)]
    for thread in holders:
        thread.start()
    inside.wait(5)

    def waited(place):
        places.append(place)
        release.set()
    with gate.enter(waited):
        pass
    for thread in holders:
        thread.join(5)
    assert places and places[0] == 1 and gate.waiting == 0


def test_download_button_is_offered(app):
    """The training page offers the weights for download (the bytes are checked in the browser
    test, which can click it)."""
    at = app().run()
    assert at.get("download_button")[0].proto.label == "Download the trained weights (.npz)"
