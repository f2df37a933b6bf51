"""Streamed statistics for ``keep="stats"``: per-year counts, sums and quantile sketches.

A run that keeps no paths still reports percentiles. Each year's payments (and each
sample's horizon total) go into a :class:`Sketch`: counts of values in log-spaced bins
of relative width ``2 * PERCENTILE_ERROR``, as in DDSketch (Masson, Rim and Lee, 2019).
The bins are fixed by the arithmetic, not by the data, and a sketch grows to hold
whatever arrives, so nothing is ever clipped; sketches of chunks merge exactly by
adding counts, so a result does not depend on the chunk size, the order of the chunks
or the backend; memory is one counter per occupied bin, never per sample.

The bound
---------
Bin ``i`` holds the magnitudes in ``(gamma**(i-1), gamma**i]`` with
``gamma = (1 + a) / (1 - a)``, ``a = PERCENTILE_ERROR``, and reports each as
``2 * gamma**i / (gamma + 1)``, within a relative ``a`` of every value in the bin. A
percentile is interpolated linearly between the two order statistics around it, as
:func:`numpy.percentile` does (its default ``"linear"`` method), so for payments (never
negative) the streamed percentile ``p`` and the one computed on every value ``x`` satisfy

    ``|p - x| <= PERCENTILE_ERROR * x + SKETCH_FLOOR``

where ``SKETCH_FLOOR`` (one won or dollar) is there because magnitudes below it are
counted as zero. With values of both signs the relative part applies to the larger
magnitude of the two order statistics. ``tests/test_trust_sweeps.py`` checks the bound
against :func:`numpy.percentile` on the full data, for random, ordered and adversarial
inputs.

References
----------
C. Masson, J. E. Rim and H. K. Lee, "DDSketch: a fast and fully-mergeable quantile
sketch with relative-error guarantees", Proc. VLDB Endow. 12 (12), 2019.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

__all__ = ["PERCENTILE_ERROR", "SKETCH_FLOOR", "Sketch", "Stats"]

#: Relative accuracy of streamed percentiles [fraction]: 1e-4 is 0.01 %.
PERCENTILE_ERROR = 1e-4
#: Magnitudes below this [won or dollar] count as zero in a sketch.
SKETCH_FLOOR = 1.0

_GAMMA = (1.0 + PERCENTILE_ERROR) / (1.0 - PERCENTILE_ERROR)
_PER_LOG = 1.0 / math.log(_GAMMA)


def _bin_value(index: np.ndarray) -> np.ndarray:
    """The value a bin reports: within ``PERCENTILE_ERROR`` of everything in the bin."""
    return 2.0 * np.exp(index / _PER_LOG) / (_GAMMA + 1.0)


@dataclass
class _Bins:
    """Counts of magnitudes (at least ``SKETCH_FLOOR``) per log bin, from bin ``offset`` on."""

    offset: int = 0
    counts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def add(self, magnitudes: np.ndarray) -> None:
        if magnitudes.size == 0:
            return
        scaled = np.log(magnitudes)  # in place from here: this runs for every year of every chunk
        scaled *= _PER_LOG
        np.ceil(scaled, out=scaled)
        index = scaled.astype(np.int64)
        low = int(index.min())
        index -= low
        self.add_counts(low, np.bincount(index))

    def add_counts(self, offset: int, counts: np.ndarray) -> None:
        if counts.size == 0:
            return
        if self.counts.size == 0:
            self.offset, self.counts = offset, counts.astype(np.int64, copy=True)
            return
        low = min(self.offset, offset)
        high = max(self.offset + self.counts.size, offset + counts.size)
        if low < self.offset or high > self.offset + self.counts.size:
            grown = np.zeros(high - low, np.int64)
            grown[self.offset - low : self.offset - low + self.counts.size] = self.counts
            self.offset, self.counts = low, grown
        start = offset - self.offset
        self.counts[start : start + counts.size] += counts

    def values_and_counts(self) -> tuple[np.ndarray, np.ndarray]:
        occupied = np.flatnonzero(self.counts)
        return _bin_value(occupied + self.offset), self.counts[occupied]


class Sketch:
    """A mergeable quantile sketch with relative accuracy ``PERCENTILE_ERROR`` (see the module).

    Examples
    --------
    >>> values = np.geomspace(1e9, 1e15, 100_001)
    >>> sketch = Sketch()
    >>> sketch.add(values[:50_000]); sketch.add(values[50_000:])
    >>> exact = np.percentile(values, [5, 50, 95])
    >>> bool(np.all(np.abs(sketch.quantiles(np.array([0.05, 0.5, 0.95])) - exact) <= 1e-4 * exact))
    True
    """

    def __init__(self) -> None:
        self.positive = _Bins()
        self.negative = _Bins()
        self.zeros = 0

    @property
    def count(self) -> int:
        """Number of values added."""
        return int(self.positive.counts.sum() + self.negative.counts.sum()) + self.zeros

    def add(self, values: np.ndarray) -> None:
        """Add values; NaN and infinities are left out, as :func:`numpy.nanpercentile` does."""
        values = np.asarray(values, dtype=float).ravel()
        if values.size and values.min() >= SKETCH_FLOOR and values.max() < np.inf:  # the usual case
            self.positive.add(values)
            return
        values = values[np.isfinite(values)]
        big = np.abs(values) >= SKETCH_FLOOR
        self.positive.add(values[big & (values > 0)])
        self.negative.add(-values[big & (values < 0)])
        self.zeros += int(values.size - big.sum())

    def merge(self, other: Sketch) -> None:
        """Add another sketch's counts: the same as having added its values."""
        self.positive.add_counts(other.positive.offset, other.positive.counts)
        self.negative.add_counts(other.negative.offset, other.negative.counts)
        self.zeros += other.zeros

    def quantiles(self, q: np.ndarray) -> np.ndarray:
        """Quantiles ``q`` (fractions 0 to 1), interpolated as :func:`numpy.quantile` does.

        NaN for each ``q`` when the sketch is empty.
        """
        q = np.asarray(q, dtype=float)
        negative, negative_counts = self.negative.values_and_counts()
        positive, positive_counts = self.positive.values_and_counts()
        values = np.concatenate([-negative[::-1], [0.0], positive])
        counts = np.concatenate([negative_counts[::-1], [self.zeros], positive_counts])
        cumulative = np.cumsum(counts)
        n = int(cumulative[-1])
        if n == 0:
            return np.full(q.shape, np.nan)
        rank = q * (n - 1)
        below = np.floor(rank)
        fraction = rank - below
        low = values[np.searchsorted(cumulative, below, side="right")]
        high = values[np.searchsorted(cumulative, np.minimum(below + 1, n - 1), side="right")]
        return low + (high - low) * fraction


@dataclass
class Stats:
    """Streamed statistics of a run: per year counts, sums and sketches; the totals' sketch.

    Attributes
    ----------
    count, total : numpy.ndarray
        Per year: samples active, and the sum of their payments [currency].
    years : list of Sketch
        Per year: the sketch of the payments.
    totals : Sketch
        The sketch of each sample's total over the horizon.
    totals_sum : float
        The sum of those totals [currency].
    crossings : numpy.ndarray
        Samples whose payment first exceeded the threshold in each year; the last
        element counts the samples that never did.
    """

    count: np.ndarray
    total: np.ndarray
    years: list[Sketch]
    totals: Sketch
    totals_sum: float
    crossings: np.ndarray

    @classmethod
    def empty(cls, n_years: int) -> Stats:
        """Zeroed statistics of ``n_years`` years."""
        return cls(
            count=np.zeros(n_years, np.int64),
            total=np.zeros(n_years),
            years=[Sketch() for _ in range(n_years)],
            totals=Sketch(),
            totals_sum=0.0,
            crossings=np.zeros(n_years + 1, np.int64),
        )

    def add_year(self, t: int, values: np.ndarray) -> None:
        """Add one year's payments (NaN where a sample is not active)."""
        finite = np.isfinite(values)
        finite = values if finite.all() else values[finite]
        self.count[t] += finite.size
        self.total[t] += float(finite.sum())
        self.years[t].add(finite)

    def add_totals(self, totals: np.ndarray, first_over: np.ndarray, years: np.ndarray) -> None:
        """Add the horizon totals and the first year each sample crossed the threshold."""
        self.totals.add(totals)
        self.totals_sum += float(totals.sum())
        index = np.where(first_over > 0, first_over - years[0], len(years))
        self.crossings += np.bincount(index, minlength=len(years) + 1)

    def merge(self, other: Stats) -> None:
        """Add another chunk's statistics."""
        self.count += other.count
        self.total += other.total
        self.crossings += other.crossings
        self.totals_sum += other.totals_sum
        self.totals.merge(other.totals)
        for mine, theirs in zip(self.years, other.years):
            mine.merge(theirs)

    def percentiles(self, q: np.ndarray) -> np.ndarray:
        """Per year (rows) percentiles ``q`` (0 to 100, columns); NaN for a year without samples."""
        return np.stack([sketch.quantiles(q / 100) for sketch in self.years])
