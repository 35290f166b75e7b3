"""观察反向传播: the forward and backward pass of the trained net on a problem the visitor
picks, step by step (rnn.replay, built on rnn.model.forward / rnn.model.backward)."""
import numpy as np
import streamlit as st

from rnn.replay import replay
from ui import charts, checks
from ui.i18n import t
from ui.keys import scoped
from ui.upload import model_in_use

NAV, TITLE = "page_backprop", "bp_title"  # catalogue keys of its menu entry and its title
SHOWS_DIVERGED = False


def render(model):
    st.markdown(t("bp_intro"))
    model = model_in_use(model, "bp_upload")
    config = model.config
    snapshots = model.result.snapshots
    iterations = [int(i) for i in model.result.snapshot_iterations]
    shown, chosen = choose_problem(config, snapshots, iterations)
    draw_forward(shown)
    draw_backward(shown)
    draw_updates(shown, config.alpha)
    draw_gradient_check(shown, snapshots[iterations.index(chosen)], config.bits)


def choose_problem(config, snapshots, iterations):
    """The problem and the snapshot the visitor picks: (replay of it, the snapshot's iteration)."""
    bits = config.bits
    top = 2**bits - 1
    if st.button(t("bp_random"), key="bp_random"):
        rng = np.random.default_rng()
        first, second = sorted(int(v) for v in rng.integers(0, top + 1, size=2))
        st.session_state[scoped("bp_a", bits)], st.session_state[scoped("bp_b", bits)] = \
            second, first
    left, middle = st.columns(2)
    a = int(left.number_input(t("calc_a"), 0, top, 2 ** (bits - 1), key=scoped("bp_a", bits),
                              persist_state="session"))
    b = int(middle.number_input(t("calc_b"), 0, top, 1, key=scoped("bp_b", bits),
                                persist_state="session"))
    if len(iterations) > 1:
        chosen = st.select_slider(t("bp_snapshot"), iterations, value=iterations[-1],
                                  key=scoped("bp_snapshot", config), help=t("bp_snapshot_help"),
                                  format_func=lambda i: f"{i:,}")
    else:
        chosen = iterations[0]
    shown = replay(snapshots[iterations.index(chosen)], a, b, bits, config.alpha)
    st.caption(t("bp_problem", a=a, b=b, value=(a - b) % 2**bits, iteration=chosen,
                 error=shown.error_before))
    return shown, chosen


def draw_forward(shown):
    trace, steps = shown.trace, list(range(len(shown.borrow)))
    st.header(t("bp_forward"))
    st.markdown(t("bp_forward_text"))
    step = st.select_slider(t("bp_step_forward"), steps, value=0, key="bp_step_forward")
    table = [
        ("a_t", trace.inputs[:, 0]), ("b_t", trace.inputs[:, 1]),
        (t("bp_row_borrow"), shown.borrow), (t("bp_row_target"), trace.target),
        ("layer_2", np.round(trace.output, 3)), (t("bp_row_prediction"), trace.prediction)]
    st.altair_chart(charts.heatmap(np.array([row for _, row in table]), t("bp_table_title"),
                                   None, t("axis_step"), diverging=False, highlight=step,
                                   row_labels=[label for label, _ in table], show_values=True),
                    width="stretch")
    st.info(t("bp_forward_step", t=step, a=int(trace.inputs[step, 0]),
              b=int(trace.inputs[step, 1]), out=trace.output[step],
              target=int(trace.target[step]), borrow=int(shown.borrow[step])), icon="➡️")
    left, right = st.columns(2)
    left.altair_chart(charts.heatmap(trace.hidden.T, t("bp_hidden_title"), t("axis_unit"),
                                     t("axis_state"), diverging=False, highlight=step + 1,
                                     column_labels=["h₀"] + [f"t={s}" for s in steps]),
                      width="stretch")
    right.altair_chart(charts.output_chart(trace.output, trace.target, highlight=step),
                       width="stretch")


def draw_backward(shown):
    back, bits = shown.back, len(shown.borrow)
    steps = list(range(bits))
    st.header(t("bp_backward"))
    st.markdown(t("bp_backward_text"))
    back_step = st.select_slider(t("bp_step_backward"), steps[::-1], value=bits - 1,
                                 key="bp_step_backward")
    left, right = st.columns(2)
    left.altair_chart(charts.step_bars(back.output_delta, t("bp_output_delta_title"),
                                       "layer_2_delta", highlight=back_step), width="stretch")
    right.altair_chart(charts.step_bars(shown.hidden_delta_norm, t("bp_norm_title"),
                                        t("axis_norm"), highlight=back_step), width="stretch")
    st.altair_chart(charts.heatmap(back.hidden_delta.T, t("bp_hidden_delta_title"),
                                   t("axis_unit"), t("axis_step"), highlight=back_step),
                    width="stretch")
    st.markdown(t("bp_parts_text", t=back_step))
    parts = np.stack([back.from_future[back_step], back.from_output[back_step],
                      back.from_future[back_step] + back.from_output[back_step]])
    st.altair_chart(charts.heatmap(parts, t("bp_parts_title", t=back_step), None,
                                   t("axis_unit"), row_labels=[t("bp_part_future"),
                                                               t("bp_part_output"),
                                                               t("bp_part_sum")]),
                    width="stretch")
    st.altair_chart(charts.heatmap(back.slope[back_step][None], t("bp_slope_title"), None,
                                   t("axis_unit"), diverging=False, domain=(0, 0.25),
                                   row_labels=[t("bp_part_slope")]), width="stretch")
    st.altair_chart(charts.heatmap(back.hidden_delta[back_step][None],
                                   t("bp_delta_title", t=back_step), None, t("axis_unit"),
                                   row_labels=["layer_1_delta"]), width="stretch")
    ratio = shown.hidden_delta_norm[0] / max(shown.hidden_delta_norm[-1], 1e-300)
    st.caption(t("bp_norm_caption", first=shown.hidden_delta_norm[0],
                 last=shown.hidden_delta_norm[-1], ratio=ratio))


def draw_updates(shown, alpha):
    back = shown.back
    st.header(t("bp_updates"))
    st.markdown(t("bp_updates_text", alpha=alpha))
    st.altair_chart(charts.heatmap(back.synapse_h_update, "synapse_h_update (H × H)",
                                   t("axis_from_unit"), t("axis_to_unit")), width="stretch")
    st.altair_chart(charts.heatmap(back.synapse_0_update, "synapse_0_update (2 × H)", None,
                                   t("axis_unit"), row_labels=["a", "b"]), width="stretch")
    st.altair_chart(charts.heatmap(back.synapse_1_update.T, t("bp_synapse_1_title"), None,
                                   t("axis_unit"), row_labels=["→ out"]), width="stretch")
    columns = st.columns(3)
    columns[0].metric(t("bp_error_before"), f"{shown.error_before:.4f}")
    columns[1].metric(t("bp_error_after", alpha=alpha), f"{shown.error_after:.4f}",
                      delta=f"{shown.error_after - shown.error_before:+.4f}",
                      delta_color="inverse")
    columns[2].metric(t("bp_loss_change"), f"{shown.after.loss - shown.trace.loss:+.3g}")


def draw_gradient_check(shown, params, bits):
    """The gradient check of this problem, on as many weights as GRADIENT_CHECK_SECONDS of the
    server's time allow (a random sample of them on a big net), computed once per process."""
    st.header(t("bp_gradcheck"))
    box = st.empty()
    check = checks.gradient_check(params, shown.a, shown.b, bits, box)
    with box.container():
        (st.success if check.passed else st.error)(
            t("bp_gradcheck_pass" if check.passed else "bp_gradcheck_fail",
              error=check.relative_error), icon="✅" if check.passed else "❌")
        key = "bp_gradcheck_all" if check.checked == check.total else "bp_gradcheck_sample"
        st.caption(t(key, checked=check.checked, weights=check.total))
