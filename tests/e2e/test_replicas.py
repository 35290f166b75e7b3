"""Two app servers sharing one Redis (RNN_REDIS_URL), as replicas behind a load balancer would.

Each test starts a redis-server on a free loopback port and two `streamlit run` servers pointed
at it (scripts/serving.start_app with the setting in their environment), and visits them over
Streamlit's own websocket protocol, as scripts/loadtest.py does: what a browser sends, without
drawing. What each server did is read from its log (compute.jobs and compute.shared log every
training and every value read from Redis). Without redis-server the tests are skipped with the
reason, except when REQUIRE_REDIS=1 (set by CI), where they fail.
"""
import asyncio
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from compute.shared import LOCK_SECONDS, RENEW_SECONDS
from scripts.protocol import TIMEOUT, Session, connect
from scripts.redis_server import start_redis, stop_redis
from scripts.serving import start_app, stop_app
from tests.compute.conftest import require_redis

WAIT = 180  # s for anything a test waits for (a busy machine trains slowly)


def run(coroutine):
    """Run `coroutine` to its end in a thread of its own: the browser tests' Playwright keeps an
    event loop running in this thread for the whole session, where asyncio.run is refused."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class Replica:
    """One app server: its process, URL and log."""

    def __init__(self, redis_url):
        self.process, self.url, self.log_path = start_app(
            env={**os.environ, "RNN_REDIS_URL": redis_url})

    def log(self):
        return Path(self.log_path).read_text(encoding="utf-8", errors="replace")

    def stop(self):
        stop_app(self.process)
        Path(self.log_path).unlink(missing_ok=True)


@pytest.fixture
def redis_server():
    """A redis-server of the test's own: (process, URL)."""
    require_redis()
    process, url = start_redis()
    yield process, url
    stop_redis(process)


@pytest.fixture
def replicas(redis_server):
    """Two app servers sharing the test's Redis."""
    started = []
    try:
        for _ in range(2):
            started.append(Replica(redis_server[1]))
        yield started
    finally:
        for replica in started:
            replica.stop()


async def visit(url, query):
    """Open the training page of the configuration in `query` in a new session; return what it
    drew when its script run ended: {"metrics": {label: value}, "alerts": [text],
    "exceptions": [text]}."""
    from ui.streamlit_internals import BackMsg, ForwardMsg
    drawn = {"metrics": {}, "alerts": [], "exceptions": []}
    async with connect(url) as socket:
        message = BackMsg()
        message.rerun_script.query_string = query
        await socket.send(message.SerializeToString())
        while True:
            answer = ForwardMsg()
            answer.ParseFromString(await asyncio.wait_for(socket.recv(), TIMEOUT))
            kind = answer.WhichOneof("type")
            if kind == "delta" and answer.delta.WhichOneof("type") == "new_element":
                element = answer.delta.new_element
                which = element.WhichOneof("type")
                if which == "metric":
                    drawn["metrics"][element.metric.label] = element.metric.body
                elif which == "alert":
                    drawn["alerts"].append(element.alert.body)
                elif which == "exception":
                    drawn["exceptions"].append(element.exception.message)
            if kind == "script_finished":
                return drawn


def trained(drawn):
    """The page drew a trained model's results, and no error."""
    return "Final accuracy" in drawn["metrics"] and not drawn["exceptions"]


def config_text(query):
    """How the server's log names the configuration of `query` (TrainConfig's repr)."""
    fields = dict(part.split("=") for part in query.split("&"))
    return (f"TrainConfig(seed={fields.get('seed', 0)}, bits={fields.get('bits', 8)}, "
            f"hidden={fields.get('hidden', 16)}, alpha={fields.get('alpha', 0.9)}, "
            f"iterations={fields.get('iterations', 10000)}, sampling='book')")


async def until(condition, timeout=WAIT):
    """Wait until condition() is true (checked every 0.1 s); fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)
    return time.monotonic()


def test_a_model_trained_on_one_replica_is_served_by_the_other(replicas):
    """Server A trains a configuration; server B then shows the same results (the same training
    time among them, which is A's) without training: B's log says it read the model from Redis
    and never that it trained it."""
    server_a, server_b = replicas
    query = "seed=4242&iterations=3000"
    on_a = run(visit(server_a.url, query))
    on_b = run(visit(server_b.url, query))
    assert trained(on_a) and trained(on_b)
    assert on_b["metrics"] == on_a["metrics"]
    name = config_text(query)
    assert f"training {name}" in server_a.log()
    assert f"model read from the shared store: {name}" in server_b.log()
    assert f"training {name}" not in server_b.log()


def test_a_sweep_run_on_one_replica_is_shown_by_the_other(replicas):
    """A visitor of server A runs the 32-seed sweep; a visitor of server B sees its result at
    once, "computed earlier", with no button to press, and B's log says it read it from Redis."""
    server_a, server_b = replicas
    query = "seed=4545&iterations=1000"

    async def scenario():
        async with connect(server_a.url) as socket:
            session = Session(socket)
            drawn, _ = await session.run(page="insight", query=query)
            drawn, errors = await session.run(page="insight", query=query,
                                              press=drawn["Train these 32 nets"])
        async with connect(server_b.url) as socket:
            seen, errors_b = await Session(socket).run(page="insight", query=query)
        return drawn, seen, errors + errors_b
    on_a, on_b, errors = run(scenario())
    share = "Nets that got everything right"
    assert not errors and share in on_a and on_b[share] == on_a[share]
    assert "Computed earlier, in" in on_b and "Train these 32 nets" not in on_b
    assert "sweep read from the shared store" in server_b.log()


def test_a_replica_killed_mid_training_blocks_the_other_only_until_its_lock_expires(replicas):
    """A trains a long configuration; B, asked for it, waits for A; A is killed (SIGKILL, so
    nothing is released): B takes over once A's lock expires, LOCK_SECONDS after A's last
    renewal at most, trains it and shows it."""
    server_a, server_b = replicas
    query = "seed=4343&hidden=48&iterations=100000"  # seconds of training (rnn.cost: 3.8 s)
    name = config_text(query)

    async def scenario():
        on_a = asyncio.ensure_future(visit(server_a.url, query))
        await until(lambda: f"training {name}" in server_a.log())
        on_b = asyncio.ensure_future(visit(server_b.url, query))
        await until(lambda: f"another replica is building this model; waiting: {name}"
                    in server_b.log())
        assert f"s: {name}" not in server_a.log()  # no "trained in ... s" line: still going
        server_a.process.kill()
        killed = time.monotonic()
        took_over = await until(lambda: f"training {name}" in server_b.log())
        drawn = await asyncio.wait_for(on_b, WAIT)
        with pytest.raises(Exception):  # A's session ends with its server
            await asyncio.wait_for(on_a, WAIT)
        return took_over - killed, drawn
    waited, on_b = run(scenario())
    assert trained(on_b)
    # B waited for the expiry (A's lock was not released, and its TTL was at most RENEW_SECONDS
    # old, give or take a busy machine), and not much longer
    assert LOCK_SECONDS - 2 * RENEW_SECONDS - 1 < waited < LOCK_SECONDS + 10
    assert re.search(rf"trained in [\d.]+ s: {re.escape(name)}", server_b.log())


def test_redis_stopped_mid_session_leaves_both_replicas_answering(replicas, redis_server):
    """Redis stops while the replicas serve: each goes on with its own store, the visitors see
    results and no error or warning, and each server logs the outage once, however many
    visitors come."""
    server_a, server_b = replicas
    shared = "seed=4444&iterations=2000"
    assert trained(run(visit(server_a.url, shared)))
    assert trained(run(visit(server_b.url, shared)))
    stop_redis(redis_server[0])
    visits = [(server_a, shared), (server_b, shared), (server_a, "seed=4445&iterations=2000"),
              (server_b, "seed=4446&iterations=2000"), (server_a, "seed=4447&iterations=2000"),
              (server_b, "seed=4447&iterations=2000")]
    for server, query in visits:
        drawn = run(visit(server.url, query))
        assert trained(drawn) and drawn["alerts"] == []
    for server in (server_a, server_b):
        assert server.log().count("does not answer") == 1
    assert f"training {config_text('seed=4447&iterations=2000')}" in server_b.log()
