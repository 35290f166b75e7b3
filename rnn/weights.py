"""Trained weights in and out: an .npz with synapse_0 (2, H), synapse_h (H, H), synapse_1 (H, 1)
and the configuration as a JSON string. Loading never unpickles and checks everything it reads."""
import io
import json
import zipfile

import numpy as np

from .config import LIMITS, TrainConfig
from .model import Params

FORMAT = "rnn-subtraction-weights/1"
MAX_FILE_BYTES = 2_000_000  # a 256-unit net is about 0.6 MB


class WeightsError(ValueError):
    """A weights file that cannot be used; `reason` is a short key for translated messages."""

    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason


def to_npz_bytes(params, config):
    buffer = io.BytesIO()
    np.savez(buffer, synapse_0=params.synapse_0, synapse_h=params.synapse_h,
             synapse_1=params.synapse_1, config=np.array(json.dumps(config.as_dict())),
             format=np.array(FORMAT))
    return buffer.getvalue()


def save(path, params, config):
    with open(path, "wb") as file:
        file.write(to_npz_bytes(params, config))


def load(data):
    """Read weights from bytes (or a binary file object): returns (Params, TrainConfig or None)."""
    if not isinstance(data, bytes):
        data = data.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise WeightsError("too_big", f"the file is larger than {MAX_FILE_BYTES} bytes")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            names = set(archive.files)
            missing = {"synapse_0", "synapse_h", "synapse_1"} - names
            if missing:
                raise WeightsError("missing", f"missing arrays: {', '.join(sorted(missing))}")
            arrays = {name: archive[name] for name in ("synapse_0", "synapse_h", "synapse_1")}
            config_text = str(archive["config"]) if "config" in names else None
    except WeightsError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError) as error:
        raise WeightsError("unreadable", f"not a readable .npz file ({error})") from None
    params, config = _check_arrays(arrays), _parse_config(config_text)
    return params, config if config and config.hidden == params.hidden else None


def _check_arrays(arrays):
    for name, array in arrays.items():
        if array.dtype.kind != "f":
            raise WeightsError("dtype", f"{name} must hold floating-point numbers")
        if not np.isfinite(array).all():
            raise WeightsError("not_finite", f"{name} holds NaN or infinite values")
    hidden = arrays["synapse_h"].shape[0] if arrays["synapse_h"].ndim == 2 else -1
    shapes = {"synapse_0": (2, hidden), "synapse_h": (hidden, hidden), "synapse_1": (hidden, 1)}
    low, high = LIMITS["hidden"]
    if not low <= hidden <= high or any(arrays[n].shape != s for n, s in shapes.items()):
        found = ", ".join(f"{n} {arrays[n].shape}" for n in shapes)
        raise WeightsError("shape", f"expected shapes (2, H), (H, H), (H, 1) with H from {low} "
                                    f"to {high}; found {found}")
    return Params(*(arrays[n].astype(np.float64) for n in ("synapse_0", "synapse_h", "synapse_1")))


def _parse_config(text):
    """The stored configuration, or None when it is absent or not one we can read."""
    if text is None:
        return None
    try:
        fields = json.loads(text)
        return TrainConfig(**fields) if isinstance(fields, dict) else None
    except (ValueError, TypeError):
        return None
