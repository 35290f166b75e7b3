import numpy as np
import pytest

from rnn.data import draw_problems, draw_problems_one_by_one


@pytest.mark.parametrize("bits", [2, 5, 8, 16])
@pytest.mark.parametrize("sampling", ["book", "fixed"])
def test_bulk_draws_equal_the_listing_calls(bits, sampling):
    """Drawing in bulk gives the very problems of the listing's randint calls, in order."""
    bulk = draw_problems(np.random.RandomState(3), 500, bits, sampling)
    calls = draw_problems_one_by_one(np.random.RandomState(3), 500, bits, sampling)
    np.testing.assert_array_equal(bulk, calls)


def test_stream_continues_across_chunks():
    """Two chunks in a row are the same as one chunk of their total length."""
    random_state = np.random.RandomState(0)
    first, second = (draw_problems(random_state, n, 8) for n in (300, 700))
    whole = draw_problems(np.random.RandomState(0), 1000, 8)
    np.testing.assert_array_equal(np.concatenate([first, second], axis=1), whole)


def test_book_quirk_and_fixed_swap():
    """book: a < b becomes a - a; fixed: a real swap; both keep a >= b."""
    book = draw_problems(np.random.RandomState(1), 5000, 8, "book")
    fixed = draw_problems(np.random.RandomState(1), 5000, 8, "fixed")
    for a, b in (book, fixed):
        assert (a >= b).all()
    quirk = book[0] == book[1]
    assert quirk.sum() > 0 and (fixed[0][quirk] != fixed[1][quirk]).any()
    assert (book[0] == fixed[1])[quirk].all()  # the quirk keeps a, which was the smaller one
