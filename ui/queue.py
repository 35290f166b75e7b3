"""The work queue: trainings, sweeps and gradient checks take turns on the server's CPU.

Trainings, their scoring and sweeps compute in one worker process (ui.worker), which does one
request at a time; gradient checks and analyses compute in the server process, where NumPy on
matrices this small holds the GIL. Two turns at once would not finish sooner: they would wait for
each other in the worker, or slow every visitor's page down in the server. So a job computes in
short chunks, one turn per chunk, and the turns go round the visitors who are waiting, one turn
each in the order they first asked: a visitor with five tabs of long runs gets one turn in six
when five other visitors wait, and a short job waits at most one chunk of each job ahead of it,
never for a long job to end.
"""
import hashlib
import threading
from collections import OrderedDict, deque
from contextlib import contextmanager

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.web.server.starlette.starlette_app_utils import decode_xsrf_token_string

from ui.i18n import t

MAX_RUNNING = 1  # turns at once (see the module's docstring for why one)
# What one visitor may ask for, in seconds of server time as rnn.cost estimates it (its constants
# were measured on a machine like the public host's): a training with its scoring, a sweep, the
# analyses of one net; a gradient check, which the backprop page redoes for every problem, less.
JOB_SECONDS = 6.0
GRADIENT_CHECK_SECONDS = 1.0
TURN_SECONDS = 0.05  # computing time of one turn (rnn.cost's estimate): a job's chunk


class Scheduler:
    """Turns handed out round-robin over owners (visitors), first come first served within an
    owner."""

    def __init__(self, slots=MAX_RUNNING):
        self._slots = slots
        self._running = 0
        self._waiting = OrderedDict()  # owner -> deque of tickets; owners in turn order
        self._changed = threading.Condition()

    @contextmanager
    def turn(self, owner, on_wait=lambda place: None, poll=0.25):
        """Hold one turn for the body of the `with`. While waiting, `on_wait(place)` is called
        about every `poll` seconds with the owner's place in the round (1: next). It may raise
        (a rerun of a Streamlit session does): the caller then leaves the line."""
        self._wait(owner, on_wait, poll)
        try:
            yield
        finally:
            with self._changed:
                self._running -= 1
                self._changed.notify_all()

    def _wait(self, owner, on_wait, poll):
        ticket = object()
        with self._changed:
            self._waiting.setdefault(owner, deque()).append(ticket)
        try:
            while not self._take(owner, ticket, poll):
                on_wait(self.place(owner))
        except BaseException:
            with self._changed:
                self._forget(owner, ticket)
                self._changed.notify_all()
            raise

    def _take(self, owner, ticket, poll):
        """Take a turn if it is `ticket`'s and a slot is free, waiting up to `poll` seconds for
        that. It is the ticket's when its owner is first in the round and it is the owner's
        oldest. The owner then goes to the end of the round."""
        def mine():
            if self._running >= self._slots:
                return False
            first = next(iter(self._waiting))
            return first == owner and self._waiting[owner][0] is ticket
        with self._changed:
            if not self._changed.wait_for(mine, timeout=poll):
                return False
            self._forget(owner, ticket)
            if owner in self._waiting:
                self._waiting.move_to_end(owner)
            self._running += 1
            self._changed.notify_all()
            return True

    def _forget(self, owner, ticket):
        tickets = self._waiting.get(owner)
        if tickets is not None and ticket in tickets:
            tickets.remove(ticket)
            if not tickets:
                del self._waiting[owner]

    def place(self, owner):
        """Where `owner` stands in the round (1: next), or 0 when not waiting."""
        with self._changed:
            owners = list(self._waiting)
        return owners.index(owner) + 1 if owner in owners else 0

    @property
    def waiting(self):
        with self._changed:
            return sum(len(tickets) for tickets in self._waiting.values())


class Job:
    """One job's claim on the CPU: `with Job(...) as job:` takes a first turn; `job.next_turn()`
    between chunks gives the turn up and waits for the next, so that others go in between.
    `on_wait(place)` is told the job's place while it waits, and `on_wait(0)` once it goes on
    after waiting."""

    def __init__(self, scheduler, owner, on_wait):
        self.scheduler, self.owner, self.on_wait = scheduler, owner, on_wait
        self._turn = None

    def __enter__(self):
        self._take()
        return self

    def next_turn(self):
        turn, self._turn = self._turn, None
        turn.__exit__(None, None, None)
        self._take()

    def _take(self):
        waited = []

        def on_wait(place):
            waited.append(place)
            self.on_wait(place)
        turn = self.scheduler.turn(self.owner, on_wait)
        turn.__enter__()
        self._turn = turn
        if waited:
            self.on_wait(0)

    def __exit__(self, *error):
        if self._turn is not None:
            self._turn.__exit__(*error)
        return False


@st.cache_resource
def work_queue():
    return Scheduler(MAX_RUNNING)


def visitor():
    """Who is asking: the browser, else this session. Every tab of a browser shares Streamlit's
    XSRF cookie, whose token stays the same while its written form is masked anew on each page
    load; the token's hash is kept, only compared for equality, never shown."""
    token, _ = decode_xsrf_token_string(st.context.cookies.get("_streamlit_xsrf", ""))
    if token:
        return "browser:" + hashlib.sha256(token).hexdigest()[:16]
    context = get_script_run_ctx()
    return "session:" + (context.session_id if context else "none")


class PlaceShown:
    """A job's place in the queue, shown in `status` (an st.empty) while it waits, nothing after.
    It draws only when the place changes; between changes it reads the session state, which is
    where Streamlit raises the exception of a rerun or a stop the visitor asked for, so a waiting
    session leaves the line at once and costs no drawing."""

    def __init__(self, status):
        self.status, self.shown = status, 0

    def __call__(self, place):
        if place == self.shown:
            _ = "lang" in st.session_state
            return
        self.shown = place
        if place:
            self.status.info(t("queued", place=place), icon="⏳")
        else:
            self.status.empty()


def job(on_wait):
    """A Job of the current visitor on the server's work queue."""
    return Job(work_queue(), visitor(), on_wait)
