"""Sweeps over seeds, hidden sizes and learning rates around the sidebar's configuration, each
trained once per server process and kept for every visitor."""
import dataclasses

import streamlit as st

from rnn import archive, cost
from ui import queue, redis_store, worker
from ui.i18n import t
from ui.queue import TURN_SECONDS
from ui.shared import obtain

MAX_SWEEPS = 12  # sweep results kept per process
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


def turn_iterations(configs):
    """Iterations of one turn of the work queue: about TURN_SECONDS of computing."""
    one = cost.sweep_seconds([dataclasses.replace(c, iterations=100) for c in configs]) / 100
    return max(10, int(TURN_SECONDS / one))


@st.cache_resource
def sweep_store():
    """The process's sweeps; shared with the other replicas through Redis when the setting
    names one (ui.redis_store)."""
    return redis_store.store(MAX_SWEEPS, "sweep", encode=archive.dumps_sweep,
                             decode=archive.loads_sweep)


def peek_sweep(configs):
    """The sweep over `configs` if it has been run, else None."""
    return sweep_store().peek(tuple(configs))


def get_sweep(configs, box):
    """The sweep over `configs` (sharing bits and iterations), run with progress in `box` if
    nobody has run it yet: computed in the worker process (ui.worker), in turns of the work
    queue."""
    def build(box):
        with box.container():
            status = st.empty()  # the place in the queue, while waiting for a turn
            bar = st.progress(0.0, text=t("sweep_progress", done=0,
                                          total=configs[0].iterations, count=len(configs)))
        with queue.job(queue.PlaceShown(status)) as job:
            def progress(done, total):
                bar.progress(done / total, text=t("sweep_progress", done=done, total=total,
                                                  count=len(configs)))
                job.next_turn()
            return worker.run_sweep(configs, progress, chunk=turn_iterations(configs),
                                    worker=worker.in_use())
    return obtain(sweep_store(), tuple(configs), build, box)
