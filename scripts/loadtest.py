"""Load test: many sessions on one app server at once, on loopback only.

    .venv/bin/python scripts/loadtest.py [--sessions 20] [--rounds 10]
    .venv/bin/python scripts/loadtest.py --hostile      # 10 ordinary visitors, then again
                                                        # beside three hostile ones
    .venv/bin/python scripts/loadtest.py --servers 2 --redis   # the sessions split between two
                                                        # replicas that share one Redis
    .venv/bin/python scripts/loadtest.py --class        # a class opens the teacher's link:
                                                        # 60 sessions, 40 students, 20 explorers
    .venv/bin/python scripts/loadtest.py --cookieless   # an ordinary visitor alone, then beside
                                                        # 20 cookieless largest runs, twice
    .venv/bin/python scripts/loadtest.py --freeze       # 6 trainings, then 6 with a worker
                                                        # stopped (SIGSTOP)
    .venv/bin/python scripts/loadtest.py --memory [--runs 80]   # the largest runs one after
                                                        # another, memory sampled

Serves the app with `streamlit run` on a free local port and opens `--sessions` sessions at the
same moment. Each session speaks Streamlit's own websocket protocol (the BackMsg / ForwardMsg
protobufs a browser sends and receives), so the server does exactly the work it does for a
browser, while this machine's two cores are not spent drawing twenty pages: half the sessions
train a configuration nobody else asks for (each its own seed, 20,000 iterations), half use the
calculator with the default model, typing a new operand `--rounds` times and timing each answer.
Every session is a browser of its own: it carries the `_streamlit_xsrf` cookie a browser gets as
its page loads (the app counts a session without one as its client address, so cookieless
sessions on loopback would all be one visitor). It samples the memory (RSS) of the server and of
its workers (its descendant processes) throughout, with psutil, and prints how many sessions
finished, how many saw an error, the calculator's answer times, the training times, and the
memory of the server, of the workers and of both (start / peak / end). Bounded: every wait has a
timeout and the run stops by itself.

With `--servers N` it serves N replicas and sends session i to replica i mod N (each replica's
first visitor loads the default model); with `--redis` as well they share their trained models
through a redis-server started on loopback (RNN_REDIS_URL, see compute/shared.py), and the report
says, from each replica's log, how many models it trained and how many it read from Redis.

With `--class` (`--sessions`, default 60 here, still sets the count) it models a teacher who
shares the link with a class who open it in the same minute: all the sessions start at once on
one server, once its log says it has warmed up (trained the book's settings). Two thirds are
students, who stay on the book's settings: each (a browser with its cookie) loads the start
page, then, after a pause of 1-3 s before every action (a seeded RNG, so that runs compare),
switches to the calculator, types a new minuend 1 to 3 times, switches to the backprop or the
insight page and back to the calculator (4 to 6 actions). One third are explorers, each a browser
with its cookie (the same for both settings) opening the link with two settings of their own,
one after the other (8 bits, their own seed, a hidden size and iterations whose training
rnn.cost puts at 0.3-1.5 s at the book's speed). Measured, on this side of the
websocket: a calculator answer from the new operand sent to the "Net's answer" metric received;
a page switch from the rerun request to the script_finished message; a training's wait from the
request to its first turn on the work queue (the queue place the app shows above the progress
bar cleared, or, when none was shown, the bar drawn: the app shows a place only after 0.25 s in
line) and its run from there to script_finished. Reported besides: sessions finished and with an
error (an exception element, "This app has encountered an error", a websocket failure, a timeout),
the server log's trainings and error lines, the server's memory (RSS: start, warmed up, peak,
end), its workers' (its descendant processes, together) and both together (peak, end), its CPU
seconds over the class (user + system of the server and of each descendant, psutil), the
machine's busy CPU (psutil.cpu_times) and load average before and after, and the wall time. The
class stops after CLASS_DEADLINE seconds at most; the exit status is 0 only when every session
finished without an error. With `--servers N` (and `--redis`) the class is split between N
replicas, session i on replica i mod N, and each replica's log, memory and CPU are reported, with
the models it read from Redis.

With `--cookieless` it measures what sessions without a cookie do to an ordinary visitor. The app
counts such sessions as one visitor per client address, so here, all on loopback, as one. Once
the server's log says it has warmed up, an ordinary visitor (a browser with its cookie) opens the
training page with `?iterations=200&seed=<its own>`, timed from its request to the "Final
accuracy" metric received (its page drawn with the results). Then again beside 20 cookieless
sessions, each opening the training page with the largest run allowed (64 hidden units, 16 bits
and the most iterations, a multiple of 100, whose rnn.cost.job_seconds is within the app's limit,
compute.jobs.JOB_SECONDS: named by one import line), each its own seed, the ordinary visitor
asking 1 s after they start. Alone, then beside, twice; every seed differs, so nothing computed is
shared. Printed for each pair: the ordinary visitor's two figures side by side and their ratio,
and what the 20 saw: runs ended, with results, with an error, failed (a timeout, a websocket
failure), and each notice they were shown (a refusal, an alert, a toast; the place in line left
out), with how many were shown it. Then the machine's busy CPU (the server's, its workers', this
client's, other work) and load average, and the server log's trainings and errors. Each round
waits 180 s at most, and its sessions are closed as it ends.

With `--freeze` it measures a worker that stops answering. Once the server has warmed up, 6
visitors (each a browser with its cookie) open the training page at once, each with a net of its
own (8 bits, 32 hidden units, iterations whose training rnn.cost puts from 1 to 2 s): a baseline.
Then 6 more with the same settings and other seeds, and 0.5 s after they start it stops (SIGSTOP)
one worker process: a descendant of the server whose command line holds `compute.worker` (if none
does, any descendant, and it says so). Printed per visitor: its request to its results, baseline
and with the freeze, the delay, and any notice it was shown (an alert, a toast: its text). Then
the stopped process: still there (then SIGCONT and SIGKILL are sent) or ended by the server, the
worker pids (psutil) before the freeze and after, whether the server replaced it, how many of the
12 nets the server's log says it trained, and its lines that mention a worker. A stopped process
is never left behind, however the run ends.

With `--memory` it runs the largest allowed run (as `--cookieless`'s) `--runs` times (80 by
default) one after another, seeds all different (from 1000: the app takes a link's seed up to
9,999 and drops a larger one), each a new session with its own browser cookie that waits for its
results, and samples the RSS of the server and of each worker every 0.5 s from the server's start
to after the last run. Printed: the configuration, how many runs drew their results, how long
they took and how many the server's log says it trained, the peak and end RSS of the server, of
the workers together, of both, and of each worker process seen (a worker whose memory has grown
past its bound retires and is replaced), the machine's CPU and load average, and the server log's
trainings and errors.

The exit status is 0 only when every ordinary session drew what it asked for without an error.
"""
import argparse
import asyncio
import collections
import functools
import os
import random
import re
import signal
import statistics
import sys
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from compute.jobs import JOB_SECONDS as JOB_LIMIT  # noqa: E402 - the app's bound on one job
from rnn import TrainConfig, cost  # noqa: E402
from scripts.protocol import (  # noqa: E402
    TIMEOUT,
    Session,
    browser_cookie,
    connect,
    line_texts,
    timed_run,
)
from scripts.serving import start_app, stop_app  # noqa: E402

# The hostile mix: what one visitor can ask for within the app's limits (rnn.cost estimates
# each just under JOB_LIMIT of server time).
MAXIMAL_RUN = "hidden=64&bits=16&iterations=75000"
MAXIMAL_SWEEP = "hidden=64&bits=8&iterations=4500"  # 32 seeds at 64 hidden units


def rss_mib(pid):
    """The resident memory of process `pid`, MiB."""
    return psutil.Process(pid).memory_info().rss / 2**20


def workers_mib(pid):
    """The resident memory of the descendants of process `pid` (the app's workers), MiB."""
    total = 0.0
    for child in psutil.Process(pid).children(recursive=True):
        try:
            total += child.memory_info().rss / 2**20
        except psutil.NoSuchProcess:
            pass
    return total


def sample_memory(pid, samples, stop):
    """(server, workers) MiB every 0.5 s into `samples`, until `stop` is set."""
    while not stop.is_set():
        try:
            samples.append((rss_mib(pid), workers_mib(pid)))
        except psutil.NoSuchProcess:
            return
        stop.wait(0.5)


async def trainer(url, index, report, iterations=20_000):
    started = time.perf_counter()
    try:
        async with connect(url, await asyncio.to_thread(browser_cookie, url)) as socket:
            drawn, errors = await Session(socket).run(query=f"seed={1000 + index}"
                                                            f"&iterations={iterations}")
        report["errors"] += len(errors)
        if "Final accuracy" not in drawn:
            raise RuntimeError("the training page did not draw its results")
        report["train_seconds"].append(time.perf_counter() - started)
        report["finished"] += 1
    except Exception as error:  # a session that did not finish is counted, not raised
        report["failed"].append(f"trainer {index}: {error!s:.200}")


async def calculator(url, index, rounds, report):
    try:
        async with connect(url, await asyncio.to_thread(browser_cookie, url)) as socket:
            session = Session(socket)
            drawn, errors = await session.run(page="calculator")
            box = drawn["a (minuend)"]
            for step in range(rounds):
                a = 60 + (index * 17 + step * 13) % 190
                started = time.perf_counter()
                drawn, more = await session.run(page="calculator", widgets=[(box, a)])
                report["answer_seconds"].append(time.perf_counter() - started)
                errors += more
                if drawn.get("Net's answer") != f"{a - 57:,}":
                    answer = drawn.get("Net's answer")
                    raise RuntimeError(f"{a} - 57 answered {answer!r}")
                await asyncio.sleep(0.5)
        report["errors"] += len(errors)
        report["finished"] += 1
    except Exception as error:
        report["failed"].append(f"calculator {index}: {error!s:.200}")


async def drive(urls, sessions, rounds, report, iterations=20_000, hostile=False):
    """Sessions against the servers at `urls`, session i against urls[i mod len(urls)]; the
    hostile mix against the first."""
    for url in urls:
        async with connect(url) as socket:
            await Session(socket).run()  # the default model, as any first visitor would load it
    tasks = [trainer(urls[i % len(urls)], i, report, iterations) for i in range(sessions // 2)]
    tasks += [calculator(urls[i % len(urls)], i, rounds, report)
              for i in range(sessions - sessions // 2)]
    url = urls[0]
    if hostile:
        tasks += [five_tabs(url, report), maximal_sweep(url, report)]
        tasks.append(asyncio.to_thread(big_upload, url, report))
    await asyncio.gather(*tasks)


async def five_tabs(url, report):
    """One browser, five tabs, each a run at the limit (five seeds of MAXIMAL_RUN)."""
    cookie = browser_cookie(url)

    async def tab(seed):
        async with connect(url, cookie) as socket:
            drawn, errors = await Session(socket).run(query=f"{MAXIMAL_RUN}&seed={seed}")
            report["hostile"].append(f"maximal run {seed}: "
                                     f"{'trained' if 'Final accuracy' in drawn else 'refused'}")
    started = time.perf_counter()
    await asyncio.gather(*(tab(seed) for seed in range(1, 6)))
    report["hostile"].append(f"five tabs done after {time.perf_counter() - started:.1f} s")


async def maximal_sweep(url, report):
    """A visitor who runs the largest sweep the insight page offers."""
    started = time.perf_counter()
    async with connect(url, browser_cookie(url)) as socket:
        session = Session(socket)
        drawn, _ = await session.run(page="insight", query=MAXIMAL_SWEEP)
        button = drawn.get("Train these 32 nets")
        if button is None:
            report["hostile"].append("maximal sweep: not offered")
            return
        drawn, _ = await session.run(page="insight", query=MAXIMAL_SWEEP, press=button)
    share = drawn.get("Nets that got everything right", "no result")
    report["hostile"].append(f"maximal sweep: {share} after {time.perf_counter() - started:.1f} s")


def big_upload(url, report):
    """A visitor who uploads a 256-unit net to the backprop page, in a real browser."""
    import tempfile

    import numpy as np
    from playwright.sync_api import sync_playwright

    from rnn import TrainConfig, weights
    from rnn.model import init_params
    from scripts.serving import launch_chromium, wait_for_script
    params = init_params(256, np.random.RandomState(0))
    path = Path(tempfile.mkdtemp()) / "big.npz"
    path.write_bytes(weights.to_npz_bytes(params, TrainConfig(hidden=256)))
    started = time.perf_counter()
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page()
        page.goto(f"{url}/backprop", timeout=TIMEOUT * 1000)
        wait_for_script(page)
        page.locator("input[type='file']").first.set_input_files(str(path))
        page.get_by_text("Using the uploaded weights (256 hidden units").first.wait_for(
            state="attached", timeout=TIMEOUT * 1000)
        wait_for_script(page)
        browser.close()
    report["hostile"].append(f"256-unit upload on the backprop page: drawn after "
                             f"{time.perf_counter() - started:.1f} s")


# ---- class mode (--class): a teacher shares the link and a class opens it in the same minute ----

CLASS_SESSIONS = 60  # the default of --sessions in class mode: 2/3 students, 1/3 explorers
CLASS_SEED = 2026  # seeds the think times, the students' choices and the explorers' settings
CLASS_DEADLINE = 300  # s from the class's start: every session stops by then (a timeout)
THINK_SECONDS = (1.0, 3.0)  # a pause before each action
WARM_UP_TIMEOUT = 90  # s for the server's log to say that the default net is warmed up
EXPLORER_HIDDEN = (8, 12, 16, 24, 32)
EXPLORER_ITERATIONS = (15_000, 20_000, 25_000, 30_000, 40_000)
EXPLORER_TRAINING = (0.3, 1.5)  # s of CPU per training at the book's speed (rnn.cost's estimate)


class ClassSession(Session):
    """A session of the class: its websocket, what the app shows while waiting in line, and the
    report it adds to."""

    def __init__(self, socket, report, who):
        super().__init__(socket)
        self.line_texts, self.report, self.who = report["line_texts"], report, who

    async def visit(self, deadline, page="", query="", widgets=()):
        visit = await timed_run(self, deadline, page, query, widgets)
        for error in visit.errors:
            self.report["shown"].append(f"{self.who}, page {page or 'start'!r}: {error}")
            self.report["bad"].add(self.who)
        return visit


async def think(rng, deadline):
    pause = rng.uniform(*THINK_SECONDS)
    if time.perf_counter() + pause > deadline:
        raise TimeoutError("timeout: the class run's deadline came during a pause")
    await asyncio.sleep(pause)


async def student(url, index, report, deadline):
    """Opens the link (the start page, the book's settings), switches to the calculator, types
    a new minuend 1 to 3 times, looks at the backprop or the insight page, comes back to the
    calculator: 4 to 6 actions after the first load, each after a think pause."""
    rng = random.Random(f"{CLASS_SEED} student {index}")
    who = f"student {index}"
    try:
        cookie = await asyncio.to_thread(browser_cookie, url)  # a browser loads the page first
        async with connect(url, cookie) as socket:
            session = ClassSession(socket, report, who)
            visit = await session.visit(deadline)
            report["first_load"].append(visit.seconds)
            if "Final accuracy" not in visit.drawn:
                raise RuntimeError("the start page did not draw the default net's results")
            other = rng.choice(["backprop", "insight"])
            plan = (["calculator"] + ["type"] * rng.choice([1, 2, 2, 3]) + [other, "calculator"])
            box = None
            for action in plan:
                await think(rng, deadline)
                if action != "type":
                    visit = await session.visit(deadline, page=action)
                    report["switch"].append((action, visit.seconds))
                    if action == "calculator":  # (the other pages have an "a" box too)
                        box = visit.drawn.get("a (minuend)")
                    continue
                if box is None:
                    raise RuntimeError("the calculator drew no box for a")
                a = rng.randint(60, 250)
                visit = await session.visit(deadline, page="calculator", widgets=[(box, a)])
                shown = visit.drawn.get("Net's answer")
                if shown != f"{a - 57:,}":
                    raise RuntimeError(f"{a} - 57 answered {shown!r}")
                report["answer"].append(visit.since(visit.seen["Net's answer"]))
        report["finished"][0] += 1
        report["done"].add(who)
    except Exception as error:  # a session that did not finish is counted, not raised
        report["failed"].append(f"{who}: {type(error).__name__}: {error!s:.200}")
        report["bad"].add(who)


def explorer_configs(count, rng):
    """Two settings for each of `count` explorers, 8 bits, none asked for twice nor the book's:
    each its own seed, a hidden size and iterations whose training rnn.cost puts within
    EXPLORER_TRAINING seconds at the book's speed."""
    choices = [(hidden, iterations) for hidden in EXPLORER_HIDDEN
               for iterations in EXPLORER_ITERATIONS
               if EXPLORER_TRAINING[0] <= cost.training_seconds(TrainConfig(
                   hidden=hidden, iterations=iterations)) <= EXPLORER_TRAINING[1]]
    configs, seen = [], {TrainConfig()}
    for index in range(count):
        pair = []
        for first in (True, False):
            hidden, iterations = rng.choice(choices)
            config = TrainConfig(seed=100 + 2 * index + (0 if first else 1), bits=8,
                                 hidden=hidden, iterations=iterations)
            assert config not in seen
            seen.add(config)
            pair.append(config)
        configs.append(pair)
    return configs


async def explorer(url, index, configs, report, deadline):
    """Opens the link with settings of their own (URL query parameters, as trainer() does),
    waits for the trained page, thinks, then opens it with their second settings."""
    rng = random.Random(f"{CLASS_SEED} explorer {index}")
    who = f"explorer {index}"
    try:
        cookie = await asyncio.to_thread(browser_cookie, url)  # one browser for both settings
        for number, config in enumerate(configs):
            if number:
                await think(rng, deadline)
            query = f"seed={config.seed}&hidden={config.hidden}&iterations={config.iterations}"
            async with connect(url, cookie) as socket:
                visit = await ClassSession(socket, report, who).visit(deadline, query=query)
            if "Final accuracy" not in visit.drawn:
                raise RuntimeError(f"the training page of {query} did not draw its results")
            start = visit.training_start()
            report["trainings"].append({
                "total": visit.seconds, "wait": visit.since(start),
                "run": None if start is None else visit.finished - start,
                "in_line": visit.in_line, "lined_up": visit.lined_up_at is not None,
                "estimate": cost.training_seconds(config), "config": config,
                "asked": visit.started - report["class_start"]})
        report["finished"][1] += 1
        report["done"].add(who)
    except Exception as error:
        report["failed"].append(f"{who}: {type(error).__name__}: {error!s:.200}")
        report["bad"].add(who)


async def class_run(urls, sessions, report):
    """All the class's sessions at once, every third an explorer, session i against replica
    urls[i mod len(urls)]; they stop by CLASS_DEADLINE."""
    explorers = sessions // 3
    configs = explorer_configs(explorers, random.Random(f"{CLASS_SEED} settings"))
    report["class_start"] = time.perf_counter()
    deadline = report["class_start"] + CLASS_DEADLINE
    tasks, students = [], 0
    for i in range(sessions):
        url = urls[i % len(urls)]
        if i % 3 == 2 and i // 3 < explorers:
            tasks.append(explorer(url, i // 3, configs[i // 3], report, deadline))
        else:
            tasks.append(student(url, students, report, deadline))
            students += 1
    try:  # a last guard: each wait is bounded by the deadline already
        await asyncio.wait_for(asyncio.gather(*tasks), CLASS_DEADLINE + 30)
    except asyncio.TimeoutError:
        report["failed"].append("the class run was stopped at its deadline")


class ServerWatch(threading.Thread):
    """Samples a server process every 0.5 s (psutil): its memory (RSS, MiB: `memory`), each
    descendant's (the workers': `each`, {pid: MiB} a sample) and their sum (`workers`), and the
    CPU seconds of each descendant (`children`: the last seen, so a worker that has ended keeps
    what it used)."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.stop, self.memory, self.workers, self.children = \
            pid, threading.Event(), [], [], {}
        self.each = []
        self.names = {}  # descendant pid: its command line, shortened

    def run(self):
        while not self.stop.is_set():
            try:
                server = psutil.Process(self.pid)
                rss = server.memory_info().rss / 2**20
                children = server.children(recursive=True)
            except psutil.NoSuchProcess:
                return
            each, cpu = {}, {}
            for child in children:
                try:
                    with child.oneshot():
                        each[child.pid] = child.memory_info().rss / 2**20
                        times = child.cpu_times()
                except psutil.NoSuchProcess:
                    continue
                cpu[child.pid] = times.user + times.system
            self.memory.append(rss)
            self.each.append(each)
            self.workers.append(sum(each.values()))
            self.children.update(cpu)
            for child in cpu.keys() - self.names.keys():
                self.names[child] = command_line(child)
            self.stop.wait(0.5)


def command_line(pid):
    try:
        return " ".join(psutil.Process(pid).cmdline())[-70:]
    except psutil.Error:
        return "?"


def cpu_seconds(pid):
    """(user + system CPU seconds of the process, all its threads; those of its children that it
    has waited for)."""
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system, times.children_user + times.children_system


def children_cpu(pid):
    """{descendant pid: its user + system CPU seconds} of the process `pid`."""
    found = {}
    for child in psutil.Process(pid).children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.NoSuchProcess:
            continue
        found[child.pid] = times.user + times.system
    return found


def machine_busy():
    """(busy, total) CPU seconds of the whole machine since boot."""
    times = psutil.cpu_times()
    total = sum(times)
    return total - times.idle - getattr(times, "iowait", 0.0), total


def load_average():
    """The machine's load average over 1, 5 and 15 minutes (psutil)."""
    return "/".join(f"{x:.2f}" for x in psutil.getloadavg())


def wait_for_warm_up(log, timeout=WARM_UP_TIMEOUT):
    """The server's "warmed up" log line (streamlit_app.py trains the default net as it starts),
    or None after `timeout` s or a "warm-up failed" line. The server's measured speed, from its
    log, becomes this process's (`server_speed`), so that the largest run is the server's."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = Path(log).read_text(encoding="utf-8", errors="replace")
        for line in text.splitlines():
            if " warmed up in " in line:
                server_speed(text)
                return line.split(" warmed up in ", 1)[1].split(":")[0]
            if "warm-up failed" in line:
                return None
        time.sleep(0.2)
    return None


SPEED_LINE = re.compile(r" this machine takes (\d+\.\d+)x the time of ")


def server_speed(log_text):
    """Set rnn.cost's speed here to the one the server measured as it started (its log line, read
    up: the server logs three decimals and a run at the limit must stay within it); the largest
    run is then the server's. Returns it, or None (and leaves it) if the log has no such line."""
    found = SPEED_LINE.search(log_text)
    if found is None:
        return None
    cost.speed = float(found.group(1)) + 0.0005
    largest_iterations.cache_clear()
    return cost.speed


def spread(values, unit="s"):
    """n, median, 95th percentile (nearest rank below) and max."""
    values = sorted(values)
    if not values:
        return "none"
    return (f"n {len(values)}, p50 {statistics.median(values):.2f} {unit}, p95 "
            f"{values[int(0.95 * (len(values) - 1))]:.2f} {unit}, max {values[-1]:.2f} {unit}")


def measure_class(sessions, servers=1, redis=False):
    """--class: `sessions` sessions at once (students and explorers) on one server, or split
    between `servers` replicas (sharing a Redis with `redis`), then the report; 0 when every
    session finished and none saw an error."""
    explorers = sessions // 3
    students = sessions - explorers
    where = ("one server process" if servers == 1 else f"{servers} replicas" +
             (" sharing one Redis" if redis else " (nothing shared)"))
    print(f"== class: {sessions} sessions at once on {where}: {students} students "
          f"(the book's settings), {explorers} explorers (two settings of their own each); "
          f"think time {THINK_SECONDS[0]:g}-{THINK_SECONDS[1]:g} s, seed {CLASS_SEED}")
    configs = [c for pair in explorer_configs(explorers, random.Random(f"{CLASS_SEED} settings"))
               for c in pair]
    if configs:
        estimates = [cost.training_seconds(c) for c in configs]
        print(f"  explorers' settings: 8 bits, seeds {configs[0].seed}-{configs[-1].seed}, "
              f"hidden {min(c.hidden for c in configs)}-{max(c.hidden for c in configs)}, "
              f"iterations {min(c.iterations for c in configs):,}-"
              f"{max(c.iterations for c in configs):,}; rnn.cost's training estimate "
              f"{min(estimates):.2f}-{max(estimates):.2f} s each, {sum(estimates):.1f} s in all")
    load_before = load_average()
    report = {"line_texts": line_texts(), "finished": [0, 0], "failed": [], "shown": [],
              "bad": set(), "done": set(), "first_load": [], "answer": [], "switch": [],
              "trainings": []}
    redis_process, environment, apps, watches = None, None, [], []
    if redis:
        from scripts.redis_server import start_redis, stop_redis
        redis_process, redis_url = start_redis()
        environment = {**os.environ, "RNN_REDIS_URL": redis_url}
    try:
        for _ in range(servers):
            apps.append(start_app(timeout=60, env=environment))
            watches.append(ServerWatch(apps[-1][0].pid))
            watches[-1].start()
        warmed = []
        for _, url, log in apps:
            warmed.append(wait_for_warm_up(log))
            if warmed[-1] is None:  # no warm-up (an entry without one): a first visitor's load
                print(f"  no 'warmed up' line in the server log after {WARM_UP_TIMEOUT} s: "
                      f"loading the default net with one session first")
                asyncio.run(first_visit(url))
        rss_ready = [w.memory[-1] if w.memory else float("nan") for w in watches]
        load_start, own_start = load_average(), os.times()
        server_start = [cpu_seconds(process.pid) for process, _, _ in apps]
        children_start = [children_cpu(process.pid) for process, _, _ in apps]
        busy_start, started = machine_busy(), time.perf_counter()
        asyncio.run(class_run([url for _, url, _ in apps], sessions, report))
        wall = time.perf_counter() - started
        busy_end = machine_busy()
        server_end = [cpu_seconds(process.pid) for process, _, _ in apps]
        own_end, load_after = os.times(), load_average()
        time.sleep(0.6)  # one more memory sample after the class
    finally:
        for watch in watches:
            watch.stop.set()
            watch.join()
        for process, _, _ in apps:
            stop_app(process)
        if redis_process is not None:
            stop_redis(redis_process)
    finished = sum(report["finished"])
    errored = sessions - len(report["done"]) + len(report["bad"] & report["done"])
    print(f"sessions finished {finished} / {sessions} (students {report['finished'][0]} / "
          f"{students}, explorers {report['finished'][1]} / {explorers}); sessions with an "
          f"error {errored} (exception or app error shown {len(report['shown'])}, failed or "
          f"timed out {len(report['failed'])})")
    for line in (report["failed"] + report["shown"])[:20]:
        print("  " + line)
    print(f"start page load, students (request to script_finished): "
          f"{spread(report['first_load'])}")
    print(f"calculator answer (new minuend sent to the \"Net's answer\" metric received): "
          f"{spread(report['answer'])}")
    print(f"page switch (rerun request to script_finished): "
          f"{spread([s for _, s in report['switch']])}")
    for page in ("calculator", "backprop", "insight"):
        print(f"  to {page}: {spread([s for p, s in report['switch'] if p == page])}")
    print_trainings(report["trainings"])
    all_servers = 0.0
    for number, ((_, _, log), watch) in enumerate(zip(apps, watches)):
        if servers > 1:
            print(f"-- replica {number + 1}:")
        print_log(log, warmed[number])
        if redis:
            text = Path(log).read_text(encoding="utf-8", errors="replace")
            print(f"models read from Redis (trained by the other replica): "
                  f"{text.count(' model read from the shared store: ')}")
        memory = watch.memory
        if memory:
            print(f"server memory (RSS): at start {memory[0]:.0f} MiB (process up), "
                  f"{rss_ready[number]:.0f} MiB (warmed up, class starts), peak "
                  f"{max(memory):.0f} MiB, end {memory[-1]:.0f} MiB")
            both = [m + w for m, w in zip(memory, watch.workers)]
            print(f"workers' memory (RSS, all of them): peak {max(watch.workers):.0f} MiB, end "
                  f"{watch.workers[-1]:.0f} MiB; server and workers together: peak "
                  f"{max(both):.0f} MiB, end {both[-1]:.0f} MiB")
        children = {pid: seconds - children_start[number].get(pid, 0.0)
                    for pid, seconds in watch.children.items()}
        server_cpu = server_end[number][0] - server_start[number][0]
        reaped = server_end[number][1] - server_start[number][1]
        both = server_cpu + sum(children.values())
        all_servers += both
        print(f"server CPU over the class (user + system, psutil): {both:.1f} s in "
              f"{wall:.1f} s of wall time = {both / wall:.2f} cores: the server process (all its "
              f"threads) {server_cpu:.1f} s, its child processes {sum(children.values()):.1f} s "
              f"({len(children)} seen; the ended ones it waited for, children_user + "
              f"children_system: {reaped:.1f} s)")
        for child, seconds in sorted(children.items()):
            print(f"  child {child}: {seconds:.1f} s: ...{watch.names.get(child, '?')}")
    both = all_servers
    busy, total = busy_end[0] - busy_start[0], busy_end[1] - busy_start[1]
    client = own_end.user + own_end.system - own_start.user - own_start.system
    print(f"machine ({os.cpu_count()} cores, psutil): busy {busy:.1f} of {total:.1f} CPU s "
          f"over the class ({100 * busy / max(total, 1e-9):.0f} %): the server {both:.1f}, "
          f"this load test's client {client:.1f}, other work "
          f"{busy - both - client:.1f}")
    print(f"load average (1/5/15 min): before the server started {load_before}, as the class "
          f"started {load_start}, after it {load_after}")
    print(f"wall time of the class {wall:.1f} s (deadline {CLASS_DEADLINE} s)")
    return 0 if finished == sessions and not errored else 1


async def first_visit(url):
    cookie = await asyncio.to_thread(browser_cookie, url)
    async with connect(url, cookie) as socket:
        await Session(socket).run()


def print_trainings(trainings):
    split = [run for run in trainings if run["run"] is not None]
    print(f"trainings by explorers: {len(trainings)}; wait = request to the training's first "
          f"turn (the queue place cleared, or, never shown, the progress bar drawn), run = first "
          f"turn to script_finished (training in turns, scoring, the page drawn)")
    if split:
        wait, run = [r["wait"] for r in split], [r["run"] for r in split]
        print(f"  wait p50 {statistics.median(wait):.2f} s, max {max(wait):.2f} s "
              f"({sum(r['lined_up'] for r in split)} of {len(split)} were shown a queue place "
              f"first; the app shows a place only after 0.25 s in line, so a shorter wait "
              f"ends at the bar's drawing: up to 0.25 s short)")
        print(f"  run  p50 {statistics.median(run):.2f} s, max {max(run):.2f} s (of which a "
              f"queue place shown between turns: p50 "
              f"{statistics.median(r['in_line'] for r in split):.2f} s, max "
              f"{max(r['in_line'] for r in split):.2f} s)")
    if len(split) < len(trainings):
        print(f"  no clean split for {len(trainings) - len(split)} (no progress bar seen): "
              f"total only")
    if trainings:
        print("  the five longest (total, wait, run; hidden, iterations, estimate; asked at, s "
              "after the class started):")
        for r in sorted(trainings, key=lambda r: -r["total"])[:5]:
            print(f"    {r['total']:.2f} s, {r['wait'] or 0:.2f} s, {r['run'] or 0:.2f} s; "
                  f"{r['config'].hidden}, {r['config'].iterations:,}, {r['estimate']:.2f} s; "
                  f"{r['asked']:.1f} s")
        total = [r["total"] for r in trainings]
        print(f"  total (request to script_finished) p50 {statistics.median(total):.2f} s, "
              f"max {max(total):.2f} s; rnn.cost's estimate of the training alone at the book's "
              f"speed p50 {statistics.median(r['estimate'] for r in trainings):.2f} s")


def print_log(log, warmed):
    """What the server logged: trainings, their time, trainings stopped early, errors."""
    lines = Path(log).read_text(encoding="utf-8", errors="replace").splitlines()
    trained = [float(line.split(" trained in ")[1].split(" s")[0]) for line in lines
               if " trained in " in line]
    errors = [line for line in lines if any(word in line for word in (
        "Traceback", " ERROR ", "Exception", "Error:", "error:"))]
    print(f"server log: {sum(' training TrainConfig(' in line for line in lines)} trainings "
          f"begun (the warm-up's included: {'warmed up in ' + warmed if warmed else 'none'}; "
          f"a job refused logs one too), "
          f"{len(trained)} "
          f"'trained in' lines (p50 {statistics.median(trained) if trained else 0:.2f} s, max "
          f"{max(trained, default=0):.2f} s of training), "
          f"{sum('stopped early' in line for line in lines)} stopped early, "
          f"{len(errors)} error lines")
    for line in errors[:10]:
        print("  log: " + line[:300])


# ---- a hostile mix without cookies (--cookieless), a frozen worker (--freeze), memory (--memory)

LARGEST_HIDDEN, LARGEST_BITS = 64, 16  # the largest the app's settings allow (ui/settings.py)
MOST_ITERATIONS, ITERATION_STEP = 100_000, 100  # the app's iterations field: its top, its step
MAX_SEED = 9_999  # the app's seed field: a link's seed above it is dropped (the default used)
RESULTS = "Final accuracy"  # the training page's metric drawn with its results
ROUND_TIMEOUT = 180  # s: the most a round of --cookieless or --freeze, or a run of --memory, waits
HOSTILE_SESSIONS = 20  # --cookieless: sessions without a cookie, each asking for the largest run
HEAD_START = 1.0  # s from their start to the ordinary visitor's request
PAIRS = 2  # --cookieless: the ordinary visitor alone, then beside them, this many times
ORDINARY_ITERATIONS = 200
FREEZE_VISITORS = 6
FREEZE_HIDDEN, FREEZE_TRAINING = 32, (1.0, 2.0)  # their nets: 8 bits, 32 hidden units, training
# from 1 to 2 s (rnn.cost's estimate), evenly spread
FREEZE_AFTER = 0.5  # s from the visitors' start to SIGSTOP
WORKER_COMMAND = "compute.worker"  # in the command line of the app's worker processes
MEMORY_RUNS = 80
MEMORY_SEED = 1000  # --memory's runs: seeds from this one up (to MAX_SEED: 9,000 runs at most)


@functools.lru_cache(maxsize=None)
def largest_iterations(limit=JOB_LIMIT):
    """The most iterations (a multiple of ITERATION_STEP, at most MOST_ITERATIONS) of a run of
    LARGEST_HIDDEN units and LARGEST_BITS bits whose training and scoring rnn.cost puts within
    `limit` seconds: over it, the app refuses the job."""
    for iterations in range(MOST_ITERATIONS, 0, -ITERATION_STEP):
        config = TrainConfig(hidden=LARGEST_HIDDEN, bits=LARGEST_BITS, iterations=iterations)
        if cost.job_seconds(config) <= limit:
            return iterations
    raise ValueError(f"no run of {LARGEST_HIDDEN} hidden units and {LARGEST_BITS} bits is within "
                     f"{limit} s")


def largest_run(seed):
    """The largest run a visitor may ask for (largest_iterations), with its own seed."""
    return TrainConfig(seed=seed, hidden=LARGEST_HIDDEN, bits=LARGEST_BITS,
                       iterations=largest_iterations())


def describe_largest():
    config = largest_run(0)
    return (f"hidden {config.hidden}, bits {config.bits}, {config.iterations:,} iterations: "
            f"rnn.cost {cost.job_seconds(config):.2f} s of the app's {JOB_LIMIT:g} s limit at the "
            f"server's measured speed, {cost.speed:.3f}x rnn.cost's constants")


def query_of(config):
    """The link's query that opens the training page with `config` (alpha left at its default)."""
    return (f"seed={config.seed}&hidden={config.hidden}&bits={config.bits}"
            f"&iterations={config.iterations}")


def results_seconds(visit):
    """Seconds from a Visit's request to its RESULTS metric received; None if none was drawn."""
    return visit.since(visit.seen.get(RESULTS))


def notices(visit, line_texts):
    """The alerts and toasts a Visit was shown, but for its place in line (which only says that
    it waits: `line_texts`), and the errors it showed."""
    return [text for text in visit.alerts if not text.startswith(line_texts)] + visit.errors


def tally(shown):
    """[(text, how many sessions were shown it)], most shown first: `shown` holds each session's
    texts (a text shown twice to one session counts once)."""
    counts = collections.Counter(text for texts in shown for text in set(texts))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def outcome_counts(outcomes, line_texts):
    """What a group of sessions saw, each a Visit or the exception that ended it (a timeout, a
    websocket failure): {"ended": runs that ended, "results": of those, with results drawn,
    "errors": those that showed an error, "failed": exceptions, "shown": tally of notices}."""
    visits = [o for o in outcomes if not isinstance(o, BaseException)]
    return {"ended": len(visits),
            "results": sum(results_seconds(v) is not None for v in visits),
            "errors": sum(bool(v.errors) for v in visits),
            "failed": [o for o in outcomes if isinstance(o, BaseException)],
            "shown": tally(notices(v, line_texts) for v in visits)}


def trained(log_text, configs):
    """How many of `configs` the server's log says it trained ("trained in ...: <config>"): a
    run that drew results without one was not computed for its visitor (a setting of the link
    dropped, or someone else's model)."""
    done = {line.rsplit(": ", 1)[1] for line in log_text.splitlines() if " trained in " in line
            and ": " in line}
    return sum(repr(config) in done for config in configs)


def short(text, size=110):
    text = " ".join(str(text).split())
    return text if len(text) <= size else text[:size - 1] + "…"


async def visit_of(url, query, cookie, deadline, texts):
    """One session (a tab of the browser of `cookie`; None: no cookie at all) opening the training
    page with `query`, read to its script_finished: its Visit, alerts and toasts included."""
    async with connect(url, cookie) as socket:
        session = Session(socket)
        session.line_texts = texts
        return await timed_run(session, deadline, query=query)


async def bounded(awaitable, seconds):
    """`awaitable`'s value, or the TimeoutError after `seconds` (its sessions are closed)."""
    try:
        return await asyncio.wait_for(awaitable, seconds)
    except asyncio.TimeoutError:
        raise TimeoutError(f"timeout: stopped after {seconds:.0f} s") from None


class MachineShare:
    """The machine's busy CPU and load average from now to `line()`, and how much of the busy CPU
    was the server's and its descendants' (read from a running ServerWatch), the rest other work:
    this load test's client, and whatever else runs here."""

    def __init__(self, watch):
        self.watch, self.load = watch, load_average()
        self.server = cpu_seconds(watch.pid)[0]
        self.children = children_cpu(watch.pid)
        self.own = os.times()
        self.busy = machine_busy()

    def line(self):
        busy, total = (end - start for end, start in zip(machine_busy(), self.busy))
        own = os.times()
        client = own.user + own.system - self.own.user - self.own.system
        server = cpu_seconds(self.watch.pid)[0] - self.server
        seen = {**self.watch.children.copy(), **children_cpu(self.watch.pid)}  # (the ones
        # gone meanwhile at their last sample)
        workers = sum(seconds - self.children.get(pid, 0.0) for pid, seconds in seen.items())
        return (f"machine ({os.cpu_count()} cores, psutil): busy {busy:.1f} of {total:.1f} CPU s "
                f"({100 * busy / max(total, 1e-9):.0f} %): the server {server:.1f}, its workers "
                f"{workers:.1f}, this client {client:.1f}, other work "
                f"{busy - server - workers - client:.1f}; load average (1/5/15 min) before "
                f"{self.load}, after {load_average()}")


def cookieless_seeds(pair):
    """The seeds of pair `pair` (from 0) of --cookieless: (the hostile sessions', the ordinary
    visitor's alone, beside them): none shared, within a run or between runs."""
    return ([5000 + 100 * pair + i for i in range(HOSTILE_SESSIONS)],
            7000 + 2 * pair, 7000 + 2 * pair + 1)


async def cookieless_round(url, hostile_seeds, ordinary_seed, texts):
    """An ordinary visitor (its browser's cookie) asking for an ORDINARY_ITERATIONS run: alone
    (no `hostile_seeds`), or HEAD_START s after one cookieless session per hostile seed asked for
    the largest run with it. (its Visit or exception, [each hostile session's Visit or
    exception]); every session is closed when it returns."""
    deadline = time.perf_counter() + ROUND_TIMEOUT
    cookie = await asyncio.to_thread(browser_cookie, url)  # the page load, before the clock
    hostile = [asyncio.ensure_future(visit_of(url, query_of(largest_run(seed)), None, deadline,
                                              texts)) for seed in hostile_seeds]
    if hostile:
        await asyncio.sleep(HEAD_START)
    query = f"iterations={ORDINARY_ITERATIONS}&seed={ordinary_seed}"
    try:
        ordinary = await visit_of(url, query, cookie, deadline, texts)
    except Exception as error:  # counted, not raised: the hostile sessions are still read
        ordinary = error
    seen = await asyncio.gather(*hostile, return_exceptions=True)
    return ordinary, seen


def ordinary_line(visit):
    """The ordinary visitor's figure: seconds to its results, or why there is none."""
    if isinstance(visit, BaseException):
        return None, f"failed ({short(visit, 80)})"
    seconds = results_seconds(visit)
    if seconds is None:
        return None, f"no results ({short('; '.join(notices(visit, ())) or 'nothing shown', 80)})"
    return seconds, f"{seconds:.2f} s"


def measure_cookieless():
    """--cookieless: the ordinary visitor alone, then beside HOSTILE_SESSIONS cookieless sessions
    each asking for the largest run, PAIRS times; 0 when it drew its results every time."""
    print(f"== cookieless: {HOSTILE_SESSIONS} sessions without a cookie, each opening the "
          f"training page with the largest allowed run (below), each its own "
          f"seed; {HEAD_START:g} s later an ordinary visitor with a browser cookie opens it with "
          f"?iterations={ORDINARY_ITERATIONS}&seed=<its own>; timed from its request to its "
          f"\"{RESULTS}\" drawn; alone, then beside them, {PAIRS} times")
    process, url, log = start_app()
    texts, figures, status = line_texts(), [], 0
    watch = ServerWatch(process.pid)
    watch.start()
    try:
        if browser_cookie(url) is None:
            print("  the server sets no _streamlit_xsrf cookie: the ordinary visitor has none "
                  "either, so it counts as one more cookieless session")
        warmed = wait_for_warm_up(log)
        if warmed is None:
            print(f"  no 'warmed up' line in the server log after {WARM_UP_TIMEOUT} s")
        print(f"  the largest allowed run: {describe_largest()}")
        share = MachineShare(watch)
        for pair in range(PAIRS):
            hostile_seeds, alone_seed, beside_seed = cookieless_seeds(pair)
            try:
                alone, _ = asyncio.run(bounded(cookieless_round(url, (), alone_seed, texts),
                                               ROUND_TIMEOUT + 30))
                beside, seen = asyncio.run(bounded(cookieless_round(
                    url, hostile_seeds, beside_seed, texts), ROUND_TIMEOUT + 30))
            except TimeoutError as error:
                print(f"pair {pair + 1}: {error}")
                status = 1
                continue
            (a, alone_text), (b, beside_text) = ordinary_line(alone), ordinary_line(beside)
            ratio = f"{b / a:.1f}x" if a and b else "no ratio"
            figures.append((a, b))
            status |= a is None or b is None
            counts = outcome_counts(seen, texts)
            print(f"pair {pair + 1}: ordinary visitor alone {alone_text} | beside the "
                  f"{HOSTILE_SESSIONS} {beside_text} | {ratio}")
            print(f"  the {HOSTILE_SESSIONS} cookieless sessions: runs ended {counts['ended']}, "
                  f"with results {counts['results']}, with an error {counts['errors']}, failed "
                  f"(timeout, websocket) {len(counts['failed'])}")
            for text, count in counts["shown"]:
                print(f"    shown to {count}: {short(text)}")
            for error in counts["failed"][:3]:
                print(f"    failed: {type(error).__name__}: {short(error, 150)}")
            for visit in (alone, beside):
                if not isinstance(visit, BaseException) and notices(visit, texts):
                    print(f"  the ordinary visitor was shown: "
                          f"{short(' | '.join(notices(visit, texts)))}")
        print(share.line())
    finally:
        watch.stop.set()
        watch.join()
        stop_app(process)
    done = [(a, b) for a, b in figures if a and b]
    if done:
        alone, beside = ([f[i] for f in done] for i in (0, 1))
        print(f"ordinary visitor to its results, median of {len(done)}: alone "
              f"{statistics.median(alone):.2f} s | beside {statistics.median(beside):.2f} s | "
              f"{statistics.median(beside) / statistics.median(alone):.1f}x")
    print_log(log, warmed)
    return status


def freeze_configs(first_seed, count=None, hidden=FREEZE_HIDDEN, seconds=FREEZE_TRAINING):
    """`count` (None: FREEZE_VISITORS) configurations of 8 bits and `hidden` units, seeds from
    `first_seed`, whose training rnn.cost puts evenly from seconds[0] to seconds[1]: the
    iterations (a multiple of ITERATION_STEP) nearest each."""
    count = FREEZE_VISITORS if count is None else count
    per_step = cost.training_seconds(TrainConfig(bits=8, hidden=hidden,
                                                 iterations=ITERATION_STEP))
    configs = []
    for index in range(count):
        target = seconds[0] + (seconds[1] - seconds[0]) * index / max(1, count - 1)
        steps = min(MOST_ITERATIONS // ITERATION_STEP, max(1, round(target / per_step)))
        configs.append(TrainConfig(seed=first_seed + index, bits=8, hidden=hidden,
                                   iterations=steps * ITERATION_STEP))
    return configs


def descendants(pid):
    """[(pid, command line)] of the descendants of process `pid` (psutil), by pid."""
    found = []
    for child in psutil.Process(pid).children(recursive=True):
        try:
            found.append((child.pid, " ".join(child.cmdline())))
        except psutil.Error:  # gone meanwhile, or not ours to read
            continue
    return sorted(found)


def worker_pids(pid):
    """The pids of the worker processes of server `pid`: descendants running WORKER_COMMAND."""
    return [child for child, command in descendants(pid) if WORKER_COMMAND in command]


def pick_worker(found):
    """Which of `found` ([(pid, command line)]) to stop: (pid, whether it is a WORKER_COMMAND
    process): the first worker, else the first process; (None, False) when there is none."""
    for child, command in found:
        if WORKER_COMMAND in command:
            return child, True
    return (found[0][0], False) if found else (None, False)


async def freeze_round(url, configs, texts, freeze=None):
    """A visitor per configuration (each its own browser cookie), all at once; with `freeze` (a
    function), it is called FREEZE_AFTER s after they start. ([each visitor's Visit or
    exception], what `freeze` returned)."""
    cookies = [await asyncio.to_thread(browser_cookie, url) for _ in configs]
    deadline = time.perf_counter() + ROUND_TIMEOUT
    visits = [asyncio.ensure_future(visit_of(url, query_of(config), cookie, deadline, texts))
              for config, cookie in zip(configs, cookies)]
    stopped = None
    if freeze is not None:
        await asyncio.sleep(FREEZE_AFTER)
        stopped = freeze()
    return await asyncio.gather(*visits, return_exceptions=True), stopped


def visitor_figure(visit, texts):
    """(seconds to the results or None, a text: those seconds or why none, the notices shown)."""
    seconds, text = ordinary_line(visit)
    shown = [] if isinstance(visit, BaseException) else notices(visit, texts)
    return seconds, text, shown


def measure_freeze():
    """--freeze: FREEZE_VISITORS trainings at once, then the same with other seeds and one worker
    stopped (SIGSTOP) FREEZE_AFTER s after they start; 0 when every visitor got its results."""
    baseline_configs, freeze_configs_ = freeze_configs(300), freeze_configs(400)
    estimates = [cost.training_seconds(c) for c in baseline_configs]
    print(f"== freeze: {FREEZE_VISITORS} visitors at once, each its own browser cookie and 8-bit "
          f"net (hidden {FREEZE_HIDDEN}, {baseline_configs[0].iterations:,}-"
          f"{baseline_configs[-1].iterations:,} iterations: rnn.cost's training estimate "
          f"{min(estimates):.2f}-{max(estimates):.2f} s); first as a baseline (seeds "
          f"{baseline_configs[0].seed}-{baseline_configs[-1].seed}), then (seeds "
          f"{freeze_configs_[0].seed}-{freeze_configs_[-1].seed}) with one worker stopped "
          f"(SIGSTOP) {FREEZE_AFTER:g} s after they start; timed from each request to its "
          f"\"{RESULTS}\" drawn")
    process, url, log = start_app()
    texts, status, stopped, frozen = line_texts(), 0, None, []
    watch = ServerWatch(process.pid)
    watch.start()
    try:
        if wait_for_warm_up(log) is None:
            print(f"  no 'warmed up' line in the server log after {WARM_UP_TIMEOUT} s")
        share = MachineShare(watch)
        print(f"worker processes after the warm-up (descendants running {WORKER_COMMAND}): "
              f"{worker_pids(process.pid) or 'none'}; all descendants: "
              f"{[pid for pid, _ in descendants(process.pid)]}")
        baseline, _ = asyncio.run(bounded(freeze_round(url, baseline_configs, texts),
                                          ROUND_TIMEOUT + 30))

        def freeze():
            found = descendants(process.pid)
            pid, is_worker = pick_worker(found)
            if pid is None:
                return None
            target = psutil.Process(pid)
            target.send_signal(signal.SIGSTOP)
            frozen.append(target)
            return target, is_worker, dict(found)[pid], [p for p, c in found
                                                         if WORKER_COMMAND in c]

        with_freeze, stopped = asyncio.run(bounded(freeze_round(url, freeze_configs_, texts,
                                                                freeze), ROUND_TIMEOUT + 30))
        if stopped is None:
            print("stopped nothing: the server had no descendant process")
            status = 1
        else:
            target, is_worker, command, before = stopped
            print(f"stopped process {target.pid}"
                  + ("" if is_worker else f" (no descendant runs {WORKER_COMMAND}: this one is "
                                          f"any descendant)")
                  + f": ...{command[-70:]}")
        for number, (base, hit) in enumerate(zip(baseline, with_freeze), 1):
            base_seconds, base_text, base_shown = visitor_figure(base, texts)
            hit_seconds, hit_text, hit_shown = visitor_figure(hit, texts)
            status |= base_seconds is None or hit_seconds is None
            delay = (f"{hit_seconds - base_seconds:+.2f} s" if base_seconds and hit_seconds
                     else "none")
            print(f"visitor {number}: baseline {base_text} | with the freeze {hit_text} | delay "
                  f"{delay}" + (f"; shown: {short(' | '.join(hit_shown), 160)}" if hit_shown
                                else "; shown nothing"))
            if base_shown:
                print(f"  (in the baseline it was shown: {short(' | '.join(base_shown), 140)})")
        if stopped is not None:
            target = stopped[0]
            alive = target.is_running() and target.status() != psutil.STATUS_ZOMBIE
            if alive:  # the server did not end it: wake it and end it here
                state = target.status()
                target.send_signal(signal.SIGCONT)
                target.kill()
                print(f"process {target.pid} was still there ({state}): SIGCONT, SIGKILL sent")
            else:
                print(f"process {target.pid} was gone by the end (the server ended it)")
            time.sleep(1.0)  # a replacement started on our SIGKILL has time to appear
            after = worker_pids(process.pid)
            before = stopped[3]
            new = sorted(set(after) - set(before))
            print(f"worker pids before the freeze {before}, after {after}: "
                  + (f"replaced (new {new})" if new and target.pid not in after
                     else "not replaced"))
        print(share.line())
    finally:
        for target in frozen:  # never left stopped, however the run ended
            try:
                if target.is_running():
                    target.send_signal(signal.SIGCONT)
                    target.kill()
            except psutil.Error:
                pass
        watch.stop.set()
        watch.join()
        stop_app(process)
    text = Path(log).read_text(encoding="utf-8", errors="replace")
    print(f"trained by the server (its log's 'trained in' lines): baseline "
          f"{trained(text, baseline_configs)} / {FREEZE_VISITORS}, with the freeze "
          f"{trained(text, freeze_configs_)} / {FREEZE_VISITORS}")
    pid = str(stopped[0].pid) if stopped is not None else None
    lines = [line for line in text.splitlines()
             if "worker" in line.lower() or (pid and pid in line)]
    print(f"server log lines that mention a worker: {len(lines)}")
    for line in lines[:20]:
        print("  log: " + line[:300])
    return status


def memory_table(server, each):
    """Rows (name, peak MiB, end MiB) of the samples `server` (the server's RSS, MiB) and `each`
    ({worker pid: RSS MiB} at the same moments): the server, the workers together, the sum, then
    each worker ever seen (its end None when it was gone by the last sample)."""
    workers = [sum(sample.values()) for sample in each]
    both = [s + w for s, w in zip(server, workers)]
    rows = [("server", max(server), server[-1]), ("workers", max(workers), workers[-1]),
            ("server + workers", max(both), both[-1])]
    for pid in sorted({pid for sample in each for pid in sample}):
        values = [sample[pid] for sample in each if pid in sample]
        rows.append((f"worker {pid}", max(values), each[-1].get(pid)))
    return rows


def measure_memory(runs):
    """--memory: `runs` largest runs one after another, each a new browser, the server and each
    worker sampled every 0.5 s; 0 when every run drew its results."""
    print(f"== memory: {runs} of the largest allowed runs one after another (below; "
          f"seeds {MEMORY_SEED}-{MEMORY_SEED + runs - 1}), each a new session with its own "
          f"browser cookie that waits for its \"{RESULTS}\"; the server's and each worker's RSS "
          f"sampled every 0.5 s (psutil)")
    process, url, log = start_app()
    texts, seconds, missing, failed = line_texts(), [], [], []
    watch = ServerWatch(process.pid)
    watch.start()
    try:
        warmed = wait_for_warm_up(log)
        if warmed is None:
            print(f"  no 'warmed up' line in the server log after {WARM_UP_TIMEOUT} s")
        print(f"  the largest allowed run: {describe_largest()}")
        ready = len(watch.memory)
        share = MachineShare(watch)
        started = time.perf_counter()
        for seed in range(MEMORY_SEED, MEMORY_SEED + runs):
            try:
                cookie = browser_cookie(url)
                visit = asyncio.run(bounded(visit_of(
                    url, query_of(largest_run(seed)), cookie, time.perf_counter() + ROUND_TIMEOUT,
                    texts), ROUND_TIMEOUT + 30))
            except Exception as error:
                failed.append(f"run {seed}: {type(error).__name__}: {short(error, 120)}")
                continue
            if results_seconds(visit) is None:
                missing.append(f"run {seed}: {short(' | '.join(notices(visit, texts)) or '?')}")
            else:
                seconds.append(results_seconds(visit))
        wall = time.perf_counter() - started
        time.sleep(1.0)  # the last samples, after the last run
        machine = share.line()
    finally:
        watch.stop.set()
        watch.join()
        stop_app(process)
    text = Path(log).read_text(encoding="utf-8", errors="replace")
    count = trained(text, [largest_run(seed) for seed in range(MEMORY_SEED, MEMORY_SEED + runs)])
    print(f"runs with results {len(seconds)} / {runs} (request to results: {spread(seconds)}), "
          f"without {len(missing)}, failed {len(failed)}; {wall:.0f} s in all; trained by the "
          f"server (its log's 'trained in' lines) {count} / {runs}")
    for line in (failed + missing)[:10]:
        print("  " + line)
    server, each = watch.memory[:len(watch.each)], watch.each
    if server:
        ready = min(ready, len(server) - 1)
        print(f"memory (RSS, MiB), {len(server)} samples from the server's start to after the "
              f"last run; as the runs started (warmed up): server {server[ready]:.0f}, workers "
              f"{sum(each[ready].values()):.0f}. Peak / end:")
        for name, peak, end in memory_table(server, each):
            print(f"  {name:17} {peak:6.0f} / " + ("gone" if end is None else f"{end:.0f}"))
    else:
        print("memory not sampled")
    print(machine)
    print_log(log, warmed)
    return 0 if len(seconds) == count == runs else 1


def main(argv=None):
    parser = argparse.ArgumentParser(prog="scripts/loadtest.py")
    parser.add_argument("--sessions", type=int, default=None,
                        help=f"sessions at once (2 to 60; default 20, with --class "
                             f"{CLASS_SESSIONS})")
    parser.add_argument("--rounds", type=int, default=10,
                        help="operands each calculator session types (not with --class, whose "
                             "students type 1 to 3)")
    parser.add_argument("--hostile", action="store_true",
                        help="10 ordinary visitors (5,000-iteration runs, calculators) alone, "
                             "then beside five maximal runs of one browser, a maximal sweep "
                             "and a 256-unit net uploaded to the backprop page")
    parser.add_argument("--servers", type=int, default=1, choices=range(1, 5), metavar="N",
                        help="serve N replicas (1 to 4) and split the sessions between them")
    parser.add_argument("--redis", action="store_true",
                        help="the replicas share trained models through a redis-server started "
                             "on loopback")
    parser.add_argument("--class", dest="class_mode", action="store_true",
                        help=f"a teacher shares the link and a class opens it at once: on one "
                             f"server, 2/3 of the sessions are students (the book's settings: "
                             f"start page, calculator, a few operands, the backprop or insight "
                             f"page and back, {THINK_SECONDS[0]:g}-{THINK_SECONDS[1]:g} s of "
                             f"thought before each action), 1/3 explorers (two settings of "
                             f"their own, one after the other); reports answer, page switch and "
                             f"training wait / run times, errors, the server's memory and CPU "
                             f"and the load average; stops after {CLASS_DEADLINE} s at most")
    parser.add_argument("--cookieless", action="store_true",
                        help=f"an ordinary visitor's {ORDINARY_ITERATIONS}-iteration run (with "
                             f"its browser cookie) alone, then {HEAD_START:g} s after "
                             f"{HOSTILE_SESSIONS} cookieless sessions each asked for the largest "
                             f"allowed run, {PAIRS} times in turns; its time to its results side "
                             f"by side, and what the cookieless sessions were shown")
    parser.add_argument("--freeze", action="store_true",
                        help=f"{FREEZE_VISITORS} visitors' trainings (1-2 s each) at once, then "
                             f"{FREEZE_VISITORS} more with one worker process stopped (SIGSTOP) "
                             f"{FREEZE_AFTER:g} s after they start: each one's delay and notices, "
                             f"and whether the server replaced the worker")
    parser.add_argument("--memory", action="store_true",
                        help="the largest allowed runs one after another (--runs), each a new "
                             "browser; the server's and each worker's memory sampled throughout")
    parser.add_argument("--runs", type=int, default=None, metavar="N",
                        help=f"runs of --memory (default {MEMORY_RUNS})")
    args = parser.parse_args(argv)
    modes = [name for name, chosen in (("--cookieless", args.cookieless),
                                       ("--freeze", args.freeze), ("--memory", args.memory))
             if chosen]
    if args.runs is not None and not args.memory:
        parser.error("--runs is for --memory")
    if modes:
        others = [name for name, chosen in (
            ("--class", args.class_mode), ("--hostile", args.hostile),
            ("--servers", args.servers > 1), ("--redis", args.redis),
            ("--sessions", args.sessions is not None)) if chosen]
        if len(modes) > 1 or others:
            parser.error(f"{' and '.join(modes + others)}: one mode at a time (--cookieless, "
                         f"--freeze and --memory serve one app server of their own)")
        if args.cookieless:
            return measure_cookieless()
        if args.freeze:
            return measure_freeze()
        runs = MEMORY_RUNS if args.runs is None else args.runs
        if not 1 <= runs <= MAX_SEED - MEMORY_SEED + 1:
            parser.error(f"--runs must be from 1 to {MAX_SEED - MEMORY_SEED + 1} (each run its "
                         f"own seed, which the app takes up to {MAX_SEED})")
        return measure_memory(runs)
    if args.sessions is None:
        args.sessions = CLASS_SESSIONS if args.class_mode else 20
    sessions, rounds = max(2, min(args.sessions, 60)), max(1, min(args.rounds, 50))
    if args.hostile and (args.servers > 1 or args.redis):
        parser.error("--servers and --redis are for the ordinary mix, not --hostile")
    if args.class_mode:
        if args.hostile:
            parser.error("--class is a class of ordinary visitors, not --hostile")
        return measure_class(max(3, sessions), servers=args.servers, redis=args.redis)
    if args.servers > 1 or args.redis:
        return measure(sessions, rounds, servers=args.servers, redis=args.redis)
    if args.hostile:
        status = 0
        for hostile in (False, True):
            print("== 10 ordinary visitors" + (" beside the hostile mix" if hostile else " alone"))
            status |= measure(10, rounds, iterations=5_000, hostile=hostile)
        return status
    return measure(sessions, rounds)


def measure(sessions, rounds, iterations=20_000, hostile=False, servers=1, redis=False):
    redis_process, environment, apps = None, None, []
    if redis:
        from scripts.redis_server import start_redis, stop_redis
        redis_process, redis_url = start_redis()
        environment = {**os.environ, "RNN_REDIS_URL": redis_url}
    stop, memory, watchers = threading.Event(), [], []
    report = {"finished": 0, "errors": 0, "failed": [], "answer_seconds": [],
              "train_seconds": [], "hostile": []}
    try:
        for _ in range(servers):
            apps.append(start_app(env=environment))
            memory.append([])
            watchers.append(threading.Thread(target=sample_memory,
                                             args=(apps[-1][0].pid, memory[-1], stop)))
            watchers[-1].start()
        started = time.perf_counter()
        asyncio.run(drive([url for _, url, _ in apps], sessions, rounds, report, iterations,
                          hostile))
        if redis:
            report["redis"] = redis_usage(redis_url)
    finally:
        stop.set()
        for watcher in watchers:
            watcher.join()
        for process, _, _ in apps:
            stop_app(process)
        if redis_process is not None:
            stop_redis(redis_process)
    answers, trainings = sorted(report["answer_seconds"]), sorted(report["train_seconds"])
    print(f"sessions: {sessions} ({sessions // 2} training, {sessions - sessions // 2} "
          f"calculator), finished {report['finished']}, errors shown {report['errors']}, "
          f"failed {len(report['failed'])}")
    for line in report["failed"]:
        print("  " + line)
    if answers:
        print(f"calculator answers: {len(answers)}, median {statistics.median(answers):.2f} s, "
              f"95th percentile {answers[int(0.95 * (len(answers) - 1))]:.2f} s, "
              f"max {answers[-1]:.2f} s")
    if trainings:
        print(f"training sessions (load to charts): median {statistics.median(trainings):.1f} s, "
              f"max {trainings[-1]:.1f} s")
    if servers == 1 and not redis:
        print(memory_line(memory[0]))
    else:
        print_replicas(apps, memory)
    if redis:
        print(f"redis: {report['redis']}")
    for line in report["hostile"]:
        print("  hostile: " + line)
    print(f"wall time {time.perf_counter() - started:.1f} s")
    return 0 if report["finished"] == sessions and not report["errors"] else 1


def memory_line(samples):
    """Server, workers and both: start, peak, end (MiB), from sample_memory's (server, workers)."""
    if not samples:
        return "memory not sampled"
    parts = []
    for name, values in (("server", [m for m, _ in samples]), ("workers", [w for _, w in samples]),
                         ("both", [m + w for m, w in samples])):
        parts.append(f"{name} {values[0]:.0f} / {max(values):.0f} / {values[-1]:.0f}")
    return "memory (RSS, MiB, start / peak / end): " + ", ".join(parts)


def redis_usage(url):
    """How many keys the Redis at `url` holds and the memory it uses."""
    import redis
    client = redis.Redis.from_url(url)
    try:
        return f"{client.dbsize()} keys, {client.info('memory')['used_memory'] / 2**20:.0f} MiB"
    finally:
        client.close()


def print_replicas(apps, memory):
    """Each replica's memory, and how many models it trained and read from Redis (its log)."""
    for number, ((_, _, log), samples) in enumerate(zip(apps, memory), 1):
        text = Path(log).read_text(encoding="utf-8", errors="replace")
        print(f"replica {number}: {memory_line(samples)}; models trained "
              f"{text.count(' training TrainConfig(')}, read from Redis "
              f"{text.count(' model read from the shared store: ')}")


if __name__ == "__main__":
    sys.exit(main())
