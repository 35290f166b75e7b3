"""Where the pages meet the compute service (the `compute` package, which knows nothing of
Streamlit): the process's one Service, who the visitor is, and what a page shows while its
computing waits, goes on, or cannot be done now.

- `service()`: created once per server process (the warm-up in streamlit_app.py creates it as the
  server starts), with one worker process per usable core unless RNN_WORKERS says otherwise and
  one more for quick jobs (compute.pool), and the Redis of RNN_REDIS_URL or st.secrets'
  redis_url, when one is named.
- `visitor()`: the browser where there is one (every tab of a browser shares Streamlit's XSRF
  cookie), else the client address; the scheduler's fairness and bounds count per visitor.
- `PageWatch`: a compute Watch drawn in a page: the place in line while a job waits, "another
  visitor is computing this", a short notice when a worker was lost and the job went on
  elsewhere. Streamlit raises inside these calls when the visitor has moved on (a rerun): the job
  then leaves the line at once.
- `guarded(box, compute)`: the value of `compute()`, or None with a message in `box`, in the
  page's language, when it was refused (too many jobs), the server is too busy, or it failed.
"""
import hashlib
import os
import threading

import streamlit as st

from compute import jobs
from compute.service import Overloaded, Refused, Service, TaskFailed, Visitor, WorkerLost
from ui.i18n import t
from ui.streamlit_internals import XSRF_COOKIE, logger, xsrf_token

REDIS_SETTING, REDIS_SECRET = "RNN_REDIS_URL", "redis_url"  # environment, or st.secrets
LOG = logger(__name__)
_made = []  # the process's one Service, once made
_making = threading.Lock()


def service():
    """The process's compute service, made on first use."""
    with _making:
        if not _made:
            logger("compute")  # the service's log lines in the server's log, written as
            # Streamlit writes its own (compute's loggers propagate to this one)
            _made.append(Service(redis_url=redis_url(), quick=True))
        return _made[0]


def redis_url():
    """The Redis URL of the shared store, or None: RNN_REDIS_URL, else st.secrets' redis_url. A
    secrets file that cannot be read counts as none (logged)."""
    url = os.environ.get(REDIS_SETTING, "").strip()
    if not url:
        try:
            if st.secrets.load_if_toml_exists():
                url = str(st.secrets.get(REDIS_SECRET, "")).strip()
        except Exception as error:  # noqa: BLE001 - a broken secrets file must not stop the app
            LOG.warning("could not read st.secrets (%s); no shared store", type(error).__name__)
    return url or None


def visitor():
    """Who is asking: the browser (its XSRF cookie's token, hashed: kept only for equality, never
    shown), else the client address."""
    token = xsrf_token(st.context.cookies.get(XSRF_COOKIE))
    address = st.context.ip_address or "local"
    if token:
        return Visitor("browser:" + hashlib.sha256(token).hexdigest()[:16], address)
    return Visitor("address:" + address, address)


class PageWatch:
    """A compute Watch drawn into `status` (an st.empty): see the module's docstring. It draws
    only when what it shows changes; between changes it reads the session state, which is where
    Streamlit raises the exception of a rerun or a stop the visitor asked for."""

    def __init__(self, status):
        self.status, self.shown, self.told = status, None, False

    def _show(self, what, draw):
        if what == self.shown:
            _ = "lang" in st.session_state
            return
        self.shown = what
        draw()

    def waiting(self, place):
        self._show(("place", place), lambda: self.status.info(
            t("queued", place=place), icon=":material/hourglass_top:") if place
            else self.status.empty())

    def progress(self, done, total):
        _ = "lang" in st.session_state

    OTHER = "waiting_other_result"  # what `other` says

    def other(self):
        self._show("other", lambda: self.status.info(t(self.OTHER),
                                                     icon=":material/hourglass_top:"))

    def retried(self):
        if not self.told:  # once a job, however many of its steps went on elsewhere
            self.told = True
            st.toast(t("worker_replaced"), icon=":material/sync:")


def guarded(box, compute):
    """`compute()`, or None when it cannot be done now: then `box` says why, in the page's
    language (the visitor's other jobs, the server too busy, or a computation that failed)."""
    try:
        return compute()
    except Refused as refused:
        box.warning(t(f"refused_{refused.reason}", limit=refused_limit(refused.reason)),
                    icon=":material/hourglass_top:")
    except Overloaded:
        box.warning(t("overloaded"), icon=":material/hourglass_top:")
    except (WorkerLost, TaskFailed) as failure:
        LOG.warning("a computation failed: %s", failure)
        box.error(t("compute_failed"), icon=":material/error:")
    return None


def refused_limit(reason):
    scheduler = service().scheduler
    return {"visitor": scheduler.per_visitor, "address": scheduler.per_address,
            "total": scheduler.total}[reason]


def once(key, work, estimate, box=None):
    """The value kept under `key`, else computed once in the pool and kept: `work` an rnn.steps
    generator or jobs.one(function, *args). Its waiting is shown in `box` (default: a place
    here). None, with a message, when it cannot be done now."""
    box = box or st.empty()
    value = guarded(box, lambda: jobs.derived(service(), key, work, visitor(), estimate,
                                              PageWatch(box)))
    if value is not None:
        box.empty()
    return value


def derived(model, name, work, estimate, box=None):
    """What a page derives from `model` (an analysis...): `once` under the net's key and `name`."""
    return once((model.key, name), work, estimate, box)


def call(function, *args, box=None):
    """`function(*args)` (a compute task) computed in the pool now, for this visitor; None, with
    a message, when it cannot be done now."""
    box = box or st.empty()
    value = guarded(box, lambda: service().call(function, *args, visitor=visitor(),
                                                watch=PageWatch(box)))
    if value is not None:
        box.empty()
    return value
