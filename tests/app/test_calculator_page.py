import re

import numpy as np
import pytest

from rnn import TrainConfig
from rnn.bits import from_bits
from rnn.evaluate import random_operands
from tests.app.charts import chart_rows
from tests.reference import replayed
from ui.computing import service


@pytest.fixture
def calc(open_page):
    return lambda query=None: open_page("calculator", query)


def metrics(at):
    """The answer's figures: metrics up to 32 bits, written-out lines above (bold label: value)."""
    figures = {m.label: m.value for m in at.metric}
    for block in at.markdown:
        for line in block.value.split("  \n"):
            if line.startswith("**") and ":** " in line:
                label, value = line[2:].split(":** ", 1)
                figures[label] = value
    return figures


def bit_rows(at):
    """The bit grids' cells as {row label: bit string, most significant first} (a grid shows up
    to 16 bits; wider numbers take several, one under the other)."""
    grids = [c for c in at.get("vega_lite_chart") if "bit" in chart_rows(c)[0]
             and "row" in chart_rows(c)[0]]
    rows = {}
    for grid in grids:
        for cell in sorted(chart_rows(grid), key=lambda v: -v["bit"]):
            rows[cell["row"]] = rows.get(cell["row"], "") + str(cell["value"])
    return rows


def book_params():
    return service().models.get(TrainConfig()).params


def net_bits(a, b, width):
    """The net's bits for a - b by the book's equations written out (most significant first)."""
    run, _ = replayed(book_params(), a, b, width)
    return "".join("1" if out > 0.5 else "0" for out in reversed(run["output"]))


def test_default_problem(calc):
    """200 − 57: the rows are the bits of a, b and 143, and the net's bits as the book's equations
    give them; the metrics and the verdict agree with those bits."""
    at = calc()
    net = net_bits(200, 57, 8)
    wrong = sum(x != y for x, y in zip(net, "10001111"))
    assert bit_rows(at) == {"a = 200": "11001000", "b = 57": "00111001",
                            "true bits": "10001111", "net's bits": net}
    assert metrics(at) == {"Net's answer": f"{int(net, 2):,}", "True answer": "143",
                           "Wrong bits": str(wrong)}
    if wrong:
        assert at.error[0].value.startswith(f"{wrong} of 8 bits are wrong")
    else:
        assert at.success[0].value == "Exactly right: 200 − 57 = 143"


@pytest.mark.parametrize("hidden", [16, 2])
def test_how_sure_the_net_is_is_said_and_drawn_when_opened(calc, hidden):
    """The page says of how many bits of 200 − 57 the net is sure (a probability above 90 % or
    below 10 %, counted here from the book's equations: the book's net, and a 2-unit net that is
    unsure of some); folded, neither the chart of each bit's probability nor the table is drawn;
    opened, the chart's bars and the table hold the book's equations' output, highest bit
    first."""
    at = calc({"hidden": str(hidden)})
    run, _ = replayed(service().models.get(TrainConfig(hidden=hidden)).params, 200, 57, 8)
    output = list(reversed(run["output"]))  # highest bit first
    sure = sum(abs(p - 0.5) > 0.4 for p in output)
    said = f"The net is sure (a probability above 90 % or below 10 %) of {sure} of the 8 bits"
    assert [c.value for c in at.caption if c.value.startswith(said)]
    assert len(at.dataframe) == 0 and len(at.get("vega_lite_chart")) == 1  # the bits alone
    at.session_state["calc_table"] = True  # the visitor opens the section
    at.run()
    bars = sorted(chart_rows(at.get("vega_lite_chart")[1]), key=lambda row: -row["bit"])
    assert np.allclose([row["p"] for row in bars], output, atol=1e-9)
    shown = at.dataframe[0].value
    assert list(shown["bit"]) == list(range(7, -1, -1))
    assert np.allclose(shown["probability of 1"], output, atol=1e-6)


def test_narrow_widths_get_a_scaled_default_problem(calc):
    """At 4 bits the default problem is 200 − 57 scaled down, 12 − 3 (borrows included), not
    both operands clamped to 15."""
    at = calc({"bits": "4", "iterations": "3000"})
    assert at.number_input(key="calc_a_4").value == 12
    assert at.number_input(key="calc_b_4").value == 3
    assert metrics(at)["True answer"] == "9"


def test_typed_operands(calc):
    """Typing new operands answers at once."""
    at = calc()
    at.number_input(key="calc_a_8").set_value(128).run()
    at.number_input(key="calc_b_8").set_value(1).run()
    assert metrics(at)["Net's answer"] == f"{int(net_bits(128, 1, 8), 2):,}"
    assert metrics(at)["True answer"] == "127" and not at.exception


@pytest.mark.parametrize("lang, said", [("en", "300 does not fit in 8 bits (0 to 255)"),
                                         ("zh", "300 超出了 8 位能表示的范围(0 到 255)")])
def test_a_number_out_of_range_is_said_and_nothing_disagrees_with_the_box(calc, lang, said):
    """300 typed into an 8-bit box (and -1): the page says so in its language and draws no
    answer, instead of answering for the last number that fitted; a fitting one answers again."""
    at = calc({"lang": lang})
    for typed in (300, -1):
        at.number_input(key="calc_a_8").set_value(typed).run()
        assert not at.exception and not at.metric and not at.get("vega_lite_chart")
        assert [e.value.startswith(said.replace("300", str(typed))) for e in at.error] == [True]
    at.number_input(key="calc_a_8").set_value(128).run()
    assert not at.error and int(at.metric[1].value.replace(",", "")) == 128 - 57  # true answer


def test_a_smaller_than_b_is_explained(calc):
    """57 − 200: the true answer shown is −143; the page says it is below zero and that an 8-bit
    net wraps around to 113, with no green "exactly right"; the bits are compared with 113."""
    at = calc()
    at.number_input(key="calc_a_8").set_value(57).run()
    at.number_input(key="calc_b_8").set_value(200).run()
    assert not at.exception and not at.success
    assert metrics(at)["True answer"] == "-143"
    assert bit_rows(at)["wrapped answer"] == f"{(57 - 200) % 256:08b}"
    text = at.info[0].value
    assert "57 − 200 is below zero: the true answer is -143" in text
    assert "= 113" in text and "wraps around" in text
    assert any("two's complement of -143" in c.value for c in at.caption)


def test_wide_operands_in_a_text_box(calc):
    """64-bit operands go into text boxes; the net's answer is what the book's equations give at
    64 steps."""
    at = calc()
    at.toggle(key="calc_wide").set_value(True).run()
    at.slider(key="calc_width_8").set_value(64).run()
    a, b = 18_446_744_073_709_551_615, 12_345_678_901_234_567_890
    at.text_input(key="calc_a_64").input(str(a)).run()
    at.text_input(key="calc_b_64").input(str(b)).run()
    assert not at.exception
    net = net_bits(a, b, 64)
    assert metrics(at)["Net's answer"] == f"{int(net, 2):,}"
    assert metrics(at)["True answer"] == f"{a - b:,}"
    assert metrics(at)["Wrong bits"] == str(sum(x != y for x, y in zip(net, f"{a - b:064b}")))


@pytest.mark.parametrize("text, message", [
    ("12abc", "` 12abc ` is not a whole number."),
    ("-5", "` -5 ` does not fit in 40 bits (0 to 1,099,511,627,775)."),
    ("2" * 30, "does not fit in 40 bits"),
    ("9" * 5000, "does not fit in 40 bits"),
    ("0x" + "f" * 11, "does not fit in 40 bits"),
    ("0b2", "is not a whole number"),
    ("", "is not a whole number"),
], ids=["letters", "negative", "too-big", "5000-nines", "hex-too-big", "bad-binary", "empty"])
def test_bad_text_gets_a_message(calc, text, message):
    """Text that is not a fitting whole number gets a message, and the page goes on."""
    at = calc()
    at.toggle(key="calc_wide").set_value(True).run()
    at.slider(key="calc_width_8").set_value(40).run()
    at.text_input(key="calc_a_40").input(text).run()
    assert not at.exception
    assert message in at.error[0].value


def test_random_problems_score(calc):
    """Twenty random problems, scored as the book's equations answer them."""
    at = calc()
    at.button(key="calc_random").click().run()
    a_bits, b_bits = random_operands(8, 20, np.random.default_rng(1))
    pairs = [(int(from_bits(x)), int(from_bits(y))) for x, y in zip(a_bits, b_bits)]
    right = sum(int(net_bits(a, b, 8), 2) == a - b for a, b in pairs)
    assert metrics(at)["Exactly right"] == f"{right} / 20"
    table = at.dataframe[-1].value
    assert [(int(x), int(y)) for x, y in zip(table["a"], table["b"])] == pairs


def test_chinese_calculator(calc):
    """The calculator speaks Chinese too."""
    at = calc({"lang": "zh"})
    assert at.title[0].value == "减法计算器"
    assert metrics(at)["正确答案"] == "143"


def test_the_width_follows_the_sidebar(calc):
    """With the calculator open at 8 bits, a new training width in the sidebar moves the
    calculator to that width."""
    at = calc()
    at.sidebar.slider(key="bits").set_value(10).run()
    assert not at.exception
    assert at.number_input(key="calc_a_10").value == 200
    assert "trained on 10-bit problems only" in " ".join(m.value for m in at.markdown)


def test_typed_numbers_in_other_bases(calc):
    """0x and 0b prefixes and underscores are read as a person means them."""
    at = calc()
    at.toggle(key="calc_wide").set_value(True).run()
    at.slider(key="calc_width_8").set_value(40).run()
    at.text_input(key="calc_a_40").input("0xFF_FF").run()
    at.text_input(key="calc_b_40").input("0b1010").run()
    assert not at.exception and not at.error
    assert metrics(at)["True answer"] == f"{0xFFFF - 0b1010:,}"


def test_the_visitors_numbers_survive_going_wider(calc):
    """a and b chosen at 8 bits stay when "Try longer numbers" widens the problem to 16 bits (they
    used to fall back to 200 − 57)."""
    at = calc()
    at.number_input(key="calc_a_8").set_value(100).run()
    at.number_input(key="calc_b_8").set_value(1).run()
    at.toggle(key="calc_wide").set_value(True).run()
    assert at.number_input(key="calc_a_16").value == 100
    assert at.number_input(key="calc_b_16").value == 1


def test_the_allowed_range_is_said(calc):
    """The page says which numbers a and b may be, in the visitor's language, for the width."""
    at = calc()
    assert any("whole numbers from 0 to 255 (8 bits)" in c.value for c in at.caption)
    wide = calc({"lang": "zh"})
    assert any("0 到 255 之间的整数" in c.value for c in wide.caption)


def test_the_upload_is_folded_away_below_the_page(calc):
    """A newcomer first sees the problem, not Streamlit's English file uploader: it sits inside
    the "advanced" expander at the end of the page, drawn once the visitor opens it (and kept
    open across a page switch)."""
    at = calc()
    expander = at.expander[-1]
    assert expander.label == "Advanced: use your own weights file"
    assert len(expander.get("file_uploader")) == 0  # folded: not drawn
    assert at.main.children  # the problem is drawn above it
    at.session_state["calc_upload_box"] = True  # the visitor opens it
    at.run()
    assert len(at.expander[-1].get("file_uploader")) == 1
    assert at.session_state["calc_upload_box_open"]


def test_operating_on_the_net_is_drawn_when_opened(calc):
    """Folded, "Operate on the net" draws none of its controls (16 pills, a toggle, a button)
    and the net is the trained one; opened, its pills are there, and an operation chosen keeps
    them drawn even when the visitor folds the section again (the choice is not lost)."""
    at = calc()
    operate = next(e for e in at.expander if e.label.startswith("Operate on the net"))
    assert not operate.get("button_group") and not operate.get("button")
    at.session_state["op_box_calc"] = True
    at.run()
    at.pills(key="op_off_16").set_value([11]).run()
    at.session_state["op_box_calc"] = False  # folded again, the operation on
    at.run()
    assert at.pills(key="op_off_16").value == [11]
    assert any(w.value.startswith("Operated net") for w in at.warning)


def test_a_link_opens_its_problem_and_keeps_it(calc):
    """?a=150&b=20 opens 150 − 20 (the boxes, the grid and the answer agree); the link keeps a and
    b as the visitor types, and drops one that is back at its default."""
    at = calc({"a": "150", "b": "20"})
    assert at.number_input(key="calc_a_8").value == 150
    assert bit_rows(at)["true bits"] == format(130, "08b")
    assert metrics(at)["True answer"] == "130" and not at.warning
    assert (at.query_params["a"], at.query_params["b"]) == ("150", "20")
    at.number_input(key="calc_b_8").set_value(57).run()
    assert at.query_params["a"] == "150" and "b" not in at.query_params


@pytest.mark.parametrize("query, shown", [
    ({"a": "300"}, "300"), ({"a": "-5"}, "-5"), ({"a": "12abc"}, "12abc"),
    ({"a": ["9", "10"]}, "9, 10")])
def test_a_bad_link_operand_gets_a_notice_and_its_default(calc, query, shown):
    """An a that is not an 8-bit number: a notice in the page's language names it and the range,
    the box, the grid and the answer all use the default, and the link no longer holds it."""
    at = calc(query)
    assert at.warning[0].value == (f"The link's a=` {shown} ` is not a number from 0 to 255, "
                                   "so it was not used: the box starts from its default.")
    assert at.number_input(key="calc_a_8").value == 200
    assert bit_rows(at)["a = 200"] == "11001000" and metrics(at)["True answer"] == "143"
    assert "a" not in at.query_params
    zh = calc({**query, "lang": "zh"})
    assert zh.warning[0].value.startswith(f"链接里的 a=` {shown} ` 不是 0 到 255 之间的数")


def test_each_wrong_bit_opens_the_walk_there_which_says_where_the_borrow_went(calc, open_page):
    """A 2-unit net (which has not learned) gets 200 − 57 wrong: the calculator links each wrong
    bit (found here by the book's equations written out) to the backprop walk of that problem at
    that bit's step, settings kept; there the sentence says whether a borrow was lost or made up,
    as Python's own arithmetic gives the borrow into that bit."""
    at = calc({"hidden": "2"})
    params = service().models.get(TrainConfig(hidden=2)).params
    run, _ = replayed(params, 200, 57, 8)
    wrong = [k for k, out in enumerate(run["output"]) if int(out > 0.5) != (143 >> k) & 1]
    assert wrong, "the 2-unit net was expected to get 200 - 57 wrong"
    text = next(m.value for m in at.markdown if m.value.startswith("Why wrong?"))
    links = re.findall(r"\[bit (\d+)\]\(([^)]*)\)", text)
    assert sorted(int(bit) for bit, _ in links) == wrong
    for bit, link in links:
        assert link == f"./backprop?hidden=2&a=200&b=57&step={int(bit) + 1}"
    for bit in wrong:
        page = open_page("backprop", {"hidden": "2", "a": "200", "b": "57",
                                      "step": str(bit + 1)})
        sentence = next(i.value for i in page.info if i.value.startswith(f"Bit {bit}:"))
        borrow_in = (200 % 2**bit) < (57 % 2**bit)
        assert ("this bit had to pay back a borrow" in sentence) == borrow_in
        assert ("no borrow was pending here" in sentence or "bit 0 has no bit below" in sentence) \
            == (not borrow_in)


def test_an_operated_net_answers_as_the_same_edit_by_hand(calc, open_page):
    """Units 3 and 11 switched off: the net's bits are those of the book's equations written out
    on the weights edited by hand in NumPy, the sentence gives the accuracy of the net with those
    units' states held at 0 (rnn.evaluate's keep mask), and Reset gives the trained net back."""
    from rnn.evaluate import predict_bits
    from rnn.model import Params
    at = calc()
    at.session_state["op_box_calc"] = True  # the visitor opens "Operate on the net"
    at.run()
    at.pills(key="op_off_16").set_value([3, 11]).run()
    assert not at.exception
    params = book_params()
    by_hand = Params(params.synapse_0, params.synapse_h.copy(), params.synapse_1.copy())
    by_hand.synapse_h[[3, 11], :] = 0
    by_hand.synapse_1[[3, 11], :] = 0
    run, _ = replayed(by_hand, 200, 57, 8)
    assert bit_rows(at)["net's bits"] == "".join(str(int(o > 0.5)) for o in run["output"][::-1])
    a, b = np.tril_indices(256)
    a_bits, b_bits = (a[:, None] >> np.arange(8)) & 1, (b[:, None] >> np.arange(8)) & 1
    keep = np.ones(16)
    keep[[3, 11]] = 0
    right = (predict_bits(params, a_bits, b_bits, keep) == ((a - b)[:, None] >> np.arange(8)) & 1)
    said = next(w.value for w in at.warning if w.value.startswith("Operated net"))
    assert f"it gets {right.all(axis=1).mean():.1%} of all problems right" in said
    at.button(key="op_reset").click().run()
    assert not any(w.value.startswith("Operated net") for w in at.warning)
    assert bit_rows(at)["net's bits"] == net_bits(200, 57, 8)
