"""The worker processes and the threads that feed them: every step of every job is computed here.

`Pool(size, scheduler)` keeps `size` worker processes (compute.worker), one per slot, and one
thread per slot that takes the next request from the scheduler, sends it to its worker and sets
the request's Future with the answer. Size 0 computes in this process instead, one request at a
time (the tests' reference, and a machine where no process can be started).

With `quick`, one more slot and worker take only the requests of quick jobs (a calculator's
answer, a walk, one analysis: compute.scheduler's `is_quick`): with every other worker inside a
step of a training, such a request would wait for the end of one (up to a few tenths of a second
in a class); the quick worker waits for it instead, idle most of the time.

A slot that takes a step of a training takes the waiting steps of other trainings of the same
hidden size and width with it (compute.scheduler's `take_alike`, at most TOGETHER_LIMIT) and has
its worker compute them in one call (rnn.batch.advance_together), each its own Segment.

A worker that is lost is killed and replaced: one that has gone (killed, out of memory) or whose
socket broke, one that has not answered within CALL_SECONDS without computing meanwhile (frozen:
stopped, or its CPU time, read from /proc, stood still; on a busy machine a worker that computes
slowly is waited for), and one that has not answered within MAX_CALL_SECONDS at all. The request
it held goes back in line, first, and another worker computes it: steps are pure functions of
their arguments, so nothing is lost but the time. A request whose workers were lost
MAX_ATTEMPTS times fails with WorkerLost. An idle worker is looked at every second (Linux's
/proc): one that has ended or is stopped is replaced before a request finds it so. A worker that
cannot start within START_SECONDS is logged; its slot computes in this process until a start
succeeds (tried again after RETRY_SECONDS).

Why not concurrent.futures.ProcessPoolExecutor: it starts its processes with multiprocessing,
whose "spawn" start runs the parent's __main__ module again in the child, and in a Streamlit
server __main__ is the page script being run, so every worker would run the app; "fork" copies a
threaded server. It also cannot replace one frozen worker (it can only break the whole pool), nor
name the process a request is on. A worker started as `python -m compute.worker` imports only
what it needs; a socket pair and multiprocessing.connection's Connection carry the requests.
"""
import logging
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

from compute import tasks

CALL_SECONDS = 5.0  # a worker that has neither answered nor computed for this long is frozen
# (steps take about 0.05 s, the longest single tasks well under a second)
MAX_CALL_SECONDS = 60.0  # ... and one that is computing still but has not answered after this
START_SECONDS = 30.0  # a new worker must answer its first request within this (it loads NumPy)
RETRY_SECONDS = 30.0  # after a failed start, the slot computes here this long before trying again
MAX_ATTEMPTS = 3  # workers a request may lose before it fails
TOGETHER_LIMIT = 8  # steps of trainings computed in one call at most (rnn.batch: 8 trainings of
# 16 units side by side cost 4 times less than in turns, and one such call about 0.2 s)
# one BLAS thread per worker: the net's matrices are small, the pool already has a process per
# core, and OpenBLAS's own threads only wait for each other (a 64-unit training took 2.1 s of
# wall time with them, 1.5 s without, to the same bits)
WORKER_ENVIRONMENT = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
ROOT = Path(__file__).resolve().parents[1]  # where `python -m compute.worker` finds the package
LOG = logging.getLogger(__name__)


def _key(request):
    """Which requests one call may compute together (compute.tasks.together_key)."""
    return tasks.together_key(request.task, request.args)


def _started(request):
    """Mark `request` as being computed; False when its caller has stopped waiting."""
    if not request.started:
        if not request.future.set_running_or_notify_cancel():
            return False
        request.started = True
    return True


class WorkerLost(Exception):
    """A worker froze, died or broke its socket while computing a request."""


class TaskFailed(Exception):
    """The task raised in the worker (the text is the worker's one line), or gave a value of the
    wrong type."""


class WorkerProcess:
    """One `python -m compute.worker` process and the connection to it."""

    def __init__(self, seconds=CALL_SECONDS):
        mine, theirs = socket.socketpair()
        # a frozen worker reads nothing: a blocking write to a full socket, or a read of a
        # message it stopped half way, gives up after `seconds` (an OSError: the worker is lost)
        timeout = struct.pack("ll", int(seconds), int(seconds % 1 * 1e6))
        for option in (socket.SO_SNDTIMEO, socket.SO_RCVTIMEO):
            mine.setsockopt(socket.SOL_SOCKET, option, timeout)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "compute.worker", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),), cwd=ROOT, stdin=subprocess.DEVNULL,
                start_new_session=True, env={**os.environ, **WORKER_ENVIRONMENT})
        finally:
            theirs.close()
        self.connection = Connection(mine.detach())
        self.calls = 0

    @property
    def pid(self):
        return self.process.pid

    def call(self, name, args, seconds):
        """(value, seconds computing, retiring) of task `name`; WorkerLost when the worker has
        gone, or has not answered within `seconds` without computing meanwhile (frozen), or has
        not answered within MAX_CALL_SECONDS at all; TaskFailed when the task raised."""
        try:
            self.connection.send((name, args))
            ticks, give_up = self.cpu_ticks(), time.monotonic() + MAX_CALL_SECONDS
            while not self.connection.poll(seconds):
                now = self.cpu_ticks()
                if now is None or now == ticks or time.monotonic() > give_up:
                    raise WorkerLost(f"worker {self.pid} did not answer {name} within "
                                     f"{seconds:.0f} s" + (", nor computed" if now == ticks
                                                            else ""))
                ticks = now  # slow (a busy machine), not frozen: it computed meanwhile
            reply = self.connection.recv()
        except (EOFError, OSError) as error:
            raise WorkerLost(f"worker {self.pid} has gone ({type(error).__name__})") from error
        self.calls += 1
        if not isinstance(reply, tuple) or not reply:
            raise WorkerLost(f"worker {self.pid} answered {type(reply).__name__}")
        if reply[0] == "error" and len(reply) == 2:
            raise TaskFailed(str(reply[1])[:500])
        if reply[0] != "ok" or len(reply) != 4:
            raise WorkerLost(f"worker {self.pid} answered out of turn")
        _, value, spent, retiring = reply
        try:
            return tasks.checked(name, value), float(spent), bool(retiring)
        except (TypeError, ValueError) as error:
            raise TaskFailed(str(error)) from error

    def cpu_ticks(self):
        """The CPU time the process has used, in clock ticks (Linux's /proc); None where that
        cannot be read (then a worker that is late counts as frozen)."""
        try:
            with open(f"/proc/{self.pid}/stat", "rb") as stat:
                fields = stat.read().rpartition(b")")[2].split()
        except OSError:
            return None
        if fields[0] in (b"T", b"t", b"Z"):  # stopped (SIGSTOP, a debugger) or dead
            return None
        return int(fields[11]) + int(fields[12])

    def gone(self):
        """Whether the process has ended or is stopped (SIGSTOP, a debugger), as Linux's /proc
        tells; False where that cannot be read (then only a call finds out)."""
        if self.process.poll() is not None:
            return True
        try:
            with open(f"/proc/{self.pid}/stat", "rb") as stat:
                state = stat.read().rpartition(b")")[2].split()[0]
        except (OSError, IndexError):
            return False
        return state in (b"T", b"t", b"Z")

    def stop(self):
        """Kill the process (a frozen one too: SIGKILL needs no answer) and close the socket."""
        try:
            self.connection.close()
        except OSError:
            pass
        if self.process.poll() is None:
            try:
                os.kill(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            LOG.warning("worker %s did not end after SIGKILL", self.pid)


class Slot:
    """One place in the pool: its worker process (None: none running), the thread that feeds it.
    A quick slot takes only requests of quick jobs (compute.scheduler's `is_quick`)."""

    def __init__(self, index, quick=False):
        self.index, self.quick = index, quick
        self.worker = None
        self.local_until = 0.0  # time.monotonic() before which this slot computes here
        self.busy = False


class Pool:
    def __init__(self, size, scheduler, call_seconds=CALL_SECONDS, start_seconds=START_SECONDS,
                 quick=False):
        self.size, self.scheduler = size, scheduler
        self.call_seconds, self.start_seconds = call_seconds, start_seconds
        self.slots = [Slot(i) for i in range(max(1, size))]
        if quick and size > 0:
            self.slots.append(Slot(len(self.slots), quick=True))
        self.started_workers = 0  # processes started so far
        self.lost_workers = 0  # processes lost (frozen, dead) so far
        self.together = 0  # steps computed in a call with others (tasks.TOGETHER) so far
        self._threads = []
        self._closed = False

    @property
    def local(self):
        """Whether the pool computes in this process (size 0)."""
        return self.size == 0

    def start(self):
        """Start the slots' threads; each starts its worker process at once."""
        for slot in self.slots:
            thread = threading.Thread(target=self._serve, args=(slot,), daemon=True,
                                      name=f"compute-slot-{slot.index}")
            thread.start()
            self._threads.append(thread)
        return self

    def pids(self):
        """The worker processes running now."""
        return [slot.worker.pid for slot in self.slots if slot.worker is not None]

    def close(self):
        self._closed = True
        self.scheduler.shut()
        for thread in self._threads:
            thread.join(10)
        for slot in self.slots:
            if slot.worker is not None:
                slot.worker.stop()
                slot.worker = None

    def _serve(self, slot):
        if not self.local:
            self._ensure_worker(slot)
        while not self._closed:
            request = self.scheduler.take(timeout=1.0, quick=slot.quick)
            if request is None:
                if slot.worker is not None and slot.worker.gone():  # idle, and lost meanwhile
                    self._lose(slot, WorkerLost(f"worker {slot.worker.pid} stopped or ended "
                                                f"while idle"), idle=True)
                    self._ensure_worker(slot)
                continue
            alike = [] if slot.quick else self.scheduler.take_alike(_key, _key(request),
                                                                    TOGETHER_LIMIT - 1)
            requests = [r for r in [request, *alike] if _started(r)]
            if not requests:
                continue  # their callers stopped waiting
            slot.busy = True
            try:
                self._compute(slot, requests)
            finally:
                slot.busy = False

    def _compute(self, slot, requests):
        """Compute `requests`: one alone, or several steps of trainings in one call of
        tasks.TOGETHER (same hidden size and width, `_key`)."""
        worker = None if self.local else self._ensure_worker(slot)
        name, args = requests[0].task, requests[0].args
        if len(requests) > 1:
            name, args = tasks.TOGETHER, ([r.args for r in requests],)
            self.together += len(requests)
        try:
            if worker is None:
                started = time.perf_counter()
                value = tasks.checked(name, tasks.compute(name, args))
                spent, retiring = time.perf_counter() - started, False
            else:
                value, spent, retiring = worker.call(name, args, self.call_seconds)
            values = [value] if len(requests) == 1 else value
            if len(values) != len(requests):
                raise TaskFailed(f"{name} gave {len(values)} values for {len(requests)} steps")
        except WorkerLost as lost:
            self._lose(slot, lost)
            for request in requests:  # back in line first (another worker may be free), then a
                request.attempts += 1
                if request.attempts >= MAX_ATTEMPTS or not self.scheduler.requeue(request):
                    request.future.set_exception(lost)
            if not self._closed:  # new worker for this slot
                self._ensure_worker(slot)
            return
        except TaskFailed as failure:
            for request in requests:
                request.future.set_exception(failure)
            return
        except Exception as error:  # noqa: BLE001 - a task computed here raised
            for request in requests:
                request.future.set_exception(TaskFailed(f"{type(error).__name__}: {error}"[:500]))
            return
        shares = [1.0] if len(values) == 1 else [len(v.errors) for v in values]
        for request, value, share in zip(requests, values, shares):
            self.scheduler.given(request.job, spent * share / max(1, sum(shares)))
            request.future.set_result(value)
        if retiring:
            LOG.info("worker %s retires (peak memory over its bound); starting another",
                     worker.pid)
            worker.stop()
            slot.worker = None
            self._ensure_worker(slot)

    def _ensure_worker(self, slot):
        """The slot's worker, started if there is none; None when this slot computes here."""
        if slot.worker is not None:
            return slot.worker
        if time.monotonic() < slot.local_until:
            return None
        try:
            worker = WorkerProcess(self.call_seconds)
        except OSError as error:
            return self._start_failed(slot, error)
        try:
            worker.call(tasks.name_of(tasks.hello), (), self.start_seconds)
        except (WorkerLost, TaskFailed) as error:
            worker.stop()
            return self._start_failed(slot, error)
        self.started_workers += 1
        slot.worker = worker
        LOG.info("worker %s started (slot %d)", worker.pid, slot.index)
        return worker

    def _start_failed(self, slot, error):
        slot.local_until = time.monotonic() + RETRY_SECONDS
        LOG.warning("could not start a worker process (%s); slot %d computes in the server "
                    "process for %.0f s", error, slot.index, RETRY_SECONDS)
        return None

    def _lose(self, slot, lost, idle=False):
        self.lost_workers += 1
        LOG.warning("%s; it is replaced" + ("" if idle else " and its request computed again"),
                    lost)
        if slot.worker is not None:
            slot.worker.stop()
            slot.worker = None

