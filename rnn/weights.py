"""Trained weights in and out: an .npz with synapse_0 (2, H), synapse_h (H, H), synapse_1 (H, 1)
and the configuration as a JSON string.

`load` takes any bytes and either returns checked weights or raises WeightsError, whose `reason`
is one of REASONS. It reads the file with rnn.npz (never unpickled; only members stored or
deflated, as np.savez and np.savez_compressed write them), checks each weight's .npy header
(floating-point numbers, two sizes, at most MAX_MEMBER_BYTES bytes of numbers) before its data is
used, then converts the numbers to float64 and checks that they are finite."""
import dataclasses
import io
import json
from contextlib import contextmanager
from functools import partial

import numpy as np

from . import npz
from .config import LIMITS, TrainConfig
from .model import WEIGHT_NAMES, Params

FORMAT = "rnn-subtraction-weights/1"
# why a file is refused: the app has a translated message for each
REASONS = ("too_big", "unreadable", "missing", "dtype", "not_finite", "shape")
MAX_FILE_BYTES = 2_000_000  # a 256-unit net is about 0.6 MB
MAX_MEMBER_BYTES = 8 * 257 * 257  # one array of the largest net, unpacked
MAX_MEMBERS = 16
MAX_CONFIG_CHARS = 1_000  # a saved configuration is about 110 characters of JSON
READ_METHODS = (npz.STORED, npz.DEFLATED)  # np.savez stores, np.savez_compressed deflates
CONFIG_FIELDS = tuple(field.name for field in dataclasses.fields(TrainConfig))


class WeightsError(ValueError):
    """A weights file that cannot be used; `reason` (one of REASONS) is a key for translated
    messages, the message one short sentence naming no more of the file than our member names."""

    def __init__(self, reason, message):
        if reason not in REASONS:
            raise ValueError(f"unknown reason {reason!r}")
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
    """Read weights from bytes (or a binary file object): returns (Params, TrainConfig or None),
    or raises WeightsError, and nothing else, whatever the bytes.

    The Params hold C-ordered float64 arrays of shapes (2, H), (H, H), (H, 1), all finite. The
    configuration is None when it is absent, unreadable, not exactly TrainConfig's fields with
    valid values, or for another number of hidden units than the arrays."""
    if not isinstance(data, (bytes, bytearray)):
        data = data.read(MAX_FILE_BYTES + 1)
    with _refused():
        archive, members = npz.open_zip(data, MAX_FILE_BYTES, MAX_MEMBERS,
                                        (*WEIGHT_NAMES, "config"))
        with archive:
            missing = [n for n in WEIGHT_NAMES if f"{n}.npy" not in members]
            if missing:
                raise WeightsError("missing", f"missing arrays: {', '.join(sorted(missing))}")
            arrays = {n: _read_weights(archive, members[f"{n}.npy"], n) for n in WEIGHT_NAMES}
            config_text = _read_config(archive, members.get("config.npy"))
    params, config = _check_shapes(arrays), _parse_config(config_text)
    return params, config if config and config.hidden == params.hidden else None


@contextmanager
def _refused():
    """rnn.npz's refusals as WeightsError, with the same reason ("too_big" or "unreadable")."""
    try:
        yield
    except npz.NpzError as error:
        raise WeightsError(error.kind, str(error)) from error


def _npy(archive, info, name, check=None):
    """A member's .npy (shape, fortran_order, dtype, data bytes), read and checked by rnn.npz."""
    raw = npz.read_member(archive, info, name, MAX_MEMBER_BYTES, READ_METHODS)
    return npz.parse_npy(raw, name, check)


def _read_weights(archive, info, name):
    """One weight matrix as a C-ordered float64 array of finite numbers."""
    shape, fortran_order, dtype, data = _npy(archive, info, name, partial(_check_header, name))
    numbers = np.frombuffer(data, dtype=dtype)
    numbers = numbers.reshape(shape[::-1]).T if fortran_order else numbers.reshape(shape)
    # a long double beyond float64 becomes inf, one of its invalid bit patterns NaN: refused next
    with np.errstate(over="ignore", invalid="ignore"):
        array = np.array(numbers, dtype=np.float64, order="C")
    if not np.isfinite(array).all():
        raise WeightsError("not_finite", f"{name} holds NaN or infinite values")
    return array


def _check_header(name, shape, fortran_order, dtype):
    """A weight matrix's header: floating-point numbers, two whole sizes, at most MAX_MEMBER_BYTES
    of numbers (checked before rnn.npz compares the data's length with them)."""
    if dtype.kind != "f":
        raise WeightsError("dtype", f"{name} must hold floating-point numbers")
    if len(shape) != 2:
        raise WeightsError("shape", f"{name} has {len(shape)} dimension"
                                    f"{'' if len(shape) == 1 else 's'} instead of 2")
    if not npz.plain_shape(shape):
        raise WeightsError("shape", f"{name} has a shape that is not two whole numbers")
    declared = shape[0] * shape[1] * dtype.itemsize
    if declared > MAX_MEMBER_BYTES or max(shape) > MAX_MEMBER_BYTES:  # (0, 2**63) declares 0
        raise WeightsError("shape", f"{name} claims more than {MAX_MEMBER_BYTES} bytes of numbers")


def _check_shapes(arrays):
    """Params from (2, H), (H, H), (H, 1) arrays with H in LIMITS["hidden"]."""
    hidden = arrays["synapse_h"].shape[0]
    shapes = {"synapse_0": (2, hidden), "synapse_h": (hidden, hidden), "synapse_1": (hidden, 1)}
    low, high = LIMITS["hidden"]
    if not low <= hidden <= high or any(arrays[n].shape != s for n, s in shapes.items()):
        found = ", ".join(f"{n} {arrays[n].shape}" for n in shapes)
        raise WeightsError("shape", f"expected shapes (2, H), (H, H), (H, 1) with H from {low} "
                                    f"to {high}; found {found}")
    return Params(*(arrays[n] for n in WEIGHT_NAMES))


def _read_config(archive, info):
    """The configuration's JSON text: a 0-d unicode array of at most MAX_CONFIG_CHARS characters,
    or None when it is absent or anything else."""
    if info is None:
        return None
    try:
        shape, _, dtype, data = _npy(archive, info, "config")
    except npz.NpzError:
        return None
    if shape != () or dtype.kind != "U" or dtype.itemsize > 4 * MAX_CONFIG_CHARS:
        return None
    try:
        return data.decode("utf-32-be" if dtype.str[0] == ">" else "utf-32-le").rstrip("\0")
    except UnicodeDecodeError:
        return None


def _parse_config(text):
    """The stored configuration: a JSON object with exactly TrainConfig's fields, all valid; else
    None (a missing field is not filled in with a default the file never said)."""
    if text is None:
        return None
    try:
        fields = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(fields, dict) or sorted(fields) != sorted(CONFIG_FIELDS):
        return None
    try:
        return TrainConfig(**fields)
    except (ValueError, TypeError):
        return None
