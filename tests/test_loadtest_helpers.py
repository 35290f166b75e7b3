"""The load test's pure helpers (scripts/loadtest.py): the largest allowed run, the --freeze nets,
which process is stopped, what the cookieless sessions saw, the --memory table. No server runs."""
import pytest

from compute.jobs import JOB_SECONDS
from rnn import TrainConfig, cost
from scripts import loadtest
from scripts.protocol import Visit


def test_largest_run_is_the_most_iterations_within_the_app_limit():
    config = loadtest.largest_run(7)
    assert (config.seed, config.hidden, config.bits) == (7, 64, 16)
    assert config.iterations % 100 == 0 and 100 <= config.iterations <= 100_000
    assert cost.job_seconds(config) <= JOB_SECONDS
    bigger = TrainConfig(hidden=64, bits=16, iterations=config.iterations + 100)
    assert config.iterations == 100_000 or cost.job_seconds(bigger) > JOB_SECONDS
    assert loadtest.JOB_LIMIT == JOB_SECONDS  # the limit is the app's


def test_largest_iterations_at_other_limits():
    assert loadtest.largest_iterations(1e9) == 100_000  # the field's top
    smallest = cost.job_seconds(TrainConfig(hidden=64, bits=16, iterations=100))
    assert loadtest.largest_iterations(smallest) == 100
    with pytest.raises(ValueError):
        loadtest.largest_iterations(smallest / 2)


def test_query_of_names_the_whole_configuration():
    query = loadtest.query_of(TrainConfig(seed=5, hidden=64, bits=16, iterations=77_400))
    assert query == "seed=5&hidden=64&bits=16&iterations=77400"


def test_cookieless_seeds_are_never_shared():
    seeds = []
    for pair in range(loadtest.PAIRS):
        hostile, alone, beside = loadtest.cookieless_seeds(pair)
        assert len(hostile) == loadtest.HOSTILE_SESSIONS
        seeds += hostile + [alone, beside]
    assert len(seeds) == len(set(seeds))


def test_freeze_configs_train_from_one_to_two_seconds_at_8_bits():
    baseline, frozen = loadtest.freeze_configs(300), loadtest.freeze_configs(400)
    assert len(baseline) == len(frozen) == loadtest.FREEZE_VISITORS
    for first, second in zip(baseline, frozen):
        assert first.bits == 8 and first.iterations % 100 == 0
        assert (first.hidden, first.iterations) == (second.hidden, second.iterations)
        assert 0.95 <= cost.training_seconds(first) <= 2.05
    estimates = [cost.training_seconds(c) for c in baseline]
    assert estimates == sorted(estimates) and estimates[-1] - estimates[0] > 0.8
    assert not {c.seed for c in baseline} & {c.seed for c in frozen}
    assert len({c.seed for c in baseline}) == loadtest.FREEZE_VISITORS


def test_pick_worker_prefers_a_compute_worker():
    found = [(10, "/usr/bin/python -m something.else"),
             (12, "/venv/bin/python -m compute.worker 15"),
             (11, "/venv/bin/python -m compute.worker 13")]
    assert loadtest.pick_worker(found) == (12, True)  # the first listed (descendants sorts them)
    assert loadtest.pick_worker(found[:1]) == (10, False)
    assert loadtest.pick_worker([]) == (None, False)


def visit(alerts=(), errors=(), results=None):
    shown = Visit(100.0, ("Your place in line:",))
    shown.alerts, shown.errors = list(alerts), list(errors)
    if results is not None:
        shown.seen[loadtest.RESULTS] = 100.0 + results
    shown.finished = 100.0 + (results or 0.1)
    return shown


def test_results_seconds_and_notices():
    assert loadtest.results_seconds(visit(results=1.5)) == pytest.approx(1.5)
    assert loadtest.results_seconds(visit()) is None
    line = ("Your place in line:",)
    shown = visit(alerts=["Your place in line: 3", "Refused."], errors=["exception shown: X"])
    assert loadtest.notices(shown, line) == ["Refused.", "exception shown: X"]


def test_outcome_counts_tallies_each_text_once_per_session():
    line = ("Your place in line:",)
    outcomes = [visit(results=6.0), visit(alerts=["Refused.", "Refused."]),
                visit(alerts=["Refused.", "Your place in line: 2"]),
                visit(errors=["alert: This app has encountered an error"]),
                TimeoutError("timeout: no end")]
    counts = loadtest.outcome_counts(outcomes, line)
    assert (counts["ended"], counts["results"], counts["errors"]) == (4, 1, 1)
    assert [type(e) for e in counts["failed"]] == [TimeoutError]
    assert counts["shown"] == [("Refused.", 2), ("alert: This app has encountered an error", 1)]


def test_memory_table_server_workers_sum_and_each_worker():
    server = [100.0, 150.0, 140.0]
    each = [{1: 50.0, 2: 60.0}, {1: 300.0, 2: 70.0}, {2: 80.0, 3: 55.0}]
    rows = {name: (peak, end) for name, peak, end in loadtest.memory_table(server, each)}
    assert rows["server"] == (150.0, 140.0)
    assert rows["workers"] == (370.0, 135.0)
    assert rows["server + workers"] == (520.0, 275.0)
    assert rows["worker 1"] == (300.0, None)  # gone by the last sample (retired)
    assert rows["worker 2"] == (80.0, 80.0) and rows["worker 3"] == (55.0, 55.0)


def test_modes_are_one_at_a_time():
    for argv in (["--cookieless", "--freeze"], ["--memory", "--class"], ["--runs", "3"],
                 ["--freeze", "--servers", "2"], ["--memory", "--runs", "0"]):
        with pytest.raises(SystemExit):
            loadtest.main(argv)


def test_every_seed_is_one_the_app_takes():
    seeds = [seed for pair in range(loadtest.PAIRS) for seeds in loadtest.cookieless_seeds(pair)
             for seed in (seeds if isinstance(seeds, list) else [seeds])]
    seeds += [c.seed for first in (300, 400) for c in loadtest.freeze_configs(first)]
    runs = loadtest.MAX_SEED - loadtest.MEMORY_SEED + 1
    seeds += [loadtest.MEMORY_SEED, loadtest.MEMORY_SEED + runs - 1]
    assert all(0 <= seed <= loadtest.MAX_SEED for seed in seeds)
    with pytest.raises(SystemExit):
        loadtest.main(["--memory", "--runs", str(runs + 1)])


def test_trained_counts_the_configurations_the_log_says_were_trained():
    one, two = loadtest.largest_run(1000), loadtest.largest_run(1001)
    log = (f"2026-12-05 07:00:25.721 training {one!r}\n"
           f"2026-12-05 07:00:32.597 trained in 4.28 s: {one!r}\n"
           f"2026-12-05 07:00:33.000 training {two!r}\n")
    assert loadtest.trained(log, [one, two]) == 1
    assert loadtest.trained("", [one]) == 0


def test_freeze_configs_follow_the_visitor_count(monkeypatch):
    assert len(loadtest.freeze_configs(300, count=3)) == 3
    monkeypatch.setattr(loadtest, "FREEZE_VISITORS", 4)  # read at the call, not at import
    assert [c.seed for c in loadtest.freeze_configs(300)] == [300, 301, 302, 303]


def test_the_largest_run_follows_the_servers_measured_speed(monkeypatch):
    """The server's log line of its speed becomes the load test's (read up by half the last
    logged decimal), and the largest run is then within the limit at that speed; no line: the
    speed is left as it was."""
    monkeypatch.setattr(loadtest.cost, "speed", 1.0)
    loadtest.largest_iterations.cache_clear()
    at_one = loadtest.largest_iterations()
    log = ("2026-12-05 09:00:00.000 this machine takes 1.250x the time of 2 cores (rnn.cost); "
           "job limits scaled to it\n")
    assert loadtest.server_speed("nothing of the kind\n") is None and loadtest.cost.speed == 1.0
    assert loadtest.server_speed(log) == pytest.approx(1.2505)
    slower = loadtest.largest_iterations()
    assert slower < at_one
    assert cost.job_seconds(loadtest.largest_run(0)) <= JOB_SECONDS
    loadtest.largest_iterations.cache_clear()
