"""Trained weights in and out: an .npz with synapse_0 (2, H), synapse_h (H, H), synapse_1 (H, 1)
and the configuration as a JSON string. Loading never unpickles and checks everything it reads."""
import io
import json
import zipfile

import numpy as np

from .config import LIMITS, TrainConfig
from .model import Params

FORMAT = "rnn-subtraction-weights/1"
ARRAYS = ("synapse_0", "synapse_h", "synapse_1")
MAX_FILE_BYTES = 2_000_000  # a 256-unit net is about 0.6 MB
MAX_MEMBER_BYTES = 8 * 257 * 257  # one array of the largest net, unpacked
MAX_MEMBERS = 16


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
    """Read weights from bytes (or a binary file object): returns (Params, TrainConfig or None).

    Every member's size and header are checked before any data is read, so a file that claims a
    huge array or unpacks to far more than it weighs (a zip bomb) is refused without using the
    memory; nothing is unpickled."""
    if not isinstance(data, bytes):
        data = data.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise WeightsError("too_big", f"the file is larger than {MAX_FILE_BYTES} bytes")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = {info.filename: info for info in archive.infolist()}
            if len(members) > MAX_MEMBERS:
                raise WeightsError("unreadable", f"more than {MAX_MEMBERS} arrays in the file")
            missing = {n for n in ARRAYS if f"{n}.npy" not in members}
            if missing:
                raise WeightsError("missing", f"missing arrays: {', '.join(sorted(missing))}")
            arrays = {n: _read_member(archive, members[f"{n}.npy"], n) for n in ARRAYS}
            config_text = None
            if "config.npy" in members and members["config.npy"].file_size <= MAX_MEMBER_BYTES:
                with archive.open(members["config.npy"]) as member:
                    config_text = str(np.lib.format.read_array(member, allow_pickle=False))
    except WeightsError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError) as error:
        raise WeightsError("unreadable", f"not a readable .npz file ({error})") from None
    params, config = _check_arrays(arrays), _parse_config(config_text)
    return params, config if config and config.hidden == params.hidden else None


def _read_member(archive, info, name):
    """One .npy member: its unpacked size and header checked before its data is read."""
    if info.file_size > MAX_MEMBER_BYTES:
        raise WeightsError("too_big", f"{name} unpacks to {info.file_size} bytes")
    with archive.open(info) as member:
        version = np.lib.format.read_magic(member)
        if version not in ((1, 0), (2, 0)):
            raise WeightsError("unreadable", f"{name}: unknown .npy version {version}")
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) \
            else np.lib.format.read_array_header_2_0
        shape, _, dtype = read_header(member)
        if dtype.kind != "f" or dtype.hasobject:
            raise WeightsError("dtype", f"{name} must hold floating-point numbers")
        if len(shape) != 2 or np.prod(shape) * dtype.itemsize > MAX_MEMBER_BYTES:
            raise WeightsError("shape", f"{name} has shape {shape}")
    with archive.open(info) as member:
        return np.lib.format.read_array(member, allow_pickle=False)


def _check_arrays(arrays):
    for name, array in arrays.items():
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
