"""Sweeps over seeds, hidden sizes and learning rates around the sidebar's configuration, each
run once per server process (compute.jobs, in the worker pool) and kept for every visitor."""
import dataclasses

import streamlit as st

from compute import jobs
from ui import computing
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
