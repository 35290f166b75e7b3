"""Insight page: did the net learn the borrow algorithm, or only some cases?"""
import dataclasses

import numpy as np
import streamlit as st

from rnn import analysis
from rnn.bits import from_bits, subtract_bits, to_bits
from rnn.evaluate import answer
from rnn.model import forward
from ui import charts
from ui.i18n import t
from ui.store import derived, get_sweep, peek, sweep_store

SWEEP_MAX_ITERATIONS = 20_000  # a sweep trains at most this many iterations per model
SEEDS = 32
HIDDEN_SIZES = (1, 2, 3, 4, 8, 16, 32)
RATES = (0.1, 0.3, 0.5, 0.9, 1.5, 2.5, 4.0)

model = st.session_state["model"]
config = model.result.config
params, bits = model.params, config.bits

st.title(t("in_title"))
st.markdown(t("in_intro"))

# --- 1. correctness map ----------------------------------------------------------------
st.header(t("in_map"))
left, right = st.columns([3, 2])
if bits <= analysis.EXHAUSTIVE_BITS:
    found = derived(model, "map", lambda: analysis.correctness_map(params, bits))
    left.altair_chart(charts.correctness_map_chart(found.exact, bits), width="stretch")
    with right:
        pairs = 2 ** (bits - 1) * (2**bits + 1)
        st.metric(t("in_wrong_pairs"), f"{found.wrong_pairs:,} / {pairs:,}")
        if found.hardest:
            st.markdown(t("in_hardest"))
            rows = []
            for a, b, chain in found.hardest:
                net = from_bits(answer(params, a, b, bits)[1])
                rows.append({"a": a, "b": b, t("in_chain"): chain, t("calc_net_answer"): net,
                             t("calc_true_answer"): a - b})
            st.dataframe(rows, hide_index=True)
        else:
            st.success(t("in_all_right", pairs=pairs), icon="✅")
        per_bit = found.per_bit
else:
    found = derived(model, "sample_map", lambda: analysis.sampled_map(params, bits))
    left.altair_chart(charts.sampled_map_chart(found.a, found.b, found.right, bits),
                      width="stretch")
    right.metric(t("in_wrong_sample"), f"{int((~found.right).sum()):,} / {len(found.right):,}")
    per_bit = found.per_bit
right.altair_chart(charts.bars(list(range(bits)), per_bit, t("in_per_bit_title"), t("axis_bit"),
                               t("axis_accuracy"), percent=True, domain=(0, 1)), width="stretch")

# --- 2. length generalisation ----------------------------------------------------------
st.header(t("in_length"))
widths = (8, 16, 32, 64, 128, 256)
lengths = derived(model, "lengths", lambda: analysis.length_generalisation(params, widths))
st.altair_chart(charts.bars([f"{w}" for w in widths], [lengths[w] for w in widths],
                            t("in_length_title", bits=bits), t("in_width"), t("axis_accuracy"),
                            percent=True, domain=(0, 1),
                            text=[f"{lengths[w]:.0%}" for w in widths]), width="stretch")
st.markdown(t("in_length_why", bits=bits))

# --- 3. the borrow neuron --------------------------------------------------------------
st.header(t("in_neuron"))
correlation = derived(model, "correlation", lambda: analysis.borrow_correlation(params, bits))
best = int(np.abs(correlation).argmax())
left, right = st.columns(2)
left.altair_chart(charts.bars(list(range(config.hidden)), correlation,
                              t("in_correlation_title"), t("axis_unit"), t("in_correlation"),
                              highlight=best, domain=(-1, 1)), width="stretch")
top = 2**bits - 1
with right:
    columns = st.columns(2)
    a = int(columns[0].number_input(t("calc_a"), 0, top, 2 ** (bits - 1), key=f"in_a_{bits}",
                                    persist_state="session"))
    b = int(columns[1].number_input(t("calc_b"), 0, top, 1, key=f"in_b_{bits}",
                                    persist_state="session"))
    a_bits, b_bits = to_bits(a, bits), to_bits(b, bits)
    target, borrow = subtract_bits(a_bits, b_bits)
    trace = forward(params, a_bits, b_bits, target)
    st.altair_chart(charts.neuron_chart(trace.hidden[1:, best], borrow, best), width="stretch")
r = float(correlation[best])
verdict = ("in_neuron_none" if abs(r) < 0.5 else "in_neuron_partial" if abs(r) < 0.9
           else "in_neuron_flag" if r > 0 else "in_neuron_flag_inverted")
st.markdown(t("in_neuron_text", unit=best, r=r, verdict=t(verdict)))
ablated = derived(model, "ablation", lambda: analysis.ablation(params, bits))
st.altair_chart(charts.bars(list(range(config.hidden)), ablated, t("in_ablation_title"),
                            t("axis_unit"), t("axis_accuracy"), highlight=int(ablated.argmin()),
                            percent=True, domain=(0, 1), baseline=model.final.accuracy),
                width="stretch")
st.caption(t("in_ablation_text", unit=int(ablated.argmin()), accuracy=ablated.min(),
             full=model.final.accuracy))

# --- 4. training over time -------------------------------------------------------------
st.header(t("in_time"))
st.altair_chart(charts.accuracy_chart(model.curve_iterations, model.curve_accuracy,
                                      model.first_perfect), width="stretch")
if model.first_perfect is not None:
    st.markdown(t("in_time_text", iteration=model.first_perfect))
else:
    st.markdown(t("in_time_never"))

# --- 5. sweeps -------------------------------------------------------------------------
st.header(t("in_sweeps"))
iterations = min(config.iterations, SWEEP_MAX_ITERATIONS)
base = dataclasses.replace(config, iterations=iterations)
st.markdown(t("in_sweeps_text", iterations=iterations, bits=bits))
sweeps = {
    "seeds": [dataclasses.replace(base, seed=(config.seed + i) % 10_000) for i in range(SEEDS)],
    "hidden": [dataclasses.replace(base, hidden=h) for h in HIDDEN_SIZES],
    "alpha": [dataclasses.replace(base, alpha=r) for r in RATES],
}
labels = {"seeds": [c.seed for c in sweeps["seeds"]], "hidden": list(HIDDEN_SIZES),
          "alpha": list(RATES)}
# stateful tabs: a sweep's button reruns the page, and plain tabs would then fall back to the
# first one, hiding the result just asked for; only the open tab's content is drawn
tabs = st.tabs([t("in_sweep_seeds", count=SEEDS), t("in_sweep_hidden"), t("in_sweep_alpha")],
               key="sweep_tab", on_change="rerun")
for kind, tab in zip(sweeps, tabs):
    if not tab.open:
        continue
    with tab:
        configs = sweeps[kind]
        result = peek(sweep_store(), tuple(configs))
        slot = st.empty()
        if result is None and slot.button(t("in_sweep_run", count=len(configs)),
                                          key=f"sweep_{kind}"):
            result = get_sweep(configs)
            slot.empty()  # the result takes the place of the button that asked for it
        if result is None:
            st.caption(t("in_sweep_hint"))
            continue
        reached = [f for f in result.first_perfect if f is not None]
        columns = st.columns(3)
        columns[0].metric(t("in_sweep_share"), f"{len(reached)} / {len(configs)}")
        columns[1].metric(t("in_sweep_median"),
                          f"{int(np.median(reached)):,}" if reached else t("never"))
        columns[2].metric(t("in_sweep_time"), f"{result.seconds:.1f} s")
        values = [f if f is not None else iterations for f in result.first_perfect]
        text = [f"{f:,}" if f is not None else t("never") for f in result.first_perfect]
        x_title = {"seeds": t("seed"), "hidden": t("hidden"), "alpha": t("alpha")}[kind]
        title = t("in_sweep_chart", every=result.checkpoint_every)
        st.altair_chart(charts.bars(labels[kind], values, title, x_title,
                                    t("metric_first_perfect"), text=text,
                                    domain=(0, iterations)), width="stretch")
        st.dataframe([{x_title: label, t("metric_first_perfect"): txt,
                       t("metric_accuracy"): f"{acc:.2%}"}
                      for label, txt, acc in zip(labels[kind], text, result.final_accuracy)],
                     hide_index=True)
