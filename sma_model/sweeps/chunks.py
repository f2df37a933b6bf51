"""Running samples in chunks: bind each chunk into the plan, step the years, keep summaries.

Chunks run on a small pool of threads (numpy releases the GIL in its array operations,
so two chunks overlap on two cores), with a progress bar when the run looks long, or as
``dask.delayed`` tasks; either way each chunk is the same :func:`run_chunk`, so the
results do not depend on the backend, the number of workers or the chunk size. A chunk's
years are stepped by :func:`~sma_model.sweeps.summaries.step_chunk` (numpy) or, with
``kernel="numba"``, by :func:`~sma_model.engine.kernel_numba.fused_summaries`; on the
local backend both write kept paths, parameters and outcomes straight into the result's
preallocated arrays (:attr:`ChunkSpec.out`, :attr:`ChunkSpec.table`).

Before anything runs, :func:`~sma_model.sweeps.memory.estimate_memory` works out what
the run will hold and :func:`~sma_model.sweeps.memory.check_memory` refuses a run above
``max_memory`` (see :mod:`sma_model.sweeps.memory`).
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
from sma_model.engine.kernel_numba import available, fused_summaries
from sma_model.engine.run import Rows
from sma_model.errors import SweepError
from sma_model.model.scenario import Scenario
from sma_model.sweeps.binding import Binder
from sma_model.sweeps.memory import (
    LOCAL_WORKERS,
    MEMORY_FRACTION,
    available_memory,
    check_memory,
    estimate_memory,
)
from sma_model.sweeps.results import SweepResult, finite_amount
from sma_model.sweeps.sampling import RNG_BLOCK, MonteCarloSampler
from sma_model.sweeps.sketch import Stats
from sma_model.sweeps.summaries import OUTCOMES, SuspectSum, identity, step_chunk

__all__ = [
    "KERNEL_VARIABLE",
    "MEMORY_FRACTION",
    "OUTCOMES",
    "ChunkResult",
    "ChunkSpec",
    "available_memory",
    "check_memory",
    "choose_kernel",
    "estimate_memory",
    "execute",
    "run_chunk",
]

#: A run expected to take longer than this shows a progress bar [s].
PROGRESS_AFTER = 2.0
#: The environment variable that picks the default kernel: ``numpy`` or ``numba``.
KERNEL_VARIABLE = "SMA_MODEL_KERNEL"


@dataclass
class ChunkSpec:
    """Everything a chunk needs, picklable for dask."""

    binder: Binder
    sampler: Any
    threshold: float | None
    currency: str
    keep: str
    keep_draws: bool = False
    out: np.ndarray | None = None
    """Where the chunks write kept paths, shape ``(n_years, n)`` (local backend only)."""
    kernel: str = "numpy"
    """``"numpy"`` or ``"numba"`` (see :mod:`sma_model.engine.kernel_numba`)."""
    table: np.ndarray | None = None
    """The result's float columns, shape ``(n_parameters + 5, n)``: the parameters, then
    :data:`OUTCOMES` (local backend only; the chunks write their outcomes into it)."""


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
    """Bind samples ``lo:hi`` into a plan and run it through :func:`~sma_model.engine.run.iter_rows`.

    With ``spec.out`` (kept paths on the local backend), the chunk's paths are written
    into its columns ``lo:hi`` and not returned.
    """
    binder, n = spec.binder, hi - lo
    values = spec.sampler.take(lo, hi)
    draws = None
    if isinstance(spec.sampler, MonteCarloSampler):
        draws = binder.draw_macro(spec.sampler, lo, hi)
    rows = binder.bind(values, n, draws)
    paths = None
    if spec.keep == "paths":
        paths = spec.out[:, lo:hi] if spec.out is not None else np.empty((len(binder.plan.years), n))
    fused = _fused(spec, rows, lo, hi, paths) if spec.kernel == "numba" else None
    years, keep = binder.plan.years, spec.keep
    try:
        if fused is not None:
            outcomes, stats = fused, None
        else:
            outcomes, stats = step_chunk(rows, years, spec.currency, spec.threshold, keep, lo, paths)
    except SuspectSum:
        # a sum reached the limit: step again checking every year, to name the payment or pass
        outcomes, stats = step_chunk(rows, years, spec.currency, spec.threshold, keep, lo, paths, True)
    if spec.table is not None:  # the parameters and outcomes written into the result's columns
        for row, column in zip(spec.table, spec.sampler.columns):
            row[lo:hi] = values[column]
    if spec.table is not None and outcomes:
        table = spec.table[len(spec.sampler.columns) :, lo:hi]
        for row, name in zip(table, OUTCOMES):
            if name in outcomes and not np.shares_memory(row, outcomes[name]):
                row[:] = outcomes[name]
        outcomes = {}
    kept_draws = None
    if draws is not None and spec.keep_draws:  # only the drawn years; the record's are fixed
        kept_draws = {s: d[binder.drawn(s)] for s, d in draws.items()}
    return ChunkResult(lo, hi, outcomes, None if spec.out is not None else paths, kept_draws, stats)


def _fused(
    spec: ChunkSpec, rows: Rows, lo: int, hi: int, paths: np.ndarray | None
) -> dict[str, np.ndarray] | None:
    """The chunk's outcomes from the numba kernel, or None where it does not apply."""
    if spec.keep == "stats":
        return None
    keys = [(bool(u[0]), identity(fx)) for u, fx in zip(rows.cells["usd"], rows.cells["usd_krw"])]
    last = len(keys) - 1
    segments = [(t == 0 or k != keys[t - 1], t == last or k != keys[t + 1]) for t, k in enumerate(keys)]
    in_usd = spec.currency == "USD"
    out = None if spec.table is None else spec.table[len(spec.sampler.columns) :, lo:hi]
    return fused_summaries(rows, spec.binder.plan.years, segments, in_usd, spec.threshold, paths, out)


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
    kernel: str | None = None,
) -> Any:
    """Check the arguments and the memory the run needs, run its chunks, assemble the result."""
    kernel = choose_kernel(kernel)
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
    spec = ChunkSpec(binder, sampler, threshold, currency, keep, keep_draws, kernel=kernel)
    if keep == "paths" and backend == "local":  # written once, by the chunks, in place
        spec.out = np.empty((len(binder.plan.years), sampler.n))
    if keep != "stats" and backend == "local":
        spec.table = np.empty((len(sampler.columns) + len(OUTCOMES), sampler.n))
    started = time.perf_counter()
    chunks = _run_chunks(spec, sampler.n, size, backend, progress)
    inputs = {
        **inputs,
        "scenario": scenario.model_dump(mode="json"),
        "threshold": threshold,
        "currency": currency,
        "price_base_year": binder.plan.price_base_year,
        "chunk_size": size,
        "kernel": kernel,
        "sma_model_version": __version__,
    }
    elapsed = time.perf_counter() - started
    return result_type.from_chunks(
        chunks, sampler, binder.plan.years, inputs, elapsed, paths=spec.out, table=spec.table
    )


def choose_kernel(kernel: str | None) -> str:
    """The kernel a run uses: ``kernel``, else ``$SMA_MODEL_KERNEL``, else ``"numpy"``.

    Raises
    ------
    SweepError
        Neither ``"numpy"`` nor ``"numba"``, or ``"numba"`` without numba installed.
    """
    chosen = kernel if kernel is not None else os.environ.get(KERNEL_VARIABLE, "numpy")
    where = "kernel" if kernel is not None else f"${KERNEL_VARIABLE}"
    if chosen not in ("numpy", "numba"):
        raise SweepError(f"{where} must be 'numpy' or 'numba', not {chosen!r}")
    if chosen == "numba" and not available():
        raise SweepError(f"{where}='numba' needs numba: pip install 'sma-model[fast]'")
    return chosen


def _run_chunks(spec: ChunkSpec, n: int, size: int, backend: str, progress: bool | None) -> list[ChunkResult]:
    starts = range(0, n, size)  # lazy: a streamed run may have millions of chunks
    bounds = ((lo, min(lo + size, n)) for lo in starts)
    if backend == "dask":
        try:
            import dask
        except ImportError:
            raise SweepError("backend='dask' needs dask: pip install 'sma-model[dask]'") from None
        shared = _scattered(spec, dask)
        tasks = [dask.delayed(run_chunk)(shared, lo, hi) for lo, hi in bounds]
        return list(dask.compute(*tasks))
    if len(starts) == 1:  # one chunk: no pool to start
        return [run_chunk(spec, 0, n)]
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


def _scattered(spec: ChunkSpec, dask: Any) -> Any:
    """The chunk spec as one piece of data the tasks share, never a copy in each task.

    On a distributed cluster (a ``dask.distributed.Client`` is active) the spec (the
    compiled base and the parameter values) is sent to every worker once, before the
    tasks; otherwise it is one node of the task graph.
    """
    try:
        from distributed import get_client

        client = get_client()
    except (ImportError, ValueError):
        return dask.delayed(spec, pure=True)
    return client.scatter(spec, broadcast=True, hash=False)


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
