"""The compute service under a real server, in a real browser: a worker that freezes or dies under
a visitor's training, and a Redis setting that names no Redis.

Each test serves the app on its own (a frozen worker must not slow the other browser tests) and
finds the server's worker processes as its children running `compute.worker`.
"""
import os
import signal
import time
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip (or fail, under REQUIRE_BROWSER=1) and say why
    expect = None

from rnn import TrainConfig, train
from rnn.bits import from_bits
from rnn.evaluate import answer, score_width
from scripts.serving import start_app, stop_app, wait_for_script
from tests.e2e.test_browser import alert, metric_value

WORKER_SECONDS = 60  # the most a test waits for the server's workers to start


@contextmanager
def served(env=None):
    """A server of the test's own, warmed up: (process, URL, a function giving its log)."""
    process, url, log = start_app(env={**os.environ, **(env or {})})
    read = lambda: Path(log).read_text(encoding="utf-8", errors="replace")  # noqa: E731
    try:
        deadline = time.monotonic() + WORKER_SECONDS
        while "warmed up" not in read():
            assert time.monotonic() < deadline, read()[-2000:]
            time.sleep(0.2)
        yield process, url, read
    finally:
        stop_app(process)
        Path(log).unlink(missing_ok=True)


def workers(process):
    """The server's worker processes."""
    return [child for child in psutil.Process(process.pid).children(recursive=True)
            if "compute.worker" in " ".join(child.cmdline())]


def open_run(page, url, config):
    page.goto(f"{url}/?seed={config.seed}&hidden={config.hidden}"
              f"&iterations={config.iterations}")


def expect_results(page, config, timeout):
    """The training page of `config` shows its results: the final accuracy the core's own run
    scores here."""
    accuracy = score_width(train(config).params, config.bits).accuracy
    expect(metric_value(page, "Final accuracy")).to_have_text(f"{accuracy:.2%}",
                                                              timeout=timeout * 1000)


@pytest.mark.parametrize("how", [signal.SIGSTOP, signal.SIGKILL], ids=["frozen", "killed"])
def test_a_worker_lost_under_a_training_is_replaced_and_the_run_goes_on(new_page, how):
    """A worker frozen (SIGSTOP) or killed while it trains a visitor's run: the server replaces
    it, the run goes on elsewhere, the page says briefly that a computing process was replaced
    and shows the exact results within 15 s. The quick worker, lost too while idle, is replaced
    as well, and the calculator's answer is still the core's own."""
    config = TrainConfig(seed=41, hidden=48, iterations=40_000)  # about 1-2 s of training
    with served() as (process, url, log):
        before = {worker.pid for worker in workers(process)}
        assert len(before) >= 1
        page = new_page()
        open_run(page, url, config)
        expect(page.get_by_test_id("stProgress")).to_be_visible()
        asked = time.monotonic()
        for worker in workers(process):
            os.kill(worker.pid, how)
        expect(page.get_by_test_id("stToast").filter(
            has_text="A computing process stopped answering")).to_be_visible(timeout=20_000)
        expect_results(page, config, timeout=30)
        waited = time.monotonic() - asked
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Calculator").click()
        expect(metric_value(page, "Net's answer")).to_have_text(
            f"{from_bits(answer(train(config).params, 200, 57, 8)[1]):,}", timeout=30_000)
        deadline = time.monotonic() + WORKER_SECONDS
        while len({w.pid for w in workers(process)} - before) < len(before):
            assert time.monotonic() < deadline, log()[-2000:]
            time.sleep(0.2)
        assert waited < 15, f"results {waited:.1f} s after the workers were lost"
        assert "it is replaced and its request computed again" in log()
        for pid in before:  # a frozen one was killed by the server
            assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == "zombie"


def test_a_redis_setting_of_another_scheme_means_the_local_store(new_page):
    """RNN_REDIS_URL=http://...: the server says so once in its log and keeps its models in its
    own store; the pages work as without Redis."""
    with served({"RNN_REDIS_URL": "http://127.0.0.1:6379/0"}) as (process, url, log):
        page = new_page()
        page.goto(url)
        wait_for_script(page)
        expect(metric_value(page, "Final accuracy")).to_be_visible()
        expect(page.get_by_test_id("stException")).to_have_count(0)
        assert log().count("not a URL of redis://") == 1
        assert alert(page, "error").count() == 0
