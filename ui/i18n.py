"""Every string the user sees, in Chinese and English: the one catalogue (ui/locales/zh.toml and
en.toml), and `t()`.

`t(key, **values)` looks the key up in the current language and fills in `values`. The language
is the sidebar's choice (`ui.settings`), else `?lang=` when valid, else the browser's
(`st.context.locale`), else English.

What `t` returns is Markdown the app wrote (`Text`). Any other string put into it is text from
outside (a link's value, a typed number, something read from an uploaded file): `t` shows it as
plain text, an inline code span that Markdown leaves as it is (no links, images, colours, maths
or HTML), on one line and cut to a bounded length. Numbers are formatted by the catalogue.
"""
import contextvars
import re
import tomllib
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

LANGUAGES = {"zh": "中文", "en": "English"}

LOCALES = Path(__file__).parent / "locales"  # one TOML file of messages per language


def load_catalogue():
    """{key: {language: message}} from ui/locales/<language>.toml, one flat table per language
    (a translator adds a language by adding a file and a line to LANGUAGES)."""
    texts = {lang: tomllib.loads((LOCALES / f"{lang}.toml").read_text(encoding="utf-8"))
             for lang in LANGUAGES}
    keys = sorted(set().union(*texts.values()))
    return {key: {lang: texts[lang][key] for lang in LANGUAGES if key in texts[lang]}
            for key in keys}


CATALOGUE = load_catalogue()


_SPOKEN = contextvars.ContextVar("language", default=None)  # set by `speaking`


@contextmanager
def speaking(lang):
    """Within the `with`, `t` speaks `lang`, whatever the session (the server's warm-up, which
    has none, makes the pages' charts in each language)."""
    token = _SPOKEN.set(lang)
    try:
        yield
    finally:
        _SPOKEN.reset(token)


def language():
    """The current language: the picker's value, else the link's, else the browser's, else en
    (inside `speaking`, the language it names)."""
    if _SPOKEN.get() is not None:
        return _SPOKEN.get()
    chosen = st.session_state.get("lang")
    if chosen in LANGUAGES:
        return chosen
    linked = st.query_params.get_all("lang")
    if len(linked) == 1 and linked[0] in LANGUAGES:
        return linked[0]
    return browser_language()


def browser_language():
    locale = (st.context.locale or "").lower()
    return "zh" if locale.startswith("zh") else "en"


class Text(str):
    """Markdown that the app wrote: the catalogue's entries and what `t` makes of them."""


PLAIN_LIMIT = 40  # characters of outside text shown; the rest is cut


def plain(value, limit=PLAIN_LIMIT):
    """Outside text as Markdown that shows it as it is: an inline code span, one line, at most
    `limit` characters (a longer text ends in "…"). The fence is longer than any run of backticks
    inside, so nothing can close it early."""
    text = " ".join(str(value).split())
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    if not text:
        return Text('""')
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    return Text(f"{fence} {text} {fence}")


def t(key, **values):
    """The catalogue's `key` in the current language, with `values` filled in: numbers as the
    entry formats them, `Text` as it is, any other string as plain text (see `plain`)."""
    text = CATALOGUE[key][language()]
    if not values:
        return Text(text)
    shown = {name: value if isinstance(value, Text) or not isinstance(value, str)
             else plain(value) for name, value in values.items()}
    return Text(text.format(**shown))
