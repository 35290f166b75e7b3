"""Operate on the net (the calculator and the backprop walk): switch hidden units off, set one
weight, see the answer and the walk change at once, reset, and train on from there (rnn.operate,
in the pool). The operation lives in the session, per hidden size, so both pages show the same
operated net."""
import dataclasses

import numpy as np
import streamlit as st

from compute import jobs
from compute.models import digest
from rnn import cost, evaluate, operate
from ui import charts, computing, drawing
from ui.i18n import Text, t
from ui.keys import folded, scoped

TRAIN_ON = (100, 200, 500, 1_000, 2_000, 5_000)  # iterations a visitor may train on
KEYS = ("op_off", "op_weight", "op_matrix", "op_row", "op_column", "op_value")


def keys(hidden):
    return {name: scoped(name, hidden) for name in KEYS}


def reset(hidden):
    """The net as trained: every operation of this hidden size forgotten."""
    for key in keys(hidden).values():
        for name in [k for k in st.session_state if k == key or k.startswith(key + "_")]:
            del st.session_state[name]


def controls(params, page):
    """The operation chosen in an expander (open when the page is drawn with an operation on;
    `page` names the expander's state, its own on each page, which Streamlit drops when the page
    is left): (off units, weight or None). Nothing changes the net until the visitor chooses."""
    hidden, key = params.hidden, keys(params.hidden)
    state = st.session_state
    on = bool(state.get(key["op_off"])) or bool(state.get(key["op_weight"]))
    with folded(t("op_title"), scoped("op_box", page), opened=on,
                icon=":material/build:") as box:
        if not (box.open or on):  # drawn only when opened (or an operation is on): a closed
            return (), None  # expander's content still costs the browser its drawing
        st.caption(t("op_text"))
        # pills, not a multiselect: a button per unit is one tap on a phone, and the numbers
        # stand in a row as in the walk's picture
        off = st.pills(t("op_off"), list(range(hidden)), selection_mode="multi",
                       key=key["op_off"], help=t("op_off_help"),
                       persist_state="session") or []
        weight = None
        if st.toggle(t("op_weight"), key=key["op_weight"], persist_state="session"):
            left, middle, right, value = st.columns(4)
            name = left.selectbox(t("op_matrix"), operate.MATRICES, key=key["op_matrix"],
                                 persist_state="session")
            shape = getattr(params, name).shape
            row = middle.number_input(t("op_row"), 0, shape[0] - 1, 0,
                                      key=scoped(key["op_row"], name), persist_state="session")
            column = right.number_input(t("op_column"), 0, shape[1] - 1, 0,
                                        key=scoped(key["op_column"], name), persist_state="session")
            now = float(getattr(params, name)[int(row), int(column)])
            typed = value.number_input(t("op_value"), -50.0, 50.0, round(now, 3), step=0.5,
                                       key=scoped(key["op_value"], name, row, column),
                                       help=t("op_value_help", now=now), persist_state="session")
            weight = (name, int(row), int(column), float(typed))
        st.button(t("op_reset"), key="op_reset", icon=":material/restart_alt:",
                  on_click=reset, args=(hidden,), disabled=not (off or weight))
    return tuple(sorted(off)), weight


def apply(params, chosen):
    off, weight = chosen
    return operate.edited(params, off, weight) if off or weight else params


def describe(chosen):
    """The operation in words (empty when none)."""
    off, weight = chosen
    parts = []
    if off:
        parts.append(t("op_said_off", units=Text(", ".join(map(str, off))), count=len(off)))
    if weight:
        name, row, column, value = weight
        parts.append(t("op_said_weight", name=Text(f"{name}[{row}, {column}]"), value=value))
    return "; ".join(parts)


def draw_effect(model, chosen):
    """What the operation does to the whole net: its accuracy before and after, and training on
    from there."""
    if not (chosen[0] or chosen[1]):
        return
    operated = apply(model.params, chosen)
    config = model.config
    accuracy = computing.derived(model, ("operated", chosen), jobs.one(
        evaluate.accuracy_of, operated, config.bits), cost.score_seconds(config.hidden,
                                                                           config.bits))
    if accuracy is None:
        return
    st.warning(t("op_effect", what=Text(describe(chosen)), accuracy=accuracy,
                 before=model.curve.final.accuracy), icon=":material/build:")
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    count = left.select_slider(t("op_train_on"), TRAIN_ON, value=1_000, key="op_train_count",
                               format_func=lambda n: f"{n:,}")
    if not right.button(t("op_train_on_button", count=count), key="op_train_go") \
            and st.session_state.get("op_trained") != (digest(operated), count):
        return
    st.session_state["op_trained"] = (digest(operated), count)
    on = computing.once(("train on", digest(operated), config, count), jobs.one(
        operate.train_on, config, operated, count, config.seed + 1),
        cost.training_seconds(dataclasses.replace(config, iterations=count))
        + (operate.POINTS + 1) * cost.score_seconds(config.hidden, config.bits))
    if on is None:
        return
    reached = np.flatnonzero(on.accuracy == 1.0)
    drawing.show(charts.accuracy_chart(on.iterations, on.accuracy,
                                       int(on.iterations[reached[0]]) if len(reached) else None),
                 t("op_trained_text", count=count, first=float(on.accuracy[0]),
                   last=float(on.accuracy[-1]),
                   when=t("op_trained_when", iteration=int(on.iterations[reached[0]]))
                   if len(reached) else t("op_trained_never")))
