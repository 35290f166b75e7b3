"""What the training page says to try when a run did not learn, read from the run's numbers."""
from types import SimpleNamespace

import numpy as np
import pytest

from rnn import TrainConfig, train
from rnn.evaluate import score_width
from ui.advice import advise, allowed, error_trend


def model(errors, accuracy=0.3, status="done", **settings):
    """A stand-in for ui.models.Model with the given errors, final accuracy and settings."""
    config = TrainConfig(**settings)
    return SimpleNamespace(config=config, result=SimpleNamespace(
        status=status, errors=np.asarray(errors, dtype=float)),
        curve=SimpleNamespace(final=SimpleNamespace(accuracy=accuracy)))


FALLING = np.linspace(4, 2, 1000)  # still improving at the end
FLAT = np.full(1000, 3.0)  # stuck


def test_the_trend_is_read_from_the_last_two_tenths():
    """Mean of the last tenth, of the tenth before, and the share it fell by."""
    errors = np.r_[np.full(80, 9.0), np.full(10, 4.0), np.full(10, 3.0)]
    assert error_trend(errors) == (3.0, 4.0, 0.25)


@pytest.mark.parametrize("case, expected", [
    (model(FLAT, status="diverged", alpha=3.0), ("advice_diverged", {"alpha": 1.5})),
    (model(FALLING), ("advice_more_iterations", {"iterations": 20_000})),
    (model(FLAT, hidden=2), ("advice_more_units", {"hidden": 16})),
    (model(FLAT, alpha=4.0), ("advice_slower", {"alpha": 0.9})),
    (model(FLAT, alpha=0.1), ("advice_faster", {"alpha": 0.3})),
    (model(FLAT, seed=7), ("advice_other_seed", {"seed": 8})),
], ids=["diverged", "still-falling", "few-units", "too-fast", "too-slow", "other"])
def test_each_kind_of_failure_gets_its_advice(case, expected):
    """A blown-up run, one still improving, and stuck ones blamed on size, rate or seed."""
    first = advise(case)[0]
    assert (first.key, first.changes) == expected


def test_a_slow_run_that_still_improves_gets_both():
    """Still improving with a small rate: more iterations, and a larger rate."""
    keys = [a.key for a in advise(model(FALLING, alpha=0.1))]
    assert keys == ["advice_more_iterations", "advice_faster"]


def test_a_run_that_learned_gets_no_advice():
    """100 % right: nothing to try."""
    assert advise(model(FLAT, accuracy=1.0)) == []


def test_suggestions_are_settings_the_sliders_allow():
    """Doubling or tripling stays within the sliders' ranges and on their steps."""
    assert allowed("iterations", 150_000) == 100_000
    assert allowed("alpha", 0.1 * 3) == 0.3 and allowed("alpha", 9.0) == 5.0
    assert allowed("alpha", 0.005) == 0.01


def test_the_page_offers_the_advice_and_its_button_applies_it(app):
    """hidden 2 does not learn at the book's other settings (trained and scored here, by rnn
    alone: training is deterministic): the page says what to try with its numbers, and its
    button sets the sidebar (which trains again)."""
    config = TrainConfig(hidden=2)
    assert score_width(train(config).params, config.bits).accuracy < 1
    at = app({"hidden": "2"}).run()
    text = " ".join(m.value for m in at.markdown)
    assert "What probably happened" in text
    button = next(b for b in at.button if b.key == "advice_0")
    assert button.label.startswith("Try ")
    button.click().run()
    assert not at.exception
    assert at.sidebar.slider(key="hidden").value != 2


def test_starting_points_set_the_sidebar_and_give_a_link(app):
    """The starting points are drawn only when their section is opened; then a starting point's
    button sets its settings and its link carries them and the language."""
    at = app({"lang": "en"}).run()
    assert not [b for b in at.button if (b.key or "").startswith("start_")]  # folded: not drawn
    at.session_state["start_points"] = True  # the visitor opens the section
    at.run()
    at.button(key="start_start_few_units").click().run()
    assert at.sidebar.slider(key="hidden").value == 2
    text = " ".join(m.value for m in at.markdown)
    assert "[Link to share](./?hidden=2&lang=en)" in text
    assert "[Link to share](./calculator?bits=4&lang=en)" in text
