"""Runs and sweeps as bytes and back (rnn.archive): everything a page reads comes back exactly;
anything else is refused with ArchiveError."""
import dataclasses
import io
import json
import zipfile

import numpy as np
import pytest

from rnn import TrainConfig, Training, archive, train, weights
from rnn.curve import Curve, accuracy_curve
from rnn.evaluate import Score
from rnn.model import WEIGHT_NAMES
from rnn.sweep import run_sweep
from rnn.training import MAX_SNAPSHOTS, snapshot_interval


def diverged(config):
    """A run of `config` whose first weights hold an infinity, as test_hosting makes one: it
    stops as "diverged" after its first chunk, with NaN weights and errors."""
    import rnn.training as training
    real = training.init_params

    def poisoned(hidden, random_state):
        params = real(hidden, random_state)
        params.synapse_h[0, 0] = np.inf
        return params
    training.init_params = poisoned
    try:
        return train(config)
    finally:
        training.init_params = real


def cancelled(config, chunks):
    """A run of `config` trained `chunks` iterations (chunk after chunk), then cancelled
    (Training.cancel())."""
    training = Training(config)
    for count in chunks:
        training.run(count)
    training.cancel()
    return training.result()


RUNS = {"book-3000": lambda: train(TrainConfig(iterations=3000)),
        "12-bits": lambda: train(TrainConfig(bits=12, hidden=3, iterations=1500, seed=4)),
        "cancelled": lambda: cancelled(TrainConfig(iterations=4999, seed=2), (1000, 333)),
        "diverged": lambda: diverged(TrainConfig(iterations=3000))}


@pytest.fixture(scope="module", params=sorted(RUNS))
def run(request):
    result = RUNS[request.param]()
    return result, accuracy_curve(result)


@pytest.fixture(scope="module")
def sweep():
    return run_sweep([TrainConfig(iterations=600, seed=s) for s in range(3)])


def assert_same(back, back_curve, result, curve):
    """Every field of the TrainResult and the Curve, every array bit for bit (NaN in place)."""
    assert back.config == result.config
    assert (back.status, back.seconds) == (result.status, result.seconds)
    same = lambda x, y: x.dtype == y.dtype and np.array_equal(x, y, equal_nan=True)  # noqa: E731
    for name in ("synapse_0", "synapse_h", "synapse_1"):
        assert same(getattr(back.params, name), getattr(result.params, name))
        assert all(same(getattr(b, name), getattr(r, name))
                   for b, r in zip(back.snapshots, result.snapshots, strict=True))
    assert same(back.errors, result.errors)
    assert same(back.snapshot_iterations, result.snapshot_iterations)
    assert len(back.log) == len(result.log)
    for b, r in zip(back.log, result.log):
        assert (b.iteration, b.a, b.b) == (r.iteration, r.a, r.b)
        assert same(np.float64(b.overall_error), np.float64(r.overall_error))
        assert same(b.prediction, r.prediction) and same(b.target, r.target)
    assert same(back_curve.iterations, curve.iterations)
    assert same(back_curve.accuracy, curve.accuracy)
    assert back_curve.first_perfect == curve.first_perfect
    final, expected = back_curve.final, curve.final
    assert (final.pairs, final.bits, final.correct, final.exhaustive) == \
        (expected.pairs, expected.bits, expected.correct, expected.exhaustive)
    assert same(final.per_bit, expected.per_bit)


def test_a_run_and_its_curve_come_back_exactly(run):
    assert_same(*archive.loads_model(archive.dumps_model(*run)), *run)


def test_the_runs_are_what_they_are_called():
    """The '12-bits' run is done at an iteration that is not a multiple of its snapshot interval;
    the 'cancelled' one stopped where it was cancelled, after 1000 + 333 iterations, and the
    'diverged' one early, its weights not finite, both between two snapshots. (Alpha at its bound,
    100, does not make this net blow up, so its start is poisoned, as in test_train.)"""
    between = lambda result: result.iterations_done % snapshot_interval(  # noqa: E731
        result.config.iterations) != 0
    done = RUNS["12-bits"]()
    assert done.status == "done" and between(done)
    stopped = RUNS["cancelled"]()
    assert stopped.status == "cancelled" and stopped.iterations_done == 1000 + 333
    result = RUNS["diverged"]()
    assert result.status == "diverged" and result.iterations_done < 3000
    assert not np.isfinite(result.params.synapse_h).all()
    assert between(stopped) and between(result)


def test_a_sweep_comes_back_exactly(sweep):
    back = archive.loads_sweep(archive.dumps_sweep(sweep))
    assert back.configs == sweep.configs and back.first_perfect == sweep.first_perfect
    assert (back.checkpoint_every, back.seconds) == (sweep.checkpoint_every, sweep.seconds)
    assert np.array_equal(back.final_accuracy, sweep.final_accuracy)


def test_the_bytes_are_an_npz_without_pickles(run):
    """np.load with allow_pickle=False opens every member; meta names the format and version."""
    data = archive.dumps_model(*run)
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    meta = json.loads(arrays.pop("meta").tobytes())
    assert (meta["format"], meta["version"], meta["kind"]) == (archive.FORMAT, 1, "model")
    assert sorted(arrays) == sorted(archive.MODEL_ARRAYS)


def unscored(result):
    """A curve of the right shapes for `result`, its numbers made up (scoring big nets is slow)."""
    bits = result.config.bits
    return Curve(np.array([0]), np.array([0.0]), Score(1000, bits, 0, np.zeros(bits), False), None)


def test_a_model_at_the_apps_limits_fits():
    """64 hidden units, 201 snapshots, 100,000 errors, 16 bits: about 7.7 MB, under MAX_BYTES
    (made from a short run, its arrays enlarged to those sizes)."""
    result = train(TrainConfig(hidden=64, bits=16, iterations=200))
    curve = unscored(result)
    result.snapshots = result.snapshots[:1] * 201
    result.snapshot_iterations = np.arange(201) * 500
    result.errors = np.zeros(100_000)
    result.config = TrainConfig(hidden=64, bits=16, iterations=100_000)
    curve.iterations = result.snapshot_iterations[:26]
    curve.accuracy = np.zeros(26)
    size = len(archive.dumps_model(result, curve))
    assert 7_500_000 < size < 8_000_000 <= archive.MAX_BYTES
    back, _ = archive.loads_model(archive.dumps_model(result, curve))
    assert len(back.snapshots) == 201


def test_a_model_too_big_is_refused_when_written():
    """256 hidden units with 201 snapshots would be about 105 MB: refused."""
    result = train(TrainConfig(hidden=256, iterations=10))
    curve = unscored(result)
    result.snapshots = result.snapshots[:1] * 201
    result.snapshot_iterations = np.arange(201)
    result.config = TrainConfig(hidden=256, iterations=200)
    result.errors = np.zeros(200)
    with pytest.raises(archive.ArchiveError, match="more than"):
        archive.dumps_model(result, curve)


def repacked(data, replace=None, drop=(), add=None, method=zipfile.ZIP_STORED):
    """An archive's members rewritten: some replaced (name -> bytes), dropped or added."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        files = {info.filename: source.read(info) for info in source.infolist()}
    files.update(replace or {})
    files.update(add or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as target:
        for name, content in files.items():
            if name not in drop:
                target.writestr(name, content)
    return buffer.getvalue()


def npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def with_meta(data, **changes):
    with np.load(io.BytesIO(data)) as npz:
        meta = json.loads(npz["meta"].tobytes())
    meta.update(changes)
    raw = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    return repacked(data, replace={"meta.npy": npy(raw)})


@pytest.fixture(scope="module")
def good():
    result = train(TrainConfig(iterations=1000))
    return archive.dumps_model(result, accuracy_curve(result))


REFUSED = {
    "empty": lambda d: b"",
    "garbage": lambda d: b"PK\x03\x04" + bytes(range(256)) * 4,
    "truncated": lambda d: d[:len(d) // 2],
    "one byte short": lambda d: d[:-1],
    "a flipped byte": lambda d: d[:len(d) // 3] + bytes([d[len(d) // 3] ^ 0x55]) + d[
        len(d) // 3 + 1:],
    "weights file": lambda d: weights.to_npz_bytes(train(TrainConfig(iterations=10)).params,
                                                   TrainConfig(iterations=10)),
    "a sweep read as a model": lambda d: archive.dumps_sweep(run_sweep(
        [TrainConfig(iterations=100)])),
    "version 2": lambda d: with_meta(d, version=2),
    "another format": lambda d: with_meta(d, format="someone-else"),
    "an extra meta field": lambda d: with_meta(d, extra=1),
    "an invalid configuration": lambda d: with_meta(d, config={**TrainConfig().as_dict(),
                                                               "hidden": 0}),
    "another hidden size": lambda d: with_meta(d, config={**TrainConfig(iterations=1000)
                                                          .as_dict(), "hidden": 8}),
    "unknown status": lambda d: with_meta(d, status="maybe"),
    "NaN seconds": lambda d: with_meta(d, seconds=float("nan")),
    "first_perfect not a snapshot": lambda d: with_meta(d, first_perfect=7),
    "first_perfect huge": lambda d: with_meta(d, first_perfect=10**30),
    "a missing array": lambda d: repacked(d, drop=("errors.npy",)),
    "an extra array": lambda d: repacked(d, add={"more.npy": npy(np.zeros(3))}),
    "a pickled object array": lambda d: repacked(d, replace={"errors.npy": npy(
        np.array([object()] * 1000, dtype=object))}),
    "float32 errors": lambda d: repacked(d, replace={"errors.npy": npy(
        np.zeros(1000, dtype=np.float32))}),
    "big-endian errors": lambda d: repacked(d, replace={"errors.npy": npy(
        np.zeros(1000, dtype=">f8"))}),
    "Fortran-ordered weights": lambda d: repacked(d, replace={"synapse_h.npy": npy(
        np.asfortranarray(np.zeros((16, 16))))}),
    "weights of another shape": lambda d: repacked(d, replace={"synapse_1.npy": npy(
        np.zeros((16, 2)))}),
    "NaN in a finished run": lambda d: repacked(d, replace={"errors.npy": npy(
        np.full(1000, np.nan))}),
    "bits that are not 0 or 1": lambda d: repacked(d, replace={"log_target.npy": npy(
        np.full((2, 8), 7, dtype=np.uint8))}),
    "accuracy above 1": lambda d: repacked(d, replace={"final_per_bit.npy": npy(
        np.full(8, 1.5))}),
    "deflated members": lambda d: repacked(d, method=zipfile.ZIP_DEFLATED),
    "more than MAX_BYTES": lambda d: d + b"\0" * archive.MAX_BYTES,
}


@pytest.mark.parametrize("damage", REFUSED.values(), ids=REFUSED.keys())
def test_damaged_or_foreign_bytes_are_refused(good, damage):
    """Each raises ArchiveError, and nothing else."""
    with pytest.raises(archive.ArchiveError):
        archive.loads_model(damage(good))


def test_the_checks_are_not_too_strict(good):
    """An archive repacked unchanged still loads (the damaged variants above differ from it in
    their damage only)."""
    archive.loads_model(repacked(good))


# ---- read back from a shared store: checked against the key it is stored under

APP_LOG_EVERY = 800  # the app's log interval, Training's default


def written(result):
    return archive.dumps_model(result, accuracy_curve(result))


def garbled(data, names):
    """`data` with the members `names` (without .npy) replaced by bytes that are no .npy at all:
    a refusal that names anything else was made before they were read."""
    return repacked(data, replace={f"{name}.npy": b"not an array" for name in names})


def test_the_checks_against_the_key_pass_for_real_runs(run):
    """Done runs, a cancelled and a diverged one (some ending between two snapshots: see
    test_the_runs_are_what_they_are_called), read back under their own configuration with the
    app's log interval: accepted, and exactly the run."""
    result, curve = run
    back = archive.loads_model(archive.dumps_model(result, curve), config=result.config,
                               log_every=APP_LOG_EVERY)
    assert_same(*back, result, curve)


OTHER_KEYS = {"seed": {"seed": 1}, "iterations": {"iterations": 700}, "alpha": {"alpha": 0.5},
              "sampling": {"sampling": "fixed"}, "hidden": {"hidden": 8}}


@pytest.mark.parametrize("change", OTHER_KEYS.values(), ids=OTHER_KEYS)
def test_another_configurations_run_is_refused_under_this_key(change):
    """The run of another configuration read where this one's is asked for: refused from the meta
    data, before any array is read."""
    asked = TrainConfig(iterations=600)
    data = written(train(dataclasses.replace(asked, **change)))
    archive.loads_model(data)  # well formed
    for stored in (data, garbled(data, archive.MODEL_ARRAYS)):
        with pytest.raises(archive.ArchiveError, match="another configuration"):
            archive.loads_model(stored, config=asked, log_every=APP_LOG_EVERY)


SNAPSHOT_STACKS = [f"snapshot_{name}" for name in WEIGHT_NAMES]


def snapshots_at(result, iterations):
    """`result` with snapshots at `iterations` (its final weights at each)."""
    return dataclasses.replace(result, snapshot_iterations=np.asarray(iterations),
                               snapshots=[result.params] * len(iterations))


def test_snapshots_other_than_the_schedule_are_refused_before_they_are_read():
    """A run whose snapshots are not those its schedule keeps (one between two, one at every
    iteration, one missing) is refused, under any key or none, before the snapshot stacks are
    read."""
    result = train(TrainConfig(iterations=600))
    kept = list(result.snapshot_iterations)
    assert kept == list(range(0, 601, snapshot_interval(600)))
    altered = [snapshots_at(result, sorted([*kept, kept[1] + 1])),
               snapshots_at(result, range(601)),
               snapshots_at(result, kept[:5] + kept[6:])]
    for variant in altered:
        data = archive.dumps_model(variant, accuracy_curve(result))
        for stored in (data, garbled(data, SNAPSHOT_STACKS)):
            for key in ({}, {"config": result.config, "log_every": APP_LOG_EVERY}):
                with pytest.raises(archive.ArchiveError, match="schedule"):
                    archive.loads_model(stored, **key)


def test_a_quarter_of_a_million_snapshots_are_refused_before_they_are_read():
    """A snapshot at every one of 250,000 iterations (1 hidden unit: 12 MB, within MAX_BYTES) is
    refused before the stacks are read."""
    iterations = 250_000
    result = train(TrainConfig(hidden=1, iterations=10))
    result = snapshots_at(dataclasses.replace(
        result, config=TrainConfig(hidden=1, iterations=iterations),
        errors=np.zeros(iterations)), range(iterations + 1))
    data = archive.dumps_model(result, unscored(result))
    assert len(data) <= archive.MAX_BYTES
    with pytest.raises(archive.ArchiveError, match="schedule"):
        archive.loads_model(garbled(data, SNAPSHOT_STACKS))


@pytest.mark.parametrize("iterations", [0, 1, 199, 200, 201, 399, 401, 4999, 100_000, 10_000_000])
def test_a_schedule_keeps_at_most_max_snapshots_and_one(iterations):
    """The schedule an archive's snapshots must follow, for a run stopped anywhere, of any length
    within the core's limits: 0 first, ascending, at most MAX_SNAPSHOTS + 1 iterations."""
    config = TrainConfig(hidden=1, iterations=iterations)
    for done in {0, iterations // 3, max(0, iterations - 1), iterations}:
        schedule = archive.snapshot_schedule(config, done)
        assert schedule[0] == 0 and (np.diff(schedule) > 0).all()
        assert len(schedule) <= MAX_SNAPSHOTS + 1 and schedule[-1] <= done


def test_a_log_off_the_apps_interval_is_refused():
    """A run logged every 100 iterations, and one logged every 800 whose first entries were
    handed over (Training.drain_log): well formed, but refused where the app's every-800 log is
    expected."""
    every_100 = train(TrainConfig(iterations=1000), log_every=100)
    training = Training(TrainConfig(iterations=3000))
    training.run(2000)
    training.drain_log()
    training.run(1000)
    drained = training.result()
    assert [entry.iteration for entry in drained.log] == [2400]
    for result in (every_100, drained):
        archive.loads_model(written(result))
        with pytest.raises(archive.ArchiveError, match="log"):
            archive.loads_model(written(result), config=result.config, log_every=APP_LOG_EVERY)


def test_a_sweep_of_other_configurations_is_refused(sweep):
    """A sweep read under the key of other configurations (another seed, one model more, the same
    models in another order): refused before its arrays are read."""
    data = archive.dumps_sweep(sweep)
    assert archive.loads_sweep(data, configs=sweep.configs).configs == sweep.configs
    first, second, *rest = sweep.configs
    for others in ([dataclasses.replace(first, seed=9), second, *rest],
                   [*sweep.configs, first], [second, first, *rest]):
        for stored in (data, garbled(data, archive.SWEEP_ARRAYS)):
            with pytest.raises(archive.ArchiveError, match="other configurations"):
                archive.loads_sweep(stored, configs=others)


def test_the_real_runs_keep_the_snapshots_worked_out_here(run):
    """The snapshots training kept, and the schedule an archive is checked against, are those
    worked out by hand: every ceil(iterations / 200) iterations from 0 up to the iterations
    trained, and the last iteration once the run is done."""
    result, _ = run
    done = result.iterations_done
    expected = {(3000, "done"): [*range(0, 3001, 15)],  # 3000 / 200 = 15
                (1500, "done"): [*range(0, 1497, 8), 1500],  # ceil(7.5) = 8; 1500 = 187 * 8 + 4
                (4999, "cancelled"): [*range(0, 1334, 25)],  # ceil(24.995) = 25; 1333 trained
                (3000, "diverged"): [*range(0, done + 1, 15)],
                }[result.config.iterations, result.status]
    assert list(result.snapshot_iterations) == expected
    assert list(archive.snapshot_schedule(result.config, done)) == expected
