"""A worker process: `python -m compute.worker FD`, started by compute.pool, computes the tasks it
is sent over the socket FD, one at a time, and answers each.

It speaks over a multiprocessing.connection.Connection (the standard library's framing and
pickling, as between the processes of a multiprocessing pool): each request is (task name,
arguments), each answer ("ok", value, seconds) or ("error", a one-line text). It computes only the
tasks of compute.tasks. It ends when the server's end of the socket closes (the server stopped or
died), and of itself, after answering, once its memory has grown past MAX_RSS_MIB (the answer
says so, and the pool starts a fresh one): so a worker never keeps what a big job made it
allocate.

It runs at a lower priority than the server (NICE), which draws every visitor's pages, ignores
Ctrl+C (the terminal's Ctrl+C is the server's to handle; the server's exit ends this process),
and imports NumPy and rnn, never Streamlit.
"""
import os
import resource
import signal
import sys
import time
from multiprocessing.connection import Connection

from compute.tasks import compute, hello, name_of

NICE = 5  # added to the worker's niceness: the server's own work goes first on a busy machine
HELLO = name_of(hello)  # the first request: the pool asks whether the worker has started
MAX_RSS_MIB = float(os.environ.get("RNN_WORKER_MAX_MIB", 150))  # a worker whose peak memory
# passes this many MiB retires after its answer (the setting is for tests and small hosts)


def peak_mib():
    """This process's own peak resident memory, MiB: Linux's VmHWM, the high-water mark of this
    program's memory. Not getrusage's ru_maxrss: Linux carries that across exec, so a worker
    started by a server of 300 MiB would read 300 from its first answer and retire after every
    one. Elsewhere (no /proc) ru_maxrss is the only figure there is (macOS counts it in bytes)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 2**10  # in kB
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def answer(name, args):
    """The answer to one request."""
    started = time.perf_counter()
    try:
        value = compute(name, args)
    except Exception as error:  # noqa: BLE001 - sent back, the server decides
        return ("error", f"{type(error).__name__}: {error}"[:500])
    return ("ok", value, time.perf_counter() - started)


def serve(connection):
    while True:
        try:
            name, args = connection.recv()
        except (EOFError, OSError):
            return
        reply = answer(name, args)
        retiring = name != HELLO and peak_mib() > MAX_RSS_MIB  # (not as it starts: a bound
        # below a fresh worker's size would have it retire for ever)
        try:
            connection.send((*reply, retiring) if reply[0] == "ok" else reply)
        except (OSError, ValueError):
            return
        if retiring:
            return


def main(argv):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        os.nice(NICE)
    except OSError:
        pass
    serve(Connection(int(argv[1])))


if __name__ == "__main__":
    main(sys.argv)
