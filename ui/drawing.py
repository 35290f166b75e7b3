"""How the app draws a chart: made ready to send once (`spec`, a `Spec`), kept per model
(`stored_chart`) or per layout (`from_layout`), and drawn, with the one sentence that says what
it shows (`draw`, `show`). The charts themselves are built in ui/charts.py.

Charts are sent by `spec` and `draw`, never by st.altair_chart, which converts a chart anew on
every rerun of every session, validating it against Vega-Lite's schema under a lock they all
share, and changes Altair's global data transformer while it converts: so the app's own
conversions, outside Streamlit's lock, never meet a transformer of Streamlit's.
"""
import functools
import json
from dataclasses import dataclass

import altair as alt
import pandas as pd  # Altair builds a chart ~40x faster from a DataFrame than from dicts
import streamlit as st

from compute.store import Store
from ui.i18n import language
from ui.streamlit_internals import arrow_bytes

MAX_CHARTS, CHART_BYTES = 512, 32 * 2**20  # charts kept per process: entries, bytes
ROWS = "rows"  # the name of the data set of a chart made from a layout (from_layout)


@dataclass(frozen=True)
class Spec:
    """A chart as Streamlit sends it: its Vega-Lite specification as JSON text, less its data,
    and the data sets apart, as Arrow IPC bytes (how Streamlit ships chart data)."""
    text: str
    datasets: dict  # name -> bytes


def spec(chart):
    """`chart` made ready to send. Made here, not by st.altair_chart, which converts a chart
    anew on every rerun of every session, validating it against Vega-Lite's schema under a lock
    they all share: a Spec can be kept with a model and drawn again at almost no cost
    (tests/app/test_charts.py validates what every page sends)."""
    if isinstance(chart, Spec):  # made already (from_layout)
        return chart
    vega_lite = chart.to_dict(validate=False)
    datasets = {name: arrow_bytes(table(rows))
                for name, rows in vega_lite.pop("datasets", {}).items()}
    return Spec(json.dumps(vega_lite), datasets)


@functools.lru_cache(maxsize=64)
def _layout(build, key, language):
    return spec(build(alt.NamedData(ROWS), *key))


def from_layout(build, key, values):
    """The Spec of the chart `build(data, *key)` drawn over the rows `values`: for a chart whose
    rows change with every problem while its layout (axes, marks, titles) depends only on `key`
    and the language. The layout is made once per process, key and language; the rows are sent
    as Arrow each time."""
    layout = _layout(build, key, language())
    return Spec(layout.text, {**layout.datasets, ROWS: arrow_bytes(
        table(values))})


# the charts made from a model alone, per model and language: the process's one store of them
KEPT = Store(MAX_CHARTS, CHART_BYTES, size=lambda made: len(made.text) + sum(
    len(data) for data in made.datasets.values()))


def stored_chart(model, name, build):
    """The Spec of the chart that `build()` makes from `model` alone (no visitor's input), made
    once per model and language and kept (KEPT)."""
    return KEPT.get_or_build((model.key, name, language()), lambda: spec(build()))


def draw(chart, place=None):
    """Draw `chart` (an Altair chart, or its `spec`) across `place` (default: the page)."""
    made = chart if isinstance(chart, Spec) else spec(chart)
    (place or st).vega_lite_chart({**json.loads(made.text), "datasets": dict(made.datasets)},
                                  width="stretch")


def show(chart, text):
    """Draw `chart` (an Altair chart, or its `spec`) across the page with `text`, one sentence
    made from its data that says what it shows and its key number: what a reader who cannot see
    the chart is told."""
    draw(chart)
    st.caption(text)


def warm_up():
    """Make one small chart ready to send (`spec`), so that the first visitor does not pay for
    what the first chart of a process costs (Arrow, how Streamlit sends chart data, is imported
    then)."""
    spec(alt.Chart(table([{"x": 0.0}])).mark_line().encode(x="x:Q"))


def table(records):
    """Chart data. Streamlit ships a DataFrame to the browser as Arrow, without Altair's slow
    per-row validation of inline values (2,000 points: ~10 ms instead of ~450 ms)."""
    return pd.DataFrame.from_records(records)
