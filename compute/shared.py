"""Trained models and sweeps shared by several app servers (replicas) through Redis, which is
never trusted and never waited on without a deadline.

Optional: `shared_store(url, ...)` gives a SharedStore when `url` names a Redis server
(redis://, rediss:// or unix://), else a plain compute.store.Store, with a log line saying why
(no setting, another scheme, a URL redis-py cannot read). A SharedStore is a Store, the
replica's first level (what it holds it serves without asking Redis), whose `fill`, which
Store.get_or_build calls under the key's lock for a key this replica lacks, goes to Redis first:

- a value there is read (at most archive.MAX_BYTES, with GETRANGE, so a larger foreign value is
  never read whole) and decoded by `decode(bytes, key)`, which checks it against the key (the
  same configuration) and the app's limits; anything it refuses is logged once per key and
  counts as missing (it is overwritten once the key is built);
- else the replica takes the key's lock in Redis (redis-py's Lock: SET NX with an expiry of
  LOCK_SECONDS) and builds the value here, while a thread puts the expiry back to LOCK_SECONDS
  every RENEW_SECONDS as long as the build goes on (at most MAX_HOLD_SECONDS); then it writes
  the value (its bytes, `encode(value)`, made once), with an expiry of VALUE_SECONDS, and
  releases the lock. A build that stops releases the lock without writing; a replica that dies
  leaves its lock to expire within LOCK_SECONDS;
- a replica that finds the lock taken waits, calling watch.other() and looking every
  POLL_SECONDS whether the lock is still there. A lock with no expiry (a stray SET, PERSIST) is
  given one of LOCK_SECONDS, so it is treated as expired after the lock time; and after
  WAIT_SECONDS of waiting in all the replica builds the value itself, without the lock. Once the
  lock is gone it reads the value, or, if there is none, takes the lock and builds.

Keys: "rnn-playground:v1:<kind>:<the key as canonical JSON>", the lock under
"rnn-playground:v1:lock:<kind>:..."; v1 is rnn.archive's VERSION, so archives of another version
are never read. Every key this app writes expires.

Redis down or slow: every call has short socket timeouts and no retries. The first failure of an
outage is logged (and when Redis answers again), the key is built here as without Redis, and Redis
is not asked again for RETRY_SECONDS, so visitors wait for no timeouts and see nothing.
"""
import json
import logging
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

import redis
from redis.backoff import NoBackoff
from redis.exceptions import InvalidResponse
from redis.lock import Lock
from redis.retry import Retry

from compute.store import Store
from rnn import archive
from rnn.config import TrainConfig

NAMESPACE = f"rnn-playground:v{archive.VERSION}"
SCHEMES = ("redis", "rediss", "unix")
LOCK_SECONDS = 10.0  # a lock's expiry: how long a dead replica's lock blocks the others at most
RENEW_SECONDS = 2.0  # the builder puts its lock's expiry back to LOCK_SECONDS this often
MAX_HOLD_SECONDS = 900.0  # a build that takes longer (queued behind a crowd) stops renewing
WAIT_SECONDS = 30.0  # a replica waits this long at most for another's build, then builds itself
VALUE_SECONDS = 24 * 3600  # a value's expiry, put back to this on every read by a replica
POLL_SECONDS = 0.25  # a waiting replica looks at the lock this often
CONNECT_SECONDS = 0.5  # socket timeouts: connecting...
SOCKET_SECONDS = 2.0  # ... and any one command (a value is at most 16 MiB)
RETRY_SECONDS = 5.0  # after a failure, Redis is left alone this long
LOG = logging.getLogger(__name__)


class Unavailable(Exception):
    """Redis did not answer (or is being left alone after a failure); the caller goes local."""


class Link:
    """The process's Redis client and whether Redis answers. `call` runs one command; the first
    failure of an outage is logged, and the next RETRY_SECONDS raise Unavailable at once."""

    def __init__(self, client, where):
        self.client, self.where = client, where
        self._lock = threading.Lock()
        self._down_since = None  # time.monotonic() of the outage's first failure
        self._retry_at = 0.0

    def call(self, command, *args, **kwargs):
        """`command(*args, **kwargs)`, a method of the client or of one of its locks; Unavailable
        when Redis is down. Errors that are Redis's answer (a wrong type, a script error) are
        raised as they are."""
        with self._lock:
            if self._down_since is not None and time.monotonic() < self._retry_at:
                raise Unavailable(self.where)
        try:
            result = command(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError, InvalidResponse, OSError) as error:
            # InvalidResponse: something that is not Redis answers at the URL
            self._failed(error)
            raise Unavailable(self.where) from error
        self._answered()
        return result

    def _failed(self, error):
        with self._lock:
            now = time.monotonic()
            self._retry_at = now + RETRY_SECONDS
            if self._down_since is None:
                self._down_since = now
                LOG.warning("shared store: Redis at %s does not answer (%s: %.200s); this "
                            "replica uses its own store until it does", self.where,
                            type(error).__name__, error)

    def _answered(self):
        with self._lock:
            if self._down_since is not None:
                LOG.warning("shared store: Redis at %s answers again, after %.0f s", self.where,
                            time.monotonic() - self._down_since)
                self._down_since = None


def canonical(key):
    """A store's key (a TrainConfig, or a tuple of them) as compact JSON with sorted fields."""
    def plain(value):
        if isinstance(value, TrainConfig):
            return value.as_dict()
        if isinstance(value, (tuple, list)):
            return [plain(v) for v in value]
        raise TypeError(f"no canonical form for {type(value).__name__}")
    return json.dumps(plain(key), sort_keys=True, separators=(",", ":"))


class SharedStore(Store):
    """A Store whose missing keys are looked for in Redis, built once across the replicas and
    written there (see the module's docstring). `kind` names the values ("model", "sweep");
    `encode(value)` gives bytes (or raises archive.ArchiveError: the value is then not shared),
    `decode(bytes, key)` the value (or raises: the bytes are then ignored). `counts` says how keys
    were filled: "built" here, "shared" (read from Redis), "waited" (for another replica),
    "local" (built here because Redis was down or the wait went past its deadline), "ignored"
    (refused values)."""

    def __init__(self, max_entries, max_bytes, kind, link, encode, decode):
        super().__init__(max_entries, max_bytes)
        self.kind, self.link, self.encode, self.decode = kind, link, encode, decode
        self.counts = Counter()
        self._ignored = set()  # keys whose refused values were logged already

    def key_name(self, key):
        return f"{NAMESPACE}:{self.kind}:{canonical(key)}"

    def lock_name(self, key):
        return f"{NAMESPACE}:lock:{self.kind}:{canonical(key)}"

    def get(self, key):
        """The value of `key` held here, else the one in Redis (then kept here), else None."""
        value = super().get(key)
        if value is not None:
            return value
        try:
            value = self._read(key)
        except (Unavailable, redis.RedisError):
            return None
        if value is not None:
            self.put(key, value)
        return value

    def fill(self, key, build, watch):
        try:
            value = self._read(key)
            if value is not None:
                return value
            lock, value = self._take_or_wait(key, watch)
            if value is not None:
                return value
        except Unavailable:
            self.counts["local"] += 1
            return build()
        except redis.RedisError as error:  # Redis refused a command (out of memory, ...)
            LOG.warning("shared store: Redis refused a command (%.200s); building this %s "
                        "here: %s", error, self.kind, key)
            self.counts["local"] += 1
            return build()
        if lock is None:  # waited past the deadline
            self.counts["local"] += 1
            value = build()
            self._write(key, value)
            return value
        return self._build(key, lock, build)

    def _take_or_wait(self, key, watch):
        """(the key's lock in Redis, taken, None), (None, the value) once another replica has
        built it, or (None, None) when the wait went past WAIT_SECONDS."""
        lock = Lock(self.link.client, self.lock_name(key), timeout=LOCK_SECONDS,
                    thread_local=False, raise_on_release_error=False)
        deadline = time.monotonic() + WAIT_SECONDS
        waited = False
        while not self.link.call(lock.acquire, blocking=False):
            if not waited:
                LOG.info("another replica is building this %s; waiting: %s", self.kind, key)
                self.counts["waited"] += 1
                waited = True
            while self.link.call(self.link.client.exists, lock.name):
                self._expire_if_endless(lock.name, key)
                if time.monotonic() > deadline:
                    LOG.warning("shared store: waited %.0f s for another replica's build of "
                                "this %s; building it here: %s", WAIT_SECONDS, self.kind, key)
                    return None, None
                watch.other()  # may raise: the visitor moved on
                time.sleep(POLL_SECONDS)
            value = self._read(key)
            if value is not None:
                return None, value
        value = self._read(key)  # written just before the lock we took was released?
        if value is not None:
            self._release(lock)
        return (None, value) if value is not None else (lock, None)

    def _expire_if_endless(self, name, key):
        """A lock with no expiry (never set by this app) gets LOCK_SECONDS from now."""
        if self.link.call(self.link.client.pttl, name) == -1 and self.link.call(
                self.link.client.pexpire, name, int(LOCK_SECONDS * 1000), nx=True):
            LOG.warning("shared store: the lock of this %s had no expiry; it expires in %.0f s: "
                        "%s", self.kind, LOCK_SECONDS, key)

    def _build(self, key, lock, build):
        """Build the value here while renewing `lock`; write it to Redis; release the lock."""
        stop = threading.Event()
        renewer = threading.Thread(target=self._renew, args=(lock, key, stop), daemon=True,
                                   name="redis-lock-renewal")
        renewer.start()
        try:
            value = build()
            self.counts["built"] += 1
            self._write(key, value)
            return value
        finally:
            stop.set()
            renewer.join()
            self._release(lock)

    def _renew(self, lock, key, stop):
        deadline = time.monotonic() + MAX_HOLD_SECONDS
        while not stop.wait(RENEW_SECONDS):
            if time.monotonic() > deadline:
                LOG.warning("shared store: still building this %s after %.0f s; its lock is left "
                            "to expire: %s", self.kind, MAX_HOLD_SECONDS, key)
                return
            try:
                self.link.call(lock.reacquire)
            except Unavailable:
                pass  # logged by the link; the lock expires on its own if Redis comes back late
            except redis.RedisError:  # LockNotOwnedError among them
                LOG.warning("shared store: the lock of this %s expired while it was being built "
                            "here (another replica may build it too): %s", self.kind, key)
                return

    def _release(self, lock):
        try:
            self.link.call(lock.release)
        except (Unavailable, redis.RedisError):
            pass  # the lock expires by itself

    def _read(self, key):
        """The value in Redis, decoded and checked; None if there is none or it is refused."""
        name = self.key_name(key)
        try:
            pipe = self.link.client.pipeline(transaction=False)
            pipe.getrange(name, 0, archive.MAX_BYTES)  # at most MAX_BYTES + 1 bytes
            pipe.expire(name, VALUE_SECONDS)
            data, _ = self.link.call(pipe.execute)
        except redis.ResponseError as error:  # not a string: nothing this app wrote
            return self._ignore(key, f"{error}")
        if not data:
            return None
        if len(data) > archive.MAX_BYTES:
            return self._ignore(key, f"more than {archive.MAX_BYTES} bytes")
        try:
            value = self.decode(data, key)
        except Exception as error:  # noqa: BLE001 - decode raises ArchiveError on anything
            # wrong; whatever else a foreign value might provoke must not reach a visitor either
            return self._ignore(key, f"{type(error).__name__}: {error}")
        LOG.info("%s read from the shared store: %s", self.kind, key)
        self.counts["shared"] += 1
        return value

    def _ignore(self, key, why):
        if key not in self._ignored:
            self._ignored.add(key)
            LOG.warning("shared store: ignored a %s that is damaged, foreign or beyond the app's "
                        "limits (%.200s): %s", self.kind, why, key)
        self.counts["ignored"] += 1
        return None

    def _write(self, key, value):
        try:
            data = self.encode(value)
        except archive.ArchiveError as error:
            LOG.info("shared store: this %s is not shared (%s): %s", self.kind, error, key)
            return
        try:
            self.link.call(self.link.client.set, self.key_name(key), data, ex=VALUE_SECONDS)
        except Unavailable:
            pass  # logged by the link; this replica keeps the value in its own store
        except redis.RedisError as error:  # refused (out of memory, ...)
            LOG.warning("shared store: Redis did not keep this %s (%.200s): %s", self.kind,
                        error, key)


def connect(url):
    """The Link to Redis at `url`, or None (logged) when the URL cannot name a Redis server."""
    try:
        parts = urlsplit(url)
        scheme, where = parts.scheme, f"{parts.hostname or parts.path}:{parts.port or ''}"
    except ValueError:  # a bracket left open, a port that is not a number
        scheme, where = None, None
    if scheme not in SCHEMES:
        LOG.warning("shared store: the Redis setting is %s, not a URL of %s; this replica keeps "
                    "its models in its own store", f"a {scheme}:// URL" if scheme
                    else "no URL that can be read", ", ".join(f"{s}://" for s in SCHEMES))
        return None
    where = where.rstrip(":")  # never the password
    try:
        client = redis.Redis.from_url(url, socket_timeout=SOCKET_SECONDS,
                                      socket_connect_timeout=CONNECT_SECONDS,
                                      retry=Retry(NoBackoff(), 0))
    except Exception as error:  # noqa: BLE001 - any URL redis-py cannot use means "no Redis"
        LOG.warning("shared store: the Redis URL for %s cannot be used (%s); this replica keeps "
                    "its models in its own store", where, type(error).__name__)
        return None
    LOG.info("shared store: Redis at %s", where)
    return Link(client, where)


def shared_store(link, max_entries, max_bytes, kind, encode, decode):
    """A SharedStore on `link`, or a plain Store when there is no link."""
    if link is None:
        return Store(max_entries, max_bytes)
    return SharedStore(max_entries, max_bytes, kind, link, encode, decode)
