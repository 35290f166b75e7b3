"""Load test: many sessions on one app server at once, on loopback only.

    .venv/bin/python scripts/loadtest.py [--sessions 20] [--rounds 10]
    .venv/bin/python scripts/loadtest.py --hostile      # 10 ordinary visitors, then again
                                                        # beside three hostile ones
    .venv/bin/python scripts/loadtest.py --servers 2 --redis   # the sessions split between two
                                                        # replicas that share one Redis

Serves the app with `streamlit run` on a free local port and opens `--sessions` sessions at the
same moment. Each session speaks Streamlit's own websocket protocol (the BackMsg / ForwardMsg
protobufs a browser sends and receives), so the server does exactly the work it does for a
browser, while this machine's two cores are not spent drawing twenty pages: half the sessions
train a configuration nobody else asks for (each its own seed, 20,000 iterations), half use the
calculator with the default model, typing a new operand `--rounds` times and timing each answer.
It samples the server's memory (RSS) throughout and prints how many sessions finished, how many
saw an error, the calculator's answer times and the training times. Bounded: every wait has a
timeout and the run stops by itself.

With `--servers N` it serves N replicas and sends session i to replica i mod N (each replica's
first visitor loads the default model); with `--redis` as well they share their trained models
through a redis-server started on loopback (RNN_REDIS_URL, see ui/redis_store.py), and the report
says, from each replica's log, how many models it trained and how many it read from Redis.
"""
import argparse
import asyncio
import os
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scripts.serving import start_app, stop_app  # noqa: E402

TIMEOUT = 240  # s: the last queued training may wait for all the others
# The hostile mix: what one visitor can ask for within the app's limits (rnn.cost estimates
# each just under ui.queue.JOB_SECONDS of server time).
MAXIMAL_RUN = "hidden=64&bits=16&iterations=75000"
MAXIMAL_SWEEP = "hidden=64&bits=8&iterations=4500"  # 32 seeds at 64 hidden units


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def sample_memory(pid, samples, stop):
    while not stop.is_set():
        try:
            samples.append(rss_mib(pid))
        except OSError:
            return
        stop.wait(0.5)


class Session:
    """One Streamlit session over its websocket, as a browser tab would hold it."""

    def __init__(self, socket):
        self.socket = socket

    async def run(self, page="", query="", widgets=(), press=None):
        """Ask for a script run (with number inputs set and a button pressed); return what it
        drew: {label: value or widget id}, and the exceptions shown."""
        message = BackMsg()
        message.rerun_script.page_name = page
        message.rerun_script.query_string = query
        for widget_id, value in widgets:
            state = message.rerun_script.widget_states.widgets.add()
            state.id, state.int_value = widget_id, value
        if press:
            state = message.rerun_script.widget_states.widgets.add()
            state.id, state.trigger_value = press, True
        await self.socket.send(message.SerializeToString())
        drawn, errors = {}, []
        while True:
            answer = ForwardMsg()
            answer.ParseFromString(await asyncio.wait_for(self.socket.recv(), TIMEOUT))
            kind = answer.WhichOneof("type")
            if kind == "delta" and answer.delta.WhichOneof("type") == "new_element":
                element = answer.delta.new_element
                which = element.WhichOneof("type")
                if which == "number_input":
                    drawn[element.number_input.label] = element.number_input.id
                elif which == "metric":
                    drawn[element.metric.label] = element.metric.body
                elif which == "button":
                    drawn[element.button.label] = element.button.id
                elif which == "exception":
                    errors.append(element.exception.message)
            if kind == "script_finished":
                return drawn, errors


def connect(url, cookie=None):
    """A websocket session; with `cookie` (a browser's _streamlit_xsrf) it is a tab of that
    browser, which the app's work queue counts as one visitor."""
    headers = {"Cookie": f"_streamlit_xsrf={cookie}"} if cookie else None
    return websockets.connect(url.replace("http", "ws") + "/_stcore/stream",
                              subprotocols=["streamlit"], max_size=None,
                              additional_headers=headers)


def browser_cookie(url):
    """The XSRF cookie the server gives a new browser on its first page load."""
    with urllib.request.urlopen(url, timeout=30) as answer:
        for header in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == "_streamlit_xsrf":
                return rest.split(";")[0]
    return None


async def trainer(url, index, report, iterations=20_000):
    started = time.perf_counter()
    try:
        async with connect(url) as socket:
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
        async with connect(url) as socket:
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

def main(argv=None):
    parser = argparse.ArgumentParser(prog="scripts/loadtest.py")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--hostile", action="store_true",
                        help="10 ordinary visitors (5,000-iteration runs, calculators) alone, "
                             "then beside five maximal runs of one browser, a maximal sweep "
                             "and a 256-unit net uploaded to the backprop page")
    parser.add_argument("--servers", type=int, default=1, choices=range(1, 5), metavar="N",
                        help="serve N replicas (1 to 4) and split the sessions between them")
    parser.add_argument("--redis", action="store_true",
                        help="the replicas share trained models through a redis-server started "
                             "on loopback")
    args = parser.parse_args(argv)
    sessions, rounds = max(2, min(args.sessions, 60)), max(1, min(args.rounds, 50))
    if args.hostile and (args.servers > 1 or args.redis):
        parser.error("--servers and --redis are for the ordinary mix, not --hostile")
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
        samples = memory[0]
        print(f"server memory (RSS): start {samples[0]:.0f} MiB, max {max(samples):.0f} MiB, "
              f"end {samples[-1]:.0f} MiB" if samples else "no memory samples")
    else:
        print_replicas(apps, memory)
    if redis:
        print(f"redis: {report['redis']}")
    for line in report["hostile"]:
        print("  hostile: " + line)
    print(f"wall time {time.perf_counter() - started:.1f} s")
    return 0 if report["finished"] == sessions and not report["errors"] else 1


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
        rss = (f"start {samples[0]:.0f} MiB, max {max(samples):.0f} MiB, end "
               f"{samples[-1]:.0f} MiB" if samples else "not sampled")
        print(f"replica {number}: memory (RSS) {rss}; models trained "
              f"{text.count(' training TrainConfig(')}, read from Redis "
              f"{text.count(' model read from the shared store: ')}")


if __name__ == "__main__":
    sys.exit(main())
