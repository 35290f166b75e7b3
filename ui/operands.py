"""Operands a visitor types or links to (the calculator's and the backprop page's a and b): the
typed-operand rule, and a and b in the page's link; and the backprop page's moment.

A link's `?a=150&b=20` is read once per session, before the boxes are drawn, by the same rule as
a typed operand at the width in use; one that passes starts its box, one that does not is
dropped from the link with a notice in the page's language (kept for the session) and its box
starts from its default. After each run the link holds a and b, a default leaving it (as the
sidebar's settings do), so that a reload or a copied link opens the same problem. The backprop
page's moment (`?at=5000&step=10`: the snapshot, and the frame of the walk) is read and written
the same way (`read_moment`, `write_link`).
"""
import streamlit as st

from ui.i18n import Text, t

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


def read_link(page, width, start):
    """Once per session of `page` (a session key): ?a= and ?b= from the link, checked at `width`
    bits; `start(name, value)` starts the box of each one that passes. Then, every run, a notice
    for each one that did not."""
    if page not in st.session_state:
        notices = []
        for name in ("a", "b"):
            values = st.query_params.get_all(name)
            if not values:
                continue
            value, problem = (parse_operand(values[0], width) if len(values) == 1
                              else (None, "repeated"))
            if problem:
                notices.append((name, ", ".join(values), 2**width - 1))
                st.query_params.pop(name, None)
            else:
                start(name, value)
        st.session_state[page] = notices
    for name, value, top in st.session_state[page]:
        st.warning(t("calc_link_bad", name=Text(name), value=value, top=top),
                   icon=":material/link_off:")


def read_moment(page, iterations, frames):
    """Once per session of `page` (a session key): ?at= (a snapshot's iteration, one of
    `iterations`) and ?step= (a frame of the walk, 1 to `frames`) from the backprop page's link.
    Returns {"at": iteration, "step": frame} for those that can be used, the first time only
    (the caller starts its widgets from them); an `at` between two snapshots gives the nearest,
    with a notice; anything else is dropped from the link with a notice. The notices are
    shown every run for the session, in the page's language."""
    found = {}
    if page not in st.session_state:
        notices = []
        for name, top, bad in (("at", iterations[-1], "bp_link_bad_at"),
                               ("step", frames, "bp_link_bad_step")):
            values = st.query_params.get_all(name)
            if not values:
                continue
            value, problem = (parse_operand(values[0], 64) if len(values) == 1
                              else (None, "repeated"))
            if name == "step" and not problem and not 1 <= value <= frames:
                problem = "calc_out_of_range"
            if problem:
                notices.append((bad, {"value": ", ".join(values), "top": top}))
                st.query_params.pop(name, None)
                continue
            if name == "at" and value not in iterations:
                nearest = min(iterations, key=lambda i: abs(i - value))
                notices.append(("bp_link_at_nearest", {"value": value, "nearest": nearest}))
                value = nearest
            found[name] = value
        st.session_state[page] = notices
    for key, values in st.session_state[page]:
        st.warning(t(key, **values), icon=":material/link_off:")
    return found


def write_link(values, defaults):
    """a and b ({name: value}) in the link; one equal to its default leaves it."""
    for name, value in values.items():
        if value == defaults[name]:
            st.query_params.pop(name, None)
        elif st.query_params.get_all(name) != [str(value)]:
            st.query_params[name] = str(value)
