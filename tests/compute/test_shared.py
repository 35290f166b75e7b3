"""The store shared by replicas (compute/shared.py), against a real redis-server on loopback.

Without /usr/bin/redis-server these tests are skipped with the reason, except when
REQUIRE_REDIS=1 (set by CI), where they fail. Each "replica" here is a SharedStore with its own
Redis client, as each app server has.
"""
import dataclasses
import threading
import time

import numpy as np
import pytest
import redis

from compute import jobs, models, shared
from compute.scheduler import Visitor
from compute.service import Service
from compute.store import Store
from rnn import TrainConfig, archive, train
from rnn.curve import accuracy_curve
from rnn.sweep import run_sweep
from scripts.redis_server import start_redis, stop_redis
from scripts.serving import free_port
from tests.compute.conftest import WAIT, Stopped, Watch, in_thread, require_redis

ANN = Visitor("browser:ann", "local")


def text_store(url, kind="model"):
    """A replica's store of short strings, written as b"text:" + the string; anything else in
    Redis is refused by `decode` as a foreign value would be."""
    def decode(data, key):
        if not data.startswith(b"text:"):
            raise archive.ArchiveError("not a text value")
        return data[5:].decode()
    return shared.SharedStore(4, None, kind, shared.connect(url),
                              lambda value: b"text:" + value.encode(), decode)


def model_store(url):
    """A replica's model store, as the app's Service makes it."""
    return shared.shared_store(shared.connect(url), 4, None, "model", models.encode_model,
                               models.decode_model)


class Builds:
    """A build function that counts its calls; it can be held until released."""

    def __init__(self, value="built", hold=False):
        self.value, self.calls = value, 0
        self.started, self.release = threading.Event(), threading.Event()
        if not hold:
            self.release.set()

    def __call__(self):
        self.calls += 1
        self.started.set()
        assert self.release.wait(WAIT)
        return self.value


def wait_until(condition):
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.05)


def scored(config):
    result = train(config)
    return models.Model(result, accuracy_curve(result))


# ---- the setting

def test_a_redis_url_gives_a_shared_store(redis_url):
    """A redis:// URL: a SharedStore linked to that server."""
    store = model_store(redis_url)
    assert isinstance(store, shared.SharedStore) and store.link.client.ping()


@pytest.mark.parametrize("url", ["http://127.0.0.1:6379/0", "127.0.0.1:6379", "redis://:x@[::1",
                                 "redis://127.0.0.1:6379/0?socket_timeout=soon"],
                         ids=["http", "no-scheme", "unreadable", "unusable"])
def test_a_url_that_names_no_redis_gives_the_local_store_and_one_line(logged, url):
    """Another scheme, none, a URL urlsplit cannot read or one redis-py cannot use: no link, the
    replica's own store, one log line, no exception."""
    link = shared.connect(url)
    store = shared.shared_store(link, 4, None, "model", models.encode_model, models.decode_model)
    assert link is None and type(store) is Store
    assert len(logged.messages) == 1 and "own store" in logged.messages[0]


# ---- sharing

def test_keys_are_namespaced_versioned_and_expire(client, redis_url):
    """A value is written under rnn-playground:v1:<kind>:<canonical JSON> with an expiry of
    VALUE_SECONDS; the lock is gone once the build is over."""
    store, config = text_store(redis_url), TrainConfig(seed=5)
    store.get_or_build(config, Builds())
    name = ('rnn-playground:v1:model:{"alpha":0.9,"bits":8,"hidden":16,"iterations":10000,'
            '"sampling":"book","seed":5}')
    assert store.key_name(config) == name and client.get(name) == b"text:built"
    assert 0 < client.ttl(name) <= shared.VALUE_SECONDS
    assert client.keys("rnn-playground:v1:lock:*") == []


def test_a_key_built_by_one_replica_is_read_by_another(client, redis_url):
    """Replica A builds; replica B gets A's value from Redis without building."""
    replica_a, replica_b, config = text_store(redis_url), text_store(redis_url), TrainConfig()
    builds_a, builds_b = Builds("from A"), Builds("from B")
    assert replica_a.get_or_build(config, builds_a) == "from A"
    assert replica_b.get_or_build(config, builds_b) == "from A"
    assert (builds_a.calls, builds_b.calls) == (1, 0)
    assert replica_b.counts == {"shared": 1}


def test_a_replica_serves_what_it_holds_without_asking_redis(client, redis_url):
    """Once a replica holds a value, it keeps serving it even when Redis no longer has it."""
    replica, config = text_store(redis_url), TrainConfig(seed=1)
    replica.get_or_build(config, Builds("kept"))
    client.flushdb()
    assert replica.get_or_build(config, Builds("again")) == "kept"
    assert replica.counts == {"built": 1}


def test_get_finds_what_another_replica_built(client, redis_url):
    """get (the insight page's "was this sweep run?") looks in Redis too, and never builds."""
    replica_a, replica_b = text_store(redis_url, "sweep"), text_store(redis_url, "sweep")
    configs = (TrainConfig(seed=1), TrainConfig(seed=2))
    assert replica_b.get(configs) is None
    replica_a.get_or_build(configs, Builds("sweep"))
    assert replica_b.get(configs) == "sweep"
    assert Store.get(replica_b, configs) == "sweep"  # kept here from now on


def test_a_second_replica_waits_for_the_first_instead_of_building(client, redis_url):
    """While A builds (holding the lock), B waits, telling its watch, then gets A's value; B
    never builds."""
    replica_a, replica_b, config = text_store(redis_url), text_store(redis_url), TrainConfig()
    builds_a, builds_b, watch = Builds("from A", hold=True), Builds("from B"), Watch()
    thread_a, outcome_a = in_thread(replica_a.get_or_build, config, builds_a)
    assert builds_a.started.wait(WAIT)
    thread_b, outcome_b = in_thread(replica_b.get_or_build, config, builds_b, watch)
    wait_until(lambda: watch.others >= 2)
    assert not outcome_b
    builds_a.release.set()
    for thread in (thread_a, thread_b):
        thread.join(WAIT)
    assert outcome_a == outcome_b == {"value": "from A"}
    assert builds_b.calls == 0 and replica_b.counts == {"waited": 1, "shared": 1}


def test_a_builder_with_no_watch_waits_for_another_replica_too(client, redis_url):
    """The server's warm-up obtains a model with no watch (None): when another replica is
    building it, it waits and reads that replica's value, never building it."""
    replica_a, replica_b, config = text_store(redis_url), text_store(redis_url), TrainConfig()
    builds_a, builds_b = Builds("from A", hold=True), Builds("from B")
    thread_a, outcome_a = in_thread(replica_a.get_or_build, config, builds_a, Watch())
    assert builds_a.started.wait(WAIT)
    thread_b, outcome_b = in_thread(replica_b.get_or_build, config, builds_b, None)
    wait_until(lambda: replica_b.counts["waited"] == 1)
    time.sleep(3 * shared.POLL_SECONDS)  # B looks at the lock meanwhile
    assert not outcome_b
    builds_a.release.set()
    for thread in (thread_a, thread_b):
        thread.join(WAIT)
    assert outcome_a == outcome_b == {"value": "from A"} and builds_b.calls == 0


def test_a_dead_replicas_lock_blocks_only_until_it_expires(client, redis_url):
    """A lock left by a replica that died (nobody renews it): B waits until it expires, then
    builds. (The lock is set here with a 1.5 s expiry, as a dead replica's would run out.)"""
    replica_b, config = text_store(redis_url), TrainConfig(seed=9)
    client.set(replica_b.lock_name(config), "a dead replica's token", px=1500)
    started = time.monotonic()
    assert replica_b.get_or_build(config, Builds("from B")) == "from B"
    assert 1.0 < time.monotonic() - started < 1.5 + 5
    assert replica_b.counts == {"waited": 1, "built": 1}


@pytest.mark.parametrize("how", ["set", "persist"])
def test_a_lock_without_an_expiry_is_given_one(client, redis_url, logged, monkeypatch, how):
    """A lock key with no expiry (a stray SET, or PERSIST on a replica's lock) would block every
    replica for ever: it is given an expiry of LOCK_SECONDS (1 s here), then B builds; logged."""
    monkeypatch.setattr(shared, "LOCK_SECONDS", 1.0)
    replica_b, config = text_store(redis_url), TrainConfig(seed=10)
    name = replica_b.lock_name(config)
    client.set(name, "stray", px=None if how == "set" else 60_000)
    if how == "persist":
        client.persist(name)
    assert client.ttl(name) == -1
    started = time.monotonic()
    assert replica_b.get_or_build(config, Builds("from B")) == "from B"
    assert 0.9 <= time.monotonic() - started < 1.0 + 5  # about LOCK_SECONDS, not for ever
    assert logged.count("had no expiry") == 1 and replica_b.counts["built"] == 1


def test_a_wait_past_its_deadline_builds_here(client, redis_url, logged, monkeypatch):
    """Another replica holds the lock and keeps renewing it: after WAIT_SECONDS (1 s here) B
    builds the value itself, logged, and writes it."""
    monkeypatch.setattr(shared, "WAIT_SECONDS", 1.0)
    replica_b, config = text_store(redis_url), TrainConfig(seed=11)
    name = replica_b.lock_name(config)
    client.set(name, "a live replica", px=2000)
    stop = threading.Event()

    def renew():
        while not stop.wait(0.2):
            client.pexpire(name, 2000)
    renewer = threading.Thread(target=renew)
    renewer.start()
    try:
        started = time.monotonic()
        assert replica_b.get_or_build(config, Builds("from B")) == "from B"
        assert 1.0 <= time.monotonic() - started < 1.0 + 5
    finally:
        stop.set()
        renewer.join(WAIT)
    assert logged.count("building it here") == 1 and replica_b.counts["local"] == 1
    assert client.get(replica_b.key_name(config)) == b"text:from B"


def test_a_waiter_that_moves_on_stops_waiting(client, redis_url):
    """B waits for A's build; B's watch raises (its visitor moved on): B stops at once, A goes
    on."""
    replica_a, replica_b, config = text_store(redis_url), text_store(redis_url), TrainConfig()
    builds_a, watch = Builds("from A", hold=True), Watch()
    thread_a, outcome_a = in_thread(replica_a.get_or_build, config, builds_a)
    assert builds_a.started.wait(WAIT)
    watch.stop.set()
    thread_b, outcome_b = in_thread(replica_b.get_or_build, config, Builds("from B"), watch)
    thread_b.join(WAIT)
    assert isinstance(outcome_b["error"], Stopped)
    builds_a.release.set()
    thread_a.join(WAIT)
    assert outcome_a == {"value": "from A"}


def test_a_long_build_keeps_its_lock_past_the_expiry(client, redis_url, monkeypatch):
    """With a 1 s expiry renewed every 0.2 s, a build of 3 s keeps its lock: B waits for it
    throughout and gets its value, and never builds."""
    monkeypatch.setattr(shared, "LOCK_SECONDS", 1.0)
    monkeypatch.setattr(shared, "RENEW_SECONDS", 0.2)
    replica_a, replica_b, config = text_store(redis_url), text_store(redis_url), TrainConfig()
    builds_a, builds_b = Builds("from A", hold=True), Builds("from B")
    thread_a, outcome_a = in_thread(replica_a.get_or_build, config, builds_a)
    assert builds_a.started.wait(WAIT)
    thread_b, outcome_b = in_thread(replica_b.get_or_build, config, builds_b)
    time.sleep(3)  # the point: three expiries go by while A builds
    assert client.pttl(replica_a.lock_name(config)) > 0
    builds_a.release.set()
    for thread in (thread_a, thread_b):
        thread.join(WAIT)
    assert outcome_b == {"value": "from A"} and builds_b.calls == 0


def test_a_stopped_build_releases_its_lock_at_once(client, redis_url):
    """A's build stops (its visitor moved on): its lock is released without a value, and B,
    waiting, builds at once, not after the expiry."""
    replica_a, replica_b, config = text_store(redis_url), text_store(redis_url), TrainConfig()
    started, stop = threading.Event(), threading.Event()

    def stops():
        started.set()
        assert stop.wait(WAIT)
        raise Stopped
    thread_a, outcome_a = in_thread(replica_a.get_or_build, config, stops)
    assert started.wait(WAIT)
    thread_b, outcome_b = in_thread(replica_b.get_or_build, config, Builds("from B"))
    time.sleep(0.5)  # let B find the lock taken
    stopped_at = time.monotonic()
    stop.set()
    for thread in (thread_a, thread_b):
        thread.join(WAIT)
    assert isinstance(outcome_a["error"], Stopped) and outcome_b == {"value": "from B"}
    assert time.monotonic() - stopped_at < shared.LOCK_SECONDS / 2


# ---- what is read is checked

DAMAGED = {
    "garbage": lambda client, name: client.set(name, b"\x80\x04garbage"),
    "an archive of another kind": lambda client, name: client.set(name, b"PK\x03\x04" * 10),
    "not a string": lambda client, name: client.hset(name, "field", "value"),
    "larger than MAX_BYTES": lambda client, name: client.set(
        name, b"text:" + b"x" * archive.MAX_BYTES),
}


@pytest.mark.parametrize("damage", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_or_foreign_value_is_ignored_and_rebuilt(client, redis_url, logged, damage):
    """The value under the key is not one this app wrote: it is logged once, the key is built
    here, and the good value replaces it in Redis."""
    replica, config = text_store(redis_url), TrainConfig(seed=3)
    damage(client, replica.key_name(config))
    assert replica.get_or_build(config, Builds("good")) == "good"
    assert replica.counts == {"ignored": 2, "built": 1}  # read before and after taking the lock
    assert client.get(replica.key_name(config)) == b"text:good"
    assert logged.count("ignored a model") == 1


def test_a_value_over_the_limit_is_never_read_whole(client, redis_url, logged):
    """A value of 3 x MAX_BYTES: the replica reads MAX_BYTES + 1 bytes of it at most (GETRANGE),
    as Redis's own count of bytes sent says, and ignores it (logged)."""
    replica, config = text_store(redis_url), TrainConfig(seed=4)
    client.set(replica.key_name(config), b"x" * (3 * archive.MAX_BYTES))
    before = client.info("stats")["total_net_output_bytes"]
    assert replica.get(config) is None
    sent = client.info("stats")["total_net_output_bytes"] - before
    assert archive.MAX_BYTES < sent < 2 * archive.MAX_BYTES
    assert replica.counts == {"ignored": 1} and logged.count("more than") == 1


def put_model(client, store, key, model):
    client.set(store.key_name(key), models.encode_model(model))


def test_another_configurations_model_under_the_default_key_is_ignored(client, redis_url,
                                                                        logged):
    """A 3-unit model written under the key of the default configuration (the one every visitor
    sees first): the replica does not use it (the pages would draw the wrong net), logs it once,
    trains the right one and writes it over the foreign one."""
    replica, key = model_store(redis_url), TrainConfig()
    put_model(client, replica, key, scored(TrainConfig(seed=1, hidden=3, iterations=600)))
    right = scored(key)
    got = replica.get_or_build(key, lambda: right)
    assert got is right and got.config == key
    assert logged.count("ignored a model") == 1 and replica.counts["built"] == 1
    stored = archive.loads_model(client.get(replica.key_name(key)), config=key,
                                 log_every=models.LOG_EVERY)[0]
    assert np.array_equal(stored.params.synapse_h, right.params.synapse_h)


def test_a_model_logged_at_another_interval_is_ignored(client, redis_url, logged):
    """The right configuration's run, but its log kept every 100 iterations where the app's
    models keep LOG_EVERY: ignored, logged once."""
    replica, key = model_store(redis_url), TrainConfig(hidden=3, iterations=1600)
    result = train(key, log_every=100)
    put_model(client, replica, key, models.Model(result, accuracy_curve(result)))
    assert replica.get(key) is None and replica.counts == {"ignored": 1}
    assert logged.count("ignored a model") == 1


def test_a_model_with_more_snapshots_than_its_schedule_is_ignored(client, redis_url):
    """A model of the right configuration holding 601 snapshots where its schedule keeps 201
    (a page would replay every one): ignored."""
    replica, key = model_store(redis_url), TrainConfig(iterations=600)
    model = scored(key)
    padded = dataclasses.replace(model.result, snapshot_iterations=np.arange(601),
                                 snapshots=[model.params] * 601)
    put_model(client, replica, key, models.Model(padded, model.curve))
    assert replica.get(key) is None and replica.counts["ignored"] == 1


def test_a_sweep_of_other_configurations_is_ignored(client, redis_url):
    """A sweep of two models stored under the key of three: ignored (the page would say 2 / 3)."""
    replica = shared.shared_store(shared.connect(redis_url), 4, None, "sweep",
                                  models.encode_sweep, models.decode_sweep)
    configs = tuple(TrainConfig(seed=s, iterations=300) for s in range(3))
    client.set(replica.key_name(configs), models.encode_sweep(run_sweep(configs[:2])))
    assert replica.get(configs) is None and replica.counts["ignored"] == 1
    client.set(replica.key_name(configs), models.encode_sweep(run_sweep(configs)))
    assert replica.get(configs).configs == list(configs)


def test_the_apps_models_go_through_redis_as_archives(client, redis_url):
    """A model written by one replica is read back by another, the same run and curve."""
    replica_a, replica_b = model_store(redis_url), model_store(redis_url)
    config = TrainConfig(iterations=1500, hidden=4)
    built = replica_a.get_or_build(config, lambda: scored(config))
    read = replica_b.get_or_build(config, Builds())
    assert archive.loads_model(client.get(replica_a.key_name(config)))[0].config == config
    assert np.array_equal(read.params.synapse_h, built.params.synapse_h)
    assert np.array_equal(read.result.errors, built.result.errors)
    assert read.curve.first_perfect == built.curve.first_perfect
    assert read.curve.final.accuracy == built.curve.final.accuracy
    assert replica_b.counts == {"shared": 1}


def test_two_services_on_one_redis_share_models_and_sweeps(client, redis_url):
    """Two Services (replicas, computing in process) on the same Redis: a model and a sweep
    the first computes, the second reads, the very same numbers, computing nothing."""
    first, second = Service(workers=0, redis_url=redis_url), Service(workers=0,
                                                                     redis_url=redis_url)
    try:
        config = TrainConfig(seed=3, hidden=4, iterations=1200)
        configs = [TrainConfig(seed=s, hidden=3, iterations=600) for s in range(3)]
        built = jobs.model(first, config, ANN)
        swept = jobs.sweep(first, configs, ANN)
        read = jobs.model(second, config, ANN)
        assert np.array_equal(read.params.synapse_h, built.params.synapse_h)
        assert np.array_equal(read.curve.accuracy, built.curve.accuracy)
        assert jobs.peek_sweep(second, configs).first_perfect == swept.first_perfect
        assert second.models.counts == {"shared": 1} and second.sweeps.counts == {"shared": 1}
        assert (first.models.counts, first.sweeps.counts) == ({"built": 1}, {"built": 1})
    finally:
        first.close()
        second.close()


# ---- Redis away

@pytest.mark.parametrize("where", ["tcp", "unix"])
def test_without_redis_a_replica_builds_locally_and_logs_once(logged, tmp_path, where):
    """Nothing listening at the URL (a free port, a socket file that is not there): every key is
    built here, at once, no error; the outage is logged once, not once per key."""
    replica = text_store(f"redis://127.0.0.1:{free_port()}/0" if where == "tcp"
                         else f"unix://{tmp_path}/redis.sock")
    started = time.monotonic()
    for seed in range(5):
        got = replica.get_or_build(TrainConfig(seed=seed), Builds(f"local {seed}"))
        assert got == f"local {seed}"
    assert time.monotonic() - started < 5 * shared.CONNECT_SECONDS
    assert replica.counts == {"local": 5}
    assert logged.count("does not answer") == 1


@pytest.mark.parametrize("password", [None, "wrong"], ids=["missing", "wrong"])
def test_a_redis_that_wants_another_password_counts_as_down(logged, password):
    """Redis asks for a password the URL does not give (or gives wrong): keys are built here,
    nothing raises, it is logged once, and no log line holds the password."""
    require_redis()
    process, url = start_redis()
    try:
        redis.Redis.from_url(url).config_set("requirepass", "the-right-one")
        if password:
            url = url.replace("redis://", f"redis://:{password}@")
        replica = text_store(url)
        for seed in range(3):
            assert replica.get_or_build(TrainConfig(seed=seed), Builds("local")) == "local"
        assert replica.counts == {"local": 3} and logged.count("does not answer") == 1
        assert not any("wrong" in m or "the-right-one" in m for m in logged.messages)
    finally:
        stop_redis(process)


def test_redis_stopped_and_started_again(logged, monkeypatch):
    """Redis stops mid-session: the replica goes on with its own store (one log line); once Redis
    is back and RETRY_SECONDS have passed, it shares again (and logs that)."""
    monkeypatch.setattr(shared, "RETRY_SECONDS", 0.5)
    require_redis()
    port = free_port()
    process, url = start_redis(port)
    try:
        replica = text_store(url)
        replica.get_or_build(TrainConfig(seed=1), Builds("shared"))
        stop_redis(process)
        assert replica.get_or_build(TrainConfig(seed=2), Builds("local")) == "local"
        assert replica.get_or_build(TrainConfig(seed=3), Builds("local")) == "local"
        assert logged.count("does not answer") == 1
        process, url = start_redis(port)
        time.sleep(0.6)  # the point: RETRY_SECONDS go by
        assert replica.get_or_build(TrainConfig(seed=4), Builds("shared again")) == "shared again"
        assert logged.count("answers again") == 1
        assert replica.counts == {"built": 2, "local": 2}
        assert redis.Redis.from_url(url).exists(replica.key_name(TrainConfig(seed=4)))
    finally:
        stop_redis(process)


def test_something_else_at_the_url_counts_as_redis_down(logged):
    """A server that is not Redis (here one that answers in HTTP) at the URL: keys are built
    here, nothing raises, and it is logged once."""
    import socketserver

    class Http(socketserver.BaseRequestHandler):
        def handle(self):
            self.request.recv(1024)
            self.request.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), Http) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        replica = text_store(f"redis://127.0.0.1:{server.server_address[1]}/0")
        for seed in range(3):
            assert replica.get_or_build(TrainConfig(seed=seed), Builds("local")) == "local"
        assert replica.get(TrainConfig(seed=7)) is None
        server.shutdown()
    assert replica.counts == {"local": 3}
    assert logged.count("does not answer") == 1
