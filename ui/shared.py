"""Values built once per server process, whoever asks first: a store kept to a fixed number of
entries (least recently used out), and `obtain`, which builds a missing entry once.

Every session of a Streamlit server runs in the same process, so a trained model or a sweep
built for one visitor serves every later visitor who asks for the same key. Replicas that share a
Redis server go one step further: their model and sweep stores are ui.redis_store.SharedStores,
whose `fill` builds a key once across all of them.
"""
import threading
from collections import OrderedDict

from ui.i18n import t


class Slot:
    """One key's place in a store: its value once built, and the lock held while building it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.value = None


class LruStore:
    """At most `capacity` slots; using a slot makes it the most recent, the oldest go first."""

    def __init__(self, capacity):
        self.capacity = capacity
        self._slots = OrderedDict()
        self._lock = threading.Lock()

    def slot(self, key):
        with self._lock:
            slot = self._slots.pop(key, None) or Slot()
            self._slots[key] = slot
            while len(self._slots) > self.capacity:
                self._slots.popitem(last=False)
            return slot

    def peek(self, key):
        """The value stored under `key`, or None; never builds."""
        return self.slot(key).value

    def fill(self, key, build, box):
        """The value of a missing `key`, called by `obtain` under the key's lock: here, built by
        `build(box)`. (ui.redis_store.SharedStore looks in the replicas' shared store first.)"""
        return build(box)

    def __len__(self):
        return len(self._slots)


def obtain(store, key, build, box):
    """The value stored under `key`, built here by `build(box)` if nobody has built it yet.

    `box` (an `st.empty`) shows what is going on: waiting for another session that builds the
    same key, then whatever `build` draws (which takes its turns on the work queue, ui.queue). A
    second session asking for a key being built waits for it instead of building it again.
    Waiting draws into `box`, a Streamlit call, so a rerun of the waiting session stops it there;
    a rerun of the building session stops `build` at its next drawing, the lock is released and
    the partial work is dropped."""
    slot = store.slot(key)
    if slot.value is not None:
        return slot.value
    while not slot.lock.acquire(timeout=0.2):
        if box is not None:  # None: a builder with no page (the server's warm-up)
            box.info(t("waiting_other_session"), icon="⏳")
    try:
        if slot.value is None:
            slot.value = store.fill(key, build, box)
    finally:
        slot.lock.release()
    return slot.value
