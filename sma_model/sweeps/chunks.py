"""Running samples in chunks: bind each chunk into the plan, step the years, keep summaries.

Chunks run on a small pool of threads (numpy releases the GIL in its array operations,
so two chunks overlap on two cores), with a progress bar when the run looks long, or as
``dask.delayed`` tasks; either way each chunk is the same :func:`run_chunk`, so the
results do not depend on the backend, the number of workers or the chunk size.

Before anything runs, :func:`estimate_memory` works out what the run will hold (the
per-sample rows, the yearly paths, the draws, the chunks in flight) and
:func:`check_memory` refuses a run above ``max_memory``: by default
:data:`MEMORY_FRACTION` of the memory available when the run starts.
"""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, cast

import numpy as np

from sma_model._version import __version__
from sma_model.engine.plan import MAX_PAYMENT
from sma_model.engine.run import iter_levels
from sma_model.errors import NonFiniteResultError, SweepError
from sma_model.model.scenario import Scenario
from sma_model.sweeps.binding import Binder
from sma_model.sweeps.results import SweepResult, finite_amount
from sma_model.sweeps.sampling import RNG_BLOCK, MonteCarloSampler
from sma_model.sweeps.sketch import Stats
from sma_model.units import to_krw, to_usd

__all__ = [
    "MEMORY_FRACTION",
    "ChunkResult",
    "ChunkSpec",
    "available_memory",
    "check_memory",
    "estimate_memory",
    "execute",
    "run_chunk",
]

#: A run expected to take longer than this shows a progress bar [s].
PROGRESS_AFTER = 2.0
#: Chunks run at once on the local backend (threads): one per core, at most two, so a
#: run's memory stays within a few chunks.
LOCAL_WORKERS = max(1, min(2, os.cpu_count() or 1))
#: A run may use at most this share of the memory available when it starts (unless
#: ``max_memory`` says otherwise).
MEMORY_FRACTION = 0.8
#: Bytes a chunk in flight holds per sample and year: bound plan arrays, draws, levels.
_WORKING_BYTES = 8 * 12


@dataclass
class ChunkSpec:
    """Everything a chunk needs, picklable for dask."""

    binder: Binder
    sampler: Any
    threshold: float | None
    currency: str
    keep: str
    keep_draws: bool = False


@dataclass
class ChunkResult:
    """One chunk's outcomes (and paths, draws or statistics when asked)."""

    lo: int
    hi: int
    outcomes: dict[str, np.ndarray] = field(default_factory=dict)
    paths: np.ndarray | None = None
    draws: dict[str, np.ndarray] | None = None
    stats: Stats | None = None


def run_chunk(spec: ChunkSpec, lo: int, hi: int) -> ChunkResult:  # long: one pass keeps every summary
    """Bind samples ``lo:hi`` into a plan and run it through :func:`~sma_model.engine.run.iter_levels`."""
    binder, n = spec.binder, hi - lo
    values = spec.sampler.take(lo, hi)
    draws = None
    if isinstance(spec.sampler, MonteCarloSampler):
        draws = binder.draw_macro(spec.sampler, lo, hi)
    plan = binder.bind(values, n, draws, deflators=False)  # summaries are nominal
    in_usd = spec.currency == "USD"
    n_years = len(plan.years)
    totals = {"krw": np.zeros(n), "usd": np.zeros(n)}
    finals = {"krw": np.full(n, np.nan), "usd": np.full(n, np.nan)}
    first_over = np.zeros(n, dtype=np.int32)
    paths = np.empty((n_years, n)) if spec.keep == "paths" else None
    stats = Stats.empty(n_years) if spec.keep == "stats" else None
    # a 2-D array reduced along an axis is an array: numpy's stubs do not know the shape
    usd_rows = cast(np.ndarray, plan.usd.any(axis=1)), cast(np.ndarray, plan.usd.all(axis=1))
    all_active = cast(np.ndarray, plan.active.all(axis=1))
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
        kept_draws = {s: d[binder.drawn(s)] for s, d in draws.items()}
    return ChunkResult(lo, hi, outcomes, paths, kept_draws, stats)


def execute(
    result_type: type[SweepResult],
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
    max_memory: float | None = None,
) -> Any:
    """Check the arguments and the memory the run needs, run its chunks, assemble the result."""
    if keep not in ("samples", "paths", "stats"):
        raise SweepError(f"keep must be 'samples', 'paths' or 'stats', not {keep!r}")
    if currency not in ("KRW", "USD"):
        raise SweepError(f"currency must be 'KRW' or 'USD', not {currency!r}")
    if threshold is not None:
        threshold = finite_amount(threshold, f"threshold must be a finite amount in {currency}")
    if backend not in ("local", "dask"):
        raise SweepError(f"backend must be 'local' or 'dask', not {backend!r}")
    size = _chunk_size(chunk_size, sampler.n)
    drawn = sum(int(binder.drawn(s).sum()) for s in getattr(sampler, "series", ()))
    needs = estimate_memory(
        sampler.n,
        len(binder.plan.years),
        len(sampler.columns),
        keep,
        min(size, sampler.n),
        drawn if keep_draws else 0,
        workers=LOCAL_WORKERS if backend == "local" else 1,
    )
    check_memory(needs, max_memory, sampler.n)
    spec = ChunkSpec(binder, sampler, threshold, currency, keep, keep_draws)
    started = time.perf_counter()
    chunks = _run_chunks(spec, sampler.n, size, backend, progress)
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


def _run_chunks(spec: ChunkSpec, n: int, size: int, backend: str, progress: bool | None) -> list[ChunkResult]:
    starts = range(0, n, size)  # lazy: a streamed run may have millions of chunks
    bounds = ((lo, min(lo + size, n)) for lo in starts)
    if backend == "dask":
        try:
            import dask
        except ImportError:
            raise SweepError("backend='dask' needs dask: pip install 'sma-model[dask]'") from None
        tasks = [dask.delayed(run_chunk)(spec, lo, hi) for lo, hi in bounds]
        return list(dask.compute(*tasks))
    results: list[ChunkResult] = []
    bar: Callable[[int], None] | None = None
    workers = min(LOCAL_WORKERS, len(starts))
    # numpy releases the GIL inside its array operations, so chunks overlap on threads;
    # results come back in sample order, whichever finishes first, and only a few chunks are
    # submitted ahead, so memory stays within a few chunks however many there are
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending = deque(pool.submit(run_chunk, spec, *bound) for bound in islice(bounds, 2 * workers))
        chunk_started = time.perf_counter()
        done = 0
        while pending:
            result = pending.popleft().result()
            pending.extend(pool.submit(run_chunk, spec, *bound) for bound in islice(bounds, 1))
            done += 1
            if result.stats is not None and result.draws is None and results:
                # streamed statistics merge as they come, so memory stays flat however many chunks
                # every chunk of a run keeps the same: the first one streamed statistics too
                cast(Stats, results[0].stats).merge(result.stats)
                results[0].hi = result.hi
            else:
                results.append(result)
            if bar is not None:
                bar(1)
            elif progress is not False and done < len(starts):
                # from the last chunk's time: the first one also pays for warming up
                remaining = (time.perf_counter() - chunk_started) * (len(starts) - done) / workers
                if progress or (done > 1 and remaining > PROGRESS_AFTER):
                    bar = _progress_bar(len(starts), done)
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


def estimate_memory(
    n: int,
    n_years: int,
    n_columns: int,
    keep: str,
    chunk: int,
    draw_cells: int = 0,
    workers: int = LOCAL_WORKERS,
) -> dict[str, int]:
    """The memory a run will hold at its peak, by part [bytes].

    Parameters
    ----------
    n, n_years
        Samples and years projected.
    n_columns
        Swept parameters (columns of the per-sample frame).
    keep
        ``"samples"``, ``"paths"`` or ``"stats"``.
    chunk
        Samples per chunk.
    draw_cells
        Drawn values kept per sample (``keep_draws``: drawn years over every series).
    workers
        Chunks computed at once.

    Returns
    -------
    dict
        ``{"rows": ..., "paths": ..., "draws": ..., "chunks": ...}``: the per-sample rows
        (assembled from the chunks, then copied into a frame: twice their size), the yearly
        paths (float64), the kept draws (twice, as the rows) and the chunks in flight.
    """
    per_row = 8 * (n_columns + 6)  # sample, parameters, four outcomes, first year over
    return {
        "rows": 0 if keep == "stats" else 2 * n * per_row,
        "paths": 8 * n * n_years if keep == "paths" else 0,
        "draws": 2 * 8 * n * draw_cells,
        "chunks": workers * chunk * (n_years + 1) * _WORKING_BYTES,
    }


def available_memory() -> int | None:
    """Memory available to this process now [bytes], or None if the system does not say.

    The smaller of the operating system's available memory (psutil when installed, else
    ``MemAvailable`` in ``/proc/meminfo``, else ``sysconf``) and a cgroup (container) limit.
    """
    found: list[int] = []
    try:
        import psutil  # optional

        found.append(int(psutil.virtual_memory().available))
    except ImportError:
        found += _meminfo()
    try:
        with open("/sys/fs/cgroup/memory.max", encoding="ascii") as limit_file:
            limit = limit_file.read().strip()
        with open("/sys/fs/cgroup/memory.current", encoding="ascii") as current_file:
            current = int(current_file.read().strip())
        if limit.isdigit():
            found.append(max(int(limit) - current, 0))
    except (OSError, ValueError):
        pass
    return min(found) if found else None


def _meminfo() -> list[int]:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return [int(line.split()[1]) * 1024]
    except (OSError, ValueError, IndexError):
        pass
    try:
        return [os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")]
    except (AttributeError, ValueError, OSError):
        return []


def check_memory(needs: dict[str, int], max_memory: float | None, n: int) -> None:
    """Refuse a run whose estimate (:func:`estimate_memory`) is above ``max_memory`` [bytes].

    ``max_memory=None`` allows :data:`MEMORY_FRACTION` of :func:`available_memory` (no
    limit when the system does not say how much is available).
    """
    if max_memory is not None and (
        isinstance(max_memory, (bool, np.bool_))
        or not isinstance(max_memory, (int, float, np.integer, np.floating))
        or not max_memory > 0
    ):
        raise SweepError(f"max_memory must be a positive number of bytes (or None), not {max_memory!r}")
    if max_memory is None:
        available = available_memory()
        if available is None:
            return
        limit, why = MEMORY_FRACTION * available, f"{MEMORY_FRACTION:.0%} of the {_gb(available)} available"
    else:
        limit, why = float(max_memory), "max_memory"
    total = sum(needs.values())
    if total <= limit:
        return
    parts = ", ".join(f"{name} {_gb(size)}" for name, size in needs.items() if size)
    raise SweepError(
        f"this run of {n:,} samples would need about {_gb(total)} ({parts}), more than the "
        f"{_gb(limit)} allowed ({why}); use keep='stats' (percentiles in bounded memory), a smaller n, "
        "or raise max_memory= (bytes)"
    )


def _gb(size: float) -> str:
    return f"{size / 1e9:,.2f} GB" if size >= 1e8 else f"{size / 1e6:,.1f} MB"
