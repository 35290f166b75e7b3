"""Training page: how the error fell, when the net got every problem right, the book's log, what
to try when it did not learn, and named starting points to share."""
from urllib.parse import urlencode

import streamlit as st

from rnn.bits import from_bits, msb_first
from ui import advice, charts, compare, drawing, models
from ui.i18n import Text, language, t
from ui.keys import folded
from ui.settings import NUMBERS, default_of
from ui.upload import download_button

NAV, TITLE = "page_train", "train_title"  # catalogue keys of its menu entry and its title
SHOWS_DIVERGED = True  # draws a diverged run (the curve up to where it blew up)
# Named starting points: (catalogue key, the settings it sets, the page its link opens)
STARTING_POINTS = [
    ("start_book", {}, ""),
    ("start_few_units", {"hidden": 2}, ""),
    ("start_too_fast", {"alpha": 4.0}, ""),
    ("start_too_slow", {"alpha": 0.1}, ""),
    ("start_short_numbers", {"bits": 4}, "calculator"),
    ("start_real_swap", {"sampling": "fixed"}, ""),
]


def render(model):
    result, config, curve = model.result, model.config, model.curve
    st.markdown(t("train_intro", hidden=config.hidden))
    draw_starting_points()
    if result.status == "diverged":
        st.error(t("diverged", iteration=result.iterations_done, alpha=config.alpha),
                 icon=":material/warning:")
    draw_advice(model)
    compare.draw(model)
    # a row that wraps: each number keeps its own width, none is cut ("100.0…") on a narrow screen
    row = st.container(horizontal=True, gap="large")
    row.metric(t("metric_accuracy"), f"{curve.final.accuracy:.2%}", width="content",
               help=t("metric_accuracy_help", pairs=curve.final.pairs, bits=config.bits,
                      kind=t("all_pairs") if curve.final.exhaustive else t("random_pairs")))
    row.metric(t("metric_first_perfect"), f"{curve.first_perfect:,}"
               if curve.first_perfect is not None else t("never"), width="content")
    row.metric(t("metric_time"), f"{result.seconds:.2f} s", width="content")
    row.metric(t("metric_speed"), f"{result.iterations_done / max(result.seconds, 1e-9):,.0f}",
               width="content")

    st.markdown(t("train_reading", accuracy=curve.final.accuracy,
                  scored=models.scored_on(config.bits)))
    left, right = st.columns(2)
    with left:
        errors = result.errors
        tenth = max(1, len(errors) // 10)
        drawing.show(stored_charts(model)[0], t(
            "chart_error_text", iterations=len(errors), first=float(errors[:tenth].mean())
            if len(errors) else 0.0, last=float(errors[-tenth:].mean()) if len(errors) else 0.0))
    with right:
        models.show_accuracy(model)
    download_button(model)
    draw_log(result)


def stored_charts(model):
    """The page's two charts, made once per model and language (charts.kept)."""
    return (drawing.stored_chart(model, "error", lambda: charts.error_chart(model.result.errors)),
            models.kept_accuracy(model))


def nibbles(bits):
    """Bits most significant first in groups of four ("1000 1111"): readable, and a narrow
    screen wraps a long number between groups rather than cutting the table."""
    text = "".join(map(str, msb_first(bits)))
    groups = [text[max(0, end - 4):end] for end in range(len(text), 0, -4)]  # from bit 0 up
    return " ".join(reversed(groups))


def draw_log(result):
    st.header(t("log_title"))
    st.caption(t("log_caption"))
    # one Markdown table, not a data grid nor st.table: the book's lines as text a reader can
    # select, copy and have read out, in one element; a grid's canvas, or st.table's cells (each
    # drawn as Markdown of its own), cost every page switch away from here 20-50 ms of the browser
    head = [t("col_iteration"), t("col_error"), "Pred", "True", t("col_problem"), t("col_right")]
    lines = [" | ".join(head), " | ".join(["--:"] * 2 + ["--"] * 4)]
    for entry in result.log:
        right = (entry.prediction == entry.target).all()
        lines.append(" | ".join([
            str(entry.iteration), f"{entry.overall_error:.4f}",
            nibbles(entry.prediction), nibbles(entry.target),
            f"{entry.a} - {entry.b} = {from_bits(entry.prediction)}",
            charts.RIGHT_MARK if right else charts.WRONG_MARK]))
    st.container(key="book_log").markdown("\n".join(f"| {line} |" for line in lines))


def draw_advice(model):
    """When the run did not learn: what probably happened, from its numbers, and the change that
    was checked to get every problem right, as a button (it sets the sidebar, which shows that
    run); or that no change checked did."""
    visited = advice.chain_to(model.config)
    said = advice.advise(model, visited)
    if said is None:
        return
    with st.container(border=True):
        st.markdown(advice.text(said))
        if said.fix is not None:
            st.button(t("advice_try", change=advice.change_text(said.fix.changes)),
                      key="advice_0", on_click=advice.follow, type="primary",
                      args=(said.fix.changes, model.config, visited))


def apply(changes):
    """A button's callback: runs before the sidebar is drawn, so its widgets take the values."""
    for name, value in changes.items():
        st.session_state[name] = value


def draw_starting_points():
    """Named starting points, each a button that sets the sidebar and a link to share (a new
    visit with those settings, in this language)."""
    with folded(t("start_title"), "start_points") as points:
        if not points.open:  # drawn only when opened
            return
        st.caption(t("start_caption"))
        for key, settings, page in STARTING_POINTS:
            left, right = st.columns([2, 3])
            left.button(t(key), key=f"start_{key}", on_click=apply,
                        args=(starting(settings),), width="stretch")
            link = Text(f"./{page}?" + urlencode({**settings, "lang": language()}))
            right.markdown(t(f"{key}_watch") + " " + t("start_link", link=link))


def starting(settings):
    """Every setting of a starting point: the book's, changed by `settings`."""
    return {name: settings.get(name, default_of(name)) for name in [*NUMBERS, "sampling"]}
