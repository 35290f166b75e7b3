import numpy as np
import pytest

import rnn.gradcheck as gradcheck
from rnn import TrainConfig, train
from rnn.bits import subtract_bits, to_bits
from rnn.gradcheck import PER_STEP, gradient_check, weights_to_check

HIDDEN = 16
TOTAL = 2 * HIDDEN + HIDDEN * HIDDEN + HIDDEN  # synapse_0, synapse_h, synapse_1


@pytest.fixture(scope="module")
def trained():
    return train(TrainConfig(hidden=HIDDEN, iterations=3000)).params


def problem(a, b, bits=8):
    a_bits, b_bits = to_bits(a, bits), to_bits(b, bits)
    return a_bits, b_bits, subtract_bits(a_bits, b_bits)[0]


def checked_where(check):
    """Which weights the check compared, per matrix, read from where `numerical` is not NaN."""
    return {name: ~np.isnan(values) for name, values in check.numerical.items()}


@pytest.fixture
def loss_calls(monkeypatch):
    """Counts the loss evaluations of the gradient check."""
    calls = []
    real = gradcheck.loss

    def counted(*args):
        calls.append(1)
        return real(*args)
    monkeypatch.setattr(gradcheck, "loss", counted)
    return calls


def test_the_full_check_is_the_default(trained):
    """Without a budget every weight is checked, and the check passes on a trained net."""
    check = gradient_check(trained, *problem(200, 57))
    assert (check.checked, check.total) == (TOTAL, TOTAL)
    assert all(mask.all() for mask in checked_where(check).values()) and check.passed


def test_a_sampled_check_passes_on_a_trained_net(trained):
    """40 weights drawn at random: checked 40 of 304, relative error below the threshold."""
    check = gradient_check(trained, *problem(200, 57), budget=40, seed=1)
    assert (check.checked, check.total) == (40, TOTAL)
    assert sum(int(mask.sum()) for mask in checked_where(check).values()) == 40
    assert check.relative_error < gradcheck.THRESHOLD and check.passed


@pytest.mark.parametrize("broken", ["synapse_0", "synapse_h", "synapse_1"])
def test_a_sampled_check_catches_a_broken_backward(trained, monkeypatch, broken):
    """Break one matrix's gradient: a budget of 3 (one weight of each matrix) catches it."""
    real = gradcheck.backward

    def wrong(params, trace):
        result = real(params, trace)
        getattr(result, f"{broken}_update")[...] += 1e-3
        return result
    monkeypatch.setattr(gradcheck, "backward", wrong)
    assert not gradient_check(trained, *problem(200, 57), budget=3, seed=5).passed


def test_the_sample_is_reproducible(trained):
    """The same seed checks the same weights with the same result; another seed, others."""
    first, again, other = (gradient_check(trained, *problem(77, 30), budget=20, seed=seed)
                           for seed in (4, 4, 9))
    for name, mask in checked_where(first).items():
        np.testing.assert_array_equal(mask, checked_where(again)[name])
    assert first.relative_error == again.relative_error
    assert any((mask != checked_where(other)[name]).any()
               for name, mask in checked_where(first).items())


@pytest.mark.parametrize("seed", range(20))
def test_a_budget_of_three_takes_one_weight_of_each_matrix(seed):
    """With as many weights as matrices, the sample holds one of each."""
    chosen = weights_to_check([32, 256, 16], budget=3, seed=seed)
    assert [int(np.sum((chosen >= low) & (chosen < high))) for low, high in
            [(0, 32), (32, 288), (288, 304)]] == [1, 1, 1]


def test_a_budget_of_at_least_every_weight_checks_all():
    """A budget as large as the net or larger is the full check."""
    np.testing.assert_array_equal(weights_to_check([2, 4, 2], budget=8), np.arange(8))
    np.testing.assert_array_equal(weights_to_check([2, 4, 2], budget=100), np.arange(8))


def test_the_budget_bounds_the_loss_evaluations(trained, loss_calls):
    """A budget of 25 costs exactly 50 loss evaluations (two per weight)."""
    gradient_check(trained, *problem(200, 57), budget=25, seed=2)
    assert len(loss_calls) == 50


def test_the_steps_check_per_step_weights_each(trained):
    """As steps: BPTT first, then PER_STEP weights per step, `done` counting weights; computed
    step by step the check is the one computed in one go."""
    steps = gradcheck.gradient_check_steps(trained, *problem(200, 57), budget=40)
    seen = []

    def progress(done, total):
        seen.append((done, total))
    from rnn import steps as stepping
    check = stepping.run(steps, progress)
    assert seen == [(0, 40), (PER_STEP, 40), (2 * PER_STEP, 40), (40, 40)]
    whole = gradient_check(trained, *problem(200, 57), budget=40)
    assert (check.checked, check.relative_error) == (whole.checked, whole.relative_error)


def test_a_budget_below_one_is_refused(trained):
    """A budget of 0 is a mistake, said plainly."""
    with pytest.raises(ValueError) as caught:
        gradient_check(trained, *problem(200, 57), budget=0)
    assert str(caught.value) == "budget must be at least 1, got 0"
