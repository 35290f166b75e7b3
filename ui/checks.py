"""Gradient checks of the backprop page: bounded in server time, taking turns on the work queue,
stopped with the session, and kept per process (the same net and problem are checked once)."""
import hashlib

import streamlit as st

from rnn import cost
from rnn.model import WEIGHT_NAMES
from rnn.replay import check_gradients
from ui import queue
from ui.i18n import t
from ui.shared import LruStore, obtain

MAX_CHECKS = 64  # gradient checks kept per process


@st.cache_resource
def check_store():
    return LruStore(MAX_CHECKS)


def digest(params):
    """A short fingerprint of the weights, to know a net again."""
    hasher = hashlib.sha256()
    for name in WEIGHT_NAMES:
        hasher.update(getattr(params, name).tobytes())
    return hasher.hexdigest()


def gradient_check(params, a, b, bits, box):
    """The check of `params` on a - b: every weight when that fits in the queue's
    GRADIENT_CHECK_SECONDS, else a random sample of as many as fit (the same sample for the same
    problem)."""
    budget = cost.weights_within(queue.GRADIENT_CHECK_SECONDS, params.hidden, bits)

    def build(box):
        with box.container():
            status = st.empty()
            bar = st.progress(0.0, text=t("bp_gradcheck_progress", done=0, total=budget))
        with queue.job(queue.PlaceShown(status)) as job:
            def progress(done, total):
                bar.progress(done / total, text=t("bp_gradcheck_progress", done=done,
                                                  total=total))
                job.next_turn()
            return check_gradients(params, a, b, bits, budget=budget, seed=a ^ b,
                                   progress=progress)
    return obtain(check_store(), (digest(params), a, b, bits), build, box)
