import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rnn import weights
from rnn.cli import main

BOOK_LOG = (Path(__file__).parent / "book-log.txt").read_text(encoding="utf-8")


def run(*args):
    return subprocess.run([sys.executable, "-m", "rnn", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


def test_prints_the_book_log_byte_for_byte():
    """`python -m rnn`, as a whole process, prints exactly the book's log."""
    done = run()
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout == BOOK_LOG


def test_every_and_other_settings_keep_the_format(capsys):
    """--every sets the interval; the blocks keep the listing's format at any width."""
    assert main(["--bits", "12", "--iterations", "1000", "--every", "250", "--seed", "4"]) == 0
    blocks = capsys.readouterr().out.split("------------\n")[:-1]
    assert len(blocks) == 4
    first = blocks[0].splitlines()
    assert first[0].startswith("总误差:[") and first[1].startswith("Pred:[")
    assert len(first[1].split()) == 12 and " - " in first[3] and " = " in first[3]


def test_evaluate_adds_accuracy_lines(capsys):
    """--evaluate scores all 8-bit pairs and random 16- to 128-bit operands."""
    assert main(["--evaluate"]) == 0
    tail = capsys.readouterr().out.splitlines()[-5:]
    assert tail[0] == "accuracy on all 32,896 pairs a >= b of 8 bits: 100.00%"
    assert tail[-1] == "accuracy on random 1,000 pairs a >= b of 128 bits: 100.00%"


def test_save_writes_the_weights(tmp_path, capsys):
    """--save writes an .npz with the three matrices and the configuration."""
    path = tmp_path / "w.npz"
    assert main(["--iterations", "50", "--hidden", "5", "--save", str(path)]) == 0
    params, config = weights.load(path.read_bytes())
    assert params.synapse_h.shape == (5, 5) and config.iterations == 50
    with np.load(path, allow_pickle=False) as archive:
        assert {"synapse_0", "synapse_h", "synapse_1", "config"} <= set(archive.files)


@pytest.mark.parametrize("args, message", [
    (["--hidden", "0"], "argument --hidden: must be from 1 to 256, got 0"),
    (["--iterations", "-1"], "argument --iterations: must be from 0 to 10,000,000, got -1"),
    (["--alpha", "nan"], "argument --alpha: must be a number above 0 and at most 100, got nan"),
    (["--alpha", "inf"], "argument --alpha: must be a number above 0 and at most 100, got inf"),
    (["--bits", "0"], "argument --bits: must be from 2 to 16, got 0"),
    (["--bits", "17"], "argument --bits: must be from 2 to 16, got 17"),
    (["--every", "0"], "argument --every: must be from 1 to 10,000,000, got 0"),
    (["--sampling", "odd"],
     "argument --sampling: invalid choice: 'odd' (choose from 'book', 'fixed')"),
    (["--seed", "x"], "argument --seed: expected a whole number, got 'x'"),
    (["--colour"], "unrecognized arguments: --colour"),
], ids=lambda value: value if isinstance(value, str) and value.startswith("-") else None)
def test_bad_options_exit_2_with_one_line(args, message):
    """A bad option: status 2, one line on stderr naming the problem, no traceback."""
    done = run(*args)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"python -m rnn: {message} (see python -m rnn --help)\n"


def test_unwritable_save_path(tmp_path):
    """A --save path that cannot be written is reported in one line, status 1."""
    done = run("--iterations", "10", "--save", str(tmp_path / "missing" / "w.npz"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("python -m rnn: cannot write ")
