"""Benchmark: `python -m rnn.bench [--listing PATH] [--repeat N] [--cost] [--calibrate]`.

Prints iterations per second of the readable and the fast path and their ratio, the time of the
book's settings in process and as a whole `python -m rnn` process, trainings stepped together
against in turns, scoring every pair against the whole grid, and, given the listing saved in
a file of your own (it is not part of this project), the listing against `python -m rnn`, run
alternately in one session so both see the same machine.

`--cost` prints, for the cost model of rnn.cost (which bounds what one visitor may ask the app
for), predicted against measured seconds of whole jobs; `--calibrate` measures the model's
constants on this machine by least squares over a grid of sizes and prints them.
"""
import argparse
import statistics
import subprocess
import sys
import time

import numpy as np

from . import cost
from .batch import BatchTraining, advance_together, train_batch
from .config import TrainConfig
from .curve import accuracy_curve
from .evaluate import correctness_grid, score_width
from .gradcheck import gradient_check
from .model import forward, init_params
from .sweep import run_sweep
from .training import Training, advance, train


def iterations_per_second(path, iterations, repeat):
    rates = []
    for _ in range(repeat):
        training = Training(TrainConfig(iterations=iterations), path=path)
        started = time.perf_counter()
        training.run(iterations)
        rates.append(iterations / (time.perf_counter() - started))
    return statistics.median(rates)


def products_only(models, hidden=16, steps=8, samples=2000):
    """Seconds per sample of the batched matrix products alone that `rnn.batch` makes for
    `models` models (8 forward, 8 backward, the output, the update), on arrays of its shapes."""
    rng = np.random.default_rng(0)
    rows = rng.random((steps + 1, models, hidden + 2))
    deltas = rng.random((steps + 1, models, hidden + 1))
    net = rng.random((models, hidden + 2, hidden + 1))
    fwd, back, w_out = net[:, :, :hidden], net[:, :hidden], net[:, :hidden, hidden:]
    states_m = rows[1:, :, :hidden].transpose(1, 0, 2)
    rows_m, deltas_m = rows.transpose(1, 2, 0), deltas.transpose(1, 0, 2)
    z_out, update = np.empty((models, steps, 1)), np.empty_like(net)
    rows_out, deltas_out = np.empty_like(rows), np.empty_like(deltas)  # inputs stay unchanged
    forward = [(rows[t][:, None], rows_out[t + 1][:, None, :hidden]) for t in range(steps)]
    backward = [(deltas[t + 1][..., None], deltas_out[t][:, :hidden, None])
                for t in range(steps)]
    matmul = np.matmul
    started = time.perf_counter()
    for _ in range(samples):
        for row, z in forward:
            matmul(row, fwd, z)
        matmul(states_m, w_out, z_out)
        for future, z in backward:
            matmul(back, future, z)
        matmul(rows_m, deltas_m, update)
    return (time.perf_counter() - started) / samples


def process_seconds(command):
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def seconds(work, repeat=3):
    """The median time of `work()` over `repeat` calls."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def fit(rows, times):
    """Least squares: the constants c with rows @ c closest to times, relative to each time."""
    rows, times = np.array(rows, dtype=float), np.array(times)
    constants, *_ = np.linalg.lstsq(rows / times[:, None], np.ones(len(times)), rcond=None)
    return constants


def calibrate():
    """Measure rnn.cost's constants here and print them."""
    rows, times = [], []
    for hidden in (1, 8, 16, 32, 64):
        for bits in (2, 8, 16):
            training = Training(TrainConfig(hidden=hidden, bits=bits, iterations=10**6))
            count = 2000
            times.append(seconds(lambda: training.run(count)) / count)
            rows.append([1, bits, bits * hidden**2])
    fast = fit(rows, times)
    rows, times = [], []
    for models in (4, 32):
        for hidden in (1, 16, 32):
            for bits in (4, 16):
                configs = [TrainConfig(seed=s, hidden=hidden, bits=bits, iterations=10**6)
                           for s in range(models)]
                training, count = BatchTraining(configs, 10**6), 500
                times.append(seconds(lambda: training.run(count)) / count)
                rows.append([1, bits, bits * models * hidden**2])
    batch = fit(rows, times)
    rows, times = [], []
    rng = np.random.RandomState(0)
    for hidden in (1, 16, 64):
        for bits in (2, 5, 8, 12, 16):
            params = init_params(hidden, rng)
            times.append(seconds(lambda: score_width(params, bits)))
            steps = cost.state_steps(bits)
            rows.append([1, steps, steps * hidden**2])
    score = fit(rows, times)
    rows, times = [], []
    for hidden in (1, 16, 64, 128):
        for bits in (4, 16):
            params = init_params(hidden, rng)
            a, b = np.ones(bits), np.zeros(bits)
            times.append(seconds(lambda: [forward(params, a, b, a) for _ in range(20)]) / 20)
            rows.append([bits, bits * hidden**2])
    readable = fit(rows, times)
    print(f"# measured by python -m rnn.bench --calibrate on {cost.CALIBRATED_ON.split(' (')[0]}")
    print("ITERATION, STEP, CELL = {:.2e}, {:.2e}, {:.2e}".format(*fast))
    print("BATCH_ITERATION, BATCH_STEP, BATCH_CELL = {:.2e}, {:.2e}, {:.2e}".format(*batch))
    print("SCORE, STATE, STATE_CELL = {:.2e}, {:.2e}, {:.2e}".format(*score))
    print("FORWARD_STEP, FORWARD_CELL = {:.2e}, {:.2e}".format(*readable))


COST_JOBS = [  # (what, predicted seconds, the job): whole jobs as the app runs them
    ("train + curve, 1 hidden, 2 bits, 100 it.", TrainConfig(hidden=1, bits=2, iterations=100)),
    ("train + curve, the book's settings", TrainConfig()),
    ("train + curve, 1 hidden, 16 bits, 100,000 it.",
     TrainConfig(hidden=1, bits=16, iterations=100_000)),
    ("train + curve, 64 hidden, 16 bits, 5,000 it.",
     TrainConfig(hidden=64, bits=16, iterations=5_000)),
    ("train + curve, 40 hidden, 8 bits, 60,000 it.",
     TrainConfig(hidden=40, bits=8, iterations=60_000)),
    ("train + curve, 32 hidden, 12 bits, 30,000 it.",
     TrainConfig(hidden=32, bits=12, iterations=30_000)),
    ("train + curve, 64 hidden, 4 bits, 40,000 it.",
     TrainConfig(hidden=64, bits=4, iterations=40_000)),
    ("train + curve, 64 hidden, 16 bits, 75,000 it.",
     TrainConfig(hidden=64, bits=16, iterations=75_000)),
]
COST_SWEEPS = [
    ("sweep, 32 seeds, 16 hidden, 8 bits, 10,000 it.",
     [TrainConfig(seed=s, iterations=10_000) for s in range(32)]),
    ("sweep, 7 hidden sizes 1-32, 8 bits, 20,000 it.",
     [TrainConfig(hidden=h, iterations=20_000) for h in (1, 2, 3, 4, 8, 16, 32)]),
    ("sweep, 7 rates, 64 hidden, 16 bits, 2,000 it.",
     [TrainConfig(hidden=64, bits=16, alpha=a, iterations=2_000)
      for a in (0.1, 0.3, 0.5, 0.9, 1.5, 2.5, 4.0)]),
]


def cost_table():
    """Predicted against measured seconds of whole jobs (rnn.cost against this machine)."""
    def job(config):
        accuracy_curve(train(config))

    def check(hidden, bits, weights):
        params = init_params(hidden, np.random.RandomState(0))
        a = np.ones(bits)
        gradient_check(params, a, a * 0, a, budget=weights)
    rows = [(what, cost.job_seconds(config), lambda c=config: job(c))
            for what, config in COST_JOBS]
    rows += [(what, cost.sweep_seconds(configs), lambda c=configs: run_sweep(c))
             for what, configs in COST_SWEEPS]
    for hidden, bits in ((16, 8), (256, 8), (64, 16)):
        weights = min(cost.weights_within(1.0, hidden, bits), hidden * (hidden + 3))
        rows.append((f"gradient check, {hidden} hidden, {bits} bits, {weights:,} weights",
                     cost.gradient_check_seconds(hidden, bits, weights),
                     lambda h=hidden, b=bits, w=weights: check(h, b, w)))
    print(f"cost model (rnn.cost), constants measured on: {cost.CALIBRATED_ON}")
    print(f"{'job':52s} {'predicted':>10s} {'measured':>10s} {'ratio':>6s}")
    for what, predicted, work in rows:
        measured = seconds(work, repeat=1)
        print(f"{what:52s} {predicted:9.2f}s {measured:9.2f}s {measured / predicted:6.2f}",
              flush=True)


def together_and_apart(repeat, count=4, hidden=16, iterations=2000):
    """Steps of `count` separate trainings (other seeds and points) computed in one call, as the
    app's pool does when they wait at once (rnn.batch.advance_together), against in turns."""
    requests = []
    for number in range(count):
        run = Training(TrainConfig(seed=number, hidden=hidden))
        run.run(500 * number)
        requests.append(run.advance_args(iterations))
    together = seconds(lambda: advance_together(requests), repeat)
    apart = seconds(lambda: [advance(*request) for request in requests], repeat)
    print(f"{count} trainings of {hidden} units, one step of {iterations:,} iterations each: "
          f"together (rnn.batch.advance_together) {together:.3f} s, in turns {apart:.3f} s "
          f"({apart / together:.1f}x)")


def scoring(repeat):
    """The one scoring rule on every 8-bit pair a >= b, against the whole grid (a < b too) that
    it once ran (rnn.evaluate.correctness_grid)."""
    params = train(TrainConfig(iterations=2000)).params
    pairs = seconds(lambda: score_width(params, 8), 5 * repeat)
    grid = seconds(lambda: correctness_grid(params, 8), 5 * repeat)
    print(f"scoring every 8-bit pair a >= b (16 units): {1000 * pairs:.1f} ms; the whole grid, "
          f"a < b too: {1000 * grid:.1f} ms ({grid / pairs:.1f}x)")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m rnn.bench")
    parser.add_argument("--listing", help="a file holding the book's listing as printed")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cost", action="store_true",
                        help="only the cost model: predicted against measured seconds")
    parser.add_argument("--calibrate", action="store_true",
                        help="only measure the cost model's constants here and print them")
    args = parser.parse_args(argv)
    repeat = max(1, args.repeat)
    if args.calibrate:
        return calibrate()
    if args.cost:
        return cost_table()

    readable = iterations_per_second("readable", 2000, repeat)
    fast = iterations_per_second("fast", 10_000, repeat)
    print(f"readable path: {readable:10,.0f} iterations/s")
    print(f"fast path:     {fast:10,.0f} iterations/s   ({fast / readable:.1f}x the readable path)")
    print(f"book's settings (10,000 iterations) in process: {10_000 / fast:.3f} s")

    single, batch = [], []
    seeds = [TrainConfig(seed=s) for s in range(32)]
    for _ in range(max(1, repeat // 2)):
        started = time.perf_counter()
        train(seeds[0])
        single.append(time.perf_counter() - started)
        started = time.perf_counter()
        train_batch(seeds)
        batch.append(time.perf_counter() - started)
    one, all32 = statistics.median(single), statistics.median(batch)
    print(f"32 seeds side by side (rnn.batch): {all32:.3f} s = {all32 / one:.1f} single runs "
          f"of {one:.3f} s ({32 * one / all32:.1f}x faster than 32 runs one after another)")
    products = statistics.median(products_only(32) for _ in range(repeat)) * 10_000
    print(f"  of which the 18 batched matrix products per sample alone: {products:.3f} s "
          f"= {products / one:.1f} single runs (a floor for NumPy)")

    together_and_apart(repeat)
    scoring(repeat)

    ours = [sys.executable, "-m", "rnn"]
    if args.listing:
        listing = [sys.executable, args.listing]
        pairs = [(process_seconds(listing), process_seconds(ours)) for _ in range(repeat)]
        theirs = statistics.median(p[0] for p in pairs)
        mine = statistics.median(p[1] for p in pairs)
        print(f"listing as printed, whole process: {theirs:.3f} s (median of {repeat})")
        print(f"python -m rnn, whole process:      {mine:.3f} s (median of {repeat})")
        print(f"ratio: python -m rnn is {theirs / mine:.1f}x faster than the listing")
    else:
        mine = statistics.median(process_seconds(ours) for _ in range(repeat))
        print(f"python -m rnn, whole process: {mine:.3f} s (median of {repeat})")


if __name__ == "__main__":
    main()
