"""Trained weights out (download) and in (upload), in the format of `python -m rnn --save`."""
import streamlit as st

from rnn import weights
from ui.i18n import t


def download_button(model):
    config = model.result.config
    st.download_button(
        t("download_weights"), weights.to_npz_bytes(model.params, config),
        file_name=f"rnn-subtraction-seed{config.seed}-h{config.hidden}-b{config.bits}"
                  f"-{config.iterations}.npz",
        mime="application/octet-stream", help=t("download_help"), key="download_weights")


def uploaded_weights(key):
    """Weights the user uploaded on this page, checked: (Params, TrainConfig or None), or None
    when there is no file or it was refused (then a message says why)."""
    file = st.file_uploader(t("upload_weights"), type=["npz"], key=key, help=t("upload_help"))
    if file is None:
        return None
    try:
        return weights.load(file.getvalue())
    except weights.WeightsError as error:
        st.error(t(f"weights_{error.reason}", detail=str(error)[:200]), icon="🚫")
        return None
