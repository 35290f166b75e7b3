"""The worker process: where trainings, their scoring and sweeps compute, so that the server
process only schedules them, draws their progress and stores their results.

Every session of a Streamlit server runs in one process, and NumPy on the net's tiny matrices
holds the GIL: while a training computed there, every other visitor's script run (a calculator
answer, a page switch) waited for it. Here the server process keeps ONE worker process (the
"spawn" start method), started on first use and started again if it died. Jobs still take turns
on the work queue (ui.queue); each turn's computing (a chunk of a training, one score of its
accuracy curve, a chunk of a sweep) is one request over a pipe, and the server thread that waits
for the answer leaves the GIL to the others.

The worker holds the runs in progress, one per job that has started and not finished, by a run id
the server gives: a training (`rnn.training.Training`) advanced by a number of iterations per
request, then its accuracy curve (`rnn.curve.accuracy_curve`), and sweeps (`rnn.sweep.run_sweep`),
each of these two advanced from one of its `progress` calls to the next per request (`Stepper`).
It answers with what the page draws (the iteration, the status, the errors new since the last
answer) and, at the end, the result as rnn.archive's bytes (never pickled); then it forgets the
run. A job that stops early (its visitor moved on, the session ended) tells it to forget the run
(`close`, called in a `finally`); at most MAX_RUNS runs are kept, the least recently advanced
dropped first, as a backstop.

The numbers are those of the same functions run in this process, on the same machine; the tests
check them bit for bit. Messages are a JSON header and raw bytes (`send`, `receive`).

Fallback: when the worker cannot be started, dies, or fails a run, the failure is logged and the
run starts again in the server process, as without a worker (the visitor sees only the progress
start over); the next run asks for a worker again (a failed start is not tried again for
RETRY_SECONDS). RNN_WORKER=0 in the environment computes everything in the server process.

This module is what the worker process imports: it loads NumPy and rnn, never Streamlit.
"""
import ctypes
import itertools
import json
import multiprocessing
import os
import signal
import struct
import threading
import time
from collections import OrderedDict
from multiprocessing import spawn

import numpy as np

from rnn import archive
from rnn.config import TrainConfig
from rnn.curve import accuracy_curve
from rnn.sweep import run_sweep as run_sweep_here
from rnn.training import Training

SETTING = "RNN_WORKER"  # environment variable: "0" (or off, false, no) computes in the server
START_SECONDS = 60.0  # a new worker must answer its first request within this (it loads NumPy)
REPLY_SECONDS = 60.0  # ... and every request within this (one turn is ~0.05 s): else it is hung
RETRY_SECONDS = 60.0  # after a failed start, no worker is started again for this long
MAX_RUNS = 256  # runs the worker keeps at most (a backstop: each job forgets its own run)
ERRORS = np.dtype("<f8")  # how the errors of a training cross the pipe
M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)
_HEADER = struct.Struct("<I")  # a message: the length of its JSON header, the header, raw bytes


def enabled():
    """Whether trainings and sweeps compute in the worker (the setting: on unless it is 0, off,
    false or no)."""
    return os.environ.get(SETTING, "1").strip().lower() not in ("0", "off", "false", "no")


def _log():
    """The server's log (Streamlit's logger, loaded here and not at the top: the worker process
    imports this module and must not load Streamlit)."""
    from streamlit.logger import get_logger
    return get_logger(__name__)


class WorkerFailure(Exception):
    """The worker could not be started, died, did not answer, or could not do a run: the run
    computes in the server process instead."""


# ---- messages

def send(connection, header, data=b""):
    """One message: `header` (a dict of plain values, as JSON) and `data` (bytes)."""
    encoded = json.dumps(header).encode("utf-8")
    connection.send_bytes(b"".join((_HEADER.pack(len(encoded)), encoded, data)))


def receive(connection):
    """(header, data) of the next message, as `send` wrote it."""
    message = connection.recv_bytes()
    (size,) = _HEADER.unpack_from(message)
    start = _HEADER.size
    return json.loads(message[start:start + size].decode("utf-8")), message[start + size:]


# ---- the worker process

class Discarded(BaseException):
    """Raised inside a Stepper's function when its run is forgotten, to end its thread."""


class Stepper:
    """`function(progress)`, which calls `progress(*args)` between the chunks of its work, run one
    chunk per `step()` in a thread of its own. `step()` returns ("step", args) at the next call
    of `progress`, ("done", value) once `function` returned `value`, ("error", exception) if it
    raised. The caller and the thread take turns, never run at once."""

    def __init__(self, function):
        self._function = function
        self._go = threading.Semaphore(0)  # the thread may run
        self._back = threading.Semaphore(0)  # the thread has stopped at a progress call or ended
        self._state = None
        self._discarded = False
        self._thread = threading.Thread(target=self._main, daemon=True, name="worker-stepper")

    def step(self):
        if self._thread.ident is None:
            self._thread.start()
        self._go.release()
        self._back.acquire()
        return self._state

    def discard(self):
        """End the thread (unless it never started or has ended)."""
        self._discarded = True
        if self._thread.is_alive():
            self._go.release()
            self._thread.join()

    def _main(self):
        self._go.acquire()
        try:
            self._state = ("done", self._function(self._progress))
        except Discarded:
            return
        except BaseException as error:  # noqa: BLE001 - handed to the caller
            self._state = ("error", error)
        self._back.release()

    def _progress(self, *args):
        self._state = ("step", list(args))
        self._back.release()
        self._go.acquire()
        if self._discarded:
            raise Discarded


class TrainingRun:
    """The worker's side of a training: trained by the requested iterations at a time, then its
    accuracy curve scored one score at a time."""

    def __init__(self, config):
        self.training = Training(config)
        self.reported = 0  # errors sent so far
        self.curve = None

    def train(self, count):
        training = self.training
        training.run(count)
        new = np.ascontiguousarray(training.errors[self.reported:], dtype=ERRORS).tobytes()
        self.reported = training.iteration
        return {"iteration": training.iteration, "status": training.status,
                "seconds": training.seconds}, new

    def score(self):
        if self.curve is None:
            result = self.training.result()
            self.curve = Stepper(lambda progress: (result, accuracy_curve(result,
                                                                          progress=progress)))
        return self.curve.step()

    def discard(self):
        if self.curve is not None:
            self.curve.discard()


def _handle(runs, header):
    """The answer (header, bytes) to one request; raises on a failed run (then forgotten)."""
    op = header["op"]
    if op == "hello":
        return {"pid": os.getpid()}, b""
    if op == "runs":
        return {"runs": len(runs)}, b""
    key = header["run"]
    if op == "discard":
        run = runs.pop(key, None)
        if run is not None:
            run.discard()
        return {"runs": len(runs)}, b""
    run = runs.get(key)
    if run is None:
        if op == "train" and "config" in header:
            run = TrainingRun(TrainConfig(**header["config"]))
        elif op == "sweep" and "configs" in header:
            configs, chunk = [TrainConfig(**c) for c in header["configs"]], header["chunk"]
            run = Stepper(lambda progress: run_sweep_here(configs, progress, chunk=chunk))
        else:
            raise KeyError(f"no run {key} here")
        runs[key] = run
        while len(runs) > MAX_RUNS:
            runs.popitem(last=False)[1].discard()
    runs.move_to_end(key)
    try:
        if op == "train":
            return run.train(header["count"])
        state, value = run.score() if op == "score" else run.step()
    except BaseException:
        runs.pop(key).discard()
        raise
    if state == "error":
        runs.pop(key).discard()
        raise value
    if state == "step":
        return {"finished": False, "progress": value}, b""
    del runs[key]
    data = archive.dumps_model(*value) if op == "score" else archive.dumps_sweep(value)
    return {"finished": True}, data


def _one_malloc_arena():
    """Have glibc's malloc keep one arena for all threads. By default each thread that allocates
    gets an arena of its own, which keeps what is freed in it; the curves and sweeps run in
    threads (Stepper), many of them parked at once, so the freed buffers of their scoring piled
    up: 277 MB against 83 MB with one arena, measured for 20 curves scored in turns. Their
    threads never run at once, so sharing one arena costs nothing. Without glibc, nothing."""
    try:
        ctypes.CDLL(None).mallopt(M_ARENA_MAX, 1)
    except (OSError, AttributeError):
        pass


def serve(connection):
    """The worker process: answer requests until the server's end of the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in a terminal stops the server; the
    # server's exit ends this process (the pipe closes), with no traceback of ours
    _one_malloc_arena()
    runs = OrderedDict()  # run id -> TrainingRun or Stepper (a sweep), least recently used first
    while True:
        try:
            header = receive(connection)[0]
        except (EOFError, OSError):
            return
        try:
            reply = _handle(runs, header)
        except Exception as error:  # noqa: BLE001 - reported to the server, which falls back
            reply = {"error": f"{type(error).__name__}: {error}"[:500]}, b""
        send(connection, *reply)


# ---- the server's side

class Worker:
    """The server process's worker process and the pipe to it. `request` sends one request and
    waits for its answer (the pipe is locked meanwhile), starting the process first when there is
    none or it died. `generation` counts the processes started."""

    def __init__(self):
        self._lock = threading.Lock()
        self._process = self._connection = None
        self.generation = 0
        self._retry_at = 0.0  # time.monotonic() before which no start is tried after a failure

    @property
    def pid(self):
        process = self._process
        return process.pid if process is not None else None

    def request(self, header, data=b"", generation=None):
        """The answer (header, bytes) to a request; the answer's header carries the worker's
        `generation`. With `generation`, only that worker may answer: WorkerFailure if it has
        gone (its runs with it). WorkerFailure too when no worker can be started, it dies or
        does not answer within REPLY_SECONDS (it is then stopped), or it could not do the run."""
        with self._lock:
            if generation is not None and (generation != self.generation or not self._alive()):
                raise WorkerFailure("the worker that held this run has gone")
            connection = self._started()
            try:
                send(connection, header, data)
                if not connection.poll(REPLY_SECONDS):
                    raise WorkerFailure(f"the worker did not answer within {REPLY_SECONDS:.0f} s")
                reply, data = receive(connection)
            except WorkerFailure:
                self._stop()
                raise
            except Exception as error:  # the pipe broke: the worker died
                self._stop()
                raise WorkerFailure(f"the worker has gone ({type(error).__name__})") from error
            except BaseException:  # the answer is still due: the pipe is out of step
                self._stop()
                raise
            generation = self.generation
        if "error" in reply:
            raise WorkerFailure(f"the worker could not do this run: {reply['error']}")
        reply["generation"] = generation
        return reply, data

    def stop(self):
        with self._lock:
            self._stop()

    def _alive(self):
        return self._process is not None and self._process.is_alive()

    def _started(self):
        if self._alive():
            return self._connection
        if self._process is not None:
            _log().warning("the worker process (pid %s) has gone (exit code %s); starting "
                           "another", self._process.pid, self._process.exitcode)
            self._stop()
        if time.monotonic() < self._retry_at:
            raise WorkerFailure("no worker: the last start failed")
        try:
            self._start()
        except Exception as error:
            self._stop()
            self._retry_at = time.monotonic() + RETRY_SECONDS
            _log().warning("could not start the worker process (%s: %s); computing in the "
                           "server process, trying again in %.0f s at the earliest",
                           type(error).__name__, error, RETRY_SECONDS)
            raise WorkerFailure(f"no worker: {error}") from error
        return self._connection

    def _start(self):
        context = multiprocessing.get_context("spawn")
        mine, theirs = context.Pipe()
        self._connection = mine
        try:
            self._process = _spawn(context, theirs)
        finally:
            theirs.close()  # the worker's end lives in the worker only: its exit closes the pipe
        send(mine, {"op": "hello"})
        if not mine.poll(START_SECONDS):
            raise TimeoutError(f"no answer within {START_SECONDS:.0f} s")
        receive(mine)
        self.generation += 1
        _log().info("worker process started (pid %s)", self._process.pid)

    def _stop(self):
        process, connection = self._process, self._connection
        self._process = self._connection = None
        if connection is not None:
            connection.close()
        if process is not None and process.pid is not None:  # started
            if process.is_alive():
                process.kill()
            process.join(5)


def _spawn(context, connection):
    """The worker process, started with `connection` as its end of the pipe.

    multiprocessing's spawn prepares the child by running the parent's __main__ module again
    (unless it was run with -m), and in a Streamlit server __main__ is the module of the last
    script run (Streamlit puts each run's there, with the script's __file__): the child would run
    the app. So this start leaves __main__ out of what the child is told to prepare
    (`spawn.get_preparation_data`, called while the process starts); the worker needs nothing
    of it, `serve` comes from this module. Swapping sys.modules["__main__"] instead is not
    enough: under load a script run puts its own there again during the start."""
    original = spawn.get_preparation_data

    def without_main(name):
        data = original(name)
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
        return data
    process = context.Process(target=serve, args=(connection,), daemon=True, name="rnn-worker")
    with _SPAWNING:
        spawn.get_preparation_data = without_main
        try:
            process.start()
        finally:
            spawn.get_preparation_data = original
    return process


_SPAWNING = threading.Lock()  # one start at a time changes multiprocessing.spawn
_WORKER = Worker()  # the process's one worker (not a st.cache_resource: Streamlit stays out of
# the worker process, which imports this module, and clearing Streamlit's caches leaves it be)
_RUN_IDS = itertools.count(1)


def in_use():
    """The server process's Worker, or None when the setting computes in the server."""
    return _WORKER if enabled() else None


class RemoteTraining:
    """A training computed in the worker, with Training's attributes that a page reads."""

    def __init__(self, config, worker):
        self.config, self._worker = config, worker
        self._id = next(_RUN_IDS)
        self._generation = None  # the worker's, once it holds the run
        self._errors = np.empty(config.iterations)  # (iterations,) the errors received so far
        self.iteration, self.status, self.seconds = 0, "running", 0.0
        self._finished = False

    @property
    def done(self):
        return self.status != "running"

    @property
    def errors(self):
        return self._errors[:self.iteration]

    def run(self, count):
        header = {"op": "train", "run": self._id, "count": int(count)}
        if self._generation is None:
            header["config"] = self.config.as_dict()
        reply, data = self._request(header)
        new = np.frombuffer(data, dtype=ERRORS)
        start, end = self.iteration, reply["iteration"]
        if len(new) != end - start:
            raise WorkerFailure(f"{len(new)} errors for iterations {start} to {end}")
        self._errors[start:end] = new
        self.iteration, self.status, self.seconds = end, reply["status"], reply["seconds"]
        return end - start

    def score(self, progress=None):
        """(TrainResult, Curve) of the finished run: its curve scored one score per request,
        `progress()` called between them as accuracy_curve calls it."""
        while True:
            reply, data = self._request({"op": "score", "run": self._id})
            if reply["finished"]:
                self._finished = True
                return _decoded(archive.loads_model, data)
            if progress is not None:
                progress()

    def close(self):
        """Make the worker forget the run, unless it has or has gone."""
        if self._generation is not None and not self._finished:
            self._finished = True
            try:
                self._worker.request({"op": "discard", "run": self._id},
                                     generation=self._generation)
            except WorkerFailure:
                pass  # the worker and its runs have gone

    def _request(self, header):
        reply, data = self._worker.request(header, generation=self._generation)
        self._generation = reply["generation"]
        return reply, data


class LiveTraining:
    """A training that a page advances turn by turn, as `rnn.training.Training`: `run(count)`,
    `config`, `iteration`, `status`, `done`, `errors` (a copy kept here), `seconds` (of
    computing); then `score(progress)` gives the TrainResult and its Curve, and `close()`, in a
    `finally`, frees what the run holds. It computes in the worker when the setting says so
    (`worker`: the Worker, or None for this process); when the worker fails, it logs that and
    starts over in this process."""

    def __init__(self, config, worker=None):
        self.config = config
        self._training = RemoteTraining(config, worker) if worker else Training(config)
        self._count = 1  # the last count asked for: the chunk of a catch-up after a failure

    @property
    def iteration(self):
        return self._training.iteration

    @property
    def status(self):
        return self._training.status

    @property
    def done(self):
        return self._training.done

    @property
    def errors(self):
        return self._training.errors

    @property
    def seconds(self):
        return self._training.seconds

    def run(self, count):
        self._count = count
        try:
            return self._training.run(count)
        except WorkerFailure as failure:
            self._start_over(failure)
            return self._training.run(count)

    def score(self, progress=None):
        if isinstance(self._training, RemoteTraining):
            try:
                return self._training.score(progress)
            except WorkerFailure as failure:
                self._start_over(failure)
                while not self._training.done:  # trained again in turns, from the start
                    self._training.run(self._count)
                    if progress is not None:
                        progress()
        result = self._training.result()
        return result, accuracy_curve(result, progress=progress)

    def close(self):
        if isinstance(self._training, RemoteTraining):
            self._training.close()

    def _start_over(self, failure):
        _log().warning("%s; training again in this process, from the start: %s", failure,
                       self.config)
        self._training.close()
        self._training = Training(self.config)


def trained(config, worker=None):
    """(TrainResult, Curve, seconds of training) of `config`, trained and scored in one go with
    nothing drawn: in `worker` (a Worker; None: in this process), or here if it fails. The
    server's warm-up (streamlit_app.py) calls it before the pages are loaded, so that the worker
    trains while the server imports them: this function needs NumPy and rnn only."""
    training = LiveTraining(config, worker)
    try:
        while not training.done:
            training.run(config.iterations)
        result, curve = training.score()
    finally:
        training.close()
    return result, curve, training.seconds


def run_sweep(configs, progress=None, chunk=500, worker=None):
    """`rnn.sweep.run_sweep(configs, progress, chunk)`, computed in `worker` (a Worker; None: in
    this process) one chunk per request, `progress(done, total)` called here between them; if
    the worker fails, logged and run again in this process from the start."""
    if worker is None:
        return run_sweep_here(configs, progress, chunk)
    configs, key = list(configs), next(_RUN_IDS)
    header = {"op": "sweep", "run": key, "configs": [c.as_dict() for c in configs],
              "chunk": int(chunk)}
    generation, finished = None, False
    try:
        while True:
            reply, data = worker.request(header, generation=generation)
            generation, header = reply["generation"], {"op": "sweep", "run": key}
            if reply["finished"]:
                finished = True
                return _decoded(archive.loads_sweep, data)
            if progress is not None and progress(*reply["progress"]) is False:
                return None
    except WorkerFailure as failure:
        _log().warning("%s; running this sweep again in this process, from the start: %s",
                       failure, configs[0])
        finished = True  # nothing left in the worker to forget
        return run_sweep_here(configs, progress, chunk)
    finally:
        if generation is not None and not finished:
            try:
                worker.request({"op": "discard", "run": key}, generation=generation)
            except WorkerFailure:
                pass


def _decoded(load, data):
    try:
        return load(data)
    except archive.ArchiveError as error:
        raise WorkerFailure(f"the worker's result could not be read: {error}") from error
