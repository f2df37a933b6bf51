"""sma_model against the EMA Workbench on the same capped-CPI rule (issue 15).

Run: ``python benchmarks/bench_ema.py [--ema-python /tmp/ema-venv-bench/bin/python] [--runs 5]``;
``benchmarks/run.py`` takes the same rows from :func:`ema_rows`.

The EMA Workbench (Kwakkel, 2017) runs a Python function once per experiment. It lives in
a throwaway virtual environment, never in sma_model's dependencies::

    python -m venv /tmp/ema-venv-bench && /tmp/ema-venv-bench/bin/pip install ema-workbench

The same rule on both sides: bench_sweep's scenario (2026: the 2025 payment +8.3 %;
2027-2030: ROK CPI two years back clipped to a swept [floor, cap]; 2031-2055: the same
index clipped to [0, 5 %], paid in dollars), four uncertainties sampled by a Latin
hypercube, the outcome each sample's total in won. The script checks that the EMA
function gives sma_model's totals before timing. EMA's cost per experiment does not fall
with size, so its experiments per second at ``--ema-samples`` are its rate at every size.

Timings are paired: each run measures EMA's rate once (a fresh process; only
``perform_experiments`` is timed) and then sma_model end to end at each size and kernel;
the speed-up is taken run by run (EMA's time for n experiments at that run's rate over
sma_model's time for n samples) and printed as the median with the min-max spread, wall
and CPU, with the load average.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tables import load_average as _load
from tables import print_table

HERE = Path(__file__).resolve().parent
DEFAULT_PYTHON = "/tmp/ema-venv-bench/bin/python"
#: sma_model's sizes and the speed-up over EMA the issue asks at each.
GOALS = {10_000: 200.0, 1_000_000: 1000.0}

#: Runs in the EMA environment: times ``perform_experiments`` of the rule over n samples.
EMA_SCRIPT = r"""
import json, sys, time
from ema_workbench import Model, RealParameter, ScalarOutcome, perform_experiments, ema_logging
from ema_workbench import SequentialEvaluator

base, known, ranges, n = json.loads(sys.argv[1])
known = {int(k): v for k, v in known.items()}

def rule(cap=0.05, floor=0.0, usd_krw=1400.0, cpi=0.02):
    level = total = base
    for year in range(2027, 2056):
        index = known.get(year - 2, cpi)
        low, high = (floor, cap) if year <= 2030 else (0.0, 0.05)
        level *= 1.0 + min(max(index, low), high)
        total += level
    return {"total_krw": total}

model = Model("cappedcpi", function=rule)
model.uncertainties = [RealParameter(name, lo, hi) for name, (lo, hi) in ranges.items()]
model.outcomes = [ScalarOutcome("total_krw")]
with SequentialEvaluator(model) as evaluator:
    start, cpu = time.perf_counter(), time.process_time()
    experiments, outcomes = perform_experiments(model, scenarios=n, evaluator=evaluator)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"n": n, "seconds": elapsed, "cpu": cpu,
                  "check": [float(outcomes["total_krw"][i]) for i in range(3)],
                  "inputs": [{k: float(experiments[k].iloc[i]) for k in ranges} for i in range(3)]}))
"""

NAMES = {
    "cap": "agreements[0].escalation.cap",
    "floor": "agreements[0].escalation.floor",
    "usd_krw": "assumptions.usd_krw",
    "cpi": "assumptions.cpi",
}


def ema_run(python: str, samples: int) -> dict[str, Any]:
    """One EMA ``perform_experiments`` over ``samples``: its wall and CPU seconds and a check."""
    sys.path.insert(0, str(HERE))
    from bench_sweep import RANGES
    from run import BASE_2026, KNOWN_CPI

    ranges = {short: RANGES[path] for short, path in NAMES.items()}
    payload = json.dumps([BASE_2026, KNOWN_CPI, ranges, samples])
    done = subprocess.run([python, "-c", EMA_SCRIPT, payload], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def ema_rate(python: str, samples: int) -> tuple[float, dict]:
    """EMA's experiments per second (wall) over ``samples``, and what it returned to check."""
    result = ema_run(python, samples)
    return samples / result["seconds"], result


def _check(base: Any, result: dict[str, Any]) -> None:
    """The EMA function gives sma_model's totals for the same inputs."""
    import numpy as np

    import sma_model as sma

    inputs = {NAMES[k]: [row[k] for row in result["inputs"]] for k in NAMES}
    mine = sma.sweep(base, inputs, method="zip", progress=False).frame["total_krw"]
    np.testing.assert_allclose(mine, result["check"], rtol=1e-10)


def _timed(function: Any, calls: int) -> tuple[float, float]:
    """Wall and CPU seconds per call, the mean of ``calls`` calls."""
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(calls):
        function()
    return (time.perf_counter() - start) / calls, (time.process_time() - cpu) / calls


def _spread(values: list[float], scale: float, unit: str, digits: str = ".3g") -> str:
    med = statistics.median(values)
    return f"{med * scale:{digits}} {unit} ({min(values) * scale:{digits}}-{max(values) * scale:{digits}})"


def ema_rows(
    runs: int = 5,
    python: str = DEFAULT_PYTHON,
    ema_samples: int = 10_000,
    sizes: tuple[int, ...] = tuple(GOALS),
) -> list[tuple[str, str, str, str, str, str]]:
    """sma_model's ``sweep(method="lhs")`` against EMA Workbench, paired run by run.

    Returns rows ``(figure, sma_model, floor, ratio, goal, met)`` as ``benchmarks/run.py``
    prints them, the "floor" being EMA's time for the same number of experiments and the
    ratio the speed-up (higher is better); prints each row's figures, CPU included. With
    no EMA environment at ``python``, prints why and returns no rows.
    """
    if not Path(python).exists():
        print(
            f"EMA Workbench: skipped, {python} not found (python -m venv /tmp/ema-venv-bench && "
            "/tmp/ema-venv-bench/bin/pip install ema-workbench, or give --ema-python)"
        )
        return []
    sys.path.insert(0, str(HERE))
    from bench_sweep import RANGES, scenario

    import sma_model as sma
    from sma_model.engine import kernel_numba

    base = scenario()
    kernels = ["numpy", "numba"] if kernel_numba.available() else ["numpy"]
    cases = [(n, kernel) for n in sizes for kernel in kernels]
    sweeps = {
        (n, kernel): (
            lambda n=n, kernel=kernel: sma.sweep(
                base, RANGES, method="lhs", n=n, rng=1, kernel=kernel, progress=False
            )
        )
        for n, kernel in cases
    }
    try:  # also warms EMA's imports
        ema_run(python, min(ema_samples, 100))
    except subprocess.CalledProcessError as error:
        last = (error.stderr or "").strip().splitlines()[-1:] or ["no message"]
        print(f"EMA Workbench: skipped, {python} could not run it ({last[0]})")
        return []
    for run in sweeps.values():  # warm: imports, compiled kernels, caches
        run()
    ema: list[dict[str, Any]] = []
    mine: dict[tuple[int, str], list[tuple[float, float]]] = {case: [] for case in cases}
    for _ in range(runs):
        ema.append(ema_run(python, ema_samples))
        for n, kernel in cases:
            mine[n, kernel].append(_timed(sweeps[n, kernel], 20 if n <= 100_000 else 1))
    _check(base, ema[0])
    per_wall = [e["seconds"] / e["n"] for e in ema]  # EMA's seconds per experiment, run by run
    per_cpu = [e["cpu"] / e["n"] for e in ema]
    print(
        f"EMA Workbench {ema_samples:,} experiments x {runs} runs (SequentialEvaluator): "
        f"{_spread([1 / s for s in per_wall], 1.0, 'experiments/s', ',.0f')}; load average {_load()}"
    )
    rows = []
    for n, kernel in cases:
        wall = [m[0] for m in mine[n, kernel]]
        cpu = [m[1] for m in mine[n, kernel]]
        ratio = [e * n / w for e, w in zip(per_wall, wall)]
        ratio_cpu = [e * n / c for e, c in zip(per_cpu, cpu)]
        goal = GOALS.get(n, GOALS[max(GOALS)])
        met = statistics.median(ratio) >= goal
        label = f"sweep(method='lhs', n={n:.0e}) end to end vs EMA Workbench, kernel={kernel!r}"
        row = (
            label,
            _spread(wall, 1e3, "ms"),
            "EMA " + _spread([e * n for e in per_wall], 1.0, "s"),
            _spread(ratio, 1.0, "x", ",.0f").replace(" x", "x"),
            f">= {goal:,.0f}x EMA",
            "met" if met else "NOT met",
        )
        rows.append(row)
        print(
            f"{label}\n    sma_model {row[1]} (CPU {_spread(cpu, 1e3, 'ms')}) | {row[2]} | "
            f"speed-up {row[3]} (CPU {_spread(ratio_cpu, 1.0, 'x', ',.0f').replace(' x', 'x')}) | "
            f"goal {row[4]}: {row[5]}"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ema-python", default=DEFAULT_PYTHON)
    parser.add_argument("--ema-samples", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows = ema_rows(args.runs, args.ema_python, args.ema_samples)
    if rows:
        print(f"\nmedian (min-max) of {args.runs} paired runs; load average now {_load()}\n")
        print_table(rows)


if __name__ == "__main__":
    main()
