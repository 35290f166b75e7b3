import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnn.bits import from_bits, msb_first, subtract_bits, to_bits


@st.composite
def width_and_value(draw, max_width=256):
    width = draw(st.integers(1, max_width))
    return width, draw(st.integers(0, 2**width - 1))


@given(width_and_value())
def test_python_int_round_trip(case):
    """Any width, Python ints: bits decode back to the same number."""
    width, value = case
    bits = to_bits(value, width)
    assert bits.shape == (width,) and bits.dtype == np.uint8
    assert from_bits(bits) == value


@given(st.integers(1, 64).flatmap(
    lambda w: st.tuples(st.just(w), st.lists(st.integers(0, 2**w - 1), min_size=1, max_size=20))))
def test_array_round_trip(case):
    """Widths 1 to 64, NumPy arrays: vectorised encode and decode agree."""
    width, values = case
    array = np.array(values, dtype=np.uint64)
    bits = to_bits(array, width)
    assert bits.shape == (len(values), width)
    assert from_bits(bits).tolist() == values
    assert [from_bits(row) for row in bits] == values


def test_least_significant_first_and_book_order():
    """Bit t is 2**t inside the model; msb_first prints like the book."""
    bits = to_bits(6, 8)
    assert bits.tolist() == [0, 1, 1, 0, 0, 0, 0, 0]
    assert msb_first(bits).tolist() == [0, 0, 0, 0, 0, 1, 1, 0]


def test_wide_batches_decode_to_python_ints():
    """Batches wider than 64 bits decode to exact Python ints."""
    values = [2**200 + 12345, 3**100]
    assert from_bits(to_bits(values, 256)).tolist() == values


@pytest.mark.parametrize("value, width", [(-1, 8), (256, 8), (2**64, 64)], ids=str)
def test_out_of_range_refused(value, width):
    """Numbers that do not fit the width are refused, not wrapped."""
    with pytest.raises(ValueError):
        to_bits(value, width)


@given(width_and_value(128), st.data())
def test_subtract_bits_matches_python(case, data):
    """Plain-arithmetic subtraction equals Python's (a - b) mod 2**n, borrows included."""
    width, a = case
    b = data.draw(st.integers(0, 2**width - 1))
    difference, borrow = subtract_bits(to_bits(a, width), to_bits(b, width))
    assert from_bits(difference) == (a - b) % 2**width
    for t in range(width):  # borrow out of step t: the low t + 1 bits of a are below those of b
        low = 2 ** (t + 1)
        assert borrow[t] == ((a % low) < (b % low))
