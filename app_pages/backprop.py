"""观察反向传播. First, for anyone: the problem written as at school with one cell of the net
under each column, walked forward and back (play, pause, step), a guess to make and one number to
work out by hand, how far the last bit's error reaches back, and a time-lapse of training. Then,
one click away, the experts' matrices step by step. Every number comes from rnn.blame and
rnn.replay, built on rnn.model.forward / rnn.model.backward."""
import numpy as np
import streamlit as st

from compute import jobs
from compute.models import digest
from compute.service import SERVER
from rnn import analysis, blame, cost
from ui import charts, classroom, compare, computing, drawing, operate, walk, worksheet
from ui.i18n import Text, language, t
from ui.keys import folded, scoped
from ui.operands import read_link, read_moment, write_link
from ui.upload import upload_box, upload_note

NAV, TITLE = "page_backprop", "bp_title"  # catalogue keys of its menu entry and its title
SHOWS_DIVERGED = False
WIDE = 32  # the wider calculator's width, for the reach of the last bit's error
LINK_READ = "bp_link_read"  # session key: the link's a and b, read (its notices kept)
MOMENT_READ = "bp_moment_read"  # the same for its at (snapshot) and step (frame of the walk)
LINK_STEP = "bp_link_step"  # session key: the frame a link asked for, until the walk starts there


def render(model):
    st.markdown(t("bs_intro"))
    with st.expander(t("bs_words"), icon=":material/menu_book:"):
        st.markdown(t("bs_words_text"))
    main = st.container()  # above the upload, which comes last on the page but decides the net
    model = upload_box(model, "bp_upload")
    with main:
        upload_note(model)
        classroom.read_link()
        config = model.config
        params, a, b, chosen = choose_problem(model)
        if params is None:  # a number out of range: said, and nothing walked
            return
        operation = operate.controls(params, "bp")  # the calculator's operation, shared
        if operation[0] or operation[1]:
            params = operate.apply(params, operation)
            st.warning(t("op_walk", what=Text(operate.describe(operation))),
                       icon=":material/build:")
        walked = computing.once(
            ("walk", digest(params), a, b, config.bits, config.alpha),
            jobs.one(blame.walk, params, a, b, config.bits, config.alpha),
            cost.backward_seconds(config.hidden, config.bits))
        if walked is None:
            return
        st.caption(t("bp_problem", a=a, b=b, value=(a - b) % 2**config.bits, iteration=chosen,
                     error=walked.shown.error_before))
        if a < b:  # the walk's answer is the wrapped one: say so before a sentence uses it
            st.info(t("bp_wrapped", a=a, b=b, negative=a - b, bits=config.bits,
                      wrapped=(a - b) % 2**config.bits, power=2**config.bits),
                    icon=":material/undo:")
        key = f"{digest(params)[:16]}-{a}-{b}-{config.bits}-{config.alpha}"
        if LINK_STEP in st.session_state:  # the walk of the linked moment starts at its step
            st.session_state.update(bs_walk=key, bs_frame=st.session_state.pop(LINK_STEP) - 1,
                                    bs_playing=False)
        st.header(t("bs_picture_header"))
        st.markdown(t("bs_picture_text"))
        walk.player(walked, key, pinned_walk(model, a, b, chosen))
        walk.hand_calculation(walked, key)
        offer_worksheet(walked, chosen)
        draw_reach(model)
        draw_time_lapse(model, walked)
        # as the visitor left it, also after a visit to another page (ui.keys.folded)
        with folded(t("bs_expert"), "bp_expert") as experts:
            if experts.open:  # drawn (and the gradient check made) only when opened
                st.markdown(t("bp_intro"))
                draw_forward(walked.shown)
                draw_backward(walked.shown)
                draw_updates(walked.shown, config.alpha)
                draw_gradient_check(walked.shown, params, config.bits)


def pinned_walk(model, a, b, iteration):
    """The walk of a - b on the pinned run's net (ui.compare) as it was at `iteration` (its
    nearest kept moment), with its label; None when no other run of this width is pinned."""
    other = compare.pinned_model(model.config)
    if other is None or other.config.bits != model.config.bits:
        return None
    kept = [int(i) for i in other.result.snapshot_iterations]
    at = min(kept, key=lambda i: abs(i - iteration))
    params, config = other.result.snapshots[kept.index(at)], other.config
    walked = computing.once(
        ("walk", digest(params), a, b, config.bits, config.alpha),
        jobs.one(blame.walk, params, a, b, config.bits, config.alpha),
        cost.backward_seconds(config.hidden, config.bits))
    if walked is None:
        return None
    return walked, t("cmp_walk_pinned", settings=compare.settings_text(config), iteration=at)


def choose_problem(model):
    """The problem and the snapshot the visitor picks: (the snapshot's weights, a, b, the
    snapshot's iteration); (None, a, b, None) while a or b does not fit the width. a, b, the
    snapshot and the walk's step come from the link the first time (`ui.operands`) and go back
    into it."""
    config = model.config
    snapshots = model.result.snapshots
    iterations = [int(i) for i in model.result.snapshot_iterations]
    bits = config.bits
    top = 2**bits - 1
    if st.button(t("bp_random"), key="bp_random"):
        rng = np.random.default_rng()
        first, second = sorted(int(v) for v in rng.integers(0, top + 1, size=2))
        st.session_state[scoped("bp_a", bits)], st.session_state[scoped("bp_b", bits)] = \
            second, first
    defaults = {"a": 2 ** (bits - 1), "b": 1}
    read_link(LINK_READ, bits, lambda name, value: st.session_state.update(
        {scoped(f"bp_{name}", bits): value}))
    left, middle = st.columns(2)  # boxes without bounds: out of range is said in words (as on
    # the calculator, whose `operand` says why)
    a = int(left.number_input(t("calc_a"), value=defaults["a"], step=1, key=scoped("bp_a", bits),
                              persist_state="session"))
    b = int(middle.number_input(t("calc_b"), value=defaults["b"], step=1,
                                key=scoped("bp_b", bits), persist_state="session"))
    st.caption(t("calc_range", top=top, width=bits))
    outside = [value for value in (a, b) if not 0 <= value <= top]
    if outside:
        st.error(t("calc_out_of_range", value=outside[0], top=top, width=bits))
        return None, a, b, None
    write_link({"a": a, "b": b}, defaults)
    moment = read_moment(MOMENT_READ, iterations, len(walk.frames(bits)))
    if "step" in moment:
        st.session_state[LINK_STEP] = moment["step"]
    if "at" in moment:
        st.session_state[scoped("bp_snapshot", config)] = moment["at"]
    if len(iterations) > 1:
        chosen = st.select_slider(t("bp_snapshot"), iterations, value=iterations[-1],
                                  key=scoped("bp_snapshot", config), help=t("bp_snapshot_help"),
                                  format_func=lambda i: f"{i:,}", persist_state="session")
    else:
        chosen = iterations[0]
    write_link({"at": chosen}, {"at": iterations[-1]})
    return snapshots[iterations.index(chosen)], a, b, chosen


def offer_worksheet(walked, iteration):
    """The printable worksheet of this problem (ui/worksheet.py), to download."""
    shown = walked.shown
    st.download_button(t("ws_download"), worksheet.build(walked, iteration), key="bs_worksheet",
                       file_name=f"worksheet-{shown.a}-{shown.b}-{language()}.html",
                       mime="text/html", icon=":material/print:", on_click="ignore")
    st.caption(t("ws_download_help"))


def draw_reach(model):
    """How strongly the highest bit's error reaches each bit, measured on a problem whose borrow
    runs through every bit, at the start and at the end of training."""
    config, result = model.config, model.result
    st.header(t("bs_reach_header"))
    st.markdown(t("bs_reach_text"))
    width = st.segmented_control(
        t("bs_reach_choice"), [config.bits, WIDE], default=config.bits, required=True,
        key=scoped("bs_reach", config.bits), persist_state="session", format_func=lambda w: t(
            "bs_reach_option", bits=w, a=2 ** (w - 1)))
    top = 2 ** (width - 1)
    if model.uploaded or len(result.snapshots) < 2:
        nets = [(t("bs_series_upload"), model.params)]
    else:
        nets = [(t("bs_series_start"), result.snapshots[0]),
                (t("bs_series_end", iteration=int(result.snapshot_iterations[-1])),
                 model.params)]
    reached = [(name, reach_of(params, width)) for name, params in nets]
    if any(found is None for _, found in reached):
        return
    reaches = [(name, found[0]) for name, found in reached]
    text = joined(t("bs_reach_alt", net=name, last=width - 1, left=reach[0] / reach[-1])
                  if reach[-1] > 0 else t("bs_reach_alt_none", net=name, last=width - 1)
                  for name, reach in reaches)
    drawing.show(drawing.stored_chart(model, f"reach_{width}", lambda: charts.reach_chart(
        reaches, t("bs_reach_title", last=width - 1), t("bs_reach_subtitle", a=top),
        t("bs_axis_reach"))), text)
    if len(nets) == 1:
        st.info(t("bs_reach_upload"), icon=":material/upload_file:")
    sentences = [fade_sentence(name, blame.fade_per_step(reach)) for name, reach in reaches]
    final = blame.fade_per_step(reaches[-1][1])
    if not np.isnan(final):  # nan: no error at the last bit, nothing travels back to compare
        sentences.append(t("bs_reach_meaning_fade" if final > 1 else "bs_reach_meaning_grow"))
    sentences.append(rule_sentence(model))
    st.markdown(joined(sentences))


def joined(sentences):
    """Sentences one after the other: with a space in English, none in Chinese."""
    return Text(("" if language() == "zh" else " ").join(sentences))


def fade_sentence(name, fade):
    if np.isnan(fade):  # the last bit's error is exactly 0 (a sure output, or no weights to it)
        return t("bs_reach_none", net=name)
    if fade == np.inf:
        return t("bs_reach_vanish", net=name)
    if fade >= 1:
        return t("bs_reach_fade", net=name, fade=fade)
    return t("bs_reach_grow", net=name, fade=1 / fade)


def reach_of(params, width):
    """blame.problem_reach of 2^(width-1) - 1 for `params`, computed once in the pool: (reach (T,),
    the net's bits, the true bits); None, with a message, when it cannot be done now."""
    return computing.once(("reach", digest(params), width),
                          jobs.one(blame.problem_reach, params, 2 ** (width - 1), 1, width),
                          cost.backward_seconds(params.hidden, width))


def wide_work(model):
    """The analysis behind rule_sentence: the net's accuracy at WIDE bits (work, estimate)."""
    return (analysis.length_steps(model.params, (WIDE,)),
            cost.lengths_seconds(model.config.hidden, (WIDE,)))


def lapse_work(model, a, b):
    """The time-lapse of a - b over the run's snapshots (work, estimate)."""
    result, config = model.result, model.config
    return (blame.time_lapse_steps(result.snapshots, result.snapshot_iterations, a, b,
                                   config.bits),
            cost.time_lapse_seconds(len(result.snapshots), config.hidden, config.bits))


def warm_up(service, model):
    """What the page computes for `model` and its first problem (2^(bits-1) - 1, the walk's
    default), computed before anyone asks (the server's warm-up): the time-lapse and the
    accuracy at WIDE bits."""
    a, b = 2 ** (model.config.bits - 1), 1
    for name, (work, estimate) in ((("lapse", a, b), lapse_work(model, a, b)),
                                   (("length", WIDE), wide_work(model))):
        jobs.derived(service, (model.key, name), work, SERVER, estimate)


def rule_sentence(model):
    """Whether the rule the net learned carries a borrow far: its accuracy on random WIDE-bit
    problems (the insight page's length test, same pairs) and its answer to 2^(WIDE-1) - 1."""
    lengths = computing.derived(model, ("length", WIDE), *wide_work(model))
    reached = reach_of(model.params, WIDE)
    if lengths is None or reached is None:
        return ""
    accuracy = lengths[WIDE]
    _, written, target = reached
    verdict = t("bs_verdict_right" if (written == target).all() else "bs_verdict_wrong")
    return t("bs_rule_holds" if accuracy >= 0.9 else "bs_rule_partial", bits=model.config.bits,
             accuracy=accuracy, a=2 ** (WIDE - 1), verdict=verdict)


def draw_time_lapse(model, walked):
    """The problem of the walk at every snapshot of the run: each bit's share of the update, and
    when each bit became right for good."""
    st.header(t("bs_lapse_header"))
    if model.uploaded or len(model.result.snapshots) < 2:
        st.info(t("bs_lapse_upload"), icon=":material/upload_file:")
        return
    a, b = walked.shown.a, walked.shown.b
    st.markdown(t("bs_lapse_text", a=a, b=b))
    lapse = computing.derived(model, ("lapse", a, b), *lapse_work(model, a, b))
    if lapse is None:
        return
    made = drawing.stored_chart(model, ("lapse", a, b), lambda: charts.time_lapse_chart(
        lapse.iterations, lapse.share, lapse.learned_at, t("bs_lapse_title"),
        t("bs_lapse_subtitle", a=a, b=b)))
    drawing.show(made, lapse_sentence(lapse, walked.borrow_in))


def lapse_sentence(lapse, borrow_in):
    """When the bits were learned, from the time-lapse: the first and the last, those never
    learned, and bits that take a borrow against the others (the same within a snapshot's
    interval)."""
    learned = lapse.learned_at
    done = learned >= 0
    if not done.any():
        return t("bs_lapse_none")
    order = sorted(np.flatnonzero(done), key=lambda s: (learned[s], s))
    first, last = order[0], order[-1]
    if learned[first] == learned[last]:
        parts = [t("bs_lapse_together", first=int(learned[first]))]
    else:
        parts = [t("bs_lapse_order", first_bit=int(first), first=int(learned[first]),
                   last_bit=int(last), last=int(learned[last]))]
    if not done.all():
        parts.append(t("bs_lapse_missing", count=int((~done).sum()), bits=len(learned)))
    takes, plain = done & (borrow_in == 1), done & (borrow_in == 0)
    if takes.any() and plain.any():
        borrow, others = float(learned[takes].mean()), float(learned[plain].mean())
        interval = int(lapse.iterations[1] - lapse.iterations[0])
        key = ("bs_lapse_borrow_same" if abs(borrow - others) <= interval
               else "bs_lapse_borrow_later" if borrow > others else "bs_lapse_borrow_earlier")
        parts.append(t(key, borrow=round(borrow), plain=round(others)))
    return joined(parts)


# For experts: the matrices of the same pass, step by step.

def draw_forward(shown):
    trace, steps = shown.trace, list(range(len(shown.borrow)))
    st.header(t("bp_forward"))
    st.markdown(t("bp_forward_text"))
    step = st.select_slider(t("bp_step_forward"), steps, value=0,
                            key=scoped("bp_step_forward", len(steps)), persist_state="session")
    table = [
        ("a_t", trace.inputs[:, 0]), ("b_t", trace.inputs[:, 1]),
        (t("bp_row_borrow"), shown.borrow), (t("bp_row_target"), trace.target),
        ("layer_2", np.round(trace.output, 3)), (t("bp_row_prediction"), trace.prediction)]
    drawing.draw(charts.heatmap(np.array([row for _, row in table]), t("bp_table_title"),
                                None, t("axis_step"), diverging=False, highlight=step,
                                row_labels=[label for label, _ in table], show_values=True))
    st.info(t("bp_forward_step", t=step, a=int(trace.inputs[step, 0]),
              b=int(trace.inputs[step, 1]), out=trace.output[step],
              target=int(trace.target[step]), borrow=int(shown.borrow[step])),
            icon=":material/arrow_forward:")
    left, right = st.columns(2)
    drawing.draw(charts.heatmap(trace.hidden.T, t("bp_hidden_title"), t("axis_unit"),
                                t("axis_state"), diverging=False, highlight=step + 1,
                                column_labels=["h₀"] + [f"t={s}" for s in steps]), left)
    drawing.draw(charts.output_chart(trace.output, trace.target, highlight=step), right)


def draw_backward(shown):
    back, bits = shown.back, len(shown.borrow)
    steps = list(range(bits))
    st.header(t("bp_backward"))
    st.markdown(t("bp_backward_text"))
    back_step = st.select_slider(t("bp_step_backward"), steps[::-1], value=bits - 1,
                                 key=scoped("bp_step_backward", bits), persist_state="session")
    left, right = st.columns(2)
    drawing.draw(charts.step_bars(back.output_delta, t("bp_output_delta_title"),
                                  "layer_2_delta", highlight=back_step), left)
    drawing.draw(charts.step_bars(shown.hidden_delta_norm, t("bp_norm_title"),
                                  t("axis_norm"), highlight=back_step), right)
    drawing.draw(charts.heatmap(back.hidden_delta.T, t("bp_hidden_delta_title"),
                                t("axis_unit"), t("axis_step"), highlight=back_step))
    st.markdown(t("bp_parts_text", t=back_step))
    parts = np.stack([back.from_future[back_step], back.from_output[back_step],
                      back.from_future[back_step] + back.from_output[back_step]])
    drawing.draw(charts.heatmap(parts, t("bp_parts_title", t=back_step), None,
                                t("axis_unit"), row_labels=[t("bp_part_future"),
                                                            t("bp_part_output"),
                                                            t("bp_part_sum")]))
    drawing.draw(charts.heatmap(back.slope[back_step][None], t("bp_slope_title"), None,
                                t("axis_unit"), diverging=False, domain=(0, 0.25),
                                row_labels=[t("bp_part_slope")]))
    drawing.draw(charts.heatmap(back.hidden_delta[back_step][None],
                                t("bp_delta_title", t=back_step), None, t("axis_unit"),
                                row_labels=["layer_1_delta"]))
    ratio = shown.hidden_delta_norm[0] / max(shown.hidden_delta_norm[-1], 1e-300)
    st.caption(t("bp_norm_caption", first=shown.hidden_delta_norm[0],
                 last=shown.hidden_delta_norm[-1], ratio=ratio))


def draw_updates(shown, alpha):
    back = shown.back
    st.header(t("bp_updates"))
    st.markdown(t("bp_updates_text", alpha=alpha))
    drawing.draw(charts.heatmap(back.synapse_h_update, "synapse_h_update (H × H)",
                                t("axis_from_unit"), t("axis_to_unit")))
    drawing.draw(charts.heatmap(back.synapse_0_update, "synapse_0_update (2 × H)", None,
                                t("axis_unit"), row_labels=["a", "b"]))
    drawing.draw(charts.heatmap(back.synapse_1_update.T, t("bp_synapse_1_title"), None,
                                t("axis_unit"), row_labels=["→ out"]))
    row = st.container(horizontal=True, gap="large")  # wraps rather than cut a number
    row.metric(t("bp_error_before"), f"{shown.error_before:.4f}", width="content")
    row.metric(t("bp_error_after", alpha=alpha), f"{shown.error_after:.4f}",
               delta=f"{shown.error_after - shown.error_before:+.4f}", delta_color="inverse",
               width="content")
    row.metric(t("bp_loss_change"), f"{shown.after.loss - shown.trace.loss:+.3g}",
               width="content")


def draw_gradient_check(shown, params, bits):
    """The gradient check of this problem, on as many weights as GRADIENT_CHECK_SECONDS of
    computing allow (a random sample of them on a big net), computed once per process."""
    st.header(t("bp_gradcheck"))
    box = st.empty()
    check = computing.guarded(box, lambda: jobs.gradient_check(
        computing.service(), params, shown.a, shown.b, bits, computing.visitor(),
        CheckWatch(box)))
    if check is None:
        return
    with box.container():
        (st.success if check.passed else st.error)(
            t("bp_gradcheck_pass" if check.passed else "bp_gradcheck_fail",
              error=check.relative_error),
            icon=":material/check_circle:" if check.passed else ":material/cancel:")
        key = "bp_gradcheck_all" if check.checked == check.total else "bp_gradcheck_sample"
        st.caption(t(key, checked=check.checked, weights=check.total))


class CheckWatch(computing.PageWatch):
    """The gradient check's PageWatch with its progress bar, drawn once it computes."""

    def __init__(self, box):
        super().__init__(box)
        self.box, self.bar = box, None

    def progress(self, done, total):
        if self.bar is None:
            with self.box.container():
                self.status = st.empty()
                self.bar = st.progress(0.0)
            self.shown = None
        self.bar.progress(done / max(1, total), text=t("bp_gradcheck_progress", done=int(done),
                                                       total=int(total)))
