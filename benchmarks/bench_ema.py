"""sma_model against the EMA Workbench on the same capped-CPI rule (issue 15).

Run: ``python benchmarks/bench_ema.py [--ema-python /tmp/ema-venv-bench/bin/python]``

The EMA Workbench (Kwakkel, 2017) runs a Python function once per experiment. It lives in
a throwaway virtual environment, never in sma_model's dependencies::

    python -m venv /tmp/ema-venv-bench && /tmp/ema-venv-bench/bin/pip install ema-workbench

The same rule on both sides: bench_sweep's scenario (2026: the 2025 payment +8.3 %;
2027-2030: ROK CPI two years back clipped to a swept [floor, cap]; 2031-2055: the same
index clipped to [0, 5 %], paid in dollars), four uncertainties sampled by a Latin
hypercube, the outcome each sample's total in won. The script checks that the EMA
function gives sma_model's totals before timing. EMA's experiments per second are
measured at ``--ema-samples`` and taken as its rate at every size (its cost per
experiment does not fall with size); sma_model is timed end to end at each size.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

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
    start = time.perf_counter()
    experiments, outcomes = perform_experiments(model, scenarios=n, evaluator=evaluator)
    elapsed = time.perf_counter() - start
print(json.dumps({"n": n, "seconds": elapsed, "check": [float(outcomes["total_krw"][i]) for i in range(3)],
                  "inputs": [{k: float(experiments[k].iloc[i]) for k in ranges} for i in range(3)]}))
"""

NAMES = {
    "cap": "agreements[0].escalation.cap",
    "floor": "agreements[0].escalation.floor",
    "usd_krw": "assumptions.usd_krw",
    "cpi": "assumptions.cpi",
}


def ema_rate(python: str, samples: int) -> tuple[float, dict]:
    """EMA's experiments per second over ``samples``, and what it returned to check."""
    sys.path.insert(0, str(HERE))
    from bench_sweep import RANGES
    from run import BASE_2026, KNOWN_CPI

    ranges = {short: RANGES[path] for short, path in NAMES.items()}
    payload = json.dumps([BASE_2026, KNOWN_CPI, ranges, samples])
    done = subprocess.run([python, "-c", EMA_SCRIPT, payload], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return samples / result["seconds"], result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ema-python", default="/tmp/ema-venv-bench/bin/python")
    parser.add_argument("--ema-samples", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    import numpy as np
    from bench_sweep import RANGES, scenario

    import sma_model as sma
    from sma_model.engine import kernel_numba

    rate, result = ema_rate(args.ema_python, args.ema_samples)
    base = scenario()
    # the EMA function gives sma_model's totals for the same inputs
    mine = sma.sweep(
        base, {NAMES[k]: [row[k] for row in result["inputs"]] for k in NAMES}, method="zip"
    ).frame["total_krw"]
    np.testing.assert_allclose(mine, result["check"], rtol=1e-10)
    print(f"EMA Workbench {args.ema_samples:,} experiments: {rate:,.0f} experiments/s (SequentialEvaluator)")
    kernels = ["numpy", "numba"] if kernel_numba.available() else ["numpy"]
    for n in (10_000, 1_000_000):
        for kernel in kernels:
            sma.sweep(base, RANGES, method="lhs", n=n, rng=1, kernel=kernel, progress=False)  # warm
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                sma.sweep(base, RANGES, method="lhs", n=n, rng=1, kernel=kernel, progress=False)
                times.append(time.perf_counter() - start)
            mine_rate = n / float(np.median(times))
            goal = 1000 if n >= 1_000_000 else 200
            print(
                f"sma_model sweep(method='lhs', n={n:.0e}), kernel={kernel!r}: "
                f"{np.median(times) * 1e3:.1f} ms, "
                f"{mine_rate:,.0f} samples/s: {mine_rate / rate:,.0f}x EMA (goal >= {goal}x: "
                f"{'met' if mine_rate / rate >= goal else 'NOT met'})"
            )


if __name__ == "__main__":
    main()
