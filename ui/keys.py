"""Widget keys that carry a scope, and why.

Streamlit keeps one value per widget key, across reruns and (with `persist_state="session"`)
across page switches. Some widgets mean something only for a given scope: a number input for a
at 8 bits allows 0-255, at 12 bits 0-4,095; a slider over a run's snapshots lists that run's
iterations. Giving such a widget one key for every scope would carry a value into a scope where it
is out of range or means something else (Streamlit then raises or silently resets it). So their
key names the scope: each width, each net, has its own widget, and coming back to a scope finds
the value the visitor left there.

An expander whose content is drawn only while it is open (`folded`) is a widget too: it keeps
its state under its key, and the page reads `.open`. Two things of Streamlit's need care there:
a widget's state is dropped when its page is left, and a stateful expander's identity includes
its `expanded` argument, so an `expanded` that follows the last state changes the widget under
the visitor's next click, which is then lost (fold and open again: the second click did
nothing). So `expanded` stays constant and the last state is given back through Session State.
"""
import streamlit as st


def scoped(name, *scope):
    """The key of widget `name` within `scope`, e.g. scoped("calc_a", 8) == "calc_a_8"."""
    return "_".join([name, *(str(part) for part in scope)])


def folded(label, key, opened=False, **options):
    """`st.expander(label, key=key, on_change="rerun", **options)`, whose `.open` says whether to
    draw its content; as the visitor left it when they come back from another page, and open
    when first drawn if `opened` (e.g. a choice inside it is on)."""
    remembered = scoped(key, "open")
    if key not in st.session_state:  # first drawn, or back from another page
        st.session_state[key] = opened or st.session_state.get(remembered, False)
    box = st.expander(label, key=key, on_change="rerun", **options)
    st.session_state[remembered] = box.open
    return box
