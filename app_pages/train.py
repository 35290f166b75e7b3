"""Train page: how the error fell, when the net got every problem right, the book's log."""
import streamlit as st

from rnn.bits import from_bits, msb_first
from ui import charts
from ui.i18n import t
from ui.upload import download_button

model = st.session_state["model"]
result, config = model.result, model.result.config

st.title(t("train_title"))
st.markdown(t("train_intro", hidden=config.hidden))
if result.status == "diverged":
    st.error(t("diverged", iteration=result.iterations_done, alpha=config.alpha), icon="💥")

columns = st.columns(4)
columns[0].metric(t("metric_accuracy"), f"{model.final.accuracy:.2%}",
                  help=t("metric_accuracy_help", pairs=model.final.pairs, bits=config.bits,
                         kind=t("all_pairs") if model.final.exhaustive else t("random_pairs")))
columns[1].metric(t("metric_first_perfect"),
                  f"{model.first_perfect:,}" if model.first_perfect is not None else t("never"))
columns[2].metric(t("metric_time"), f"{result.seconds:.2f} s")
columns[3].metric(t("metric_speed"), f"{result.iterations_done / max(result.seconds, 1e-9):,.0f}")

st.markdown(t("train_reading", accuracy=f"{model.final.accuracy:.1%}"))
left, right = st.columns(2)
left.altair_chart(charts.error_chart(result.errors), width="stretch")
right.altair_chart(charts.accuracy_chart(model.curve_iterations, model.curve_accuracy,
                                         model.first_perfect), width="stretch")

download_button(model)

st.subheader(t("log_title"))
st.caption(t("log_caption"))
st.dataframe(
    [{t("col_iteration"): entry.iteration,
      t("col_error"): round(entry.overall_error, 8),
      "Pred": "".join(map(str, msb_first(entry.prediction))),
      "True": "".join(map(str, msb_first(entry.target))),
      t("col_problem"): f"{entry.a} - {entry.b} = {from_bits(entry.prediction)}",
      t("col_right"): "✅" if (entry.prediction == entry.target).all() else "❌"}
     for entry in result.log],
    hide_index=True, width="stretch")
