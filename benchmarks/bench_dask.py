"""The dask backend on a LocalCluster of two worker processes, beside the local run.

Run: ``python benchmarks/bench_dask.py [--runs 5] [--samples 1e6 1e7] [--malloc] [--network] [--stream]``

For each size, a grid of bench_sweep's scenario (4 parameters, ``round(n ** 0.25) ** 4``
samples: 1,048,576 and 9,834,496), a Latin hypercube of ``n`` samples (its values travel
with the tasks) and a ``monte_carlo`` run of ``n`` samples (CPI ~ Normal) run with
``backend="dask"`` on ``LocalCluster(n_workers=2, threads_per_worker=1)`` and locally
(two threads), interleaved (local, dask, local, dask …) in the same process; the ratio is
taken pair by pair and printed as the median with the min-max spread. The frames are
compared first: they must be equal. Wall time is the figure (the work is spread over
processes); CPU time is printed beside it: the local process's, and for dask the
client's (which also runs the scheduler) plus the workers'.

``--malloc``: each figure again on workers started with :data:`MALLOC` in their
environment (glibc reuses freed memory; see docs/user-guide/dask.md).

``--network``: each figure again with the shared-memory short cut off (no segment is made,
as where ``/dev/shm`` is missing or full), so every chunk's results travel through the
scheduler's connections, as they do from a worker on another machine.

``--stream``: ``--stream-samples`` (1e8) samples of a grid streamed with ``keep="stats"``,
through a fresh cluster and locally in a fresh process: wall time and the peak resident
memory (``VmHWM`` of ``/proc/self/status``) of each worker process, of the local process.

``dask_rows(runs, n)`` gives the rows for ``benchmarks/run.py``. Not part of the tests.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_sweep import RANGES, scenario  # noqa: E402
from tables import load_average as _load  # noqa: E402
from tables import print_table  # noqa: E402

import sma_model as sma  # noqa: E402
from sma_model.sweeps import shared  # noqa: E402
from sma_model.sweeps.chunks import DASK_CHUNK  # noqa: E402

Row = tuple[str, str, str, str, str, str]
GOAL = 1.3  # the dask run at most this many times the local run's wall time
#: Worker environment for ``--malloc``: glibc keeps freed memory for reuse instead of the
#: 64 KiB trim threshold distributed sets by default (every large array a fresh mapping).
MALLOC = {"MALLOC_TRIM_THRESHOLD_": str(2**30), "MALLOC_MMAP_THRESHOLD_": str(2**25)}
SHM_DIR = shared.SHM_DIR


@contextmanager
def cluster(workers: int = 2, env: dict[str, str] | None = None) -> Iterator[Any]:
    """A client of a fresh ``LocalCluster(n_workers=workers, threads_per_worker=1)``."""
    from distributed import Client, LocalCluster

    options = {"dashboard_address": None} if env is None else {"dashboard_address": None, "env": env}
    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, **options) as local,
        Client(local) as client,
    ):
        yield client


def grid(n: float) -> dict[str, np.ndarray]:
    """bench_sweep's four parameters, ``round(n ** 0.25)`` values each."""
    k = round(n**0.25)
    return {p: np.linspace(lo, hi, k) for p, (lo, hi) in RANGES.items()}


def _workers_cpu(client: Any) -> float:
    """User + system CPU seconds of every worker process so far."""

    def used() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    return sum(client.run(used).values())


def _spread(values: list[float], unit: str = "s") -> str:
    return f"{statistics.median(values):.3g} {unit} ({min(values):.3g}-{max(values):.3g})"


def paired_runs(client: Any, run: Callable[[str], Any], runs: int) -> dict[str, list[float]]:
    """Wall and CPU seconds of ``run("local")`` and ``run("dask")``, interleaved, after a check.

    The check: one run of each, whose frames must be equal (it also warms both up).
    """
    pd.testing.assert_frame_equal(run("dask").frame, run("local").frame)
    times: dict[str, list[float]] = {"local": [], "dask": [], "local_cpu": [], "dask_cpu": []}
    for _ in range(runs):
        for backend in ("local", "dask"):
            workers = _workers_cpu(client) if backend == "dask" else 0.0
            wall, cpu = time.perf_counter(), time.process_time()
            run(backend)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if backend == "dask":
                cpu += _workers_cpu(client) - workers
            times[backend].append(wall)
            times[f"{backend}_cpu"].append(cpu)
    return times


def _row(label: str, times: dict[str, list[float]]) -> Row:
    ratios = [d / loc for d, loc in zip(times["dask"], times["local"])]
    ratio = f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})"
    met = "met" if statistics.median(ratios) <= GOAL else "NOT met"
    local = "local " + _spread(times["local"])
    return (label, _spread(times["dask"]), local, ratio, f"<= {GOAL}x local", met)


def dask_rows(
    runs: int, n: int, chunk_size: int | None = None, malloc: bool = False, network: bool = False
) -> list[Row]:
    """Rows (figure, dask, local, ratio, goal, met) for ``benchmarks/run.py``.

    A grid, a Latin hypercube and a Monte Carlo run of ``n`` samples x 30 years, each on
    dask and locally, interleaved.

    Parameters
    ----------
    runs
        Pairs of (local, dask) runs timed, interleaved.
    n
        Samples: the grid has ``round(n ** 0.25) ** 4``, the others ``n``.
    chunk_size
        The dask run's chunk size [samples]; None takes the default (``DASK_CHUNK``).
    malloc
        Start the workers with :data:`MALLOC` in their environment.
    network
        Turn off the shared-memory short cut: every result travels over the network.
    """
    base, values = scenario(), grid(n)
    count = int(np.prod([len(v) for v in values.values()]))
    cpi = {"cpi": sma.Normal(mean=0.02, sd=0.01)}
    figures: dict[str, Callable[..., Any]] = {
        f"grid of {count:,}": lambda **k: sma.sweep(base, values, **k),
        f"LHS of {n:,}": lambda **k: sma.sweep(base, RANGES, "lhs", n=n, rng=1, **k),
        f"monte_carlo of {n:,}": lambda **k: sma.monte_carlo(base, n, 1, cpi, keep="samples", **k),
    }
    where = "LocalCluster(n_workers=2, threads_per_worker=1" + (", env=MALLOC)" if malloc else ")")
    where += ", over the network" if network else ""
    shared.SHM_DIR = "/nonexistent/shm" if network else SHM_DIR
    rows = []
    with cluster(env=MALLOC if malloc else None) as client:
        for label, figure in figures.items():

            def run(backend: str, figure: Callable[..., Any] = figure) -> Any:
                size = chunk_size if backend == "dask" else None
                return figure(backend=backend, chunk_size=size, progress=False)

            times = paired_runs(client, run, runs)
            rows.append(_row(f"{label} x 30 years on {where} vs local", times))
            cpu = [d / loc for d, loc in zip(times["dask_cpu"], times["local_cpu"])]
            print(
                f"{rows[-1][0]}\n    dask {rows[-1][1]} | {rows[-1][2]} | ratio {rows[-1][3]} | "
                f"goal {rows[-1][4]}: {rows[-1][5]}\n    CPU: dask (client + workers) "
                f"{_spread(times['dask_cpu'])}, local {_spread(times['local_cpu'])}, "
                f"ratio {statistics.median(cpu):.2f}x; load {_load()}",
                flush=True,
            )
    return rows


# -- 1e8 streamed ------------------------------------------------------------------------


def _peak_resident() -> int:
    """This process's peak resident memory [bytes] (``VmHWM``)."""
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM"))


def _resident() -> int:
    """This process's resident memory now [bytes] (``VmRSS``)."""
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS"))


def streamed(n: float, runs: int, malloc: bool = False) -> None:
    """``n`` samples of a grid streamed (``keep="stats"``): locally in a fresh process, then on dask."""
    values = grid(n)
    count = int(np.prod([len(v) for v in values.values()]))
    arguments = "keep='stats', threshold=3e12, progress=False"
    code = (
        f"import sys, time, numpy as np, sma_model as sma; sys.path.insert(0, {str(HERE)!r}); "
        "from bench_sweep import scenario; from bench_dask import grid, _peak_resident; "
        f"g = grid({n!r}); t = time.perf_counter(); r = sma.sweep(scenario(), g, {arguments}); "
        "print(time.perf_counter() - t, _peak_resident(), r.percentiles([50]).iloc[-1, 0])"
    )
    print(f"\n{count:,} samples x 30 years streamed (keep='stats'), {runs} run(s) each; load {_load()}")
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        wall, peak, median = (float(x) for x in out.stdout.split())
        print(
            f"    local (2 threads, fresh process): {wall:.1f} s, peak resident {peak / 2**20:.0f} MiB, "
            f"median 2055 payment {median:.6e}",
            flush=True,
        )
        for env in (None, MALLOC) if malloc else (None,):
            with cluster(env=env) as client:
                before = client.run(_resident)
                start = time.perf_counter()
                result = sma.sweep(scenario(), values, backend="dask", keep="stats", threshold=3e12)
                elapsed = time.perf_counter() - start
                peaks = client.run(_peak_resident)
            remote = result.percentiles([50]).iloc[-1, 0]
            print(
                f"    dask (2 workers{', env=MALLOC' if env else ''}, fresh cluster): {elapsed:.1f} s "
                f"({elapsed / wall:.2f}x local), peak resident per worker "
                + ", ".join(f"{peaks[w] / 2**20:.0f} MiB (at start {before[w] / 2**20:.0f})" for w in peaks)
                + f"; median 2055 payment {remote:.6e} ({'same' if remote == median else 'DIFFERENT'}); "
                f"load {_load()}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="pairs of timed runs per figure (default 5)")
    parser.add_argument(
        "--samples", type=float, nargs="*", default=[1e6, 1e7], help="default 1e6 1e7; none: skip"
    )
    parser.add_argument("--chunk-size", type=int, default=None, help=f"dask chunk (default {DASK_CHUNK:,})")
    parser.add_argument("--malloc", action="store_true", help="also on workers started with MALLOC")
    parser.add_argument("--network", action="store_true", help="also with shared memory off")
    parser.add_argument("--stream", action="store_true", help="also stream --stream-samples through dask")
    parser.add_argument("--stream-samples", type=float, default=1e8)
    parser.add_argument("--stream-runs", type=int, default=1)
    args = parser.parse_args()
    print(
        f"nproc {len(os.sched_getaffinity(0))}; load average {_load()}; sma_model {sma.__version__}; "
        f"dask chunk {args.chunk_size or DASK_CHUNK:,} samples; {args.runs} pairs per figure\n"
    )
    rows = []
    for n in args.samples:
        for malloc in (False, True) if args.malloc else (False,):
            for network in (False, True) if args.network else (False,):
                rows += dask_rows(args.runs, int(n), args.chunk_size, malloc, network)
    if args.stream:
        streamed(args.stream_samples, args.stream_runs, args.malloc)
    print(f"\nload average now {_load()}\n")
    print_table(rows, "dask", "local")


if __name__ == "__main__":
    main()
