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
from compute import service as compute_service
from compute.models import LOG_EVERY, Model
from compute.pool import CALL_SECONDS, TaskFailed
from compute.scheduler import Refused, Visitor
from compute.service import Overloaded, Service
from rnn import TrainConfig, analysis, blame, cost, evaluate, steps, train
from rnn.curve import accuracy_curve
from rnn.model import WEIGHT_NAMES, init_params
from rnn.replay import check_gradients
from rnn.sweep import run_sweep
from rnn.training import Training, advance
from tests.compute.conftest import WAIT, Stopped, Watch, in_thread, started

ANN, BOB = Visitor("browser:ann", "local"), Visitor("browser:bob", "local")


def same_run(a, b):
    """Two trained models hold the very same run and curve: weights, errors, snapshots, log,
    the curve's points and its final score, to the last bit."""
    ra, rb = a.result, b.result
    assert (ra.config, ra.status) == (rb.config, rb.status)
    for name in WEIGHT_NAMES:
        assert np.array_equal(getattr(a.params, name), getattr(b.params, name)), name
    assert np.array_equal(ra.errors, rb.errors)
    assert np.array_equal(ra.snapshot_iterations, rb.snapshot_iterations)
    for x, y in zip(ra.snapshots, rb.snapshots, strict=True):
        for name in WEIGHT_NAMES:
            assert np.array_equal(getattr(x, name), getattr(y, name)), name
    for x, y in zip(ra.log, rb.log, strict=True):
        assert (x.iteration, x.overall_error, x.a, x.b) == (y.iteration, y.overall_error, y.a, y.b)
        assert np.array_equal(x.prediction, y.prediction)
        assert np.array_equal(x.target, y.target)
    assert np.array_equal(a.curve.iterations, b.curve.iterations)
    assert np.array_equal(a.curve.accuracy, b.curve.accuracy)
    assert a.curve.first_perfect == b.curve.first_perfect
    fa, fb = a.curve.final, b.curve.final
    assert (fa.pairs, fa.bits, fa.correct, fa.exhaustive) == (fb.pairs, fb.bits, fb.correct,
                                                              fb.exhaustive)
    assert np.array_equal(fa.per_bit, fb.per_bit)


def here(config):
    """The model of `config` trained and scored in this process by rnn alone (its log at the
    interval a stored model's log has)."""
    result = train(config, log_every=LOG_EVERY)
    return Model(result, accuracy_curve(result))


@pytest.fixture
def fresh():
    """A Service of the test's own (two workers unless told), its workers up, closed after it."""
    made = []

    def make(workers=2):
        made.append(Service(workers=workers))
        return started(made[-1], workers)
    yield make
    for service in made:
        service.close()


@pytest.fixture(scope="module")
def local():
    """A Service computing in this process (no workers), for the module."""
    made = Service(workers=0)
    yield made
    made.close()


@pytest.fixture(params=["pool", "here"])
def either(request, service, local):
    """The module's Service with two workers, then the one computing in this process."""
    return service if request.param == "pool" else local


# ---- the same numbers

@pytest.mark.parametrize("config", [TrainConfig(seed=5, hidden=8, iterations=3000),
                                    TrainConfig(seed=2, bits=10, hidden=3, iterations=2000)],
                         ids=["8-bits", "10-bits"])
def test_a_model_from_the_pool_is_the_one_trained_here(service, config):
    """Trained and scored step by step in the workers: the run and curve of rnn.train and
    rnn.curve.accuracy_curve in this process, to the last bit."""
    same_run(jobs.model(service, config, ANN), here(config))


@pytest.mark.parametrize("workers", [1, 0], ids=["pool", "here"])
def test_trainings_computed_side_by_side_are_those_trained_here(fresh, workers):
    """Four visitors' trainings of one hidden size asked for while the only worker (or this
    process) computes Bob's long step: their first steps wait together and are computed in one
    call (rnn.batch.advance_together), and each model is rnn.train's run here, to the last bit;
    a training of another size waits with them and is computed alone."""
    service = fresh(workers)
    blocker = service.scheduler.open(BOB, 10.0)
    service.scheduler.submit(blocker, tasks.name_of(advance), long_step())
    deadline = time.monotonic() + WAIT
    while not service.pool.slots[0].busy:
        assert time.monotonic() < deadline, "Bob's step was not taken"
        time.sleep(0.01)
    configs = [TrainConfig(seed=20 + n, hidden=6, iterations=3000 + 500 * n) for n in range(4)]
    configs.append(TrainConfig(seed=30, hidden=7, iterations=2000))
    visitors = [Visitor(f"browser:v{n}", "local") for n in range(len(configs))]
    running = [in_thread(jobs.model, service, config, visitor)
               for config, visitor in zip(configs, visitors)]
    while service.scheduler.waiting < len(configs):
        assert time.monotonic() < deadline, "the trainings' first steps did not wait"
        time.sleep(0.01)
    service.scheduler.end(blocker)
    if workers:  # no need to wait for Bob's step, which nobody reads
        end_process(service.pool.slots[0].worker.pid)
    for (thread, outcome), config in zip(running, configs):
        thread.join(WAIT + CALL_SECONDS)
        assert "error" not in outcome, outcome
        same_run(outcome["value"], here(config))
    assert service.pool.together >= 4


def test_in_process_the_same(fresh):
    """A Service with no workers (computing in this process) gives the very same model."""
    config = TrainConfig(seed=6, hidden=5, iterations=1500)
    same_run(jobs.model(fresh(0), config, ANN), here(config))


def test_a_live_run_is_read_as_it_goes_and_ends_as_trained_here(service):
    """A Run handed to jobs.model: its Training advances step by step (progress in iterations,
    training_chunk at a time, then the total while the curve is scored) and ends as rnn.train's
    run here, the model too."""
    config = TrainConfig(seed=7, hidden=8, iterations=4000)
    run, watch = jobs.Run(config), Watch()
    made = jobs.model(service, config, ANN, watch, run=run)
    assert run.training.done and run.training.iteration == config.iterations
    same_run(made, here(config))
    chunk, total = jobs.training_chunk(config), config.iterations
    training_steps = -(-total // chunk)
    assert watch.progress_seen[:training_steps] == [
        (min(total, (step + 1) * chunk), total) for step in range(training_steps)]
    assert len(watch.progress_seen) > training_steps  # the curve's scores came after
    assert set(watch.progress_seen[training_steps:]) == {(total, total)}


def test_a_training_open_for_long_takes_longer_steps_to_the_same_model(service, monkeypatch):
    """A training open for MAX_LONGER * LONGER_AFTER seconds (0 here: at once) takes steps
    MAX_LONGER times training_chunk, and still ends as rnn.train's run here."""
    monkeypatch.setattr(jobs, "LONGER_AFTER", 1e-9)
    config = TrainConfig(seed=17, hidden=8, iterations=9000)
    run, watch = jobs.Run(config), Watch()
    made = jobs.model(service, config, ANN, watch, run=run)
    same_run(made, here(config))
    step = jobs.MAX_LONGER * jobs.training_chunk(config)
    trained = [done for done, total in watch.progress_seen if done < total]
    assert trained == list(range(step, config.iterations, step))


def test_a_sweep_from_the_pool_is_the_one_run_here(either):
    """A sweep computed step by step in the workers (or in process): rnn.sweep.run_sweep's."""
    configs = [TrainConfig(seed=s, hidden=h, iterations=1200) for s in range(3) for h in (2, 5)]
    pooled, alone = jobs.sweep(either, configs, ANN), run_sweep(configs)
    assert pooled.configs == alone.configs and pooled.first_perfect == alone.first_perfect
    assert np.array_equal(pooled.final_accuracy, alone.final_accuracy)
    assert pooled.checkpoint_every == alone.checkpoint_every


def same_check(a, b):
    """Two gradient checks compared the same weights and found the very same numbers."""
    assert (a.checked, a.total, a.relative_error) == (b.checked, b.total, b.relative_error)
    for name in WEIGHT_NAMES:
        assert np.array_equal(a.numerical[name], b.numerical[name], equal_nan=True)
        assert np.array_equal(a.analytic[name], b.analytic[name])


def test_a_gradient_check_of_every_weight_is_the_one_done_here(either):
    """A small net (54 weights, within the budget): the pool's check is rnn's check of every
    weight, here."""
    params = train(TrainConfig(seed=3, hidden=6, iterations=2000)).params
    check = jobs.gradient_check(either, params, 200, 57, 8, ANN)
    same_check(check, check_gradients(params, 200, 57, 8))
    assert check.checked == check.total == 54


def test_a_sampled_gradient_check_is_the_one_done_here(service):
    """A net with more weights than GRADIENT_CHECK_SECONDS allows: the pool checks the sample
    rnn draws here for the same budget (rnn.cost) and seed (a ^ b), the same numbers."""
    params = init_params(96, np.random.RandomState(1))
    budget = cost.weights_within(jobs.GRADIENT_CHECK_SECONDS, 96, 8)
    assert budget < 2 * 96 + 96 * 96 + 96  # the point: a sample, not every weight
    thread, alone = in_thread(lambda: check_gradients(params, 200, 57, 8, budget=budget,
                                                      seed=200 ^ 57))
    check = jobs.gradient_check(service, params, 200, 57, 8, ANN)  # meanwhile, in the workers
    thread.join(WAIT)
    same_check(check, alone["value"])
    assert check.checked == budget


def test_analyses_from_the_pool_are_those_computed_here(either):
    """A time-lapse, an ablation and the borrow correlation computed in the workers (or in
    process) equal rnn's own functions run here, bit for bit."""
    run = train(TrainConfig(seed=3, hidden=6, iterations=2000))
    params = run.params
    lapse = jobs.derived(either, "lapse", blame.time_lapse_steps(
        run.snapshots, run.snapshot_iterations, 200, 57, 8), ANN, 0.1)
    alone = blame.time_lapse(run.snapshots, run.snapshot_iterations, 200, 57, 8)
    for field in ("iterations", "share", "right", "learned_at"):
        assert np.array_equal(getattr(lapse, field), getattr(alone, field)), field
    ablated = jobs.derived(either, "ablation", analysis.ablation_steps(params, 8), ANN, 0.1)
    assert np.array_equal(ablated, analysis.ablation(params, 8))
    correlation = jobs.derived(either, "correlation", analysis.correlation_steps(
        params, 8, per_step=5000), ANN, 0.1)
    assert np.array_equal(correlation, steps.run(analysis.correlation_steps(params, 8,
                                                                            per_step=5000)))
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


def replaced(service, victim, count):
    """Wait until `victim` is out of the pool and it has `count` workers again."""
    deadline = time.monotonic() + WAIT + CALL_SECONDS
    while victim in service.pool.pids() or len(service.pool.pids()) < count:
        assert time.monotonic() < deadline, "the lost worker was not replaced"
        time.sleep(0.01)


def end_process(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.mark.parametrize("how, within", [(signal.SIGSTOP, CALL_SECONDS + 3),
                                         (signal.SIGKILL, 3)], ids=["frozen", "killed"])
def test_a_lost_worker_is_replaced_and_its_step_computed_elsewhere(fresh, how, within):
    """A worker frozen (SIGSTOP) or killed while it trains: it is replaced within CALL_SECONDS
    and a little (killed: a little), the step is computed again, the model is still exact, and
    the job's watch is told once."""
    service = fresh()
    config = TrainConfig(seed=8, hidden=32, iterations=30_000)
    watch = Watch()
    thread, got = in_thread(jobs.model, service, config, ANN, watch)
    victim = worker_busy(service)
    os.kill(victim, how)
    lost_at = time.monotonic()
    try:
        replaced(service, victim, 2)
        took = time.monotonic() - lost_at
        thread.join(WAIT + CALL_SECONDS)
    finally:
        end_process(victim)
    assert not thread.is_alive()
    same_run(got["value"], here(config))
    assert watch.retries == 1 and service.pool.lost_workers == 1
    assert took < within, took


@pytest.mark.parametrize("how", [signal.SIGSTOP, signal.SIGKILL], ids=["frozen", "killed"])
def test_an_idle_worker_lost_is_replaced_before_a_request_finds_it(fresh, how, logged):
    """The quick worker, idle, frozen or killed: replaced though no request was sent to it, and
    the next quick job does not wait to find it lost."""
    service = Service(workers=1, quick=True)
    try:
        started(service, 2)
        victim = service.pool.slots[-1].worker.pid
        os.kill(victim, how)
        replaced(service, victim, 2)  # no request sent meanwhile
        assert logged.count(f"worker {victim} stopped or ended while idle; it is replaced") == 1
        began = time.monotonic()
        assert service.call(tasks.hello, visitor=ANN) in service.pool.pids()
        assert time.monotonic() - began < CALL_SECONDS  # it did not have to find a lost worker
    finally:
        end_process(victim)
        service.close()


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
    end_process(frozen)
    assert not ann_thread.is_alive()
    assert beside < alone + CALL_SECONDS / 2, (alone, beside)


def long_step(iterations=60_000):
    """The arguments of one training step of a few seconds (one advance of 32 units)."""
    config = TrainConfig(seed=14, hidden=32, iterations=iterations)
    return Training(config).advance_args(config.iterations)


def test_a_step_that_loses_max_attempts_workers_fails(fresh):
    """Every worker computing Ann's step is killed: after MAX_ATTEMPTS of them the step fails
    with WorkerLost (not retried for ever), her watch told once it was retried, the job closed."""
    service, watch = fresh(1), Watch()
    thread, got = in_thread(lambda: service.call(advance, *long_step(), visitor=ANN,
                                                 estimate=2.0, watch=watch))
    killed = set()
    try:
        for _ in range(pool.MAX_ATTEMPTS):
            deadline = time.monotonic() + WAIT
            while True:
                busy = [slot.worker.pid for slot in service.pool.slots
                        if slot.busy and slot.worker is not None
                        and slot.worker.pid not in killed]
                if busy:
                    break
                assert time.monotonic() < deadline and thread.is_alive()
                time.sleep(0.01)
            killed.add(busy[0])
            os.kill(busy[0], signal.SIGKILL)
        thread.join(WAIT)
    finally:
        for pid in killed:
            end_process(pid)
    assert isinstance(got.get("error"), pool.WorkerLost), got
    assert service.pool.lost_workers == pool.MAX_ATTEMPTS and watch.retries == 1
    assert service.scheduler.jobs == 0 and service.scheduler.waiting == 0


def test_a_lost_step_does_not_wait_for_its_slots_new_worker(fresh, monkeypatch, tmp_path):
    """Ann's step loses its worker (killed) while the pool's other worker is idle; a new worker
    is slow to start (3 s here: a loaded machine): the step goes back in line at once and the
    idle worker computes it, so it ends about as soon as it would alone, not 3 s later."""
    service = fresh(2)
    args = long_step(20_000)
    started = time.monotonic()
    service.call(advance, *args, visitor=ANN, estimate=2.0)
    alone = time.monotonic() - started
    slow = tmp_path / "slow-python"
    slow.write_text(f'#!/bin/sh\nsleep 3\nexec "{sys.executable}" "$@"\n')
    slow.chmod(0o755)
    monkeypatch.setattr(pool.sys, "executable", str(slow))  # for workers started from now on
    thread, got = in_thread(lambda: service.call(advance, *args, visitor=ANN, estimate=2.0))
    victim = worker_busy(service)
    os.kill(victim, signal.SIGKILL)
    killed = time.monotonic()
    thread.join(WAIT)
    after = time.monotonic() - killed
    assert "value" in got, got
    assert after < alone + 1.5, (alone, after)


def occupy(service):
    """Hold the only worker of `service` with one long step of a job of Bob's; returns the job
    and the worker's pid (see `release`)."""
    job = service.scheduler.open(BOB, 10.0)
    service.scheduler.submit(job, tasks.name_of(advance), long_step())
    return job, worker_busy(service)


def release(service, job, pid):
    """End Bob's job and its worker (the step is not computed again for nobody)."""
    service.scheduler.end(job)
    end_process(pid)
    replaced(service, pid, 1)


def test_a_worker_that_cannot_start_means_computing_here(monkeypatch, logged):
    """No worker can start (the interpreter is missing): the slot computes in this process,
    logged once however many steps and jobs follow, and the jobs' results are the same."""
    monkeypatch.setattr(pool.sys, "executable", "/nonexistent/python")
    service = Service(workers=1)
    try:
        for config in (TrainConfig(seed=4, hidden=4, iterations=600),
                       TrainConfig(seed=5, hidden=3, iterations=900)):
            same_run(jobs.model(service, config, ANN), here(config))
        assert service.call(tasks.hello, visitor=ANN) == os.getpid()  # computed here
        assert service.pool.pids() == [] and service.pool.started_workers == 0
        assert logged.count("could not start a worker") == 1
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


def test_a_worker_computes_only_its_tasks():
    """A request naming a function that is not in compute.tasks (os:system here) is refused by
    the worker with TaskFailed, nothing run; the worker answers the next request."""
    worker = pool.WorkerProcess()
    try:
        with pytest.raises(TaskFailed, match="KeyError"):
            worker.call("os:system", ("echo ran >&2",), pool.START_SECONDS)
        value, _, retiring = worker.call(tasks.name_of(tasks.hello), (), CALL_SECONDS)
        assert value == worker.pid and not retiring
    finally:
        worker.stop()


def test_a_worker_retires_once_its_memory_passed_its_bound(fresh, monkeypatch):
    """A worker whose peak memory passed MAX_RSS_MIB answers, then is replaced."""
    monkeypatch.setenv("RNN_WORKER_MAX_MIB", "1")  # every worker is over 1 MiB
    service = fresh(1)
    first = service.call(tasks.hello, visitor=ANN)  # its pid (a hello never retires a worker)
    params = train(TrainConfig(hidden=2, iterations=100)).params
    assert service.call(evaluate.accuracy_of, params, 4, visitor=ANN) >= 0
    assert service.call(tasks.hello, visitor=ANN) != first
    assert service.pool.lost_workers == 0


def test_a_worker_started_by_a_big_server_does_not_retire(monkeypatch):
    """The bound counts the worker's own memory, not its starter's: a server holding more than the
    bound (here 64 MiB of touched memory against a bound of 40) starts a worker that answers many
    requests and stays (Linux's ru_maxrss, carried across exec, would have it retire at once)."""
    monkeypatch.setenv("RNN_WORKER_MAX_MIB", "40")
    ballast = np.ones(64 * 2**20 // 8)  # touched: resident in this process
    worker = pool.WorkerProcess()
    try:
        hello = tasks.name_of(tasks.hello)
        assert worker.call(hello, (), pool.START_SECONDS)[0] == worker.pid
        params = init_params(2, np.random.RandomState(0))
        for _ in range(3):
            _, _, retiring = worker.call(tasks.name_of(evaluate.accuracy_of), (params, 4),
                                         CALL_SECONDS)
            assert not retiring
    finally:
        worker.stop()
    assert ballast.sum() == ballast.size


def test_the_worker_process_does_not_load_streamlit():
    """What a worker imports (compute.worker, compute.tasks, rnn, NumPy) leaves Streamlit out."""
    done = subprocess.run([sys.executable, "-c", "import sys, compute.worker; "
                                                 "print('streamlit' in sys.modules)"],
                          capture_output=True, text=True, timeout=60, cwd=pool.ROOT)
    assert done.stdout.strip() == "False", done.stderr


def test_workers_end_with_the_pool(fresh):
    """Closing the service ends its worker processes."""
    service = fresh()
    pids = service.pool.pids()
    assert len(pids) == 2
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


def test_a_worker_ends_when_its_socket_closes():
    """The server's end of a worker's socket closes (nothing killed): the worker ends by itself,
    with status 0."""
    worker = pool.WorkerProcess()
    try:
        assert worker.call(tasks.name_of(tasks.hello), (), pool.START_SECONDS)[0] == worker.pid
        worker.connection.close()
        assert worker.process.wait(WAIT) == 0
    finally:
        worker.stop()


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


@pytest.mark.parametrize("how", ["call", "run"])
def test_a_job_whose_watch_raises_while_waiting_leaves_the_line(fresh, how):
    """Ann's job waits in line (the only worker computes Bob's step); her watch raises in
    waiting() (a rerun): she stops at once, her job is closed and her request out of line."""
    service = fresh(1)
    job, pid = occupy(service)
    try:
        watch = Watch()
        watch.stop.set()
        params = train(TrainConfig(hidden=3, iterations=300)).params
        started = time.monotonic()
        with pytest.raises(Stopped):
            if how == "call":
                service.call(analysis.ablated_accuracy, params, 8, 0, visitor=ANN, watch=watch)
            else:
                service.run(analysis.ablation_steps(params, 8), ANN, 0.05, watch)
        assert time.monotonic() - started < 2 and watch.places == [1]
        assert service.scheduler.jobs == 1 and service.scheduler.waiting == 0  # Bob's alone
    finally:
        release(service, job, pid)
    assert service.scheduler.jobs == 0


def test_a_step_no_worker_takes_in_time_is_overloaded(fresh, monkeypatch):
    """Ann's step is not taken within WAIT_SECONDS (0.5 s here: the only worker computes Bob's
    long step): Overloaded, her job closed, nothing of hers left in line."""
    monkeypatch.setattr(compute_service, "WAIT_SECONDS", 0.5)
    service = fresh(1)
    job, pid = occupy(service)
    try:
        started = time.monotonic()
        with pytest.raises(Overloaded):
            service.call(tasks.hello, visitor=ANN)
        assert 0.5 <= time.monotonic() - started < 0.5 + 2
        assert service.scheduler.jobs == 1 and service.scheduler.waiting == 0
        assert service.pool.slots[0].busy  # Bob's step still computing
    finally:
        release(service, job, pid)


def test_a_quick_job_does_not_wait_behind_a_training_step(fresh):
    """With the quick slot, one worker busy with Bob's long training step: Ann's calculator
    answer (a quick job) is computed by the quick worker while that step still computes, exactly
    as here; a job that is not quick never goes to the quick worker."""
    service = Service(workers=1, quick=True)
    try:
        started(service, 2)
        quick_slot = service.pool.slots[-1]
        assert quick_slot.quick and not service.pool.slots[0].quick
        job, pid = occupy(service)
        assert pid != quick_slot.worker.pid
        params = init_params(16, np.random.RandomState(3))
        proba, bits = service.call(evaluate.answer, params, 200, 57, 8, visitor=ANN)
        assert service.pool.slots[0].busy  # answered while Bob's step still computes
        here_proba, here_bits = evaluate.answer(params, 200, 57, 8)
        assert np.array_equal(proba, here_proba) and np.array_equal(bits, here_bits)
        bigger = service.scheduler.open(ANN, 2 * service.scheduler.quick_seconds)
        waiting = service.scheduler.submit(bigger, tasks.name_of(tasks.hello), ())
        time.sleep(0.5)  # the quick worker is idle, yet leaves it for the busy one
        assert not waiting.started and service.scheduler.waiting == 1
        service.scheduler.end(bigger)
    finally:
        release(service, job, pid)
        service.close()


def freeze_the_busy_worker(service):
    """SIGSTOP the worker of a one-worker service while it computes, and wait until its slot is
    held by it (sending a step to it, or waiting for its answer); returns its pid."""
    frozen = worker_busy(service)
    os.kill(frozen, signal.SIGSTOP)
    time.sleep(0.3)  # the job's next step, if the worker froze between two, is sent to it
    assert service.pool.slots[0].busy and service.pool.pids() == [frozen]
    return frozen


def test_a_caller_who_moves_on_while_in_line_leaves_the_line(fresh):
    """Ann's call waits in line (the only worker is frozen under Bob's training); her watch raises
    in waiting() (a rerun): she stops at once, her job is closed, her request out of line, and
    Bob's training goes on to its exact end."""
    service = fresh(1)
    bob = TrainConfig(seed=13, hidden=16, iterations=6000)
    bob_thread, bob_got = in_thread(jobs.model, service, bob, BOB)
    frozen = freeze_the_busy_worker(service)
    try:
        watch = Watch()
        watch.stop.set()
        started = time.monotonic()
        with pytest.raises(Stopped):
            service.call(tasks.hello, visitor=ANN, watch=watch)
        assert time.monotonic() - started < 2 and watch.places == [1]
        assert service.scheduler.jobs == 1 and service.scheduler.waiting == 0
        bob_thread.join(WAIT + CALL_SECONDS)
    finally:
        end_process(frozen)
    same_run(bob_got["value"], here(bob))
    assert service.scheduler.jobs == 0 and service.scheduler.waiting == 0


def test_a_step_of_an_ended_job_is_not_computed_again(fresh):
    """Ann's job ends (she moved on) while its one step is on a worker that then freezes: once
    the worker is replaced, the lost step is not put back in line to be computed for nobody; its
    Future fails instead."""
    service = fresh(1)
    scheduler = service.scheduler
    job = scheduler.open(ANN, 10.0)
    config = TrainConfig(seed=14, hidden=32, iterations=30_000)  # one step of a second or two
    long_step = Training(config).advance_args(config.iterations)
    request = scheduler.submit(job, tasks.name_of(advance), long_step)
    frozen = worker_busy(service)
    os.kill(frozen, signal.SIGSTOP)
    try:
        assert request.started and not request.future.done()
        scheduler.end(job)
        replaced(service, frozen, 1)
        assert request.future.exception(timeout=WAIT) is not None
        assert scheduler.waiting == 0
    finally:
        end_process(frozen)


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
