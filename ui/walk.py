"""The backprop page's walk for anyone: the problem written as at school with one cell of the
net under each column, walked forward over the bits, a guess, backward over the bits, the update
(play, pause, step; each frame a redraw of numbers computed once by rnn.blame.walk), and one
number to work out by hand. Every sentence is built from the numbers it states."""
from urllib.parse import urlencode, urlsplit, urlunsplit

import numpy as np
import streamlit as st

from ui import classroom, picture, settings
from ui.i18n import Text, t
from ui.keys import scoped
from ui.operands import write_link
from ui.picture import BACKWARD, FORWARD, NATURAL, QUESTION, UPDATE

WORDS_WIDTH = 300  # px of the walk's sentence beside its picture
TICK = 1.2  # seconds from one frame of the walk to the next while it plays
SURE = 0.9  # a bit written with at least this probability is written "sure"
MOSTLY = 2 / 3  # a part of a push at least this big is "most of it"
HAND_TOLERANCE = 0.01  # relative distance from the exact value a typed answer may have
RIGHT_ICON, WRONG_ICON = ":material/check_circle:", ":material/cancel:"  # beside ✓ and ✗


# The walk: forward over the bits, a question, backward over the bits, the update. Its place is
# kept in the session (bs_frame, bs_playing) for the walk of one net and problem (bs_walk).

def frames(steps):
    """The frames of a walk over `steps` bits, in order: (phase, step)."""
    return ([(FORWARD, s) for s in range(steps)] + [(QUESTION, steps - 1)]
            + [(BACKWARD, s) for s in reversed(range(steps))] + [(UPDATE, 0)])


def go_to(frame, count):
    """Button callback: show frame `frame` (kept within the `count` frames) and stop playing."""
    st.session_state.bs_frame = min(max(frame, 0), count - 1)
    st.session_state.bs_playing = False


def step_by(delta, count):
    go_to(st.session_state.bs_frame + delta, count)


def toggle_play(count):
    """Button callback: pause, or play (from the start when at the end)."""
    if st.session_state.bs_playing:
        st.session_state.bs_playing = False
        return
    if st.session_state.bs_frame >= count - 1:
        st.session_state.bs_frame = 0
    st.session_state.bs_playing = True


@st.fragment
def player(walked, key, other=None):
    """The walk's buttons and its frame. A button reruns this fragment alone; while the walk
    plays, a nested fragment redraws the frame every TICK seconds (it exists only while playing,
    so a pause, a step or leaving the page stops the timer)."""
    state = st.session_state
    if state.get("bs_walk") != key:  # another net or problem: its walk starts at the beginning
        state.bs_walk, state.bs_frame, state.bs_playing = key, 0, False
    order = frames(walked.steps)
    count = len(order)
    with st.container(horizontal=True):
        st.button(t("bs_restart"), key="bs_restart", icon=":material/first_page:",
                  on_click=go_to, args=(0, count))
        st.button(t("bs_back"), key="bs_back", icon=":material/chevron_left:",
                  on_click=step_by, args=(-1, count), shortcut="Left")
        playing = state.bs_playing
        st.button(t("bs_pause" if playing else "bs_play"), key="bs_play",
                  icon=":material/pause:" if playing else ":material/play_arrow:",
                  on_click=toggle_play, args=(count,), shortcut="P")
        st.button(t("bs_next"), key="bs_next", icon=":material/chevron_right:",
                  icon_position="right", on_click=step_by, args=(1, count), shortcut="Right")
        if not state.bs_playing:  # the step in the link (not while playing: one history entry
            # a frame), and the whole link to copy
            write_link({"step": state.bs_frame + 1}, {"step": 1})
            with st.popover(t("bs_link"), icon=":material/link:"):
                st.caption(t("bs_link_text"))
                st.code(moment_link(), language=None, wrap_lines=True)
    if state.bs_playing:
        state.bs_fresh = True  # the first call shows the frame where play was pressed
        playing_frame(walked, key, order, other)
    else:
        draw_frame(walked, key, order, state.bs_frame, other)


def moment_link():
    """The address of this page as it is now: the server's address as the browser reached it
    (st.context.url), this page's path beside it, and the link's parameters."""
    reached = urlsplit(st.context.url or "")
    path = reached.path.rsplit("/", 1)[0] + "/backprop"
    return urlunsplit((reached.scheme, reached.netloc, path,
                       urlencode(st.query_params.to_dict()), ""))


@st.fragment(run_every=TICK)
def playing_frame(walked, key, order, other=None):
    """One tick of play: the next frame, drawn from the walk computed before play began. At the
    end, or at the question while it waits for an answer, play stops: the app reruns once, which
    draws the buttons again and no timer."""
    state = st.session_state
    if not state.pop("bs_fresh", False) and state.bs_playing:
        state.bs_frame = min(state.bs_frame + 1, len(order) - 1)
        phase = order[state.bs_frame][0]
        waiting = phase == QUESTION and state.get(scoped("bs_answer", key)) is None
        if state.bs_frame == len(order) - 1 or waiting:
            state.bs_playing = False
            st.rerun()
    draw_frame(walked, key, order, state.bs_frame, other)


def draw_frame(walked, key, order, index, other=None):
    """Frame `index` of the walk: where it is, the picture, and what happens there in words; and,
    when `other` (a walk of the same problem on the pinned net, its label) is given, the same
    frame of that walk under it."""
    phase, step = order[index]
    where = t(f"bs_where_{phase}", n=index + 1, total=len(order), t=step)
    st.markdown(f"**{where}**")
    frame_body(walked, key, phase, step, where, asking=True)
    if other is not None:
        pinned_walk, label = other
        st.markdown(label)
        frame_body(pinned_walk, key, phase, step, where, asking=False)


def frame_body(walked, key, phase, step, where, asking):
    """The picture of one frame and its sentence (or, at the question, the question itself when
    `asking`): the words beside the picture where both fit, else under it (the row wraps), never
    over it; in the presenter view always under it, the picture as large as the screen allows."""
    shown = walked.shown
    large = settings.presenting()
    row = st.container(horizontal=not large, gap="medium")
    drawing = row.container(
        width="stretch" if large else round(picture.picture_width(walked.steps) * NATURAL))
    words = row.container(width="stretch" if large else WORDS_WIDTH)
    alt_text = t("bs_picture_alt", a=shown.a, b=shown.b, where=where)
    drawing.markdown(picture.subtraction_picture(walked, phase, step, alt_text, large),
                     unsafe_allow_html=True)
    legend = {FORWARD: "bs_legend_forward", QUESTION: "bs_legend_forward",
              BACKWARD: "bs_legend_backward", UPDATE: "bs_legend_update"}[phase]
    if asking:
        drawing.caption(t(legend))
    with words:
        if phase == FORWARD:
            st.info(forward_sentence(walked, step), icon=":material/arrow_forward:")
        elif phase == QUESTION and asking:
            ask(walked, key)
        elif phase == BACKWARD:
            st.info(backward_sentence(walked, step), icon=":material/arrow_back:")
        elif phase == UPDATE:
            st.info(update_sentence(walked, shown.alpha), icon=":material/balance:")
        memory_key(walked, phase, step)


def memory_key(walked, phase, step):
    """The memory of the frame's bit (the last bit's in the question and the update) enlarged,
    each neuron with its number; in the update, the neurons its sentence names outlined in the
    key and in every cell of the picture."""
    at = step if phase in (FORWARD, BACKWARD) else walked.steps - 1
    named = picture.named_neurons(walked) if phase == UPDATE else []
    said = t("bs_key_named" if named else "bs_key", t=at)
    st.markdown(picture.memory_key(walked.shown.trace.hidden[at + 1], named, said),
                unsafe_allow_html=True)
    st.caption(said)


def forward_sentence(walked, step):
    """What happened at `step`, from its numbers: the column by plain arithmetic, then what the
    net wrote, right or wrong, and how sure it was."""
    trace = walked.shown.trace
    a_bit, b_bit = int(trace.inputs[step, 0]), int(trace.inputs[step, 1])
    bit, out = int(trace.prediction[step]), float(trace.output[step])
    sure = out if bit else 1 - out
    right = "right" if bit == int(trace.target[step]) else "wrong"
    confident = "sure" if sure >= SURE else "unsure"
    borrow_in = int(walked.borrow_in[step])
    top = step == walked.steps - 1 and a_bit - b_bit - borrow_in < 0  # a borrow with nowhere to go
    column = t(f"bs_col_{a_bit}{b_bit}{borrow_in}" + ("_top" if top else ""))
    said = t("bs_forward_step", t=step, column=column,
             net=t(f"bs_net_{right}_{confident}", bit=bit, sure=sure))
    if right == "right":
        return said
    # a wrong bit is always the bit of the other borrow in: a borrow lost, or one made up
    why = ("bs_wrong_lost" if borrow_in else "bs_wrong_first" if step == 0
           else "bs_wrong_made_up")
    return Text(f"{said} {t(why, t=step, below=step - 1)}")


def part_key(prefix, own_part):
    """prefix_own, prefix_later or prefix_both, by the part of the push from the bit itself."""
    if own_part >= MOSTLY:
        return f"{prefix}_own"
    return f"{prefix}_later" if own_part <= 1 - MOSTLY else f"{prefix}_both"


def backward_sentence(walked, step):
    """The blame on `step` in words, from its numbers."""
    blamed, trace = walked.blame, walked.shown.trace
    values = dict(t=step, share=float(blamed.share[step]), own=float(blamed.own_part[step]),
                  later=1 - float(blamed.own_part[step]), off=abs(float(trace.error[step])))
    if blamed.own_size[step] == 0 and blamed.later_size[step] == 0:
        return t("bs_back_none", **values)
    if step == walked.steps - 1:
        return t("bs_back_last", **values)
    return t(part_key("bs_back", values["own"]), **values)


def update_sentence(walked, alpha):
    """The weight of each kind that one SGD step moves most, which way and by how much; and this
    problem's error before and after the step."""
    kinds = {"synapse_0": "bs_move_0", "synapse_h": "bs_move_h", "synapse_1": "bs_move_1"}
    moves = []
    for moved in walked.moved:
        source, unit = moved.index
        change = alpha * moved.update
        direction = t("bs_up" if change > 0 else "bs_down", value=abs(change))
        if moved.name == "synapse_0":
            source = Text("ab"[source])
        moves.append(t(kinds[moved.name], source=source, unit=unit, direction=direction))
    shown = walked.shown
    error = t("bs_error_lower" if shown.error_after <= shown.error_before else "bs_error_higher",
              before=shown.error_before, after=shown.error_after)
    return t("bs_update_text", alpha=alpha, first=moves[0], second=moves[1], third=moves[2],
             error=error)


def ask(walked, key):
    """The question before the backward walk, and once answered, whether the guess was right
    and why (from the blame of the bit that gets the most)."""
    st.markdown(t("bs_question"))
    st.caption(t("bs_question_hint"))
    chosen = st.radio(t("bs_question"), list(reversed(range(walked.steps))), index=None,
                      horizontal=True, format_func=lambda s: t("bs_choice", t=s),
                      key=scoped("bs_answer", key), label_visibility="collapsed")
    classroom.guesses(key, walked.steps, chosen)  # on a class's link: counted, and its board
    if chosen is None:
        st.caption(t("bs_question_skip"))
        return
    right, verdict = question_verdict(walked, chosen)
    (st.info if right else st.warning)(verdict, icon=RIGHT_ICON if right else WRONG_ICON)


def question_verdict(walked, chosen):
    """(whether bit `chosen` gets the most blame, the sentence that says so and why). A bit
    whose blame ties with the most counts as right, and so does one whose share is the most's
    as the sentence writes it (13 % against 13 %: calling that wrong would contradict it)."""
    blamed, trace = walked.blame, walked.shown.trace
    best = walked.most_blamed
    why = t(part_key("bs_why", float(blamed.own_part[best])), out=float(trace.output[best]),
            y=int(trace.target[best]))
    share, chosen_share = float(blamed.share[best]), float(blamed.share[chosen])
    if blamed.size[chosen] >= blamed.size[best]:
        return True, t("bs_question_right", t=best, share=share, why=why)
    if f"{chosen_share:.0%}" == f"{share:.0%}":  # equal as the sentence writes them: a tie
        return True, t("bs_question_tie", t=best, share=share, chosen=chosen, why=why)
    return False, t("bs_question_wrong", t=best, share=share, chosen=chosen,
                    chosen_share=chosen_share, why=why)


def parse_number(typed):
    """A typed decimal number (a comma or a typographic minus accepted), or None."""
    text = typed.strip().replace("−", "-").replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


@st.fragment
def hand_calculation(walked, key):
    """The output delta of one step, worked out by the visitor and checked to HAND_TOLERANCE."""
    trace, back = walked.shown.trace, walked.shown.back
    step = walked.hand_step
    out, error = float(trace.output[step]), float(trace.error[step])
    exact = float(back.output_delta[step])
    numbers = dict(error=error, out=out, rest=1 - out)
    st.header(t("bs_hand_header"))
    st.markdown(t("bs_hand_text", t=step, y=int(trace.target[step])))
    st.markdown(t("bs_hand_numbers", **numbers))
    typed = st.text_input(t("bs_hand_input"), key=scoped("bs_hand", key), max_chars=40,
                          persist_state="session")
    st.button(t("bs_hand_check"), key="bs_hand_check")  # commits what was typed
    st.caption(t("bs_hand_tolerance"))
    if not typed.strip():
        return
    value = parse_number(typed)
    chain = t("bs_chain_rule", value=exact, **numbers)
    if value is not None and abs(value - exact) <= HAND_TOLERANCE * abs(exact):
        st.info(t("bs_hand_right", typed=typed, value=exact), icon=RIGHT_ICON)
        st.markdown(chain)
        return
    if value is None:
        st.warning(t("bs_hand_not_number", typed=typed), icon=WRONG_ICON)
        return
    if value * exact < 0:
        st.warning(t("bs_hand_sign", typed=typed,
                     sign=t("bs_negative" if exact < 0 else "bs_positive")), icon=WRONG_ICON)
    else:
        st.warning(t("bs_hand_size", typed=typed), icon=WRONG_ICON)
    with st.expander(t("bs_hand_answer")):
        st.markdown(chain)
