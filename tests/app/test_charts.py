"""Chart layout rules that a screenshot found broken."""
import numpy as np

from ui import charts


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
