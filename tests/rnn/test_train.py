from pathlib import Path

import numpy as np
import pytest

from rnn import TrainConfig, Training, init_params, train
from rnn.bits import to_bits
from rnn.cli import format_entry
from rnn.fast import input_feed
from rnn.training import KERNELS

from .test_replay import book_pass

BOOK_LOG = (Path(__file__).parent / "book-log.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def book_run():
    return train(TrainConfig())


@pytest.fixture(scope="module")
def book_run_readable():
    return train(TrainConfig(), path="readable")


def weights_gap(first, second):
    return max(np.abs(getattr(first, n) - getattr(second, n)).max()
               for n in ("synapse_0", "synapse_h", "synapse_1"))


@pytest.mark.parametrize("fixture", ["book_run", "book_run_readable"])
def test_book_log_reproduced(fixture, request):
    """Both paths print the book's log byte for byte at its settings."""
    result = request.getfixturevalue(fixture)
    assert "".join(format_entry(e) for e in result.log) == BOOK_LOG


def test_fast_equals_readable(book_run, book_run_readable):
    """After 10,000 iterations the fast path's weights are within 1e-9 of the readable path's
    (they differ only in rounding: sums added in another order)."""
    assert weights_gap(book_run.params, book_run_readable.params) < 1e-9
    np.testing.assert_allclose(book_run.errors, book_run_readable.errors, atol=1e-9)


@pytest.mark.parametrize("config", [
    TrainConfig(seed=5, bits=4, hidden=3, alpha=2.0, iterations=3000, sampling="fixed"),
    TrainConfig(seed=11, bits=13, hidden=24, alpha=0.5, iterations=1500),
], ids=["small-fixed", "wide-book"])
def test_fast_equals_readable_elsewhere(config):
    """The two paths agree at other widths, sizes, rates and samplings too."""
    fast, readable = train(config), train(config, path="readable")
    assert weights_gap(fast.params, readable.params) < 1e-9


def test_records_errors_snapshots_and_log(book_run):
    """Every iteration's error, snapshots from iteration 0 to the end, a log entry every 800."""
    assert book_run.errors.shape == (10_000,) and book_run.status == "done"
    assert book_run.snapshot_iterations[0] == 0 and book_run.snapshot_iterations[-1] == 10_000
    assert len(book_run.snapshots) == len(book_run.snapshot_iterations) <= 201
    assert [e.iteration for e in book_run.log] == list(range(0, 10_000, 800))
    assert weights_gap(book_run.snapshots[-1], book_run.params) == 0


def test_snapshots_are_the_weights_of_a_shorter_run(book_run):
    """The snapshot at iteration k equals the final weights of a k-iteration run."""
    k = int(book_run.snapshot_iterations[7])
    shorter = train(TrainConfig(iterations=k))
    assert weights_gap(book_run.snapshots[7], shorter.params) == 0


def test_chunking_does_not_change_results():
    """Training in odd-sized chunks gives the same weights as one go."""
    config = TrainConfig(iterations=2345)
    training = Training(config)
    while not training.done:
        training.run(97)
    assert weights_gap(training.result().params, train(config).params) == 0


def test_progress_callback_can_cancel():
    """A callback returning False stops the run; the partial result says cancelled."""
    seen = []

    def progress(training):
        seen.append(training.iteration)
        return training.iteration < 3000
    result = train(TrainConfig(), progress=progress, report_every=1000)
    assert seen == [1000, 2000, 3000]
    assert result.status == "cancelled" and result.iterations_done == 3000


def test_zero_iterations():
    """No training at all is allowed: the start weights and an empty log."""
    result = train(TrainConfig(iterations=0))
    assert result.status == "done" and result.iterations_done == 0 and result.log == []


def test_divergence_is_detected(monkeypatch):
    """Weights that stop being finite numbers end the run as "diverged" at the next chunk."""
    import rnn.training as train_module
    real = train_module.init_params

    def poisoned(hidden, random_state):
        params = real(hidden, random_state)
        params.synapse_h[0, 0] = np.inf
        return params
    monkeypatch.setattr(train_module, "init_params", poisoned)
    result = train(TrainConfig(iterations=5000))
    assert result.status == "diverged"
    assert 0 < result.iterations_done < 5000 and len(result.errors) == result.iterations_done


def test_input_codes_become_exactly_the_bits():
    """The fast kernel writes the next step's bits as codes that its sigmoid turns into exactly
    1.0 and 0.0; the first step's bits go in as they are, and the last row is all zeros."""
    a_bits = np.array([[1, 0, 1, 1]], dtype=np.uint8)
    b_bits = np.array([[0, 1, 1, 0]], dtype=np.uint8)
    feed = input_feed(a_bits, b_bits)[0]  # (T + 1, 2)
    with np.errstate(over="ignore"):
        seen = 1 / (1 + np.exp(feed[1:]))
    np.testing.assert_array_equal(feed[0], [1, 0])
    np.testing.assert_array_equal(seen[:-1], np.stack([a_bits[0, 1:], b_bits[0, 1:]], axis=1))
    np.testing.assert_array_equal(seen[-1], [0, 0])


@pytest.mark.parametrize("path", sorted(KERNELS))
def test_kernels_are_the_books_sgd(path):
    """Either kernel, fed five problems through feed() and train(): the weights after five SGD
    steps are those of the book's equations written out in plain Python (tests/rnn/
    test_replay.py), the outputs those before each step; params() hands out copies."""
    params, alpha, width = init_params(3, np.random.RandomState(4)), 0.9, 6
    for weights in params.as_dict().values():
        weights *= 20.0  # big weights: every term matters
    problems = [(50, 13), (63, 0), (32, 31), (7, 7), (40, 9)]
    kernel = KERNELS[path](params, width)
    a, b = np.array(problems).T
    targets = to_bits(a - b, width).astype(np.float64)
    outputs = np.empty((len(problems), width))
    kernel.params().synapse_h[:] = 0  # a copy: changes nothing
    kernel.train(kernel.feed(to_bits(a, width), to_bits(b, width)), targets, alpha, outputs)
    expected = params.copy()
    for j, (x, y) in enumerate(problems):
        run = book_pass(expected, x, y, width)
        np.testing.assert_allclose(outputs[j], run["output"], rtol=1e-12)
        for name, weights in expected.as_dict().items():
            weights += alpha * np.array(run[name])
    for name, weights in expected.as_dict().items():
        np.testing.assert_allclose(getattr(kernel.params(), name), weights, rtol=1e-12,
                                   atol=1e-12)
