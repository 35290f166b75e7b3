"""`python -m rnn`: train as the listing does and print its log as it is made, byte for byte the
book's at the book's settings."""
import argparse
import math
import os
import sys

import numpy as np

from .bits import from_bits, msb_first
from .config import LIMITS, SAMPLINGS, ConfigError, TrainConfig
from .training import Training

EVALUATION_WIDTHS = (16, 32, 64, 128)
WRITE_EVERY = 1000  # iterations trained between two writes of the log, each write flushed

DESCRIPTION = (
    "Train the book's subtraction RNN and print its log (总误差, Pred, True, a - b = out) every "
    "--every iterations, as it is made. By default training runs on the fast path "
    "(rnn/fast.py), which prints the book's log byte for byte at the book's settings; it adds its "
    "sums in another order than the listing, and in long runs at other settings the rounding "
    "differences can grow until the log differs from the listing's. --readable trains on the "
    "readable path instead (rnn.model's forward and backward, one sample at a time, computed as "
    "the listing does), which is slower.")


class Parser(argparse.ArgumentParser):
    def error(self, message):
        """One line, status 2, no usage dump and never a traceback."""
        self.exit(2, f"python -m rnn: {message} (see python -m rnn --help)\n")

    def print_help(self, file=None):
        """The help, with what the output's encoding cannot show replaced, flushed so that an
        output that cannot be written fails here, inside main's handler."""
        file = file or sys.stdout
        if file is None:  # `python -m rnn --help >&-`
            self.exit(1, "python -m rnn: standard output is closed\n")
        file.write(printable(self.format_help(), file))
        file.flush()


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


def file_path(text):
    if not text:
        raise argparse.ArgumentTypeError(f"expected a file path, got {text!r}")
    return text


def build_parser():
    defaults = TrainConfig()
    parser = Parser(prog="python -m rnn", description=DESCRIPTION)
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
    parser.add_argument("--readable", action="store_true",
                        help="train on the readable path (rnn.model, sample by sample, as the "
                             "listing computes) instead of the fast path")
    parser.add_argument("--save", metavar="PATH", type=file_path,
                        help="write the trained weights to an .npz")
    parser.add_argument("--evaluate", action="store_true",
                        help="after the log, print accuracy on all pairs and on wider operands")
    return parser


def printable(text, stream):
    """`text` with the characters `stream`'s encoding cannot encode replaced (by "?"), so that an
    output in a legacy encoding (cp1252 on Windows when redirected) shows the log, not an error."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    return text.encode(encoding, "replace").decode(encoding)


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


def print_log_as_made(training, stream):
    """Train to the end, writing (and flushing) the log entries of every WRITE_EVERY iterations as
    soon as they are made: the log appears while training runs, and no more than one write's
    entries are ever held."""
    while not training.done:
        training.run(WRITE_EVERY)
        entries = training.drain_log()
        if entries:
            stream.write(printable("".join(format_entry(entry) for entry in entries), stream))
            stream.flush()


def print_outcome(training, evaluate, stream):
    """After the log: a line saying training diverged, or the accuracy lines if asked for."""
    if training.status == "diverged":
        stream.write(f"training diverged at iteration {training.iteration:,}: the weights are no "
                     "longer finite numbers; try a smaller --alpha\n")
    elif evaluate:
        from .evaluate import score_width  # imported only when asked for: start-up time counts
        bits, params = training.config.bits, training.params()
        widths = (bits,) + tuple(w for w in EVALUATION_WIDTHS if w != bits)
        stream.write("".join(format_score(score_width(params, w)) for w in widths))
    stream.flush()


def save(path, training):
    """Write the weights to `path`: status 0, or 1 with one line on stderr if it cannot."""
    from . import weights
    try:
        weights.save(path, training.params(), training.config)
    except OSError as error:
        sys.stderr.write(f"python -m rnn: cannot write {path}: {error.strerror}\n")
        return 1
    return 0


def output_closed():
    """The reader of standard output went away (`python -m rnn | head`): stop quietly, status 1.
    Standard output is pointed at the null device so that Python's final flush cannot fail."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1


def output_failed(error):
    """Standard output cannot be written (a full disk, /dev/full): one line, status 1; what is
    still buffered goes to the null device, so that Python's final flush cannot fail."""
    complain(f"cannot write the output: {error.strerror or error}")
    return output_closed()


def complain(line):
    """One line on standard error, if there is one."""
    if sys.stderr is not None:
        sys.stderr.write(f"python -m rnn: {line}\n")


INTERRUPTED = 128 + 2  # the shell's status for a process ended by SIGINT


def main(argv=None):
    parser, training = build_parser(), None
    try:  # --help writes to standard output too: parsing is inside
        args = parser.parse_args(argv)
        try:
            config = TrainConfig(seed=args.seed, bits=args.bits, hidden=args.hidden,
                                 alpha=args.alpha, iterations=args.iterations,
                                 sampling=args.sampling)
        except ConfigError as error:
            parser.error(str(error))
        if sys.stdout is None:  # started with standard output closed (`>&-`)
            complain("standard output is closed")
            return 1
        # no snapshots: the command line shows none, and they cost start-up time it is measured on
        training = Training(config, log_every=args.every,
                            path="readable" if args.readable else "fast",
                            snapshot_every=max(1, config.iterations))
        print_log_as_made(training, sys.stdout)
        print_outcome(training, args.evaluate, sys.stdout)
        return save(args.save, training) if args.save else 0
    except BrokenPipeError:
        return output_closed()
    except OSError as error:
        return output_failed(error)
    except KeyboardInterrupt:  # Ctrl+C
        where = f" at iteration {training.iteration:,}" if training else ""
        complain(f"interrupted{where}")
        return INTERRUPTED
