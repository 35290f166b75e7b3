"""Integers to bits and back, and subtraction with borrow done by plain arithmetic.

Inside the model every bit array is least significant bit first: index t is bit t, the bit the
network reads at time step t. The book prints numbers most significant bit first; `msb_first`
turns one into the other for display.

Widths from 1 to 64 bits work on NumPy integer arrays (vectorised); any width works on Python
integers, so 128- and 256-bit operands can be encoded for inference and evaluation.
"""
import numpy as np

MAX_ARRAY_WIDTH = 64  # widest integer that fits a NumPy uint64


def _check_width(width):
    if int(width) != width or width < 1:
        raise ValueError(f"width must be a positive integer, got {width!r}")
    return int(width)


def to_bits(values, width):
    """Encode integer(s) as bits, least significant first: shape values.shape + (width,), uint8.

    `values` is a Python int of any size (any width), or an integer array (width <= 64).
    Every value must satisfy 0 <= value < 2**width.
    """
    width = _check_width(width)
    if isinstance(values, (int, np.integer)):
        value = int(values)
        if not 0 <= value < (1 << width):
            raise ValueError(f"{value} does not fit in {width} unsigned bits")
        raw = np.frombuffer(value.to_bytes((width + 7) // 8, "little"), dtype=np.uint8)
        return np.unpackbits(raw, bitorder="little")[:width].copy()
    if width > MAX_ARRAY_WIDTH:
        return np.stack([to_bits(int(v), width) for v in np.asarray(values, dtype=object).ravel()]
                        ).reshape(np.shape(values) + (width,))
    array = np.asarray(values)
    if array.dtype.kind not in "iu":
        raise ValueError("values must be integers")
    if array.size and (array.min() < 0 or (width < 64 and array.max() >= (1 << width))):
        raise ValueError(f"values must lie in [0, 2**{width})")
    shifts = np.arange(width, dtype=np.uint64)
    return ((array.astype(np.uint64)[..., None] >> shifts) & np.uint64(1)).astype(np.uint8)


def from_bits(bits):
    """Decode bits (least significant first, last axis) to integers.

    One bit vector gives a Python int of any width. A batch gives a uint64 array when the width is
    at most 64 bits, else an object array of Python ints.
    """
    bits = np.asarray(bits, dtype=np.uint8)
    width = bits.shape[-1]
    if bits.ndim == 1:
        return int.from_bytes(np.packbits(bits, bitorder="little").tobytes(), "little")
    if width <= MAX_ARRAY_WIDTH:
        weights = np.uint64(1) << np.arange(width, dtype=np.uint64)
        return (bits.astype(np.uint64) * weights).sum(axis=-1, dtype=np.uint64)
    flat = bits.reshape(-1, width)
    decoded = np.empty(len(flat), dtype=object)
    decoded[:] = [from_bits(row) for row in flat]
    return decoded.reshape(bits.shape[:-1])


def msb_first(bits):
    """The same bits most significant first, as the book prints them."""
    return np.asarray(bits)[..., ::-1]


def subtract_bits(a_bits, b_bits):
    """a - b column by column, as taught at school, vectorised over leading axes.

    Returns (difference bits, borrow bits), both least significant first. borrow[..., t] is 1 when
    step t had to borrow from bit t + 1: exactly what the network's hidden state must carry. When
    a < b the last borrow is dropped, so the difference is (a - b) mod 2**width.
    """
    a_bits = np.asarray(a_bits, dtype=np.int8)
    b_bits = np.asarray(b_bits, dtype=np.int8)
    difference = np.empty(np.broadcast_shapes(a_bits.shape, b_bits.shape), dtype=np.uint8)
    borrow = np.empty_like(difference)
    carried = np.zeros(difference.shape[:-1], dtype=np.int8)
    for t in range(difference.shape[-1]):
        column = a_bits[..., t] - b_bits[..., t] - carried  # in {-2, -1, 0, 1}
        carried = (column < 0).astype(np.int8)
        difference[..., t] = column & 1
        borrow[..., t] = carried
    return difference, borrow
