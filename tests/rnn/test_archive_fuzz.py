"""Damaged variants of valid archives: `loads_model` and `loads_sweep` return a run or a sweep,
or raise ArchiveError, and nothing else, whatever the bytes."""
import io
import json
import zipfile

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnn import TrainConfig, archive, train
from rnn.curve import accuracy_curve
from rnn.sweep import SweepResult
from tests.rnn.test_archive import npy, repacked
from tests.rnn.test_weights_fuzz import delete, flip, insert, truncate

RUN = train(TrainConfig(hidden=2, iterations=300))
VALID = {"model": archive.dumps_model(RUN, accuracy_curve(RUN)),
         "sweep": archive.dumps_sweep(SweepResult([TrainConfig(seed=s) for s in range(3)],
                                                  [None, 800, 2400], np.array([0.5, 1, 1]),
                                                  400, 1.5))}
LOADERS = {"model": archive.loads_model, "sweep": archive.loads_sweep}


def overwrite(data, draw):
    """A run of bytes overwritten: hits headers, sizes and JSON as well as numbers."""
    at = draw(st.integers(0, len(data) - 1))
    patch = draw(st.binary(min_size=1, max_size=32))
    return data[:at] + patch + data[at + len(patch):]


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(),
              st.text(max_size=20)),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4), max_leaves=12)


def meta_field(data, draw):
    """A valid archive (CRCs right) whose meta has one field, or one configuration field, set to
    another JSON value, or removed."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        meta = json.loads(np.load(io.BytesIO(source.read("meta.npy"))).tobytes())
    target = meta
    if draw(st.booleans()) and isinstance(meta.get("config"), dict):
        target = meta["config"]
    name = draw(st.sampled_from(sorted(target) + ["extra"]))
    if draw(st.integers(0, 4)) == 0:
        target.pop(name, None)
    else:
        target[name] = draw(JSON_VALUES)
    raw = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    return repacked(data, replace={"meta.npy": npy(raw)})


def member_array(data, draw):
    """A valid archive whose member is replaced by an array of another dtype, shape or values."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        names = sorted(info.filename for info in source.infolist())
    dtype = draw(st.sampled_from(["<f8", ">f8", "<f4", "<i8", "<i4", "u1", "?", "<c16"]))
    shape = tuple(draw(st.lists(st.integers(0, 20), max_size=3)))
    values = draw(st.sampled_from([0, 1, -1, 7, 1e300, np.nan, np.inf]))
    with np.errstate(all="ignore"):
        array = np.full(shape, values).astype(dtype)
    return repacked(data, replace={draw(st.sampled_from(names)): npy(array)})


BYTE_MUTATIONS = [flip, insert, delete, truncate, overwrite]


@st.composite
def mutated(draw):
    """A valid archive, maybe rebuilt with one member changed, then maybe damaged byte by byte."""
    kind = draw(st.sampled_from(sorted(VALID)))
    data = VALID[kind]
    rebuild = draw(st.sampled_from([None, meta_field, member_array]))
    if rebuild is not None:
        data = rebuild(data, draw)
    for mutation in draw(st.lists(st.sampled_from(BYTE_MUTATIONS),
                                  min_size=0 if rebuild else 1, max_size=3)):
        data = mutation(data, draw) if data else data
    return kind, data


@settings(max_examples=400, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_loading_returns_the_value_or_raises_archive_error(case):
    """Any mutation of a valid archive loads (when it left the content intact) or raises
    ArchiveError."""
    kind, data = case
    try:
        LOADERS[kind](data)
    except archive.ArchiveError as error:
        assert str(error).isprintable()
