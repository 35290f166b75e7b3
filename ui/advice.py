"""What to try when a run did not learn: read from the run's own numbers, and checked before it
is offered.

`diagnoses(model)` reads how the run ended (blew up, stopped early, still learning, stuck) and
its settings, and lists what probably happened, each with changes to try: a small step first, up
to the book's value (for a run still learning, four times its iterations when that is more).
`candidates` makes them runs, then adds the book's settings, leaving out any change already tried
in this chain of advice clicks. `advise` trains them in turn in the compute pool
(compute.jobs.check: the very run the button would start, and training is deterministic; kept,
within CHECK_SECONDS) and offers the first that gets every problem right, or says that none did.
The chain of clicks (the settings each click came from) is kept in the session (`chain_to`,
`follow`).
"""
import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import streamlit as st

from compute import jobs
from rnn import TrainConfig
from ui import computing
from ui.i18n import Text, t
from ui.settings import CHOICES, DEFAULTS, NUMBERS

STILL_FALLING = 0.05  # the error fell by more than this share over the last fifth of the run
FEW_UNITS = 8  # below this many hidden units a stuck run is blamed on the size
FAST, SLOW = 2.0, 0.5  # learning rates above / below which a stuck run is blamed on the rate
SEEDS = 3  # other seeds tried when a stuck run has usual settings
CHAIN = "advice_chain"  # session: (settings the advice clicks came from, where the last one led)
BOOK = "book"  # the changes back to the book's settings (several at once)


@dataclass(frozen=True)
class Candidate:
    key: str  # catalogue key of what probably happened
    changes: dict  # the sidebar settings it tries: {name: value}
    config: TrainConfig  # the run they make


@dataclass
class Advice:
    key: str  # catalogue key of what probably happened
    values: dict  # the numbers it states
    fix: Candidate | None  # the change that got every problem right, None when none did
    checked: list  # (Candidate, compute.jobs.Checked) per change checked, in order
    tried: list  # the changes of this chain's earlier clicks, oldest first


def error_trend(errors):
    """Mean error over the last tenth of the run, over the tenth before it, and the share by
    which it fell between them (negative when it rose)."""
    tenth = max(1, len(errors) // 10)
    last = float(np.mean(errors[-tenth:]))
    before = float(np.mean(errors[-2 * tenth:-tenth])) if len(errors) >= 2 * tenth else last
    return last, before, (before - last) / before if before else 0.0


def numbers(model):
    """The numbers the sentences state, from the run."""
    result, config = model.result, model.config
    errors = result.errors
    last, before, fell = error_trend(errors) if len(errors) else (0.0, 0.0, 0.0)
    return {"accuracy": model.curve.final.accuracy, "last": last, "before": before,
            "fell": fell, "first": float(np.mean(errors[:max(1, len(errors) // 10)]))
            if len(errors) else 0.0, "guess": config.bits / 2,  # a net answering 1/2 per bit
            "iterations": config.iterations, "book": DEFAULTS.iterations,
            "iteration": result.iterations_done, "alpha": config.alpha,
            "hidden": config.hidden, "seed": config.seed}


def diagnoses(model, first_seed=None):
    """What probably happened, most likely first: (catalogue key, [changes to try]). Other seeds
    are counted from `first_seed` (the seed a chain of clicks started from; default the run's)."""
    config = model.config
    if model.result.status == "diverged":
        return [("advice_diverged", ladder("alpha", config.alpha,
                                          min(DEFAULTS.alpha, config.alpha / 4), 1 / 2))]
    found = []
    if config.hidden < FEW_UNITS:
        found.append(("advice_more_units", ladder("hidden", config.hidden, DEFAULTS.hidden, 2)))
    if config.alpha >= FAST:
        found.append(("advice_slower", ladder("alpha", config.alpha, DEFAULTS.alpha, 1 / 2)))
    if config.alpha < SLOW:
        found.append(("advice_faster", ladder("alpha", config.alpha, DEFAULTS.alpha, 3)))
    longer = ladder("iterations", config.iterations,
                   max(DEFAULTS.iterations, config.iterations * 4), 2)
    if error_trend(model.result.errors)[2] > STILL_FALLING:
        found.append(("advice_still_learning", longer))
    elif config.iterations < DEFAULTS.iterations:
        found.append(("advice_short_run", longer))
    if not found:
        start = config.seed if first_seed is None else first_seed
        found.append(("advice_other_seed", [{"seed": allowed("seed", start + k)}
                                            for k in range(1, SEEDS + 1)]))
    return found


def ladder(name, value, target, factor):
    """Changes of setting `name` from `value` towards `target`, a factor `factor` at a time
    while that stays clearly short of it, then `target` itself: [{name: value}, ...]."""
    values, step = [], value * factor
    while min(value, target) < step < max(value, target) and \
            abs(math.log(step / target)) > abs(math.log(factor)) / 2:
        values.append(step)
        step *= factor
    values.append(target)
    return [{name: v} for v in dict.fromkeys(allowed(name, v) for v in values) if v != value]


def candidates(model, visited=()):
    """The changes to check, in order: each diagnosis's, then back to the book's settings; none
    whose run was seen in this chain (`visited`: the settings of its earlier clicks) or whose
    every new value was tried there."""
    config, runs = model.config, [*visited, model.config]
    book = {name: getattr(DEFAULTS, name) for name in [*NUMBERS, "sampling"]
            if getattr(config, name) != getattr(DEFAULTS, name)}
    options = [(key, c) for key, changes in diagnoses(model, runs[0].seed) for c in changes]
    found, seen = [], set()
    for key, changes in [*options, (BOOK, book)]:
        made = dataclasses.replace(config, **changes)
        tried = all(any(getattr(run, name) == value for run in runs)
                    for name, value in changes.items())
        if made in seen or made in runs or tried:
            continue
        seen.add(made)
        found.append(Candidate(key, changes, made))
    return found


def choose(model, options, checked, visited=()):
    """The advice from the check's runs (`checked`, compute.jobs.Checked, for the leading
    `options` it tried): the first that got every problem right, else none."""
    pairs = list(zip(options, checked))
    found = next((option for option, run in pairs if run.accuracy == 1.0), None)
    key = found.key if found else options[0].key if options else BOOK
    if key == BOOK:  # the book's settings say nothing of what happened: the first diagnosis does
        key = diagnoses(model)[0][0]
    return Advice(key, numbers(model), found, pairs, changes_along([*visited, model.config]))


def changes_along(runs):
    """The changes from each run of a chain to the next."""
    return [{name: getattr(after, name) for name in [*NUMBERS, *CHOICES]
             if name != "lang" and getattr(after, name) != getattr(before, name)}
            for before, after in zip(runs, runs[1:])]


def allowed(name, value):
    """The nearest setting the slider allows."""
    field = NUMBERS[name]
    value = min(max(value, field.low), field.high)
    steps = round((value - field.low) / field.step)
    value = field.low + steps * field.step
    return round(value, 2) if isinstance(field.default, float) else int(value)


# ---- in the page

class CheckWatch(computing.PageWatch):
    """The check's PageWatch: its place in line while it waits, then that it is checking."""

    def waiting(self, place):
        if place:
            super().waiting(place)
        else:
            self._show("checking", lambda: self.status.info(t("advice_checking"),
                                                            icon=":material/hourglass_top:"))


def advise(model, visited=()):
    """The advice for `model`'s run, None when it got every problem right or the check cannot be
    done now (then a message says why): its candidates checked in the pool, within the budget."""
    if model.curve.final.accuracy == 1.0:
        return None
    options = candidates(model, visited)
    configs = jobs.affordable([option.config for option in options])
    box = st.empty()
    checked = computing.guarded(box, lambda: jobs.check(
        computing.service(), configs, computing.visitor(), CheckWatch(box))) if configs else []
    if checked is None:
        return None
    box.empty()
    return choose(model, [option for option in options if option.config in configs], checked,
                  visited)


def change_text(changes):
    """A change as the page writes it: 'setting = value', or back to the book's settings."""
    if len(changes) > 1:
        return t("reset")
    (name, value), = changes.items()
    return t("advice_change", setting=t(name), value=Text(f"{value:,}" if isinstance(value, int)
                                                          else f"{value:g}"))


def listed(texts):
    """Catalogue texts one after another in a sentence."""
    return Text("; ".join(texts))


def text(advice):
    """The advice as Markdown paragraphs: what probably happened, what the check found, what was
    checked in vain, and what this chain tried before."""
    parts = [t(advice.key, **advice.values)]
    failed = [t("advice_checked_item", change=change_text(option.changes), accuracy=run.accuracy)
              for option, run in advice.checked if run.accuracy < 1.0]
    if advice.fix is not None:
        run = advice.checked[-1][1]
        parts.append(t("advice_checked", change=change_text(advice.fix.changes),
                       accuracy=run.accuracy, pairs=run.pairs,
                       first=run.first_perfect or run.config.iterations))
        if failed:
            parts.append(t("advice_also_checked", changes=listed(failed)))
    elif failed:
        parts.append(t("advice_none", changes=listed(failed)))
    else:
        parts.append(t("advice_none_left"))
    if advice.tried:
        parts.append(t("advice_already_tried",
                       changes=listed(change_text(c) for c in advice.tried)))
    return Text("\n\n".join(parts))


def chain_to(config):
    """The settings of the advice clicks that led to `config`, oldest first; [] when the visitor
    came to it otherwise."""
    chain = st.session_state.get(CHAIN)
    return list(chain[0]) if chain and chain[1] == config else []


def follow(changes, config, visited):
    """A button's callback: the chain goes on from `config`; the sidebar takes `changes` (before
    it is drawn, so its widgets show them)."""
    st.session_state[CHAIN] = ([*visited, config], dataclasses.replace(config, **changes))
    for name, value in changes.items():
        st.session_state[name] = value
