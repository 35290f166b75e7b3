"""Trained weights out (download) and in (upload), in the format of `python -m rnn --save`."""
import dataclasses

import streamlit as st

from rnn import weights
from ui import models
from ui.i18n import t
from ui.keys import folded, scoped


def download_button(model):
    config = model.config
    st.download_button(
        t("download_weights"), weights.to_npz_bytes(model.params, config),
        file_name=f"rnn-subtraction-seed{config.seed}-h{config.hidden}-b{config.bits}"
                  f"-{config.iterations}.npz",
        mime="application/octet-stream", help=t("download_help"), key="download_weights")


def upload_box(model, key):
    """`model_in_use` in an expander at the end of the page, folded away: its uploader is drawn
    only when the expander is open or a file is in use (a closed one would cost every visit the
    browser the uploader's drawing)."""
    with folded(t("upload_title"), scoped(key, "box")) as box:
        if box.open or st.session_state.get(key) is not None:
            return model_in_use(model, key)
    return model


def model_in_use(model, key):
    """The net the visitor uploaded on this page, checked, when there is one (`upload_note` says
    so at the top of the page); else `model`, the sidebar's. A refused file gets a message saying
    why."""
    file = st.file_uploader(t("upload_weights"), type=["npz"], key=key, help=t("upload_help"))
    if file is None:
        return model
    kept = st.session_state.get(scoped(key, "model"))
    if kept is not None and kept[0] == file.file_id:
        uploaded = kept[1]
    else:
        try:
            params, config = weights.load(file.getvalue())
        except weights.WeightsError as error:
            st.error(t(f"weights_{error.reason}"), icon=":material/do_not_disturb_on:")
            return model
        config = config or dataclasses.replace(model.config, hidden=params.hidden)
        uploaded = models.from_weights(params, config)
        st.session_state[scoped(key, "model")] = (file.file_id, uploaded)
    return uploaded


def upload_note(model):
    """At the top of a page that took an uploaded net: say so, with its size (the upload itself
    sits folded away at the end of the page)."""
    if model.uploaded:
        st.info(t("using_upload", hidden=model.config.hidden, bits=model.config.bits),
                icon=":material/upload_file:")
