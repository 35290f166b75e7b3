"""The book's subtraction RNN (2-H-1, sigmoid, no biases, BPTT, per-sample SGD) in NumPy only."""
from .bits import from_bits, msb_first, subtract_bits, to_bits
from .config import ConfigError, TrainConfig
from .model import Backward, Params, Trace, backward, forward, init_params, sgd_step
from .training import LogEntry, Training, TrainResult, train

__all__ = [
    "Backward", "ConfigError", "LogEntry", "Params", "Trace", "TrainConfig", "TrainResult",
    "Training", "backward", "forward", "from_bits", "init_params", "msb_first", "sgd_step",
    "subtract_bits", "to_bits", "train",
]
