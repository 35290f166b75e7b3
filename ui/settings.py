"""The training configuration in the sidebar, bound to URL query parameters, checked by hand.

Streamlit drops a bound query parameter it cannot use (malformed, out of range, repeated) and the
widget keeps its default; it says nothing. `check_query_params` applies the same rules before the
widgets are drawn and records a notice for each value it had to drop, in the user's language.
"""
import math
from dataclasses import dataclass

import streamlit as st

from rnn import TrainConfig
from ui.i18n import LANGUAGES, t

DEFAULTS = TrainConfig()


@dataclass(frozen=True)
class Field:
    low: float
    high: float
    default: object
    step: object = 1

    def parse(self, text):
        """The value of a query parameter, or None when the widget would not accept it."""
        if isinstance(self.default, float):
            try:
                value = float(text)
            except ValueError:
                return None
            return value if math.isfinite(value) and self.low <= value <= self.high else None
        try:
            value = int(text)
        except ValueError:
            return None
        return value if self.low <= value <= self.high else None


NUMBERS = {
    "alpha": Field(0.01, 5.0, DEFAULTS.alpha, 0.01),
    "hidden": Field(1, 64, DEFAULTS.hidden),
    "iterations": Field(100, 100_000, DEFAULTS.iterations, 100),
    "seed": Field(0, 9_999, DEFAULTS.seed),
    "bits": Field(2, 16, DEFAULTS.bits),
}
CHOICES = {"sampling": ("book", "fixed"), "lang": tuple(LANGUAGES)}
NOTICES = "url_notices"  # session key: notices about dropped query parameters


def check_query_params():
    """Once per session: note every bound query parameter that will fall back to its default."""
    if NOTICES in st.session_state:
        return
    notices = []
    for name in [*NUMBERS, *CHOICES]:
        values = st.query_params.get_all(name)
        if not values:
            continue
        shown = ", ".join(values)[:40]
        if len(values) > 1:
            notices.append(("notice_repeated", name, shown))
        elif name in NUMBERS and NUMBERS[name].parse(values[0]) is None:
            field = NUMBERS[name]
            notices.append(("notice_range", name, shown, field.low, field.high, field.default))
        elif name in CHOICES and values[0] not in CHOICES[name]:
            notices.append(("notice_choice", name, shown, ", ".join(CHOICES[name])))
    st.session_state[NOTICES] = notices


def draw_notices():
    """Show the query-parameter notices until the user dismisses them."""
    notices = st.session_state.get(NOTICES)
    if not notices:
        return
    box = st.container(border=True)
    for key, name, shown, *rest in notices:
        text = {"notice_repeated": lambda: t(key, name=name, value=shown),
                "notice_range": lambda: t(key, name=name, value=shown, low=rest[0], high=rest[1],
                                          default=rest[2]),
                "notice_choice": lambda: t(key, name=name, value=shown, choices=rest[0])}[key]()
        box.warning(text, icon="⚠️")
    if box.button(t("notice_dismiss"), key="dismiss_notices"):
        st.session_state[NOTICES] = []
        st.rerun()


def draw_sidebar():
    """The shared sidebar: language and training configuration. Returns the TrainConfig."""
    sidebar = st.sidebar
    sidebar.header(t("sidebar_title"))
    sidebar.slider(t("alpha"), 0.01, 5.0, DEFAULTS.alpha, 0.01, key="alpha",
                   bind="query-params", help=t("alpha_help"))
    sidebar.slider(t("hidden"), 1, 64, DEFAULTS.hidden, key="hidden", bind="query-params",
                   help=t("hidden_help"))
    sidebar.slider(t("iterations"), 100, 100_000, DEFAULTS.iterations, 100, key="iterations",
                   bind="query-params", help=t("iterations_help"))
    sidebar.slider(t("seed"), 0, 9_999, DEFAULTS.seed, key="seed", bind="query-params",
                   help=t("seed_help"))
    sidebar.slider(t("bits"), 2, 16, DEFAULTS.bits, key="bits", bind="query-params",
                   help=t("bits_help"))
    choice(sidebar, t("sampling"), "sampling", DEFAULTS.sampling,
           format_func={value: t(f"sampling_{value}") for value in CHOICES["sampling"]}.get,
           help=t("sampling_help"))
    sidebar.button(t("reset"), help=t("reset_help"), on_click=reset)
    return current_config()


def choice(where, label, key, default, **options):
    """A radio kept in sync with the query parameter `key` by hand.

    Streamlit's own binding would put the translated label in the URL, which would then change
    with the language; this keeps the plain option value (`?sampling=fixed`, `?lang=zh`).
    """
    if key not in st.session_state:
        linked = st.query_params.get_all(key)
        valid = len(linked) == 1 and linked[0] in CHOICES[key]
        st.session_state[key] = linked[0] if valid else default
    value = where.radio(label, CHOICES[key], key=key, **options)
    if value == default:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = value
    return value


def reset():
    """Back to the book's settings (a button callback: runs before the widgets are drawn)."""
    for name, field in NUMBERS.items():
        st.session_state[name] = field.default
    st.session_state["sampling"] = DEFAULTS.sampling


def current_config():
    state = st.session_state
    return TrainConfig(seed=state.seed, bits=state.bits, hidden=state.hidden,
                       alpha=round(float(state.alpha), 4), iterations=state.iterations,
                       sampling=state.sampling)
