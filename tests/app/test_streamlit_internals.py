"""Each private part of Streamlit the app uses (ui/streamlit_internals.py) still does what the app
relies on: an upgrade that changes one fails here, by name."""
import binascii
import logging

import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP
from ui import streamlit_internals as internals


def test_the_xsrf_cookie_holds_its_token_masked_anew():
    """Two cookies of one browser, written as Streamlit 1.67 writes them (version 2: the token
    XOR a fresh 4-byte mask), give the same token; garbage and none give None."""
    token = bytes(range(16))

    def written(mask):
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(token))
        return f"2|{binascii.b2a_hex(mask).decode()}|{binascii.b2a_hex(masked).decode()}|1796453135"
    assert internals.xsrf_token(written(b"\x01\x02\x03\x04")) == token
    assert internals.xsrf_token(written(b"\xff\x00\xaa\x55")) == token
    assert internals.xsrf_token("not a cookie") is None and internals.xsrf_token(None) is None


def test_arrow_bytes_are_the_rows_given():
    """A DataFrame as Arrow IPC bytes that read back to the same rows."""
    frame = pd.DataFrame({"x": [1.5, 2.0], "label": ["a", "b"]})
    data = internals.arrow_bytes(frame)
    assert pa.ipc.open_stream(data).read_all().to_pylist() == frame.to_dict("records")


def test_the_emoji_pattern_compiles():
    """Streamlit's emoji check exists where the warm-up calls it."""
    internals.warm_up_emoji()


def test_the_logger_writes_as_streamlits_own():
    """logger(name) has Streamlit's handler and does not hand records up to the root logger."""
    log = internals.logger("compute")
    assert log.handlers and log.propagate is False and log.getEffectiveLevel() <= logging.INFO


def test_messages_have_the_fields_the_protocol_client_reads():
    """BackMsg.rerun_script and ForwardMsg's new_element / script_finished, as scripts/protocol.py
    uses them."""
    message = internals.BackMsg()
    message.rerun_script.page_name = "calculator"
    assert message.rerun_script.widget_states.widgets.add() is not None
    answer = internals.ForwardMsg()
    assert "script_finished" in [f.name for f in answer.DESCRIPTOR.fields]
    assert answer.delta.new_element.WhichOneof("type") is None


def test_a_page_is_opened_by_its_url_path():
    """open_page: the next run of AppTest draws the page st.navigation serves at that path."""
    at = AppTest.from_file(APP, default_timeout=120).run()
    internals.open_page(at, "calculator").run()
    assert not at.exception and at.title[0].value == "Subtraction calculator"


def test_secrets_are_read_from_the_files_given(tmp_path):
    """Inside secrets_files, st.secrets holds the files' values; after it, not."""
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('probe = "here"\n')
    with internals.secrets_files([secrets]):
        assert st.secrets.get("probe") == "here"
    assert st.secrets.load_if_toml_exists() is False or st.secrets.get("probe") is None
