"""The server: Streamlit serving playground.py (the pages), which it warms up as it starts.

`streamlit run streamlit_app.py` finds `app` below and serves playground.py with it. As the server
starts, a thread trains the sidebar's default net (the book's settings) into the model store and
loads what drawing a page needs (ui.models.warm_up), so the first visitor of the day, who opens
the shared link at the book's settings, does not wait for either. A visitor who comes sooner
waits for that training as for another session's. (`streamlit run playground.py` serves the same
pages without the warm-up.)
"""
import importlib
import threading
from contextlib import asynccontextmanager

import streamlit as st

PAGES = ("train", "calculator", "backprop", "insight")


@asynccontextmanager
async def warm_up(app):
    def work():
        for page in PAGES:  # the pages' modules, and with them Altair, pandas and NumPy
            importlib.import_module(f"app_pages.{page}")
        from ui.models import warm_up
        warm_up()
    threading.Thread(target=work, name="warm-up", daemon=True).start()
    yield


app = st.App("playground.py", lifespan=warm_up)
