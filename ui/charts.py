"""Every Altair chart of the app, built alike: one palette, one theme (the padding every chart
shares), `wrapped` titles. A builder takes plain numbers and returns a chart (or, for the charts
redrawn with every problem, a `ui.drawing.from_layout` Spec); it draws nothing: ui/drawing.py
makes charts ready, keeps and draws them. Builders call no Streamlit element, but their words come
from `t()`, which reads the session's language.

One palette, safe for colour-blind eyes: blue against orange, never red against green; and
colour is never the only sign of right and wrong, which also carry the marks ✓ and ✗.
"""
import altair as alt
import numpy as np

from ui.drawing import from_layout, table
from ui.i18n import t

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
NEWLINE = "\\n"  # a line break inside a Graphviz label
# room around every chart: without it the tops of Chinese titles are clipped by about 1 px
PADDING = {"top": 6, "left": 6, "right": 4, "bottom": 4}


# Charts of weights can have more rows than Altair's default limit of 5,000 (a 256-unit net's
# H x H updates).
alt.data_transformers.disable_max_rows()


@alt.theme.register("playground", enable=True)
def theme():
    """What every chart shares: room around it (PADDING); no view size (Altair's default
    theme's 300 x 300 px), so that Streamlit sizes the charts."""
    return alt.theme.ThemeConfig({"padding": PADDING})


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
    as a band, the moving average as a line. A Spec (from_layout), the layout kept per height: the
    live chart during training is redrawn every half second."""
    starts, low, high, average = downsample_errors(errors, max_points)
    values = [{"iteration": int(i), "low": float(lo), "high": float(hi), "average": float(av)}
              for i, lo, hi, av in zip(starts, low, high, average)]
    return from_layout(_error_layout, (height,), values)


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
    return (band + line).properties(title=wrapped(t("chart_error_title")),
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
    return alt.layer(*layers).properties(title=wrapped(t("chart_accuracy_title")),
                                         height=height)


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
    A Spec (from_layout), the layout kept per width and number of rows."""
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
    return from_layout(_bits_layout, (width, len(rows)), values)


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
    return (cells + text).properties(height=30 * count + 40)


def probability_chart(proba_msb_first, truth_msb_first):
    """The net's probability that each bit is 1, most significant bit on the left. A Spec
    (from_layout), the layout kept."""
    width = len(proba_msb_first)
    values = [{"bit": width - 1 - column, "p": float(p), "truth": int(y),
               "state": "right" if (p > 0.5) == bool(y) else "wrong",
               "mark": "" if (p > 0.5) == bool(y) else WRONG_MARK}
              for column, (p, y) in enumerate(zip(proba_msb_first, truth_msb_first))]
    return from_layout(_probability_layout, (), values)


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
        title=wrapped(t("chart_probability_title")), height=260)


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
    return alt.layer(*layers).properties(title=wrapped(title),
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
    ).properties(title=wrapped(title), height=200)


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
    return (bars + ticks).properties(title=wrapped(t("chart_output_title")),
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
        color=alt.Color("state:N", title=None, scale=colour, legend=below()),
        stroke=alt.Stroke("state:N", scale=outline, legend=None),  # no hairlines between rows
        tooltip=[alt.Tooltip("a:Q"), alt.Tooltip("b:Q", title="b ≥"),
                 alt.Tooltip("b2:Q", title="b <"), alt.Tooltip("state:N", title=" ")],
    ).properties(title=wrapped(t("chart_map_title", bits=bits)), height=460)


def sampled_map_chart(a, b, right, bits):
    names = [t("map_right"), t("map_wrong")]
    values = [{"a": float(x), "b": float(y), "state": names[0] if ok else names[1]}
              for x, y, ok in zip(a, b, right)]
    return alt.Chart(table(values)).mark_circle(size=12, opacity=0.7).encode(
        alt.X("b:Q", title="b"), alt.Y("a:Q", title="a", scale=alt.Scale(reverse=True)),
        color=alt.Color("state:N", title=None, scale=alt.Scale(domain=names,
                                                               range=[RIGHT, WRONG]),
                        legend=below()),
        tooltip=["a:Q", "b:Q", "state:N"],
    ).properties(height=460, title=wrapped(t("chart_sample_map_title", bits=bits,
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
    return alt.layer(*layers).properties(title=wrapped(title), height=height)


def below():
    """A legend under its chart, one entry a line: side by side, the last entries were cut off
    where the chart is narrow (beside the sidebar at a projector's 853 px)."""
    return alt.Legend(orient="bottom", direction="vertical", labelLimit=0)


def neuron_chart(activation, borrow, unit):
    """A hidden unit's activation per step (a line) over the true borrow (light bars: 0 or 1), so
    neither hides the other where they agree. A Spec (from_layout), the layout kept per unit: the
    chart is redrawn for every problem."""
    names = [t("neuron_activation", unit=unit), t("neuron_borrow")]
    values = [{"step": s, "value": float(v), "series": names[1]} for s, v in enumerate(borrow)]
    values += [{"step": s, "value": float(v), "series": names[0]}
               for s, v in enumerate(activation)]
    return from_layout(_neuron_layout, (unit,), values)


def _neuron_layout(data, unit):
    names = [t("neuron_activation", unit=unit), t("neuron_borrow")]
    colour = alt.Color("series:N", title=None, scale=alt.Scale(domain=names,
                                                               range=[RIGHT, WRONG_LIGHT]),
                       legend=below())
    x = alt.X("step:O", title=t("axis_step"), axis=alt.Axis(labelAngle=0))
    y = alt.Y("value:Q", title=t("axis_zero_one"), scale=alt.Scale(domain=[0, 1]))
    series = alt.Chart(data).encode(x, y, color=colour)
    borrows = series.transform_filter(alt.datum.series == names[1]).mark_bar().encode(
        tooltip=["step:O", "series:N", "value:Q"])
    line = series.transform_filter(alt.datum.series == names[0]).mark_line(point=True).encode(
        tooltip=["step:O", "series:N", alt.Tooltip("value:Q", format=".3f")])
    return alt.layer(borrows, line).properties(height=320,
                                               title=wrapped(t("chart_neuron_title")))


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
    ).properties(title=alt.TitleParams(title, subtitle=subtitle),
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
        title=alt.TitleParams(title, subtitle=subtitle), height=26 * steps + 190)


def machine_dot(next_state, output, names, start):
    """A state machine as Graphviz DOT source (st.graphviz_chart draws it in the browser): one
    node per state named `names`, an arrow into `start`, and one arrow per (state, next state)
    labelled with the input bit pairs "a b" that take it, each with the bit written ("a b → bit").
    Transitions a state never takes (-1) are left out."""
    lines = ['digraph { rankdir=LR; bgcolor="transparent";',
             f'node [shape=ellipse, style=filled, fillcolor="{RIGHT_LIGHT}", color="{CURRENT}", '
             'fontname="sans-serif", fontsize=16];',
             f'edge [color="{MUTED}", fontcolor="{MUTED}", fontname="sans-serif", fontsize=14];',
             'begin [shape=point, width=0.1, label=""];', f"begin -> s{start};"]
    for state, name in enumerate(names):
        lines.append(f's{state} [label="{name}"];')
    for state in range(len(next_state)):
        moves = {}
        for code in range(4):
            if next_state[state][code] >= 0:
                moves.setdefault(int(next_state[state][code]), []).append(
                    f"{code % 2} {code // 2} → {output[state][code]}")
        for target, labels in moves.items():  # DOT's own line break, "\n", between labels
            lines.append(f's{state} -> s{target} [label="{NEWLINE.join(labels)}"];')
    return "\n".join(lines + ["}"])


def learn_map_chart(cells, own, title, x_title, y_title, pending_text):
    """The learnability map: one cell per (hidden, alpha), coloured by the share of seeds that got
    every problem right, with "reached / seeds" written in it ("…" while it is computed); `own`
    (hidden, alpha) outlines the visitor's own cell. `cells` is a list of dicts with hidden,
    alpha, reached, seeds (reached None: not computed yet). A click selects a cell ("cell")."""
    values = [{"hidden": str(c["hidden"]), "alpha": str(c["alpha"]),
               "share": None if c["reached"] is None else c["reached"] / c["seeds"],
               "label": pending_text if c["reached"] is None else f"{c['reached']}/{c['seeds']}"}
              for c in cells]
    hidden_order = sorted({c["hidden"] for c in cells}, reverse=True)
    alpha_order = sorted({c["alpha"] for c in cells})
    x = alt.X("alpha:N", title=x_title, sort=[str(a) for a in alpha_order],
              axis=alt.Axis(labelAngle=0))
    y = alt.Y("hidden:N", title=y_title, sort=[str(h) for h in hidden_order])
    pick = alt.selection_point(name="cell", fields=["hidden", "alpha"], on="click")
    base = alt.Chart(table(values))
    rects = base.mark_rect(stroke="white").encode(
        x, y, color=alt.condition("datum.share === null", alt.value(PLAIN), alt.Color(
            "share:Q", scale=alt.Scale(scheme=SEQUENTIAL, domain=[0, 1]), title=None,
            legend=alt.Legend(format=".0%", gradientLength=120, gradientThickness=10))),
        tooltip=[alt.Tooltip("hidden:N", title=y_title), alt.Tooltip("alpha:N", title=x_title),
                 alt.Tooltip("label:N", title=" ")])
    text = base.mark_text(fontSize=14).encode(x, y, text="label:N", color=alt.condition(
        "datum.share !== null && datum.share < 0.6", alt.value("white"), alt.value("black")))
    # the clicks: a see-through cell over each text, which would otherwise take a click itself
    clicks = base.mark_rect(fill="white", opacity=0.001).encode(x, y, tooltip=[
        alt.Tooltip("hidden:N", title=y_title), alt.Tooltip("alpha:N", title=x_title),
        alt.Tooltip("label:N", title=" ")]).add_params(pick)
    layers = [rects, text, clicks]
    if own is not None:
        frame = table([{"hidden": str(own[0]), "alpha": str(own[1])}])
        layers.append(alt.Chart(frame).mark_rect(fill=None, stroke=WRONG, strokeWidth=4)
                      .encode(x, y))
    return alt.layer(*layers).properties(title=wrapped(title), height=44 * len(hidden_order) + 110)


def compare_chart(series, y, title, y_title, percent=False, height=240):
    """Two runs' curves on one chart: `series` is [(run name, iterations, values)], drawn in
    blue (the first) and orange (the second) with a point shape each, so that colour is not the
    only sign of which run is which."""
    values = [{"run": name, "iteration": int(i), y: float(v)}
              for name, iterations, curve in series for i, v in zip(iterations, curve)]
    names = [name for name, _, _ in series]
    axis = alt.Axis(format="%") if percent else alt.Axis()
    return alt.Chart(table(values)).mark_line(point=alt.OverlayMarkDef(aria=False)).encode(
        alt.X("iteration:Q", title=t("axis_iteration")),
        alt.Y(f"{y}:Q", title=y_title, axis=axis,
              scale=alt.Scale(domain=[0, 1]) if percent else alt.Scale()),
        color=alt.Color("run:N", sort=names, title=None,
                        scale=alt.Scale(domain=names, range=[RIGHT, WRONG]),
                        legend=alt.Legend(orient="bottom", aria=False)),  # its symbols
        # have no text of their own for screen readers (axe: svg-img-alt); the sentence under the
        # chart names both runs
        shape=alt.Shape("run:N", sort=names, title=None,
                        scale=alt.Scale(domain=names, range=["circle", "square"])),
        tooltip=[alt.Tooltip("run:N", title=" "),
                 alt.Tooltip("iteration:Q", title=t("axis_iteration")),
                 alt.Tooltip(f"{y}:Q", title=y_title, format=".2%" if percent else ".3f")],
    ).properties(title=wrapped(title), height=height)


def guesses_chart(labels, counts, title, x_title, y_title, height=220):
    """How many chose each label (in the given order): a bar each, its count written above it,
    on a whole-number axis."""
    data = [{"label": str(label), "count": int(count)} for label, count in zip(labels, counts)]
    base = alt.Chart(table(data)).encode(alt.X("label:N", title=x_title, sort=[
        str(label) for label in labels], axis=alt.Axis(labelAngle=0)))
    y = alt.Y("count:Q", title=y_title, scale=alt.Scale(domain=[0, max(1, *counts) * 1.2]),
              axis=alt.Axis(format="d", tickMinStep=1))
    return alt.layer(
        base.mark_bar(color=CURRENT).encode(y, tooltip=[alt.Tooltip("label:N", title=x_title),
                                                        alt.Tooltip("count:Q", title=y_title)]),
        base.mark_text(dy=-7, fontSize=11).encode(y="count:Q", text="count:Q"),
    ).properties(title=wrapped(title), height=height)
