"""The book's equations written out once more, in plain Python floats and loops, for tests to
compare the app and the core against. Nothing here calls rnn.model.

The net: h_0 = 0.1 for every unit; h_{t+1}[j] = sigmoid(a_t s0[0][j] + b_t s0[1][j]
+ sum_i h_t[i] sh[i][j]); out_t = sigmoid(sum_j h_{t+1}[j] s1[j][0]). The book's deltas:
layer_2_delta_t = (y_t - out_t) out_t (1 - out_t); from the last step back,
layer_1_delta_t[i] = (sum_j layer_1_delta_{t+1}[j] sh[i][j] + layer_2_delta_t s1[i][0])
h_{t+1}[i] (1 - h_{t+1}[i]). Updates add input x delta over the steps.
"""
import math


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def bits_of(value, width):
    """Bits of a non-negative integer, least significant first."""
    return [(value >> t) & 1 for t in range(width)]


def forward(s0, sh, s1, a, b, width):
    """Hidden states h_0..h_T (lists), outputs and targets for the problem a - b."""
    hidden_size = len(sh)
    a_bits, b_bits = bits_of(a, width), bits_of(b, width)
    target = bits_of((a - b) % 2**width, width)
    states = [[0.1] * hidden_size]
    outputs = []
    for t in range(width):
        previous = states[-1]
        state = [sigmoid(a_bits[t] * s0[0][j] + b_bits[t] * s0[1][j]
                         + sum(previous[i] * sh[i][j] for i in range(hidden_size)))
                 for j in range(hidden_size)]
        states.append(state)
        outputs.append(sigmoid(sum(state[j] * s1[j][0] for j in range(hidden_size))))
    return {"a": a_bits, "b": b_bits, "target": target, "hidden": states, "output": outputs}


def backward(sh, s1, run):
    """The book's deltas and updates for a forward `run`: output deltas (T), hidden deltas
    (T x H), and the updates of synapse_0, synapse_h, synapse_1 as nested lists."""
    hidden_size, width = len(sh), len(run["output"])
    output_delta = [(y - o) * o * (1 - o) for y, o in zip(run["target"], run["output"])]
    hidden_delta = [None] * width
    update_0 = [[0.0] * hidden_size for _ in range(2)]
    update_h = [[0.0] * hidden_size for _ in range(hidden_size)]
    update_1 = [[0.0] for _ in range(hidden_size)]
    future = [0.0] * hidden_size
    for t in reversed(range(width)):
        state, previous = run["hidden"][t + 1], run["hidden"][t]
        delta = [(sum(future[j] * sh[i][j] for j in range(hidden_size))
                  + output_delta[t] * s1[i][0]) * state[i] * (1 - state[i])
                 for i in range(hidden_size)]
        hidden_delta[t] = delta
        for i in range(hidden_size):
            update_1[i][0] += state[i] * output_delta[t]
            for j in range(hidden_size):
                update_h[i][j] += previous[i] * delta[j]
        for j in range(hidden_size):
            update_0[0][j] += run["a"][t] * delta[j]
            update_0[1][j] += run["b"][t] * delta[j]
        future = delta
    return {"output_delta": output_delta, "hidden_delta": hidden_delta,
            "synapse_0": update_0, "synapse_h": update_h, "synapse_1": update_1}


def overall_error(run):
    """The listing's overallError: the sum of |y - out| over the steps."""
    return sum(abs(y - o) for y, o in zip(run["target"], run["output"]))


def replayed(params, a, b, width):
    """Forward and backward of the book's equations for NumPy weights `params` (rnn Params)."""
    s0, sh, s1 = (params.synapse_0.tolist(), params.synapse_h.tolist(),
                  params.synapse_1.tolist())
    run = forward(s0, sh, s1, a, b, width)
    return run, backward(sh, s1, run)


def book_pass(params, a, b, width):
    """Everything of one pass in one dict: hidden, output, target, output_delta, hidden_delta
    and the three updates synapse_0, synapse_h, synapse_1."""
    run, back = replayed(params, a, b, width)
    return run | back


def book_loss(params, a, b, width):
    """The quantity training descends: 1/2 the sum of (y - out)^2 over the steps."""
    run, _ = replayed(params, a, b, width)
    return 0.5 * sum((y - o) ** 2 for y, o in zip(run["target"], run["output"]))


def loss_from_state(params, a, b, width, step, state, last_only=False):
    """The part of 1/2 sum (y_t - out_t)^2 that depends on the hidden state step `step` leaves
    (h_{step+1}), with that state set to `state`: the sum over the steps from `step` on, or the
    last step's term alone when `last_only`. For central differences with respect to a state."""
    s0, sh, s1 = (params.synapse_0.tolist(), params.synapse_h.tolist(),
                  params.synapse_1.tolist())
    hidden_size = len(sh)
    a_bits, b_bits = bits_of(a, width), bits_of(b, width)
    target = bits_of((a - b) % 2**width, width)
    outputs = {}
    current = list(state)
    for t in range(step, width):
        if t > step:
            current = [sigmoid(a_bits[t] * s0[0][j] + b_bits[t] * s0[1][j]
                               + sum(current[i] * sh[i][j] for i in range(hidden_size)))
                       for j in range(hidden_size)]
        outputs[t] = sigmoid(sum(current[j] * s1[j][0] for j in range(hidden_size)))
    steps = [width - 1] if last_only else range(step, width)
    return 0.5 * sum((target[t] - outputs[t]) ** 2 for t in steps)


def last_step_reach(params, a, b, width):
    """|dL_T/dh_{t+1}| for every step t, L_T = 1/2 (y_T - out_T)^2, by the chain rule written out:
    dL_T/dh_T[i] = -(y_T - out_T) out_T (1 - out_T) s1[i][0], then one step back
    dL_T/dh_t[i] = sum_j dL_T/dh_{t+1}[j] h_{t+1}[j] (1 - h_{t+1}[j]) sh[i][j]."""
    run, _ = replayed(params, a, b, width)
    sh, s1 = params.synapse_h.tolist(), params.synapse_1.tolist()
    hidden_size = len(sh)
    out, y = run["output"][-1], run["target"][-1]
    gradient = [-(y - out) * out * (1 - out) * s1[i][0] for i in range(hidden_size)]
    sizes = [0.0] * width
    for t in reversed(range(width)):
        sizes[t] = math.sqrt(sum(g * g for g in gradient))
        state = run["hidden"][t + 1]
        gradient = [sum(gradient[j] * state[j] * (1 - state[j]) * sh[i][j]
                        for j in range(hidden_size)) for i in range(hidden_size)]
    return sizes


def update_piece_sizes(params, a, b, width):
    """Per step, the size of its piece of the three updates: the square root of the sum of the
    squares of a_t delta_t[j], b_t delta_t[j], h_t[i] delta_t[j] and h_{t+1}[i] layer_2_delta_t,
    with the book's deltas."""
    run, back = replayed(params, a, b, width)
    sizes = []
    for t in range(width):
        delta, output_delta = back["hidden_delta"][t], back["output_delta"][t]
        total = sum((x * d) ** 2 for x in (run["a"][t], run["b"][t]) for d in delta)
        total += sum((h * d) ** 2 for h in run["hidden"][t] for d in delta)
        total += sum((h * output_delta) ** 2 for h in run["hidden"][t + 1])
        sizes.append(math.sqrt(total))
    return sizes
