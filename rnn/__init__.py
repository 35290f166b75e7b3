"""The book's subtraction RNN (2-H-1, sigmoid, no biases, BPTT, per-sample SGD) in NumPy only.

The names below are loaded on first use (PEP 562), so that importing the package costs nothing:
`python -m rnn` imports it before its own code runs, and a Ctrl+C while NumPy loads must reach
that code (rnn/__main__.py) to end with one line rather than a traceback."""
import importlib

_HOMES = {  # name -> the module of this package that defines it
    "from_bits": "bits", "msb_first": "bits", "subtract_bits": "bits", "to_bits": "bits",
    "ConfigError": "config", "TrainConfig": "config",
    "Backward": "model", "Params": "model", "Trace": "model", "backward": "model",
    "forward": "model", "init_params": "model", "sgd_step": "model",
    "LogEntry": "training", "Training": "training", "TrainResult": "training", "train": "training",
}
__all__ = sorted(_HOMES)


def __getattr__(name):
    if name in _HOMES:
        return getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
