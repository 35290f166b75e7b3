"""The server: Streamlit serving playground.py (the pages), which it warms up as it starts.

`streamlit run streamlit_app.py` finds `app` below and serves playground.py with it. As the server
starts, a thread loads the pages' modules, trains the sidebar's default net (the book's
settings) into the model store (ui.models.warm_up), makes the start page's charts of it in both
languages, starts the worker process and computes what the insight and backprop pages analyse of
that net, so the first visitors of the day, who open the shared link at the book's settings,
wait for none of it. A visitor who comes sooner
waits for that training as for another session's. (`streamlit run playground.py` serves the same
pages without the warm-up.)
"""
import importlib
import threading
import time
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
    for page in PAGES:  # the pages' modules, and with them Altair, pandas and NumPy
        importlib.import_module(f"app_pages.{page}")
    # the page's emoji icons: Streamlit checks them against a pattern of every emoji, which it
    # compiles on first use (0.17 s here), in the first visitor's run otherwise
    importlib.import_module("streamlit.string_util").is_emoji("➖")
    from app_pages import train
    from ui.i18n import LANGUAGES, speaking
    from ui.models import warm_up
    model = warm_up()
    try:  # the worker process (ui.worker), started now rather than by the first training
        from ui import worker
        if worker.in_use() is not None:
            worker.in_use().request({"op": "hello"})
    except Exception:  # noqa: BLE001  (the first training starts it, or computes here)
        LOG.exception("the worker did not start")
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
