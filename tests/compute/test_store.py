"""compute/store.py: values built once, kept within entries and bytes, freed at once."""
import gc
import threading
import weakref

import numpy as np
import pytest

from compute.store import Store, nbytes
from tests.compute.conftest import WAIT, Stopped, Watch, in_thread


class Value:
    """A stored value holding `size` bytes of arrays (weakly referenceable, unlike an array)."""

    def __init__(self, size=8):
        self.array = np.zeros(size // 8)


def test_at_most_max_entries_the_least_recently_used_dropped():
    """Three entries at most: using a value makes it the most recent; the oldest goes."""
    store = Store(max_entries=3)
    for key in "abc":
        store.put(key, Value())
    assert store.get("a") is not None  # used: now the most recent
    store.put("d", Value())
    assert store.get("b") is None and all(store.get(k) is not None for k in "acd")
    assert len(store) == 3


def test_at_most_max_bytes():
    """1,000 bytes at most: values of 400 bytes, the third pushes the first out."""
    store = Store(max_entries=10, max_bytes=1000)
    for key in "abc":
        store.put(key, Value(400))
    assert store.get("a") is None and store.bytes == 800


def test_nbytes_counts_a_models_arrays():
    """nbytes finds arrays in attributes, lists and dicts: a list of Params-like objects too."""
    value = {"weights": [Value(80), Value(160)], "errors": np.zeros(5)}
    assert nbytes(value) == 80 + 160 + 40


def test_a_dropped_value_is_freed_at_once():
    """With the garbage collector off, a value dropped from the store is gone at once (nothing
    refers to it in a cycle), so memory does not wait for a collection."""
    store = Store(max_entries=1)
    value = Value(1 << 20)
    alive = weakref.ref(value)
    store.put("a", value)
    del value
    gc.disable()
    try:
        store.put("b", Value())
        assert alive() is None
    finally:
        gc.enable()


def test_obtain_builds_once_for_callers_at_once():
    """Two threads ask for a key at once: it is built once, both get that value."""
    store, calls, release = Store(4), [], threading.Event()

    def build():
        calls.append(1)
        assert release.wait(WAIT)
        return Value()
    first, first_got = in_thread(store.obtain, "k", build)
    watch = Watch()
    second, second_got = in_thread(store.obtain, "k", build, watch)
    deadline = threading.Event()
    while watch.others == 0:  # the second waits for the first's build, telling its watch
        assert not deadline.wait(0.05) and first.is_alive()
    release.set()
    for thread in (first, second):
        thread.join(WAIT)
    assert len(calls) == 1 and first_got["value"] is second_got["value"]


def test_a_waiter_that_moves_on_leaves_the_builder_be():
    """The second caller's watch raises (its visitor moved on): it stops waiting at once; the
    first's build goes on and is kept."""
    store, release, started = Store(4), threading.Event(), threading.Event()

    def build():
        started.set()
        assert release.wait(WAIT)
        return Value()
    first, first_got = in_thread(store.obtain, "k", build)
    assert started.wait(WAIT)
    watch = Watch()
    watch.stop.set()
    with pytest.raises(Stopped):
        store.obtain("k", build, watch)
    release.set()
    first.join(WAIT)
    assert store.get("k") is first_got["value"]


def test_a_key_being_built_is_not_dropped():
    """While a key is built, new keys past the bound drop others, never the one being built."""
    store, release, started = Store(max_entries=2), threading.Event(), threading.Event()

    def build():
        started.set()
        assert release.wait(WAIT)
        return Value()
    builder, got = in_thread(store.obtain, "slow", build)
    assert started.wait(WAIT)
    for key in "abc":
        store.put(key, Value())
    release.set()
    builder.join(WAIT)
    assert store.get("slow") is got["value"]
