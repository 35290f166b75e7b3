"""Calculator page: the trained net subtracts numbers the visitor picks, bit by bit."""
import numpy as np
import streamlit as st

from rnn.bits import from_bits, msb_first, subtract_bits, to_bits
from rnn.evaluate import answer, predict_bits, random_operands
from ui import charts
from ui.i18n import t
from ui.keys import scoped
from ui.upload import model_in_use

NAV, TITLE = "page_calculator", "calc_title"  # catalogue keys of its menu entry and its title
SHOWS_DIVERGED = False
NUMBER_INPUT_BITS = 32  # wider operands are typed into a text box (JavaScript numbers lose digits)
RANDOM_PROBLEMS = 20


def render(model):
    model = model_in_use(model, "calc_upload")
    params, train_bits = model.params, model.config.bits
    st.markdown(t("calc_intro", bits=train_bits))
    wide = st.toggle(t("calc_wide"), key="calc_wide", persist_state="session",
                     help=t("calc_wide_help"))
    width = train_bits  # the width the net in use was trained on, unless the visitor goes wider
    if wide:  # scoped by the net's width: its choices start from the net in use
        width = st.slider(t("calc_width"), 2, 64, max(train_bits, 16),
                          key=scoped("calc_width", train_bits), persist_state="session")
    left, right = st.columns(2)
    with left:
        a = operand(t("calc_a"), 200, "calc_a", width)
    with right:
        b = operand(t("calc_b"), 57, "calc_b", width)
    if a is None or b is None:
        return
    draw_answer(params, a, b, width, train_bits)
    draw_random_problems(params, width)


def operand(label, default, key, width):
    """An operand from a number input, or a text input where a number input loses digits.
    `default` is an 8-bit number; narrower widths get it scaled down (200 - 57 at 8 bits is
    12 - 3 at 4 bits, still a problem with borrows, where clamping would give 15 - 15)."""
    top = 2**width - 1
    if top < 255:
        default = round(default * top / 255)
    if width <= NUMBER_INPUT_BITS:
        return int(st.number_input(label, 0, top, default, key=scoped(key, width),
                                   persist_state="session"))
    text = st.text_input(label, str(default), key=scoped(key, width), persist_state="session")
    value, problem = parse_operand(text, width)
    if problem:
        st.error(t(problem, value=text, top=top, width=width))
    return value


BASES = {"0x": (16, "0123456789abcdef", "x"), "0b": (2, "01", "b"), "": (10, "0123456789", "d")}


def parse_operand(text, width):
    """A typed operand: (value, None), or (None, catalogue key of what is wrong with it).
    Decimal, or hexadecimal after 0x, or binary after 0b; underscores are ignored; a minus sign
    makes it out of range. The digits are counted before they are converted, so a huge number
    costs nothing and is called too big (Python refuses to convert more than 4,300 digits)."""
    digits = text.strip().replace("_", "").lower()
    negative = digits.startswith("-")
    digits = digits.removeprefix("-")
    prefix = digits[:2] if digits[:2] in ("0x", "0b") else ""
    base, allowed, spec = BASES[prefix]
    digits = digits[len(prefix):]
    if not digits or any(c not in allowed for c in digits):
        return None, "calc_not_a_number"
    top = 2**width - 1
    if negative or len(digits.lstrip("0")) > len(format(top, spec)) or int(digits, base) > top:
        return None, "calc_out_of_range"
    return int(digits, base), None


def draw_answer(params, a, b, width, train_bits):
    proba, predicted = answer(params, a, b, width)
    expected = subtract_bits(to_bits(a, width), to_bits(b, width))[0]
    wrong = predicted != expected
    net_value, true_value = from_bits(predicted), (a - b) % 2**width
    st.altair_chart(charts.bits_chart(
        [(t("row_a", value=a), msb_first(to_bits(a, width))),
         (t("row_b", value=b), msb_first(to_bits(b, width))),
         (t("row_true"), msb_first(expected)),
         (t("row_net"), msb_first(predicted))], msb_first(wrong)), width="stretch")
    columns = st.columns(3)
    columns[0].metric(t("calc_net_answer"), f"{net_value:,}")
    columns[1].metric(t("calc_true_answer"), f"{true_value:,}")
    columns[2].metric(t("calc_wrong_bits"), int(wrong.sum()))
    if not wrong.any():
        st.success(t("calc_right", a=a, b=b, value=net_value), icon="✅")
    else:
        st.error(t("calc_wrong", count=int(wrong.sum()), width=width), icon="❌")
    if a < b:
        st.info(t("calc_negative", a=a, b=b, width=width, value=true_value, negative=a - b),
                icon="ℹ️")
    if width > train_bits:
        st.caption(t("calc_longer", width=width, bits=train_bits))
    st.altair_chart(charts.probability_chart(msb_first(proba), msb_first(expected)),
                    width="stretch")
    with st.expander(t("calc_probabilities")):
        st.dataframe([{t("axis_bit"): int(i), t("axis_probability"): round(float(p), 6),
                       t("row_net"): int(n), t("row_true"): int(y)}
                      for i, p, n, y in zip(range(width - 1, -1, -1), msb_first(proba),
                                            msb_first(predicted), msb_first(expected))],
                     hide_index=True)


def draw_random_problems(params, width):
    st.subheader(t("calc_random_title", count=RANDOM_PROBLEMS))
    if st.button(t("calc_random_button", count=RANDOM_PROBLEMS), key="calc_random"):
        st.session_state["calc_draw"] = st.session_state.get("calc_draw", 0) + 1
    if "calc_draw" not in st.session_state:
        return
    rng = np.random.default_rng(st.session_state["calc_draw"])
    a_bits, b_bits = random_operands(width, RANDOM_PROBLEMS, rng)
    net_bits = predict_bits(params, a_bits, b_bits)
    right = (net_bits == subtract_bits(a_bits, b_bits)[0]).all(axis=1)
    st.metric(t("calc_score"), f"{int(right.sum())} / {RANDOM_PROBLEMS}")
    st.dataframe([{"a": str(from_bits(x)), "b": str(from_bits(y)),
                   t("calc_net_answer"): str(from_bits(n)),
                   t("calc_true_answer"): str(from_bits(x) - from_bits(y)),
                   t("col_right"): "✅" if ok else "❌"}
                  for x, y, n, ok in zip(a_bits, b_bits, net_bits, right)], hide_index=True,
                 width="stretch")
