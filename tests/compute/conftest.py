"""Fixtures of the compute package's tests: a redis-server of their own, a Service with worker
processes, the log lines of compute's modules."""
import logging
import os
import threading
import time

import pytest
import redis

from compute.service import Service
from scripts.redis_server import redis_missing, start_redis, stop_redis

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


def started(service, count):
    """`service`, once `count` of its worker processes are up (they start in the background)."""
    deadline = time.monotonic() + WAIT
    while len(service.pool.pids()) < count:
        assert time.monotonic() < deadline, f"{count} workers did not start"
        time.sleep(0.01)
    return service


@pytest.fixture(scope="module")
def service():
    """A compute Service with two worker processes, both up, for the module."""
    made = Service(workers=2)
    yield started(made, 2)
    made.close()


class Logged(logging.Handler):
    """The messages compute's modules log while a test runs."""

    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())

    def count(self, text):
        return sum(text in message for message in self.messages)


@pytest.fixture
def logged():
    """What the "compute" loggers (every module of the package) log during the test, from INFO
    up."""
    handler, log = Logged(), logging.getLogger("compute")
    level = log.level
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    yield handler
    log.removeHandler(handler)
    log.setLevel(level)


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


class Watch:
    """A compute Watch that records what it is told; `stop` makes its calls raise Stopped."""

    def __init__(self):
        self.places, self.progress_seen, self.others, self.retries = [], [], 0, 0
        self.stop = threading.Event()

    def _check(self):
        if self.stop.is_set():
            raise Stopped

    def waiting(self, place):
        self.places.append(place)
        self._check()

    def progress(self, done, total):
        self.progress_seen.append((done, total))
        self._check()

    def other(self):
        self.others += 1
        self._check()

    def retried(self):
        self.retries += 1


class Stopped(Exception):
    """Stands for Streamlit's rerun exception, raised in a watch's call."""
