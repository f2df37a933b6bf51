"""Where sweep samples come from: a grid, a Latin hypercube, paired values, or random draws.

A sampler hands out the parameter values of samples ``lo:hi`` on request, so a run
can stream through chunks without holding every sample. Random draws come from one
seed per block of :data:`RNG_BLOCK` samples (``SeedSequence(entropy,
spawn_key=(*spawn_key, block))``, the block-th child of the run's seed), so a result
does not depend on the chunk size or on where the chunks run.

Seeds follow SPEC 7: whatever :func:`numpy.random.default_rng` accepts (see
:func:`seed_sequence`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, cast

import numpy as np

from sma_model.errors import SweepError
from sma_model.series import ASSUMPTIONS
from sma_model.sweeps.processes import Bootstrap

__all__ = ["MAX_SAMPLES", "RNG_BLOCK", "GridSampler", "MonteCarloSampler", "TableSampler"]
__all__ += ["block_rng", "seed_record", "seed_sequence"]

#: Samples per random-number block; chunks are whole numbers of blocks.
RNG_BLOCK = 1 << 16
#: Row streams of a block start ``2**_ROW_SHIFT`` draws apart (see :func:`row_streams`).
_ROW_SHIFT = 96
#: The most samples a run may have: sample numbers stay exact in float64.
MAX_SAMPLES = 2**53

_RNG_KINDS = (
    "rng must be None, an int, a SeedSequence or a numpy Generator, not {what} "
    "(also accepted: a sequence of non-negative ints, a BitGenerator, or the 'seed' a result records)"
)


def seed_sequence(rng: Any) -> np.random.SeedSequence:
    """The :class:`numpy.random.SeedSequence` a run draws from (SPEC 7).

    Accepts what :func:`numpy.random.default_rng` accepts: ``None`` (fresh entropy from
    the operating system), a non-negative int, a sequence of them, a ``SeedSequence``
    (a spawned child keeps its spawn key, so two children give different draws), a
    ``BitGenerator`` or a ``Generator`` (a seed is drawn from it, advancing it); and the
    ``inputs["seed"]`` of an earlier result, to redo it. An int seed ``s`` gives
    ``SeedSequence(s)``, so seeded results stay as they were.

    Raises
    ------
    SweepError
        Anything else, naming what was given.
    """
    if rng is None:
        return np.random.SeedSequence()
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if isinstance(rng, (np.random.Generator, np.random.BitGenerator)):
        generator = rng if isinstance(rng, np.random.Generator) else np.random.Generator(rng)
        return np.random.SeedSequence(int(generator.integers(0, 2**63)))
    if isinstance(rng, Mapping) and set(rng) <= {"entropy", "spawn_key"} and "entropy" in rng:
        key = rng.get("spawn_key", ())
        spawn_key = _entropy(key) if isinstance(key, (list, tuple)) else None
        if not isinstance(spawn_key, list):
            raise SweepError(f"rng: a recorded seed's spawn_key is a list of non-negative ints, not {key!r}")
        return np.random.SeedSequence(_entropy(rng["entropy"]), spawn_key=tuple(spawn_key))
    return np.random.SeedSequence(_entropy(rng))


def _entropy(value: Any) -> int | list[int]:
    """A non-negative int, or a list of them, from ``value``; else a SweepError."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        if value < 0:
            raise SweepError(f"rng must be a non-negative integer seed, not {value}")
        return int(value)
    if isinstance(value, (list, tuple, np.ndarray)) and not isinstance(value, str):
        items = list(np.asarray(value, dtype=object).ravel()) if isinstance(value, np.ndarray) else value
        if all(isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) for v in items):
            if any(v < 0 for v in items):
                raise SweepError(f"rng: a seed sequence holds non-negative ints, not {list(items)!r}")
            return [int(v) for v in items]
    raise SweepError(_RNG_KINDS.format(what=f"{type(value).__name__} {value!r}"[:200]))


def seed_record(seed: np.random.SeedSequence) -> int | list[int] | dict[str, Any]:
    """What a result records as its ``seed``: JSON, and accepted back as ``rng`` to redo the run.

    An int (or list of ints) for a plain seed; ``{"entropy": ..., "spawn_key": [...]}``
    for a spawned child.
    """
    entropy = seed.entropy
    # not a list of ints, it is one int: a SeedSequence always holds entropy (never None)
    plain = (
        [int(v) for v in entropy]
        if isinstance(entropy, (list, tuple, np.ndarray))
        else int(cast(int, entropy))
    )
    if not seed.spawn_key:
        return plain
    return {"entropy": plain, "spawn_key": [int(k) for k in seed.spawn_key]}


def block_rng(seed: np.random.SeedSequence, block: int) -> np.random.Generator:
    """The generator of sample block ``block``: the seed's child number ``block``."""
    child = np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, block), pool_size=seed.pool_size)
    return np.random.default_rng(child)


class GridSampler:
    """Every combination of the given values, the first parameter varying slowest."""

    def __init__(self, values: Mapping[str, np.ndarray]) -> None:
        self.columns = list(values)
        self.values = [np.asarray(v, dtype=float) for v in values.values()]
        self.shape = tuple(len(v) for v in self.values)
        n = math.prod(self.shape)  # Python ints: no overflow
        if n > MAX_SAMPLES:
            sizes = " x ".join(f"{len(v):,}" for v in self.values)
            raise SweepError(
                f"a grid of {sizes} values is {n:.3g} samples, more than the {MAX_SAMPLES:.3g} a run can "
                "hold; give fewer values per parameter, or method='lhs' with n samples"
            )
        self.n = n

    def take(self, lo: int, hi: int) -> dict[str, np.ndarray]:
        """Parameter values of samples ``lo:hi``.

        A parameter holds each value for a run of ``stride`` samples (the product of the
        later parameters' sizes), cycling through its values: the runs that meet
        ``lo:hi`` are repeated, the first and last cut to the range.
        """
        out = {}
        stride = math.prod(self.shape)
        for column, values in zip(self.columns, self.values):
            stride //= len(values)
            first, last = lo // stride, (hi - 1) // stride
            runs = np.arange(first, last + 1)
            counts = np.full(len(runs), stride)
            counts[0] = min((first + 1) * stride, hi) - lo
            if len(runs) > 1:
                counts[-1] = hi - last * stride
            out[column] = np.repeat(values[runs % len(values)], counts)
        return out

    def distinct(self, columns: Sequence[str]) -> np.ndarray:
        """Every distinct combination of ``columns``' values, one row each."""
        if not columns:
            return np.empty((1, 0))
        picked = [self.values[self.columns.index(c)] for c in columns]
        mesh = np.meshgrid(*picked, indexing="ij")
        return np.stack([m.ravel() for m in mesh], axis=1)


class TableSampler:
    """Samples given row by row: a Latin hypercube, Sobol' points, or paired values."""

    def __init__(self, table: Mapping[str, np.ndarray], result_table: np.ndarray | None = None) -> None:
        self.columns = list(table)
        self.table = {c: np.asarray(v, dtype=float) for c, v in table.items()}
        self.result_table = result_table
        """The array whose first rows are the columns, with room for the outcomes after
        them (see :func:`~sma_model.sweeps.hypercube.design_block`): a run may keep its
        results there. None for values given by the user, which a run never writes into."""
        lengths = {len(v) for v in self.table.values()}
        if len(lengths) != 1:
            raise SweepError(
                f"paired parameter values must all have the same length; got lengths {sorted(lengths)}"
            )
        self.n = lengths.pop()

    def take(self, lo: int, hi: int) -> dict[str, np.ndarray]:
        """Parameter values of samples ``lo:hi``."""
        return {c: v[lo:hi] for c, v in self.table.items()}

    def distinct(self, columns: Sequence[str]) -> np.ndarray:
        """Every distinct combination of ``columns``' values, one row each."""
        if not columns:
            return np.empty((1, 0))
        return np.unique(np.stack([self.table[c] for c in columns], axis=1), axis=0)


class MonteCarloSampler:
    """Random yearly paths of macro series, optionally with correlated shocks.

    Parameters
    ----------
    processes
        Assumption name → process (see :mod:`sma_model.sweeps.processes`).
    n
        Number of samples.
    seed
        The run's seed (see :func:`seed_sequence`).
    correlation
        ``{(series_a, series_b): rho}``: correlation of the yearly shocks of two series.
    """

    def __init__(
        self,
        processes: Mapping[str, Any],
        n: int,
        seed: np.random.SeedSequence,
        correlation: Mapping[tuple[str, str], float] | None = None,
    ) -> None:
        self.columns: list[str] = []
        self.processes = dict(processes)
        self.n = n
        self.seed = seed
        self.series = sorted(self.processes)
        self.shocked = [s for s in self.series if not isinstance(self.processes[s], Bootstrap)]
        self.cholesky = _cholesky(self.shocked, correlation or {}, self.processes)

    def take(self, lo: int, hi: int) -> dict[str, np.ndarray]:
        """No swept parameters: Monte Carlo varies macro paths (see :meth:`paths`)."""
        return {}

    def paths(
        self, lo: int, hi: int, known: Mapping[str, np.ndarray], last_known: Mapping[str, float]
    ) -> dict[str, np.ndarray]:
        """Yearly values of each series for samples ``lo:hi``, shape ``(n_years, hi - lo)``.

        ``known[series]`` holds the value of each year the record or an explicit series
        gives, NaN for the years to draw; known years are returned unchanged.
        ``last_known[series]`` is the last known value before those years (NaN if none).
        """
        if lo % RNG_BLOCK:
            raise SweepError(f"chunks must start at a multiple of {RNG_BLOCK} samples, not {lo}")
        pieces: dict[str, list[np.ndarray]] = {s: [] for s in self.series}
        for start in range(lo, hi, RNG_BLOCK):
            stop = min(start + RNG_BLOCK, hi, self.n)
            block = self.block(start // RNG_BLOCK, stop - start, known, last_known)
            for s in self.series:
                pieces[s].append(block[s])
        drawn = {s: np.concatenate(p, axis=1) for s, p in pieces.items()}
        for series, values in drawn.items():
            bounds = ASSUMPTIONS[series]
            low, high, unit = bounds.low, bounds.high, bounds.unit
            outside = ~((values >= low) & (values <= high))
            if outside.any():
                row, column = np.argwhere(outside)[0]
                raise SweepError(
                    f"monte_carlo: sample {lo + column} drew {series} = {values[row, column]:g}, outside "
                    f"the allowed {low:g} to {high:g} ({unit}); narrow the process for {series!r}"
                )
        return drawn

    def block(
        self, block: int, size: int, known: Mapping[str, np.ndarray], last_known: Mapping[str, float]
    ) -> dict[str, np.ndarray]:
        """The paths of one RNG block (its first ``size`` samples).

        Each year of each series draws from a stream of its own (see :func:`row_streams`),
        so the first ``size`` samples of a block are the same whatever ``size`` is: a
        short last chunk draws only what it uses and reproduces the same numbers.
        """
        n_years = len(next(iter(known.values())))
        streams = row_streams(self.seed, block)
        shocks = np.empty((len(self.shocked), n_years, size))
        for i in range(len(self.shocked)):
            for t in range(n_years):
                next(streams).standard_normal(out=shocks[i, t])
        if self.cholesky is not None:
            shocks = np.einsum("ij,jtn->itn", self.cholesky, shocks)
        out = {}
        for s in self.series:
            process, years_known = self.processes[s], known[s]
            if isinstance(process, Bootstrap):
                pool = process.pool(s)
                values = np.stack(
                    [pool[next(streams).integers(0, len(pool), size=size)] for _ in range(n_years)]
                )
            else:
                values = process.values(shocks[self.shocked.index(s)], years_known, last_known[s])
            out[s] = np.where(np.isnan(years_known)[:, None], values, years_known[:, None])
        return out


def row_streams(seed: np.random.SeedSequence, block: int) -> Iterator[np.random.Generator]:
    """The generator of sample block ``block`` (:func:`block_rng`), once per drawn row.

    Row ``r`` (a series' year) draws from the block's stream advanced ``(r + 1) * 2**96``
    draws (:meth:`numpy.random.PCG64.advance`): streams that never overlap in practice,
    and each starts where it does whatever was drawn before it. Normal shocks take the
    rows in the order of the shocked series (sorted by name) and years, then Bootstrap
    picks theirs. The same generator is handed out each time: use it before the next.
    """
    generator = block_rng(seed, block)
    bit_generator = generator.bit_generator
    start = bit_generator.state
    row = 0
    while True:
        row += 1
        bit_generator.state = start
        # PCG64 (default_rng's) has advance; the stubs' BitGenerator does not say so
        cast(Any, bit_generator).advance(row << _ROW_SHIFT)
        yield generator


def _cholesky(
    series: list[str], correlation: Mapping[tuple[str, str], float], processes: Mapping[str, Any]
) -> np.ndarray | None:
    if not correlation:
        return None
    matrix = np.eye(len(series))
    for pair, rho in correlation.items():
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise SweepError(
                "correlation keys are pairs of series names, like "
                f"('cpi', 'defense_budget_growth'); got {pair!r}"
            )
        a, b = pair
        for name in (a, b):
            if name not in processes:
                raise SweepError(
                    f"correlation names {name!r}, which has no uncertainty; give one in uncertainties="
                )
            if name not in series:
                raise SweepError(
                    f"correlation: {name!r} follows a Bootstrap, which draws no shocks to correlate"
                )
        if a == b:
            raise SweepError(f"correlation of {a!r} with itself is always 1")
        if not (isinstance(rho, (int, float)) and -1.0 <= rho <= 1.0) or isinstance(rho, bool):
            raise SweepError(f"correlation {pair}: {rho!r} is not a number from -1 to 1")
        i, j = series.index(a), series.index(b)
        matrix[i, j] = matrix[j, i] = rho
    try:
        return np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        raise SweepError(f"the correlations {dict(correlation)} are not a valid correlation matrix") from None
