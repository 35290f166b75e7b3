"""The training page, checked against runs and scores computed here, on this machine."""
import re
from pathlib import Path

import numpy as np
import pytest

from rnn import TrainConfig, train
from rnn.evaluate import score_width
from tests.app.charts import chart_rows, title_of
from ui import charts
from ui.charts import downsample_errors
from ui.computing import service

BOOK_LOG = (Path(__file__).resolve().parents[1] / "rnn" / "book-log.txt").read_text("utf-8")


@pytest.fixture(scope="module")
def book():
    """The book's run, made here with the core alone."""
    return train(TrainConfig())


def metrics(at):
    return {m.label: m.value for m in at.metric}


def first_perfect(run):
    """The first snapshot of `run` that gets every pair right, scoring every snapshot."""
    return next((int(i) for i, p in zip(run.snapshot_iterations, run.snapshots)
                 if score_width(p, run.config.bits).accuracy == 1.0), None)


def test_default_model_trains_on_first_load(app, fresh_store, book):
    """First load trains the book's model once; the page reports its final accuracy and the
    first snapshot at 100 %, as scoring the core's own run snapshot by snapshot gives."""
    at = app().run()
    assert not at.exception
    shown = metrics(at)
    assert shown["Final accuracy"] == f"{score_width(book.params, 8).accuracy:.2%}"
    first = first_perfect(book)
    assert shown["First 100 % at iteration"] == (f"{first:,}" if first else "not reached")
    assert len(service().models) == 1


def test_error_chart_is_the_runs_errors_downsampled(app, book):
    """The error chart holds the run's own errors, at most 600 buckets, each with the range of
    its iterations and the moving average over 1 % of the run at its end."""
    at = app().run()
    error = at.get("vega_lite_chart")[0]
    assert title_of(error) == "Error per iteration (overallError)"
    points = chart_rows(error)
    assert len(points) <= 600
    size = points[1]["iteration"]
    for point in points[::37]:
        start = point["iteration"]
        raw = book.errors[start:start + size]
        assert point["low"] == pytest.approx(raw.min()) and point["high"] == pytest.approx(
            raw.max())
        end = min(start + size, len(book.errors))
        window = book.errors[max(0, end - len(book.errors) // 100):end]
        assert point["average"] == pytest.approx(window.mean())
    starts, *_ = downsample_errors(book.errors)
    assert [p["iteration"] for p in points] == starts.tolist()


def test_accuracy_chart_marks_the_first_perfect_snapshot(app, book):
    """The accuracy chart's mark sits at the first snapshot at 100 %; each plotted point is what
    scoring that snapshot gives."""
    at = app().run()
    accuracy = at.get("vega_lite_chart")[1]
    first = first_perfect(book)
    if first is not None:
        assert chart_rows(accuracy, layer=1)[0]["iteration"] == first
    by_iteration = dict(zip(book.snapshot_iterations.tolist(), book.snapshots))
    for point in chart_rows(accuracy, layer=0)[::5]:
        params = by_iteration[point["iteration"]]
        assert point["accuracy"] == pytest.approx(score_width(params, 8).accuracy)


def test_the_accuracy_sentence_follows_its_chart(app):
    """At 16 bits the net may get every sampled problem right at one snapshot and lose some at
    a later one: the sentence under the chart says what the plotted points, scored here, do
    (first 100 %, the lowest point after it, the end), on the 1,000 random pairs it names."""
    at = app({"bits": "16"}).run()
    result = train(TrainConfig(bits=16))
    by_iteration = dict(zip(result.snapshot_iterations.tolist(), result.snapshots))
    points = [(p["iteration"], score_width(by_iteration[p["iteration"]], 16).accuracy)
              for p in chart_rows(at.get("vega_lite_chart")[1], layer=0)]
    text = " ".join(c.value for c in at.caption)
    assert "Accuracy on 1,000 random 16-bit problems" in text
    perfect = [i for i, accuracy in points if accuracy == 1.0]
    if not perfect:
        assert "it never gets every one right" in text
        return
    after = [(accuracy, i) for i, accuracy in points if i >= perfect[0]]
    low, low_at = min(after)
    said = f"it first got every one right at iteration {perfect[0]:,}"
    if points[-1][1] < 1.0:
        said += f", then fell back to {points[-1][1]:.1%} by the end."
    elif low < 1.0:
        said += f", fell back to {low:.1%} at iteration {low_at:,}, and gets every one right"
    assert said in text


def test_book_log_table(app):
    """The book's log as a table: every block of the book's printout, in order."""
    blocks = [block.splitlines() for block in BOOK_LOG.split("------------\n") if block]
    at = app().run()
    table = next(m.value for m in at.markdown if m.value.startswith("| iteration |"))
    head, _, *lines = [[cell.strip() for cell in line.strip("|").split("|")]
                       for line in table.splitlines()]
    rows = [dict(zip(head, line)) for line in lines]
    assert [int(row["iteration"]) for row in rows] == list(range(0, 10_000, 800))
    assert len(rows) == len(blocks)
    for row, block in zip(rows, blocks):
        pred = block[1].removeprefix("Pred:[").removesuffix("]").replace(" ", "")
        true = block[2].removeprefix("True:[").removesuffix("]").replace(" ", "")
        assert (row["Pred"], row["True"]) == (" ".join(re.findall("....", pred)),
                                              " ".join(re.findall("....", true)))
        assert row["a − b = net's answer"] == block[3]
        error = float(block[0].removeprefix("总误差:[").removesuffix("]"))
        assert row["error"] == f"{error:.4f}"


def test_same_configuration_trains_once(app):
    """A second session asking for a trained configuration reuses it: nothing is trained again."""
    config = TrainConfig(hidden=6, iterations=500)
    app({"hidden": "6", "iterations": "500"}).run()
    model = service().models.get(config)
    assert model is not None
    app({"hidden": "6", "iterations": "500"}).run()
    assert service().models.get(config) is model


def test_changing_a_setting_retrains(app):
    """Moving a slider trains the new configuration; the page shows that run's final accuracy,
    as the core alone gives it for the same settings."""
    at = app().run()
    at.sidebar.slider(key="hidden").set_value(4).run()
    assert not at.exception
    expected = score_width(train(TrainConfig(hidden=4)).params, 8).accuracy
    assert metrics(at)["Final accuracy"] == f"{expected:.2%}"


def test_wide_training_width_scores_random_pairs(app):
    """Above 8 bits the accuracy comes from random pairs and the metric says so."""
    at = app({"bits": "12", "iterations": "3000"}).run()
    assert not at.exception
    metric = [m for m in at.metric if m.label == "Final accuracy"][0]
    assert "random problems" in metric.proto.help


def test_chinese_page(app):
    """The whole page speaks Chinese when asked to."""
    at = app({"lang": "zh"}).run()
    assert at.title[0].value == "RNN 学习退位减法"
    assert [m.label for m in at.metric][0] == "最终准确率"
    assert title_of(at.get("vega_lite_chart")[0]) == "每次迭代的总误差 overallError"


def test_a_page_is_a_function_of_its_model(page_of, book):
    """The training page drawn for a model made here shows that model's numbers."""
    from rnn.curve import accuracy_curve
    from ui.models import Model
    at = page_of("train", Model(book, accuracy_curve(book)))
    assert not at.exception
    assert metrics(at)["Final accuracy"] == f"{score_width(book.params, 8).accuracy:.2%}"
    bucket = -(-len(book.errors) // charts.MAX_POINTS)  # iterations per point of the chart
    assert np.isclose(chart_rows(at.get("vega_lite_chart")[0])[0]["high"],
                      book.errors[:bucket].max())


def test_a_pinned_run_is_compared_with_the_one_shown(app):
    """?pin=4_16_10000_0_8_book pins alpha 4: the table gives both runs' final accuracy as rnn
    alone trains and scores them here, and the pin stays in the link; Unpin drops it; the pin
    button pins the run shown; a pin naming no allowed run gets a notice, in Chinese too."""
    at = app({"pin": "4_16_10000_0_8_book"}).run()
    assert not at.get("progress")  # the pinned run's training progress cleared once it is done
    assert not at.exception
    table = next(d.value for d in at.dataframe if "settings" in d.value.columns)
    for config, row in zip((TrainConfig(), TrainConfig(alpha=4.0)), table.itertuples()):
        assert row[3] == f"{score_width(train(config).params, 8).accuracy:.2%}"
    assert at.query_params["pin"] == "4_16_10000_0_8_book"
    at.button(key="cmp_unpin").click().run()
    assert "pin" not in at.query_params
    at.button(key="cmp_pin").click().run()
    assert at.query_params["pin"] == "0.9_16_10000_0_8_book"
    bad = app({"pin": "4_16_999999_0_8_book", "lang": "zh"}).run()
    assert any("链接里的 pin=" in w.value for w in bad.warning) and "pin" not in bad.query_params
