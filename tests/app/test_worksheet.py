"""ui/worksheet.py: the printable worksheet's numbers are those of rnn's forward pass on the
problem, blank on the worksheet and filled in on the answer key, in both languages."""
import re

import numpy as np
import pytest

from rnn.bits import subtract_bits, to_bits
from rnn.blame import walk
from rnn.model import forward, init_params
from ui import worksheet
from ui.i18n import speaking

A, B, BITS = 200, 57, 8


def net(hidden):
    """A net with outputs away from 0.5 (random weights, made large)."""
    params = init_params(hidden, np.random.RandomState(5))
    for name in ("synapse_0", "synapse_h", "synapse_1"):
        setattr(params, name, getattr(params, name) * 60)
    return params


def reference(params):
    """rnn.model.forward on A - B, and the output delta written out: (y - out) out (1 - out)."""
    a_bits, b_bits = to_bits(A, BITS), to_bits(B, BITS)
    trace = forward(params, a_bits, b_bits, subtract_bits(a_bits, b_bits)[0])
    deltas = [(y - o) * o * (1 - o) for y, o in zip(trace.target, trace.output)]
    return trace, deltas


@pytest.mark.parametrize("hidden", [16, 20], ids=["16 units", "20 units"])
def test_the_numbers_are_those_of_the_forward_pass(hidden):
    params = net(hidden)
    sheet = worksheet.numbers(walk(params, A, B, BITS, 0.9))
    trace, deltas = reference(params)
    assert [int(bit) for bit in sheet.target] == [((A - B) >> t) & 1 for t in range(BITS)]
    np.testing.assert_allclose(sheet.output, trace.output, rtol=1e-12)
    np.testing.assert_allclose(sheet.hidden, trace.hidden[1:, :worksheet.MAX_UNITS], rtol=1e-12)
    np.testing.assert_allclose(sheet.output_delta, deltas, rtol=1e-9)
    assert list(sheet.written) == [int(o > 0.5) for o in trace.output]
    assert sheet.units == hidden and sheet.hidden.shape == (BITS, min(hidden, 16))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_worksheet_is_blank_and_its_key_filled(lang):
    """Each output, hidden value and delta, as the key prints it, is in the answer key and not
    in the worksheet before it; the key is the section that prints on a page of its own."""
    params = net(16)
    trace, deltas = reference(params)
    with speaking(lang):
        page = worksheet.build(walk(params, A, B, BITS, 0.9), 1234)
    blank, key = page.split('<section class="key">')
    assert ".key { break-before: page; }" in page
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in page
    printed = ([f"{o:.4f}" for o in trace.output]
               + [f"{h:.3f}" for h in trace.hidden[1:, :3].ravel()])
    for number in printed:
        assert number in key
        assert f"<td>{number}</td>" not in blank
    assert blank.count('<td class="blank">') == BITS * (3 + 16 + 3)
    cells = re.search(r"<th>layer_2_delta</th>(.*?)</tr>", key)[1]
    assert "e" not in cells  # written out, as by hand
    written = [float(cell) for cell in re.findall(r"<td>([^<]*)</td>", cells)]
    np.testing.assert_allclose(written, deltas[::-1], rtol=1e-3)  # 4 digits, the highest first
    assert ("练习单" if lang == "zh" else "Worksheet") in blank
