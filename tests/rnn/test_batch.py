import dataclasses

import numpy as np
import pytest

from rnn import TrainConfig, train
from rnn.batch import BatchTraining, train_batch

NAMES = ("synapse_0", "synapse_h", "synapse_1")


def gap(first, second):
    return max(np.abs(getattr(first, n) - getattr(second, n)).max() for n in NAMES)


def test_each_seed_gets_exactly_its_own_weights():
    """32 seeds side by side: every model ends with the very weights it gets trained alone."""
    configs = [TrainConfig(seed=s, iterations=1500) for s in range(32)]
    batch = train_batch(configs)
    for config, params in zip(configs, batch.params):
        assert gap(params, train(config).params) == 0.0


def test_mixed_rates_and_samplings_are_exact_too():
    """Different learning rates (even chaotic ones) and samplings in one batch: still exact."""
    base = TrainConfig(iterations=2000)
    configs = [dataclasses.replace(base, alpha=a) for a in (0.1, 0.9, 2.5, 4.0)] + [
        dataclasses.replace(base, sampling="fixed", seed=3)]
    for config, params in zip(configs, train_batch(configs).params):
        assert gap(params, train(config).params) == 0.0


def test_mixed_hidden_sizes_are_padded_without_effect():
    """Smaller nets padded to the widest agree with their lone runs (to rounding, 1e-9)."""
    configs = [TrainConfig(hidden=h, iterations=2000) for h in (1, 2, 3, 4, 8, 16, 32)]
    for config, params in zip(configs, train_batch(configs).params):
        assert params.synapse_h.shape == (config.hidden, config.hidden)
        assert gap(params, train(config).params) < 1e-9


def test_checkpoints_and_errors():
    """Checkpoints at every multiple of the interval; errors recorded per model and iteration."""
    configs = [TrainConfig(seed=s, iterations=1000) for s in range(3)]
    training = BatchTraining(configs, checkpoint_every=250)
    while not training.done:
        training.run(300)
    result = training.result()
    assert result.checkpoint_iterations.tolist() == [0, 250, 500, 750, 1000]
    assert result.errors.shape == (3, 1000)
    alone = train(configs[1])
    np.testing.assert_array_equal(result.errors[1], alone.errors)


def test_configs_must_share_bits_and_iterations():
    """A batch runs one loop: widths or lengths that differ are refused."""
    with pytest.raises(ValueError):
        train_batch([TrainConfig(bits=8), TrainConfig(bits=9)])


def test_every_hidden_size_alone_or_side_by_side():
    """From 4 hidden units up the batch is exact; at 2 and 3, BLAS adds the forward product in
    another order (a strided matrix), and the weights agree to rounding."""
    for hidden in (1, 2, 3, 4, 5, 7, 12, 17, 24):
        configs = [TrainConfig(seed=s, hidden=hidden, bits=6, iterations=400) for s in range(3)]
        for config, params in zip(configs, train_batch(configs).params):
            if hidden in (2, 3):
                assert gap(params, train(config).params) < 1e-12
            else:
                assert gap(params, train(config).params) == 0.0
