"""A client of Streamlit's own websocket protocol, as a browser tab speaks it, without drawing:
what the load test and the tests of several replicas drive the app with.

`connect(url, cookie)` opens a session (with a browser's `_streamlit_xsrf` cookie it is a tab of
that browser; `browser_cookie(url)` gets one as a browser does on its first page load), and
`Session.run` asks for a script run and returns what it drew; `timed_run` reads every message of
a run into a `Visit`, with the moments a page, a metric and a training appeared.
"""
import asyncio
import time
import urllib.request

import websockets

from ui.streamlit_internals import BackMsg, ForwardMsg

TIMEOUT = 240  # s: the most one message of a run is waited for
APP_ERROR = "This app has encountered an error"


def rerun_message(page="", query="", widgets=(), press=None):
    """The BackMsg a browser sends for a script run: the page, the link's query, number inputs
    set ((widget id, value) pairs) and a button pressed (its widget id)."""
    message = BackMsg()
    message.rerun_script.page_name = page
    message.rerun_script.query_string = query
    for widget_id, value in widgets:
        state = message.rerun_script.widget_states.widgets.add()
        state.id, state.int_value = widget_id, value
    if press:
        state = message.rerun_script.widget_states.widgets.add()
        state.id, state.trigger_value = press, True
    return message.SerializeToString()


class Session:
    """One Streamlit session over its websocket, as a browser tab would hold it."""

    def __init__(self, socket):
        self.socket = socket

    async def run(self, page="", query="", widgets=(), press=None):
        """Ask for a script run (with number inputs set and a button pressed); return what it
        drew: {label: value or widget id}, and the exceptions shown."""
        await self.socket.send(rerun_message(page, query, widgets, press))
        drawn, errors = {}, []
        while True:
            answer = ForwardMsg()
            answer.ParseFromString(await asyncio.wait_for(self.socket.recv(), TIMEOUT))
            kind = answer.WhichOneof("type")
            if kind == "delta" and answer.delta.WhichOneof("type") == "new_element":
                element = answer.delta.new_element
                which = element.WhichOneof("type")
                if which == "number_input":
                    drawn[element.number_input.label] = element.number_input.id
                elif which == "metric":
                    drawn[element.metric.label] = element.metric.body
                elif which == "button":
                    drawn[element.button.label] = element.button.id
                elif which == "exception":
                    errors.append(element.exception.message)
            if kind == "script_finished":
                return drawn, errors


def connect(url, cookie=None):
    """A websocket session; with `cookie` (a browser's _streamlit_xsrf) it is a tab of that
    browser, which the app's work queue counts as one visitor."""
    headers = {"Cookie": f"_streamlit_xsrf={cookie}"} if cookie else None
    return websockets.connect(url.replace("http", "ws") + "/_stcore/stream",
                              subprotocols=["streamlit"], max_size=None,
                              additional_headers=headers)


def browser_cookie(url):
    """The XSRF cookie the server gives a new browser as its page starts: Streamlit sets it on
    the answer to the health check that the page's script makes first (not on the page itself)."""
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=30) as answer:
        for header in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == "_streamlit_xsrf":
                return rest.split(";")[0]
    return None


def line_texts():
    """What the app shows while a job waits: its place in the work queue (the catalogue's text
    up to the number) and the wait for another session training the same settings."""
    from ui.i18n import CATALOGUE
    texts = [text.split("{place}")[0] for text in CATALOGUE["queued"].values()]
    return tuple(texts + list(CATALOGUE["waiting_other_session"].values()))


class Visit:
    """One script run asked for by a session, timed from the request (`started`) to the
    script_finished ForwardMsg (`finished`), as perf_counter times; what it drew and when, the
    errors it showed, the texts of its alerts and toasts (`alerts`), and the moments of a
    training it drew:

    - `bar_at`: the progress bar first drawn (value 0): the training's first step has waited
      0.25 s in line for a worker, or has been computed (ui.models.LiveWatch);
    - `lined_up_at`, `first_turn_at`: the place in line first shown in the status above the bar
      (the app shows it once a step has waited 0.25 s) and the status cleared (a worker took the
      step: ui.computing.PageWatch.waiting(0));
    - `first_step_at`: the bar's first value above 0 (one chunk of training done);
    - `in_line`: seconds the place was shown again between later turns."""

    def __init__(self, started, line_texts):
        self.started, self.finished, self.line_texts = started, None, line_texts
        self.drawn, self.seen, self.errors, self.alerts = {}, {}, [], []
        self.bar_at = self.lined_up_at = self.first_turn_at = self.first_step_at = None
        self.status_path, self.line_since, self.in_line = None, None, 0.0

    def read(self, answer, now):
        kind = answer.WhichOneof("type")
        if kind == "delta" and answer.delta.WhichOneof("type") == "new_element":
            self.read_element(answer.delta.new_element, tuple(answer.metadata.delta_path), now)
        elif kind == "page_not_found":
            self.errors.append(f"page not found: {answer.page_not_found.page_name!r}")
        elif kind == "session_event" and answer.session_event.HasField(
                "script_compilation_exception"):
            exception = answer.session_event.script_compilation_exception
            self.errors.append(f"script compilation exception: {exception.message:.200}")
        elif kind == "script_finished":
            status = answer.script_finished
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                self.errors.append("script finished with a compile error")
            if status != ForwardMsg.FINISHED_EARLY_FOR_RERUN:  # else the rerun's end follows
                self.finished = now

    def read_element(self, element, path, now):
        which = element.WhichOneof("type")
        if which == "number_input":
            self.drawn[element.number_input.label] = element.number_input.id
        elif which == "button":
            self.drawn[element.button.label] = element.button.id
        elif which == "metric":
            self.drawn[element.metric.label] = element.metric.body
            self.seen.setdefault(element.metric.label, now)
        elif which == "exception":
            self.errors.append(f"exception shown: {element.exception.type}: "
                               f"{element.exception.message:.200}")
        elif which == "toast":
            self.alerts.append(element.toast.body)
        elif which in ("alert", "markdown"):
            body = getattr(element, which).body
            if which == "alert":
                self.alerts.append(body)
            if APP_ERROR in body:
                self.errors.append(f"{which}: {body:.200}")
            if which == "alert" and body.startswith(self.line_texts):
                self.status_path = path
                if self.first_step_at is None:
                    self.lined_up_at = self.lined_up_at or now
                elif self.line_since is None:
                    self.line_since = now
        elif which == "empty" and path == self.status_path:
            if self.first_step_at is None and self.lined_up_at is not None:
                self.first_turn_at = self.first_turn_at or now
            elif self.line_since is not None:
                self.in_line += now - self.line_since
                self.line_since = None
        elif which == "progress":
            if self.bar_at is None:
                self.bar_at = now
            if element.progress.value > 0 and self.first_step_at is None:
                self.first_step_at = now

    def since(self, moment):
        return None if moment is None else moment - self.started

    @property
    def seconds(self):
        return self.finished - self.started

    def training_start(self):
        """When the training took its first turn on the work queue: the queue place cleared if
        it was shown, else the progress bar's first drawing (it got its turn within 0.25 s);
        None when no training was drawn."""
        if self.lined_up_at is not None:
            return self.first_turn_at or self.first_step_at
        return self.bar_at


async def timed_run(session, deadline, page="", query="", widgets=()):
    """Ask `session` for a script run as Session.run does, and read every ForwardMsg of it into a
    Visit, until the script_finished message. Each message is awaited at most TIMEOUT seconds,
    and never past `deadline` (a perf_counter time)."""
    visit = Visit(time.perf_counter(), session.line_texts)
    await session.socket.send(rerun_message(page, query, widgets))
    while visit.finished is None:
        wait = min(TIMEOUT, deadline - time.perf_counter())
        try:
            if wait <= 0:
                raise asyncio.TimeoutError
            data = await asyncio.wait_for(session.socket.recv(), wait)
        except asyncio.TimeoutError:
            raise TimeoutError(f"timeout: no end of the run of page {page or 'start'!r} "
                               f"{query!r} after {time.perf_counter() - visit.started:.0f} s")
        answer = ForwardMsg()
        answer.ParseFromString(data)
        visit.read(answer, time.perf_counter())
    return visit
