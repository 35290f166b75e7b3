"""The server: Streamlit serving playground.py (the pages), which it warms up as it starts.

`streamlit run streamlit_app.py` finds `app` below and serves playground.py with it. As the server
starts, a thread starts the compute service (ui.computing: its worker processes load NumPy and rnn)
and has it train and score the sidebar's default net (the book's settings) while the thread
loads the pages' modules; then it makes the start page's charts of that net in both languages and
has the pool compute what the insight and backprop pages analyse of it, so that the first
visitors of the day, who open the shared link at the book's settings, wait for none of it; and it
measures this machine's speed (rnn.cost.calibrate), to which the job limits are scaled. A
visitor who comes sooner waits for that training as for another session's. (`streamlit run
playground.py` serves the same pages without the warm-up.)
"""
import importlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

import streamlit as st

from ui.streamlit_internals import logger, warm_up_emoji

LOG = logger(__name__)

PAGES = ("train", "calculator", "backprop", "insight")


@asynccontextmanager
async def warm_up(app):
    threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
    yield


def _warm_up():
    started = time.perf_counter()
    from compute import jobs  # NumPy and rnn only
    from ui import computing
    from ui.settings import DEFAULTS
    service = computing.service()
    with ThreadPoolExecutor(1, thread_name_prefix="warm-up") as pool:
        # the default net, trained in the pool while this thread loads the pages; the store's
        # place for it is taken at once, so that a visitor who comes meanwhile waits for this
        # training instead of starting another
        trained = pool.submit(jobs.warm_model, service, DEFAULTS)
        for page in PAGES:
            importlib.import_module(f"app_pages.{page}")
        LOG.info("warm-up: pages imported at %.2f s", time.perf_counter() - started)
        # Streamlit checks the page icon against a pattern of every emoji (before it sees a
        # Material icon), which it compiles on first use (0.17 s here), in the first visitor's run
        warm_up_emoji()
        try:
            model = trained.result()
        except Exception:  # noqa: BLE001  (the server serves on without the head start)
            LOG.exception("warm-up: training the default net failed")
            return
    from app_pages import backprop, insight, train
    from rnn import cost
    from ui import drawing
    from ui.i18n import LANGUAGES, speaking
    LOG.info("warm-up: default net ready at %.2f s", time.perf_counter() - started)
    # the job limits in seconds of this machine: its speed against rnn.cost's constants, measured
    # while the workers are idle (the default net is trained, the analyses not yet asked for)
    LOG.info("this machine takes %.3fx the time of %s (rnn.cost); job limits scaled to it",
             cost.calibrate(), cost.CALIBRATED_ON)
    try:
        drawing.warm_up()
        for language in LANGUAGES:  # the start page's charts, in either language
            with speaking(language):
                train.stored_charts(model)
    except Exception:  # noqa: BLE001  (only a smaller head start)
        LOG.exception("warm-up of the charts failed")
    try:  # what the other pages compute for the default net, before a class asks at once
        insight.warm_up(service, model)
        backprop.warm_up(service, model)
    except Exception:  # noqa: BLE001  (only a smaller head start)
        LOG.exception("warm-up of the analyses failed")
    LOG.info("warmed up in %.2f s", time.perf_counter() - started)


app = st.App("playground.py", lifespan=warm_up)
