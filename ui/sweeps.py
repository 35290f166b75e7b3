"""Sweeps over seeds, hidden sizes and learning rates around the sidebar's configuration, each
run once per server process (compute.jobs, in the worker pool) and kept for every visitor."""
import dataclasses

import numpy as np
import streamlit as st

from compute import jobs
from rnn import cost
from ui import charts, computing
from ui.i18n import t

MAX_ITERATIONS = 20_000  # a sweep trains at most this many iterations per model
SEEDS = 32
HIDDEN_SIZES = (1, 2, 3, 4, 8, 16, 32)
RATES = (0.1, 0.3, 0.5, 0.9, 1.5, 2.5, 4.0)
KINDS = ("seeds", "hidden", "alpha")


def sweep_configs(config):
    """The three sweeps around `config`, at most MAX_ITERATIONS long: {kind: [TrainConfig]}."""
    base = dataclasses.replace(config, iterations=min(config.iterations, MAX_ITERATIONS))
    return {
        "seeds": [dataclasses.replace(base, seed=(config.seed + i) % 10_000)
                  for i in range(SEEDS)],
        "hidden": [dataclasses.replace(base, hidden=h) for h in HIDDEN_SIZES],
        "alpha": [dataclasses.replace(base, alpha=r) for r in RATES],
    }


def peek_sweep(configs):
    """The sweep over `configs` if it has been run, else None."""
    return jobs.peek_sweep(computing.service(), configs)


class SweepWatch(computing.PageWatch):
    """A sweep's PageWatch with its progress bar."""

    def __init__(self, configs, box):
        with box.container():
            status = st.empty()  # the place in line, while waiting
            self.bar = st.progress(0.0, text=t("sweep_progress", done=0,
                                                total=configs[0].iterations, count=len(configs)))
        super().__init__(status)
        self.count = len(configs)

    def progress(self, done, total):
        self.bar.progress(done / max(1, total), text=t("sweep_progress", done=int(done),
                                                       total=int(total), count=self.count))


def get_sweep(configs, box):
    """The sweep over `configs` (sharing bits and iterations), run with progress in `box` if
    nobody has run it yet; None, with a message in `box`, when that cannot be done now."""
    return computing.guarded(box, lambda: jobs.sweep(computing.service(), configs,
                                                     computing.visitor(),
                                                     SweepWatch(configs, box)))


# ---- where learning fails: hidden units by learning rate, the share of seeds that learn

MAP_HIDDEN = (2, 4, 8, 16, 32)
MAP_RATES = (0.03, 0.1, 0.3, 0.9, 2.0, 5.0)
MAP_SEEDS = 8
MAP_SECONDS = 60.0  # the whole map's computing, rnn.cost's estimate at this machine's speed
MAP_KEY = "learn_map"  # the chart's widget key (its selection: the cell clicked)


def map_cells(config):
    """{(hidden, alpha): the MAP_SEEDS configurations of that cell}: `config`'s seeds onwards,
    bits and sampling, at most MAX_ITERATIONS iterations."""
    base = dataclasses.replace(config, iterations=min(config.iterations, MAX_ITERATIONS))
    return {(hidden, alpha): [dataclasses.replace(base, hidden=hidden, alpha=alpha,
                                                  seed=(config.seed + i) % 10_000)
                              for i in range(MAP_SEEDS)]
            for hidden in MAP_HIDDEN for alpha in MAP_RATES}


def map_values(cells):
    """The map's cells as the chart takes them: reached None where not computed yet."""
    values = []
    for (hidden, alpha), configs in cells.items():
        result = peek_sweep(configs)
        reached = None if result is None else sum(f is not None for f in result.first_perfect)
        values.append({"hidden": hidden, "alpha": alpha, "reached": reached,
                       "seeds": len(configs)})
    return values


def nearest_cell(config):
    """The map's cell nearest to `config`'s hidden size and learning rate (on log scales)."""
    return (min(MAP_HIDDEN, key=lambda h: abs(np.log(h / config.hidden))),
            min(MAP_RATES, key=lambda a: abs(np.log(a / config.alpha))))


def draw_learn_map(config):
    """The map: a button starts its sweeps behind the page (compute.jobs.sweeps_behind); the
    chart fills in cell by cell; a click on a cell, or the list under it, applies its settings."""
    cells = map_cells(config)
    seconds = sum(cost.sweep_seconds(configs) for configs in cells.values())
    st.markdown(t("map_text", seeds=MAP_SEEDS, iterations=cells[MAP_HIDDEN[0], MAP_RATES[0]][0]
                  .iterations, bits=config.bits))
    key = ("learn map", *cells[MAP_HIDDEN[0], MAP_RATES[0]][0:1])
    values = map_values(cells)
    missing = [cells[c["hidden"], c["alpha"]] for c in values if c["reached"] is None]
    status = jobs.behind_status(key)
    if missing and status != "running":
        if seconds > MAP_SECONDS * cost.speed:
            st.info(t("map_too_big", seconds=seconds, limit=MAP_SECONDS * cost.speed),
                    icon=":material/block:")
            return
        if status not in (None, "done"):
            st.warning(t("map_stopped"), icon=":material/pause_circle:")
        if not st.button(t("map_run", cells=len(cells), seconds=max(1, round(seconds))),
                         key="map_run"):
            if len(missing) == len(cells):
                return
        elif not jobs.sweeps_behind(computing.service(), missing, computing.visitor(), key):
            st.warning(t("map_busy"), icon=":material/hourglass_top:")
    running = jobs.behind_status(key) == "running"
    st.fragment(watch_map, run_every=1.0 if running else None)(config, cells, key)


def watch_map(config, cells, key):
    """The map as far as it is computed (a fragment, redrawn every second while its sweeps run;
    once they end, the whole page runs again and the fragment stops its clock). A cell applied
    here runs the whole page again, so that the sidebar and the link take its settings."""
    if st.session_state.pop("map_applied", False):
        st.rerun()
    values = map_values(cells)
    done = sum(c["reached"] is not None for c in values)
    running = jobs.behind_status(key) == "running" and done < len(values)
    if running:
        st.progress(done / len(values), text=t("map_progress", done=done, total=len(values)))
    own = nearest_cell(config)
    st.altair_chart(charts.learn_map_chart(values, own, t("map_title"), t("alpha"), t("hidden"),
                                           "…"),
                    key=MAP_KEY, on_select=apply_cell, selection_mode="cell", width="stretch")
    mine = next(c for c in values if (c["hidden"], c["alpha"]) == own)
    learned = sum(c["reached"] == c["seeds"] for c in values if c["reached"] is not None)
    st.caption(t("map_caption", done=done, total=len(values), learned=learned,
                 hidden=own[0], alpha=own[1],
                 mine=t("map_mine_pending") if mine["reached"] is None
                 else t("map_mine", reached=mine["reached"], seeds=mine["seeds"])))
    labels = {f"{h} × {a}": (h, a) for h, a in cells}
    chosen = st.selectbox(t("map_choose"), list(labels), index=None, key="map_choice",
                          placeholder=t("map_choose_hint"))
    if chosen is not None:
        st.button(t("map_apply", hidden=labels[chosen][0], alpha=labels[chosen][1]),
                  key="map_apply", on_click=apply_settings, args=(*labels[chosen],))
    if st.session_state.get("map_was_running") and not running:
        st.session_state["map_was_running"] = False
        st.rerun()  # the whole page: the fragment's clock stops
    st.session_state["map_was_running"] = running


def apply_cell():
    """The chart's click: the clicked cell's hidden size and learning rate into the sidebar."""
    picked = st.session_state.get(MAP_KEY, {}).get("selection", {}).get("cell", [])
    if picked:
        apply_settings(int(picked[0]["hidden"]), float(picked[0]["alpha"]))


def apply_settings(hidden, alpha):
    st.session_state["hidden"], st.session_state["alpha"] = hidden, alpha
    st.session_state["map_applied"] = True
