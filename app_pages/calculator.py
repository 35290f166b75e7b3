"""Calculator page: the trained net subtracts numbers the user picks, bit by bit."""
import numpy as np
import streamlit as st

from rnn.bits import from_bits, msb_first, subtract_bits, to_bits
from rnn.evaluate import answer, predict_bits, random_operands
from ui import charts
from ui.i18n import t
from ui.upload import uploaded_weights

NUMBER_INPUT_BITS = 32  # wider operands are typed into a text box (JavaScript numbers lose digits)
RANDOM_PROBLEMS = 20

model = st.session_state["model"]
params, train_bits = model.params, model.result.config.bits

st.title(t("calc_title"))
upload = uploaded_weights("calc_upload")
if upload is not None:
    params, stored = upload
    train_bits = stored.bits if stored else train_bits
    st.info(t("using_upload", hidden=params.hidden, bits=train_bits), icon="📦")
st.markdown(t("calc_intro", bits=train_bits))

wide = st.toggle(t("calc_wide"), key="calc_wide", persist_state="session", help=t("calc_wide_help"))
width = st.slider(t("calc_width"), 2, 64, max(train_bits, 16) if wide else train_bits,
                  key=f"calc_width_{wide}", disabled=not wide,
                  persist_state="session")
top = 2**width - 1


def operand(label, default, key):
    """An operand from a number input, or a text input where a number input loses digits.
    `default` is an 8-bit number; narrower widths get it scaled down (200 - 57 at 8 bits is
    12 - 3 at 4 bits, still a problem with borrows, where clamping would give 15 - 15)."""
    if top < 255:
        default = round(default * top / 255)
    if width <= NUMBER_INPUT_BITS:
        return int(st.number_input(label, 0, top, default, key=f"{key}_{width}",
                                   persist_state="session"))
    text = st.text_input(label, str(default), key=f"{key}_{width}", persist_state="session")
    text = text.strip().replace("_", "")
    try:
        value = int(text, 0) if text.lower().startswith(("0x", "0b")) else int(text)
    except ValueError:
        st.error(t("calc_not_a_number", value=text[:40]))
        return None
    if not 0 <= value <= top:
        st.error(t("calc_out_of_range", value=text[:40], top=f"{top:,}", width=width))
        return None
    return value


left, right = st.columns(2)
with left:
    a = operand(t("calc_a"), 200, "calc_a")
with right:
    b = operand(t("calc_b"), 57, "calc_b")
if a is None or b is None:
    st.stop()

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

st.altair_chart(charts.probability_chart(msb_first(proba), msb_first(expected)), width="stretch")
with st.expander(t("calc_probabilities")):
    st.dataframe([{t("axis_bit"): int(i), t("axis_probability"): round(float(p), 6),
                   t("row_net"): int(n), t("row_true"): int(y)}
                  for i, p, n, y in zip(range(width - 1, -1, -1), msb_first(proba),
                                        msb_first(predicted), msb_first(expected))],
                 hide_index=True)

st.subheader(t("calc_random_title", count=RANDOM_PROBLEMS))
if st.button(t("calc_random_button", count=RANDOM_PROBLEMS), key="calc_random"):
    st.session_state["calc_draw"] = st.session_state.get("calc_draw", 0) + 1
if "calc_draw" in st.session_state:
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
