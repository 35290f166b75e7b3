"""Training page: how the error fell, when the net got every problem right, the book's log."""
import streamlit as st

from rnn.bits import from_bits, msb_first
from ui import charts
from ui.i18n import t
from ui.upload import download_button

NAV, TITLE = "page_train", "train_title"  # catalogue keys of its menu entry and its title
SHOWS_DIVERGED = True  # draws a diverged run (the curve up to where it blew up)


def render(model):
    result, config, curve = model.result, model.config, model.curve
    st.markdown(t("train_intro", hidden=config.hidden))
    if result.status == "diverged":
        st.error(t("diverged", iteration=result.iterations_done, alpha=config.alpha), icon="💥")

    columns = st.columns(4)
    columns[0].metric(t("metric_accuracy"), f"{curve.final.accuracy:.2%}",
                      help=t("metric_accuracy_help", pairs=curve.final.pairs, bits=config.bits,
                             kind=t("all_pairs") if curve.final.exhaustive
                             else t("random_pairs")))
    columns[1].metric(t("metric_first_perfect"), f"{curve.first_perfect:,}"
                      if curve.first_perfect is not None else t("never"))
    columns[2].metric(t("metric_time"), f"{result.seconds:.2f} s")
    columns[3].metric(t("metric_speed"),
                      f"{result.iterations_done / max(result.seconds, 1e-9):,.0f}")

    st.markdown(t("train_reading", accuracy=curve.final.accuracy))
    left, right = st.columns(2)
    left.altair_chart(charts.error_chart(result.errors), width="stretch")
    right.altair_chart(charts.accuracy_chart(curve.iterations, curve.accuracy,
                                             curve.first_perfect), width="stretch")

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
