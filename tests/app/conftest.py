from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


@pytest.fixture
def app():
    """A fresh AppTest of the entry script; the process-wide model store is kept between tests
    (as on a server), since training the default model is part of what is tested once."""
    def make(query=None, locale=None):
        test = AppTest.from_file(APP, default_timeout=60)
        for name, value in (query or {}).items():
            test.query_params[name] = value
        if locale:
            test.context["locale"] = locale
        return test
    return make


@pytest.fixture
def open_page(app):
    """Load the app (training the configuration if needed), then switch to `page`."""
    def load(page, query=None):
        at = app(query).run()
        at.switch_page(page).run()
        assert not at.exception
        return at
    return load


@pytest.fixture
def fresh_store():
    """An empty model store, for tests about training itself."""
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()
