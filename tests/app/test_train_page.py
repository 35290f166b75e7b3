from tests.app.charts import chart_rows, chart_spec
from ui.store import model_store


def chart_specs(at):
    return [chart_spec(chart) for chart in at.get("vega_lite_chart")]


def test_default_model_trains_on_first_load(app, fresh_store):
    """First load trains the book's model: 100 % on all 32,896 pairs, first at iteration 2,950
    (all pairs: 83.8 % at 2,900, checked in tests/rnn, 100 % at 2,950)."""
    at = app().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Final accuracy"] == "100.00%"
    assert metrics["First 100 % at iteration"] == "2,950"
    assert len(model_store()) == 1


def test_charts_show_error_and_accuracy(app):
    """Two charts: the error (at most 2,000 points) and the accuracy with the 100 % mark."""
    at = app().run()
    error, accuracy = at.get("vega_lite_chart")
    assert chart_spec(error)["title"] == "Error per iteration (overallError)"
    error_points = chart_rows(error)
    assert 1_000 <= len(error_points) <= 2_000
    assert error_points[0]["iteration"] == 0 and error_points[0]["average"] > 2.5
    assert error_points[-1]["average"] < 0.2
    assert chart_rows(accuracy, layer=1)[0]["iteration"] == 2_950
    assert chart_rows(accuracy, layer=0)[-1]["accuracy"] == 1.0


def test_book_log_table(app):
    """The book's log as a table: 13 rows every 800 iterations, the book's first problem first."""
    at = app().run()
    table = at.dataframe[0].value
    assert list(table["iteration"]) == list(range(0, 10_000, 800))
    assert table["a − b = net's answer"].iloc[0] == "9 - 9 = 0"
    assert table["True"].iloc[1] == "00010001" and table["Pred"].iloc[1] == "00000000"
    assert table["a − b = net's answer"].iloc[-1] == "209 - 17 = 192"


def test_same_configuration_trains_once(app):
    """A second session asking for a trained configuration reuses it: nothing is trained again."""
    first = app({"hidden": "6", "iterations": "500"}).run()
    slot = model_store().slot(first.session_state["model"].result.config)
    model = slot.model
    second = app({"hidden": "6", "iterations": "500"}).run()
    assert second.session_state["model"] is model


def test_changing_a_setting_retrains(app):
    """Moving a slider trains the new configuration; its results are deterministic."""
    at = app().run()
    at.sidebar.slider(key="hidden").set_value(4).run()
    assert not at.exception
    first = {m.label: m.value for m in at.metric}["Final accuracy"]
    assert first != "100.00%"  # the book: with hidden 4 it learns nothing in 10,000 iterations
    again = app({"hidden": "4"}).run()
    assert {m.label: m.value for m in again.metric}["Final accuracy"] == first


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
    assert chart_specs(at)[0]["title"] == "每次迭代的总误差 overallError"
