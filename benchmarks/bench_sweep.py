"""Speed and memory of sweeps: prints the figures the sweep issue asks for.

Run: ``python benchmarks/bench_sweep.py [--stream-samples 100000000]``

Memory: the peak numpy allocations of a sweep (traced) beside its outputs (goal: at most
three times the outputs plus 64 MiB), and a streamed run (``keep="stats"``) of up to
``--stream-samples`` samples in a fresh process, whose peak resident memory should stay
under 1 GiB.

The scenario: a won deal 2026-2030 indexed to ROK CPI two years back with a cap and a
floor, then a dollar deal from 2031 (a currency conversion), its rule rolled over to
2055: 30 years. Swept: cap, floor, USD/KRW and CPI constants (Latin hypercube).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

import sma_model as sma
from sma_model.model.parameters import parse_path, scenario_with

RANGES = {
    "agreements[0].escalation.cap": (0.03, 0.06),
    "agreements[0].escalation.floor": (-0.02, 0.02),
    "assumptions.usd_krw": (1200.0, 1600.0),
    "assumptions.cpi": (0.0, 0.04),
}


def scenario() -> sma.Scenario:
    won = sma.Agreement(
        name="won deal",
        start_year=2026,
        term_years=5,
        base=sma.Rise(rate=0.083),
        escalation=sma.Indexed(index="cpi", lag=2, cap=0.05, floor=0.0),
    )
    dollar = sma.Agreement(
        name="dollar deal",
        start_year=2031,
        term_years=5,
        base=None,
        currency="USD",
        escalation=sma.Indexed(index="cpi", lag=2, cap=0.05, floor=0.0),
    )
    return sma.Scenario(
        name="bench",
        agreements=[won, dollar],
        horizon=2055,
        assumptions=sma.Assumptions(cpi=0.02, usd_krw=1400.0, us_cpi=0.02),
    )


def timed(label: str, function, repeat: int = 3):
    best, result = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<58} {best:8.3f} s")
    return best, result


def peak_memory(function) -> int:
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def streamed_rss(m: int) -> tuple[float, int, int]:
    """Stream a grid of about ``m`` samples (``keep="stats"``) in a fresh process.

    Returns its wall time [s], its peak resident memory [bytes] and the samples run. The
    peak is the child's own ``VmHWM`` (``/proc/self/status``): the kernel's ``ru_maxrss``
    of a child also counts the memory of the parent it was forked from.
    """
    here = str(Path(__file__).resolve().parent)
    code = (
        f"import sys, numpy as np, sma_model as sma; sys.path.insert(0, {here!r}); "
        "from bench_sweep import RANGES, scenario; "
        f"g = {{p: np.linspace(lo, hi, round({m} ** 0.25)) for p, (lo, hi) in RANGES.items()}}; "
        "sma.sweep(scenario(), g, keep='stats', chunk_size=131_072, threshold=3e12, progress=False); "
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))"
    )
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - start
    count = round(m**0.25) ** 4
    return elapsed, int(done.stdout.split()[-1]) * 1024, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--loop-subset", type=int, default=300)
    parser.add_argument("--stream-samples", type=int, default=10_000_000)
    args = parser.parse_args()
    base, n = scenario(), args.samples
    n_years = 30
    print(f"sma_model {sma.__version__}; {n:,} samples x {n_years} years, 4 parameters (LHS)\n")

    sma.sweep(base, RANGES, method="lhs", n=1000, rng=1)  # warm up imports and caches
    table = dict(sma.sweep(base, RANGES, method="lhs", n=n, rng=1).frame[list(RANGES)].items())
    table = {p: v.to_numpy() for p, v in table.items()}

    def design() -> list[np.ndarray]:  # the numpy construction sweep(method="lhs") uses
        gens = [np.random.default_rng(np.random.SeedSequence(1, spawn_key=(k,))) for k in range(4)]
        return [(g.permutation(n) + g.random(n)) / n for g in gens]

    timed("Latin hypercube design alone (numpy: a permutation and a uniform per parameter)", design)
    t_zip, _ = timed(
        "sweep of given samples, summaries per sample", lambda: sma.sweep(base, table, method="zip")
    )
    t_paths, result = timed(
        "sweep of given samples, keeping every yearly path",
        lambda: sma.sweep(base, table, method="zip", keep="paths"),
    )
    timed(
        "sweep(method='lhs', n=1e6) end to end, summaries", lambda: sma.sweep(base, RANGES, method="lhs", n=n)
    )

    subset = args.loop_subset
    frame = result.frame.iloc[:subset]
    scenarios = [scenario_with(base, {parse_path(p): row[p] for p in RANGES}) for _, row in frame.iterrows()]
    start = time.perf_counter()
    totals = [sma.project(s).frame["payment_krw"].sum() for s in scenarios]
    loop = (time.perf_counter() - start) / subset * n
    assert np.allclose(totals, frame["total_krw"], rtol=1e-12)
    print(f"{'loop of sma.project, scaled from ' + str(subset) + ' samples':<58} {loop:8.1f} s")
    print(f"{'speed-up (loop / sweep with summaries)':<58} {loop / t_zip:8.0f} x")
    print(f"{'speed-up (loop / sweep keeping paths)':<58} {loop / t_paths:8.0f} x\n")

    output = n_years * n * 8
    del result
    peak = peak_memory(lambda: sma.sweep(base, table, method="zip", keep="paths"))
    print(f"{'float64 paths output (30 x 1e6)':<58} {output / 2**20:8.0f} MiB")
    label = "peak traced memory, sweep keeping paths"
    print(f"{label:<58} {peak / 2**20:8.0f} MiB ({peak / output:.2f}x output)")
    peak = peak_memory(lambda: sma.sweep(base, table, method="zip"))
    label = "peak traced memory, sweep with summaries"
    print(f"{label:<58} {peak / 2**20:8.0f} MiB ({peak / output:.2f}x output)\n")

    streamed = args.stream_samples
    for m in (streamed // 10, streamed):
        # a fresh process, so its peak resident memory is the run's (the kernel's accounting)
        elapsed, rss, count = streamed_rss(m)
        print(
            f"streamed grid, keep='stats', {count:>12,} samples: {elapsed:7.1f} s, "
            f"peak resident memory of the whole process {rss / 2**20:6.0f} MiB (goal < 1024 MiB)"
        )
    for m in (streamed // 10, streamed):
        g = {p: np.linspace(lo, hi, round(m**0.25)) for p, (lo, hi) in RANGES.items()}
        count = int(np.prod([len(v) for v in g.values()]))
        tracemalloc.start()
        start = time.perf_counter()
        out = sma.sweep(base, g, keep="stats", chunk_size=131_072, threshold=3e12, progress=False)
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(
            f"streamed grid, keep='stats', {count:>12,} samples: {elapsed:7.1f} s, "
            f"peak traced memory {peak / 2**20:6.0f} MiB; median 2055 payment "
            f"₩{out.percentiles([50]).iloc[-1, 0] / 1e9:,.0f}bn"
        )


if __name__ == "__main__":
    main()
