"""The work queue: at most MAX_RUNNING trainings or sweeps compute at once in a server process;
the others wait their turn, first come first served, and see their place in line."""
import threading
from contextlib import contextmanager

import streamlit as st

MAX_RUNNING = 1  # NumPy on matrices this small holds the GIL, so a second training at once would
# not run faster, only slow every other visitor down


class Gate:
    """At most `slots` holders at once; the others wait in the order they came."""

    def __init__(self, slots):
        self._slots = slots
        self._running = 0
        self._queue = []  # tickets of the waiting callers, oldest first
        self._changed = threading.Condition()

    @contextmanager
    def enter(self, on_wait, poll=0.25):
        """Hold a slot for the body of the `with`. Only the first in line takes a free slot.
        While waiting, `on_wait(place)` is called about every `poll` seconds with the caller's
        place in line (1: next); it may raise (a rerun of a Streamlit session does), and the
        caller then leaves the line."""
        ticket = object()
        with self._changed:
            self._queue.append(ticket)
        try:
            while not self._take(ticket, poll):
                with self._changed:
                    place = self._queue.index(ticket) + 1
                on_wait(place)
        except BaseException:
            with self._changed:
                self._queue.remove(ticket)
                self._changed.notify_all()
            raise
        try:
            yield
        finally:
            with self._changed:
                self._running -= 1
                self._changed.notify_all()

    def _take(self, ticket, poll):
        """Take a slot if `ticket` is first in line and a slot is free, waiting up to `poll`
        seconds for that; True when taken."""
        with self._changed:
            ready = self._changed.wait_for(
                lambda: self._queue[0] is ticket and self._running < self._slots, timeout=poll)
            if ready:
                self._queue.pop(0)
                self._running += 1
                self._changed.notify_all()
            return ready

    @property
    def waiting(self):
        return len(self._queue)


@st.cache_resource
def work_queue():
    return Gate(MAX_RUNNING)
