"""Widget keys that carry a scope, and why.

Streamlit keeps one value per widget key, across reruns and (with `persist_state="session"`)
across page switches. Some widgets mean something only for a given scope: a number input for a
at 8 bits allows 0-255, at 12 bits 0-4,095; a slider over a run's snapshots lists that run's
iterations. Giving such a widget one key for every scope would carry a value into a scope where it
is out of range or means something else (Streamlit then raises or silently resets it). So their
key names the scope: each width, each net, has its own widget, and coming back to a scope finds
the value the visitor left there.
"""


def scoped(name, *scope):
    """The key of widget `name` within `scope`, e.g. scoped("calc_a", 8) == "calc_a_8"."""
    return "_".join([name, *(str(part) for part in scope)])
