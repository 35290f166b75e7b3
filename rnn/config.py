"""The training configuration: one frozen dataclass, checked when it is made."""
import math
from dataclasses import asdict, dataclass

import numpy as np

SAMPLINGS = ("book", "fixed")

# Bounds of the core. The app's sliders use narrower ones; the command line uses these.
LIMITS = {
    "seed": (0, 2**32 - 1),
    "bits": (2, 16),
    "hidden": (1, 256),
    "alpha": (0.0, 100.0),
    "iterations": (0, 10_000_000),
}


class ConfigError(ValueError):
    """A configuration value out of bounds; `field` names it, the message says it plainly."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 0  # seeds np.random.RandomState, consumed in the listing's order
    bits: int = 8  # width of the training operands (the listing's binary_dim)
    hidden: int = 16  # hidden units (the listing's hidden_dim)
    alpha: float = 0.9  # learning rate: each sample's summed update is added times alpha
    iterations: int = 10_000  # training samples, one SGD step each
    sampling: str = "book"  # "book": the listing's swap quirk (a < b gives a - a); "fixed": swap

    def __post_init__(self):
        for name in ("seed", "bits", "hidden", "iterations"):
            value = getattr(self, name)
            if not _is_whole(value):
                raise ConfigError(name, f"{name} must be a whole number, got {value!r}")
            object.__setattr__(self, name, int(value))
            low, high = LIMITS[name]
            if not low <= getattr(self, name) <= high:
                raise ConfigError(name, f"{name} must be from {low} to {high}, got {value}")
        alpha = self.alpha
        if not _is_real(alpha):
            raise ConfigError("alpha", f"alpha must be a number, got {alpha!r}")
        alpha = float(alpha)
        low, high = LIMITS["alpha"]
        if not math.isfinite(alpha) or not low < alpha <= high:
            raise ConfigError("alpha", f"alpha must be a finite number above {low:g} and at most "
                                       f"{high:g}, got {self.alpha}")
        object.__setattr__(self, "alpha", alpha)
        if self.sampling not in SAMPLINGS:
            raise ConfigError("sampling", f"sampling must be one of {', '.join(SAMPLINGS)}, "
                                          f"got {self.sampling!r}")

    def as_dict(self):
        return asdict(self)


def _is_whole(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _is_real(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
