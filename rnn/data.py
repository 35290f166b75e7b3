"""The listing's training problems, drawn from its random stream in its order.

Per iteration the listing calls `randint(2**bits)` for a, then `randint(2**(bits - 1))` for b. With
a power-of-two range, the legacy RandomState answers each call with one 32-bit word of its
Mersenne Twister masked to the range, so drawing the words in bulk and masking them gives the very
same numbers, much faster (checked against the calls in the tests).

The listing's "swap" when a < b sets b = a and keeps a, so that problem becomes a - a = 0:
`sampling="book"` keeps this quirk (it reproduces the book); `sampling="fixed"` swaps for real.
"""
import numpy as np


def draw_problems(random_state, count, bits, sampling="book"):
    """The next `count` training problems: (a, b) int64 arrays with a >= b."""
    words = random_state.randint(0, 2**32, size=2 * count, dtype=np.uint32).astype(np.int64)
    a = words[0::2] & (2**bits - 1)
    b = words[1::2] & (2 ** (bits - 1) - 1)
    smaller = a < b
    if sampling == "book":
        b = np.where(smaller, a, b)
    else:
        a, b = np.where(smaller, b, a), np.where(smaller, a, b)
    return a, b


def draw_problems_one_by_one(random_state, count, bits, sampling="book"):
    """The same problems drawn exactly as the listing does, call by call (slow; for tests)."""
    pairs = []
    for _ in range(count):
        a = random_state.randint(2**bits)
        b = random_state.randint(2**bits / 2)
        if a < b:
            a, b = (a, a) if sampling == "book" else (b, a)
        pairs.append((a, b))
    a, b = np.array(pairs, dtype=np.int64).reshape(-1, 2).T
    return a, b
