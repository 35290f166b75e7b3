"""compute/store.py: values built once, kept within entries and bytes, freed at once."""
import gc
import threading
import weakref

import numpy as np
import pytest

from compute import store as storing
from compute.models import Model
from compute.store import Overloaded, Store, nbytes
from rnn import TrainConfig, train
from rnn.curve import accuracy_curve
from rnn.model import WEIGHT_NAMES
from tests.compute.conftest import WAIT, Stopped, Watch, in_thread


class Value:
    """A stored value holding `size` bytes of arrays (weakly referenceable, unlike an array)."""

    def __init__(self, size=8):
        self.array = np.zeros(size // 8)


@pytest.fixture
def no_gc():
    """The garbage collector off for the test: what is freed is freed by reference counting."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def test_at_most_max_entries_the_least_recently_used_dropped():
    """Three entries at most: using a value makes it the most recent; the oldest goes."""
    store = Store(max_entries=3)
    for key in "abc":
        store.put(key, Value())
    assert store.get("a") is not None  # used: now the most recent
    store.put("d", Value())
    assert store.get("b") is None and all(store.get(k) is not None for k in "acd")
    assert len(store) == 3


def test_obtain_counts_as_a_use():
    """A value obtained again (not rebuilt) becomes the most recent too."""
    store = Store(max_entries=2)
    first = store.get_or_build("a", Value)
    store.get_or_build("b", Value)
    assert store.get_or_build("a", Value) is first
    store.get_or_build("c", Value)
    assert store.get("b") is None and store.get("a") is first


def test_at_most_max_bytes_the_least_recently_used_dropped():
    """1,000 bytes at most: of three values of 400 bytes the least recently used goes."""
    store = Store(max_entries=10, max_bytes=1000)
    for key in "ab":
        store.put(key, Value(400))
    assert store.get("a") is not None  # used: b is now the least recent
    store.put("c", Value(400))
    assert store.get("b") is None and store.get("a") is not None and store.get("c") is not None
    assert store.bytes == 800 and len(store) == 2


def test_a_replaced_value_counts_its_own_bytes():
    """put() over a key counts the new value's bytes, not both."""
    store = Store(max_entries=10, max_bytes=10_000)
    store.put("a", Value(4000))
    store.put("a", Value(800))
    assert store.bytes == 800 and len(store) == 1


def test_nbytes_counts_a_models_arrays():
    """nbytes finds arrays in attributes, lists and dicts: a list of Params-like objects too."""
    value = {"weights": [Value(80), Value(160)], "errors": np.zeros(5)}
    assert nbytes(value) == 80 + 160 + 40


def test_nbytes_of_a_trained_model_is_every_array_it_holds():
    """A Model as the service stores it: its weights, snapshots, errors, log and curve, every
    array counted (added up here field by field)."""
    result = train(TrainConfig(seed=2, hidden=5, iterations=1600))
    model = Model(result, accuracy_curve(result))
    params = [result.params, *result.snapshots]
    expected = sum(getattr(p, name).nbytes for p in params for name in WEIGHT_NAMES)
    expected += result.errors.nbytes + result.snapshot_iterations.nbytes
    expected += sum(e.prediction.nbytes + e.target.nbytes for e in result.log)
    curve = model.curve
    expected += curve.iterations.nbytes + curve.accuracy.nbytes + curve.final.per_bit.nbytes
    assert len(result.log) == 2 and len(result.snapshots) == 201
    assert nbytes(model) == expected


def test_a_dropped_value_is_freed_at_once(no_gc):
    """With the garbage collector off, a value dropped from the store, by the entries' bound,
    the bytes' bound, a put over it or clear(), is gone at once (nothing refers to it in a
    cycle), so memory does not wait for a collection."""
    store = Store(max_entries=2, max_bytes=3 << 20)
    alive = []
    for key in "abcd":
        value = Value(1 << 20)
        alive.append(weakref.ref(value))
        store.put(key, value)
        del value
    assert [ref() is None for ref in alive] == [True, True, False, False]  # by entries
    store.put("big", Value(2 << 20))  # 3 MiB with d's 1 MiB: c (least recent) goes
    assert alive[2]() is None and alive[3]() is not None
    store.put("d", Value(8))
    assert alive[3]() is None  # replaced
    left = weakref.ref(store.get("big"))
    store.clear()
    assert left() is None and store.bytes == 0


def test_a_value_obtained_then_dropped_is_freed_at_once(no_gc):
    """A value built through get_or_build() (a waiter's watch told meanwhile) holds nothing back to
    the store or its build: once dropped it is freed at once."""
    store, release = Store(max_entries=1), threading.Event()

    def build():
        assert release.wait(WAIT)
        return Value(1 << 20)
    builder, got = in_thread(store.get_or_build, "a", build)
    watch = Watch()
    waiter, waited = in_thread(store.get_or_build, "a", build, watch)
    deadline = threading.Event()
    while watch.others == 0:
        assert not deadline.wait(0.02) and builder.is_alive()
    release.set()
    for thread in (builder, waiter):
        thread.join(WAIT)
    alive = weakref.ref(got["value"])
    assert waited["value"] is got["value"]
    del got["value"], waited["value"]
    store.get_or_build("b", Value)
    assert alive() is None


def test_obtain_builds_once_for_callers_at_once():
    """Two threads ask for a key at once: it is built once, both get that value."""
    store, calls, release = Store(4), [], threading.Event()

    def build():
        calls.append(1)
        assert release.wait(WAIT)
        return Value()
    first, first_got = in_thread(store.get_or_build, "k", build)
    watch = Watch()
    second, second_got = in_thread(store.get_or_build, "k", build, watch)
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
    first, first_got = in_thread(store.get_or_build, "k", build)
    assert started.wait(WAIT)
    watch = Watch()
    watch.stop.set()
    with pytest.raises(Stopped):
        store.get_or_build("k", build, watch)
    assert first.is_alive()
    release.set()
    first.join(WAIT)
    assert store.get("k") is first_got["value"]


def test_a_wait_past_its_deadline_is_overloaded(monkeypatch):
    """A waiter whose builder takes longer than OTHER_SECONDS (0.3 s here) gives up with
    Overloaded; the builder goes on and its value is kept."""
    monkeypatch.setattr(storing, "OTHER_SECONDS", 0.3)
    store, release, started = Store(4), threading.Event(), threading.Event()

    def build():
        started.set()
        assert release.wait(WAIT)
        return Value()
    first, first_got = in_thread(store.get_or_build, "k", build)
    assert started.wait(WAIT)
    with pytest.raises(Overloaded):
        store.get_or_build("k", build)
    release.set()
    first.join(WAIT)
    assert store.get("k") is first_got["value"]


def test_a_build_that_raises_keeps_nothing_and_the_next_caller_builds():
    """The builder's build raises (its visitor moved on): nothing is kept; a caller that was
    waiting for it builds the value itself, once."""
    store, release, started = Store(4), threading.Event(), threading.Event()

    def fails():
        started.set()
        assert release.wait(WAIT)
        raise Stopped
    builds = []

    def succeeds():
        builds.append(1)
        return Value()
    first, first_got = in_thread(store.get_or_build, "k", fails)
    assert started.wait(WAIT)
    second, second_got = in_thread(store.get_or_build, "k", succeeds)
    release.set()
    for thread in (first, second):
        thread.join(WAIT)
    assert isinstance(first_got["error"], Stopped)
    assert second_got["value"] is store.get("k") and builds == [1]


def test_abandoned_builds_do_not_push_built_values_out():
    """Builds that raised (visitors who moved on mid-training) keep no entry: two of them, then
    a second value, in a store of two entries, leave both values there."""
    def abandoned():
        raise Stopped
    store = Store(max_entries=2)
    kept = store.get_or_build("a", Value)
    for key in ("x", "y"):
        with pytest.raises(Stopped):
            store.get_or_build(key, abandoned)
    store.get_or_build("b", Value)
    assert store.get("a") is kept and len(store) == 2


def test_a_key_being_built_is_not_dropped():
    """While a key is built, new keys past the bound drop others, never the one being built."""
    store, release, started = Store(max_entries=2), threading.Event(), threading.Event()

    def build():
        started.set()
        assert release.wait(WAIT)
        return Value()
    builder, got = in_thread(store.get_or_build, "slow", build)
    assert started.wait(WAIT)
    for key in "abc":
        store.put(key, Value())
    release.set()
    builder.join(WAIT)
    assert store.get("slow") is got["value"]
