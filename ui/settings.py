"""The sidebar: the language, the presenter view and the training configuration, bound to URL
query parameters, checked by hand.

One rule for a link's values, applied once per session before the widgets are drawn
(`check_query_params`): a value is used when it names exactly one allowed setting (for a number:
within the slider's range and on its step, so 8 and 8.0 name 8 hidden units and 8.9 names none;
for a choice: one of the choices; for an on/off flag such as `present`: 1 or 0); any other
value, or a parameter given more than once, is refused: the default is used and a notice in the
visitor's language names it. The link is then rewritten from the widgets (`write_link`), in plain
form and without defaults. The widgets are not bound to the link by Streamlit, whose own parsing
of a link's text differs from this rule; so the sidebar, the link, the run and the notice always
agree.
"""
import html
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import streamlit as st

from rnn import TrainConfig
from ui.i18n import LANGUAGES, Text, browser_language, t

DEFAULTS = TrainConfig()


@dataclass(frozen=True)
class Field:
    """One slider: its bounds, default and step, the one place they are written."""
    low: float
    high: float
    default: object
    step: object = 1

    def parse(self, text):
        """The setting that `text` names exactly (an int, or a float for a float field), or None
        when it names none: not a number, not finite, out of range or off the step."""
        if len(text) > 32:  # no allowed setting is written longer; bounds the work on a link
            return None
        try:
            value = Decimal(text.strip())
        except InvalidOperation:
            return None
        low, high, step = (Decimal(str(x)) for x in (self.low, self.high, self.step))
        if not value.is_finite() or not low <= value <= high or (value - low) % step != 0:
            return None
        return float(value) if isinstance(self.default, float) else int(value)


NUMBERS = {
    "alpha": Field(0.01, 5.0, DEFAULTS.alpha, 0.01),
    "hidden": Field(1, 64, DEFAULTS.hidden),
    "iterations": Field(100, 100_000, DEFAULTS.iterations, 100),
    "seed": Field(0, 9_999, DEFAULTS.seed),
    "bits": Field(2, 16, DEFAULTS.bits),
}
CHOICES = {"sampling": ("book", "fixed"), "lang": tuple(LANGUAGES)}
FLAGS = {"present": False}  # on/off settings and their defaults: 1 or 0 in a link
FLAG_TEXT = {"1": True, "0": False}
LANG_CHOSEN = "lang_chosen"  # session flag: the visitor chose the language (picker or link)
NOTICES = "url_notices"  # session key: notices about dropped query parameters
MAX_LINK_FIELDS = 1000  # Streamlit ignores a query string with more parameters than this


def check_query_params():
    """Once per session, before the widgets are drawn: apply the link rule (see the module's
    docstring) to every setting, start each widget from the value it chose, and keep a notice
    for each refusal. `write_link` then rewrites the link from the widgets."""
    if NOTICES in st.session_state:
        return
    notices = []
    for name in [*NUMBERS, *CHOICES, *FLAGS]:
        values = st.query_params.get_all(name)
        value = None
        if len(values) > 1:
            notices.append(("notice_repeated", name, ", ".join(values)))
        elif values and name in NUMBERS:
            field = NUMBERS[name]
            value = field.parse(values[0])
            if value is None:
                notices.append(("notice_range", name, values[0], field.low, field.high,
                                field.step, field.default))
        elif values and name in FLAGS:
            value = FLAG_TEXT.get(values[0])
            if value is None:
                notices.append(("notice_choice", name, values[0], ", ".join(FLAG_TEXT)))
        elif values:
            value = values[0] if values[0] in CHOICES[name] else None
            if value is None:
                notices.append(("notice_choice", name, values[0], ", ".join(CHOICES[name])))
        st.session_state[name] = default_of(name) if value is None else value
        if name == "lang" and value is not None:
            st.session_state[LANG_CHOSEN] = True  # a link's language stays in the link
    st.session_state[NOTICES] = notices


def default_of(name):
    if name in NUMBERS:
        return NUMBERS[name].default
    if name in FLAGS:
        return FLAGS[name]
    return browser_language() if name == "lang" else DEFAULTS.sampling


def link_text(name, value):
    """How a setting is written in a link: 8, 10000, 0.5, fixed, zh, 1 (a flag that is on)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return f"{round(value, 2):g}" if isinstance(value, float) else str(value)


def write_link():
    """The link after this run: every setting that is not its default, in its plain form, so
    that a copied link opens the same run (and a default follows the visitor's own); and the
    language once it was chosen (by the picker or the link), even where it is the browser's: a
    teacher's Chinese link stays Chinese on a student's English phone. The presenter view, once
    on, is in the link too (a teacher can share it)."""
    for name in [*NUMBERS, *CHOICES, *FLAGS]:
        value = st.session_state[name]
        chosen = name == "lang" and st.session_state.get(LANG_CHOSEN, False)
        if value == default_of(name) and not chosen:
            st.query_params.pop(name, None)
        elif st.query_params.get_all(name) != [link_text(name, value)]:
            st.query_params[name] = link_text(name, value)


def draw_page_script():
    """What only the browser can do: say that a link was too long for Streamlit to read (past
    MAX_LINK_FIELDS parameters it drops the whole query, so the script never sees it), set the
    page's language (<html lang>) for screen readers and translation tools, and hide Streamlit's
    English input hint. The notice is the catalogue's own text, escaped; the script reads the
    address, never writes it into the page."""
    notice = html.escape(t("notice_link_dropped", limit=MAX_LINK_FIELDS))
    lang = {"zh": "zh-CN", "en": "en"}[st.session_state["lang"]]
    st.html(f"""<style>
/* Streamlit's own "Press Enter to apply" is English whatever the page's language: each number
   box of the app says it in the visitor's language instead */
[data-testid="InputInstructions"] {{ display: none; }}
/* titles break into lines of even length, not a line and a lone last character (phones) */
h1, h2, h3 {{ text-wrap: balance; }}
/* the book's printout fits a phone (its bits wrap between groups of four: train.py) */
@media (max-width: 640px) {{ .st-key-book_log :is(th, td) {{ padding: 0.25rem 0.4rem; }} }}
</style>
<div id="link-dropped" role="alert" hidden
  style="padding:0.75rem 1rem;border-radius:0.5rem;background:#fff3cd;color:#3d2f00">{notice}</div>
<script>
document.documentElement.lang = "{lang}";
if (window.location.search.split("&").length > {MAX_LINK_FIELDS})
  document.getElementById("link-dropped").hidden = false;
</script>""", unsafe_allow_javascript=True)


def draw_notices():
    """Show the query-parameter notices until the user dismisses them."""
    draw_page_script()
    notices = st.session_state.get(NOTICES)
    if not notices:
        return
    box = st.container(border=True)
    for key, name, shown, *rest in notices:
        name = Text(name)  # one of ours: written as it is; `shown` came with the link
        text = {"notice_repeated": lambda: t(key, name=name, value=shown),
                "notice_range": lambda: t(key, name=name, value=shown, low=rest[0], high=rest[1],
                                          step=rest[2], default=rest[3]),
                "notice_choice": lambda: t(key, name=name, value=shown, choices=rest[0])}[key]()
        box.warning(text, icon=":material/warning:")
    if box.button(t("notice_dismiss"), key="dismiss_notices"):
        st.session_state[NOTICES] = []
        st.rerun()


def draw_sidebar():
    """The shared sidebar: language and training configuration. Returns the TrainConfig.
    Every widget starts from the session's value, which `check_query_params` set from the link
    on the first run; the link is rewritten from the widgets at the end. Each widget also names
    its default, which a rerun that does not carry the widget's state falls back to."""
    sidebar = st.sidebar
    sidebar.radio("语言 / Language", CHOICES["lang"], key="lang", format_func=LANGUAGES.get,
                  on_change=choose_language,
                  index=CHOICES["lang"].index(default_of("lang")), horizontal=True)
    sidebar.toggle(t("present"), FLAGS["present"], key="present", help=t("present_help"))
    sidebar.header(t("sidebar_title"))
    for name, field in NUMBERS.items():
        sidebar.slider(t(name), field.low, field.high, field.default, field.step, key=name,
                       help=t(f"{name}_help"))
    sidebar.radio(t("sampling"), CHOICES["sampling"], key="sampling",
                  index=CHOICES["sampling"].index(default_of("sampling")),
                  format_func={value: t(f"sampling_{value}")
                               for value in CHOICES["sampling"]}.get, help=t("sampling_help"))
    sidebar.button(t("reset"), help=t("reset_help"), on_click=reset)
    write_link()
    return current_config()


def presenting():
    """Whether the presenter view is on (the sidebar's toggle, or present=1 in the link): the
    sidebar starts closed and the backprop walk's picture is drawn as large as the screen allows,
    for a teacher who projects the app (1280x720 at 150 % zoom is 853x480 CSS px)."""
    return bool(st.session_state.get("present", FLAGS["present"]))


def choose_language():
    """The picker's callback: from now on the language stays in the link."""
    st.session_state[LANG_CHOSEN] = True


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
