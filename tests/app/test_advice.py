"""What the training page says to try when a run did not learn: read from the run's numbers, and
checked (trained) before it is offered."""
from types import SimpleNamespace

import numpy as np
import pytest

from compute.jobs import CHECK_SECONDS, Checked, affordable, too_big
from rnn import TrainConfig, cost, train
from rnn.evaluate import score_width
from ui.advice import CHAIN, advise, allowed, candidates, choose, diagnoses, error_trend

SETTINGS = ("seed", "bits", "hidden", "alpha", "iterations", "sampling")


def model(errors, accuracy=0.3, status="done", **settings):
    """A stand-in for ui.models.Model with the given errors, final accuracy and settings."""
    config = TrainConfig(**settings)
    errors = np.asarray(errors, dtype=float)
    return SimpleNamespace(config=config, result=SimpleNamespace(
        status=status, errors=errors, iterations_done=len(errors)),
        curve=SimpleNamespace(final=SimpleNamespace(accuracy=accuracy)))


FALLING = np.linspace(4, 2, 1000)  # still improving at the end
FLAT = np.full(1000, 3.0)  # stuck


def test_the_trend_is_read_from_the_last_two_tenths():
    """Mean of the last tenth, of the tenth before, and the share it fell by."""
    errors = np.r_[np.full(80, 9.0), np.full(10, 4.0), np.full(10, 3.0)]
    assert error_trend(errors) == (3.0, 4.0, 0.25)


@pytest.mark.parametrize("case, key, changes", [
    (model(FLAT, status="diverged", alpha=3.0), "advice_diverged",
     [{"alpha": 1.5}, {"alpha": 0.75}]),
    (model(FALLING), "advice_still_learning",
     [{"iterations": 20_000}, {"iterations": 40_000}]),
    (model(FLAT, iterations=500), "advice_short_run",
     [{"iterations": n} for n in (1_000, 2_000, 4_000, 10_000)]),
    (model(FLAT, hidden=2), "advice_more_units", [{"hidden": 4}, {"hidden": 8}, {"hidden": 16}]),
    (model(FLAT, alpha=5.0), "advice_slower", [{"alpha": 2.5}, {"alpha": 0.9}]),
    (model(FLAT, alpha=0.01), "advice_faster",
     [{"alpha": 0.03}, {"alpha": 0.09}, {"alpha": 0.27}, {"alpha": 0.9}]),
    (model(FLAT, seed=7), "advice_other_seed", [{"seed": 8}, {"seed": 9}, {"seed": 10}]),
], ids=["diverged", "still-learning", "short-run", "few-units", "too-fast", "too-slow", "other"])
def test_each_kind_of_failure_gets_its_diagnosis_and_changes(case, key, changes):
    """A blown-up run, one still improving, a short one, and stuck ones blamed on size, rate or
    seed: what probably happened, and the changes to check, a small step first."""
    assert diagnoses(case)[0] == (key, changes)


def test_a_short_run_is_not_blamed_on_its_seed():
    """The loop of issue 21: a short stuck run at the book's other settings is told to train
    longer, never to try another seed."""
    for iterations in (100, 500, 1_000):
        keys = [key for key, _ in diagnoses(model(FLAT[:iterations], iterations=iterations))]
        assert keys == ["advice_short_run"]


def test_the_book_settings_come_last_and_changes_are_on_the_sliders():
    """After the diagnoses' changes, back to the book's settings; every value a slider allows."""
    options = candidates(model(FLAT, hidden=2, alpha=4.0, seed=3))
    assert options[-1].changes == {"seed": 0, "hidden": 16, "alpha": 0.9}
    assert options[-1].config == TrainConfig()
    for option in options:
        for name, value in option.changes.items():
            assert allowed(name, value) == value


def test_the_check_stays_within_its_budget():
    """The candidates checked cost CHECK_SECONDS at most together by rnn.cost (the first always)."""
    configs = [option.config for option in candidates(model(FLAT, iterations=100))]
    chosen = affordable(configs)
    assert chosen == configs[:len(chosen)] and chosen
    assert sum(cost.job_seconds(c) for c in chosen) <= CHECK_SECONDS
    big = TrainConfig(iterations=100_000, hidden=64, bits=16)
    assert too_big(big)[1] and affordable([big, configs[0]]) == [configs[0]]  # never trained


def test_a_chain_of_clicks_never_repeats_a_suggestion():
    """Following the first suggestion again and again (each run still stuck), no change and no
    run comes back (a change sets at least one value that no run of the chain had), and the
    chain ends."""
    config, visited, suggested = TrainConfig(alpha=0.01, iterations=500), [], []
    for _ in range(100):
        options = candidates(model(FLAT[:config.iterations], **config.as_dict()), visited)
        if not options:
            break
        first = options[0]
        assert first.config not in [*visited, config]
        assert first.changes not in suggested
        assert any(all(getattr(run, name) != value for run in [*visited, config])
                   for name, value in first.changes.items())
        suggested.append(first.changes)
        visited, config = [*visited, config], first.config
    else:
        pytest.fail("the chain did not end")
    assert len(suggested) > 3


def test_only_a_change_checked_at_100_percent_is_offered():
    """The first candidate whose checked run gets every problem right is the fix; when none
    does, there is none (and every run checked is reported)."""
    stuck = model(FLAT, alpha=0.01)
    options = candidates(stuck)[:3]
    runs = [Checked(o.config, accuracy, 32_896, first)
            for o, accuracy, first in zip(options, (0.01, 0.4, 1.0), (None, None, 5_000))]
    found = choose(stuck, options, runs)
    assert found.fix == options[2] and found.key == "advice_faster"
    assert [run.accuracy for _, run in found.checked] == [0.01, 0.4, 1.0]
    assert choose(stuck, options, runs[:2]).fix is None


def test_a_run_that_learned_gets_no_advice():
    """100 % right: nothing to try, nothing checked."""
    assert advise(model(FLAT, accuracy=1.0)) is None


def sidebar_config(at):
    """The settings the sidebar ends with, as a TrainConfig."""
    return TrainConfig(**{name: at.session_state[name] for name in SETTINGS})


def reported_accuracy(at):
    metric = next(m for m in at.metric if m.label == "Final accuracy")
    return metric.value


@pytest.mark.parametrize("query", [
    {"iterations": "100"}, {"iterations": "500"}, {"iterations": "1000"},
    {"alpha": "0.01"}, {"hidden": "2"}, {"alpha": "5"},
], ids=["iterations-100", "iterations-500", "iterations-1000", "alpha-0.01", "hidden-2", "alpha-5"])
def test_one_click_on_the_advice_leads_to_a_run_at_100_percent(app, query):
    """The issue's cases: the run does not learn (rnn's own training and scoring say so), the
    page says what to try with its numbers, and one click on its button gives a run that the
    page reports at 100 %, as rnn's own training and scoring of the sidebar's settings say."""
    start = TrainConfig(**{name: type(getattr(TrainConfig(), name))(float(value))
                           for name, value in query.items()})
    assert score_width(train(start).params, start.bits).accuracy < 1
    at = app({**query, "lang": "en"}).run()
    assert sidebar_config(at) == start
    text = " ".join(m.value for m in at.markdown)
    assert "What probably happened" in text and "Checked before it is offered" in text
    at.button(key="advice_0").click().run()
    assert not at.exception
    config = sidebar_config(at)
    assert config != start
    assert score_width(train(config).params, config.bits).accuracy == 1.0
    assert reported_accuracy(at) == f"{1:.2%}"
    assert not [b for b in at.button if b.key == "advice_0"]  # learned: no advice left


def test_the_page_never_offers_a_change_tried_in_its_chain(app):
    """At 500 iterations, come by an advice click from 4,000 (the change the check finds first
    otherwise): the page offers another, says what was tried, and the click keeps the chain."""
    came_from, here = TrainConfig(iterations=4_000), TrainConfig(iterations=500)
    at = app({"iterations": "500", "lang": "en"})
    at.session_state[CHAIN] = ([came_from], here)
    at.run()
    text = " ".join(m.value for m in at.markdown)
    assert "Tried already in this chain of suggestions: Iterations = 500" in text
    button = at.button(key="advice_0")
    assert button.label != "Try Iterations = 4,000"
    button.click().run()
    config = sidebar_config(at)
    assert config.iterations not in (500, 4_000)
    assert at.session_state[CHAIN] == ([came_from, here], config)
    assert score_width(train(config).params, config.bits).accuracy == 1.0


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
