"""The parts of Streamlit 1.67 the app uses that are not its public API, in one place.

Each can change without notice in a Streamlit release; tests/app/test_streamlit_internals.py
checks every one, so that an upgrade that changes one fails there, loudly, not somewhere in a
page. Nothing else in the app, the tests or the scripts reaches into Streamlit's private modules.

- `xsrf_token(cookie)`: the token inside a browser's `_streamlit_xsrf` cookie. Every tab of a
  browser shares the cookie, but its written form is masked anew on each page load, so only the
  unmasked token tells a browser again (ui.computing.visitor). No public API says who the
  browser is.
- `arrow_bytes(frame)`: a DataFrame as the Arrow IPC bytes Streamlit sends with a chart. The app
  makes each chart's specification once and keeps it (ui.drawing.spec) instead of having
  st.altair_chart convert it on every rerun; the data must be sent as Streamlit itself sends it.
- `warm_up_emoji()`: compiles Streamlit's pattern of every emoji, which it otherwise compiles
  in the first visitor's script run (0.17 s here): st.set_page_config asks whether the page icon
  is an emoji before it looks for a Material icon, though the app's icons are all Material ones.
- `logger(name)`: a logger that writes into the server's log as Streamlit's own do (the compute
  service logs through the standard library's logging, under "compute").
- `BackMsg`, `ForwardMsg`: Streamlit's websocket messages, which the load test and the replica
  tests speak as a browser does (scripts/protocol.py).
- `open_page(at, url_path)`: AppTest opens a page by its script file, and the app's pages are
  functions (st.Page(callable)): this picks the page that st.navigation registered under a URL
  path (tests only).
- `secrets_files(paths)`: st.secrets reads its files once, from the `secrets.files` option; a
  test that gives it other files sets the option and makes it read them again (tests only).
"""
import importlib
from contextlib import contextmanager

from streamlit.dataframe_util import convert_anything_to_arrow_bytes
from streamlit.logger import get_logger
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: F401 - for scripts/protocol.py
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: F401 - for scripts/protocol.py
from streamlit.web.server.starlette.starlette_app_utils import decode_xsrf_token_string

XSRF_COOKIE = "_streamlit_xsrf"


def xsrf_token(cookie):
    """The token (bytes) in an `_streamlit_xsrf` cookie's value, or None."""
    token, _ = decode_xsrf_token_string(cookie or "")
    return token


def arrow_bytes(frame):
    return convert_anything_to_arrow_bytes(frame)


def warm_up_emoji():
    importlib.import_module("streamlit.string_util").is_emoji(":material/remove:")


def logger(name):
    return get_logger(name)


def open_page(at, url_path):
    """Have AppTest `at` run the page served at /`url_path` next (AppTest keeps the page
    registry of its last run)."""
    hashes = [page_hash for page_hash, info in at._registered_pages.items()
              if info.get("url_pathname") == url_path]
    assert hashes, f"no page at /{url_path}"
    at._page_hash = hashes[0]
    return at


@contextmanager
def secrets_files(paths):
    """st.secrets read from `paths` inside the `with`, from the usual files again after."""
    import streamlit as st
    from streamlit import config
    kept = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(path) for path in paths])
    st.secrets._reset()
    try:
        yield
    finally:
        config.set_option("secrets.files", kept)
        st.secrets._reset()
