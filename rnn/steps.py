"""Long computations written as steps, so that a caller may compute each step wherever it likes.

A computation that takes longer than a moment (a run's accuracy curve, a sweep, a gradient check,
a time-lapse, an ablation) is written as a generator that yields `Step`s: a function of this
package and its arguments, plus how far the computation stands once that step is done. The
caller computes `step.function(*step.args)` and sends the value back into the generator, which
goes on from there; the generator's return value is the result. `run` does this here, in one
go. The app (the `compute` package) sends each step to a worker process instead and takes turns
between steps, so the numbers are the same functions' wherever they are computed, and the
decisions between steps (which snapshot to score next) are written once, here.

A step's function must be a plain function of rnn (no closure, no bound method) whose arguments
and value are plain data (NumPy arrays, numbers, rnn's dataclasses), so that it can be named and
its arguments copied to another process.
"""
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Step:
    function: Callable  # a module-level function of rnn
    args: tuple  # its arguments
    done: float  # how far the computation stands once this step is computed ...
    total: float  # ... out of this (the units are the computation's own: iterations, scores)


def run(steps, progress=None):
    """The result of `steps` (a generator of Steps, as above), every step computed here.
    `progress(done, total)`, if given, is called after each step."""
    value = None
    try:
        while True:
            step = steps.send(value)
            value = step.function(*step.args)
            if progress is not None:
                progress(step.done, step.total)
    except StopIteration as finished:
        return finished.value


def chunks(count, size):
    """(start, stop) of consecutive pieces of range(count), `size` long at most (at least 1)."""
    size = max(1, int(size))
    return [(start, min(start + size, count)) for start in range(0, count, size)]
