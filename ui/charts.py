"""Every Altair chart of the app, so they all look alike, and `show`, which draws one with its
text alternative. The builders make no Streamlit calls.

One palette, safe for colour-blind eyes: blue against orange, never red against green; and
colour is never the only sign of right and wrong, which also carry the marks ✓ and ✗.
"""
import altair as alt
import numpy as np
import pandas as pd  # Altair builds a chart ~40x faster from a DataFrame than from dicts
import streamlit as st

from ui.i18n import t

MAX_POINTS = 2_000  # points per curve sent to the browser
RIGHT, WRONG = "#1f6fb2", "#d95f02"  # blue, orange (strong): lines, bars, marks
RIGHT_LIGHT, WRONG_LIGHT, PLAIN = "#c6dbef", "#fdd0a2", "#eceff1"  # cell backgrounds
CURRENT, OTHER, NEUTRAL = "#08519c", "#9ecae1", "#90a4ae"  # the highlighted bar, the rest, bands
DIVERGING = ["#2166ac", "#f7f7f7", "#b35806"]  # below 0, 0, above 0: blue, white, orange
SEQUENTIAL = "viridis"  # 0 to 1
RIGHT_MARK, WRONG_MARK = "✓", "✗"


def show(chart, text):
    """Draw `chart` across the page with `text`, one sentence made from its data that says what
    it shows and its key number: what a reader who cannot see the chart is told."""
    st.altair_chart(chart, width="stretch")
    st.caption(text)


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


def error_chart(errors, height=260):
    starts, low, high, average = downsample_errors(errors)
    data = table([
        {"iteration": int(i), "low": float(lo), "high": float(hi), "average": float(av)}
        for i, lo, hi, av in zip(starts, low, high, average)])
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
    return (band + line).properties(title=t("chart_error_title"), height=height)


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
        layers.append(alt.Chart(mark).mark_text(align="left", dx=4, dy=-6, color=WRONG).encode(
            x="iteration:Q", y=alt.value(12), text="label:N"))
    return alt.layer(*layers).properties(title=t("chart_accuracy_title"), height=height)


def bits_chart(rows, wrong):
    """A grid of bits, most significant on the left. rows: [(label, bits msb first)], wrong: bool
    per column (msb first), marking the predicted row's wrong bits."""
    width = len(rows[0][1])
    values = []
    for order, (label, bits) in enumerate(rows):
        for column, bit in enumerate(bits):
            predicted = order == len(rows) - 1
            state = ("wrong" if wrong[column] else "right") if predicted else "plain"
            values.append({"row": label, "order": order, "bit": width - 1 - column,
                           "value": int(bit), "state": state})
    base = alt.Chart(table(values)).encode(
        alt.X("bit:O", title=t("axis_bit"), sort="descending", axis=alt.Axis(labelAngle=0)),
        alt.Y("row:N", title=None, sort=alt.EncodingSortField("order")))
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("state:N", legend=None, scale=alt.Scale(
            domain=["plain", "right", "wrong"], range=[PLAIN, RIGHT_LIGHT, WRONG_LIGHT])))
    text = base.mark_text(fontSize=15, fontWeight="bold").encode(text="value:Q")
    return (cells + text).properties(height=34 * len(rows) + 40)


def probability_chart(proba_msb_first, truth_msb_first):
    """The net's probability that each bit is 1, most significant bit on the left."""
    width = len(proba_msb_first)
    values = [{"bit": width - 1 - column, "p": float(p), "truth": int(y),
               "state": "right" if (p > 0.5) == bool(y) else "wrong"}
              for column, (p, y) in enumerate(zip(proba_msb_first, truth_msb_first))]
    base = alt.Chart(table(values)).encode(
        alt.X("bit:O", title=t("axis_bit"), sort="descending", axis=alt.Axis(labelAngle=0)))
    bars = base.mark_bar().encode(
        alt.Y("p:Q", title=t("axis_probability"), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("state:N", legend=None,
                        scale=alt.Scale(domain=["right", "wrong"], range=[RIGHT, WRONG])),
        tooltip=[alt.Tooltip("bit:O", title=t("axis_bit")),
                 alt.Tooltip("p:Q", title=t("axis_probability"), format=".4f"),
                 alt.Tooltip("truth:Q", title=t("axis_truth"))])
    half = alt.Chart(table([{"y": 0.5}])).mark_rule(strokeDash=[4, 3]).encode(y="y:Q")
    return (bars + half).properties(title=t("chart_probability_title"), height=260)


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
    return alt.layer(*layers).properties(title=title, height=plot_height + 110)


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
    ).properties(title=title, height=200)


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
    return (bars + ticks).properties(title=t("chart_output_title"), height=200)


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
    return alt.Chart(table(values)).mark_rect(strokeWidth=0.6).encode(
        alt.X("b:Q", title="b", scale=alt.Scale(domain=[0, top], nice=False)), x2="b2:Q",
        y=alt.Y("a:Q", title="a", scale=alt.Scale(domain=[top, 0], nice=False)), y2="a2:Q",
        color=alt.Color("state:N", title=None, scale=colour, legend=alt.Legend(orient="bottom")),
        stroke=alt.Stroke("state:N", scale=colour, legend=None),  # no hairlines between rows
        tooltip=[alt.Tooltip("a:Q"), alt.Tooltip("b:Q", title="b ≥"),
                 alt.Tooltip("b2:Q", title="b <"), alt.Tooltip("state:N", title=" ")],
    ).properties(title=t("chart_map_title", bits=bits), height=460)


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
    ).properties(title=t("chart_sample_map_title", bits=bits, count=len(values)), height=460)


def bars(labels, values, title, x_title, y_title, highlight=None, percent=False, domain=None,
         baseline=None, text=None, height=220):
    """A bar per label (in the given order), one highlighted, an optional dashed baseline and an
    optional text above each bar."""
    data = [{"label": str(label), "order": i, "value": float(value), "current": i == highlight,
             "text": "" if text is None else str(text[i])}
            for i, (label, value) in enumerate(zip(labels, values))]
    axis = alt.Axis(format="%") if percent else alt.Axis()
    x = alt.X("label:N", title=x_title, sort=[str(label) for label in labels],
              axis=alt.Axis(labelAngle=0))
    base = alt.Chart(table(data)).encode(x)
    upright = text is not None and len(labels) > 12  # side by side, the texts would overlap
    if upright:  # headroom above the tallest bar for its upright text
        low, high = domain if domain else (min(0.0, *values), max(0.0, *values))
        domain, height = (low, high + (high - low) * 0.45), max(height, 300)
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
    return alt.layer(*layers).properties(title=title, height=height)


def neuron_chart(activation, borrow, unit):
    """A hidden unit's activation per step next to the true borrow (0 or 1)."""
    names = [t("neuron_activation", unit=unit), t("neuron_borrow")]
    values = [{"step": s, "value": float(v), "series": names[0]} for s, v in enumerate(activation)]
    values += [{"step": s, "value": float(v), "series": names[1]} for s, v in enumerate(borrow)]
    return alt.Chart(table(values)).mark_line(point=True).encode(
        alt.X("step:O", title=t("axis_step"), axis=alt.Axis(labelAngle=0)),
        alt.Y("value:Q", title=None, scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("series:N", title=None, scale=alt.Scale(domain=names,
                                                                range=[RIGHT, WRONG]),
                        legend=alt.Legend(orient="bottom")),
        strokeDash=alt.StrokeDash("series:N", legend=None, scale=alt.Scale(
            domain=names, range=[[1, 0], [5, 3]])),
        tooltip=["step:O", "series:N", alt.Tooltip("value:Q", format=".3f")],
    ).properties(title=t("chart_neuron_title"), height=320)
