"""The backprop page's picture: the written subtraction with one RNN cell under each column, as
SVG that the browser draws at the width it has (8 bits fit a phone; wider problems scroll
sideways). One frame per phase of the walk (ui/walk.py), drawn from rnn.blame.walk's numbers,
in ui/charts.py's palette.
"""
import html
import math

import numpy as np

from ui.charts import (
    BLUE_TEXT,
    CURRENT,
    DIVERGING,
    MUTED,
    NEUTRAL,
    ORANGE_TEXT,
    OTHER,
    RIGHT,
    RIGHT_LIGHT,
    RIGHT_MARK,
    WRONG,
    WRONG_LIGHT,
    WRONG_MARK,
)
from ui.i18n import t

VIRIDIS = ["#440154", "#482475", "#414487", "#355f8d", "#2a788e", "#21918c", "#22a884",
           "#44bf70", "#7ad151", "#bddf26", "#fde725"]  # SEQUENTIAL at 0, 0.1, ..., 1
UP, DOWN = DIVERGING[2], DIVERGING[0]  # a weight's update: orange up, blue down
COLUMN, CELL, MARGIN_LEFT, MARGIN_RIGHT = 44, 28, 62, 30  # px of the picture's own grid
SMALLEST = 0.66  # the picture shrinks to this scale at most, then scrolls (8 bits fit 320 px)
LARGE_MARGIN = "3rem"  # the screen's height the large picture leaves free
NATURAL = 1.3  # the picture's scale where the page has room: its smallest text 13 px x 1.3
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


def contrast(first, second):
    """WCAG's contrast ratio of two hex colours (or "white")."""
    def luminance(colour):
        colour = "#ffffff" if colour == "white" else colour
        rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
        rgb = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
        return float(rgb @ [0.2126, 0.7152, 0.0722])
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


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


def picture_width(steps):
    """The picture's own width (its grid's units) for a problem of `steps` bits."""
    return MARGIN_LEFT + steps * COLUMN + MARGIN_RIGHT


def subtraction_picture(walk, phase, step, alt_text, large=False):
    """The problem written as at school (a above b, lowest bit on the right, the answer below
    the line), with the net's cell for each column between question and answer, in one frame of
    the backprop page's walk: `phase` FORWARD (columns up to `step` done), QUESTION (all done),
    BACKWARD (blame shown from the last column down to `step`) or UPDATE (each column's piece of
    the three weights that move most). SVG markup on one line, `alt_text` for screen readers;
    each column's numbers are in its tooltip and in data- attributes. Drawn at the width it is
    given, between SMALLEST and 1.45 times its own size; `large` (the presenter view): as large
    as the screen allows, as wide as the page and, at one scale for every frame, no taller than
    the screen less LARGE_MARGIN."""
    blamed, steps = walk.blame, walk.steps
    width = picture_width(steps)
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
        parts.append(_text(MARGIN_LEFT - 2, ROW[row], label, 13, "end", MUTED))
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
    tallest = ROW["bars"] + 20  # the backward and update frames: one scale for the whole walk
    widest = (f"calc((100vh - {LARGE_MARGIN}) * {width / tallest:.4f})" if large
              else f"{round(width * 1.45)}px")
    return (f'<div style="overflow-x:auto"><svg xmlns="http://www.w3.org/2000/svg" role="img" '
            f'aria-label="{label}" viewBox="0 0 {width} {height}" font-family="sans-serif" '
            f'data-phase="{phase}" data-step="{step}" style="width:100%;'
            f'min-width:{round(width * SMALLEST)}px;max-width:{widest};'
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
        if phase == UPDATE:  # the neurons the sentence names, as in the key under the picture
            for k in named_neurons(walk):
                sx, sy = cx - CELL / 2 + (k % side) * square, top + (k // side) * square
                parts.append(_outline(sx, sy, square))
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




def named_neurons(walk):
    """The hidden units the update frame's sentence names: the one each of the three most moved
    weights feeds from or into (synapse_0: the unit fed; synapse_h: both; synapse_1: the unit
    read)."""
    moved_0, moved_h, moved_1 = walk.moved
    return sorted({moved_0.index[1], *moved_h.index, moved_1.index[0]})


def _outline(x, y, size):
    """A square's outline that shows on any colour of the scale: dark, with a white core."""
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{size:.1f}" height="{size:.1f}" fill="none" '
            f'stroke="#263238" stroke-width="3"/><rect x="{x:.1f}" y="{y:.1f}" '
            f'width="{size:.1f}" height="{size:.1f}" fill="none" stroke="white" '
            f'stroke-width="1.2"/>')


def memory_key(state, named, alt_text):
    """One cell of the picture enlarged: a square per hidden unit in the picture's order (left to
    right, row by row), coloured by `state` as in the picture, each with its number, the units
    in `named` outlined; drawn at NATURAL scale (its numbers 13 px x 1.3, as the picture's
    smallest text where the page has room). SVG markup on one line."""
    side = math.ceil(math.sqrt(len(state)))
    size = 30
    parts = []
    for k, colour in enumerate(viridis(state)):
        x, y = 2 + (k % side) * size, 2 + (k // side) * size
        ink = max(("#000000", "white"), key=lambda text: contrast(text, colour))
        parts.append(f'<rect x="{x}" y="{y}" width="{size}" height="{size}" fill="{colour}" '
                     f'stroke="white" stroke-width="0.5"/>')
        parts.append(_text(x + size / 2, y + size / 2 + 5, k, 13, colour=ink,
                           weight="bold" if k in named else "normal"))
    parts.extend(_outline(2 + (k % side) * size, 2 + (k // side) * size, size) for k in named)
    width = side * size + 4
    height = math.ceil(len(state) / side) * size + 4
    label = html.escape(alt_text, quote=True)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" '
            f'viewBox="0 0 {width} {height}" font-family="sans-serif" data-key="memory" '
            f'style="width:{round(width * NATURAL)}px;height:auto;display:block">'
            f'{"".join(parts)}</svg>')
