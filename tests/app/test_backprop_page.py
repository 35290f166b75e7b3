"""The backprop page, its numbers checked against the book's equations written out in
tests/reference.py (not rnn.model, which the page uses): first the view for newcomers (the
written subtraction walked forward and back, the question, the hand calculation, the reach of the
last bit's error, the time-lapse), then the experts' matrices behind their expander."""
import math
import re

import numpy as np
import pytest

from rnn import TrainConfig, train
from tests.app.charts import chart_rows, chart_spec
from tests.app.charts import chart_titled as chart
from tests.reference import book_pass, last_step_reach, overall_error, replayed, update_piece_sizes
from ui import charts
from ui import picture as walk_picture
from ui.computing import service
from ui.models import from_weights

STEPS = 8
FRAMES = 2 * STEPS + 2  # forward, the question, backward, the update


@pytest.fixture
def page(open_page):
    return lambda query=None: open_page("backprop", query)


@pytest.fixture
def experts(page):
    """The page with the experts' expander open."""
    def load(query=None):
        at = page(query)
        at.session_state["bp_expert"] = True
        return at.run()
    return load


def titled(at, title, subtitle):
    """The Altair chart on the page with this title and subtitle."""
    return next(c for c in at.get("vega_lite_chart")
                if chart_spec(c).get("title") == {"text": title, "subtitle": subtitle})


def book_params():
    return service().models.get(TrainConfig()).params


def book_run():
    return service().models.get(TrainConfig()).result


def grid(rows, shape):
    """A heatmap's cells back into a (columns, rows) array: column c, row r."""
    values = np.full(shape, np.nan)
    for row in rows:
        values[row["c"], row["r"]] = row["value"]
    return values


def where(at):
    """The walk's position line, e.g. 'Step 4 of 18: forward, bit 3'."""
    return next(m.value.strip("*") for m in at.markdown if re.match(r"\*\*(Step|第)", m.value))


def picture(at):
    """The picture's columns: {step: {data attribute: value}} (numbers as floats)."""
    svg = next(m.value for m in at.markdown if "<svg" in m.value)
    columns = {}
    for attributes in re.findall(r'<g class="bs-column" ([^>]*)>', svg):
        data = {name: float(value) for name, value in re.findall(r'data-([a-z-]+)="([^"]*)"',
                                                                 attributes)}
        columns[int(data["step"])] = data
    return columns


def press(at, key, times=1):
    for _ in range(times):
        at.button(key=key).click().run()
        assert not at.exception
    return at


def blame_sizes(params, a, b, width):
    """Per step, the sizes of the own part (layer_2_delta_t * synapse_1), the later part
    (layer_1_delta_{t+1} @ synapse_hᵀ) and their sum, from the book's equations."""
    book = book_pass(params, a, b, width)
    sh, s1 = params.synapse_h.tolist(), params.synapse_1.tolist()
    hidden = len(sh)
    own, later, total = [], [], []
    for t in range(width):
        o = [book["output_delta"][t] * s1[i][0] for i in range(hidden)]
        f = [sum(book["hidden_delta"][t + 1][j] * sh[i][j] for j in range(hidden))
             if t < width - 1 else 0.0 for i in range(hidden)]
        own.append(math.sqrt(sum(v * v for v in o)))
        later.append(math.sqrt(sum(v * v for v in f)))
        total.append(math.sqrt(sum((x + y) ** 2 for x, y in zip(o, f))))
    return own, later, total


def test_the_view_comes_first_and_the_experts_are_one_click_away(page):
    """A newcomer meets the picture first; the experts' heatmaps and the gradient check are not
    drawn until their expander is opened; the weights upload sits in the last expander."""
    at = page()
    assert at.header[0].value == "1. Watch it subtract, then watch the error travel back"
    assert where(at) == f"Step 1 of {FRAMES}: forward, bit 0"
    assert not at.success  # no gradient check yet
    titles = [c.proto.spec for c in at.get("vega_lite_chart")]
    assert not any("Hidden delta layer_1_delta" in spec for spec in titles)
    labels = [e.label for e in at.expander]
    assert labels[-1] == "Advanced: use your own weights file"
    assert not at.get("file_uploader")  # drawn once opened
    at.session_state["bp_upload_box"] = True
    at.run()
    assert at.get("file_uploader")
    at.session_state["bp_expert"] = True
    at.run()
    assert "Passed" in at.success[0].value
    chart(at, "Hidden delta layer_1_delta (one column per step)")


def test_default_problem_has_a_long_borrow_chain(experts):
    """128 − 1 by default: the true-borrow row shows a borrow at every step but the last (by
    hand: 0 − 1 borrows at bits 0 to 6, and bit 7 pays it back)."""
    at = experts()
    rows = chart_rows(chart(at, "Inputs, borrow and output per step"), layer=0)
    borrow = [r["value"] for r in sorted(rows, key=lambda r: r["c"])
              if r["row"] == "true borrow out"]
    assert borrow == [1, 1, 1, 1, 1, 1, 1, 0]
    assert "Passed" in at.success[0].value


def test_hidden_deltas_are_the_books_equations(experts):
    """The hidden-delta heatmap holds layer_1_delta for 128 − 1 as the book's equations give it,
    computed here in plain Python from the same weights."""
    at = experts()
    _, back = replayed(book_params(), 128, 1, 8)
    rows = chart_rows(chart(at, "Hidden delta layer_1_delta (one column per step)"), layer=0)
    np.testing.assert_allclose(grid(rows, (8, 16)), np.array(back["hidden_delta"]),
                               rtol=1e-9, atol=1e-15)


def test_steppers_move_the_highlight_and_the_parts(experts):
    """Moving the experts' steppers moves the outlined column and the text; the parts of step
    2's hidden delta are the next delta sent back through synapse_h and the output delta through
    synapse_1, as written out here."""
    at = experts()
    at.select_slider(key="bp_step_forward_8").set_value(3).run()
    at.select_slider(key="bp_step_backward_8").set_value(2).run()
    assert not at.exception
    assert any(i.value.startswith("Step 3: reads a=0, b=0") for i in at.info)
    frame = chart_rows(chart(at, "Hidden delta layer_1_delta (one column per step)"), layer=1)
    assert frame == [{"column": "2", "c": 2}]
    params = book_params()
    _, back = replayed(params, 128, 1, 8)
    sh, s1 = params.synapse_h.tolist(), params.synapse_1.tolist()
    future = [sum(back["hidden_delta"][3][j] * sh[i][j] for j in range(16)) for i in range(16)]
    from_output = [back["output_delta"][2] * s1[i][0] for i in range(16)]
    parts = chart_rows(chart(at, "Step 2: two parts added"), layer=0)
    shown = {(p["row"], p["c"]): p["value"] for p in parts}
    for i in range(16):
        assert shown["next delta · synapse_hᵀ", i] == pytest.approx(future[i], abs=1e-15)
        assert shown["layer_2_delta · synapse_1ᵀ", i] == pytest.approx(from_output[i], abs=1e-15)
        assert shown["their sum", i] == pytest.approx(future[i] + from_output[i], abs=1e-15)


def test_snapshot_at_the_start(experts):
    """At iteration 0 the net is its random start: the error shown is the book's overallError of
    the start weights for 128 − 1, and the gradient check still passes."""
    at = experts()
    slider = next(s for s in at.select_slider if s.key.startswith("bp_snapshot"))
    slider.set_value(0).run()
    assert not at.exception
    start = book_run().snapshots[0]
    run, _ = replayed(start, 128, 1, 8)
    assert float(at.metric[0].value) == pytest.approx(overall_error(run), abs=5e-5)
    assert "Passed" in at.success[0].value


def test_another_problem_and_the_random_button(page):
    """Typing another problem or drawing a random one redraws the page without error."""
    at = page()
    at.number_input(key="bp_a_8").set_value(200).run()
    at.number_input(key="bp_b_8").set_value(57).run()
    assert not at.exception
    assert any(c.value.startswith("Problem 200 − 57 = 143") for c in at.caption)
    at.button(key="bp_random").click().run()
    assert not at.exception


def test_a_link_opens_its_problem(page):
    """?a=200&b=57 opens the walk on 200 − 57 (the issue's link opened 128 − 1); a typed problem
    goes into the link; a = 300 (not 8 bits) is refused with a notice in the page's language and
    the default problem is walked."""
    at = page({"a": "200", "b": "57"})
    assert not at.exception and not at.warning
    assert any(c.value.startswith("Problem 200 − 57 = 143") for c in at.caption)
    at.number_input(key="bp_b_8").set_value(100).run()
    assert (at.query_params["a"], at.query_params["b"]) == ("200", "100")
    at = page({"a": "300", "b": "57", "lang": "zh"})
    assert at.warning[0].value.startswith("链接里的 a=` 300 ` 不是 0 到 255 之间的数")
    assert at.number_input(key="bp_a_8").value == 128 and "a" not in at.query_params
    assert at.number_input(key="bp_b_8").value == 57


def test_step_buttons_walk_forward_and_back_without_play(page):
    """Next, Back and Start again move the walk one frame at a time (kept within its ends),
    each frame saying where it is; the picture shows the bits computed so far."""
    at = page()
    press(at, "bs_back")
    assert where(at) == f"Step 1 of {FRAMES}: forward, bit 0"
    press(at, "bs_next", 3)
    assert where(at) == f"Step 4 of {FRAMES}: forward, bit 3"
    assert sorted(s for s, c in picture(at).items() if "out" in c) == [0, 1, 2, 3]
    press(at, "bs_back")
    assert where(at) == f"Step 3 of {FRAMES}: forward, bit 2"
    press(at, "bs_restart")
    assert where(at) == f"Step 1 of {FRAMES}: forward, bit 0"


def test_the_backward_walk_starts_after_the_forward_one_at_the_highest_bit(page):
    """After the forward walk (bits 0 to 7) comes the question, then the backward walk from bit 7
    down, each frame showing the blame of the bits walked back so far; the walk ends with the
    update and stays there."""
    at = page()
    press(at, "bs_next", STEPS - 1)
    assert where(at) == f"Step {STEPS} of {FRAMES}: forward, bit 7"
    press(at, "bs_next")
    assert where(at) == f"Step {STEPS + 1} of {FRAMES}: your prediction"
    press(at, "bs_next")
    assert where(at) == f"Step {STEPS + 2} of {FRAMES}: backward, bit 7"
    assert [s for s, c in picture(at).items() if "blame" in c] == [7]
    press(at, "bs_next")
    assert where(at) == f"Step {STEPS + 3} of {FRAMES}: backward, bit 6"
    assert sorted(s for s, c in picture(at).items() if "blame" in c) == [6, 7]
    press(at, "bs_next", STEPS)
    assert where(at) == f"Step {FRAMES} of {FRAMES}: the weights change"


def test_play_and_pause_set_the_walk_playing_and_stopped(page):
    """Play starts the walk where it is (the ticks themselves run in a browser, see
    tests/e2e/test_backprop_view.py); Pause stops it there; a step button stops it too."""
    at = page()
    press(at, "bs_next", 2)
    press(at, "bs_play")
    assert at.session_state["bs_playing"] is True
    assert at.button(key="bs_play").label == "Pause"
    assert where(at) == f"Step 3 of {FRAMES}: forward, bit 2"
    press(at, "bs_play")
    assert at.session_state["bs_playing"] is False
    assert at.button(key="bs_play").label == "Play"
    press(at, "bs_play")
    press(at, "bs_next")
    assert at.session_state["bs_playing"] is False


def test_forward_sentences_say_what_the_net_did(page):
    """Each forward step's sentence names the column's case and what the net wrote, right or
    wrong and how sure, from the book's equations; at iteration 0 the untrained net's outputs
    near 1/2 are called unsure."""
    params = book_run().snapshots[0]
    at = page()
    slider = next(s for s in at.select_slider if s.key.startswith("bp_snapshot"))
    slider.set_value(0).run()
    run = book_pass(params, 128, 1, 8)
    cases = {0: "0 − 1 cannot be done without borrowing", 1: "Both bits are 0 but a borrow is "
             "pending", 7: "1 − 0, and the pending borrow takes the 1"}
    for step in range(8):
        sentence = at.info[0].value
        out, y = run["output"][step], run["target"][step]
        bit = int(out > 0.5)
        sure = out if bit else 1 - out
        verdict = "right ✓" if bit == y else "wrong ✗"
        assert sentence.startswith(f"Bit {step}: {cases.get(step, 'Both bits are 0')}")
        assert f"The net writes {bit}, {verdict}" in sentence
        assert f"{sure:.1%}" in sentence and sure < 0.9 and "only" in sentence
        press(at, "bs_next")


def test_the_pictures_numbers_are_the_books_equations(page):
    """At the update frame every column shows its output, its blame (own part, later part,
    total, share) and its share of the update as the book's equations give them."""
    at = page()
    press(at, "bs_next", FRAMES - 1)
    params = book_params()
    run = book_pass(params, 128, 1, 8)
    own, later, total = blame_sizes(params, 128, 1, 8)
    sizes = update_piece_sizes(params, 128, 1, 8)
    columns = picture(at)
    assert sorted(columns) == list(range(8))
    for step, column in columns.items():
        assert column["out"] == pytest.approx(run["output"][step], rel=1e-12)
        assert column["own"] == pytest.approx(own[step], rel=1e-9)
        assert column["later"] == pytest.approx(later[step], rel=1e-9, abs=1e-300)
        assert column["blame"] == pytest.approx(total[step], rel=1e-9)
        assert column["share"] == pytest.approx(total[step] / sum(total), rel=1e-9)
        assert column["update-share"] == pytest.approx(sizes[step] / sum(sizes), rel=1e-9)
        assert column["borrow-in"] == (step > 0)


def test_the_update_sentence_names_the_weights_that_move_most(page):
    """The update frame names, for each matrix, the weight with the largest plain-Python update,
    which way alpha times it moves the weight, and the error before and after one step."""
    at = page()
    press(at, "bs_next", FRAMES - 1)
    book = book_pass(book_params(), 128, 1, 8)
    sentence = at.info[0].value
    described = {"synapse_0": "from input {source} to neuron {unit}",
                 "synapse_h": "from neuron {source} (the memory of the bit before) to neuron "
                              "{unit}", "synapse_1": "from neuron {source} to the output"}
    for name, words in described.items():
        update = np.array(book[name])
        source, unit = np.unravel_index(np.argmax(np.abs(update)), update.shape)
        change = 0.9 * update[source, unit]
        source = "ab"[source] if name == "synapse_0" else source
        direction = f"up ↑ by {change:.2g}" if change > 0 else f"down ↓ by {-change:.2g}"
        assert words.format(source=source, unit=unit) + ", " + direction in sentence
    assert f"goes from {overall_error(book):.4f} to" in sentence


def go_to_question(at):
    press(at, "bs_next", STEPS)
    assert where(at).endswith("your prediction")
    return at


def test_the_question_accepts_the_most_blamed_bit_and_refuses_another(page):
    """The bit with the largest blame (from the book's equations) is accepted with its share;
    another bit is refused, naming the right one and the share of the chosen one."""
    at = go_to_question(page())
    _, _, total = blame_sizes(book_params(), 128, 1, 8)
    best = int(np.argmax(total))
    wrong = (best + 3) % 8
    at.radio(key=next(w.key for w in at.radio if w.key.startswith("bs_answer"))).set_value(
        best).run()
    assert at.info[0].value.startswith(f"Right ✓: bit {best} gets the most blame, "
                                       f"{total[best] / sum(total):.0%} of it. Why:")
    at.radio(key=next(w.key for w in at.radio if w.key.startswith("bs_answer"))).set_value(
        wrong).run()
    assert at.warning[0].value.startswith(
        f"Not this time ✗: bit {best} gets the most blame ({total[best] / sum(total):.0%}); bit "
        f"{wrong} gets {total[wrong] / sum(total):.0%}.")


def hand_step(params, a, b, width):
    """The step the hand calculation asks for: the largest output delta in size, and that
    delta, (y - out) out (1 - out) from the book's equations."""
    run = book_pass(params, a, b, width)
    deltas = [(y - o) * o * (1 - o) for y, o in zip(run["target"], run["output"])]
    step = max(range(width), key=lambda t: abs(deltas[t]))
    return step, deltas[step]


@pytest.mark.parametrize("typed, verdict", [
    ("exact", "Right ✓"), ("0.995 exact", "Right ✓"), ("1.02 exact", "more than 1 % away"),
    ("-1 exact", "has the wrong sign"), ("abc", "is not a number"),
    ("comma", "Right ✓")], ids=str)
def test_the_hand_calculation_checks_within_one_percent(page, typed, verdict):
    """The typed output delta is accepted within 1 % of the book's (y − out) out (1 − out) for
    the step shown, refused beyond, with the sign or the size named; text that is no number is
    said to be so."""
    at = page()
    step, delta = hand_step(book_params(), 128, 1, 8)
    assert f"Take bit {step}," in next(m.value for m in at.markdown if "Take bit" in m.value)
    text = {"exact": repr(delta), "0.995 exact": repr(0.995 * delta),
            "1.02 exact": repr(1.02 * delta), "-1 exact": repr(-delta), "abc": "abc",
            "comma": f"{delta:.8f}".replace(".", ",")}[typed]
    field = next(w for w in at.text_input if w.key.startswith("bs_hand"))
    field.input(text).run()
    assert not at.exception
    shown = [a.value for a in (*at.info, *at.warning) if verdict in a.value]
    assert shown, [a.value for a in (*at.info, *at.warning)]
    if verdict == "Right ✓":
        assert any(m.value.startswith("layer_2_delta = (y − out) × out × (1 − out)")
                   for m in at.markdown)


@pytest.mark.parametrize("width", [8, 32], ids=["8 bits", "32 bits"])
def test_the_reach_of_the_last_bit_at_two_snapshots(page, width):
    """The reach chart holds |dL_T/dh| of the highest bit's error at every bit for 2^(n-1) − 1,
    at the first snapshot and at the end of training, as the chain rule written out in plain
    Python gives it; its text and the sentences follow from those numbers."""
    at = page()
    if width != 8:
        next(w for w in at.segmented_control if w.key.startswith("bs_reach")).set_value(
            width).run()
    top = 2 ** (width - 1)
    rows = chart_rows(titled(at, f"Strength of bit {width - 1}'s error at each bit",
                             f"{top:,} − 1, log scale"))
    run = book_run()
    for name, params in (("start of training (iteration 0)", run.snapshots[0]),
                         ("end of training (iteration 10,000)", run.params)):
        expected = last_step_reach(params, top, 1, width)
        drawn = sorted((r["step"], r["value"]) for r in rows if r["net"] == name)
        kept = [(s, v) for s, v in enumerate(expected) if v > 0]
        assert [s for s, _ in drawn] == [s for s, _ in kept]
        np.testing.assert_allclose([v for _, v in drawn], [v for _, v in kept], rtol=1e-9)
        left = expected[0] / expected[-1]
        caption = next(c.value for c in at.caption if "arrives at bit 0" in c.value)
        assert f"{name}: the error of bit {width - 1} arrives at bit 0 with {left:.2g}" in caption
        fade = (expected[-1] / expected[0]) ** (1 / (width - 1))
        assert f"{name}: the error fades by about {fade:.3g}×" in "".join(
            m.value for m in at.markdown)


def test_the_rule_sentence_follows_the_32_bit_numbers(page):
    """The sentence on the learned rule gives the share of the insight page's 500 random 32-bit
    pairs that the book's equations, run here in plain Python, get exactly right, and whether
    they get 2^31 − 1 right."""
    from rnn.evaluate import random_operands
    from tests.reference import forward
    at = page()
    params = book_params()
    s0, sh, s1 = (params.synapse_0.tolist(), params.synapse_h.tolist(),
                  params.synapse_1.tolist())

    def right(a, b):
        run = forward(s0, sh, s1, a, b, 32)
        return all((o > 0.5) == bool(y) for o, y in zip(run["output"], run["target"]))
    a_bits, b_bits = random_operands(32, 500, np.random.default_rng(32))
    weights = 2 ** np.arange(32)
    share = np.mean([right(int(a @ weights), int(b @ weights)) for a, b in zip(a_bits, b_bits)])
    verdict = "right ✓" if right(2**31, 1) else "wrong ✗"
    text = "".join(m.value for m in at.markdown)
    assert f"it gets {share:.0%} of random 32-bit problems right" in text
    assert f"and at 32 bits it answers 2,147,483,648 − 1 {verdict}." in text


def test_the_time_lapse_is_the_books_equations_at_every_snapshot(page):
    """The time-lapse of 128 − 1 holds, at each snapshot, each bit's share of the update from the
    plain-Python pieces (checked at every 20th snapshot), and marks each bit where it became
    right for good by the plain-Python outputs."""
    at = page()
    run = book_run()
    lapse = titled(at, "Each bit's share of the update", "128 − 1, at each snapshot of training")
    cells = chart_rows(lapse, layer=0)
    share = {(r["from"], r["bit"]): r["share"] for r in cells}
    right = []
    for index, (iteration, params) in enumerate(zip(run.snapshot_iterations, run.snapshots)):
        book = book_pass(params, 128, 1, 8)
        right.append([(o > 0.5) == bool(y) for o, y in zip(book["output"], book["target"])])
        if index % 20 == 0:
            sizes = update_piece_sizes(params, 128, 1, 8)
            for bit in range(8):
                assert share[int(iteration), bit] == pytest.approx(sizes[bit] / sum(sizes),
                                                                   rel=1e-9)
    marks = {r["bit"]: r for r in chart_rows(lapse, layer=1)}
    for bit in range(8):
        column = [r[bit] for r in right]
        stays = [all(column[i:]) for i in range(len(column))]
        if stays[-1]:
            first = run.snapshot_iterations[stays.index(True)]
            assert marks[bit]["mark"] == "✓" and marks[bit]["at"] == first
        else:
            assert marks[bit]["mark"] == "✗"


def test_uploaded_weights_have_no_history_to_replay(page_of):
    """Weights from a file: the walk and the hand calculation work on them; the reach shows
    their one line; the time-lapse says plainly that there is nothing to replay."""
    net = train(TrainConfig(iterations=3000, hidden=6, seed=2)).params
    at = page_of("backprop", from_weights(net, TrainConfig(hidden=6)))
    assert not at.exception
    assert any("uploaded weights come without their training" in i.value for i in at.info)
    rows = chart_rows(titled(at, "Strength of bit 7's error at each bit", "128 − 1, log scale"))
    assert {r["net"] for r in rows} == {"your uploaded weights"}
    assert any("with no start of training to compare it with" in i.value for i in at.info)
    np.testing.assert_allclose(sorted((r["step"], r["value"]) for r in rows),
                               list(enumerate(last_step_reach(net, 128, 1, 8))), rtol=1e-9)


@pytest.mark.parametrize("config", [TrainConfig(bits=2, hidden=1, iterations=300),
                                    TrainConfig(bits=16, hidden=3, iterations=300)],
                         ids=["2 bits, 1 unit", "16 bits, 3 units"])
def test_the_narrowest_and_the_widest_nets(page_of, config):
    """At 2 bits with 1 hidden unit and at 16 bits, the walk goes from its first frame to its
    last, and the reach and the time-lapse are drawn for the net's own width."""
    from ui.models import Model
    at = page_of("backprop", Model(train(config), None))
    frames = 2 * config.bits + 2
    assert where(at) == f"Step 1 of {frames}: forward, bit 0"
    press(at, "bs_next", frames - 1)
    assert where(at) == f"Step {frames} of {frames}: the weights change"
    assert sorted(picture(at)) == list(range(config.bits))
    top = 2 ** (config.bits - 1)
    last = config.bits - 1
    titled(at, f"Strength of bit {last}'s error at each bit", f"{top:,} − 1, log scale")
    titled(at, "Each bit's share of the update", f"{top} − 1, at each snapshot of training")


def test_chinese_backprop(page):
    """The page speaks Chinese, the walk's sentences and the experts' check included."""
    at = page({"lang": "zh"})
    assert at.title[0].value == "观察反向传播"
    assert at.header[0].value == "1. 看它做减法,再看误差往回传"
    assert where(at) == f"第 1 / {FRAMES} 步:正向,第 0 位"
    assert at.info[0].value.startswith("第 0 位:0 − 1 不够减")
    at.session_state["bp_expert"] = True
    at.run()
    assert at.success[0].value.startswith("通过")


def test_the_visitors_choices_survive_a_page_switch(open_page):
    """The problem, the snapshot and the experts' steppers are where the visitor left them after
    a visit to another page (the steppers used to go back to step 0)."""
    from tests.app.conftest import switch_to
    at = open_page("backprop")
    at.number_input(key="bp_a_8").set_value(200).run()
    at.session_state["bp_expert"] = True
    at.run()
    at.select_slider(key="bp_step_forward_8").set_value(5).run()
    switch_to(at, "calculator").run()
    switch_to(at, "backprop").run()
    assert at.number_input(key="bp_a_8").value == 200
    assert at.select_slider(key="bp_step_forward_8").value == 5


def relative_luminance(colour):
    """WCAG 2's relative luminance of a #rrggbb colour."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one, other):
    light, dark = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("phase", [walk_picture.FORWARD, walk_picture.QUESTION,
                                   walk_picture.BACKWARD, walk_picture.UPDATE])
def test_every_text_of_the_picture_is_readable_on_any_of_its_backgrounds(phase):
    """WCAG AA for normal text (4.5:1) for every text of the walk's picture, against each light
    fill it may sit on (the page, the current column, a right or a wrong answer's box): a class
    reads it off a projector, a student off a phone, where it is drawn small."""
    from rnn.blame import walk
    net = train(TrainConfig(seed=3, hidden=4, iterations=600))  # a half-trained net: right and
    walked = walk(net.params, 200, 57, 8, 0.9)  # wrong bits both
    assert not (walked.shown.trace.prediction == walked.shown.trace.target).all()
    svg = walk_picture.subtraction_picture(walked, phase, 3, "alt")
    fills = re.findall(r'<text [^>]*fill="(#[0-9a-f]{6})"', svg)
    assert len(fills) > 8 * 4
    backgrounds = ["#ffffff", "#eaf2fb", charts.RIGHT_LIGHT, charts.WRONG_LIGHT]
    for fill in set(fills):
        worst = min(contrast(fill, background) for background in backgrounds)
        assert worst >= 4.5, (fill, round(worst, 2))


@pytest.mark.parametrize("scale", [0.0, 1e-300], ids=["zero", "underflowing"])
def test_a_net_whose_numbers_underflow_says_so_and_never_nan(page_of, scale):
    """Uploaded weights so small that the last bit's error reaches back as exactly 0: the page
    says no error travels back, and no sentence, caption or chart text says "nan"."""
    from rnn.model import Params
    hidden = 4
    net = Params(np.full((2, hidden), scale), np.full((hidden, hidden), scale),
                 np.full((hidden, 1), scale))
    at = page_of("backprop", from_weights(net, TrainConfig(hidden=hidden)))
    assert not at.exception
    texts = [e.value for kind in ("markdown", "caption", "info") for e in at.get(kind)]
    assert not [text for text in texts if re.search(r"\bnan\b", text, re.IGNORECASE)]
    assert any("so nothing travels back to fade or grow" in text for text in texts)


@pytest.mark.parametrize("sizes, chosen, right, start", [
    ([0.1300, 0.1349, 0.7351], 0, True,
     "Right ✓: bit 0 and bit 1 get about the same blame, 13% each"),
    ([0.1200, 0.1349, 0.7451], 0, False, "Not this time ✗: bit 1 gets the most blame (13%); bit 0 "
                                         "gets 12%."),
    ([0.1349, 0.1349, 0.7302], 0, True, "Right ✓: bit 1 gets the most blame, 13% of it."),
])
def test_a_guess_that_ties_as_written_is_right(sizes, chosen, right, start):
    """The question is over bits 0 and 1 here (bit 2 is not offered): a guess whose share is the
    most's as the sentence writes it (13 % and 13 %) is right and said to tie; 12 % against 13 %
    is wrong; an exact tie is right."""
    from types import SimpleNamespace

    from ui.i18n import speaking
    from ui.walk import question_verdict
    size = np.array(sizes)
    blame = SimpleNamespace(size=size, share=size / size.sum(), own_part=np.array([0.9] * 3))
    trace = SimpleNamespace(output=np.array([0.2, 0.3, 0.4]), target=np.array([1, 1, 1]))
    walked = SimpleNamespace(blame=blame, shown=SimpleNamespace(trace=trace), most_blamed=1)
    with speaking("en"):
        verdict = question_verdict(walked, chosen)
    assert verdict[0] is right and verdict[1].startswith(start), verdict[1]


def test_a_link_opens_its_moment_and_the_walk_writes_it_back(page):
    """?a=200&b=57&step=10&at=5000 opens that problem at step 10 with the net of iteration
    5,000; a step forward puts step=11 in the link; the link shown to copy carries all of it."""
    page()  # the book's net, trained
    iterations = book_run().snapshot_iterations.tolist()
    middle = iterations[len(iterations) // 2]
    at = page({"a": "200", "b": "57", "step": "10", "at": str(middle)})
    assert not at.exception and not at.warning
    assert where(at) == f"Step 10 of {FRAMES}: backward, bit 7"
    assert any(c.value.startswith(f"Problem 200 − 57 = 143 (the net after iteration {middle:,}")
               for c in at.caption)
    press(at, "bs_next")
    assert (at.query_params["step"], at.query_params["at"]) == ("11", str(middle))
    link = next(c.value for c in at.code)
    assert link.endswith("/backprop?a=200&b=57&step=11&at=" + str(middle))


@pytest.mark.parametrize("lang, query, said, frame", [
    ("en", {"step": "99"}, "The link's step=` 99 ` is not a step of the walk (1 to 18)", 1),
    ("zh", {"step": "x"}, "链接里的 step=` x ` 不是这次演示的步骤(1 到 18)", 1),
    ("en", {"at": "-5", "step": "3"}, "The link's at=` -5 ` is not an iteration of this run", 3),
    ("en", {"at": "5001"}, "is not one of the moments this run kept: the nearest, iteration", 1),
])
def test_a_bad_moment_in_a_link_gets_a_notice_and_a_default(page, lang, query, said, frame):
    """A step outside 1..18 or not a number, and an at that is no iteration, are dropped from the
    link with a notice in the page's language; an at between two kept moments gives the nearest
    (computed here from the run's kept iterations)."""
    at = page({"lang": lang, **query})
    assert not at.exception
    assert said in " ".join(w.value for w in at.warning)
    assert re.search(rf"(Step|第) {frame} ", where(at))
    if query.get("at") == "5001":
        iterations = book_run().snapshot_iterations.tolist()
        nearest = min(iterations, key=lambda i: abs(i - 5001))
        assert at.query_params["at"] == str(nearest) or nearest == iterations[-1]
    elif "at" in query:
        assert "at" not in at.query_params
    if query.get("step") in ("99", "x"):
        assert "step" not in at.query_params


def test_below_zero_and_the_top_bits_borrow_are_said(page):
    """9 − 23 at 8 bits: the page says it is below zero and that the net writes -14 + 256 = 242;
    the top bit's column, where 0 − 0 still owes a borrow (Python's own arithmetic: 9 - 23 borrows
    out of bit 7), says the borrow is dropped instead of going to a next bit."""
    at = page({"a": "9", "b": "23"})
    assert any(i.value.startswith("9 − 23 is below zero (-14)") and "-14 + 256 = 242" in i.value
               for i in at.info)
    assert (9 - 23) % 256 == 242 and 9 < 23  # the top bit must borrow: the answer wraps
    press(at, "bs_next", 7)
    assert where(at) == f"Step 8 of {FRAMES}: forward, bit 7"
    sentence = next(i.value for i in at.info if i.value.startswith("Bit 7:"))
    assert "this is the highest bit: it is dropped" in sentence and "next bit." not in sentence


def test_the_words_on_the_page_are_explained(page):
    """The glossary names every technical word of the walk, in both languages."""
    for lang, words in (("en", ["sigmoid", "gradient", "layer_2_delta", "−dL/dz", "1e-13",
                                "neuron", "borrow in / borrow out"]),
                        ("zh", ["sigmoid", "梯度", "layer_2_delta", "−dL/dz", "1e-13", "神经元",
                                "借位输入 / 借位输出"])):
        text = " ".join(m.value for m in page({"lang": lang}).markdown)
        assert all(word in text for word in words), lang


def test_a_number_out_of_range_is_said_and_nothing_is_walked(page):
    """300 typed as a on an 8-bit net: a message in the page's language and no walk, instead of
    a walk of the last number that fitted."""
    at = page({"lang": "zh"})
    at.number_input(key="bp_a_8").set_value(300).run()
    assert not at.exception
    assert at.error[0].value.startswith("300 超出了 8 位能表示的范围(0 到 255)")
    assert not any(re.match(r"\*\*(Step|第)", m.value) for m in at.markdown)
    at.number_input(key="bp_a_8").set_value(200).run()
    assert not at.error and re.match(r"第 1 / 18 步", where(at))


def test_the_memory_key_numbers_every_neuron_and_outlines_those_the_sentence_names(page):
    """Under the update frame's sentence, the last bit's memory enlarged: squares numbered 0-15 in
    the picture's reading order, each number readable on its square (WCAG AA), and outlined
    exactly the neurons the sentence names; the picture's eight boxes outline the same ones."""
    at = page()
    press(at, "bs_next", FRAMES - 1)
    named = sorted({int(n) for n in re.findall(r"neuron (\d+)", at.info[0].value)})
    key = next(m.value for m in at.markdown if 'data-key="memory"' in m.value)
    squares = re.findall(r'<rect x="(\d+)" y="(\d+)" width="30" height="30" fill="(#[0-9a-f]{6})"',
                         key)
    numbers = re.findall(r'<text [^>]*fill="([^"]+)"[^>]*>(\d+)</text>', key)
    assert [int(n) for _, n in numbers] == list(range(16))
    assert [(int(x), int(y)) for x, y, _ in squares] == [(2 + 30 * (k % 4), 2 + 30 * (k // 4))
                                                         for k in range(16)]
    for (_, _, fill), (ink, _) in zip(squares, numbers):
        assert contrast(fill, "#ffffff" if ink == "white" else ink) >= 4.5
    outlined = re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" width="30.0" height="30.0" '
                          r'fill="none" stroke="#263238"', key)
    assert sorted(round((float(y) - 2) / 30) * 4 + round((float(x) - 2) / 30)
                  for x, y in outlined) == named
    svg = next(m.value for m in at.markdown if "data-phase" in m.value)
    assert svg.count('stroke="#263238" stroke-width="3"') == 8 * len(named)
