"""Running samples in chunks: bind each chunk into the plan, step the years, keep summaries.

Chunks run on a small pool of threads (numpy releases the GIL in its array operations,
so two chunks overlap on two cores), with a progress bar when the run looks long, or as
``dask.delayed`` tasks; either way each chunk is the same :func:`run_chunk`, so the
results do not depend on the backend, the number of workers or the chunk size.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sma_model._version import __version__
from sma_model.engine.plan import MAX_PAYMENT
from sma_model.engine.run import iter_levels
from sma_model.errors import NonFiniteResultError, SweepError
from sma_model.model.scenario import Scenario
from sma_model.sweeps.binding import Binder
from sma_model.sweeps.results import Stats
from sma_model.sweeps.sampling import RNG_BLOCK, MonteCarloSampler
from sma_model.units import to_krw, to_usd

__all__ = ["ChunkResult", "ChunkSpec", "execute", "run_chunk"]

#: A run expected to take longer than this shows a progress bar [s].
PROGRESS_AFTER = 2.0
#: Chunks run at once on the local backend (threads): one per core, at most two, so a
#: run's memory stays within a few chunks.
LOCAL_WORKERS = max(1, min(2, os.cpu_count() or 1))


@dataclass
class ChunkSpec:
    """Everything a chunk needs, picklable for dask."""

    binder: Binder
    sampler: Any
    threshold: float | None
    currency: str
    keep: str
    keep_draws: bool = False
    edges: tuple[np.ndarray, np.ndarray] | None = None


@dataclass
class ChunkResult:
    """One chunk's outcomes (and paths, draws or statistics when asked)."""

    lo: int
    hi: int
    outcomes: dict[str, np.ndarray] = field(default_factory=dict)
    paths: np.ndarray | None = None
    draws: dict[str, np.ndarray] | None = None
    stats: Stats | None = None


def run_chunk(spec: ChunkSpec, lo: int, hi: int) -> ChunkResult:
    """Bind samples ``lo:hi`` into a plan and run it through :func:`~sma_model.engine.run.iter_levels`."""
    binder, n = spec.binder, hi - lo
    values = spec.sampler.take(lo, hi)
    draws = None
    if isinstance(spec.sampler, MonteCarloSampler):
        known = {name: binder.known[name][:, 0] for name in spec.sampler.series}
        draws = spec.sampler.paths(lo, hi, known, binder.last_known)
    plan = binder.bind(values, n, draws, deflators=False)  # summaries are nominal
    in_usd = spec.currency == "USD"
    n_years = len(plan.years)
    totals = {"krw": np.zeros(n), "usd": np.zeros(n)}
    finals = {"krw": np.full(n, np.nan), "usd": np.full(n, np.nan)}
    first_over = np.zeros(n, dtype=np.int32)
    paths = np.empty((n_years, n)) if spec.keep == "paths" else None
    stats = Stats.empty(n_years, spec.edges) if spec.keep == "stats" else None
    usd_rows = plan.usd.any(axis=1), plan.usd.all(axis=1)
    all_active = plan.active.all(axis=1)
    # the final payment is each sample's last active year: copy a year unless a later one overwrites it
    record_final = np.array([t == n_years - 1 or not all_active[t + 1 :].all() for t in range(n_years)])
    with np.errstate(invalid="ignore", divide="ignore"):
        for t, level in iter_levels(plan):
            if not level.max() < MAX_PAYMENT:  # also catches NaN
                bad = int(np.argmax(~(level < MAX_PAYMENT)))
                raise NonFiniteResultError(
                    f"sample {lo + bad}: the payment for {plan.years[t]} is {level[bad]:g}, beyond what "
                    f"the engine can represent (limit {MAX_PAYMENT:g}); check the ranges"
                )
            fx = plan.usd_krw[t]
            # one currency for every sample (the usual case) skips the elementwise choice
            paid_in_usd = plan.usd[t] if usd_rows[0][t] and not usd_rows[1][t] else bool(usd_rows[1][t])
            krw, usd = to_krw(level, paid_in_usd, fx), to_usd(level, paid_in_usd, fx)
            active = plan.active[t]
            for name, amount in (("krw", krw), ("usd", usd)):
                if all_active[t]:
                    totals[name] += amount
                    if record_final[t]:
                        finals[name][:] = amount
                else:
                    totals[name] += np.where(active, amount, 0.0)
                    finals[name] = np.where(active, amount, finals[name])
            measured = usd if in_usd else krw
            if spec.threshold is not None:
                crossing = (measured > spec.threshold) & (first_over == 0) & active
                first_over[crossing] = plan.years[t]
            if paths is not None:
                paths[t] = measured if all_active[t] else np.where(active, measured, np.nan)
            if stats is not None:
                stats.add_year(t, np.where(active, measured, np.nan))
    outcomes = {
        "total_krw": totals["krw"],
        "total_usd": totals["usd"],
        "final_payment_krw": finals["krw"],
        "final_payment_usd": finals["usd"],
    }
    if spec.threshold is not None:
        outcomes["first_year_over_threshold"] = first_over
    if stats is not None:
        stats.add_totals(totals["usd" if in_usd else "krw"], first_over, plan.years)
        outcomes = {}
    kept_draws = None
    if draws is not None and spec.keep_draws:  # only the drawn years; the record's are fixed
        kept_draws = {s: d[np.isnan(binder.known[s][:, 0])] for s, d in draws.items()}
    return ChunkResult(lo, hi, outcomes, paths, kept_draws, stats)


def execute(
    result_type: type,
    scenario: Scenario,
    binder: Binder,
    sampler: Any,
    inputs: dict[str, Any],
    threshold: float | None,
    currency: str,
    keep: str,
    chunk_size: int | None,
    backend: str,
    progress: bool | None,
    keep_draws: bool = False,
) -> Any:
    if keep not in ("samples", "paths", "stats"):
        raise SweepError(f"keep must be 'samples', 'paths' or 'stats', not {keep!r}")
    if currency not in ("KRW", "USD"):
        raise SweepError(f"currency must be 'KRW' or 'USD', not {currency!r}")
    if threshold is not None and not (isinstance(threshold, (int, float)) and np.isfinite(threshold)):
        raise SweepError(f"threshold must be a finite amount in {currency}, not {threshold!r}")
    if backend not in ("local", "dask"):
        raise SweepError(f"backend must be 'local' or 'dask', not {backend!r}")
    size = _chunk_size(chunk_size, sampler.n)
    bounds = [(lo, min(lo + size, sampler.n)) for lo in range(0, sampler.n, size)]
    spec = ChunkSpec(binder, sampler, threshold, currency, keep, keep_draws)
    started = time.perf_counter()
    if keep == "stats":
        # the first chunk fixes the histogram bins every chunk shares, so results merge exactly
        first = run_chunk(ChunkSpec(binder, sampler, threshold, currency, "paths"), *bounds[0])
        spec.edges = Stats.edges_from(first.paths, first.outcomes[f"total_{currency.lower()}"])
    chunks = _run_chunks(spec, bounds, backend, progress, started)
    inputs = {
        **inputs,
        "scenario": scenario.model_dump(mode="json"),
        "threshold": threshold,
        "currency": currency,
        "price_base_year": binder.plan.price_base_year,
        "chunk_size": size,
        "sma_model_version": __version__,
    }
    return result_type.from_chunks(chunks, sampler, binder.plan.years, inputs, time.perf_counter() - started)


def _run_chunks(
    spec: ChunkSpec, bounds: list[tuple[int, int]], backend: str, progress: bool | None, started: float
) -> list[ChunkResult]:
    if backend == "dask":
        try:
            import dask
        except ImportError:
            raise SweepError("backend='dask' needs dask: pip install 'sma-model[dask]'") from None
        tasks = [dask.delayed(run_chunk)(spec, lo, hi) for lo, hi in bounds]
        return list(dask.compute(*tasks))
    results: list[ChunkResult] = []
    bar: Callable[[int], None] | None = None
    workers = min(LOCAL_WORKERS, len(bounds))
    # numpy releases the GIL inside its array operations, so chunks overlap on threads;
    # map hands the results back in sample order, whichever finishes first
    with ThreadPoolExecutor(max_workers=workers) as pool:
        finished = pool.map(lambda bound: run_chunk(spec, *bound), bounds)
        chunk_started = time.perf_counter()
        for done, result in enumerate(finished, start=1):
            if result.stats is not None and result.draws is None and results:
                # streamed statistics merge as they come, so memory stays flat however many chunks
                results[0].stats.merge(result.stats)
                results[0].hi = result.hi
            else:
                results.append(result)
            if bar is not None:
                bar(1)
            elif progress is not False and done < len(bounds):
                # from the last chunk's time: the first one also pays for warming up
                remaining = (time.perf_counter() - chunk_started) * (len(bounds) - done) / workers
                if progress or (done > 1 and remaining > PROGRESS_AFTER):
                    bar = _progress_bar(len(bounds), done)
            chunk_started = time.perf_counter()
    if bar is not None:
        bar(0)
    return results


def _progress_bar(total: int, done: int) -> Callable[[int], None]:
    """A tqdm bar when tqdm is installed, else a line on stderr; call with 0 to close."""
    try:
        from tqdm.auto import tqdm
    except ImportError:
        state = {"done": done}

        def update(step: int) -> None:
            state["done"] += step
            end = "\n" if step == 0 else ""
            print(f"\rsma_model: chunk {state['done']}/{total}", end=end, file=sys.stderr, flush=True)

        return update
    bar = tqdm(total=total, initial=done, unit="chunk", desc="sma_model")
    return lambda step: bar.update(step) if step else bar.close()


def _chunk_size(chunk_size: int | None, n: int) -> int:
    if chunk_size is None:
        return RNG_BLOCK
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        raise SweepError(f"chunk_size must be a positive whole number, not {chunk_size!r}")
    return int(-(-chunk_size // RNG_BLOCK) * RNG_BLOCK)
