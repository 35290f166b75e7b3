"""Chart layout rules that a screenshot found broken, and the specifications the app sends."""
import json

import numpy as np
import pyarrow as pa
import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import load_schema

from ui import charts, drawing


def test_a_small_heatmap_leaves_room_for_its_upright_row_title():
    """A 2 x 2 heatmap (2 hidden units) used to get 52 px of plot under a 150 px upright row
    title, and Vega-Lite squeezed the plot to nothing; now the plot is at least as tall as the
    title is long, in either language."""
    for title in ("from unit (previous step)", "来自哪个神经元(上一步)"):
        chart = charts.heatmap(np.ones((2, 2)), "update", title, "to unit")
        assert chart.height - 110 >= charts.text_length(title) > 2 * 26
    wide = charts.heatmap(np.ones((16, 16)), "update", "from unit (previous step)", "to unit")
    assert wide.height == 16 * 16 + 110  # big enough already: unchanged


def test_many_bars_write_their_texts_upright_with_headroom():
    """32 sweep bars: texts upright (side by side they overlapped), the scale extended above the
    tallest bar so that its text fits; a few bars keep level texts and the domain given."""
    labels, values = list(range(32)), [3000.0] * 32
    many = charts.bars(labels, values, "t", "seed", "iteration", text=["not reached"] * 32,
                       domain=(0, 3000)).to_dict()
    text_layer = many["layer"][1]
    assert text_layer["mark"]["angle"] == 270
    assert many["layer"][0]["encoding"]["y"]["scale"]["domain"][1] > 3000
    assert max(many["layer"][0]["encoding"]["y"]["axis"]["values"]) == 3000  # no tick above
    few = charts.bars(labels[:7], values[:7], "t", "size", "iteration", text=["x"] * 7,
                      domain=(0, 3000)).to_dict()
    assert "angle" not in few["layer"][1]["mark"]
    assert few["layer"][0]["encoding"]["y"]["scale"]["domain"] == [0, 3000]


def test_every_chart_the_pages_send_is_valid_vega_lite(open_page):
    """The app sends charts as specifications it made without Altair's validation (drawing.spec);
    every one the four pages send (the backprop experts' section open, the calculator at 40
    bits with its probabilities open) passes Vega-Lite's schema, as Altair's own check would
    have it. And the check can fail: a broken mark is refused."""
    schema = load_schema()
    sent = []
    for url_path in ("", "calculator", "backprop", "insight"):
        at = open_page(url_path)
        if url_path == "backprop":
            at.session_state["bp_expert"] = True
            at.run()
        if url_path == "calculator":
            at.session_state["calc_wide"] = True
            at.session_state["calc_table"] = True  # the probability chart is folded
            at.run()
        assert not at.exception
        sent += [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    assert len(sent) >= 15
    for spec in sent:
        validate_jsonschema(spec, schema)
    broken = {**sent[0], "mark": "nonsense"}
    with pytest.raises(Exception):
        validate_jsonschema(broken, schema)


def test_a_spec_is_what_altair_makes_under_the_apps_theme():
    """drawing.spec is Altair's own specification of the chart under the app's theme (the shared
    padding, no view size: Streamlit sizes the charts), its data sets as Arrow holding the same
    rows."""
    chart = charts.accuracy_chart(np.arange(0, 1000, 100), np.linspace(0, 1, 10), 900)
    made = drawing.spec(chart)
    altair = chart.to_dict()
    assert altair["padding"] == charts.PADDING and "config" not in altair
    rows = altair.pop("datasets")
    assert json.loads(made.text) == json.loads(json.dumps(altair))
    assert made.datasets.keys() == rows.keys()
    for name, data in made.datasets.items():
        assert pa.ipc.open_stream(data).read_all().to_pylist() == rows[name]


def test_a_chart_from_a_layout_is_its_layout_over_the_given_rows():
    """drawing.from_layout: the layout (everything but the rows) is made once per key and
    language; the rows sent are the ones given, and the layout reads them by name."""
    drawing._layout.cache_clear()
    first = charts.error_chart(np.linspace(1, 0, 50))
    second = charts.error_chart(np.linspace(2, 1, 50))
    assert drawing._layout.cache_info().misses == 1 and first.text == second.text
    assert json.loads(first.text)["data"] == {"name": drawing.ROWS}
    rows = pa.ipc.open_stream(second.datasets[drawing.ROWS]).read_all().to_pylist()
    assert [row["iteration"] for row in rows] == list(range(50))
    assert [row["high"] for row in rows] == pytest.approx(np.linspace(2, 1, 50))
