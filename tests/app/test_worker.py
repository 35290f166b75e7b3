"""The worker process (ui.worker): trainings, their curves and sweeps computed there give the very
numbers of the same computing in this process, runs are forgotten when they end or stop, and a
worker that dies or cannot start means computing here, unseen by the visitor."""
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import types
from collections import OrderedDict
from contextlib import contextmanager
from multiprocessing import spawn
from pathlib import Path

import numpy as np
import pytest

from rnn import TrainConfig, train
from rnn.curve import accuracy_curve
from rnn.sweep import run_sweep as sweep_here
from ui import models, worker
from ui.models import model_store
from ui.shared import obtain
from ui.worker import LiveTraining, Worker, run_sweep

CONFIG = TrainConfig(seed=5, hidden=8, iterations=3_000)
CHUNK = 400  # iterations per turn in these tests


@pytest.fixture
def pool():
    """Workers of the test's own (Worker()), stopped after it."""
    made = []

    def make():
        made.append(Worker())
        return made[-1]
    yield make
    for one in made:
        one.stop()


@contextmanager
def logged():
    """What ui.worker logs meanwhile (Streamlit's loggers do not propagate to the root)."""
    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    log = logging.getLogger("ui.worker")
    log.addHandler(handler)
    try:
        yield lines
    finally:
        log.removeHandler(handler)


def runs_held(one):
    return one.request({"op": "runs"})[0]["runs"]


def assert_same_run(got, want):
    """Two TrainResults, bit for bit."""
    assert got.config == want.config and got.status == want.status
    for name, value in want.params.as_dict().items():
        assert np.array_equal(getattr(got.params, name), value), name
    assert np.array_equal(got.errors, want.errors)
    assert np.array_equal(got.snapshot_iterations, want.snapshot_iterations)
    for mine, theirs in zip(got.snapshots, want.snapshots, strict=True):
        assert all(np.array_equal(getattr(mine, n), v) for n, v in theirs.as_dict().items())
    assert [(e.iteration, e.overall_error, e.a, e.b) for e in got.log] == \
        [(e.iteration, e.overall_error, e.a, e.b) for e in want.log]
    assert all(np.array_equal(g.prediction, w.prediction) and np.array_equal(g.target, w.target)
               for g, w in zip(got.log, want.log, strict=True))


def assert_same_curve(got, want):
    assert np.array_equal(got.iterations, want.iterations)
    assert np.array_equal(got.accuracy, want.accuracy)
    assert got.first_perfect == want.first_perfect
    assert (got.final.pairs, got.final.correct) == (want.final.pairs, want.final.correct)
    assert np.array_equal(got.final.per_bit, want.final.per_bit)


def train_live(training, turns, chunk=CHUNK, on_chunk=lambda done: None):
    """As the training page does: chunks, then the curve; counts the turns taken."""
    while not training.done:
        training.run(chunk)
        turns.append("train")
        on_chunk(training.iteration)
    return training.score(progress=lambda: turns.append("score"))


@pytest.fixture(scope="module")
def here():
    """CONFIG trained in this process, by rnn.training.train, and its curve; the turns a page
    takes for it in this process."""
    result = train(CONFIG)
    turns = []
    training = LiveTraining(CONFIG, None)
    train_live(training, turns)
    return result, accuracy_curve(result), turns


def test_a_training_in_the_worker_is_bit_for_bit_the_one_trained_here(pool, here):
    """Weights, errors, snapshots, log and curve of a run in the worker are those of
    rnn.training.train here; the page's copy of the errors grows as the run does; the same
    turns are taken."""
    result, curve, turns_here = here
    training, turns = LiveTraining(CONFIG, pool()), []

    def live_errors(done):
        assert np.array_equal(training.errors, result.errors[:done])
    got, got_curve = train_live(training, turns, on_chunk=live_errors)
    assert_same_run(got, result)
    assert_same_curve(got_curve, curve)
    assert turns == turns_here
    assert training.seconds == got.seconds > 0  # the worker's computing time


@pytest.mark.parametrize("where", ["worker", "here"])
def test_trained_in_one_go_is_the_run_trained_here(pool, here, where):
    """worker.trained, the server's head start (streamlit_app.py): the run and curve of
    rnn.training.train here, bit for bit, in the worker or in this process; the worker forgets
    the run."""
    result, curve, _ = here
    one = pool() if where == "worker" else None
    got, got_curve, seconds = worker.trained(CONFIG, one)
    assert_same_run(got, result)
    assert_same_curve(got_curve, curve)
    assert seconds == got.seconds > 0
    if one is not None:
        assert runs_held(one) == 0


def test_the_warm_up_keeps_the_nets_place_while_its_head_start_trains():
    """ui.models.warm_up(config, trained) takes the store's place for the net at once: a visitor
    asking for it while `trained` is still computing waits for it and gets the very model the
    warm-up stored, nothing trained twice."""
    config = TrainConfig(seed=11, hidden=4, iterations=400)
    made, go = worker.trained(config, None), threading.Event()
    stored, got = [], []
    warming = threading.Thread(target=lambda: stored.append(models.warm_up(
        config, lambda: (go.wait(10), made)[1])))
    warming.start()
    slot = model_store().slot(config)
    deadline = time.monotonic() + 10
    while not slot.lock.locked() and time.monotonic() < deadline:
        time.sleep(0.01)

    def train_again(box):
        raise AssertionError("trained a second time")
    visitor = threading.Thread(target=lambda: got.append(obtain(model_store(), config,
                                                                train_again, None)))
    visitor.start()
    time.sleep(0.3)
    assert visitor.is_alive() and not got  # waiting for the warm-up's net
    go.set()
    warming.join(10)
    visitor.join(10)
    assert got[0] is stored[0] and got[0].result is made[0]


def test_a_sweep_in_the_worker_is_bit_for_bit_the_one_run_here(pool):
    """First 100 % and final accuracy of every model, checkpoints, progress: as run_sweep here."""
    configs = [TrainConfig(seed=s, hidden=h, iterations=2_000) for s in (1, 2) for h in (2, 5)]
    calls, calls_here = [], []
    got = run_sweep(configs, lambda *done: calls.append(done), chunk=300, worker=pool())
    want = sweep_here(configs, lambda *done: calls_here.append(done), chunk=300)
    assert got.configs == want.configs and got.first_perfect == want.first_perfect
    assert np.array_equal(got.final_accuracy, want.final_accuracy)
    assert got.checkpoint_every == want.checkpoint_every
    assert calls == calls_here


def test_the_worker_forgets_a_run_that_ends(pool):
    """A finished training and a finished sweep leave nothing in the worker."""
    one = pool()
    train_live(LiveTraining(TrainConfig(iterations=500), one), [])
    run_sweep([TrainConfig(seed=s, iterations=300) for s in range(3)], chunk=100, worker=one)
    assert runs_held(one) == 0


class Rerun(Exception):
    """What a Streamlit rerun raises in a redraw."""


@pytest.mark.parametrize("phase", ["train", "score"])
def test_the_worker_forgets_a_run_stopped_by_a_rerun(pool, phase):
    """A rerun while training or while scoring: the caller's `finally` closes the run, and the
    worker drops it."""
    one = pool()
    training = LiveTraining(CONFIG, one)

    def rerun_at(at):
        def step(*_):
            if phase == at:
                raise Rerun
        return step
    with pytest.raises(Rerun):
        try:
            training.run(CHUNK)
            assert runs_held(one) == 1
            rerun_at("train")()
            while not training.done:
                training.run(CHUNK)
            training.score(progress=rerun_at("score"))
        finally:
            training.close()
    assert runs_held(one) == 0


@pytest.mark.parametrize("stop", ["raise", "return False"])
def test_the_worker_forgets_a_stopped_sweep(pool, stop):
    """A sweep whose progress raises (a rerun) or returns False stops and is dropped."""
    one = pool()

    def progress(done, total):
        assert runs_held(one) == 1
        if stop == "raise":
            raise Rerun
        return False
    configs = [TrainConfig(seed=s, iterations=1_000) for s in range(3)]
    if stop == "raise":
        with pytest.raises(Rerun):
            run_sweep(configs, progress, chunk=100, worker=one)
    else:
        assert run_sweep(configs, progress, chunk=100, worker=one) is None
    assert runs_held(one) == 0


def test_the_worker_keeps_at_most_max_runs(monkeypatch):
    """Beyond MAX_RUNS runs (never in the app: each job forgets its own) the least recently
    advanced goes (the worker's own handler, called here), and a request for it fails (its job
    then computes here)."""
    monkeypatch.setattr(worker, "MAX_RUNS", 2)
    runs = OrderedDict()
    for key in (1, 2, 3):
        worker._handle(runs, {"op": "train", "run": key, "count": 10,
                              "config": TrainConfig(seed=key, iterations=100).as_dict()})
    worker._handle(runs, {"op": "train", "run": 2, "count": 10})
    assert list(runs) == [3, 2]
    with pytest.raises(KeyError, match="no run 1"):
        worker._handle(runs, {"op": "train", "run": 1, "count": 10})


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def test_curves_scored_in_turns_leave_the_worker_small(pool):
    """Eight curves scored in turns, their threads parked at once, then forgotten: the worker
    keeps little of their buffers (one malloc arena; with one per thread it grew by ~170 MiB)."""
    one = pool()
    runs = [worker.RemoteTraining(TrainConfig(seed=s, hidden=24 + s, iterations=2_000), one)
            for s in range(8)]
    for run in runs:
        run.run(2_000)
    trained = rss_mib(one.pid)
    pending = list(runs)
    while pending:  # one score of each in turn, as the work queue goes round
        for run in list(pending):
            if run._request({"op": "score", "run": run._id})[0]["finished"]:
                pending.remove(run)
    assert runs_held(one) == 0
    assert rss_mib(one.pid) - trained < 80


def kill(one):
    os.kill(one.pid, signal.SIGKILL)


@pytest.mark.parametrize("at", ["train", "score"])
def test_a_worker_killed_mid_run_means_training_here_from_the_start(pool, here, at):
    """The worker killed while it trains or scores: logged; the run starts over here and ends
    with the same numbers; the next run gets a new worker."""
    result, curve, _ = here
    one = pool()
    training = LiveTraining(CONFIG, one)
    first_pid = None

    def on_chunk(done):
        nonlocal first_pid
        if at == "train" and first_pid is None and done >= 2 * CHUNK:
            first_pid = one.pid
            kill(one)
    scores = []

    def progress():
        nonlocal first_pid
        scores.append(1)
        if at == "score" and first_pid is None and len(scores) == 3:
            first_pid = one.pid
            kill(one)
    with logged() as lines:
        while not training.done:
            training.run(CHUNK)
            on_chunk(training.iteration)
        got, got_curve = training.score(progress=progress)
    assert first_pid is not None
    assert any("training again in this process, from the start" in line for line in lines)
    assert_same_run(got, result)
    assert_same_curve(got_curve, curve)
    again = LiveTraining(TrainConfig(iterations=300), one)
    again.run(300)
    assert one.pid not in (None, first_pid) and one.generation == 2


def test_a_worker_killed_mid_sweep_means_sweeping_here(pool):
    """The worker killed during a sweep: the sweep runs again here, with the same result."""
    one = pool()
    configs = [TrainConfig(seed=s, iterations=1_500) for s in range(4)]
    calls = []

    def progress(done, total):
        calls.append(done)
        if len(calls) == 2:
            kill(one)
    with logged() as lines:
        got = run_sweep(configs, progress, chunk=200, worker=one)
    want = sweep_here(configs, chunk=200)
    assert any("running this sweep again in this process" in line for line in lines)
    assert got.first_perfect == want.first_perfect
    assert np.array_equal(got.final_accuracy, want.final_accuracy)


def test_no_worker_can_start_means_computing_here(pool, monkeypatch, here):
    """A worker that cannot be started: logged once, the run computes here, and no start is
    tried again within RETRY_SECONDS."""
    result, curve, _ = here
    starts = []

    def cannot(self):
        starts.append(1)
        raise OSError("no processes left")
    monkeypatch.setattr(Worker, "_start", cannot)
    one = pool()
    with logged() as lines:
        got, got_curve = train_live(LiveTraining(CONFIG, one), [])
        train_live(LiveTraining(TrainConfig(iterations=200), one), [])
    assert_same_run(got, result)
    assert_same_curve(got_curve, curve)
    assert len(starts) == 1
    assert sum("could not start the worker process" in line for line in lines) == 1


def test_the_worker_does_not_run_the_script_of_a_streamlit_run(pool, tmp_path, monkeypatch):
    """Streamlit puts each script run's module in sys.modules["__main__"], which spawn would run
    again in the worker (whichever run's is there as it starts): the worker starts without
    running it, and multiprocessing is left as it was."""
    marker, script = tmp_path / "ran", tmp_path / "app.py"
    script.write_text(f"open({str(marker)!r}, 'w').close()\n")
    main = types.ModuleType("__main__")
    main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", main)
    preparation = spawn.get_preparation_data
    one = pool()
    assert runs_held(one) == 0
    assert not marker.exists()
    assert sys.modules["__main__"] is main and spawn.get_preparation_data is preparation


def test_the_worker_process_does_not_load_streamlit():
    """What the worker process imports (ui.worker, with rnn and NumPy) leaves Streamlit out."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, ui.worker; print('streamlit' in sys.modules)"],
        cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "False"


def test_the_setting_turns_the_worker_off(monkeypatch):
    """RNN_WORKER=0: no worker; unset or 1: the process's one worker."""
    monkeypatch.setenv("RNN_WORKER", "0")
    assert worker.in_use() is None
    monkeypatch.setenv("RNN_WORKER", "1")
    assert worker.in_use() is worker.in_use() is not None
    monkeypatch.delenv("RNN_WORKER")
    assert isinstance(worker.in_use(), Worker)


class Requests:
    """Requests to the process's worker, counted by kind; `kill_at` kills it at that train
    request."""

    def __init__(self, monkeypatch, kill_at=None):
        self.ops, self.kill_at = [], kill_at
        real = Worker.request

        def request(one, header, data=b"", generation=None):
            self.ops.append(header["op"])
            if header["op"] == "train" and self.ops.count("train") == self.kill_at:
                one.request({"op": "hello"})  # started, if it was not
                kill(one)
            return real(one, header, data, generation)
        monkeypatch.setattr(Worker, "request", request)


def test_the_app_trains_in_the_worker_by_default(app, monkeypatch):
    """With the setting unset, the training page's run computes in the worker, turn by turn,
    and the stored model is the one trained here."""
    monkeypatch.delenv("RNN_WORKER", raising=False)
    requests = Requests(monkeypatch)
    config = TrainConfig(seed=4242, iterations=4_000)
    at = app({"seed": "4242", "iterations": "4000"}).run()
    assert not at.exception
    assert requests.ops.count("train") > 1 and requests.ops.count("score") > 1
    model = model_store().peek(config)
    assert_same_run(model.result, train(config))
    assert runs_held(worker.in_use()) == 0


def test_a_worker_killed_under_the_app_is_not_seen(app, monkeypatch):
    """The worker killed mid-run under the training page: no error, the run ends here with the
    numbers of a run trained here."""
    monkeypatch.delenv("RNN_WORKER", raising=False)
    Requests(monkeypatch, kill_at=3)
    config = TrainConfig(seed=4343, iterations=12_000)
    with logged() as lines:
        at = app({"seed": "4343", "iterations": "12000"}).run()
    assert not at.exception and not at.error
    assert any("training again in this process" in line for line in lines)
    assert_same_run(model_store().peek(config).result, train(config))


def test_the_app_trains_here_when_the_setting_says_so(app, monkeypatch):
    """RNN_WORKER=0: the page's run never asks the worker."""
    monkeypatch.setenv("RNN_WORKER", "0")
    requests = Requests(monkeypatch)
    at = app({"seed": "4444", "iterations": "2000"}).run()
    assert not at.exception
    assert requests.ops == []
    assert_same_run(model_store().peek(TrainConfig(seed=4444, iterations=2_000)).result,
                    train(TrainConfig(seed=4444, iterations=2_000)))
