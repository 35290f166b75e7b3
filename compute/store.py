"""Values built once per server process, whoever asks first, kept within a number of entries and a
number of bytes: trained models, sweeps, analyses, charts.

`Store.get_or_build(key, build, watch)` gives the value of `key`, building it with `build()` if
nobody has yet; a second caller asking for a key being built waits for that build (`watch.other()`
is called while it waits, and may raise to stop waiting) instead of building it again. Using a value
makes it the most recent; past `max_entries` entries or `max_bytes` bytes (each value's size by
`size`) the least recently used are dropped. A value holds no reference back to its store or to
itself, so a dropped value is freed at once, by reference counting, not at the next garbage
collection (which the server does not run after every script: .streamlit/config.toml).

compute.shared.SharedStore is the same store, shared by replicas through Redis.
"""
import threading
import time
from collections import OrderedDict

import numpy as np

POLL_SECONDS = 0.25  # a caller waiting for another's build calls watch.other() this often
OTHER_SECONDS = 600.0  # ... and gives up after this long (the build is stuck: Overloaded)


class Overloaded(Exception):
    """A wait went past its deadline: the server is too busy for this now."""


class NoWatch:
    """A Watch that shows nothing (see compute.service.Watch)."""

    def waiting(self, place):
        pass

    def progress(self, done, total):
        pass

    def other(self):
        pass

    def retried(self):
        pass


def nbytes(value, depth=4):
    """The bytes of the NumPy arrays in `value`, looked for in its attributes, lists, tuples and
    dicts down to `depth` levels (enough for a model: its run's snapshots, its curve)."""
    if isinstance(value, np.ndarray):
        return value.nbytes
    if depth == 0 or value is None or isinstance(value, (str, bytes, int, float, bool)):
        return len(value) if isinstance(value, bytes) else 0
    if isinstance(value, dict):
        parts = value.values()
    elif isinstance(value, (list, tuple)):
        parts = value
    elif hasattr(value, "__dict__"):
        parts = vars(value).values()
    else:
        return 0
    return sum(nbytes(part, depth - 1) for part in parts)


class Slot:
    """One key's place in a store: its value once built, and the lock held while building it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.value = None
        self.size = 0


class Store:
    def __init__(self, max_entries, max_bytes=None, size=nbytes):
        self.max_entries, self.max_bytes, self.size = max_entries, max_bytes, size
        self._slots = OrderedDict()
        self._lock = threading.Lock()
        self._bytes = 0

    def __len__(self):
        with self._lock:
            return sum(slot.value is not None for slot in self._slots.values())

    @property
    def bytes(self):
        """The bytes the values held now take (by `size`)."""
        with self._lock:
            return self._bytes

    def get(self, key):
        """The value of `key` if it has been built, else None; never builds."""
        with self._lock:
            slot = self._slots.get(key)
            if slot is None or slot.value is None:
                return None
            self._slots.move_to_end(key)
            return slot.value

    def put(self, key, value):
        """Keep `value` under `key` (replacing what was there)."""
        with self._lock:
            slot = self._slots.pop(key, None) or Slot()
            self._slots[key] = slot
            self._set(slot, value)
            self._trim(key)

    def clear(self):
        with self._lock:
            self._slots.clear()
            self._bytes = 0

    def get_or_build(self, key, build, watch=None):
        """The value of `key`, built here by `build()` if nobody has built it yet (see the module's
        docstring)."""
        watch = watch or NoWatch()
        with self._lock:
            slot = self._slots.pop(key, None) or Slot()
            self._slots[key] = slot
            if slot.value is not None:
                return slot.value
        deadline = time.monotonic() + OTHER_SECONDS
        while not slot.lock.acquire(timeout=POLL_SECONDS):
            watch.other()
            if time.monotonic() > deadline:
                raise Overloaded(f"waited {OTHER_SECONDS:.0f} s for another build of {key!r}")
        try:
            if slot.value is None:
                value = self.fill(key, build, watch)
                with self._lock:
                    if self._slots.get(key) is not slot:  # dropped meanwhile: keep it anyway
                        self._slots[key] = slot
                    self._set(slot, value)
                    self._trim(key)
            return slot.value
        finally:
            slot.lock.release()

    def fill(self, key, build, watch):
        """The value of a missing `key`, called by `get_or_build` under the key's lock: here, built
        by `build()`. (compute.shared.SharedStore looks in the replicas' Redis first.)"""
        return build()

    def _set(self, slot, value):
        self._bytes -= slot.size
        slot.value, slot.size = value, self.size(value) if value is not None else 0
        self._bytes += slot.size

    def _trim(self, keep):
        """Drop the least recently used values past the bounds, never `keep`'s, nor a slot being
        built (its lock is held: its builder keeps it). Empty slots (a build that stopped) go
        first: they hold nothing and must not push values out."""
        for key in [k for k, slot in self._slots.items()
                    if slot.value is None and not slot.lock.locked() and k != keep]:
            del self._slots[key]
        for key in list(self._slots):
            over = (len(self._slots) > self.max_entries or
                    (self.max_bytes is not None and self._bytes > self.max_bytes))
            if not over:
                return
            slot = self._slots[key]
            if key == keep or slot.lock.locked():
                continue
            del self._slots[key]
            self._bytes -= slot.size
            slot.value, slot.size = None, 0
