"""The cost model's forms and promises (its constants are one machine's measurements, which
`python -m rnn.bench --cost` holds against measured jobs; these tests check what holds anywhere)."""
import dataclasses
from types import SimpleNamespace

import pytest

from rnn import TrainConfig, cost


@pytest.mark.parametrize("field, more", [("iterations", 20_000), ("hidden", 32), ("bits", 12)])
def test_more_work_costs_more(field, more):
    """More iterations, hidden units or bits: a training costs more. (A job at 12 bits can cost
    less than at 8: above 8 bits it is scored on 1,000 random pairs, not on all 32,896.)"""
    base = TrainConfig()
    bigger = dataclasses.replace(base, **{field: more})
    assert cost.training_seconds(bigger) > cost.training_seconds(base) > 0
    if field != "bits":
        assert cost.job_seconds(bigger) > cost.job_seconds(base)


def test_a_job_is_its_training_and_its_scoring():
    """job = training + curve, and the curve costs at least its fixed number of scores."""
    config = TrainConfig(hidden=8, bits=10, iterations=3_000)
    assert cost.job_seconds(config) == pytest.approx(
        cost.training_seconds(config) + cost.curve_seconds(config))
    assert cost.curve_seconds(config) >= cost.CURVE_SCORES * cost.score_seconds(8, 10)


def test_scoring_all_pairs_counts_every_prefix():
    """Up to 8 bits every prefix of a and b is run (4 + 16 + ... + 4^bits states); above, the
    random pairs times the steps."""
    assert cost.state_steps(2) == 4 + 16
    assert cost.state_steps(8) == sum(4**k for k in range(1, 9))
    assert cost.state_steps(9) == cost.RANDOM_PAIRS * 9


def test_the_gradient_check_budget_fits_its_time():
    """The weights a gradient check may try within s seconds cost at most s, and one more would
    cost more (unless the floor of one weight applies)."""
    for hidden, bits in ((1, 2), (16, 8), (64, 16), (256, 16)):
        weights = cost.weights_within(1.0, hidden, bits)
        assert cost.gradient_check_seconds(hidden, bits, weights) <= 1.0
        assert cost.gradient_check_seconds(hidden, bits, weights + 1) > 1.0
    assert cost.weights_within(1e-12, 64, 16) == 1


def test_a_sweep_of_one_size_is_one_batch_and_of_many_sizes_one_run_each():
    """Seeds share one batch, cheaper than running them one by one; a lone model in its group
    costs its own training."""
    seeds = [TrainConfig(seed=s) for s in range(32)]
    assert cost.sweep_seconds(seeds) < 32 * cost.job_seconds(seeds[0])
    alone = cost.sweep_seconds([TrainConfig(hidden=5)])
    assert alone >= cost.training_seconds(TrainConfig(hidden=5))


def test_calibrate_measures_this_machine(monkeypatch):
    """calibrate() sets `speed` to the reference training's time here over its estimate, within
    SPEED_BOUNDS, and every estimate scales with it: a machine twice as slow gets limits in its
    own seconds (a job of 4 s at speed 1 is 8 s at speed 2)."""
    monkeypatch.setattr(cost, "speed", 1.0)
    config = TrainConfig(hidden=32, iterations=20_000)
    at_one = (cost.training_seconds(config), cost.job_seconds(config),
              cost.sweep_seconds([TrainConfig(seed=s) for s in range(4)]),
              cost.gradient_check_seconds(16, 8, 100))
    weights = cost.weights_within(1.0, 16, 8)
    measured = cost.calibrate(repeats=1)
    assert cost.SPEED_BOUNDS[0] <= measured == cost.speed <= cost.SPEED_BOUNDS[1]
    monkeypatch.setattr(cost, "speed", 2.0)
    at_two = (cost.training_seconds(config), cost.job_seconds(config),
              cost.sweep_seconds([TrainConfig(seed=s) for s in range(4)]),
              cost.gradient_check_seconds(16, 8, 100))
    assert at_two == pytest.approx(tuple(2 * x for x in at_one))
    assert cost.weights_within(1.0, 16, 8) in (weights // 2, weights // 2 + 1)


def test_calibrate_clips_a_wild_measurement(monkeypatch):
    """A start-up on a machine so busy that the reference took 100 times its estimate sets the
    upper bound, not 100."""
    monkeypatch.setattr(cost, "speed", 1.0)
    ticks = iter([0.0, 100 * cost.unscaled_training(cost.REFERENCE)])
    monkeypatch.setattr(cost, "time", SimpleNamespace(thread_time=lambda: next(ticks)))
    assert cost.calibrate(repeats=1) == cost.SPEED_BOUNDS[1]
