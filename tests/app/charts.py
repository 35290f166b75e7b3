"""Reading the data of an Altair chart as the app sent it (AppTest has no typed accessor)."""
import json

import pyarrow as pa


def chart_spec(chart):
    return json.loads(chart.proto.spec)


def chart_rows(chart, layer=None):
    """The rows of a chart: Streamlit ships data shared by all layers as Arrow, the rest inline
    in the spec. `layer` picks a layer's own data when it has some, else the shared data."""
    proto, spec = chart.proto, chart_spec(chart)
    own = spec["layer"][layer].get("data") if layer is not None else None
    if own is None and proto.data.data:
        return pa.ipc.open_stream(proto.data.data).read_all().to_pylist()
    data = own if own is not None else spec["data"]
    if "values" in data:
        return data["values"]
    return next(pa.ipc.open_stream(d.data.data).read_all().to_pylist()
                for d in proto.datasets if d.name == data["name"])


def title_of(chart):
    """A chart's title as one line (long titles are sent as several lines)."""
    title = chart_spec(chart).get("title")
    title = title.get("text") if isinstance(title, dict) else title
    return " ".join(title) if isinstance(title, list) else title


def chart_titled(at, title):
    """The Altair chart on the page whose title is `title`."""
    return next(c for c in at.get("vega_lite_chart") if title_of(c) == title)
