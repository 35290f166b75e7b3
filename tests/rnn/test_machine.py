"""The machine read from a net's hidden states: replayed here in plain Python (no NumPy), against
the net run in plain Python and against Python's own a - b."""
import math

import numpy as np
import pytest

from rnn import TrainConfig, train
from rnn.machine import NONE, extract, minimal, true_machine

from .handmade import subtractor


def python_net(params, a, b, bits):
    """The net's answer bits to a - b, lowest first, in plain Python floats."""
    s0, sh, s1 = (m.tolist() for m in (params.synapse_0, params.synapse_h, params.synapse_1))
    hidden = len(sh)
    h, bits_out = [0.1] * hidden, []
    for t in range(bits):
        x = ((a >> t) & 1, (b >> t) & 1)
        h = [sigmoid(x[0] * s0[0][j] + x[1] * s0[1][j] + sum(h[i] * sh[i][j]
                                                               for i in range(hidden)))
             for j in range(hidden)]
        bits_out.append(int(sigmoid(sum(h[j] * s1[j][0] for j in range(hidden))) > 0.5))
    return bits_out


def sigmoid(z):
    return 1 / (1 + math.exp(-z)) if z > -700 else 0.0


def python_replay(machine, a, b, bits):
    """The bits the machine writes for a - b, walking its tables one bit at a time."""
    state, written = machine.start, []
    for t in range(bits):
        code = ((a >> t) & 1) + 2 * ((b >> t) & 1)
        written.append(int(machine.output[state][code]))
        if machine.next[state][code] != NONE:
            state = int(machine.next[state][code])
    return written


def true_bits(a, b, bits):
    return [((a - b) % 2**bits >> t) & 1 for t in range(bits)]


@pytest.mark.parametrize("params, bits", [
    (subtractor(), 4),
    (train(TrainConfig(hidden=4, bits=4, iterations=3000)).params, 4),
    (train(TrainConfig(hidden=3, bits=5, iterations=400, seed=2)).params, 5),
], ids=["hand-built", "small-trained", "undertrained"])
def test_agreement_is_what_a_plain_python_replay_counts(params, bits):
    """The shares the machine reports are the share of every pair a >= b on which walking its
    tables gives the net's answer (the net run in plain Python) and a - b."""
    machine = extract(params, bits)
    pairs = [(a, b) for a in range(2**bits) for b in range(a + 1)]
    replayed = [python_replay(machine, a, b, bits) for a, b in pairs]
    net = [python_net(params, a, b, bits) for a, b in pairs]
    assert machine.pairs == len(pairs)
    assert machine.agree_net == pytest.approx(np.mean([r == n for r, n in zip(replayed, net)]))
    assert machine.agree_rule == pytest.approx(
        np.mean([r == true_bits(a, b, bits) for r, (a, b) in zip(replayed, pairs)]))


def test_the_hand_built_subtractor_is_the_borrow_machine():
    """The exact subtractor's machine has two states, one reached only by borrowing steps, and
    moves and writes as school subtraction's borrow machine does."""
    machine = extract(subtractor(), 8)
    assert machine.agree_net == machine.agree_rule == 1.0 and len(machine.next) == 2
    borrow_state = int(np.argmax(machine.borrow))
    assert machine.borrow[borrow_state] == 1.0 and machine.borrow[1 - borrow_state] == 0.0
    assert machine.start == 1 - borrow_state  # it starts with no borrow
    true_next, true_output = true_machine()
    rename = {1 - borrow_state: 0, borrow_state: 1}
    for state in (0, 1):
        assert [rename[int(s)] for s in machine.next[state]] == true_next[rename[state]].tolist()
        assert machine.output[state].tolist() == true_output[rename[state]].tolist()


def test_the_true_machine_subtracts():
    """The two-state borrow machine, walked bit by bit, writes (a - b) mod 2^n for every pair."""
    next_state, output = true_machine()
    for a in range(32):
        for b in range(32):
            state, written = 0, []
            for t in range(5):
                code = ((a >> t) & 1) + 2 * ((b >> t) & 1)
                written.append(int(output[state][code]))
                state = int(next_state[state][code])
            assert written == true_bits(a, b, 5)


def test_states_that_behave_alike_are_merged():
    """Three states where 0 and 1 write and move alike (to each other or to 2), and a start that
    behaves as 0: two states remain, the start last."""
    next_state = np.array([[1, 2, 0, 0], [0, 2, 1, 1], [2, 2, 2, 2], [0, 2, 1, 0]])
    output = np.array([[0, 1, 1, 0], [0, 1, 1, 0], [1, 1, 1, 1], [0, 1, 1, 0]])
    merged_next, merged_output, index = minimal(next_state, output, 3)
    assert len(merged_next) == 2 and index[0] == index[1] == index[3] == 1 and index[2] == 0
    assert merged_next.tolist() == [[0, 0, 0, 0], [1, 0, 1, 1]]
    assert merged_output.tolist() == [[1, 1, 1, 1], [0, 1, 1, 0]]
