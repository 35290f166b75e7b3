import io
import zipfile

import numpy as np
import pytest

from rnn import TrainConfig, init_params
from rnn import weights

good = init_params(4, np.random.RandomState(0))


def npz_bytes(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def compressed(**arrays):
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def declared_shape(shape):
    """An .npz whose synapse_h header claims `shape` but holds almost no data."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False,
                                                  "shape": shape})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("synapse_0", "synapse_1"):
            archive.writestr(f"{name}.npy", npy(good.as_dict()[name]))
        archive.writestr("synapse_h.npy", b"\x93NUMPY\x01\x00" + header.getvalue()[8:] + b"0" * 64)
    return buffer.getvalue()


def npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def test_round_trip():
    """Saved weights and configuration load back unchanged."""
    params, config = init_params(5, np.random.RandomState(1)), TrainConfig(hidden=5, seed=3)
    loaded, loaded_config = weights.load(weights.to_npz_bytes(params, config))
    np.testing.assert_array_equal(loaded.synapse_h, params.synapse_h)
    assert loaded_config == config




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
               synapse_1=good.synapse_1), "dtype"),
    (compressed(synapse_0=good.synapse_0, synapse_h=np.zeros((2000, 2000)),
                synapse_1=good.synapse_1), "too_big"),
    (declared_shape((100_000, 100_000)), "shape"),
    (b"x" * (weights.MAX_FILE_BYTES + 1), "too_big"),
], ids=["garbage", "missing", "shape", "dtype", "nan", "pickle", "zip-bomb", "huge-header",
         "too-big"])
def test_bad_files_refused(data, reason):
    """Every bad or hostile file is refused with its reason, never unpickled."""
    with pytest.raises(weights.WeightsError) as caught:
        weights.load(data)
    assert caught.value.reason == reason
