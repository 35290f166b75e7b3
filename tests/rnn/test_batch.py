import dataclasses

import numpy as np
import pytest

from rnn import TrainConfig, Training, init_params, train
from rnn.batch import BatchKernel, BatchTraining, advance_together, train_batch
from rnn.model import WEIGHT_NAMES
from rnn.training import advance
from tests.platform import bit_exact_blas


def assert_same_weights(first, second):
    for name in WEIGHT_NAMES:
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name), err_msg=name)


def assert_each_is_its_lone_run(configs, result):
    """Every model of a batch ends with the very weights and errors of its lone run."""
    for m, config in enumerate(configs):
        alone = train(config)
        assert_same_weights(result.params[m], alone.params)
        np.testing.assert_array_equal(result.errors[m], alone.errors)


@bit_exact_blas
def test_each_seed_gets_exactly_its_own_weights():
    """32 seeds side by side (one group): every model ends with the weights it gets alone."""
    configs = [TrainConfig(seed=s, iterations=1500) for s in range(32)]
    assert_each_is_its_lone_run(configs, train_batch(configs))


@bit_exact_blas
def test_a_mixed_batch_is_exact_after_10000_iterations():
    """Hidden sizes 1 to 17 (tiny ones, odd ones, ones alone in their group), learning rates
    (even chaotic ones) and samplings in one batch, for 10,000 iterations, long enough for any
    rounding difference to grow: every model still has its lone run's weights, bit for bit."""
    base = TrainConfig()
    configs = [dataclasses.replace(base, **changes) for changes in (
        dict(hidden=2, seed=1), dict(hidden=2, seed=2, alpha=2.5, sampling="fixed"),
        dict(hidden=3, seed=3, alpha=0.5), dict(hidden=3, seed=4, sampling="fixed"),
        dict(hidden=1, seed=5), dict(hidden=5, seed=6), dict(hidden=5, seed=7, alpha=4.0),
        dict(hidden=16), dict(hidden=16, seed=8, alpha=0.1, sampling="fixed"),
        dict(hidden=17, seed=9))]
    assert_each_is_its_lone_run(configs, train_batch(configs))


@bit_exact_blas
@pytest.mark.parametrize("hidden", [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 17, 24, 32])
def test_every_hidden_size_side_by_side(hidden):
    """At every hidden size, three seeds side by side get their lone runs' weights."""
    configs = [TrainConfig(seed=s, hidden=hidden, bits=6, iterations=600) for s in range(3)]
    assert_each_is_its_lone_run(configs, train_batch(configs))


@bit_exact_blas
def test_checkpoints_are_the_lone_runs_snapshots():
    """Checkpoints at every multiple of the interval; each is the lone run's snapshot there."""
    configs = [TrainConfig(seed=s, hidden=h, iterations=1000)
               for s, h in ((0, 16), (1, 3), (2, 16))]
    training = BatchTraining(configs, checkpoint_every=250)
    while not training.done:
        training.run(300)
    result = training.result()
    assert result.checkpoint_iterations.tolist() == [0, 250, 500, 750, 1000]
    assert result.errors.shape == (3, 1000)
    for m, config in enumerate(configs):
        alone = train(config, snapshot_every=250)
        assert alone.snapshot_iterations.tolist() == [0, 250, 500, 750, 1000]
        for snapshot, checkpoint in zip(alone.snapshots, result.checkpoints):
            assert_same_weights(checkpoint[m], snapshot)


def test_run_returns_what_it_trained_and_stops_at_checkpoints():
    """run(count) trains up to count iterations, never past the next checkpoint or the end."""
    training = BatchTraining([TrainConfig(iterations=700), TrainConfig(iterations=700, seed=1)],
                             checkpoint_every=300)
    done = [training.run(200) for _ in range(5)]
    assert done == [200, 100, 200, 100, 100] and training.done and training.iteration == 700


def test_configs_must_share_bits_and_iterations():
    """A batch runs one loop: widths or lengths that differ are refused."""
    with pytest.raises(ValueError):
        train_batch([TrainConfig(bits=8), TrainConfig(bits=9)])
    with pytest.raises(ValueError):
        train_batch([TrainConfig(iterations=10), TrainConfig(iterations=20)])


def test_a_kernel_trains_one_hidden_size():
    """BatchKernel refuses models of different hidden sizes: padding would change the sums."""
    random_state = np.random.RandomState(0)
    with pytest.raises(ValueError):
        BatchKernel([init_params(4, random_state), init_params(5, random_state)], 8)


def test_params_are_copies():
    """Changing the weights handed out changes nothing in the training."""
    config = TrainConfig(iterations=300)
    training = BatchTraining([config, dataclasses.replace(config, seed=1)], 300)
    training.params()[0].synapse_h[:] = 0
    training.run(300)
    alone = Training(config)
    alone.run(300)
    assert_same_weights(training.params()[0], alone.params())


def assert_same_segment(together, alone):
    """Two Segments of one run: the same errors, snapshots, log, end point (NaN equal to NaN)."""
    np.testing.assert_array_equal(together.errors, alone.errors)
    assert together.snapshot_iterations == alone.snapshot_iterations
    for first, second in zip(together.snapshots, alone.snapshots, strict=True):
        assert_same_weights(first, second)
    assert [(e.iteration, e.a, e.b) for e in together.log] == \
        [(e.iteration, e.a, e.b) for e in alone.log]
    np.testing.assert_array_equal([e.overall_error for e in together.log],
                                  [e.overall_error for e in alone.log])
    assert (together.end.iteration, together.end.status) == \
        (alone.end.iteration, alone.end.status)
    assert_same_weights(together.end.params, alone.end.params)
    for first, second in zip(together.end.random_state, alone.end.random_state, strict=True):
        np.testing.assert_array_equal(first, second)


@bit_exact_blas
@pytest.mark.parametrize("hidden", [2, 3, 16])
def test_runs_advanced_together_get_their_lone_segments(hidden):
    """advance_together gives each run the very Segment advance gives it alone: runs of one hidden
    size at other points, lengths, rates, samplings, snapshot intervals and counts, one that ends
    inside a piece, one that is done before the others, and one whose weights hold an infinity
    (it stops as "diverged" after its first piece while the others go on)."""
    cases = [dict(iterations=3000, seed=1), dict(iterations=7000, seed=2, alpha=0.5,
                                                 sampling="fixed"),
             dict(iterations=2500, seed=3, alpha=4.0), dict(iterations=12345, seed=4),
             dict(iterations=9000, seed=5)]
    requests = []
    for number, changes in enumerate(cases):
        run = Training(TrainConfig(hidden=hidden, **changes), log_every=700)
        run.run(300 * number)  # each at another point
        if number == 4:  # poisoned: an infinity in its weights
            params = run.point.params.copy()
            params.synapse_h[0, 0] = np.inf
            run.point = dataclasses.replace(run.point, params=params)
        requests.append(run.advance_args(4500 - 100 * number))
    together = advance_together(requests)
    alone = [advance(*request) for request in requests]
    assert [s.end.status for s in alone] == ["done", "running", "done", "running", "diverged"]
    for first, second in zip(together, alone, strict=True):
        assert_same_segment(first, second)


def test_runs_trained_together_share_a_hidden_size_and_the_fast_path():
    first, second = (Training(TrainConfig(hidden=hidden)) for hidden in (3, 4))
    with pytest.raises(ValueError, match="share a hidden size"):
        advance_together([first.advance_args(100), second.advance_args(100)])
    readable = Training(TrainConfig(hidden=3), path="readable")
    with pytest.raises(ValueError, match="fast path"):
        advance_together([first.advance_args(100), readable.advance_args(100)])
