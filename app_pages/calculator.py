"""Calculator page: the trained net subtracts numbers the visitor picks, bit by bit."""
from urllib.parse import urlencode

import numpy as np
import streamlit as st

from rnn import evaluate
from rnn.bits import from_bits, msb_first, subtract_bits, to_bits
from rnn.evaluate import random_operands
from ui import charts, computing, drawing, operate
from ui.i18n import Text, t
from ui.keys import folded, scoped
from ui.operands import parse_operand, read_link, write_link
from ui.settings import NUMBERS
from ui.upload import upload_box, upload_note

NAV, TITLE = "page_calculator", "calc_title"  # catalogue keys of its menu entry and its title
SHOWS_DIVERGED = False
NUMBER_INPUT_BITS = 32  # wider operands are typed into a text box (JavaScript numbers lose digits)
GRID_BITS = 16  # bits per row of the bit grid, so that a phone shows every digit
METRIC_BITS = 32  # wider answers are written out in full rather than as metrics (cut on phones)
RANDOM_PROBLEMS = 20
OPERANDS = {"a": ("calc_a", 200), "b": ("calc_b", 57)}  # link name: (widget key, 8-bit default)
LINK_READ = "calc_link_read"  # session key: the link's a and b, read (its notices kept)


def render(model):
    page = st.container()  # the page above; the weights upload below, folded away
    model = upload_box(model, "calc_upload")
    with page:
        upload_note(model)
        draw(model)


def draw(model):
    train_bits = model.config.bits
    st.markdown(t("calc_intro", bits=train_bits))
    chosen = operate.controls(model.params, "calc")  # the net as the visitor operated on it
    params = operate.apply(model.params, chosen)
    operate.draw_effect(model, chosen)
    wide = st.toggle(t("calc_wide"), key="calc_wide", persist_state="session",
                     help=t("calc_wide_help"))
    width = train_bits  # the width the net in use was trained on, unless the visitor goes wider
    if wide:  # scoped by the net's width: its choices start from the net in use
        width = st.slider(t("calc_width"), 2, 64, max(train_bits, 16),
                          key=scoped("calc_width", train_bits), persist_state="session")
    read_link(LINK_READ, width, start_box)
    left, right = st.columns(2)
    with left:
        a = operand(t("calc_a"), OPERANDS["a"][1], OPERANDS["a"][0], width)
    with right:
        b = operand(t("calc_b"), OPERANDS["b"][1], OPERANDS["b"][0], width)
    st.caption(t("calc_range", top=2**width - 1, width=width))
    if a is None or b is None:
        return
    write_link({"a": a, "b": b}, {name: scaled_default(default, width)
                                  for name, (_, default) in OPERANDS.items()})
    draw_answer(params, a, b, width, train_bits)
    draw_random_problems(params, width)


def start_box(name, value):
    """A linked operand starts its box: as the value last chosen, which `operand` gives the box
    of whatever width is in use when it fits."""
    st.session_state[scoped(OPERANDS[name][0], "last")] = value


def scaled_default(default, width):
    """An 8-bit default scaled to `width` bits (see `operand`)."""
    top = 2**width - 1
    return round(default * top / 255) if top < 255 else default


def operand(label, default, key, width):
    """An operand from a number input, or a text input where a number input loses digits.
    `default` is an 8-bit number; narrower widths get it scaled down (200 - 57 at 8 bits is
    12 - 3 at 4 bits, still a problem with borrows, where clamping would give 15 - 15). A value
    the visitor chose at another width is kept when it fits this one. A number box has no
    bounds of its own: Streamlit's would keep an out-of-range number in the box, marked only in
    English for screen readers, while the page went on with the last valid one; here the page
    says so in its language and draws no answer until the box holds a number that fits."""
    top = 2**width - 1
    default = scaled_default(default, width)
    widget, last = scoped(key, width), scoped(key, "last")
    chosen = st.session_state.get(last)
    if widget not in st.session_state and chosen is not None and chosen <= top:
        st.session_state[widget] = chosen if width <= NUMBER_INPUT_BITS else str(chosen)
    if width <= NUMBER_INPUT_BITS:  # no bounds in the box: out of range is said in words below
        value = int(st.number_input(label, value=default, step=1, key=widget,
                                    persist_state="session"))
        if not 0 <= value <= top:
            st.error(t("calc_out_of_range", value=value, top=top, width=width))
            return None
    else:
        text = st.text_input(label, str(default), key=widget, persist_state="session")
        value, problem = parse_operand(text, width)
        if problem:
            st.error(t(problem, value=text, top=top, width=width))
            return None
    st.session_state[last] = value
    return value


def draw_answer(params, a, b, width, train_bits):
    """The bits of a, b, the right answer and the net's, then what they mean. When a < b the
    right answer is below zero: an n-bit net wraps around, and its bits are compared with the
    wrapped answer, (a - b) mod 2^n."""
    answered = computing.call(evaluate.answer, params, a, b, width)
    if answered is None:
        return
    proba, predicted = answered
    expected = subtract_bits(to_bits(a, width), to_bits(b, width))[0]  # (a - b) mod 2^n
    wrong = predicted != expected
    net_value, wrapped = from_bits(predicted), (a - b) % 2**width
    rows = [(t("row_a", value=a), msb_first(to_bits(a, width))),
            (t("row_b", value=b), msb_first(to_bits(b, width))),
            (t("row_true") if a >= b else t("row_wrapped"), msb_first(expected)),
            (t("row_net"), msb_first(predicted))]
    for start in range(0, width, GRID_BITS):  # most significant slice first
        part = slice(start, start + GRID_BITS)
        drawing.draw(charts.bits_chart([(label, bits[part]) for label, bits in rows],
                                       msb_first(wrong)[part], width - 1 - start))
    st.caption(t("calc_bits_text", width=width, wrong=int(wrong.sum())))
    if wrong.any() and width == train_bits:  # the walk of this problem, at each wrong bit
        st.markdown(t("calc_why_wrong", links=Text(", ".join(
            t("calc_why_bit", bit=int(bit), link=walk_link(a, b, int(bit)))
            for bit in np.flatnonzero(wrong)[::-1]))))
    figures = [(t("calc_net_answer"), f"{net_value:,}"), (t("calc_true_answer"), f"{a - b:,}"),
               (t("calc_wrong_bits"), f"{int(wrong.sum())}")]
    if width <= METRIC_BITS:
        for column, (label, value) in zip(st.columns(3), figures):
            column.metric(label, value)
    else:
        st.markdown("  \n".join(f"**{label}:** {value}" for label, value in figures))
    if a < b:
        st.info(t("calc_below_zero", a=a, b=b, negative=a - b, width=width, wrapped=wrapped,
                  verdict=t("calc_wrapped_same") if not wrong.any()
                  else t("calc_wrapped_wrong", count=int(wrong.sum()))), icon=":material/undo:")
        st.caption(t("calc_twos_complement", negative=a - b, width=width))
    elif not wrong.any():
        st.success(t("calc_right", a=a, b=b, value=net_value), icon=":material/check_circle:")
    else:
        st.error(t("calc_wrong", count=int(wrong.sum()), width=width), icon=":material/cancel:")
    if width > train_bits:
        st.caption(t("calc_longer", width=width, bits=train_bits))
    sure = int((np.abs(proba - 0.5) > 0.4).sum())  # above 90 % or below 10 %
    st.caption(t("calc_sure_text", sure=sure, width=width, section=t("calc_probabilities")))
    with folded(t("calc_probabilities"), "calc_table") as listing:
        if listing.open:  # drawn only when opened: a second chart costs every visit to the page
            drawing.show(charts.probability_chart(msb_first(proba), msb_first(expected)),
                         t("calc_probability_text"))
            st.dataframe([{t("axis_bit"): int(i), t("axis_probability"): round(float(p), 6),
                           t("row_net"): int(n), t("row_true"): int(y)}
                          for i, p, n, y in zip(range(width - 1, -1, -1), msb_first(proba),
                                                msb_first(predicted), msb_first(expected))],
                         hide_index=True)


def walk_link(a, b, bit):
    """The backprop page's link to the forward step of `bit` of a - b, with this page's
    settings and language (only names the app reads, their values checked already)."""
    kept = {name: st.query_params[name] for name in (*NUMBERS, "sampling", "lang")
            if name in st.query_params}
    return Text("./backprop?" + urlencode({**kept, "a": a, "b": b, "step": bit + 1}))


def draw_random_problems(params, width):
    st.header(t("calc_random_title", count=RANDOM_PROBLEMS))
    if st.button(t("calc_random_button", count=RANDOM_PROBLEMS), key="calc_random"):
        st.session_state["calc_draw"] = st.session_state.get("calc_draw", 0) + 1
    if "calc_draw" not in st.session_state:
        return
    rng = np.random.default_rng(st.session_state["calc_draw"])
    a_bits, b_bits = random_operands(width, RANDOM_PROBLEMS, rng)
    net_bits = computing.call(evaluate.predict_bits, params, a_bits, b_bits)
    if net_bits is None:
        return
    right = (net_bits == subtract_bits(a_bits, b_bits)[0]).all(axis=1)
    st.metric(t("calc_score"), f"{int(right.sum())} / {RANDOM_PROBLEMS}")
    st.dataframe([{"a": str(from_bits(x)), "b": str(from_bits(y)),
                   t("calc_net_answer"): str(from_bits(n)),
                   t("calc_true_answer"): str(from_bits(x) - from_bits(y)),
                   t("col_right"): charts.RIGHT_MARK if ok else charts.WRONG_MARK}
                  for x, y, n, ok in zip(a_bits, b_bits, net_bits, right)], hide_index=True,
                 width="stretch")
