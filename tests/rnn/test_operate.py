"""Operating on a net: the edits against the same edits made by hand in NumPy and against the
`keep` mask, and training on against the readable per-sample path."""
import numpy as np

from rnn import TrainConfig, train
from rnn.evaluate import predict_proba, score_width
from rnn.model import Params
from rnn.operate import edited, train_on
from rnn.training import Point, advance

from .test_machine import python_net

BOOK = TrainConfig()


def book():
    return train(BOOK).params


def test_switching_units_off_is_cutting_their_rows_and_is_the_keep_mask():
    """Units 3 and 11 off: the edited net has exactly their rows of synapse_h and synapse_1 at 0
    and every other weight as trained, and it answers every 8-bit pair as the net with those
    units' states multiplied by 0 at every step (rnn.evaluate's keep)."""
    params = book()
    off = edited(params, off=(3, 11))
    by_hand = Params(params.synapse_0.copy(), params.synapse_h.copy(), params.synapse_1.copy())
    by_hand.synapse_h[[3, 11], :] = 0
    by_hand.synapse_1[[3, 11], :] = 0
    for name in ("synapse_0", "synapse_h", "synapse_1"):
        np.testing.assert_array_equal(getattr(off, name), getattr(by_hand, name))
    a, b = np.tril_indices(256)
    a_bits = (a[:, None] >> np.arange(8)) & 1
    b_bits = (b[:, None] >> np.arange(8)) & 1
    keep = np.ones(16)
    keep[[3, 11]] = 0
    np.testing.assert_array_equal(predict_proba(off, a_bits, b_bits) > 0.5,
                                  predict_proba(params, a_bits, b_bits, keep=keep) > 0.5)
    assert params.synapse_h[3, 0] != 0  # the trained net itself is left as it was


def test_setting_one_weight_changes_that_weight_only_and_the_answers_follow():
    """synapse_1[5, 0] = 7: one weight differs from the trained net, and the edited net's answer
    to 200 - 57 is the plain-Python forward pass of the hand-edited weights."""
    params = book()
    changed = edited(params, weight=("synapse_1", 5, 0, 7.0))
    assert changed.synapse_1[5, 0] == 7.0
    assert (changed.synapse_1 != params.synapse_1).sum() == 1
    by_hand = Params(params.synapse_0, params.synapse_h, params.synapse_1.copy())
    by_hand.synapse_1[5, 0] = 7.0
    proba = predict_proba(changed, (200 >> np.arange(8)) & 1, (57 >> np.arange(8)) & 1)[0]
    assert [int(p > 0.5) for p in proba] == python_net(by_hand, 200, 57, 8)


def test_training_on_starts_from_the_edited_net_and_is_the_listings_sgd():
    """Training on from a net with unit 11 off: its first point is that net's accuracy, and its
    last weights are those the readable per-sample path (rnn.model's forward, backward and SGD
    step) reaches from the same weights on the same random stream, to rounding."""
    damaged = edited(book(), off=(11,))
    on = train_on(BOOK, damaged, 400, seed=7)
    assert on.iterations[0] == 0 and on.iterations[-1] == 400 and len(on.errors) == 400
    assert on.accuracy[0] == score_width(damaged, 8).accuracy
    readable = advance(TrainConfig(iterations=400), Point(
        0, damaged, np.random.RandomState(7).get_state(), "running"), 400, path="readable")
    for name in ("synapse_0", "synapse_h", "synapse_1"):
        np.testing.assert_allclose(getattr(on.params, name), getattr(readable.end.params, name),
                                   rtol=1e-9, atol=1e-12)
    assert on.accuracy[-1] == score_width(readable.end.params, 8).accuracy
