"""The server: Streamlit serving playground.py (the pages), which it warms up as it starts.

`streamlit run streamlit_app.py` finds `app` below and serves playground.py with it. As the server
starts, a thread has the worker process (ui.worker) train and score the sidebar's default net (the
book's settings) while it loads the pages' modules itself (the two take the machine's two cores),
puts that net into the model store (ui.models.warm_up), makes the start page's charts of it in
both languages and computes what the insight and backprop pages analyse of it, so that the first
visitors of the day, who open the shared link at the book's settings, wait for none of it. A
visitor who comes sooner waits for that training as for another session's. (`streamlit run
playground.py` serves the same pages without the warm-up.)
"""
import importlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

import streamlit as st
from streamlit.logger import get_logger

LOG = get_logger(__name__)

PAGES = ("train", "calculator", "backprop", "insight")


@asynccontextmanager
async def warm_up(app):
    threading.Thread(target=_warm_up, name="warm-up", daemon=True).start()
    yield


def _warm_up():
    started = time.perf_counter()
    from ui import worker  # NumPy and rnn only
    from ui.settings import DEFAULTS
    with ThreadPoolExecutor(2, thread_name_prefix="warm-up") as pool:
        # the default net, trained in the worker process while this thread loads the pages (in
        # this process when there is no worker)
        trained = pool.submit(worker.trained, DEFAULTS, worker.in_use())
        from ui import models  # Altair, pandas: most of the imports
        # ... and put into the store once it is there; the store's place for it is taken now,
        # before a visitor's script run can get past the pages' imports, so that a visitor who
        # comes meanwhile waits for this training instead of starting another
        stored = pool.submit(models.warm_up, DEFAULTS, trained.result)
        for page in PAGES:
            importlib.import_module(f"app_pages.{page}")
        LOG.info("warm-up: pages imported at %.2f s", time.perf_counter() - started)
        # the page's emoji icons: Streamlit checks them against a pattern of every emoji, which
        # it compiles on first use (0.17 s here), in the first visitor's run otherwise
        importlib.import_module("streamlit.string_util").is_emoji("➖")
        model = stored.result()
    from app_pages import train
    from ui.i18n import LANGUAGES, speaking
    LOG.info("warm-up: default net ready at %.2f s", time.perf_counter() - started)
    try:
        for language in LANGUAGES:  # the start page's charts, in either language
            with speaking(language):
                train.kept_charts(model)
    except Exception:  # noqa: BLE001  (only a smaller head start)
        LOG.exception("warm-up of the charts failed")
    try:  # what the other pages compute for the default net, before a class asks at once
        from app_pages import backprop, insight
        insight.warm_up(model)
        backprop.warm_up(model)
    except Exception:  # noqa: BLE001  (only a smaller head start)
        LOG.exception("warm-up of the analyses failed")
    LOG.info("warmed up in %.2f s", time.perf_counter() - started)


app = st.App("playground.py", lifespan=warm_up)
