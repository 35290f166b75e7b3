"""What the stores hold and how a model crosses to Redis: a trained (or uploaded) net with what the
pages show of it, and its bytes (rnn.archive, checked against its key when read back)."""
import hashlib
from dataclasses import dataclass

import numpy as np

from rnn import archive
from rnn.curve import Curve, accuracy_curve
from rnn.model import WEIGHT_NAMES
from rnn.training import TrainResult

LOG_EVERY = 800  # the book's log interval, Training's default: what a stored model's log holds


@dataclass(eq=False)
class Model:
    """A trained (or uploaded) net and what the pages show of it."""
    result: TrainResult
    curve: Curve  # accuracy over the run, the final score, the first 100 %; None for uploaded
    # weights, which the pages that take them (calculator, backprop) do not score
    uploaded: bool = False  # the visitor's own weights, not a run of the sidebar's settings

    @property
    def params(self):
        return self.result.params

    @property
    def config(self):
        return self.result.config

    @property
    def key(self):
        """What this net's derived results are kept under: its configuration, or for uploaded
        weights their digest too."""
        return ("upload", digest(self.params), self.config) if self.uploaded else self.config


def digest(params):
    """A short fingerprint of the weights, to know a net again."""
    hasher = hashlib.sha256()
    for name in WEIGHT_NAMES:
        hasher.update(np.ascontiguousarray(getattr(params, name)).tobytes())
    return hasher.hexdigest()[:32]


def from_weights(params, config, scored=False):
    """Uploaded weights as a model of one snapshot, so that the pages treat them alike; scored
    (an accuracy curve of that one snapshot, computed here: one score) only when asked."""
    result = TrainResult(config, params, np.zeros(0), np.array([config.iterations]), [params],
                         [], "done")
    return Model(result, accuracy_curve(result) if scored else None, uploaded=True)


def encode_model(model):
    return archive.dumps_model(model.result, model.curve)


def decode_model(data, config):
    """A stored model read back, checked against the configuration it is stored under (and so
    against the app's limits, which every key the app asks for is within)."""
    return Model(*archive.loads_model(data, config=config, log_every=LOG_EVERY))


def encode_sweep(result):
    return archive.dumps_sweep(result)


def decode_sweep(data, configs):
    """A stored sweep read back, checked against the configurations it is stored under."""
    return archive.loads_sweep(data, configs=list(configs))
