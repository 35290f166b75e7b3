"""What to try when a run did not learn: read from the run's own numbers, never assumed.

`advise(model)` looks at how the run ended (blew up, still improving, or stuck) and at its
settings, and returns at most two suggestions, each a catalogue sentence with the numbers it
rests on and the settings that would try it. A run that got every problem right gets none.
"""
from dataclasses import dataclass

import numpy as np

from ui.settings import NUMBERS

STILL_FALLING = 0.05  # the error fell by more than this share over the last fifth of the run
FEW_UNITS = 8  # below this many hidden units a stuck run is blamed on the size first
FAST, SLOW = 2.0, 0.5  # learning rates above / below which a stuck run is blamed on the rate


@dataclass
class Advice:
    key: str  # catalogue key of the sentence
    values: dict  # the numbers the sentence states
    changes: dict  # sidebar settings to try: {name: value}


def error_trend(errors):
    """Mean error over the last tenth of the run, over the tenth before it, and the share by
    which it fell between them (negative when it rose)."""
    tenth = max(1, len(errors) // 10)
    last = float(np.mean(errors[-tenth:]))
    before = float(np.mean(errors[-2 * tenth:-tenth])) if len(errors) >= 2 * tenth else last
    return last, before, (before - last) / before if before else 0.0


def advise(model):
    result, config = model.result, model.config
    if result.status == "diverged":
        return [Advice("advice_diverged", {"alpha": config.alpha},
                       {"alpha": allowed("alpha", config.alpha / 2)})]
    accuracy = model.curve.final.accuracy
    if accuracy == 1.0 or len(result.errors) < 20:
        return []
    last, before, fell = error_trend(result.errors)
    numbers = {"accuracy": accuracy, "last": last, "before": before, "fell": fell,
               "guess": config.bits / 2}  # the error of a net that answers 1/2 for every bit
    if fell > STILL_FALLING:
        advice = [Advice("advice_more_iterations", numbers,
                         {"iterations": allowed("iterations", config.iterations * 2)})]
        if config.alpha < SLOW:
            advice.append(Advice("advice_faster", numbers | {"alpha": config.alpha},
                                 {"alpha": allowed("alpha", config.alpha * 3)}))
        return advice
    if config.hidden < FEW_UNITS:
        return [Advice("advice_more_units", numbers | {"hidden": config.hidden},
                       {"hidden": NUMBERS["hidden"].default})]
    if config.alpha >= FAST:
        return [Advice("advice_slower", numbers | {"alpha": config.alpha},
                       {"alpha": NUMBERS["alpha"].default})]
    if config.alpha < SLOW:
        return [Advice("advice_faster", numbers | {"alpha": config.alpha},
                       {"alpha": allowed("alpha", config.alpha * 3)})]
    return [Advice("advice_other_seed", numbers | {"seed": config.seed},
                   {"seed": allowed("seed", config.seed + 1)})]


def allowed(name, value):
    """The nearest setting the slider allows."""
    field = NUMBERS[name]
    value = min(max(value, field.low), field.high)
    steps = round((value - field.low) / field.step)
    value = field.low + steps * field.step
    return round(value, 2) if isinstance(field.default, float) else int(value)
