import io

import numpy as np
import pytest

from rnn import TrainConfig, init_params
from rnn import weights


def npz_bytes(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def test_round_trip():
    """Saved weights and configuration load back unchanged."""
    params, config = init_params(5, np.random.RandomState(1)), TrainConfig(hidden=5, seed=3)
    loaded, loaded_config = weights.load(weights.to_npz_bytes(params, config))
    np.testing.assert_array_equal(loaded.synapse_h, params.synapse_h)
    assert loaded_config == config


good = init_params(4, np.random.RandomState(0))


@pytest.mark.parametrize("data, reason", [
    (b"not a zip", "unreadable"),
    (npz_bytes(synapse_0=good.synapse_0), "missing"),
    (npz_bytes(synapse_0=good.synapse_0, synapse_h=good.synapse_h,
               synapse_1=np.zeros((5, 1))), "shape"),
    (npz_bytes(synapse_0=good.synapse_0, synapse_h=good.synapse_h.astype(np.int64),
               synapse_1=good.synapse_1), "dtype"),
    (npz_bytes(synapse_0=good.synapse_0 * np.nan, synapse_h=good.synapse_h,
               synapse_1=good.synapse_1), "not_finite"),
    (npz_bytes(synapse_0=np.array([object()], dtype=object), synapse_h=good.synapse_h,
               synapse_1=good.synapse_1), "unreadable"),
    (b"x" * (weights.MAX_FILE_BYTES + 1), "too_big"),
], ids=["garbage", "missing", "shape", "dtype", "nan", "pickle", "too-big"])
def test_bad_files_refused(data, reason):
    """Every bad or hostile file is refused with its reason, never unpickled."""
    with pytest.raises(weights.WeightsError) as caught:
        weights.load(data)
    assert caught.value.reason == reason
