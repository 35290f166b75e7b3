"""Runs and sweeps as bytes and back (rnn.archive): everything a page reads comes back exactly;
anything else is refused with ArchiveError."""
import io
import json
import zipfile

import numpy as np
import pytest

from rnn import TrainConfig, archive, train, weights
from rnn.curve import Curve, accuracy_curve
from rnn.evaluate import Score
from rnn.sweep import run_sweep


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


@pytest.fixture(scope="module", params=["book-3000", "12-bits", "diverged"])
def run(request):
    result = {"book-3000": lambda: train(TrainConfig(iterations=3000)),
              "12-bits": lambda: train(TrainConfig(bits=12, hidden=3, iterations=1500, seed=4)),
              "diverged": lambda: diverged(TrainConfig(iterations=3000))}[request.param]()
    return result, accuracy_curve(result)


@pytest.fixture(scope="module")
def sweep():
    return run_sweep([TrainConfig(iterations=600, seed=s) for s in range(3)])


def test_a_run_and_its_curve_come_back_exactly(run):
    """Every field of the TrainResult and the Curve, every array bit for bit (NaN in place)."""
    result, curve = run
    back, back_curve = archive.loads_model(archive.dumps_model(result, curve))
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


def test_the_diverged_run_is_one():
    """The 'diverged' case above really stopped early, its weights not finite."""
    result = diverged(TrainConfig(iterations=3000))
    assert result.status == "diverged" and result.iterations_done < 3000
    assert not np.isfinite(result.params.synapse_h).all()


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

def written(result):
    return archive.dumps_model(result, accuracy_curve(result))


def test_the_checks_against_the_key_pass_for_real_runs(run):
    """A done, a 12-bit and a diverged run, and a cancelled one, read back under their own
    configuration with the app's log interval: accepted, the same run."""
    result, curve = run
    back, _ = archive.loads_model(archive.dumps_model(result, curve), config=result.config,
                                  log_every=800)
    assert np.array_equal(back.errors, result.errors, equal_nan=True)
    cancelled = train(TrainConfig(iterations=5000), progress=lambda t: t.iteration < 1300,
                      report_every=700)
    assert cancelled.status == "cancelled" and cancelled.iterations_done == 1400
    back, _ = archive.loads_model(written(cancelled), config=cancelled.config, log_every=800)
    assert list(back.snapshot_iterations) == list(cancelled.snapshot_iterations)


def test_another_configurations_run_is_refused_under_this_key():
    """The run of seed 1 read where the run of seed 0 is asked for: refused."""
    other = train(TrainConfig(seed=1, iterations=600))
    with pytest.raises(archive.ArchiveError, match="another configuration"):
        archive.loads_model(written(other), config=TrainConfig(seed=0, iterations=600))


def test_more_snapshots_than_the_schedule_are_refused():
    """A run whose snapshots are not those its configuration's schedule keeps (here one extra,
    and every iteration of a long run) is refused, whatever key it is read under."""
    import dataclasses
    result = train(TrainConfig(iterations=600))
    every = dataclasses.replace(result, snapshot_iterations=np.arange(601),
                                snapshots=[result.params] * 601)
    extra = dataclasses.replace(
        result, snapshot_iterations=np.append(result.snapshot_iterations[:-1], [599, 600]),
        snapshots=[*result.snapshots, result.params])
    for altered in (every, extra):
        with pytest.raises(archive.ArchiveError, match="schedule"):
            archive.loads_model(archive.dumps_model(altered, accuracy_curve(result)))


def test_a_log_off_the_apps_interval_is_refused():
    """A run logged every 100 iterations, read where the app's every-800 log is expected."""
    result = train(TrainConfig(iterations=1000), log_every=100)
    archive.loads_model(written(result))  # well formed
    with pytest.raises(archive.ArchiveError, match="log"):
        archive.loads_model(written(result), config=result.config, log_every=800)


def test_a_sweep_of_other_configurations_is_refused(sweep):
    """A sweep read under the key of other configurations (another seed, or one model more)."""
    data = archive.dumps_sweep(sweep)
    assert archive.loads_sweep(data, configs=sweep.configs).configs == sweep.configs
    import dataclasses
    for others in ([dataclasses.replace(sweep.configs[0], seed=9), *sweep.configs[1:]],
                   [*sweep.configs, sweep.configs[0]]):
        with pytest.raises(archive.ArchiveError, match="other configurations"):
            archive.loads_sweep(data, configs=others)
