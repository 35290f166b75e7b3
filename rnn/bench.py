"""Benchmark: `python -m rnn.bench [--listing PATH] [--repeat N]`.

Prints iterations per second of the readable and the fast path and their ratio, the time of the
book's settings in process and as a whole `python -m rnn` process, and, given the listing saved in
a file of your own (it is not part of this project), the listing against `python -m rnn`, run
alternately in one session so both see the same machine.
"""
import argparse
import statistics
import subprocess
import sys
import time

import numpy as np

from .batch import train_batch
from .config import TrainConfig
from .training import Training, train


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


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m rnn.bench")
    parser.add_argument("--listing", help="a file holding the book's listing as printed")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    repeat = max(1, args.repeat)

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
