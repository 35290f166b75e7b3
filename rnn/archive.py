"""A trained run (with its accuracy curve) or a sweep as bytes, and back: what app servers that
share their results (compute/shared.py) write and read.

The bytes are an .npz: a zip of stored (uncompressed) .npy members, every one a plain numeric
array that `np.load(..., allow_pickle=False)` opens, among them `meta.npy`, the UTF-8 text (uint8)
of a JSON object with FORMAT, VERSION, the kind ("model" or "sweep") and the scalar fields:

- model: meta {format, version, kind, config (TrainConfig's fields), status, seconds,
  final {pairs, bits, correct, exhaustive}, first_perfect (int or null)}; arrays, H hidden units,
  T bits, N iterations trained, S snapshots, L log entries, K scored snapshots:
  synapse_0 (2, H), synapse_h (H, H), synapse_1 (H, 1), errors (N,), snapshot_iterations (S,),
  snapshot_synapse_0 (S, 2, H), snapshot_synapse_h (S, H, H), snapshot_synapse_1 (S, H, 1),
  log_iteration (L,), log_error (L,), log_a (L,), log_b (L,), log_prediction (L, T),
  log_target (L, T), curve_iterations (K,), curve_accuracy (K,), final_per_bit (T,).
- sweep: meta {format, version, kind, configs [TrainConfig's fields, ...], first_perfect
  [int or null, ...], checkpoint_every, seconds}; one array, final_accuracy (M,).

Floats are little-endian float64, integers int64, bits uint8, so every number comes back exactly.
`loads_model` and `loads_sweep` take any bytes and either return what was written or raise
ArchiveError, and nothing else: they read with rnn.npz (never unpickled, only stored members
whose sizes fit in the bytes given, every .npy header checked before its data is used), then
check each array's dtype, order and shape, the JSON's fields exactly, and that the arrays agree
with the configuration and with each other. A model's snapshots must be those rnn.training keeps
for its configuration (so at most rnn.training.MAX_SNAPSHOTS + 1). Read from a shared store, an
archive is also checked against the key it is stored under (`config` and `log_every`, or
`configs`) before the arrays concerned are read.

An archive is at most MAX_BYTES: a model at the app's limits (64 hidden units, 100,000
iterations, so 201 snapshots) is about 7.7 MB; a larger one is refused when written.
"""
import io
import json
import math
import zipfile
from contextlib import contextmanager

import numpy as np

from . import npz
from .config import TrainConfig
from .curve import Curve
from .evaluate import Score
from .model import WEIGHT_NAMES, Params
from .sweep import SweepResult
from .training import LogEntry, TrainResult, snapshot_interval

FORMAT = "rnn-playground-archive"
VERSION = 1
MAX_BYTES = 16 * 2**20  # a whole archive; see the module's docstring for what fits
MAX_META_BYTES = 64 * 2**10  # the JSON of a 32-model sweep is about 4 KB
MAX_SWEEP_MODELS = 256
STATUSES = ("done", "cancelled", "diverged")
FLOAT, INT, BIT = np.dtype("<f8"), np.dtype("<i8"), np.dtype("u1")
CONFIG_FIELDS = tuple(sorted(TrainConfig().as_dict()))
MODEL_META = ("config", "final", "first_perfect", "format", "kind", "seconds", "status",
              "version")
SWEEP_META = ("checkpoint_every", "configs", "first_perfect", "format", "kind", "seconds",
              "version")
SCORE_FIELDS = ("bits", "correct", "exhaustive", "pairs")
MODEL_ARRAYS = (*WEIGHT_NAMES, "errors", "snapshot_iterations",
                *(f"snapshot_{name}" for name in WEIGHT_NAMES), "log_iteration", "log_error",
                "log_a", "log_b", "log_prediction", "log_target", "curve_iterations",
                "curve_accuracy", "final_per_bit")
SWEEP_ARRAYS = ("final_accuracy",)


class ArchiveError(ValueError):
    """Bytes that are not an archive this version wrote: damaged, truncated, foreign or too big."""


# ---- writing

def dumps_model(result, curve):
    """A TrainResult and its Curve as bytes; ArchiveError if they would exceed MAX_BYTES."""
    config, final = result.config, curve.final
    meta = {"format": FORMAT, "version": VERSION, "kind": "model", "config": config.as_dict(),
            "status": result.status, "seconds": float(result.seconds),
            "final": {"pairs": int(final.pairs), "bits": int(final.bits),
                      "correct": int(final.correct), "exhaustive": bool(final.exhaustive)},
            "first_perfect": None if curve.first_perfect is None else int(curve.first_perfect)}
    hidden, steps = config.hidden, config.bits
    log = result.log
    arrays = {name: (getattr(result.params, name), FLOAT) for name in WEIGHT_NAMES}
    arrays.update({
        "errors": (result.errors, FLOAT),
        "snapshot_iterations": (result.snapshot_iterations, INT),
        "log_iteration": ([e.iteration for e in log], INT),
        "log_error": ([e.overall_error for e in log], FLOAT),
        "log_a": ([e.a for e in log], INT),
        "log_b": ([e.b for e in log], INT),
        "log_prediction": (np.reshape([e.prediction for e in log], (len(log), steps)), BIT),
        "log_target": (np.reshape([e.target for e in log], (len(log), steps)), BIT),
        "curve_iterations": (curve.iterations, INT),
        "curve_accuracy": (curve.accuracy, FLOAT),
        "final_per_bit": (final.per_bit, FLOAT),
    })
    shapes = {"synapse_0": (2, hidden), "synapse_h": (hidden, hidden), "synapse_1": (hidden, 1)}
    for name in WEIGHT_NAMES:
        stacked = np.reshape([getattr(s, name) for s in result.snapshots],
                             (len(result.snapshots), *shapes[name]))
        arrays[f"snapshot_{name}"] = (stacked, FLOAT)
    return _dump(meta, arrays)


def dumps_sweep(sweep):
    """A SweepResult as bytes."""
    meta = {"format": FORMAT, "version": VERSION, "kind": "sweep",
            "configs": [c.as_dict() for c in sweep.configs],
            "first_perfect": [None if f is None else int(f) for f in sweep.first_perfect],
            "checkpoint_every": int(sweep.checkpoint_every), "seconds": float(sweep.seconds)}
    return _dump(meta, {"final_accuracy": (sweep.final_accuracy, FLOAT)})


def _dump(meta, arrays):
    buffer = io.BytesIO()
    members = {"meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=BIT)}
    members.update({name: np.ascontiguousarray(values, dtype=dtype)
                    for name, (values, dtype) in arrays.items()})
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, array in members.items():
            with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)
    data = buffer.getvalue()
    if len(data) > MAX_BYTES:
        raise ArchiveError(f"the archive would take {len(data)} bytes, more than {MAX_BYTES}")
    return data


# ---- reading

def loads_model(data, config=None, log_every=None):
    """(TrainResult, Curve) from bytes written by `dumps_model`, or ArchiveError.

    With `config`, the archive must hold a run of exactly that configuration (checked before any
    array is read); with `log_every`, its log must hold exactly the multiples of it below the
    iterations trained (without, at most one entry per iteration). Always, its snapshots must be
    those rnn.training keeps for its configuration (`snapshot_schedule`: at most
    rnn.training.MAX_SNAPSHOTS + 1), checked before they are read."""
    meta, read = _open(data, "model", MODEL_META, MODEL_ARRAYS)
    found = _config(meta["config"])
    if config is not None and found != config:
        raise ArchiveError("the archive holds another configuration's run")
    config = found
    status, seconds = meta["status"], _seconds(meta["seconds"])
    if status not in STATUSES:
        raise ArchiveError("unknown status")
    hidden, steps = config.hidden, config.bits
    params = Params(read("synapse_0", FLOAT, (2, hidden)),
                    read("synapse_h", FLOAT, (hidden, hidden)),
                    read("synapse_1", FLOAT, (hidden, 1)))
    errors = read("errors", FLOAT, (None,))
    done = len(errors)
    if done > config.iterations or (status == "done" and done != config.iterations):
        raise ArchiveError("the errors do not match the run's iterations")
    at = read("snapshot_iterations", INT, (None,))
    count = len(at)
    if not np.array_equal(at, snapshot_schedule(config, done)):
        raise ArchiveError("the snapshot iterations are not those of the run's schedule")
    stacks = [read("snapshot_synapse_0", FLOAT, (count, 2, hidden)),
              read("snapshot_synapse_h", FLOAT, (count, hidden, hidden)),
              read("snapshot_synapse_1", FLOAT, (count, hidden, 1))]
    if status != "diverged" and not all(np.isfinite(a).all() for a in
                                        (errors, *stacks, *params.as_dict().values())):
        raise ArchiveError("a run that did not diverge holds numbers that are not finite")
    snapshots = [Params(*(stack[i].copy() for stack in stacks)) for i in range(count)]
    result = TrainResult(config, params, errors, at, snapshots,
                         _log(read, steps, done, log_every), status, seconds)
    return result, _curve(meta, read, config, at)


def snapshot_schedule(config, done):
    """The iterations at which rnn.training keeps a snapshot of a run of `config` that trained
    `done` iterations: 0, every multiple of its interval up to `done`, and the last iteration
    once the run has reached it."""
    every = snapshot_interval(config.iterations)
    schedule = set(range(0, done + 1, every))
    if done == config.iterations:
        schedule.add(done)
    return np.array(sorted(schedule), dtype=np.int64)


def loads_sweep(data, configs=None):
    """A SweepResult from bytes written by `dumps_sweep`, or ArchiveError. With `configs`, the
    archive must hold a sweep of exactly those configurations, in order (checked before its
    arrays are read)."""
    meta, read = _open(data, "sweep", SWEEP_META, SWEEP_ARRAYS)
    fields = meta["configs"]
    if not isinstance(fields, list) or not 1 <= len(fields) <= MAX_SWEEP_MODELS:
        raise ArchiveError("the sweep's configurations are not a list of 1 to "
                           f"{MAX_SWEEP_MODELS}")
    expected, configs = configs, [_config(f) for f in fields]
    if expected is not None and configs != list(expected):
        raise ArchiveError("the archive holds a sweep of other configurations")
    if len({(c.bits, c.iterations) for c in configs}) != 1:
        raise ArchiveError("the sweep's models do not share bits and iterations")
    every, iterations = meta["checkpoint_every"], configs[0].iterations
    if not _whole(every) or every < 1:
        raise ArchiveError("checkpoint_every is not a positive whole number")
    firsts = meta["first_perfect"]
    if not isinstance(firsts, list) or len(firsts) != len(configs) or not all(
            f is None or (_whole(f) and 0 <= f <= iterations) for f in firsts):
        raise ArchiveError("first_perfect does not hold one iteration or null per model")
    final = _fractions(read("final_accuracy", FLOAT, (len(configs),)), "final_accuracy")
    return SweepResult(configs, firsts, final, every, _seconds(meta["seconds"]))


def _log(read, steps, done, log_every=None):
    iterations = read("log_iteration", INT, (None,))
    count = len(iterations)
    if log_every is not None and not np.array_equal(iterations, np.arange(0, done, log_every)):
        raise ArchiveError(f"the log is not every {log_every} iterations of the run")
    error, a, b = (read(n, k, (count,)) for n, k in (("log_error", FLOAT), ("log_a", INT),
                                                     ("log_b", INT)))
    prediction, target = (read(n, BIT, (count, steps)) for n in ("log_prediction", "log_target"))
    if count and (iterations[0] < 0 or iterations[-1] >= done or (np.diff(iterations) <= 0).any()):
        raise ArchiveError("the log's iterations are not ascending within the run")
    if (prediction > 1).any() or (target > 1).any() or (a < 0).any() or (b < 0).any() \
            or (a >= 2**steps).any() or (b >= 2**steps).any():
        raise ArchiveError("the log holds bits or operands out of range")
    return [LogEntry(int(iterations[j]), float(error[j]), int(a[j]), int(b[j]),
                     prediction[j].copy(), target[j].copy()) for j in range(count)]


def _curve(meta, read, config, snapshot_iterations):
    at = read("curve_iterations", INT, (None,))
    if len(at) == 0 or not np.isin(at, snapshot_iterations).all() or (np.diff(at) <= 0).any():
        raise ArchiveError("the curve's iterations are not snapshots in ascending order")
    accuracy = _fractions(read("curve_accuracy", FLOAT, (len(at),)), "curve_accuracy")
    final = meta["final"]
    if not isinstance(final, dict) or sorted(final) != list(SCORE_FIELDS):
        raise ArchiveError("the final score does not have exactly the expected fields")
    pairs, correct, exhaustive = final["pairs"], final["correct"], final["exhaustive"]
    if not (_whole(pairs) and _whole(correct) and 0 <= correct <= pairs
            and final["bits"] == config.bits and isinstance(exhaustive, bool)):
        raise ArchiveError("the final score is not a valid score at the run's width")
    per_bit = _fractions(read("final_per_bit", FLOAT, (config.bits,)), "final_per_bit")
    first = meta["first_perfect"]
    if first is not None and not (_whole(first) and 0 <= first <= snapshot_iterations[-1]
                                  and first in snapshot_iterations):
        raise ArchiveError("first_perfect is not one of the snapshots")
    return Curve(at, accuracy, Score(pairs, config.bits, correct, per_bit, exhaustive), first)


def _open(data, kind, fields, arrays):
    """The archive's meta (checked: format, version, kind, exactly `fields`) and a reader of its
    arrays, `read(name, dtype, shape)`, None in a shape for any length; the archive holds exactly
    meta and `arrays`, once each. Opened and read by rnn.npz."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ArchiveError("an archive is bytes")
    names = ("meta", *arrays)
    with _refused():
        archive, infos = npz.open_zip(bytes(data), MAX_BYTES, len(names), names)
    if sorted(infos) != sorted(f"{name}.npy" for name in names):
        raise ArchiveError(f"the members are not those of a {kind}")
    size = len(data)

    def read(name, dtype, shape):
        return _read_array(archive, infos[f"{name}.npy"], name, dtype, shape, size)
    meta = _meta(read("meta", BIT, (None,)))
    if meta.get("format") != FORMAT or meta.get("kind") != kind:
        raise ArchiveError(f"not an {FORMAT} of a {kind}")
    version = meta.get("version")
    if version != VERSION or not _whole(version):
        raise ArchiveError(f"version {version if _whole(version) else 'unknown'}, not {VERSION}")
    if sorted(meta) != sorted(fields):
        raise ArchiveError("the meta data does not have exactly the expected fields")
    return meta, read


@contextmanager
def _refused():
    """rnn.npz's refusals as ArchiveError."""
    try:
        yield
    except npz.NpzError as error:
        raise ArchiveError(str(error)) from error


def _read_array(archive, info, name, dtype, shape, size):
    """A stored member as an array of `dtype` and `shape` (None: any length), or ArchiveError."""
    def check(found, fortran_order, found_dtype):
        if found_dtype != dtype or fortran_order or len(found) != len(shape) \
                or any(want is not None and n != want for n, want in zip(found, shape)):
            raise ArchiveError(f"{name} is not {dtype.str} of shape {shape}")
    with _refused():
        found, _, _, data = npz.parse_npy(npz.read_member(archive, info, name, size), name, check)
    return np.frombuffer(data, dtype=dtype).reshape(found).astype(dtype.newbyteorder("="))


def _meta(raw):
    if len(raw) > MAX_META_BYTES:
        raise ArchiveError(f"the meta data is longer than {MAX_META_BYTES} bytes")
    try:
        meta = json.loads(raw.tobytes().decode("utf-8"), parse_constant=_refuse)
    except (ValueError, RecursionError) as error:
        raise ArchiveError("the meta data is not JSON") from error
    if not isinstance(meta, dict):
        raise ArchiveError("the meta data is not a JSON object")
    return meta


def _refuse(constant):
    raise ValueError(f"{constant} is not a number JSON allows")


def _config(fields):
    if not isinstance(fields, dict) or sorted(fields) != list(CONFIG_FIELDS):
        raise ArchiveError("a configuration does not have exactly TrainConfig's fields")
    try:
        return TrainConfig(**fields)
    except (ValueError, TypeError) as error:
        raise ArchiveError("a configuration is not valid") from error


def _seconds(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not \
            math.isfinite(value) or value < 0:
        raise ArchiveError("seconds is not a finite number of at least 0")
    return float(value)


def _fractions(values, name):
    if not ((values >= 0) & (values <= 1)).all():
        raise ArchiveError(f"{name} holds values outside 0 to 1")
    return values


def _whole(value):
    return isinstance(value, int) and not isinstance(value, bool)
