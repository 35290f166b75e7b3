"""Pin a run and compare: the training page pins the run it shows; after a change of settings it
shows both runs' curves on one chart each and a table, and the backprop page walks the same
problem on both nets. The pinned run lives in the link (`pin=0.9_16_10000_0_8_book`: alpha,
hidden, iterations, seed, bits, sampling), read by the sidebar's rules, so a teacher can share
"alpha 0.9 against alpha 4"."""
import streamlit as st

from rnn import TrainConfig
from ui import charts, drawing, models
from ui.charts import downsample_errors
from ui.i18n import Text, t
from ui.settings import CHOICES, NUMBERS

PINNED = "pinned"  # session key: the pinned TrainConfig, or None
READ = "pin_read"  # session key: the link's pin, read (its notice kept)
ORDER = ("alpha", "hidden", "iterations", "seed", "bits")
POINTS = 200  # error points per run on the comparison chart


def pin_text(config):
    return "_".join([f"{config.alpha:g}", *(str(getattr(config, n)) for n in ORDER[1:]),
                     config.sampling])


def parse_pin(text):
    """The TrainConfig a pin names, or None unless every part is a value the sidebar allows."""
    parts = text.split("_")
    if len(parts) != len(ORDER) + 1 or parts[-1] not in CHOICES["sampling"]:
        return None
    values = {name: NUMBERS[name].parse(part) for name, part in zip(ORDER, parts)}
    if any(value is None for value in values.values()):
        return None
    return TrainConfig(sampling=parts[-1], **values)


def pinned():
    """The pinned run's configuration (from the link, the first time), or None; a link's pin
    that names no allowed run is dropped with a notice in the page's language."""
    state = st.session_state
    if READ not in state:
        values = st.query_params.get_all("pin")
        config = parse_pin(values[0]) if len(values) == 1 else None
        state[READ] = [] if not values or config else [", ".join(values)]
        if config:
            state[PINNED] = config
        elif values:
            st.query_params.pop("pin", None)
    for shown in state[READ]:
        st.warning(t("cmp_link_bad", value=shown), icon=":material/link_off:")
    config = state.get(PINNED)
    if config is None:
        st.query_params.pop("pin", None)
    elif st.query_params.get_all("pin") != [pin_text(config)]:
        st.query_params["pin"] = pin_text(config)
    return config


def pin(config):
    st.session_state[PINNED] = config


def unpin():
    st.session_state[PINNED] = None


def settings_text(config):
    return t("cmp_settings", alpha=config.alpha, hidden=config.hidden,
             iterations=config.iterations, seed=config.seed, bits=config.bits)


def draw(model):
    """The training page's part: the pin button, or the comparison with the pinned run."""
    other = pinned()
    if other is None:
        st.button(t("cmp_pin"), key="cmp_pin", icon=":material/push_pin:", on_click=pin,
                  args=(model.config,), help=t("cmp_pin_help"))
        return
    if other == model.config:
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.caption(t("cmp_pinned_same"))
        right.button(t("cmp_unpin"), key="cmp_unpin", on_click=unpin)
        return
    st.subheader(t("cmp_title"))
    pinned_model = trained(other)
    if pinned_model is None:
        return
    names = [Text(t("cmp_this")), Text(t("cmp_pinned"))]
    runs = [model, pinned_model]
    st.dataframe([{t("cmp_run"): name, t("cmp_settings_col"): settings_text(run.config),
                   t("metric_accuracy"): f"{run.curve.final.accuracy:.2%}",
                   t("metric_first_perfect"): f"{run.curve.first_perfect:,}"
                   if run.curve.first_perfect is not None else t("never"),
                   t("metric_time"): f"{run.result.seconds:.2f} s"}
                  for name, run in zip(names, runs)], hide_index=True, width="stretch")
    errors = [(name, *downsampled(run.result.errors)) for name, run in zip(names, runs)]
    accuracy = [(name, run.curve.iterations, run.curve.accuracy) for name, run in zip(names, runs)]
    left, right = st.columns(2)
    with left:
        drawing.show(charts.compare_chart(errors, "error", t("chart_error_title"),
                                          t("axis_error")),
                     compare_text("cmp_error_text", [float(e[2][-1]) for e in errors]))
    with right:
        drawing.show(charts.compare_chart(accuracy, "accuracy", t("chart_accuracy_title"),
                                          t("axis_accuracy"), percent=True),
                     compare_text("cmp_accuracy_text",
                                  [run.curve.final.accuracy for run in runs]))
    st.button(t("cmp_unpin"), key="cmp_unpin", on_click=unpin)


def downsampled(errors):
    """(iterations, moving average) of a run's errors, POINTS of them."""
    starts, _, _, average = downsample_errors(errors, POINTS)
    return starts, average


def compare_text(key, ends):
    return t(key, this=ends[0], pinned=ends[1])


def pinned_model(config):
    """The pinned run's model when one is pinned and differs from `config` (trained if need be,
    its progress in a box here), else None."""
    other = pinned()
    if other is None or other == config:
        return None
    return trained(other)


def trained(config):
    """The model of `config`, its training's progress drawn in a box here while it trains and
    cleared once it is done (a message stays there when it cannot be trained now)."""
    box = st.empty()
    model = models.get_model(config, box)
    if model is not None:
        box.empty()
    return model
