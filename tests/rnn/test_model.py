import numpy as np
import pytest

from rnn.bits import subtract_bits, to_bits
from rnn.gradcheck import THRESHOLD, gradient_check
from rnn.model import INITIAL_HIDDEN, backward, forward, init_params


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def problem(a, b, bits=8):
    a_bits, b_bits = to_bits(a, bits), to_bits(b, bits)
    return a_bits, b_bits, subtract_bits(a_bits, b_bits)[0]


@pytest.fixture
def params():
    """Weights big enough that every gradient matters (the book starts at +-0.05)."""
    return _scaled(7, 40.0)


def _scaled(seed, factor):
    p = init_params(16, np.random.RandomState(seed))
    for w in (p.synapse_0, p.synapse_h, p.synapse_1):
        w *= factor
    return p


def test_init_matches_the_listing_order():
    """Seed 0 gives the listing's starting weights: synapse_0, then synapse_1, then synapse_h."""
    rs = np.random.RandomState(0)
    synapse_0 = (2 * rs.random((2, 16)) - 1) * 0.05
    synapse_1 = (2 * rs.random((16, 1)) - 1) * 0.05
    synapse_h = (2 * rs.random((16, 16)) - 1) * 0.05
    p = init_params(16, np.random.RandomState(0))
    np.testing.assert_array_equal(p.synapse_0, synapse_0)
    np.testing.assert_array_equal(p.synapse_1, synapse_1)
    np.testing.assert_array_equal(p.synapse_h, synapse_h)


def test_forward_trace_shapes_and_first_state(params):
    """The trace holds h_0..h_T with h_0 = 0.1, one output and error per step."""
    trace = forward(params, *problem(200, 57))
    assert trace.hidden.shape == (9, 16) and trace.output.shape == (8,)
    assert (trace.hidden[0] == INITIAL_HIDDEN).all()
    np.testing.assert_allclose(trace.error, trace.target - trace.output)


def test_forward_recurrence_by_hand(params):
    """Each hidden state is sigmoid(x_t @ synapse_0 + h_t @ synapse_h), written out again."""
    a_bits, b_bits, c_bits = problem(128, 1)
    trace = forward(params, a_bits, b_bits, c_bits)
    h = np.full(16, 0.1)
    for t in range(8):
        h = sigmoid(a_bits[t] * params.synapse_0[0] + b_bits[t] * params.synapse_0[1]
                    + h @ params.synapse_h)
        np.testing.assert_allclose(trace.hidden[t + 1], h, rtol=1e-13)
        np.testing.assert_allclose(trace.output[t], sigmoid(h @ params.synapse_1[:, 0]),
                                   rtol=1e-13)


def test_hidden_delta_is_its_two_parts_times_the_slope(params):
    """layer_1_delta[t] = (future delta @ synapse_h.T + layer_2_delta[t] * synapse_1.T) * slope."""
    trace = forward(params, *problem(128, 1))
    back = backward(params, trace)
    for t in range(8):
        future = back.hidden_delta[t + 1] if t < 7 else np.zeros(16)
        np.testing.assert_allclose(back.from_future[t], future @ params.synapse_h.T)
        np.testing.assert_allclose(back.from_output[t],
                                   back.output_delta[t] * params.synapse_1[:, 0])
        slope = trace.hidden[t + 1] * (1 - trace.hidden[t + 1])
        np.testing.assert_allclose(back.hidden_delta[t],
                                   (back.from_future[t] + back.from_output[t]) * slope)
    np.testing.assert_allclose(back.output_delta,
                               trace.error * trace.output * (1 - trace.output))


def test_overall_error_is_the_listing_sum(params):
    """overallError is the sum of |error| over the steps."""
    trace = forward(params, *problem(77, 30))
    assert trace.overall_error == pytest.approx(np.abs(trace.error).sum(), rel=1e-15)


@pytest.mark.parametrize("a, b", [(128, 1), (200, 57), (255, 0), (3, 250)], ids=str)
def test_gradient_check(params, a, b):
    """Back-propagation through time agrees with central differences (relative error < 1e-7)."""
    check = gradient_check(params, *problem(a, b))
    assert check.relative_error < THRESHOLD
    assert check.passed


def test_gradient_check_catches_a_wrong_gradient(params, monkeypatch):
    """A gradient check that could not fail would prove nothing: break BPTT, see it fail."""
    import rnn.gradcheck as gradcheck
    real = gradcheck.backward

    def broken(p, trace):
        result = real(p, trace)
        result.synapse_h_update *= 1.01
        return result
    monkeypatch.setattr(gradcheck, "backward", broken)
    assert not gradient_check(params, *problem(128, 1)).passed
