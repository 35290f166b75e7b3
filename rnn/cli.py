"""`python -m rnn`: train as the listing does and print its log, byte for byte at its settings."""
import argparse
import math
import sys

import numpy as np

from .bits import from_bits, msb_first
from .config import LIMITS, SAMPLINGS, ConfigError, TrainConfig
from .training import train

EVALUATION_WIDTHS = (16, 32, 64, 128)


class Parser(argparse.ArgumentParser):
    def error(self, message):
        """One line, status 2, no usage dump and never a traceback."""
        self.exit(2, f"python -m rnn: {message} (see python -m rnn --help)\n")


def whole(low, high):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low:,} to {high:,}, got {value:,}")
        return value
    return parse


def learning_rate(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    low, high = LIMITS["alpha"]
    if not math.isfinite(value) or not low < value <= high:
        raise argparse.ArgumentTypeError(f"must be a number above {low:g} and at most {high:g}, "
                                         f"got {text}")
    return value


def build_parser():
    defaults = TrainConfig()
    parser = Parser(prog="python -m rnn", description="Train the book's subtraction RNN and print "
                    "its log (总误差, Pred, True, a - b = out) every --every iterations.")
    parser.add_argument("--seed", type=whole(*LIMITS["seed"]), default=defaults.seed)
    parser.add_argument("--alpha", type=learning_rate, default=defaults.alpha,
                        help="learning rate")
    parser.add_argument("--hidden", type=whole(*LIMITS["hidden"]), default=defaults.hidden,
                        help="hidden units")
    parser.add_argument("--iterations", type=whole(*LIMITS["iterations"]),
                        default=defaults.iterations)
    parser.add_argument("--bits", type=whole(*LIMITS["bits"]), default=defaults.bits,
                        help="width of the training operands")
    parser.add_argument("--sampling", choices=SAMPLINGS, default=defaults.sampling,
                        help="book: the listing's swap quirk (a < b becomes a - a); fixed: a swap")
    parser.add_argument("--every", type=whole(1, LIMITS["iterations"][1]), default=800,
                        help="print the log at iterations j with j %% every == 0")
    parser.add_argument("--save", metavar="PATH", help="write the trained weights to an .npz")
    parser.add_argument("--evaluate", action="store_true",
                        help="after the log, print accuracy on all pairs and on wider operands")
    return parser


def format_entry(entry):
    """One block of the log, exactly as the listing prints it."""
    prediction, target = msb_first(entry.prediction), msb_first(entry.target)
    return (f"总误差:{np.array([entry.overall_error])}\n"
            f"Pred:{prediction}\nTrue:{target}\n"
            f"{entry.a} - {entry.b} = {from_bits(entry.prediction)}\n"
            "------------\n")


def format_score(result):
    kind = "all" if result.exhaustive else "random"
    return (f"accuracy on {kind} {result.pairs:,} pairs a >= b of {result.bits} bits: "
            f"{result.accuracy:.2%}\n")


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        config = TrainConfig(seed=args.seed, bits=args.bits, hidden=args.hidden, alpha=args.alpha,
                             iterations=args.iterations, sampling=args.sampling)
    except ConfigError as error:
        build_parser().error(str(error))
    # no snapshots: the command line shows none, and they cost start-up time it is measured on
    result = train(config, log_every=args.every, snapshot_every=max(1, config.iterations))
    sys.stdout.write("".join(format_entry(entry) for entry in result.log))
    if result.status == "diverged":
        sys.stdout.write(f"training diverged at iteration {result.iterations_done:,}: the weights "
                         "are no longer finite numbers; try a smaller --alpha\n")
    elif args.evaluate:
        from .evaluate import score_width  # imported only when asked for: start-up time counts
        widths = (config.bits,) + tuple(w for w in EVALUATION_WIDTHS if w != config.bits)
        sys.stdout.write("".join(format_score(score_width(result.params, w)) for w in widths))
    if args.save:
        from . import weights
        try:
            weights.save(args.save, result.params, config)
        except OSError as error:
            sys.stderr.write(f"python -m rnn: cannot write {args.save}: {error.strerror}\n")
            return 1
    return 0
