"""compute/pool.py and compute/service.py with real worker processes: the numbers are those of
the same computing in this process, bit for bit; a worker that freezes, dies or cannot start
costs time, never a result; a visitor who moves on leaves no work behind."""
import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from compute import jobs, pool, tasks
from compute.models import Model
from compute.pool import CALL_SECONDS, TaskFailed
from compute.scheduler import Refused, Visitor
from compute.service import Service
from rnn import TrainConfig, analysis, blame, evaluate, train
from rnn.curve import accuracy_curve
from rnn.model import WEIGHT_NAMES
from rnn.replay import check_gradients
from rnn.sweep import run_sweep
from tests.compute.conftest import WAIT, Stopped, Watch, in_thread

ANN, BOB = Visitor("browser:ann", "local"), Visitor("browser:bob", "local")


def same_run(a, b):
    """Two trained models hold the very same run and curve."""
    for name in WEIGHT_NAMES:
        assert np.array_equal(getattr(a.params, name), getattr(b.params, name))
        for x, y in zip(a.result.snapshots, b.result.snapshots, strict=True):
            assert np.array_equal(getattr(x, name), getattr(y, name))
    assert np.array_equal(a.result.errors, b.result.errors)
    assert [e.iteration for e in a.result.log] == [e.iteration for e in b.result.log]
    assert np.array_equal(a.curve.accuracy, b.curve.accuracy)
    assert a.curve.first_perfect == b.curve.first_perfect


def here(config):
    """The model of `config` trained and scored in this process by rnn alone."""
    result = train(config)
    return Model(result, accuracy_curve(result))


@pytest.fixture
def fresh():
    """A Service of the test's own (two workers), closed after it."""
    made = []

    def make(workers=2):
        made.append(Service(workers=workers))
        return made[-1]
    yield make
    for service in made:
        service.close()


# ---- the same numbers

@pytest.mark.parametrize("config", [TrainConfig(seed=5, hidden=8, iterations=3000),
                                    TrainConfig(seed=2, bits=10, hidden=3, iterations=2000)],
                         ids=["8-bits", "10-bits"])
def test_a_model_from_the_pool_is_the_one_trained_here(service, config):
    """Trained and scored step by step in the workers: the run and curve of rnn.train and
    rnn.curve.accuracy_curve in this process, to the last bit."""
    same_run(jobs.model(service, config, ANN), here(config))


def test_in_process_the_same(fresh):
    """A Service with no workers (computing in this process) gives the very same model."""
    config = TrainConfig(seed=6, hidden=5, iterations=1500)
    same_run(jobs.model(fresh(0), config, ANN), here(config))


def test_a_sweep_from_the_pool_is_the_one_run_here(service):
    """A sweep computed step by step in the workers: rnn.sweep.run_sweep's result."""
    configs = [TrainConfig(seed=s, hidden=h, iterations=1200) for s in range(3) for h in (2, 5)]
    pooled, alone = jobs.sweep(service, configs, ANN), run_sweep(configs)
    assert pooled.first_perfect == alone.first_perfect
    assert np.array_equal(pooled.final_accuracy, alone.final_accuracy)


def test_analyses_from_the_pool_are_those_computed_here(service):
    """A gradient check, a time-lapse, an ablation and the borrow correlation computed in the
    workers equal rnn's own functions run here."""
    run = train(TrainConfig(seed=3, hidden=6, iterations=2000))
    params = run.params
    check = jobs.gradient_check(service, params, 200, 57, 8, ANN)
    alone = check_gradients(params, 200, 57, 8, budget=check.checked, seed=200 ^ 57)
    assert (check.checked, check.relative_error) == (alone.checked, alone.relative_error)
    lapse = jobs.derived(service, "lapse", blame.time_lapse_steps(
        run.snapshots, run.snapshot_iterations, 200, 57, 8), ANN, 0.1)
    assert np.array_equal(lapse.share, blame.time_lapse(run.snapshots, run.snapshot_iterations,
                                                        200, 57, 8).share)
    ablated = jobs.derived(service, "ablation", analysis.ablation_steps(params, 8), ANN, 0.1)
    assert np.array_equal(ablated, analysis.ablation(params, 8))
    correlation = jobs.derived(service, "correlation", analysis.correlation_steps(
        params, 8, per_step=5000), ANN, 0.1)
    assert np.allclose(correlation, analysis.borrow_correlation(params, 8), rtol=0, atol=1e-12)


# ---- workers lost

def worker_busy(service):
    """The pid of a worker computing a request now (waits for one)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        busy = [slot.worker.pid for slot in service.pool.slots
                if slot.busy and slot.worker is not None]
        if busy:
            return busy[0]
        time.sleep(0.01)
    raise AssertionError("no worker got busy")


@pytest.mark.parametrize("how", [signal.SIGSTOP, signal.SIGKILL], ids=["frozen", "killed"])
def test_a_lost_worker_is_replaced_and_its_step_computed_elsewhere(fresh, how):
    """A worker frozen (SIGSTOP) or killed while it trains: it is replaced, the step is computed
    again, the model is still exact, the job's watch is told once; a frozen one costs about
    CALL_SECONDS, no more."""
    service = fresh()
    config = TrainConfig(seed=8, hidden=32, iterations=30_000)
    watch = Watch()
    started = time.monotonic()
    thread, got = in_thread(jobs.model, service, config, ANN, watch)
    victim = worker_busy(service)
    os.kill(victim, how)
    thread.join(WAIT + CALL_SECONDS)
    elapsed = time.monotonic() - started
    same_run(got["value"], here(config))
    assert watch.retries == 1 and service.pool.lost_workers == 1
    assert victim not in service.pool.pids() and len(service.pool.pids()) == 2
    assert elapsed < CALL_SECONDS + 10
    try:
        os.kill(victim, signal.SIGKILL)
    except ProcessLookupError:
        pass


def test_a_frozen_worker_does_not_hold_other_visitors_up(fresh):
    """While Ann's training waits out her frozen worker, Bob's run goes on in the other worker:
    it takes about as long as alone (measured here, same run), not CALL_SECONDS longer."""
    service = fresh()
    bob = TrainConfig(seed=21, hidden=16, iterations=8000)
    started = time.monotonic()
    jobs.model(service, bob, BOB)
    alone = time.monotonic() - started
    service.models.clear()
    ann_thread, _ = in_thread(jobs.model, service, TrainConfig(seed=9, hidden=32,
                                                              iterations=40_000), ANN)
    frozen = worker_busy(service)
    os.kill(frozen, signal.SIGSTOP)
    started = time.monotonic()
    jobs.model(service, bob, BOB)
    beside = time.monotonic() - started
    ann_thread.join(WAIT + CALL_SECONDS)
    assert beside < alone + CALL_SECONDS / 2, (alone, beside)
    try:
        os.kill(frozen, signal.SIGKILL)
    except ProcessLookupError:
        pass


def test_a_worker_that_cannot_start_means_computing_here(monkeypatch, logged):
    """No worker can start (the interpreter is missing): the slots compute in this process,
    logged, and the job's result is the same."""
    monkeypatch.setattr(pool.sys, "executable", "/nonexistent/python")
    service = Service(workers=1)
    try:
        config = TrainConfig(seed=4, hidden=4, iterations=600)
        same_run(jobs.model(service, config, ANN), here(config))
        assert service.pool.pids() == [] and logged.count("could not start a worker") == 1
    finally:
        service.close()


def test_a_task_that_raises_fails_its_job_and_the_worker_serves_on(service):
    """A task raising in the worker gives TaskFailed (with its one line) to the caller; the same
    worker computes the next request."""
    before = service.pool.pids()
    with pytest.raises(TaskFailed, match="ValueError"):
        service.call(analysis.correctness_map, None, 12, visitor=ANN)
    assert service.call(tasks.hello, visitor=ANN) in before and service.pool.pids() == before


def test_a_value_of_the_wrong_type_is_refused(service, monkeypatch):
    """A worker's value is data: one that is not the task's type is refused (TaskFailed)."""
    name = tasks.name_of(tasks.hello)
    monkeypatch.setitem(tasks.TASKS, name, (tasks.hello, str))
    with pytest.raises(TaskFailed, match="not a str"):
        service.call(tasks.hello, visitor=ANN)


def test_a_worker_retires_once_its_memory_passed_its_bound(fresh, monkeypatch):
    """A worker whose peak memory passed MAX_RSS_MIB answers, then is replaced."""
    monkeypatch.setenv("RNN_WORKER_MAX_MIB", "1")  # every worker is over 1 MiB
    service = fresh(1)
    first = service.call(tasks.hello, visitor=ANN)  # its pid (a hello never retires a worker)
    params = train(TrainConfig(hidden=2, iterations=100)).params
    assert service.call(evaluate.accuracy_of, params, 4, visitor=ANN) >= 0
    assert service.call(tasks.hello, visitor=ANN) != first
    assert service.pool.lost_workers == 0


def test_the_worker_process_does_not_load_streamlit():
    """What a worker imports (compute.worker, compute.tasks, rnn, NumPy) leaves Streamlit out."""
    done = subprocess.run([sys.executable, "-c", "import sys, compute.worker; "
                                                 "print('streamlit' in sys.modules)"],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False"


def test_workers_end_with_the_pool(fresh):
    """Closing the service ends its worker processes."""
    service = fresh()
    pids = service.pool.pids()
    service.close()
    for pid in pids:
        deadline = time.monotonic() + WAIT
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            assert time.monotonic() < deadline
            time.sleep(0.05)


def test_a_worker_ends_when_its_server_dies(tmp_path):
    """A server process killed outright: its workers see their socket close and end."""
    script = tmp_path / "server.py"
    script.write_text("import time\nfrom compute import tasks\n"
                      "from compute.service import SERVER, Service\n"
                      "service = Service(workers=1)\n"
                      "print(service.call(tasks.hello, visitor=SERVER), flush=True)\n"
                      "time.sleep(60)\n")
    server = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                              cwd=pool.ROOT, env={**os.environ, "PYTHONPATH": str(pool.ROOT)})
    try:
        worker = int(server.stdout.readline())
    finally:
        server.kill()
        server.wait(WAIT)
    deadline = time.monotonic() + WAIT
    while True:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline, "the worker outlived its server"
        time.sleep(0.05)


# ---- visitors who move on, and bounds

def test_a_visitor_who_moves_on_leaves_no_work_behind(fresh):
    """A job whose watch raises (a Streamlit rerun) mid-training stops: no open job, nothing in
    line, and the model is not kept."""
    service = fresh()
    watch = Watch()
    config = TrainConfig(seed=12, hidden=32, iterations=40_000)
    thread, got = in_thread(jobs.model, service, config, ANN, watch)
    deadline = time.monotonic() + WAIT
    while not watch.progress_seen:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    watch.stop.set()
    thread.join(WAIT)
    assert isinstance(got["error"], Stopped)
    assert service.scheduler.jobs == 0 and service.scheduler.waiting == 0
    assert service.models.get(config) is None


def test_progress_is_told_after_each_step(service):
    """run() tells the watch (done, total) after every step, ending at the total."""
    watch = Watch()
    service.run(analysis.ablation_steps(train(TrainConfig(hidden=3, iterations=300)).params, 8),
                ANN, 0.05, watch)
    assert watch.progress_seen == [(unit, 3) for unit in (1, 2, 3)]


def test_more_jobs_than_a_visitor_may_have_are_refused(service):
    """A visitor with PER_VISITOR jobs open is refused one more; nothing is left open."""
    scheduler = service.scheduler
    held = [scheduler.open(ANN, 1.0) for _ in range(scheduler.per_visitor)]
    try:
        with pytest.raises(Refused) as refused:
            service.call(tasks.hello, visitor=ANN)
        assert refused.value.reason == "visitor"
        assert service.call(tasks.hello, visitor=BOB) in service.pool.pids()
    finally:
        for job in held:
            scheduler.end(job)
    assert scheduler.jobs == 0


def test_two_visitors_compute_at_once_in_two_workers(service):
    """Two visitors' calls are computed at the same time, each in its own worker."""
    barrier_pids = []
    threads = [threading.Thread(target=lambda v=v: barrier_pids.append(
        service.call(tasks.hello, visitor=v))) for v in (ANN, BOB)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert set(barrier_pids) <= set(service.pool.pids())
