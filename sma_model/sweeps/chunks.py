"""Running samples in chunks: bind each chunk into the plan, step the years, keep summaries.

Chunks run on a small pool of threads (numpy releases the GIL in its array operations,
so two chunks overlap on two cores), with a progress bar when the run looks long, or as
dask tasks (:func:`_run_dask`); either way each chunk is the same :func:`run_chunk`, so
the results do not depend on the backend, the number of workers or the chunk size. A
chunk's years are stepped by :func:`~sma_model.sweeps.summaries.step_chunk` (numpy) or,
with ``kernel="numba"``, by :func:`~sma_model.engine.kernel_numba.fused_summaries`;
locally both write kept paths, parameters and outcomes straight into the result's
preallocated arrays (:attr:`ChunkSpec.out`, :attr:`ChunkSpec.table`). So do dask chunks
on a worker on the client's machine, through shared memory (:mod:`~sma_model.sweeps.shared`);
elsewhere they return theirs, and the client writes them there as they come.

Before anything runs, :mod:`~sma_model.sweeps.memory` works out what the run will hold
and refuses a run above ``max_memory``.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterator
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
from sma_model.sweeps.progress import progress_bar
from sma_model.sweeps.results import SweepResult, finite_amount
from sma_model.sweeps.sampling import RNG_BLOCK, MonteCarloSampler
from sma_model.sweeps.shared import Handle, Missed, run_dask, worker_spec
from sma_model.sweeps.sketch import Stats
from sma_model.sweeps.summaries import OUTCOMES, SuspectSum, identity, step_chunk
from sma_model.sweeps.worker_memory import reusing_memory

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
#: The most samples in a chunk of a local sweep on the numba kernel, unless ``chunk_size`` says.
NUMBA_CHUNK = 4 * RNG_BLOCK
#: The environment variable that picks the default kernel: ``numpy`` or ``numba``.
KERNEL_VARIABLE = "SMA_MODEL_KERNEL"
#: Samples per chunk on dask unless ``chunk_size`` says (fewer, larger tasks than locally).
DASK_CHUNK = 4 * RNG_BLOCK
#: Tasks computed at once on a dask scheduler other than ``distributed``.
DASK_BATCH = 16


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
    """Where the chunks write kept paths, shape ``(n_years, n)`` (on dask, a shared segment's
    array; on the workers, that array mapped, or None where they cannot map it)."""
    kernel: str = "numpy"
    """``"numpy"`` or ``"numba"`` (see :mod:`sma_model.engine.kernel_numba`)."""
    table: np.ndarray | None = None
    """The result's float columns, shape ``(n_parameters + 5, n)``: the parameters, then
    :data:`OUTCOMES` (the chunks write their outcomes into it; on dask as for :attr:`out`)."""

    def keep_samples(self, lo: int, hi: int, values: dict[str, np.ndarray]) -> None:
        """Write samples ``lo:hi`` (parameter → values) into :attr:`table`, unless it holds them
        already (a Latin hypercube drawn into the table itself, see ``result_table``)."""
        if self.table is None or self.table is getattr(self.sampler, "result_table", None):
            return
        for row, column in zip(self.table, self.sampler.columns):
            row[lo:hi] = values[column]


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
    spec.keep_samples(lo, hi, values)  # the parameters and outcomes go into the result's columns
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
    fused = kernel == "numba" and keep != "stats" and not isinstance(sampler, MonteCarloSampler)
    size = _chunk_size(chunk_size, backend, sampler.n if fused else 0)
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
    if keep == "paths":  # written once, in place: by the chunks, or as dask returns them
        spec.out = np.empty((len(binder.plan.years), sampler.n))
    if keep != "stats":
        spec.table = _result_table(sampler)
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


def _result_table(sampler: Any) -> np.ndarray:
    """The result's float columns (see :attr:`ChunkSpec.table`): a sampler's own block when it
    was drawn with room for the outcomes (a Latin hypercube, see
    :func:`~sma_model.sweeps.hypercube.design_block`), else a new array."""
    shape = (len(sampler.columns) + len(OUTCOMES), sampler.n)
    block = getattr(sampler, "result_table", None)
    return block if block is not None and block.shape == shape else np.empty(shape)


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
        return _run_dask(spec, bounds)
    if len(starts) == 1:  # one chunk: no pool to start
        return [run_chunk(spec, 0, n)]
    collect = _Collector(spec)
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
            collect(result)
            if bar is not None:
                bar(1)
            elif progress is not False and done < len(starts):
                # from the last chunk's time: the first one also pays for warming up
                remaining = (time.perf_counter() - chunk_started) * (len(starts) - done) / workers
                if progress or (done > 1 and remaining > PROGRESS_AFTER):
                    bar = progress_bar(len(starts), done)
            chunk_started = time.perf_counter()
    if bar is not None:
        bar(0)
    return collect.chunks()


def _run_dask(spec: ChunkSpec, bounds: Iterator[tuple[int, int]]) -> list[ChunkResult]:
    """The chunks as dask tasks (:func:`_run_part`), on the ``distributed`` client if one is active.

    What travels, and the short cut through shared memory for workers on the client's
    machine (which then point ``spec.table`` and ``spec.out`` at it): see
    :mod:`~sma_model.sweeps.shared`.
    """
    return run_dask(spec, bounds, _Collector, _run_part, DASK_BATCH)


def _run_part(
    spec: ChunkSpec, lo: int, hi: int, rows: dict[str, np.ndarray] | None, handle: Handle | None = None
) -> ChunkResult | Missed:
    """:func:`run_chunk` on a worker; ``rows``, the chunk's samples when they travel with it;
    ``handle``, the run's shared arrays (see :func:`~sma_model.sweeps.shared.worker_spec`)."""
    on_worker = worker_spec(spec, lo, hi, rows, handle)
    if isinstance(on_worker, Missed):
        return on_worker
    with reusing_memory:
        return run_chunk(on_worker, lo, hi)


class _Collector:
    """Chunk results, in any order, into the result's arrays (:attr:`ChunkSpec.table`, ``out``).

    Streamed statistics merge in sample order (as floating-point sums, they would differ in
    the last digit in another order), so a run gives the same numbers on any backend.
    """

    def __init__(self, spec: ChunkSpec) -> None:
        self.spec = spec
        self.kept: list[ChunkResult] = []
        self.early: dict[int, ChunkResult] = {}  # statistics that came before their turn

    def __call__(self, result: ChunkResult) -> None:
        spec, lo, hi = self.spec, result.lo, result.hi
        if spec.table is not None and result.outcomes:  # else the chunk wrote them itself
            spec.keep_samples(lo, hi, spec.sampler.take(lo, hi))
            for row, name in zip(spec.table[len(spec.sampler.columns) :], OUTCOMES):
                if name in result.outcomes:
                    row[lo:hi] = result.outcomes[name]
            result.outcomes = {}
        if spec.out is not None and result.paths is not None:
            spec.out[:, lo:hi] = result.paths
            result.paths = None
        if result.stats is None or result.draws is not None:
            self.kept.append(result)
            return
        self.early[lo] = result
        if not self.kept and 0 in self.early:
            self.kept.append(self.early.pop(0))
        while self.kept and self.kept[0].hi in self.early:
            # streamed statistics merge as they come, so memory stays flat however many chunks
            following = self.early.pop(self.kept[0].hi)
            cast(Stats, self.kept[0].stats).merge(cast(Stats, following.stats))
            self.kept[0].hi = following.hi

    def chunks(self) -> list[ChunkResult]:
        """The chunks kept, in sample order."""
        return sorted(self.kept, key=lambda c: c.lo)


def _chunk_size(chunk_size: int | None, backend: str, fused: int = 0) -> int:
    """Samples per chunk; ``fused``: samples of a local run on the numba kernel (else 0)."""
    if chunk_size is None and backend == "local" and fused:  # its set-up paid less often, both workers busy
        chunk_size = min(NUMBA_CHUNK, -(-fused // LOCAL_WORKERS))
    if chunk_size is None:
        return DASK_CHUNK if backend == "dask" else RNG_BLOCK
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        raise SweepError(f"chunk_size must be a positive whole number, not {chunk_size!r}")
    return int(-(-chunk_size // RNG_BLOCK) * RNG_BLOCK)
