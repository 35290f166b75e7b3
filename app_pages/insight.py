"""Insight page: did the net learn the borrow algorithm, or only some cases?"""
import numpy as np
import streamlit as st

from compute import jobs
from compute.service import SERVER
from rnn import analysis, cost, machine
from rnn.evaluate import EXHAUSTIVE_BITS
from ui import charts, computing, drawing, models, sweeps
from ui.i18n import Text, t
from ui.keys import scoped

NAV, TITLE = "page_insight", "in_title"  # catalogue keys of its menu entry and its title
SHOWS_DIVERGED = False
LENGTH_WIDTHS = (8, 16, 32, 64, 128, 256)


def analyses(model):
    """The page's analyses of `model`, each computed once per net in the worker pool:
    {name: (work, estimated seconds)} for ui.computing.derived; the map is exhaustive up to
    EXHAUSTIVE_BITS, sampled above."""
    params, bits, hidden = model.params, model.config.bits, model.config.hidden
    pairs = 2 ** (bits - 1) * (2**bits + 1) if bits <= EXHAUSTIVE_BITS else analysis.SAMPLE
    mapped = ("map", jobs.one(analysis.correctness_map, params, bits)) \
        if bits <= EXHAUSTIVE_BITS else ("sample_map", jobs.one(analysis.sampled_map, params, bits))
    return {mapped[0]: (mapped[1], cost.score_seconds(hidden, bits)),
            "lengths": (analysis.length_steps(params, LENGTH_WIDTHS),
                        cost.lengths_seconds(hidden, LENGTH_WIDTHS)),
            "correlation": (analysis.correlation_steps(params, bits),
                            cost.correlation_seconds(hidden, bits, pairs)),
            "ablation": (analysis.ablation_steps(params, bits),
                         cost.ablation_seconds(hidden, bits)),
            "machine": (jobs.one(machine.extract, params, min(bits, EXHAUSTIVE_BITS)),
                        cost.machine_seconds(hidden))}


def analysed(model, name):
    """One of the page's analyses of `model` (None, with a message, when it cannot be done now)."""
    work, estimate = analyses(model)[name]
    return computing.derived(model, name, work, estimate)


def warm_up(service, model):
    """The page's analyses of `model`, computed before anyone asks (the server's warm-up)."""
    for name, (work, estimate) in analyses(model).items():
        jobs.derived(service, (model.key, name), work, SERVER, estimate)


def render(model):
    st.markdown(t("in_intro"))
    draw_map(model)
    draw_lengths(model)
    draw_neuron(model)
    draw_machine(model)
    draw_time(model)
    draw_sweeps(model)


def draw_map(model):
    bits = model.config.bits
    st.header(t("in_map"))
    left, right = st.columns([3, 2])
    if bits <= EXHAUSTIVE_BITS:
        found = analysed(model, "map")
        if found is None:
            return
        pairs = 2 ** (bits - 1) * (2**bits + 1)
        with left:
            drawing.show(drawing.stored_chart(model, "map", lambda: charts.correctness_map_chart(
                found.exact, bits)),
                         t("chart_map_text", pairs=pairs, wrong=found.wrong_pairs))
        with right:
            st.metric(t("in_wrong_pairs"), f"{found.wrong_pairs:,} / {pairs:,}")
            if found.hardest:
                st.markdown(t("in_hardest"))
                rows = []
                for (a, b, chain), net in zip(found.hardest, found.answers):
                    rows.append({"a": a, "b": b, t("in_chain"): chain,
                                 t("calc_net_answer"): net, t("calc_true_answer"): a - b})
                st.dataframe(rows, hide_index=True)
            else:
                st.success(t("in_all_right", pairs=pairs), icon=":material/check_circle:")
    else:
        found = analysed(model, "sample_map")
        if found is None:
            return
        wrong = int((~found.right).sum())
        with left:
            made = drawing.stored_chart(model, "sampled_map", lambda: charts.sampled_map_chart(
                found.a, found.b, found.right, bits))
            drawing.show(made, t("chart_sample_map_text", count=len(found.right), wrong=wrong))
        right.metric(t("in_wrong_sample"), f"{wrong:,} / {len(found.right):,}")
    worst = int(np.argmin(found.per_bit))
    with right:
        drawing.show(drawing.stored_chart(model, "per_bit", lambda: charts.bars(
            list(range(bits)), found.per_bit, t("in_per_bit_title"), t("axis_bit"),
            t("axis_accuracy"), percent=True, domain=(0, 1))),
                     t("chart_per_bit_text", bit=worst, share=float(found.per_bit[worst])))


def draw_lengths(model):
    bits = model.config.bits
    st.header(t("in_length"))
    lengths = analysed(model, "lengths")
    if lengths is None:
        return
    first, last = LENGTH_WIDTHS[0], LENGTH_WIDTHS[-1]
    ends = {"first": first, "first_share": lengths[first], "first_kind": models.scored_on(first),
            "last": last, "last_share": lengths[last], "last_kind": models.scored_on(last)}
    drawing.show(drawing.stored_chart(model, "lengths", lambda: charts.bars(
        [f"{w}" for w in LENGTH_WIDTHS], [lengths[w] for w in LENGTH_WIDTHS],
        t("in_length_title", bits=bits), t("in_width"), t("axis_accuracy"), percent=True,
        domain=(0, 1), text=[f"{lengths[w]:.0%}" for w in LENGTH_WIDTHS])),
                 t("chart_length_text", **ends))
    st.markdown(t(length_verdict(lengths), **ends))


def length_verdict(lengths):
    """The catalogue key of the sentence under the longer-numbers chart: why it works when every
    width is right, else that it has not learned a step it can repeat."""
    return "in_length_why" if min(lengths.values()) == 1.0 else "in_length_not_yet"


def borrow_verdict(r):
    """The catalogue key of the sentence on the best unit's correlation r with the borrow."""
    if abs(r) < 0.5:
        return "in_neuron_none"
    if abs(r) < 0.9:
        return "in_neuron_partial"
    return "in_neuron_flag" if r > 0 else "in_neuron_flag_inverted"


def draw_neuron(model):
    params, config = model.params, model.config
    bits = config.bits
    st.header(t("in_neuron"))
    correlation = analysed(model, "correlation")
    if correlation is None:
        return
    best = int(np.abs(correlation).argmax())
    left, right = st.columns(2)
    r = float(correlation[best])
    with left:
        drawing.show(drawing.stored_chart(model, "correlation", lambda: charts.bars(
            list(range(config.hidden)), correlation, t("in_correlation_title"), t("axis_unit"),
            t("in_correlation"), highlight=best, domain=(-1, 1))),
                     t("chart_correlation_text", count=config.hidden, unit=best, r=r))
    top = 2**bits - 1
    with right:
        columns = st.columns(2)
        a = int(columns[0].number_input(t("calc_a"), 0, top, 2 ** (bits - 1),
                                        key=scoped("in_a", bits), persist_state="session"))
        b = int(columns[1].number_input(t("calc_b"), 0, top, 1, key=scoped("in_b", bits),
                                        persist_state="session"))
        st.caption(t("calc_range", top=top, width=bits))
        traced = computing.call(analysis.neuron_trace, params, a, b, bits, best)
        if traced is not None:
            drawing.show(charts.neuron_chart(*traced, best),
                         t("chart_neuron_text", unit=best, a=a, b=b))
    st.markdown(t("in_neuron_text", unit=best, r=r, verdict=t(borrow_verdict(r))))
    ablated = analysed(model, "ablation")
    if ablated is None:
        return
    full = model.curve.final.accuracy
    weakest = int(ablated.argmin())
    drawing.show(drawing.stored_chart(model, "ablation", lambda: charts.bars(
        list(range(config.hidden)), ablated, t("in_ablation_title"), t("axis_unit"),
        t("axis_accuracy"), highlight=weakest, percent=True, domain=(0, 1), baseline=full)),
                 t("in_ablation_text", unit=weakest, accuracy=ablated.min(), full=full)
                 if ablated.min() < full else t("in_ablation_none", full=full))


def draw_machine(model):
    """The machine the net's hidden states make (rnn.machine) beside school subtraction's."""
    st.header(t("in_machine"))
    found = analysed(model, "machine")
    if found is None:
        return
    st.markdown(t("in_machine_intro", pairs=found.pairs))
    names = [machine_state_name(found, state) for state in range(len(found.next))]
    true_next, true_output = machine.true_machine()
    left, right = st.columns(2)
    with left:
        st.markdown(t("in_machine_net", states=len(found.next)))
        st.graphviz_chart(charts.machine_dot(found.next, found.output, names, found.start))
    with right:
        st.markdown(t("in_machine_true"))
        st.graphviz_chart(charts.machine_dot(true_next, true_output, [
            t("machine_state", name=Text("A"), role=t("machine_no_borrow")),
            t("machine_state", name=Text("B"), role=t("machine_borrow"))], 0))
    borrow = int(np.argmax(found.borrow))
    verdict = ("in_machine_same" if len(found.next) == 2 and found.agree_rule == 1.0
               else "in_machine_more" if found.agree_rule == 1.0 else "in_machine_not")
    st.markdown(t("in_machine_text", states=len(found.next), pairs=found.pairs,
                  agree_net=found.agree_net, agree_rule=found.agree_rule) + " " +
                t(verdict, states=len(found.next), name=state_letter(found, borrow),
                  share=float(found.borrow[borrow])))


def machine_state_name(found, state):
    """A state's letter and what it holds: borrow when the steps reaching it (nearly) always
    borrow, none when they (nearly) never do, else the share that does."""
    share = float(found.borrow[state])
    role = (t("machine_borrow") if share >= 0.99 else t("machine_no_borrow") if share <= 0.01
            else t("machine_mixed", share=share))
    return t("machine_state", name=state_letter(found, state), role=role)


def state_letter(found, state):
    """A for the start, then B, C, ... for the others in their order."""
    order = [found.start] + [s for s in range(len(found.next)) if s != found.start]
    return Text("ABCDEFGH"[order.index(state)])


def draw_time(model):
    curve = model.curve
    st.header(t("in_time"))
    models.show_accuracy(model)
    if curve.first_perfect is not None:
        st.markdown(t("in_time_text", iteration=curve.first_perfect))
    else:
        st.markdown(t("in_time_never"))


def draw_sweeps(model):
    st.header(t("in_sweeps"))
    configs = sweeps.sweep_configs(model.config)
    iterations = configs["seeds"][0].iterations
    st.markdown(t("in_sweeps_text", iterations=iterations, bits=model.config.bits))
    # stateful tabs: a sweep's button reruns the page, and plain tabs would then fall back to the
    # first one, hiding the result just asked for; only the open tab's content is drawn
    tabs = st.tabs([t("in_sweep_seeds", count=sweeps.SEEDS), t("in_sweep_hidden"),
                    t("in_sweep_alpha"), t("map_tab")], key="sweep_tab", on_change="rerun")
    for kind, tab in zip(sweeps.KINDS, tabs):
        if tab.open:
            with tab:
                draw_sweep(kind, configs[kind], iterations)
    if tabs[-1].open:
        with tabs[-1]:
            sweeps.draw_learn_map(model.config)


def draw_sweep(kind, configs, iterations):
    result = sweeps.peek_sweep(configs)
    seconds = cost.sweep_seconds(configs)
    if result is None and seconds > jobs.JOB_SECONDS:
        st.info(t("in_sweep_too_big", count=len(configs), seconds=seconds,
                  limit=jobs.JOB_SECONDS), icon=":material/block:")
        return
    slot, earlier = st.empty(), result is not None
    if result is None and slot.button(t("in_sweep_run", count=len(configs)),
                                      key=scoped("sweep", kind)):
        result = sweeps.get_sweep(configs, slot)  # the result takes the button's place
    if result is None:
        st.caption(t("in_sweep_hint", seconds=max(1, round(seconds))))
        return
    slot.empty()
    labels = {"seeds": [c.seed for c in configs], "hidden": [c.hidden for c in configs],
              "alpha": [c.alpha for c in configs]}[kind]
    reached = [f for f in result.first_perfect if f is not None]
    row = st.container(horizontal=True, gap="large")  # wraps rather than cut a number
    row.metric(t("in_sweep_share"), f"{len(reached)} / {len(configs)}", width="content")
    row.metric(t("in_sweep_median"), f"{int(np.median(reached)):,}" if reached else t("never"),
               width="content")
    row.metric(t("in_sweep_time_earlier" if earlier else "in_sweep_time"),
               f"{result.seconds:.1f} s", width="content")
    values = [f if f is not None else iterations for f in result.first_perfect]
    text = [f"{f:,}" if f is not None else t("never") for f in result.first_perfect]
    x_title = {"seeds": t("seed"), "hidden": t("hidden"), "alpha": t("alpha")}[kind]
    drawing.show(charts.bars(labels, values, t("in_sweep_chart", every=result.checkpoint_every),
                             x_title, t("metric_first_perfect"), text=text,
                             domain=(0, iterations)),
                 t("chart_sweep_text", count=len(configs), reached=len(reached)))
    st.dataframe([{x_title: label, t("metric_first_perfect"): txt,
                   t("metric_accuracy"): f"{acc:.2%}"}
                  for label, txt, acc in zip(labels, text, result.final_accuracy)],
                 hide_index=True)
