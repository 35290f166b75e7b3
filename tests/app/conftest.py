from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from ui import streamlit_internals
from ui.computing import service
from ui.drawing import KEPT

APP = str(Path(__file__).resolve().parents[2] / "playground.py")


def switch_to(at, url_path):
    """Open the page served at /`url_path` on the next run (AppTest.switch_page finds pages by
    file, and ours are functions: ui.streamlit_internals.open_page)."""
    return streamlit_internals.open_page(at, url_path)


def draw_page(name, model):
    """AppTest script: the page of app_pages/`name`.py drawn for `model`, a ui.models.Model."""
    import importlib

    importlib.import_module(f"app_pages.{name}").render(model)


@pytest.fixture
def app():
    """A fresh AppTest of the entry script; the process-wide model store is kept between tests
    (as on a server), since training the default model is part of what is tested once."""
    def make(query=None, locale=None):
        test = AppTest.from_file(APP, default_timeout=120)
        for name, value in (query or {}).items():
            test.query_params[name] = value
        if locale:
            test.context["locale"] = locale
        return test
    return make


@pytest.fixture
def open_page(app):
    """Load the app (training the configuration if needed), then open the page at /`url_path`."""
    def load(url_path, query=None):
        at = app(query).run()
        switch_to(at, url_path).run()
        assert not at.exception
        return at
    return load


@pytest.fixture
def page_of():
    """A page as a function of its model: page `name` drawn for `model` (a ui.models.Model)."""
    def make(name, model, query=None):
        at = AppTest.from_function(draw_page, default_timeout=120, args=(name, model))
        for key, value in (query or {}).items():
            at.query_params[key] = value
        return at.run()
    return make


@pytest.fixture
def fresh_store():
    """Empty stores, for tests about training itself."""
    def clear():
        st.cache_resource.clear()
        for store in (service().models, service().sweeps, service().results, KEPT):
            store.clear()
    clear()
    yield
    clear()
