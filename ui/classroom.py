"""The class's guesses on the backprop page's question. A teacher gives the class a link with a
class code (`?class=7b`); each student's answer to the question is counted, anonymously, on the
class's board for that net and problem (compute.votes, in the process's compute service: shared
by the replicas through their Redis when there is one); and a toggle, off by default, shows the
board as a bar chart, looked at again every REFRESH seconds while it is shown, so that the
teacher can show the class's guesses before choosing the answer on the projector.
"""
import uuid

import streamlit as st

from compute.votes import CODE
from ui import charts, computing, drawing
from ui.i18n import Text, t
from ui.keys import scoped

REFRESH = 3  # seconds between two looks at the class's board while it is shown
LINK = "class"  # the link's parameter
READ = "class_link_read"  # session key: (the class code or None, the bad value or None)


def read_link():
    """The class code of the session: the link's `class` read once per session, lower-cased and
    checked against compute.votes.CODE; one that fails is dropped from the link and noticed (on
    every run) in the page's language. A valid code is kept in the link."""
    state = st.session_state
    if READ not in state:
        values = st.query_params.get_all(LINK)
        code = values[0].strip().lower() if len(values) == 1 else None
        if code is not None and CODE.fullmatch(code):
            state[READ] = (code, None)
        else:
            state[READ] = (None, ", ".join(values) if values else None)
            st.query_params.pop(LINK, None)
    code, bad = state[READ]
    if bad is not None:
        st.warning(t("class_link_bad", value=bad), icon=":material/link_off:")
    if code is not None and st.query_params.get_all(LINK) != [code]:
        st.query_params[LINK] = code
    return code


def voter():
    """Who votes: the browser (one vote per browser, whatever its tabs), else this session."""
    name = computing.visitor().id
    if name.startswith("browser:"):
        return name
    return st.session_state.setdefault("class_voter", f"session:{uuid.uuid4().hex}")


def guesses(problem, choices, chosen):
    """On a class's link: the answer `chosen` (None before one) counted on the class's board of
    `problem` (a changed answer moves the vote), and the toggle that shows the board."""
    code = st.session_state.get(READ, (None, None))[0]
    if code is None:
        return
    state, voted = st.session_state, scoped("class_voted", problem)
    if chosen is not None and state.get(voted, (None,))[:2] != (code, chosen):
        state[voted] = (code, chosen, computing.service().votes.vote(code, problem, voter(),
                                                                      chosen))
    counted = chosen is None or state[voted][2]
    st.caption(t("class_counted" if counted else "class_full", code=Text(code)))  # a CODE
    if st.toggle(t("class_show"), key=scoped("class_show", problem)):
        board(code, problem, choices)


@st.fragment(run_every=REFRESH)
def board(code, problem, choices):
    """The class's guesses on `problem`, bit by bit (the highest first, as the question lists
    them), with the sentence that says them."""
    counts = computing.service().votes.counts(code, problem, choices)
    order = list(reversed(range(choices)))
    values = [counts.get(choice, 0) for choice in order]
    # the bars labelled by the bit's number alone under the axis title "bit": "bit 7" each did
    # not fit a phone, where Vega dropped every other label
    drawing.show(charts.guesses_chart(order, values,
                                      t("class_title", code=Text(code)), t("class_axis_bit"),
                                      t("class_axis_count")),
                 guesses_sentence(values, order))


def guesses_sentence(values, order):
    """How many guessed, and the bit (or how many bits) chosen most, from the counts."""
    total = sum(values)
    if total == 0:
        return t("class_none")
    most = max(values)
    tops = [bit for bit, count in zip(order, values) if count == most]
    if len(tops) == 1:
        return t("class_most", total=total, t=tops[0], count=most)
    return t("class_tie", total=total, bits=len(tops), count=most)
