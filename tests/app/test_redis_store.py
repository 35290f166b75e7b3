"""The store shared by replicas (ui/redis_store.py), against a real redis-server on loopback.

Without /usr/bin/redis-server these tests are skipped with the reason, except when
REQUIRE_REDIS=1 (set by CI), where they fail. Each "replica" here is a SharedStore with its own
Redis client, as each app server has; `obtain` is ui.shared's, as the pages call it.
"""
import logging
import os
import threading
import time

import numpy as np
import pytest
import redis

from rnn import TrainConfig, archive, train
from scripts.redis_server import redis_missing, start_redis, stop_redis
from scripts.serving import free_port
from ui import redis_store
from ui.models import summarise
from ui.shared import LruStore, obtain

WAIT = 30  # s: the most any test waits for a thread or a condition


def require_redis():
    """Skip the test when redis-server cannot run here, or fail it when REQUIRE_REDIS=1."""
    reason = redis_missing()
    if reason:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def redis_url():
    """A redis-server of its own on a free loopback port, nothing written to disk."""
    require_redis()
    process, url = start_redis()
    yield url
    stop_redis(process)


@pytest.fixture
def client(redis_url):
    """A client of the test's Redis, emptied before the test."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.close()


def link(url):
    """A replica's link to Redis at `url`, as ui.redis_store.connect makes it (uncached)."""
    return redis_store.connect.__wrapped__(url)


class Box:
    """Stands for the st.empty a page passes: counts the waiting notices drawn in it."""

    def __init__(self):
        self.waiting = 0

    def info(self, text, icon=None):
        self.waiting += 1


def text_store(url, kind="model"):
    """A replica's store of short strings, written as b"text:" + the string; anything else in
    Redis is refused by `decode` as a foreign value would be."""
    def decode(data):
        if not data.startswith(b"text:"):
            raise archive.ArchiveError("not a text value")
        return data[5:].decode()
    return redis_store.SharedStore(4, kind, link(url), lambda value: b"text:" + value.encode(),
                                   decode)


class Builds:
    """A build function that counts its calls; it can be held until released."""

    def __init__(self, value="built", hold=False):
        self.value, self.calls = value, 0
        self.started, self.release = threading.Event(), threading.Event()
        if not hold:
            self.release.set()

    def __call__(self, box):
        self.calls += 1
        self.started.set()
        assert self.release.wait(WAIT)
        return self.value


class Logged(logging.Handler):
    """The messages ui.redis_store logs while the test runs."""

    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())

    def count(self, text):
        return sum(text in message for message in self.messages)


@pytest.fixture
def logged():
    handler = Logged()
    redis_store.LOG.addHandler(handler)
    yield handler
    redis_store.LOG.removeHandler(handler)


def in_thread(function, *args):
    """Run `function(*args)` in a thread; returns the thread and a dict that gets its "value"
    (or its "error")."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # noqa: BLE001 - handed to the test
            outcome["error"] = error
    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_without_the_setting_the_store_is_the_processs_own(monkeypatch):
    """No RNN_REDIS_URL and no secret: a plain LruStore, as before."""
    monkeypatch.delenv(redis_store.ENVIRONMENT, raising=False)
    assert redis_store.setting() is None
    assert type(redis_store.store(3, "model", str.encode, bytes.decode)) is LruStore


def test_the_setting_chooses_the_shared_store(monkeypatch, redis_url):
    """RNN_REDIS_URL set: a SharedStore linked to that server."""
    monkeypatch.setenv(redis_store.ENVIRONMENT, redis_url)
    store = redis_store.store(3, "model", str.encode, bytes.decode)
    assert isinstance(store, redis_store.SharedStore)
    assert store.link.client.ping()


def test_keys_are_namespaced_versioned_and_expire(client, redis_url):
    """A value is written under rnn-playground:v1:<kind>:<canonical JSON> with an expiry of
    VALUE_SECONDS; the lock is gone once the build is over."""
    store, config = text_store(redis_url), TrainConfig(seed=5)
    obtain(store, config, Builds(), Box())
    name = ('rnn-playground:v1:model:{"alpha":0.9,"bits":8,"hidden":16,"iterations":10000,'
            '"sampling":"book","seed":5}')
    assert store.key_name(config) == name and client.get(name) == b"text:built"
    assert 0 < client.ttl(name) <= redis_store.VALUE_SECONDS
    assert client.keys("rnn-playground:v1:lock:*") == []


def test_a_key_built_by_one_replica_is_read_by_another(client, redis_url):
    """Replica A builds; replica B gets A's value from Redis without building."""
    replica_a, replica_b, config = text_store(redis_url), text_store(redis_url), TrainConfig()
    builds_a, builds_b = Builds("from A"), Builds("from B")
    assert obtain(replica_a, config, builds_a, Box()) == "from A"
    assert obtain(replica_b, config, builds_b, Box()) == "from A"
    assert (builds_a.calls, builds_b.calls) == (1, 0)
    assert replica_b.counts == {"shared": 1}


def test_a_replica_serves_what_it_holds_without_asking_redis(client, redis_url):
    """Once a replica holds a value, it keeps serving it even when Redis no longer has it."""
    replica, config = text_store(redis_url), TrainConfig(seed=1)
    obtain(replica, config, Builds("kept"), Box())
    client.flushdb()
    assert obtain(replica, config, Builds("again"), Box()) == "kept"
    assert replica.counts == {"built": 1}


def test_peek_finds_what_another_replica_built(client, redis_url):
    """peek (the insight page's "was this sweep run?") looks in Redis too, and never builds."""
    replica_a, replica_b = text_store(redis_url, "sweep"), text_store(redis_url, "sweep")
    configs = (TrainConfig(seed=1), TrainConfig(seed=2))
    assert replica_b.peek(configs) is None
    obtain(replica_a, configs, Builds("sweep"), Box())
    assert replica_b.peek(configs) == "sweep"
    assert replica_b.slot(configs).value == "sweep"  # kept here from now on


def test_a_second_replica_waits_for_the_first_instead_of_building(client, redis_url):
    """While A builds (holding the lock), B waits, showing the waiting notice, then gets A's
    value; B never builds."""
    replica_a, replica_b, config = text_store(redis_url), text_store(redis_url), TrainConfig()
    builds_a, builds_b, box = Builds("from A", hold=True), Builds("from B"), Box()
    thread_a, outcome_a = in_thread(obtain, replica_a, config, builds_a, Box())
    assert builds_a.started.wait(WAIT)
    thread_b, outcome_b = in_thread(obtain, replica_b, config, builds_b, box)
    deadline = time.monotonic() + WAIT
    while box.waiting < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert box.waiting >= 2 and not outcome_b
    builds_a.release.set()
    for thread in (thread_a, thread_b):
        thread.join(WAIT)
    assert outcome_a == outcome_b == {"value": "from A"}
    assert builds_b.calls == 0 and replica_b.counts == {"waited": 1, "shared": 1}


def test_a_builder_with_no_page_waits_for_another_replica_too(client, redis_url):
    """The server's warm-up obtains the default net with no page (box None): when another
    replica is building it, it waits and reads that replica's value (it failed on box.info)."""
    replica_a, replica_b, config = text_store(redis_url), text_store(redis_url), TrainConfig()
    builds_a, builds_b = Builds("from A", hold=True), Builds("from B")
    thread_a, outcome_a = in_thread(obtain, replica_a, config, builds_a, Box())
    assert builds_a.started.wait(WAIT)
    thread_b, outcome_b = in_thread(obtain, replica_b, config, builds_b, None)
    deadline = time.monotonic() + WAIT
    while replica_b.counts.get("waited", 0) < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # B polls the lock meanwhile
    assert not outcome_b
    builds_a.release.set()
    for thread in (thread_a, thread_b):
        thread.join(WAIT)
    assert outcome_a == outcome_b == {"value": "from A"}
    assert builds_b.calls == 0


def test_a_dead_replicas_lock_blocks_only_until_it_expires(client, redis_url):
    """A lock left by a replica that died (nobody renews it): B waits until it expires, then
    builds. (The lock is set here with a 1.5 s expiry, as a dead replica's would run out.)"""
    replica_b, config = text_store(redis_url), TrainConfig(seed=9)
    client.set(replica_b.lock_name(config), "a dead replica's token", px=1500)
    started = time.monotonic()
    assert obtain(replica_b, config, Builds("from B"), Box()) == "from B"
    waited = time.monotonic() - started
    assert 1.0 < waited < 1.5 + 5
    assert replica_b.counts == {"waited": 1, "built": 1}


def test_a_long_build_keeps_its_lock_past_the_expiry(client, redis_url, monkeypatch):
    """With a 1 s expiry renewed every 0.2 s, a build of 3 s keeps its lock: B waits for it
    throughout and gets its value, and never builds."""
    monkeypatch.setattr(redis_store, "LOCK_SECONDS", 1.0)
    monkeypatch.setattr(redis_store, "RENEW_SECONDS", 0.2)
    replica_a, replica_b, config = text_store(redis_url), text_store(redis_url), TrainConfig()
    builds_a, builds_b = Builds("from A", hold=True), Builds("from B")
    thread_a, outcome_a = in_thread(obtain, replica_a, config, builds_a, Box())
    assert builds_a.started.wait(WAIT)
    thread_b, outcome_b = in_thread(obtain, replica_b, config, builds_b, Box())
    time.sleep(3)  # the point: three expiries go by while A builds
    assert client.pttl(replica_a.lock_name(config)) > 0
    builds_a.release.set()
    for thread in (thread_a, thread_b):
        thread.join(WAIT)
    assert outcome_b == {"value": "from A"} and builds_b.calls == 0


def test_a_stopped_build_releases_its_lock_at_once(client, redis_url):
    """A's build stops (its visitor moved on: Streamlit raises in it): its lock is released
    without a value, and B, waiting, builds at once, not after the expiry."""
    replica_a, replica_b, config = text_store(redis_url), text_store(redis_url), TrainConfig()

    class Stopped(Exception):
        pass
    started, stop = threading.Event(), threading.Event()

    def stops(box):
        started.set()
        assert stop.wait(WAIT)
        raise Stopped
    thread_a, outcome_a = in_thread(obtain, replica_a, config, stops, Box())
    assert started.wait(WAIT)
    builds_b = Builds("from B")
    thread_b, outcome_b = in_thread(obtain, replica_b, config, builds_b, Box())
    time.sleep(0.5)  # let B find the lock taken
    stopped_at = time.monotonic()
    stop.set()
    for thread in (thread_a, thread_b):
        thread.join(WAIT)
    assert isinstance(outcome_a["error"], Stopped) and outcome_b == {"value": "from B"}
    assert time.monotonic() - stopped_at < redis_store.LOCK_SECONDS / 2


DAMAGED = {
    "garbage": lambda client, name: client.set(name, b"\x80\x04garbage"),
    "an archive of another kind": lambda client, name: client.set(name, b"PK\x03\x04" * 10),
    "not a string": lambda client, name: client.hset(name, "field", "value"),
    "larger than MAX_BYTES": lambda client, name: client.set(
        name, b"text:" + b"x" * archive.MAX_BYTES),
}


@pytest.mark.parametrize("damage", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_or_foreign_value_is_ignored_and_rebuilt(client, redis_url, logged, damage):
    """The value under the key is not one this app wrote: it is logged, the key is built here,
    and the good value replaces it in Redis."""
    replica, config = text_store(redis_url), TrainConfig(seed=3)
    damage(client, replica.key_name(config))
    assert obtain(replica, config, Builds("good"), Box()) == "good"
    assert replica.counts == {"ignored": 2, "built": 1}  # read before and after taking the lock
    assert client.get(replica.key_name(config)) == b"text:good"
    assert logged.count("ignored a damaged or foreign model") == 2


def test_without_redis_a_replica_builds_locally_and_logs_once(logged):
    """Nothing listening at the URL: every key is built here, at once, no error; the outage is
    logged once, not once per key."""
    replica = text_store(f"redis://127.0.0.1:{free_port()}/0")
    started = time.monotonic()
    for seed in range(5):
        assert obtain(replica, TrainConfig(seed=seed), Builds(f"local {seed}"), Box()) == \
            f"local {seed}"
    assert time.monotonic() - started < 5 * redis_store.CONNECT_SECONDS
    assert replica.counts == {"local": 5}
    assert logged.count("does not answer") == 1


def test_redis_stopped_and_started_again(logged, monkeypatch):
    """Redis stops mid-session: the replica goes on with its own store (one log line); once Redis
    is back and RETRY_SECONDS have passed, it shares again (and logs that)."""
    monkeypatch.setattr(redis_store, "RETRY_SECONDS", 0.5)
    require_redis()
    port = free_port()
    process, url = start_redis(port)
    try:
        replica = text_store(url)
        obtain(replica, TrainConfig(seed=1), Builds("shared"), Box())
        stop_redis(process)
        assert obtain(replica, TrainConfig(seed=2), Builds("local"), Box()) == "local"
        assert obtain(replica, TrainConfig(seed=3), Builds("local"), Box()) == "local"
        assert logged.count("does not answer") == 1
        process, url = start_redis(port)
        time.sleep(0.6)  # the point: RETRY_SECONDS go by
        assert obtain(replica, TrainConfig(seed=4), Builds("shared again"), Box()) == \
            "shared again"
        assert logged.count("answers again") == 1
        assert replica.counts == {"built": 2, "local": 2}
        assert redis.Redis.from_url(url).exists(replica.key_name(TrainConfig(seed=4)))
    finally:
        stop_redis(process)


def test_the_apps_models_go_through_redis_as_archives(client, redis_url, monkeypatch):
    """With the setting, ui.models' store writes a trained Model as rnn.archive's bytes; another
    replica reads back the same run and curve."""
    from ui import models
    monkeypatch.setenv(redis_store.ENVIRONMENT, redis_url)
    models.model_store.clear()
    try:
        replica_a = models.model_store()
        models.model_store.clear()
        replica_b = models.model_store()
    finally:
        models.model_store.clear()
    config = TrainConfig(iterations=1500, hidden=4)
    built = obtain(replica_a, config, lambda box: summarise(train(config)), Box())
    read = obtain(replica_b, config, Builds(), Box())
    assert archive.loads_model(client.get(replica_a.key_name(config)))[0].config == config
    assert np.array_equal(read.params.synapse_h, built.params.synapse_h)
    assert np.array_equal(read.result.errors, built.result.errors)
    assert read.curve.first_perfect == built.curve.first_perfect
    assert read.curve.final.accuracy == built.curve.final.accuracy
    assert replica_b.counts == {"shared": 1}


def test_the_setting_can_be_a_secret(monkeypatch, tmp_path):
    """Without RNN_REDIS_URL, `redis_url` in the secrets file (Community Cloud's secrets) is the
    setting."""
    import streamlit as st
    from streamlit import config
    monkeypatch.delenv(redis_store.ENVIRONMENT, raising=False)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('redis_url = "redis://127.0.0.1:6399/0"\n')
    files = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(secrets)])
    st.secrets._reset()
    try:
        assert redis_store.setting() == "redis://127.0.0.1:6399/0"
    finally:
        config.set_option("secrets.files", files)
        st.secrets._reset()
    assert redis_store.setting() is None


def test_something_else_at_the_url_counts_as_redis_down(logged):
    """A server that is not Redis (here one that answers in HTTP) at the URL: keys are built
    here, the page never sees an error, and it is logged once."""
    import socketserver

    class Http(socketserver.BaseRequestHandler):
        def handle(self):
            self.request.recv(1024)
            self.request.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), Http) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        replica = text_store(f"redis://127.0.0.1:{server.server_address[1]}/0")
        for seed in range(3):
            assert obtain(replica, TrainConfig(seed=seed), Builds("local"), Box()) == "local"
        assert replica.peek(TrainConfig(seed=7)) is None
        server.shutdown()
    assert replica.counts == {"local": 3}
    assert logged.count("does not answer") == 1
