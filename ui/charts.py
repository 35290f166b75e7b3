"""Every Altair chart of the app, so they all look alike; `draw`, which draws one, and `show`,
which draws one with its text alternative. The builders make no Streamlit calls.

One palette, safe for colour-blind eyes: blue against orange, never red against green; and
colour is never the only sign of right and wrong, which also carry the marks ✓ and ✗.
"""
import functools
import html
import json
import math
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd  # Altair builds a chart ~40x faster from a DataFrame than from dicts
import streamlit as st
from streamlit.dataframe_util import convert_anything_to_arrow_bytes

from compute.store import Store
from ui.i18n import language, t

MAX_POINTS = 600  # buckets per error curve sent to the browser: about one per pixel of the
# chart on a desktop (2,000 took the browser 0.2-0.4 s longer to draw on first load, same shape)
RIGHT, WRONG = "#1f6fb2", "#d95f02"  # blue, orange (strong): lines, bars, marks
RIGHT_LIGHT, WRONG_LIGHT, PLAIN = "#c6dbef", "#fdd0a2", "#eceff1"  # cell backgrounds
CURRENT, OTHER, NEUTRAL = "#08519c", "#9ecae1", "#90a4ae"  # the highlighted bar, the rest, bands
MUTED = "#455a64"  # quiet text: 7.3:1 on white (NEUTRAL, 2.6:1, is for lines and bands only)
BLUE_TEXT, ORANGE_TEXT = "#08519c", "#a63603"  # signs drawn as text (✓ ✗ ↑ ↓): 4.5:1 or more
# on white and on the light fills (RIGHT and WRONG, 3.7:1 and 2.6:1 on theirs, are for marks)
DIVERGING = ["#2166ac", "#f7f7f7", "#b35806"]  # below 0, 0, above 0: blue, white, orange
SEQUENTIAL = "viridis"  # 0 to 1
RIGHT_MARK, WRONG_MARK = "✓", "✗"
# room around every chart: without it the tops of Chinese titles are clipped by about 1 px
PADDING = {"top": 6, "left": 6, "right": 4, "bottom": 4}


# The charts are sent by `spec` and `draw`, never by st.altair_chart, which changes Altair's
# global data transformer while it converts a chart: so the app's own conversions, outside
# Streamlit's lock, never meet a transformer of Streamlit's. Charts of weights can have more rows
# than Altair's default limit of 5,000 (a 256-unit net's H x H updates).
alt.data_transformers.disable_max_rows()


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
    if isinstance(chart, Spec):  # made already (laid_out)
        return chart
    vega_lite = chart.to_dict(validate=False)
    view = vega_lite.get("config", {}).get("view", {})
    for size in ("continuousWidth", "continuousHeight"):  # Altair's default theme; Streamlit
        view.pop(size, None)  # draws charts with none
    if "config" in vega_lite and not view:
        vega_lite["config"].pop("view", None)
        if not vega_lite["config"]:
            del vega_lite["config"]
    datasets = {name: convert_anything_to_arrow_bytes(table(rows))
                for name, rows in vega_lite.pop("datasets", {}).items()}
    return Spec(json.dumps(vega_lite), datasets)


ROWS = "rows"  # the name of the data set of a chart made from a layout (laid_out)


@functools.lru_cache(maxsize=64)
def _layout(build, key, language):
    return spec(build(alt.NamedData(ROWS), *key))


def laid_out(build, key, values):
    """The Spec of the chart `build(data, *key)` drawn over the rows `values`: for a chart whose
    rows change with every problem while its layout (axes, marks, titles) depends only on `key`
    and the language. The layout is made once per process, key and language; the rows are sent
    as Arrow each time."""
    layout = _layout(build, key, language())
    return Spec(layout.text, {**layout.datasets, ROWS: convert_anything_to_arrow_bytes(
        table(values))})


MAX_CHARTS, CHART_BYTES = 512, 32 * 2**20  # charts kept per process: entries, bytes
# the charts made from a model alone, per model and language: the process's one store of them
KEPT = Store(MAX_CHARTS, CHART_BYTES, size=lambda made: len(made.text) + sum(
    len(data) for data in made.datasets.values()))


def kept(model, name, build):
    """The Spec of the chart that `build()` makes from `model` alone (no visitor's input), made
    once per model and language and kept (KEPT)."""
    return KEPT.obtain((model.key, name, language()), lambda: spec(build()))


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


def downsample_errors(errors, max_points=MAX_POINTS):
    """Buckets of consecutive iterations: (start iteration, min, max, moving average) per bucket.

    The moving average runs over about 1 % of the run (at least 1 iteration) on the raw errors and
    is read at the end of each bucket, so its shape does not depend on the bucket size.
    """
    errors = np.asarray(errors, dtype=float)
    finite = np.flatnonzero(np.isfinite(errors))
    errors = errors[:finite[-1] + 1] if len(finite) else errors[:0]  # a diverged tail is cut
    count = len(errors)
    if count == 0:
        return np.zeros(0, int), np.zeros(0), np.zeros(0), np.zeros(0)
    size = -(-count // max_points)
    starts = np.arange(0, count, size)
    filled = np.nan_to_num(errors, nan=0.0, posinf=0.0, neginf=0.0)
    low, high = np.minimum.reduceat(filled, starts), np.maximum.reduceat(filled, starts)
    window = max(1, count // 100)
    sums = np.concatenate([[0.0], np.cumsum(filled)])
    ends = np.minimum(starts + size, count)
    begin = np.maximum(0, ends - window)
    average = (sums[ends] - sums[begin]) / (ends - begin)
    return starts, low, high, average


def error_chart(errors, height=260, max_points=MAX_POINTS):
    """The error of every iteration, downsampled (downsample_errors): the range of each bucket
    as a band, the moving average as a line. A Spec (laid_out), the layout kept per height: the
    live chart during training is redrawn every half second."""
    starts, low, high, average = downsample_errors(errors, max_points)
    values = [{"iteration": int(i), "low": float(lo), "high": float(hi), "average": float(av)}
              for i, lo, hi, av in zip(starts, low, high, average)]
    return laid_out(_error_layout, (height,), values)


def _error_layout(data, height):
    x = alt.X("iteration:Q", title=t("axis_iteration"))
    band = alt.Chart(data).mark_area(opacity=0.25, color=NEUTRAL).encode(
        x, alt.Y("low:Q", title=t("axis_error")), alt.Y2("high:Q"),
        tooltip=[alt.Tooltip("iteration:Q", title=t("axis_iteration")),
                 alt.Tooltip("low:Q", title=t("tooltip_low"), format=".3f"),
                 alt.Tooltip("high:Q", title=t("tooltip_high"), format=".3f")])
    line = alt.Chart(data).mark_line(color=RIGHT).encode(
        x, alt.Y("average:Q"),
        tooltip=[alt.Tooltip("iteration:Q", title=t("axis_iteration")),
                 alt.Tooltip("average:Q", title=t("tooltip_average"), format=".3f")])
    return (band + line).properties(padding=PADDING, title=wrapped(t("chart_error_title")),
                                    height=height)


def accuracy_chart(iterations, accuracy, first_perfect, height=260):
    data = table([{"iteration": int(i), "accuracy": float(a)}
                            for i, a in zip(iterations, accuracy)])
    line = alt.Chart(data).mark_line(point=True, color=RIGHT).encode(
        alt.X("iteration:Q", title=t("axis_iteration")),
        alt.Y("accuracy:Q", title=t("axis_accuracy"), axis=alt.Axis(format="%"),
              scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("iteration:Q", title=t("axis_iteration")),
                 alt.Tooltip("accuracy:Q", title=t("axis_accuracy"), format=".2%")])
    layers = [line]
    if first_perfect is not None:
        mark = table([{"iteration": first_perfect,
                                 "label": t("first_perfect_label", iteration=first_perfect)}])
        layers.append(alt.Chart(mark).mark_rule(color=WRONG, strokeDash=[4, 3]).encode(
            x="iteration:Q"))
        layers.append(alt.Chart(mark).mark_text(align="left", dx=4, color=ORANGE_TEXT).encode(
            x="iteration:Q", y=alt.value(height * 0.55), text="label:N"))  # clear of 100 %
    return alt.layer(*layers).properties(padding=PADDING, title=wrapped(t("chart_accuracy_title")),
                                         height=height)


def kept_accuracy(model):
    """The accuracy chart of `model`'s run (accuracy_chart), kept with it (`kept`)."""
    curve = model.curve
    return kept(model, "accuracy", lambda: accuracy_chart(curve.iterations, curve.accuracy,
                                                          curve.first_perfect))


def show_accuracy(model):
    """The accuracy chart of `model`'s run with its text: the training and insight pages."""
    curve = model.curve
    show(kept_accuracy(model), t(
        "chart_accuracy_text", first=float(curve.accuracy[0]), last=float(curve.final.accuracy),
        when=t("chart_accuracy_when", iteration=curve.first_perfect)
        if curve.first_perfect is not None else t("chart_accuracy_never")))


def wrapped(text, width=300, font_size=13):
    """`text` in lines of at most about `width` pixels, for a title that would otherwise be cut
    on a phone (Vega-Lite does not wrap titles; it takes a list of lines)."""
    lines, line = [], ""
    for word in text.replace("(", " (").split(" ") if " " in text else list(text):
        candidate = f"{line} {word}".strip() if " " in text else line + word
        if line and text_length(candidate, font_size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def bits_chart(rows, wrong, first_bit=None):
    """A grid of bits, most significant on the left. rows: [(label, bits msb first)], wrong: bool
    per column (msb first): the last row's (the net's) wrong bits are marked ✗ besides their
    colour.
    `first_bit` is the number of the leftmost bit (default: the grid is the whole number).
    A Spec (laid_out), the layout kept per width and number of rows."""
    width = len(rows[0][1])
    first_bit = width - 1 if first_bit is None else first_bit
    values = []
    for order, (label, bits) in enumerate(rows):
        predicted = order == len(rows) - 1
        for column, bit in enumerate(bits):
            state = ("wrong" if wrong[column] else "right") if predicted else "plain"
            mark = WRONG_MARK if state == "wrong" else ""  # marked, not only coloured
            values.append({"row": label, "order": order, "bit": first_bit - column,
                           "value": int(bit), "state": state, "text": f"{int(bit)}{mark}"})
    return laid_out(_bits_layout, (width, len(rows)), values)


def _bits_layout(data, width, count):
    base = alt.Chart(data).encode(
        alt.X("bit:O", title=t("axis_bit"), sort="descending", axis=alt.Axis(labelAngle=0)),
        alt.Y("row:N", title=None, sort=alt.EncodingSortField("order"),
              axis=alt.Axis(labelLimit=120)))
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("state:N", legend=None, scale=alt.Scale(
            domain=["plain", "right", "wrong"], range=[PLAIN, RIGHT_LIGHT, WRONG_LIGHT])))
    text = base.mark_text(fontSize=14 if width <= 8 else 12, fontWeight="bold").encode(
        text="text:N")
    return (cells + text).properties(padding=PADDING, height=30 * count + 40)


def probability_chart(proba_msb_first, truth_msb_first):
    """The net's probability that each bit is 1, most significant bit on the left. A Spec
    (laid_out), the layout kept."""
    width = len(proba_msb_first)
    values = [{"bit": width - 1 - column, "p": float(p), "truth": int(y),
               "state": "right" if (p > 0.5) == bool(y) else "wrong",
               "mark": "" if (p > 0.5) == bool(y) else WRONG_MARK}
              for column, (p, y) in enumerate(zip(proba_msb_first, truth_msb_first))]
    return laid_out(_probability_layout, (), values)


def _probability_layout(data):
    base = alt.Chart(data).encode(
        alt.X("bit:O", title=t("axis_bit"), sort="descending", axis=alt.Axis(labelAngle=0)))
    bars = base.mark_bar().encode(
        alt.Y("p:Q", title=t("axis_probability"), scale=alt.Scale(domain=[0, 1.12]),
              axis=alt.Axis(values=[0, 0.25, 0.5, 0.75, 1], format="%")),
        color=alt.Color("state:N", legend=None,
                        scale=alt.Scale(domain=["right", "wrong"], range=[RIGHT, WRONG])),
        tooltip=[alt.Tooltip("bit:O", title=t("axis_bit")),
                 alt.Tooltip("p:Q", title=t("axis_probability"), format=".4f"),
                 alt.Tooltip("truth:Q", title=t("axis_truth"))])
    marks = base.mark_text(dy=-8, fontSize=11).encode(
        y="p:Q", text="mark:N",
        color=alt.Color("state:N", legend=None,
                        scale=alt.Scale(domain=["right", "wrong"], range=[RIGHT, WRONG])))
    half = alt.Chart(table([{"y": 0.5}])).mark_rule(strokeDash=[4, 3]).encode(y="y:Q")
    return (bars + marks + half).properties(
        padding=PADDING, title=wrapped(t("chart_probability_title")), height=260)


def text_length(text, font_size=11):
    """About how many pixels `text` takes at `font_size` (CJK characters are square)."""
    return int(sum(font_size if ord(c) >= 0x2E80 else font_size * 0.6 for c in text)) + 10


def heatmap(matrix, title, row_title, column_title, diverging=True, highlight=None,
            row_labels=None, column_labels=None, height=None, show_values=False, domain=(0, 1)):
    """A matrix as coloured cells: rows down, columns across. Diverging colours (blue below 0,
    red above, white at 0) for deltas and updates; a sequential scale from 0 to 1 for activations.
    `highlight` outlines one column (the current time step)."""
    matrix = np.atleast_2d(np.asarray(matrix, dtype=float))
    rows, columns = matrix.shape
    row_labels = list(row_labels) if row_labels is not None else list(range(rows))
    column_labels = list(column_labels) if column_labels is not None else list(range(columns))
    values = [{"row": str(row_labels[i]), "r": i, "column": str(column_labels[j]), "c": j,
               "value": float(matrix[i, j])} for i in range(rows) for j in range(columns)]
    if diverging:
        limit = float(np.abs(matrix).max()) or 1.0
        scale = alt.Scale(domain=[-limit, 0, limit], range=DIVERGING)
    else:
        scale = alt.Scale(scheme=SEQUENTIAL, domain=list(domain))
    x = alt.X("column:N", title=column_title, sort=[str(c) for c in column_labels],
              axis=alt.Axis(labelAngle=0))
    y = alt.Y("row:N", title=row_title, sort=[str(r) for r in row_labels],
              axis=alt.Axis(labelLimit=260))
    cell = 28 if show_values else 16 if rows > 6 else 26
    plot_height = min(cell * rows, 400) if height is None else height
    if row_title:  # room for the row title written upright, else Vega-Lite squeezes the plot
        plot_height = max(plot_height, text_length(row_title))
    # a colour bar longer than the plot squeezes it: small maps show their values as tooltips
    legend = alt.Legend(gradientLength=min(plot_height, 200), gradientThickness=10) \
        if plot_height >= 100 else None
    cells = alt.Chart(table(values)).mark_rect().encode(
        x, y, color=alt.Color("value:Q", scale=scale, title=None, legend=legend),
        tooltip=[alt.Tooltip("row:N", title=row_title), alt.Tooltip("column:N", title=column_title),
                 alt.Tooltip("value:Q", format=".4g")])
    layers = [cells]
    if show_values:
        layers.append(alt.Chart(table(values)).mark_text(fontSize=13).encode(
            x, y, text=alt.Text("value:Q", format=".3~f"),
            color=alt.condition("datum.value > 0.5", alt.value("black"), alt.value("white"))))
    if highlight is not None:
        frame = table([{"column": str(column_labels[highlight]), "c": highlight}])
        layers.append(alt.Chart(frame).mark_rect(fill=None, stroke="black", strokeWidth=3)
                      .encode(x))
    # Streamlit fits the whole chart, title and axes included, into the height given
    return alt.layer(*layers).properties(padding=PADDING, title=wrapped(title),
                                         height=plot_height + 110)


def step_bars(values, title, y_title, highlight=None, step_title=None, log=False,
              domain=None):
    """One bar per time step, the current step in a darker colour."""
    data = [{"step": s, "value": float(v), "current": s == highlight} for s, v in
            enumerate(values)]
    scale = alt.Scale(type="log") if log else alt.Scale(domain=domain) if domain else alt.Scale()
    return alt.Chart(table(data)).mark_bar().encode(
        alt.X("step:O", title=step_title or t("axis_step"), axis=alt.Axis(labelAngle=0)),
        alt.Y("value:Q", title=y_title, scale=scale),
        color=alt.condition("datum.current", alt.value(CURRENT), alt.value(OTHER)),
        tooltip=[alt.Tooltip("step:O", title=step_title or t("axis_step")),
                 alt.Tooltip("value:Q", title=y_title, format=".4g")],
    ).properties(padding=PADDING, title=wrapped(title), height=200)


def output_chart(output, target, highlight=None):
    """The output probability of each step as bars, the target bit as a black tick."""
    data = [{"step": s, "p": float(p), "target": float(y), "current": s == highlight}
            for s, (p, y) in enumerate(zip(output, target))]
    base = alt.Chart(table(data)).encode(
        alt.X("step:O", title=t("axis_step"), axis=alt.Axis(labelAngle=0)))
    bars = base.mark_bar().encode(
        alt.Y("p:Q", title=t("axis_probability"), scale=alt.Scale(domain=[0, 1])),
        color=alt.condition("datum.current", alt.value(CURRENT), alt.value(OTHER)),
        tooltip=[alt.Tooltip("step:O", title=t("axis_step")),
                 alt.Tooltip("p:Q", title="layer_2", format=".4f"),
                 alt.Tooltip("target:Q", title=t("axis_truth"))])
    ticks = base.mark_tick(color="black", thickness=3, size=30).encode(y="target:Q")
    return (bars + ticks).properties(padding=PADDING, title=wrapped(t("chart_output_title")),
                                     height=200)


def map_spans(exact):
    """Run-length encode a correctness grid row by row: [(a, b_start, b_end, state)], so a
    256 x 256 map of a trained net is a few hundred rectangles, not 65,536."""
    size = len(exact)
    below = np.arange(size)[:, None] < np.arange(size)[None, :]  # a < b
    state = np.where(below, 2, np.where(exact, 0, 1))  # 0 right, 1 wrong, 2 a < b
    spans = []
    for a in range(size):
        row = state[a]
        cuts = np.flatnonzero(np.diff(row)) + 1
        starts = np.concatenate([[0], cuts])
        ends = np.concatenate([cuts, [size]])
        spans.extend((a, int(s), int(e), int(row[s])) for s, e in zip(starts, ends))
    return spans


def correctness_map_chart(exact, bits):
    names = [t("map_right"), t("map_wrong"), t("map_below")]
    values = [{"a": a, "a2": a + 1, "b": s, "b2": e, "state": names[k]}
              for a, s, e, k in map_spans(exact)]
    top = 2**bits
    colour = alt.Scale(domain=names, range=[RIGHT_LIGHT, WRONG, PLAIN])
    # wrong pairs are outlined in black besides their colour: they stand out by shape too
    outline = alt.Scale(domain=names, range=[RIGHT_LIGHT, "#000000", PLAIN])
    return alt.Chart(table(values)).mark_rect(strokeWidth=0.6).encode(
        alt.X("b:Q", title="b", scale=alt.Scale(domain=[0, top], nice=False)), x2="b2:Q",
        y=alt.Y("a:Q", title="a", scale=alt.Scale(domain=[top, 0], nice=False)), y2="a2:Q",
        color=alt.Color("state:N", title=None, scale=colour, legend=alt.Legend(orient="bottom")),
        stroke=alt.Stroke("state:N", scale=outline, legend=None),  # no hairlines between rows
        tooltip=[alt.Tooltip("a:Q"), alt.Tooltip("b:Q", title="b ≥"),
                 alt.Tooltip("b2:Q", title="b <"), alt.Tooltip("state:N", title=" ")],
    ).properties(padding=PADDING, title=wrapped(t("chart_map_title", bits=bits)), height=460)


def sampled_map_chart(a, b, right, bits):
    names = [t("map_right"), t("map_wrong")]
    values = [{"a": float(x), "b": float(y), "state": names[0] if ok else names[1]}
              for x, y, ok in zip(a, b, right)]
    return alt.Chart(table(values)).mark_circle(size=12, opacity=0.7).encode(
        alt.X("b:Q", title="b"), alt.Y("a:Q", title="a", scale=alt.Scale(reverse=True)),
        color=alt.Color("state:N", title=None, scale=alt.Scale(domain=names,
                                                               range=[RIGHT, WRONG]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=["a:Q", "b:Q", "state:N"],
    ).properties(padding=PADDING, height=460, title=wrapped(t("chart_sample_map_title", bits=bits,
                                                              count=len(values))))


def bars(labels, values, title, x_title, y_title, highlight=None, percent=False, domain=None,
         baseline=None, text=None, height=220):
    """A bar per label (in the given order), one highlighted, an optional dashed baseline and an
    optional text above each bar."""
    data = [{"label": str(label), "order": i, "value": float(value), "current": i == highlight,
             "text": "" if text is None else str(text[i])}
            for i, (label, value) in enumerate(zip(labels, values))]
    x = alt.X("label:N", title=x_title, sort=[str(label) for label in labels],
              axis=alt.Axis(labelAngle=0))
    base = alt.Chart(table(data)).encode(x)
    upright = text is not None and len(labels) > 12  # side by side, the texts would overlap
    ticks = None
    if upright:  # headroom above the tallest bar for its upright text; no ticks in it
        low, high = domain if domain else (min(0.0, *values), max(0.0, *values))
        ticks = [float(v) for v in np.linspace(low, high, 5)]
        domain, height = (low, high + (high - low) * 0.45), max(height, 300)
    axis = alt.Axis(format="%" if percent else ",d" if upright else "",
                    **({"values": ticks} if ticks else {}))
    layers = [base.mark_bar().encode(
        alt.Y("value:Q", title=y_title, axis=axis,
              scale=alt.Scale(domain=list(domain)) if domain else alt.Scale()),
        color=alt.condition("datum.current", alt.value(CURRENT), alt.value(OTHER)),
        tooltip=[alt.Tooltip("label:N", title=x_title),
                 alt.Tooltip("value:Q", title=y_title, format=".2%" if percent else ".4g")])]
    if upright:
        layers.append(base.mark_text(angle=270, align="left", baseline="middle", dy=-4,
                                     fontSize=10).encode(y="value:Q", text="text:N"))
    elif text is not None:
        layers.append(base.mark_text(dy=-7, fontSize=11).encode(y="value:Q", text="text:N"))
    if baseline is not None:
        layers.append(alt.Chart(table([{"y": float(baseline)}])).mark_rule(
            strokeDash=[4, 3], color=WRONG).encode(y="y:Q"))
    return alt.layer(*layers).properties(padding=PADDING, title=wrapped(title), height=height)


def neuron_chart(activation, borrow, unit):
    """A hidden unit's activation per step (a line) over the true borrow (light bars: 0 or 1), so
    neither hides the other where they agree."""
    names = [t("neuron_activation", unit=unit), t("neuron_borrow")]
    colour = alt.Color("series:N", title=None, scale=alt.Scale(domain=names,
                                                               range=[RIGHT, WRONG_LIGHT]),
                       legend=alt.Legend(orient="bottom"))
    x = alt.X("step:O", title=t("axis_step"), axis=alt.Axis(labelAngle=0))
    y = alt.Y("value:Q", title=t("axis_zero_one"), scale=alt.Scale(domain=[0, 1]))
    borrows = alt.Chart(table([{"step": s, "value": float(v), "series": names[1]}
                               for s, v in enumerate(borrow)])).mark_bar().encode(
        x, y, color=colour, tooltip=["step:O", "series:N", "value:Q"])
    line = alt.Chart(table([{"step": s, "value": float(v), "series": names[0]}
                            for s, v in enumerate(activation)])).mark_line(point=True).encode(
        x, y, color=colour, tooltip=["step:O", "series:N", alt.Tooltip("value:Q", format=".3f")])
    return alt.layer(borrows, line).properties(padding=PADDING, height=320,
                                               title=wrapped(t("chart_neuron_title")))


# The written subtraction with one RNN cell per column (the backprop page's picture): SVG, drawn
# by the browser at the width it has (8 bits fit a phone; wider problems scroll sideways).
VIRIDIS = ["#440154", "#482475", "#414487", "#355f8d", "#2a788e", "#21918c", "#22a884",
           "#44bf70", "#7ad151", "#bddf26", "#fde725"]  # SEQUENTIAL at 0, 0.1, ..., 1
UP, DOWN = DIVERGING[2], DIVERGING[0]  # a weight's update: orange up, blue down
COLUMN, CELL, MARGIN_LEFT, MARGIN_RIGHT = 44, 28, 50, 30  # px of the picture's own grid
SMALLEST = 0.82  # the picture shrinks to this scale at most, then scrolls (8 bits fit a phone)
ROW = {"head": 14, "borrow": 36, "a": 62, "b": 88, "cell": 120, "line": 178, "net": 200,
       "sure": 222, "true": 246, "bars": 314}  # y of each row (text baselines; cell: top)
BAR = 40  # px of the tallest share bar
FORWARD, QUESTION, BACKWARD, UPDATE = "forward", "question", "backward", "update"


VIRIDIS_RGB = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in VIRIDIS])  # (11, 3)


def viridis(values):
    """The SEQUENTIAL colours of values in [0, 1] (linear between VIRIDIS's stops), as hex."""
    stops = np.linspace(0, 1, len(VIRIDIS))
    clipped = np.clip(np.asarray(values, dtype=float), 0, 1)
    channels = np.stack([np.interp(clipped, stops, VIRIDIS_RGB[:, i]) for i in range(3)], -1)
    return ["#%02x%02x%02x" % tuple(rgb) for rgb in np.rint(channels).astype(int)]


def _text(x, y, content, size=12, anchor="middle", colour="#263238", weight="normal"):
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{colour}" font-weight="{weight}">{html.escape(str(content))}</text>')


def _arrow(x1, y1, x2, y2, width, colour):
    """A line from (x1, y1) to (x2, y2) ending in a head that grows with its width."""
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    head = min(4 + 1.6 * width, 0.6 * length)
    bx, by = x2 - ux * head, y2 - uy * head
    side = head * 0.55
    points = (f"{x2:.1f},{y2:.1f} {bx - uy * side:.1f},{by + ux * side:.1f} "
              f"{bx + uy * side:.1f},{by - ux * side:.1f}")
    return (f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{bx:.1f}" y2="{by:.1f}" stroke="{colour}" '
            f'stroke-width="{width:.2f}"/><polygon points="{points}" fill="{colour}"/>')


def _update_arrow(x1, y1, x2, y2, piece, largest):
    """An arrow for one column's piece of a weight's update: thicker the bigger, orange and ↑
    when it pushes the weight up, blue and ↓ when down (grey when next to nothing)."""
    size = abs(piece) / largest if largest > 0 else 0.0
    if size < 1e-3:
        return _arrow(x1, y1, x2, y2, 1.0, NEUTRAL)
    colour, mark, text = (UP, "↑", ORANGE_TEXT) if piece > 0 else (DOWN, "↓", BLUE_TEXT)
    drawn = _arrow(x1, y1, x2, y2, 1 + 7 * size, colour)
    if size >= 0.15:  # the sign in a mark, not in colour alone
        drawn += _text((x1 + x2) / 2 + 9, (y1 + y2) / 2 + 4, mark, 13, colour=text,
                       weight="bold")
    return drawn


def subtraction_picture(walk, phase, step, alt_text):
    """The problem written as at school (a above b, lowest bit on the right, the answer below
    the line), with the net's cell for each column between question and answer, in one frame of
    the backprop page's walk: `phase` FORWARD (columns up to `step` done), QUESTION (all done),
    BACKWARD (blame shown from the last column down to `step`) or UPDATE (each column's piece of
    the three weights that move most). SVG markup on one line, `alt_text` for screen readers;
    each column's numbers are in its tooltip and in data- attributes."""
    blamed, steps = walk.blame, walk.steps
    width = MARGIN_LEFT + steps * COLUMN + MARGIN_RIGHT
    height = ROW["bars"] + 20 if phase in (BACKWARD, UPDATE) else ROW["true"] + 14

    def x(t):  # centre of column t: the highest bit on the left
        return MARGIN_LEFT + (steps - 1 - t) * COLUMN + COLUMN / 2

    done = step if phase == FORWARD else steps - 1  # the last column computed
    blame_from = step if phase == BACKWARD else (0 if phase == UPDATE else steps)
    middle = ROW["cell"] + CELL / 2
    # widths of blame arrows: one scale for the whole walk, so frames compare
    largest_blame = max(float(blamed.own_size.max()), float(blamed.later_size.max()))
    largest_piece = max(float(np.abs(moved.pieces).max()) for moved in walk.moved)
    bars = walk.update_share if phase == UPDATE else blamed.share
    tallest = float(bars.max()) or 1.0
    parts = []
    if phase in (FORWARD, BACKWARD):  # the current column, behind everything else
        parts.append(f'<rect x="{x(step) - COLUMN / 2 + 2:.1f}" y="20" width="{COLUMN - 4}" '
                     f'height="{ROW["true"] + 8 - 20}" rx="6" fill="#eaf2fb" stroke="{CURRENT}" '
                     f'stroke-width="1.5"/>')
    labels = [("head", t("axis_bit")), ("borrow", t("bs_row_borrow")), ("net", t("bs_row_net")),
              ("sure", t("bs_row_sure")), ("true", t("bs_row_true")),
              ("bars", t("bs_row_update" if phase == UPDATE else "bs_row_blame"))]
    for row, label in labels:
        if row == "bars" and phase in (FORWARD, QUESTION):
            continue
        parts.append(_text(MARGIN_LEFT - 5, ROW[row], label, 13, "end", MUTED))
    parts.append(_text(MARGIN_LEFT - 5, ROW["a"], "a", 16, "end", MUTED))
    parts.append(_text(MARGIN_LEFT - 5, ROW["b"], "− b", 16, "end", MUTED))
    left, right = MARGIN_LEFT + 4, MARGIN_LEFT + steps * COLUMN - 4
    parts.append(f'<line x1="{left}" y1="{ROW["line"]}" x2="{right}" y2="{ROW["line"]}" '
                 f'stroke="#263238" stroke-width="1.5"/>')
    # the state before the first column: h0 = 0.1 in every unit
    start = MARGIN_LEFT + steps * COLUMN + MARGIN_RIGHT - 4
    parts.append(_text(start - 10, middle - 12, "h₀", 13, colour=MUTED))
    for t_ in range(steps):
        parts.append(_column(walk, t_, x(t_), phase, done, blame_from, largest_blame,
                             largest_piece, bars, tallest))
    if phase == UPDATE:
        moved = walk.moved[1]  # synapse_h's piece at step 0 rides on the arrow from h0
        parts.append(_update_arrow(start, middle - 6, x(0) + CELL / 2 + 1, middle - 6,
                                   moved.pieces[0], largest_piece))
    else:
        parts.append(_arrow(start, middle - 6, x(0) + CELL / 2 + 1, middle - 6, 2, NEUTRAL))
    label = html.escape(alt_text, quote=True)
    return (f'<div style="overflow-x:auto"><svg xmlns="http://www.w3.org/2000/svg" role="img" '
            f'aria-label="{label}" viewBox="0 0 {width} {height}" font-family="sans-serif" '
            f'data-phase="{phase}" data-step="{step}" style="width:100%;'
            f'min-width:{round(width * SMALLEST)}px;max-width:{round(width * 1.45)}px;'
            f'height:auto;display:block">{"".join(parts)}</svg></div>')


def _column(walk, t_, cx, phase, done, blame_from, largest_blame, largest_piece, bars, tallest):
    """One column of the picture: its digits, its cell and the arrows into and out of it."""
    shown, blamed = walk.shown, walk.blame
    trace = shown.trace
    top, middle, bottom = ROW["cell"], ROW["cell"] + CELL / 2, ROW["cell"] + CELL
    computed, blamed_here = t_ <= done, t_ >= blame_from
    out, truth = float(trace.output[t_]), int(trace.target[t_])
    predicted = int(trace.prediction[t_])
    right = predicted == truth
    sure = out if predicted else 1 - out
    data = {"step": t_, "a": int(trace.inputs[t_, 0]), "b": int(trace.inputs[t_, 1]),
            "borrow-in": int(walk.borrow_in[t_]), "target": truth}
    tip = [t("bs_tip_column", t=t_, a=data["a"], b=data["b"], borrow=data["borrow-in"],
             target=truth)]
    parts = [_text(cx, ROW["head"], t_, 13, colour=MUTED),
             _text(cx, ROW["a"], data["a"], 19), _text(cx, ROW["b"], data["b"], 19),
             _text(cx, ROW["true"], truth, 15, colour=MUTED)]
    if computed:
        data.update({"out": repr(out), "predicted": predicted})
        tip.append(t("bs_tip_net", out=out, bit=predicted,
                     mark=RIGHT_MARK if right else WRONG_MARK))
        parts.append(_text(cx, ROW["borrow"], walk.borrow_in[t_], 13,
                           colour=CURRENT if walk.borrow_in[t_] else MUTED,
                           weight="bold" if walk.borrow_in[t_] else "normal"))
        state = trace.hidden[t_ + 1]
        side = math.ceil(math.sqrt(len(state)))
        square = CELL / side
        for k, colour in enumerate(viridis(state)):
            parts.append(f'<rect x="{cx - CELL / 2 + (k % side) * square:.1f}" '
                         f'y="{top + (k // side) * square:.1f}" width="{square:.1f}" '
                         f'height="{square:.1f}" fill="{colour}"/>')
        parts.append(f'<rect x="{cx - CELL / 2}" y="{top}" width="{CELL}" height="{CELL}" '
                     f'fill="none" stroke="#455a64" rx="2"/>')
        fill, colour = (RIGHT_LIGHT, RIGHT) if right else (WRONG_LIGHT, WRONG)
        parts.append(f'<rect x="{cx - 19}" y="{ROW["net"] - 18}" width="38" height="24" rx="4" '
                     f'fill="{fill}" stroke="{colour}"/>')
        parts.append(_text(cx - 5, ROW["net"], predicted, 17, weight="bold"))
        parts.append(_text(cx + 11, ROW["net"], RIGHT_MARK if right else WRONG_MARK, 13,
                           colour=BLUE_TEXT if right else ORANGE_TEXT, weight="bold"))
        parts.append(_text(cx, ROW["sure"], f"{math.floor(sure * 100)}%", 13, colour=MUTED))
        if phase == UPDATE:
            moved_0, moved_h, moved_1 = walk.moved
            parts.append(_update_arrow(cx - 5, ROW["b"] + 8, cx - 5, top - 1,
                                       moved_0.pieces[t_], largest_piece))
            parts.append(_update_arrow(cx - 5, bottom + 1, cx - 5, ROW["net"] - 20,
                                       moved_1.pieces[t_], largest_piece))
            if t_ > 0:
                parts.append(_update_arrow(cx + COLUMN - CELL / 2 - 1, middle - 6,
                                           cx + CELL / 2 + 1, middle - 6, moved_h.pieces[t_],
                                           largest_piece))
        else:
            parts.append(_arrow(cx - 5, ROW["b"] + 8, cx - 5, top - 1, 1.5, NEUTRAL))
            parts.append(_arrow(cx - 5, bottom + 1, cx - 5, ROW["net"] - 20, 1.5, NEUTRAL))
            if t_ > 0:
                parts.append(_arrow(cx + COLUMN - CELL / 2 - 1, middle - 6, cx + CELL / 2 + 1,
                                    middle - 6, 2, NEUTRAL))
    else:
        parts.append(f'<rect x="{cx - CELL / 2}" y="{top}" width="{CELL}" height="{CELL}" '
                     f'fill="white" stroke="{NEUTRAL}" stroke-dasharray="3 2" rx="2"/>')
        parts.append(_text(cx, ROW["net"], "?", 17, colour=MUTED))
    if blamed_here and phase in (BACKWARD, UPDATE):
        own, later = float(blamed.own_size[t_]), float(blamed.later_size[t_])
        data.update({"blame": repr(float(blamed.size[t_])), "share": repr(float(blamed.share[t_])),
                     "own": repr(own), "later": repr(later)})
        tip.append(t("bs_tip_blame", share=float(blamed.share[t_]),
                     own=float(blamed.own_part[t_])))
        if phase == BACKWARD:
            scale = largest_blame or 1.0
            parts.append(_arrow(cx + 5, ROW["net"] - 20, cx + 5, bottom + 1,
                                1 + 7 * own / scale, CURRENT))
            if t_ < walk.steps - 1:
                parts.append(_arrow(cx - COLUMN + CELL / 2 + 1, middle + 7, cx - CELL / 2 - 1,
                                    middle + 7, 1 + 7 * later / scale, CURRENT))
        share = float(bars[t_])
        if phase == UPDATE:
            data["update-share"] = repr(share)
        bar = BAR * share / tallest
        parts.append(f'<rect x="{cx - 12}" y="{ROW["bars"] - 14 - bar:.2f}" width="24" '
                     f'height="{bar:.2f}" fill="{CURRENT if phase == BACKWARD else OTHER}"/>')
        parts.append(_text(cx, ROW["bars"], f"{share:.0%}", 13))
    attributes = " ".join(f'data-{name}="{value}"' for name, value in data.items())
    title = html.escape(" ".join(tip))
    return f'<g class="bs-column" {attributes}><title>{title}</title>{"".join(parts)}</g>'


def reach_chart(series, title, subtitle, y_title):
    """How strongly the last bit's error reaches each step, one line per net on a log scale,
    the highest bit on the left as in the written subtraction. series: [(name, values (T,))],
    the first drawn grey and dashed, the last dark and solid; values of 0 (too small for a
    float64) are left out, a log scale has no place for them."""
    names = [name for name, _ in series]
    values = [{"step": s, "value": float(v), "net": name}
              for name, reach in series for s, v in enumerate(reach) if v > 0]
    steps = max(len(reach) for _, reach in series)
    styles = [NEUTRAL, CURRENT][-len(names):]
    return alt.Chart(table(values)).mark_line(point=True).encode(
        alt.X("step:Q", title=t("axis_bit"), scale=alt.Scale(domain=[steps - 1, 0], nice=False),
              axis=alt.Axis(tickMinStep=1, format="d")),
        alt.Y("value:Q", title=y_title, scale=alt.Scale(type="log"), axis=alt.Axis(format=".0e")),
        color=alt.Color("net:N", title=None, scale=alt.Scale(domain=names, range=styles),
                        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=0)),
        strokeDash=alt.StrokeDash("net:N", legend=None, scale=alt.Scale(
            domain=names, range=[[5, 3], [1, 0]][-len(names):])),
        shape=alt.Shape("net:N", legend=None, scale=alt.Scale(
            domain=names, range=["square", "circle"][-len(names):])),
        tooltip=[alt.Tooltip("net:N", title=" "), alt.Tooltip("step:Q", title=t("axis_bit")),
                 alt.Tooltip("value:Q", title=y_title, format=".3g")],
    ).properties(padding=PADDING, title=alt.TitleParams(title, subtitle=subtitle),
                 height=420)  # Streamlit fits title, axes and legend in too


def time_lapse_chart(iterations, share, learned_at, title, subtitle):
    """One problem over training: each step's share of the update (rows: bits, lowest at the
    bottom; columns: snapshots) in SEQUENTIAL colours from 0 to the largest share, and a ✓ on a
    white disc where each bit became right for good (a ✗ at the end for a bit still wrong
    there)."""
    iterations = np.asarray(iterations)
    ends = np.append(iterations[1:], iterations[-1] + max(1, iterations[-1] - iterations[-2])
                     if len(iterations) > 1 else iterations[-1] + 1)
    steps = share.shape[1]
    values = [{"from": int(start), "to": int(end), "bit": t_, "share": float(share[s, t_])}
              for s, (start, end) in enumerate(zip(iterations, ends)) for t_ in range(steps)]
    y = alt.Y("bit:O", title=t("axis_bit"), sort="descending")
    cells = alt.Chart(table(values)).mark_rect().encode(
        alt.X("from:Q", title=t("axis_iteration"), scale=alt.Scale(
            domain=[int(iterations[0]), int(ends[-1])], nice=False)), x2="to:Q", y=y,
        color=alt.Color("share:Q", title=t("bs_axis_share"), scale=alt.Scale(
            scheme=SEQUENTIAL, domain=[0, float(share.max()) or 1.0]),
            legend=alt.Legend(format="%", orient="bottom", gradientLength=160)),
        tooltip=[alt.Tooltip("bit:O", title=t("axis_bit")),
                 alt.Tooltip("from:Q", title=t("axis_iteration"), format=","),
                 alt.Tooltip("share:Q", title=t("bs_axis_share"), format=".1%")])
    marks = [{"bit": t_, "at": int(at) if at >= 0 else int(iterations[-1]),
              "mark": RIGHT_MARK if at >= 0 else WRONG_MARK,
              "label": t("bs_lapse_learned", iteration=int(at)) if at >= 0
              else t("bs_lapse_never")} for t_, at in enumerate(learned_at)]
    base = alt.Chart(table(marks)).encode(alt.X("at:Q"), y, tooltip=[
        alt.Tooltip("bit:O", title=t("axis_bit")), alt.Tooltip("label:N", title=" ")])
    halo = base.mark_point(shape="circle", size=170, filled=True, color="white", opacity=0.9)
    signs = base.mark_text(fontSize=13, fontWeight="bold").encode(
        text="mark:N", color=alt.condition(f"datum.mark == '{RIGHT_MARK}'",
                                           alt.value(BLUE_TEXT), alt.value(ORANGE_TEXT)))
    # Streamlit fits title, axes and legend into the height too
    return alt.layer(cells, halo, signs).properties(
        padding=PADDING, title=alt.TitleParams(title, subtitle=subtitle), height=26 * steps + 190)
