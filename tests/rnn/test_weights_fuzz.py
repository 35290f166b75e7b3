"""Damaged and hostile variants of valid weight files: `load` returns checked weights or raises
WeightsError with one of its reasons, and nothing else, whatever the bytes."""
import zipfile

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnn import TrainConfig, init_params, weights
from tests.rnn.test_weights import FIELDS, archive, members, patched, raw_npy

SEEDS = {hidden: init_params(hidden, np.random.RandomState(hidden)) for hidden in (1, 4)}
VALID = [weights.to_npz_bytes(params, TrainConfig(hidden=hidden))
         for hidden, params in SEEDS.items()] + [archive(members(), zipfile.ZIP_DEFLATED)]
MEMBER_NAMES = ("synapse_0.npy", "synapse_h.npy", "synapse_1.npy", "config.npy")
FIELD_VALUES = st.sampled_from([0, 1, 8, 12, 14, 99, 0x20, 0x40, 0x800, 0xFFFF, 2**31, 2**32 - 1])
SIZES = st.one_of(st.integers(-3, 20), st.sampled_from([2**32, 2**63, 10**20, True, 1.5]))
DESCRS = st.sampled_from(["<f8", ">f8", "<f2", "<f4", "<f16", "<c16", "|O", "<i8", "<U10", "|V8",
                          "|b1", "<M8[s]", [("x", "<f8")], [("x", "<f8", (2,))], "x", 7])


def flip(data, draw):
    at = draw(st.integers(0, len(data) - 1))
    return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]


def insert(data, draw):
    at = draw(st.integers(0, len(data)))
    return data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]


def delete(data, draw):
    at = draw(st.integers(0, len(data) - 1))
    return data[:at] + data[at + draw(st.integers(1, 64)):]


def truncate(data, draw):
    return data[:draw(st.integers(0, len(data) - 1))]


def zip_field(data, draw):
    """A local header and central directory field of one member set to an odd value."""
    field = draw(st.sampled_from(sorted(FIELDS)))
    value = draw(FIELD_VALUES) & (0xFFFF if FIELDS[field][2] == "<H" else 0xFFFFFFFF)
    return patched(data, draw(st.sampled_from(MEMBER_NAMES)), **{field: value})


def npy_header(data, draw):
    """A file rebuilt with one member's .npy header replaced by an odd one over random data."""
    shape = tuple(draw(st.lists(SIZES, max_size=3)))
    header = (f"{{'descr': {draw(DESCRS)!r}, 'fortran_order': {draw(st.booleans())}, "
              f"'shape': {shape}, }}")
    header = draw(st.sampled_from([header, header[:-3], header.replace("'", ""), "{}"]))
    name = draw(st.sampled_from(MEMBER_NAMES))[:-4]
    member = raw_npy(header, draw(st.binary(max_size=300)), draw(st.sampled_from(
        [b"\x01\x00", b"\x02\x00", b"\x03\x00", b"\x00\x00"])))
    return archive(members(**{name: member}))


def npy_numbers(data, draw):
    """A file rebuilt with one weight matrix holding random bytes as floats of some width, byte
    order and memory order (NaN, infinities, long doubles beyond float64 among them)."""
    name = draw(st.sampled_from(MEMBER_NAMES[:3]))[:-4]
    shape = {"synapse_0": (2, 4), "synapse_h": (4, 4), "synapse_1": (4, 1)}[name]
    dtype = np.dtype(draw(st.sampled_from(["<f2", "<f4", "<f8", ">f8", "<f16"])))
    numbers = draw(st.binary(min_size=dtype.itemsize * 4 * shape[0],
                             max_size=dtype.itemsize * 4 * shape[0]))
    member = raw_npy(f"{{'descr': {dtype.str!r}, 'fortran_order': {draw(st.booleans())}, "
                     f"'shape': {shape}, }}", numbers)
    return archive(members(**{name: member}))


MUTATIONS = [flip, insert, delete, truncate, zip_field, npy_header, npy_numbers]


@st.composite
def mutated_files(draw):
    data = draw(st.sampled_from(VALID))
    for mutation in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=3)):
        data = mutation(data, draw) if data else data
    return data


def assert_checked(params, config):
    hidden = params.synapse_h.shape[0]
    shapes = {"synapse_0": (2, hidden), "synapse_h": (hidden, hidden), "synapse_1": (hidden, 1)}
    for name, shape in shapes.items():
        array = getattr(params, name)
        assert array.dtype == np.float64 and array.shape == shape and array.flags.c_contiguous
        assert np.isfinite(array).all()
    assert config is None or (isinstance(config, TrainConfig) and config.hidden == hidden)


@settings(max_examples=400, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_files())
def test_load_returns_checked_weights_or_raises_weights_error(data):
    """Any mutation of a valid file gives checked float64 weights or a plain WeightsError."""
    try:
        assert_checked(*weights.load(data))
    except weights.WeightsError as error:
        assert error.reason in weights.REASONS
        message = str(error)
        assert message.isprintable() and len(message) <= 200
