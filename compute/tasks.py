"""What a worker process may compute: the functions of rnn that the app's jobs are made of, by
name, each with the type its value must have.

A worker runs only these (a request naming anything else is refused), and the server checks each
value's type before handing it on: a value from another process is data, not trusted. The
functions are the same ones `rnn.steps.run` computes in process, so a job's numbers do not depend
on where its steps ran.
"""
import os

import numpy as np

from rnn import (
    analysis,
    batch,
    blame,
    curve,
    evaluate,
    gradcheck,
    machine,
    operate,
    sweep,
    training,
)
from rnn.evaluate import Score


def hello():
    """A worker's first task: its process id, once it has loaded the tasks."""
    return os.getpid()


_FUNCTIONS = {  # function -> the type of its value
    hello: int,
    training.advance: training.Segment,
    batch.advance_batch: batch.BatchSegment,
    batch.advance_together: list,
    evaluate.accuracy_of: float,
    evaluate.accuracies_of: np.ndarray,
    evaluate.screen: np.ndarray,
    evaluate.score_width: Score,
    evaluate.answer: tuple,
    evaluate.predict_bits: np.ndarray,
    sweep.score_model: tuple,
    analysis.correctness_map: analysis.CorrectnessMap,
    analysis.sampled_map: analysis.SampledMap,
    analysis.state_sums: np.ndarray,
    analysis.centred_sums: tuple,
    analysis.ablated_accuracy: float,
    analysis.neuron_trace: tuple,
    machine.extract: machine.Machine,
    operate.train_on: operate.TrainedOn,
    gradcheck.analytic_gradient: dict,
    gradcheck.central_differences: np.ndarray,
    blame.lapse_part: tuple,
    blame.walk: blame.Walk,
    blame.problem_reach: tuple,
}
_ = curve  # curve's steps are made of evaluate's functions

TASKS = {f"{function.__module__}:{function.__qualname__}": (function, kind)
         for function, kind in _FUNCTIONS.items()}


def name_of(function):
    """The task name of `function`; KeyError when a worker may not compute it."""
    name = f"{function.__module__}:{function.__qualname__}"
    if name not in TASKS:
        raise KeyError(f"{name} is not a task a worker computes")
    return name


ADVANCE = name_of(training.advance)
TOGETHER = name_of(batch.advance_together)


def together_key(name, args):
    """Requests that may be computed in one call of `TOGETHER` share this key (None: this one is
    computed alone): steps of trainings on the fast path with the same hidden size and width.
    Side by side they cost far less than in turns (rnn.batch), and give the same Segments."""
    if name != ADVANCE or len(args) < 4 or args[3] != "fast":
        return None
    return (args[0].hidden, args[0].bits)


def compute(name, args):
    """The value of task `name` on `args`, computed here (what a worker does with a request)."""
    function, _ = TASKS[name]
    return function(*args)


def checked(name, value):
    """`value`, if it has the type task `name` gives; TypeError otherwise. `TOGETHER` gives a
    list of Segments."""
    kind = TASKS[name][1]
    if name == TOGETHER and not (isinstance(value, list) and all(
            isinstance(segment, training.Segment) for segment in value)):
        raise TypeError(f"{name} gave a {type(value).__name__}, not a list of Segments")
    if kind is float:
        ok = isinstance(value, (float, np.floating)) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    if not ok:
        raise TypeError(f"{name} gave a {type(value).__name__}, not a {kind.__name__}")
    return value
