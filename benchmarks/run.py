"""Each speed figure of sma_model beside its floor, measured in the same run.

Run: ``python benchmarks/run.py`` (a few minutes on two cores; ``--quick`` for fewer runs).

Every figure is timed several times, interleaved with its floor (figure, floor, figure,
floor …) so that a change in the machine's speed hits both alike; the ratio is taken pair
by pair and printed as the median with the min-max spread. The floors are the least work
that gives the same answer: ``import pandas`` for the import; a bare numpy loop over the
same years doing the same capped-CPI arithmetic for projections and sweeps; for the CLI, a
process that imports pandas and matplotlib and saves one line to a PNG (and, to show
what any command drawing with matplotlib costs here, matplotlib alone saving that line).

``--dask`` adds the dask backend on a two-worker LocalCluster against the local run
(``benchmarks/bench_dask.py``, about 3 minutes at 1e7 samples); ``--ema`` adds the EMA
Workbench comparison (``benchmarks/bench_ema.py``; needs the Workbench in its own venv,
``--ema-python``). Not part of the test suite. Memory and streaming are in
``benchmarks/bench_sweep.py``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_sweep import RANGES, scenario  # noqa: E402
from tables import load_average as _load  # noqa: E402
from tables import print_table  # noqa: E402

import sma_model as sma  # noqa: E402
from sma_model.engine import kernel_numba  # noqa: E402

FIVE = ["status-quo", "demand-5b", "demand-10b", "rise-13.9", "lapse"]
CAP, FLOOR, FX, CPI = RANGES  # the four swept paths, in bench_sweep's order
ROWS: list[tuple[str, str, str, str, str, str]] = []
#: The scenario's first payment (2025's published amount +8.3 %) and the record's ROK CPI.
BASE_2026 = float(sma.project(scenario()).frame["payment_krw"].iloc[0])
_CPI = sma.history.macro_series("rok_cpi_inflation")
KNOWN_CPI = dict(zip(_CPI.index.astype(int).tolist(), _CPI.to_numpy(float).tolist()))


# -- timing ------------------------------------------------------------------------------


def _per_call(function: Callable[[], Any], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        function()
    return (time.perf_counter() - start) / calls


def paired(
    figure: Callable[[], Any], floor: Callable[[], Any], runs: int, calls: int = 1
) -> tuple[list[float], list[float]]:
    """``runs`` timings of each, interleaved; each timing the mean of ``calls`` calls."""
    figure(), floor()  # warm up
    a, b = [], []
    for _ in range(runs):
        a.append(_per_call(figure, calls))
        b.append(_per_call(floor, calls))
    return a, b


def _process(command: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + sys) seconds of one whole process, from the kernel's accounting."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, env={**os.environ, "MPLBACKEND": "Agg"})
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, command)
    return wall, usage.ru_utime + usage.ru_stime


def paired_commands(
    figure: list[str], floor: list[str], runs: int
) -> tuple[list[float], list[float], list[float], list[float]]:
    """Wall seconds of each (interleaved), then CPU seconds of each."""
    (a, a_cpu), (b, b_cpu) = interleaved_commands([figure, floor], runs)
    return a, b, a_cpu, b_cpu


def interleaved_commands(commands: list[list[str]], runs: int) -> list[tuple[list[float], list[float]]]:
    """Each command's wall seconds and CPU seconds over ``runs`` rounds, one of each in turn."""
    for command in commands:  # warm up
        _process(command)
    times: list[list[tuple[float, float]]] = [[] for _ in commands]
    for _ in range(runs):
        for command, timed in zip(commands, times):
            timed.append(_process(command))
    return [([t[0] for t in timed], [t[1] for t in timed]) for timed in times]


def _spread(values: list[float], scale: float, unit: str) -> str:
    med = statistics.median(values)
    return f"{med * scale:.3g} {unit} ({min(values) * scale:.3g}-{max(values) * scale:.3g})"


def report(
    label: str,
    a: list[float],
    b: list[float],
    goal: str,
    ratio_goal: float | None = None,
    absolute_goal: float | None = None,
) -> None:
    """Print and keep one row: the figure, its floor, the ratio pair by pair, the goal."""
    scale, unit = (1e3, "ms") if statistics.median(a) < 1 else (1.0, "s")
    ratios = [x / y for x, y in zip(a, b)]
    ratio = f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})"
    if ratio_goal is not None:
        met = statistics.median(ratios) <= ratio_goal
    else:
        assert absolute_goal is not None
        met = statistics.median(a) <= absolute_goal
    row = (label, _spread(a, scale, unit), _spread(b, scale, unit), ratio, goal, "met" if met else "NOT met")
    ROWS.append(row)
    print(f"{label}\n    sma_model {row[1]} | floor {row[2]} | ratio {row[3]} | goal {goal}: {row[5]}")


# -- floors --------------------------------------------------------------------------------


def capped_cpi_floor(
    n: int, cap: np.ndarray, floor: np.ndarray, fx: np.ndarray, cpi: np.ndarray, paths: bool = False
) -> tuple[np.ndarray, ...]:
    """bench_sweep's scenario as a bare numpy loop over its 30 years, per-sample vectors.

    2026: the 2025 payment +8.3 %; 2027-2030: ROK CPI two years back clipped to the swept
    [floor, cap]; 2031-2055: the same index clipped to [0, 5 %], paid in dollars at the
    sample's exchange rate. ``cpi`` is per sample (n,) or per year and sample (30, n).
    """
    years = range(2026, 2056)
    level = np.full(n, BASE_2026)
    out = np.empty((len(years), n)) if paths else None
    total = level.copy()
    if out is not None:
        out[0] = level
    for t, year in enumerate(years):
        if t == 0:
            continue
        known = KNOWN_CPI.get(year - 2)  # the record's CPI where it has the year, else the sample's
        index = known if known is not None else cpi if cpi.ndim == 1 else cpi[t - 2]
        low, high = (floor, cap) if year <= 2030 else (0.0, 0.05)
        rate = np.minimum(np.maximum(index, low), high)
        rate += 1.0
        if out is not None:
            np.multiply(level, rate, out=out[t])
            level = out[t]
        else:
            level *= rate
        total += level
    return total, total / fx, level, level / fx


def _single_floor(n_years: int, n: int = 1) -> Callable[[], Any]:
    """A projection's least work: a year loop over ``n`` scenarios writing KRW and USD rows."""
    cap, floor, cpi, fx = np.full(n, 0.05), np.zeros(n), np.full(n, 0.02), np.full(n, 1400.0)

    def run() -> tuple[np.ndarray, np.ndarray]:
        krw = np.empty((n_years, n))
        krw[0] = 1.5e12
        for t in range(1, n_years):
            krw[t] = krw[t - 1] * (1.0 + np.minimum(np.maximum(cpi, floor), cap))
        return krw, krw / fx

    return run


# -- the figures ---------------------------------------------------------------------------


def machine() -> None:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    print(f"machine: nproc {len(os.sched_getaffinity(0))}, {model}; load average {_load()}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, sma_model {sma.__version__}\n")


def import_time(runs: int) -> None:
    python = sys.executable
    a, b, a_cpu, b_cpu = paired_commands(
        [python, "-c", "import sma_model"], [python, "-c", "import pandas"], runs
    )
    report("import sma_model vs import pandas (whole process, wall)", a, b, "<= 1.3x", ratio_goal=1.3)
    report("import sma_model vs import pandas (whole process, CPU)", a_cpu, b_cpu, "<= 1.3x", ratio_goal=1.3)
    # the import is lazy (SPEC 1): the first use of a public name loads the core, so measure that too
    first_use = "import sma_model as sma; sma.Scenario"
    a, b, a_cpu, b_cpu = paired_commands([python, "-c", first_use], [python, "-c", "import pandas"], runs)
    report(
        "import sma_model + first use (sma.Scenario) vs import pandas (CPU)",
        a_cpu,
        b_cpu,
        "<= 1.3x",
        ratio_goal=1.3,
    )
    done = subprocess.run(
        [python, "-X", "importtime", "-c", "import sma_model"], capture_output=True, text=True
    )
    selfs: Counter[str] = Counter()
    own: list[tuple[int, str]] = []
    for line in done.stderr.splitlines()[1:]:
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if match:
            selfs[match[4].split(".")[0]] += int(match[1])
            if match[4].startswith("sma_model"):
                own.append((int(match[1]), match[4]))
    total = sum(selfs.values())
    print(
        f"    python -X importtime -c 'import sma_model': {total / 1e3:.0f} ms of self time (inflated by the"
    )
    print(
        "    tracing), by top-level package: "
        + ", ".join(f"{k} {v / 1e3:.0f}" for k, v in selfs.most_common(8))
    )
    print(
        "    heaviest sma_model modules (self ms): "
        + ", ".join(f"{name} {us / 1e3:.0f}" for us, name in sorted(own, reverse=True)[:5])
    )
    heavy = [
        m
        for m in ("matplotlib", "scipy", "SALib", "dask", "yaml")
        if re.search(rf"\| +{m}$", done.stderr, re.M)
    ]
    print(f"    loaded by the import among matplotlib, scipy, SALib, dask, yaml: {heavy or 'none'}")


def small_runs(runs: int) -> None:
    status_quo = sma.presets.get("status-quo")
    n_years = len(sma.project(status_quo).frame)
    a, b = paired(lambda: sma.project(status_quo), _single_floor(n_years), runs, calls=50)
    report(f"project(status-quo), warm, {n_years} years", a, b, "<= 0.5 ms", absolute_goal=0.5e-3)

    five = [sma.presets.get(name) for name in FIVE]
    years = max(len(sma.project(s).frame) for s in five)
    a, b = paired(lambda: sma.compare(five), _single_floor(years, 5), runs, calls=10)
    report("compare of five presets, warm", a, b, "<= 3 ms", absolute_goal=3e-3)

    base, n = scenario(), 1000
    cap, floor, fx = np.full(n, 0.05), np.zeros(n), np.full(n, 1400.0)

    def mc_floor() -> Any:
        cpi = 0.02 + 0.01 * np.random.default_rng(1).standard_normal((30, n))
        return capped_cpi_floor(n, cap, floor, fx, cpi)

    uncertainties = {"cpi": sma.Normal(mean=0.02, sd=0.01)}
    a, b = paired(lambda: sma.monte_carlo(base, n=n, rng=1, uncertainties=uncertainties), mc_floor, runs, 5)
    report("monte_carlo(n=1000), 30 years, CPI ~ Normal", a, b, "<= 5 ms", absolute_goal=5e-3)


def _kernel_loop(base: Any, table: dict[str, np.ndarray], n: int) -> Callable[[], Any]:
    """The numba kernel's loop over samples already bound (one chunk of ``n``, one thread)."""
    from sma_model.model.parameters import parse_path
    from sma_model.sweeps.binding import Binder, classify
    from sma_model.sweeps.summaries import identity

    params = [classify(base, parse_path(p)) for p in table]
    binder = Binder(base, params, {p.parts: float(table[p.path].min()) for p in params}, np.empty((1, 0)))
    rows = binder.bind(table, n)
    keys = [(bool(u[0]), identity(x)) for u, x in zip(rows.cells["usd"], rows.cells["usd_krw"])]
    segments = [
        (t == 0 or k != keys[t - 1], t == len(keys) - 1 or k != keys[t + 1]) for t, k in enumerate(keys)
    ]
    out = np.empty((5, n))
    return lambda: kernel_numba.fused_summaries(rows, binder.plan.years, segments, False, None, None, out)


def big_sweeps(runs: int, n: int) -> None:
    base = scenario()
    design = sma.sweep(base, RANGES, method="lhs", n=n, rng=1, progress=False).frame
    table = {p: design[p].to_numpy() for p in RANGES}
    cap, floor, fx, cpi = (table[p] for p in (CAP, FLOOR, FX, CPI))
    check = sma.sweep(base, {p: v[:1000] for p, v in table.items()}, method="zip").frame
    mine = capped_cpi_floor(1000, cap[:1000], floor[:1000], fx[:1000], cpi[:1000])
    for column, values in zip(["total_krw", "total_usd", "final_payment_krw", "final_payment_usd"], mine):
        np.testing.assert_allclose(values, check[column], rtol=1e-10, err_msg=f"floor differs: {column}")
    label = f"{n:.0e} x 30 years"

    a, b = paired(
        lambda: sma.sweep(base, table, method="zip", progress=False),
        lambda: capped_cpi_floor(n, cap, floor, fx, cpi),
        runs,
    )
    report(f"sweep {label}, summaries per sample", a, b, "<= 1.5x floor", ratio_goal=1.5)
    a, b = paired(
        lambda: sma.sweep(base, table, method="zip", keep="paths", progress=False),
        lambda: capped_cpi_floor(n, cap, floor, fx, cpi, paths=True),
        runs,
    )
    report(f"sweep {label}, keeping every path", a, b, "<= 1.5x floor", ratio_goal=1.5)

    if kernel_numba.available():
        sma.sweep(base, table, method="zip", kernel="numba", progress=False)  # compile (cached on disk)
        a, b = paired(
            lambda: sma.sweep(base, table, method="zip", kernel="numba", progress=False),
            lambda: capped_cpi_floor(n, cap, floor, fx, cpi),
            runs,
        )
        report(f"sweep {label}, summaries, kernel='numba'", a, b, "<= 0.6x floor", ratio_goal=0.6)
        sma.sweep(base, table, method="zip", keep="paths", kernel="numba", progress=False)
        a, b = paired(
            lambda: sma.sweep(base, table, method="zip", keep="paths", kernel="numba", progress=False),
            lambda: capped_cpi_floor(n, cap, floor, fx, cpi, paths=True),
            runs,
        )
        report(f"sweep {label}, every path, kernel='numba'", a, b, "<= 0.6x floor", ratio_goal=0.6)
        loop = _kernel_loop(base, table, n)
        a, b = paired(loop, lambda: capped_cpi_floor(n, cap, floor, fx, cpi), runs)
        report(f"the numba loop alone, {label}, one thread", a, b, "<= 0.6x floor", ratio_goal=0.6)
    else:
        print("numba is not installed: no figures for kernel='numba' (pip install 'sma-model[fast]')")

    def lhs_floor() -> Any:
        # the least work for a Latin hypercube: per parameter, a permutation of the strata and a uniform
        columns = []
        for k, (low, high) in enumerate(RANGES.values()):
            g = np.random.default_rng(np.random.SeedSequence(1, spawn_key=(k,)))
            columns.append(low + (g.permutation(n) + g.random(n)) * (high - low) / n)
        return capped_cpi_floor(n, *columns)

    a, b = paired(lambda: sma.sweep(base, RANGES, method="lhs", n=n, rng=1, progress=False), lhs_floor, runs)
    report(f"sweep(method='lhs') {label} end to end, summaries", a, b, "<= 2x floor", ratio_goal=2.0)

    uncertainties = {"cpi": sma.Normal(mean=0.02, sd=0.01)}
    c0, f0, x0 = np.full(n, 0.05), np.zeros(n), np.full(n, 1400.0)

    def mc_floor() -> Any:
        draws = 0.02 + 0.01 * np.random.default_rng(1).standard_normal((30, n))
        return capped_cpi_floor(n, c0, f0, x0, draws)

    a, b = paired(
        lambda: sma.monte_carlo(
            base, n=n, rng=1, uncertainties=uncertainties, keep="samples", progress=False
        ),
        mc_floor,
        runs,
    )
    report(f"monte_carlo {label} end to end, summaries", a, b, "<= 2x floor", ratio_goal=2.0)


def memory(n: int) -> None:
    """Peak memory a sweep allocates (numpy's allocations, traced) against what it returns."""
    base = scenario()
    design = sma.sweep(base, RANGES, method="lhs", n=n, rng=1, progress=False).frame
    table = {p: design[p].to_numpy() for p in RANGES}
    del design
    for keep in ("samples", "paths"):
        tracemalloc.start()
        result = sma.sweep(base, table, method="zip", keep=keep, progress=False)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        frame = result.frame.memory_usage(index=False, deep=True).sum()
        output = frame + (0 if result._paths is None else result._paths.nbytes)
        goal = 3 * output + 64 * 2**20
        met = "met" if peak <= goal else "NOT met"
        ROWS.append(
            (
                f"peak memory, sweep {n:.0e} x 30 years, keep={keep!r}",
                f"{peak / 2**20:.0f} MiB",
                f"outputs {output / 2**20:.0f} MiB",
                f"{peak / output:.2f}x",
                "<= 3x outputs + 64 MiB",
                met,
            )
        )
        print(
            f"peak memory, keep={keep!r}: {peak / 2**20:.0f} MiB traced, outputs {output / 2**20:.0f} MiB "
            f"({peak / output:.2f}x); goal <= 3x outputs + 64 MiB = {goal / 2**20:.0f} MiB: {met}"
        )
        del result


def cli(runs: int) -> None:
    """The CLI's compare with a plot, beside a process doing only pandas' and matplotlib's part.

    A third process, matplotlib alone saving one line (no pandas, no numpy work, no model),
    shows what any command drawing a PNG with matplotlib costs on this machine.
    """
    with tempfile.TemporaryDirectory() as folder:
        png = str(Path(folder) / "compare.png")
        script = Path(sys.executable).with_name("sma-model")
        command = [str(script)] if script.exists() else [sys.executable, "-m", "sma_model.cli"]
        figure = [*command, "compare", *FIVE, "--plot", png]
        pyplot = "matplotlib.use('Agg'); import matplotlib.pyplot as plt"
        draw = f"{pyplot}; plt.plot([0, 1]); plt.savefig({png!r})"
        floor = [sys.executable, "-c", f"import pandas, matplotlib; {draw}"]
        matplotlib_alone = [sys.executable, "-c", f"import matplotlib; {draw}"]
        bare = [sys.executable, "-c", "pass"]
        timings = interleaved_commands([figure, floor, matplotlib_alone, bare], runs)
    (a, a_cpu), (b, b_cpu), (lean, _), (start, _) = timings
    label = "CLI `compare` of five presets --plot PNG (whole process"
    report(f"{label}, wall)", a, b, "<= 0.6 s", absolute_goal=0.6)
    report(f"{label}, CPU)", a_cpu, b_cpu, "<= 0.6 s", absolute_goal=0.6)
    lean_label = "matplotlib alone saving one line to a PNG, vs python -c pass (whole process"
    report(f"{lean_label}, wall)", lean, start, "<= 0.6 s (the CLI's goal)", absolute_goal=0.6)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timings of each figure and floor (default 7)")
    parser.add_argument("--samples", type=int, default=1_000_000, help="samples of the big sweeps")
    parser.add_argument("--quick", action="store_true", help="3 runs and 1e5 samples: a smoke test")
    parser.add_argument("--dask", action="store_true", help="add dask on a 2-worker LocalCluster (1e7)")
    parser.add_argument("--ema", action="store_true", help="add the EMA Workbench comparison")
    parser.add_argument(
        "--ema-python", default="/tmp/ema-venv-bench/bin/python", help="a Python with ema-workbench"
    )
    args = parser.parse_args()
    runs, n = (3, 100_000) if args.quick else (args.runs, args.samples)
    started = time.perf_counter()
    machine()
    import_time(runs + 2)
    small_runs(runs)
    big_sweeps(max(3, runs - 2), n)
    memory(n)
    cli(max(3, runs - 2))
    if args.dask:
        from bench_dask import dask_rows

        ROWS.extend(dask_rows(max(3, runs - 2), 100_000 if args.quick else 10_000_000))
    if args.ema:
        from bench_ema import ema_rows

        ROWS.extend(ema_rows(max(3, runs - 2), args.ema_python))
    print(
        f"\nmedian (min-max) of {runs} runs ({runs + 2} for the import, {max(3, runs - 2)} for the big "
        f"sweeps and the CLI); load average now {_load()}; "
        f"{time.perf_counter() - started:.0f} s in all\n"
    )
    print_table(ROWS)


if __name__ == "__main__":
    main()
