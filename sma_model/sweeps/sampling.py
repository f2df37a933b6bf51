"""Where sweep samples come from: a grid, a Latin hypercube, paired values, or random draws.

A sampler hands out the parameter values of samples ``lo:hi`` on request, so a run
can stream through chunks without holding every sample. Random draws come from one
seed per block of :data:`RNG_BLOCK` samples (``SeedSequence(entropy, spawn_key=(block,))``),
so a result does not depend on the chunk size or on where the chunks run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from sma_model.errors import SweepError
from sma_model.series import ASSUMPTIONS
from sma_model.sweeps.processes import Bootstrap

__all__ = ["RNG_BLOCK", "GridSampler", "MonteCarloSampler", "TableSampler", "seed_entropy"]

#: Samples per random-number block; chunks are whole numbers of blocks.
RNG_BLOCK = 1 << 16


def seed_entropy(rng: Any) -> int:
    """An integer entropy for ``rng`` (SPEC 7): the seed itself, or drawn from a Generator.

    ``None`` draws fresh entropy from the operating system; the result records it so
    the run can be redone.
    """
    if rng is None:
        return int(np.random.SeedSequence().entropy)
    if isinstance(rng, (bool, np.bool_)):
        raise SweepError(f"rng must be None, an int, a SeedSequence or a numpy Generator, not {rng!r}")
    if isinstance(rng, (int, np.integer)):
        if rng < 0:
            raise SweepError(f"rng must be a non-negative integer seed, not {rng}")
        return int(rng)
    if isinstance(rng, np.random.SeedSequence):
        return int(rng.entropy) if rng.entropy is not None else seed_entropy(None)
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, 2**63))
    raise SweepError(
        f"rng must be None, an int, a SeedSequence or a numpy Generator, not {type(rng).__name__} {rng!r}"
    )


def block_rng(entropy: int, block: int) -> np.random.Generator:
    """The generator of sample block ``block``."""
    return np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(block,)))


class GridSampler:
    """Every combination of the given values, the first parameter varying slowest."""

    def __init__(self, values: Mapping[str, np.ndarray]) -> None:
        self.columns = list(values)
        self.values = [np.asarray(v, dtype=float) for v in values.values()]
        self.shape = tuple(len(v) for v in self.values)
        self.n = int(np.prod(self.shape, dtype=np.int64))

    def take(self, lo: int, hi: int) -> dict[str, np.ndarray]:
        """Parameter values of samples ``lo:hi``."""
        index = np.unravel_index(np.arange(lo, hi), self.shape)
        return {c: v[i] for c, v, i in zip(self.columns, self.values, index)}

    def distinct(self, columns: Sequence[str]) -> np.ndarray:
        """Every distinct combination of ``columns``' values, one row each."""
        if not columns:
            return np.empty((1, 0))
        picked = [self.values[self.columns.index(c)] for c in columns]
        mesh = np.meshgrid(*picked, indexing="ij")
        return np.stack([m.ravel() for m in mesh], axis=1)


class TableSampler:
    """Samples given row by row: a Latin hypercube, Sobol' points, or paired values."""

    def __init__(self, table: Mapping[str, np.ndarray]) -> None:
        self.columns = list(table)
        self.table = {c: np.asarray(v, dtype=float) for c, v in table.items()}
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
        Assumption name → process (see :mod:`sma_model.uncertainty`).
    n
        Number of samples.
    entropy
        Seed entropy (see :func:`seed_entropy`).
    correlation
        ``{(series_a, series_b): rho}``: correlation of the yearly shocks of two series.
    """

    def __init__(
        self,
        processes: Mapping[str, Any],
        n: int,
        entropy: int,
        correlation: Mapping[tuple[str, str], float] | None = None,
    ) -> None:
        self.columns: list[str] = []
        self.processes = dict(processes)
        self.n = n
        self.entropy = entropy
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
        """The paths of one RNG block (its first ``size`` samples)."""
        rng = block_rng(self.entropy, block)
        n_years = len(next(iter(known.values())))
        # draw a full block so a short last chunk reproduces the same numbers
        shocks = rng.standard_normal((len(self.shocked), n_years, RNG_BLOCK))[:, :, :size]
        if self.cholesky is not None:
            shocks = np.einsum("ij,jtn->itn", self.cholesky, shocks)
        out = {}
        for s in self.series:
            process, years_known = self.processes[s], known[s]
            if isinstance(process, Bootstrap):
                pool = process.pool(s)
                picks = pool[rng.integers(0, len(pool), size=(n_years, RNG_BLOCK))[:, :size]]
                values = picks
            else:
                values = process.values(shocks[self.shocked.index(s)], years_known, last_known[s])
            out[s] = np.where(np.isnan(years_known)[:, None], values, years_known[:, None])
        return out


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
