"""What a public host needs: limits, divergence, weights out."""

import numpy as np

from rnn import TrainConfig
from tests.app.conftest import switch_to
from ui.computing import service


def test_a_run_over_the_work_cap_is_refused_plainly(app):
    """100,000 iterations x 64 hidden x 16 bits is over the cap: a message, no training."""
    at = app({"iterations": "100000", "hidden": "64", "bits": "16"}).run()
    assert not at.exception
    assert at.error[0].value.startswith("This run is too big")
    assert service().models.get(TrainConfig(iterations=100_000, hidden=64, bits=16)) is None


def test_divergence_is_reported_and_charts_still_draw(app, fresh_store, monkeypatch):
    """Weights that blow up: the run stops, the page says so and still draws the error chart;
    other pages say plainly that there is no usable net. (A run's starting weights are drawn in
    the server process, where the poisoned start is patched in; the pool trains from them.)"""
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

    from compute.jobs import GRADIENT_CHECK_SECONDS
    from rnn import cost
    from rnn.model import init_params
    from tests.app.conftest import draw_page
    from ui.models import from_weights
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
