"""The book's 2-H-1 recurrent network, one sample at a time, written to be read.

Names: the weights keep the book's names, synapse_0, synapse_h and synapse_1 (WEIGHT_NAMES);
the code says `hidden` for layer_1, `output` for layer_2, `output_delta` and `hidden_delta` for
layer_2_delta and layer_1_delta. Arrays are least significant bit first, so time step t reads bit t.

The network: h_0 = 0.1 everywhere; h_{t+1} = sigmoid(x_t @ synapse_0 + h_t @ synapse_h);
out_t = sigmoid(h_{t+1} @ synapse_1); no biases. Training minimises L = 1/2 * sum_t (y_t - out_t)^2;
the book's "updates" are the negative gradients -dL/dW, added to the weights times alpha.
"""
from dataclasses import dataclass

import numpy as np

INITIAL_HIDDEN = 0.1  # the listing's first layer_1_values entry
INIT_SCALE = 0.05  # initial weights are uniform in [-INIT_SCALE, INIT_SCALE)
WEIGHT_NAMES = ("synapse_0", "synapse_h", "synapse_1")  # the book's names, in Params' order


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_slope(output):
    """The sigmoid's derivative written with its output, as the book does: s * (1 - s)."""
    return output * (1 - output)


@dataclass
class Params:
    synapse_0: np.ndarray  # (2, H) input -> hidden
    synapse_h: np.ndarray  # (H, H) hidden -> hidden, the recurrence
    synapse_1: np.ndarray  # (H, 1) hidden -> output

    @property
    def hidden(self):
        return self.synapse_h.shape[0]

    def copy(self):
        return Params(self.synapse_0.copy(), self.synapse_h.copy(), self.synapse_1.copy())

    def as_dict(self):
        return {name: getattr(self, name) for name in WEIGHT_NAMES}


def init_params(hidden, random_state):
    """The listing's initialisation. Order matters for reproducing the book: synapse_0, then
    synapse_1, then synapse_h, each (2 * random - 1) * 0.05 drawn from the legacy RandomState."""
    def uniform(shape):
        return (2 * random_state.random_sample(shape) - 1) * INIT_SCALE
    synapse_0 = uniform((2, hidden))
    synapse_1 = uniform((hidden, 1))
    synapse_h = uniform((hidden, hidden))
    return Params(synapse_0, synapse_h, synapse_1)


@dataclass
class Trace:
    """Everything the forward pass computed for one sample; the backward pass reads only this."""
    inputs: np.ndarray  # (T, 2) (a_t, b_t) per step
    target: np.ndarray  # (T,) the true bits of a - b
    hidden: np.ndarray  # (T + 1, H) h_0 .. h_T, the book's layer_1_values
    output: np.ndarray  # (T,) probability that bit t is 1, the book's layer_2
    error: np.ndarray  # (T,) target - output, the book's layer_2_error

    @property
    def prediction(self):
        """Predicted bits (T,), the book's d."""
        return (self.output > 0.5).astype(np.uint8)  # as np.round: 0.5 goes to 0

    @property
    def overall_error(self):
        """The listing's overallError: sum over steps of |error|, added up step by step."""
        total = 0.0
        for value in np.abs(self.error):
            total += value
        return total

    @property
    def loss(self):
        """The quantity training descends: 1/2 * sum of squared errors."""
        return 0.5 * float(np.sum(self.error ** 2))


def forward(params, a_bits, b_bits, target_bits):
    """Run the net over one problem, least significant bit first, and keep every value."""
    inputs = np.stack([a_bits, b_bits], axis=1).astype(np.float64)  # (T, 2)
    target = np.asarray(target_bits, dtype=np.float64)  # (T,)
    steps = len(inputs)
    hidden = np.empty((steps + 1, params.hidden))  # (T + 1, H)
    hidden[0] = INITIAL_HIDDEN
    output = np.empty(steps)  # (T,)
    for t in range(steps):
        # the new hidden state mixes this step's two bits with the previous state (the borrow)
        hidden[t + 1] = sigmoid(inputs[t] @ params.synapse_0 + hidden[t] @ params.synapse_h)
        output[t] = sigmoid(hidden[t + 1] @ params.synapse_1)[0]
    return Trace(inputs, target, hidden, output, target - output)


@dataclass
class Backward:
    """What back-propagation through time returns for one sample."""
    synapse_0_update: np.ndarray  # (2, H) -dL/d synapse_0
    synapse_h_update: np.ndarray  # (H, H) -dL/d synapse_h
    synapse_1_update: np.ndarray  # (H, 1) -dL/d synapse_1
    output_delta: np.ndarray  # (T,) the book's layer_2_delta: error * output slope
    hidden_delta: np.ndarray  # (T, H) the book's layer_1_delta at each step
    from_future: np.ndarray  # (T, H) next step's hidden delta sent back through synapse_h
    from_output: np.ndarray  # (T, H) this step's output delta sent back through synapse_1
    slope: np.ndarray  # (T, H) sigmoid slope of the hidden state at each step

    def updates(self):
        return Params(self.synapse_0_update, self.synapse_h_update, self.synapse_1_update)


def backward(params, trace):
    """Back-propagation through time over a forward trace, last step first, as the listing does.

    hidden_delta[t] = (from_future[t] + from_output[t]) * slope[t], where from_future[t] is
    hidden_delta[t + 1] @ synapse_h.T (zero after the last step) and from_output[t] is
    output_delta[t] * synapse_1.T.
    """
    steps, hidden_size = len(trace.output), params.hidden
    output_delta = trace.error * sigmoid_slope(trace.output)  # (T,)
    slope = sigmoid_slope(trace.hidden[1:])  # (T, H)
    hidden_delta = np.zeros((steps, hidden_size))
    from_future = np.zeros((steps, hidden_size))
    from_output = np.zeros((steps, hidden_size))
    synapse_0_update = np.zeros_like(params.synapse_0)
    synapse_h_update = np.zeros_like(params.synapse_h)
    synapse_1_update = np.zeros_like(params.synapse_1)
    future = np.zeros(hidden_size)  # the listing's future_layer_1_delta
    for t in reversed(range(steps)):
        from_future[t] = future @ params.synapse_h.T
        from_output[t] = output_delta[t] * params.synapse_1[:, 0]
        hidden_delta[t] = (from_future[t] + from_output[t]) * slope[t]
        # each weight's update is (what fed into it) x (the delta it fed)
        synapse_1_update += np.outer(trace.hidden[t + 1], output_delta[t])
        synapse_h_update += np.outer(trace.hidden[t], hidden_delta[t])
        synapse_0_update += np.outer(trace.inputs[t], hidden_delta[t])
        future = hidden_delta[t]
    return Backward(synapse_0_update, synapse_h_update, synapse_1_update, output_delta,
                    hidden_delta, from_future, from_output, slope)


def sgd_step(params, updates, alpha):
    """The listing's update: each weight plus alpha times its summed update (in place)."""
    params.synapse_0 += updates.synapse_0_update * alpha
    params.synapse_h += updates.synapse_h_update * alpha
    params.synapse_1 += updates.synapse_1_update * alpha
