"""The insight page, checked against scores computed pair by pair here and against nets built by
hand whose behaviour is known."""
import dataclasses
import re

import numpy as np
import pytest

from rnn import TrainConfig
from rnn.bits import subtract_bits, to_bits
from rnn.evaluate import RANDOM_PAIRS, predict_bits, random_operands
from rnn.model import Params
from tests.app.charts import chart_rows
from tests.app.charts import chart_titled as chart
from tests.platform import bit_exact_blas
from ui.computing import service
from ui.models import from_weights


@pytest.fixture
def page(open_page):
    return lambda query=None: open_page("insight", query)


def all_pairs(bits):
    a, b = np.tril_indices(2**bits)
    return to_bits(a, bits), to_bits(b, bits)


def wrong_pairs(params, bits):
    """Pairs a >= b the net gets wrong, run pair by pair against Python's own a - b."""
    a_bits, b_bits = all_pairs(bits)
    truth = to_bits((a_bits @ (1 << np.arange(bits))) - (b_bits @ (1 << np.arange(bits))), bits)
    return int((predict_bits(params, a_bits, b_bits) != truth).any(axis=1).sum())


def hidden_states(params, a_bits, b_bits):
    """The hidden state after each step, (N, T, H), written out step by step."""
    h = np.full((len(a_bits), params.hidden), 0.1)
    states = []
    for t in range(a_bits.shape[1]):
        z = a_bits[:, t, None] * params.synapse_0[0] + b_bits[:, t, None] * params.synapse_0[1]
        h = 1 / (1 + np.exp(-(z + h @ params.synapse_h)))
        states.append(h)
    return np.stack(states, axis=1)


def correlations(params, bits):
    """Each unit's Pearson r with the true borrow over every pair a >= b and step (NumPy's
    corrcoef; 0 for a unit that never varies)."""
    a_bits, b_bits = all_pairs(bits)
    borrow = subtract_bits(a_bits, b_bits)[1].ravel()
    states = hidden_states(params, a_bits, b_bits).reshape(-1, params.hidden)
    return np.array([np.corrcoef(states[:, u], borrow)[0, 1] if states[:, u].std() > 0 else 0.0
                     for u in range(params.hidden)])


def test_map_counts_what_running_every_pair_gives(page):
    """The map's count of wrong problems is what running all 32,896 pairs gives here; the longer
    numbers chart shows each width's score on the pairs the final accuracy is scored on (all of
    them at 8 bits, 1,000 random ones seeded by the width above), computed here."""
    at = page()
    params = service().models.get(TrainConfig()).params
    assert at.metric[0].value == f"{wrong_pairs(params, 8):,} / 32,896"
    spans = chart_rows(chart(at, "Every 8-bit problem: a (down) − b (across)"))
    assert len(spans) < 2_000  # run-length encoded, not 65,536 cells
    lengths = chart_rows(chart(at, "Trained on 8 bits, tested at each width"), layer=0)
    for row in lengths:
        width = int(row["label"])
        if width == 8:  # every pair, so the bar is the net's final accuracy
            assert row["value"] == 1 - wrong_pairs(params, 8) / 32_896
            continue
        a_bits, b_bits = random_operands(width, RANDOM_PAIRS, np.random.default_rng(width))
        right = (predict_bits(params, a_bits, b_bits) == subtract_bits(a_bits, b_bits)[0])
        assert row["value"] == right.all(axis=1).mean()  # score_width's pairs: seeded by width
    text = " ".join(c.value for c in at.caption)
    assert "right on all 32,896 8-bit problems" in text
    assert "on 1,000 random 256-bit problems" in text


def test_borrow_neuron_chart_is_each_units_correlation(page):
    """The correlation chart shows each unit's r with the borrow as NumPy's corrcoef gives it, and
    highlights the unit with the largest |r|."""
    at = page()
    params = service().models.get(TrainConfig()).params
    rows = chart_rows(chart(
        at, "Each hidden unit's correlation with the true borrow out (to the bit above)"), layer=0)
    shown = np.array([row["value"] for row in rows])
    np.testing.assert_allclose(shown, correlations(params, 8), atol=1e-9)
    assert [row["current"] for row in rows].index(True) == int(np.abs(shown).argmax())


K = 40.0  # a steep sigmoid: the hand-built units below are nearly 0 or 1


def hand_built(kind):
    """A net built by hand (no biases, every state starts at 0.1). Unit 1 turns itself on at the
    first step and stays on: the constant the missing biases would give.
    - "inverted": unit 0's state is 1 - borrow, so the borrow in is 1 - state:
      K (a - b + state - 1/2) (a borrow leaves it near 0);
    - "partial": unit 0 is on when b > a, ignoring the borrow in: K (b - a - 1/2);
    - "flag": unit 0 as in "inverted", and unit 2 turns it the right way up from the same
      inputs, more steeply: 100 (b - a + (1 - state 0) - 1/2), the borrow itself
      (b + borrow in > a); being steeper it has the largest |r|;
    - "none": no weights at all, every state stays at 1/2."""
    if kind == "none":
        return Params(np.zeros((2, 2)), np.zeros((2, 2)), np.zeros((2, 1)))
    chain = 0.0 if kind == "partial" else K
    sign = 1.0 if kind == "partial" else -1.0
    synapse_0 = np.array([[-sign * K, 0.0], [sign * K, 0.0]])  # (2, H): a and b
    synapse_h = np.array([[chain, 0.0], [-0.5 * K, 200.0]])  # (H, H): from unit i to unit j
    if kind == "flag":
        steep = 100.0
        synapse_0 = np.hstack([synapse_0, [[-steep], [steep]]])
        synapse_h = np.block([[synapse_h, np.array([[-steep], [0.5 * steep]])],
                              [np.zeros((1, 3))]])
    return Params(synapse_0, synapse_h, np.zeros((len(synapse_h), 1)))


@pytest.mark.parametrize("kind, verdict", [
    ("flag", "it is almost a borrow flag."),
    ("inverted", "it is almost a borrow flag, upside down"),
    ("partial", "it follows the borrow only in part"),
    ("none", "no unit clearly follows the borrow"),
])
def test_the_borrow_verdict_follows_the_correlation(page_of, kind, verdict):
    """The sentence under the neuron charts follows the best unit's r, for nets built by hand:
    |r| >= 0.9 a flag (upside down when r < 0), 0.5 <= |r| < 0.9 only in part, below none."""
    params = hand_built(kind)
    r = correlations(params, 8)
    best = float(r[np.abs(r).argmax()])
    band = {"flag": best >= 0.9, "inverted": best <= -0.9, "partial": 0.5 <= abs(best) < 0.9,
            "none": abs(best) < 0.5}
    assert band[kind], f"the hand-built {kind} net has r = {best:.3f}"
    at = page_of("insight", from_weights(params, TrainConfig(hidden=params.hidden),
                                             scored=True))
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert f"correlates {best:.2f} with the true borrow out of each bit (" in text
    assert f"no relation): {verdict}" in text


def test_undertrained_model_lists_its_hardest_wrong_pairs(page):
    """A short run: the count is what running every pair gives, and the table lists up to ten
    wrong problems, longest borrow chain first, each one really wrong."""
    at = page({"iterations": "1500"})
    params = service().models.get(TrainConfig(iterations=1500)).params
    wrong = wrong_pairs(params, 8)
    assert at.metric[0].value == f"{wrong:,} / 32,896"
    if wrong:
        table = at.dataframe[0].value
        assert len(table) == min(10, wrong)
        chains = list(table["longest borrow chain"])
        assert chains == sorted(chains, reverse=True)
        for row in table.itertuples(index=False):
            assert row[3] != row[4]  # the net's answer is not the true one


def test_wide_model_uses_a_sample(page):
    """Above 8 bits the map is a sample of random problems."""
    at = page({"bits": "12", "iterations": "3000"})
    assert at.metric[0].label == "Wrong among the random problems"


def test_seed_sweep_runs_and_is_kept(page):
    """The seed sweep trains 32 nets, reports the share at 100 %, and is kept for the next
    visitor."""
    at = page({"iterations": "4000"})
    at.button(key="sweep_seeds").click().run()
    assert not at.exception
    assert "sweep_seeds" not in [b.key for b in at.button]  # done: the page redrew without it
    share = {m.label: m.value for m in at.metric}["Nets that got everything right"]
    assert share.endswith("/ 32")
    assert "Time taken" in {m.label for m in at.metric}
    again = page({"iterations": "4000"})
    shown = {m.label: m.value for m in again.metric}
    assert shown["Nets that got everything right"] == share
    assert "Computed earlier, in" in shown and "Time taken" not in shown  # not "just now"


def test_chinese_insight(page):
    """The page speaks Chinese."""
    at = page({"lang": "zh"})
    assert at.title[0].value == "它真的学会借位了吗?"


def test_uploaded_config_keeps_its_width():
    """A model made from weights keeps the configuration it is given."""
    model = from_weights(hand_built("flag"), dataclasses.replace(TrainConfig(), hidden=3))
    assert model.config.hidden == 3 and model.uploaded


@pytest.mark.parametrize("lengths, key", [
    ({8: 1.0, 16: 1.0, 256: 1.0}, "in_length_why"),
    ({8: 0.5, 16: 0.15, 256: 0.0}, "in_length_not_yet"),
    ({8: 1.0, 16: 1.0, 256: 0.99}, "in_length_not_yet"),
], ids=["every-width", "fading", "almost"])
def test_the_longer_numbers_sentence_follows_the_chart(lengths, key):
    """"Why this works ... only more steps" only when every width is right; else the sentence
    says how far it falls (50 %, 15 %, 1 %, 0 % used to get "why this works")."""
    from app_pages.insight import length_verdict
    assert length_verdict(lengths) == key


def test_an_undertrained_net_is_not_told_it_works(page):
    """At 2,000 iterations the page states the numbers of the longer-numbers chart, and says
    "why this works" only if every width is right."""
    at = page({"iterations": "2000"})
    rows = chart_rows(chart(at, "Trained on 8 bits, tested at each width"), layer=0)
    text = " ".join(m.value for m in at.markdown)
    if min(row["value"] for row in rows) < 1.0:
        assert "Why this works" not in text and "It has not yet learned one step" in text
    else:
        assert "Why this works" in text


def test_the_warm_up_computes_what_the_pages_analyse_before_anyone_asks(page_of):
    """The server's warm-up (insight.warm_up, backprop.warm_up) leaves a net with every analysis
    the insight page shows, the backprop page's accuracy at WIDE bits and the time-lapse of its
    first problem, so that the pages drawn for it compute nothing: the analyses are the very
    objects the warm-up made."""
    from app_pages import backprop, insight
    from rnn import train
    from rnn.curve import accuracy_curve
    from ui.models import Model
    result = train(TrainConfig(seed=21, iterations=1500))
    model = Model(result, accuracy_curve(result))
    insight.warm_up(service(), model)
    backprop.warm_up(service(), model)
    names = ["map", "lengths", "correlation", "ablation", ("length", backprop.WIDE),
             ("lapse", 128, 1)]
    made = {name: service().results.get((model.key, name)) for name in names}
    assert all(value is not None for value in made.values())
    for name in ("insight", "backprop"):
        at = page_of(name, model)
        assert not at.exception
    assert all(service().results.get((model.key, name)) is value for name, value in made.items())


@pytest.mark.parametrize("query, verdict", [({}, "It is the borrow machine"),
                                            ({"hidden": "2"}, "It is not the borrow machine")])
def test_the_machine_section_draws_and_states_the_extracted_machine(page, query, verdict):
    """The net's machine (rnn.machine, checked against plain-Python replays in
    tests/rnn/test_machine.py) is drawn with one node per state beside the two-state borrow
    machine, and the sentence states its agreements and the verdict they give: the book's net
    writes a - b on every pair, the 2-unit net does not."""
    from rnn.machine import extract
    at = page(query)
    config = TrainConfig(**{name: int(value) for name, value in query.items()})
    found = extract(service().models.get(config).params, 8)
    net_dot, true_dot = (chart.proto.spec for chart in at.get("graphviz_chart"))
    assert len(re.findall(r"^s\d+ \[label=", net_dot, re.M)) == len(found.next)
    assert true_dot.count("borrow\"]") == 2
    text = next(m.value for m in at.markdown if m.value.startswith("The net's machine has"))
    assert f"has {len(found.next)} states" in text
    assert f"net's own answer on {found.agree_net:.1%}" in text
    assert f"right answer on {found.agree_rule:.1%}" in text and verdict in text
    assert (found.agree_rule == 1.0) == (verdict == "It is the borrow machine")


@bit_exact_blas
def test_map_cells_count_what_single_runs_give(page):
    """Three cells of the learnability map at 1,500 iterations, computed as the page computes
    them (each a sweep in the pool): each seed's final accuracy is its lone run's (rnn.train,
    scored by score_width here), and each cell's count is the seeds whose lone run got every
    problem right at one of the sweep's checkpoints (rnn.training's lone run, paused at each)."""

    from compute import jobs
    from compute.service import SERVER
    from rnn import train
    from rnn.evaluate import score_width
    from rnn.sweep import checkpoint_every
    from rnn.training import Training
    from ui import sweeps
    page()  # a session, so that the page's store is the one read below
    cells = sweeps.map_cells(TrainConfig(iterations=1500))
    chosen = [(2, 0.9), (16, 0.9), (8, 5.0)]
    for cell in chosen:
        jobs.sweep(service(), cells[cell], SERVER)
    shown = {(c["hidden"], c["alpha"]): c for c in sweeps.map_values(cells)}
    for cell in chosen:
        result = jobs.peek_sweep(service(), cells[cell])
        reached = 0
        for config, accuracy in zip(cells[cell], result.final_accuracy):
            assert accuracy == score_width(train(config).params, 8).accuracy
            lone, every, perfect = Training(config), checkpoint_every(config.iterations), False
            while not lone.done and not perfect:  # the lone run, scored at each checkpoint
                lone.run(every)
                perfect = score_width(lone.params(), 8).accuracy == 1.0
            reached += perfect
        assert shown[cell]["reached"] == reached and shown[cell]["seeds"] == sweeps.MAP_SEEDS
    assert shown[(4, 0.03)]["reached"] is None  # not computed: drawn as pending
