"""Results of sweeps and Monte Carlo runs: one row per sample, paths and statistics."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sma_model.errors import SweepError
from sma_model.plotting.sweeps import sweep_heatmap
from sma_model.plotting.uncertainty import fan_chart

__all__ = ["MonteCarloResult", "Stats", "SweepResult"]

#: Histogram bins per year for streamed percentiles (``keep="stats"``).
STAT_BINS = 4096


@dataclass
class Stats:
    """Streamed per-year statistics: counts, sums and log-spaced histograms.

    Percentiles from these are exact to within one bin: about 0.1 % of the value for
    payments spanning two orders of magnitude.
    """

    count: np.ndarray
    total: np.ndarray
    hist: np.ndarray
    total_hist: np.ndarray
    crossings: np.ndarray
    edges: tuple[np.ndarray, np.ndarray]

    @classmethod
    def empty(cls, n_years: int, edges: tuple[np.ndarray, np.ndarray] | None) -> Stats:
        """Zeroed statistics over ``edges`` (from :meth:`edges_from`)."""
        if edges is None:
            raise SweepError("streamed statistics need histogram edges")
        return cls(
            count=np.zeros(n_years, np.int64),
            total=np.zeros(n_years),
            hist=np.zeros((n_years, STAT_BINS), np.int64),
            total_hist=np.zeros(STAT_BINS, np.int64),
            crossings=np.zeros(n_years + 1, np.int64),
            edges=edges,
        )

    @staticmethod
    def edges_from(paths: np.ndarray, totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Log-spaced bin edges covering a first chunk's payments and totals, with room."""

        def edges(values: np.ndarray) -> np.ndarray:
            positive = values[np.isfinite(values) & (values > 0)]
            if positive.size == 0:
                return np.linspace(0.0, 1.0, STAT_BINS + 1)
            low, high = np.log10(positive.min()) - 1.0, np.log10(positive.max()) + 1.0
            return np.linspace(low, high, STAT_BINS + 1)

        return edges(paths), edges(totals)

    @staticmethod
    def _bin(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
        finite = values[np.isfinite(values) & (values > 0)]
        position = (np.log10(finite) - edges[0]) / (edges[1] - edges[0])
        index = np.clip(position.astype(np.int64), 0, STAT_BINS - 1)
        return np.bincount(index, minlength=STAT_BINS)

    def add_year(self, t: int, values: np.ndarray) -> None:
        """Add one year's payments (NaN where a sample is not active)."""
        finite = np.isfinite(values)
        self.count[t] += int(finite.sum())
        self.total[t] += float(values[finite].sum())
        self.hist[t] += self._bin(values, self.edges[0])

    def add_totals(self, totals: np.ndarray, first_over: np.ndarray, years: np.ndarray) -> None:
        """Add the horizon totals and the first year each sample crossed the threshold."""
        self.total_hist += self._bin(totals, self.edges[1])
        index = np.where(first_over > 0, first_over - years[0], len(years))
        self.crossings += np.bincount(index, minlength=len(years) + 1)

    def merge(self, other: Stats) -> None:
        """Add another chunk's statistics (same edges)."""
        for name in ("count", "total", "hist", "total_hist", "crossings"):
            getattr(self, name).__iadd__(getattr(other, name))

    def quantiles(self, hist: np.ndarray, edges: np.ndarray, q: np.ndarray) -> np.ndarray:
        """Quantiles ``q`` (fractions) from a histogram, interpolated within bins in log space."""
        cumulative = np.cumsum(hist)
        total = cumulative[-1]
        if total == 0:
            return np.full(len(q), np.nan)
        target = q * total
        index = np.clip(np.searchsorted(cumulative, target, side="left"), 0, STAT_BINS - 1)
        below = np.where(index > 0, cumulative[index - 1], 0)
        inside = np.where(hist[index] > 0, (target - below) / np.maximum(hist[index], 1), 0.5)
        return 10.0 ** (edges[index] + inside * (edges[1] - edges[0]))


class SweepResult:
    """Outcomes of a sweep: one row per sample, yearly paths and statistics on request.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per sample: ``sample``, the swept parameters (columns named by their
        paths), ``total_krw`` [KRW over the horizon], ``total_usd`` [USD],
        ``final_payment_krw`` [KRW, last year], ``final_payment_usd`` [USD], and with a
        threshold ``first_year_over_threshold`` [calendar year, <NA> if never].
    years : numpy.ndarray
        The calendar years projected.
    inputs : dict
        Scenario JSON, parameters, method, seed, threshold, currency, chunk size,
        package version: enough to redo the run.
    elapsed : float
        Wall time of the run [s].
    """

    kind = "Sweep"

    def __init__(
        self,
        frame: pd.DataFrame | None,
        years: np.ndarray,
        inputs: dict[str, Any],
        paths: np.ndarray | None = None,
        stats: Stats | None = None,
        elapsed: float = 0.0,
    ) -> None:
        self._frame = frame
        self.years = years
        self.inputs = inputs
        self._paths = paths
        self.stats = stats
        self.elapsed = elapsed

    @classmethod
    def from_chunks(
        cls, chunks: Sequence[Any], sampler: Any, years: np.ndarray, inputs: dict[str, Any], elapsed: float
    ) -> SweepResult:
        """Assemble chunk results (in sample order) into one result."""
        n = sampler.n
        if chunks[0].stats is not None:
            stats = chunks[0].stats
            for chunk in chunks[1:]:
                stats.merge(chunk.stats)
            return cls(None, years, inputs, stats=stats, elapsed=elapsed, **cls._extra(chunks))
        columns: dict[str, Any] = {"sample": np.arange(n)}
        columns.update(sampler.take(0, n))
        for name in chunks[0].outcomes:
            columns[name] = np.concatenate([c.outcomes[name] for c in chunks])
        frame = pd.DataFrame(columns)
        if "first_year_over_threshold" in frame:
            first = frame["first_year_over_threshold"]
            frame["first_year_over_threshold"] = pd.array(np.where(first > 0, first, 0), dtype="Int64")
            frame.loc[first == 0, "first_year_over_threshold"] = pd.NA
        paths = None
        if chunks[0].paths is not None:
            paths = np.empty((len(years), n))
            for c in chunks:
                paths[:, c.lo : c.hi] = c.paths
        return cls(frame, years, inputs, paths=paths, elapsed=elapsed, **cls._extra(chunks))

    @classmethod
    def _extra(cls, chunks: Sequence[Any]) -> dict[str, Any]:
        return {}

    @property
    def frame(self) -> pd.DataFrame:
        """One row per sample (see the class docstring)."""
        if self._frame is None:
            raise SweepError("this run kept streamed statistics only (keep='stats'): no per-sample rows")
        return self._frame

    @property
    def n(self) -> int:
        """Number of samples."""
        return int(self.inputs["n"])

    @property
    def currency(self) -> str:
        """Currency of paths, percentiles and the threshold."""
        return str(self.inputs["currency"])

    def paths(self, long: bool = True) -> pd.DataFrame:
        """Yearly payments of every sample [``currency``].

        Parameters
        ----------
        long
            A long frame (``sample, year, payment_krw``) or a wide one (a row per
            sample, a column per year).
        """
        if self._paths is None:
            raise SweepError("yearly paths were not kept; run again with keep='paths'")
        column = f"payment_{self.currency.lower()}"
        if not long:
            wide = pd.DataFrame(self._paths.T, columns=pd.Index(self.years, name="year"))
            wide.index.name = "sample"
            return wide
        n_years, n = self._paths.shape
        frame = pd.DataFrame(
            {
                "sample": np.repeat(np.arange(n), n_years),
                "year": np.tile(self.years, n),
                column: self._paths.T.ravel(),
            }
        )
        return frame.dropna(subset=[column]).reset_index(drop=True)

    def percentiles(self, q: Sequence[float] = (5, 25, 50, 75, 95)) -> pd.DataFrame:
        """Percentiles of each year's payment across samples [``currency``].

        Parameters
        ----------
        q
            Percentiles, 0 to 100.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``year``, a column ``p5``, ``p25`` … per percentile. Exact from kept
            paths; within a histogram bin (about 0.1 %) from streamed statistics.
        """
        given = np.atleast_1d(np.asarray(q, dtype=object))
        if (
            given.ndim != 1
            or given.size == 0
            or any(isinstance(v, bool) or not isinstance(v, (int, float, np.number)) for v in given)
        ):
            raise SweepError(f"percentiles must be a list of numbers from 0 to 100, not {q!r}")
        q = given.astype(float)
        if not np.all((q >= 0) & (q <= 100)):  # also catches NaN
            raise SweepError(f"percentiles must be between 0 and 100, not {q.tolist()!r}")
        names = [f"p{v:g}" for v in q]
        if self._paths is not None:
            with np.errstate(all="ignore"):
                values = np.nanpercentile(self._paths, q, axis=1).T
        elif self.stats is not None:
            values = np.stack(
                [self.stats.quantiles(h, self.stats.edges[0], q / 100) for h in self.stats.hist]
            )
        else:
            raise SweepError("percentiles need yearly paths: run again with keep='paths' or keep='stats'")
        return pd.DataFrame(values, index=pd.Index(self.years, name="year"), columns=names)

    def probability_over(self, threshold: float | None = None, by_year: int | None = None) -> Any:
        """Probability that the yearly payment exceeds ``threshold`` in some year up to ``by_year``.

        Parameters
        ----------
        threshold
            A yearly payment [``currency``]; default the run's threshold.
        by_year
            The last year counted; None gives a series over every year.

        Returns
        -------
        float or pandas.Series
            A share of samples [fraction].
        """
        run_threshold = self.inputs.get("threshold")
        threshold = run_threshold if threshold is None else threshold
        if threshold is None:
            raise SweepError("give a threshold (or run with threshold=...)")
        if (
            isinstance(threshold, bool)
            or not isinstance(threshold, (int, float))
            or not np.isfinite(threshold)
        ):
            raise SweepError(f"threshold must be a finite amount in {self.currency}, not {threshold!r}")
        if self._paths is not None:
            over = np.nan_to_num(self._paths, nan=-np.inf) > threshold
            cumulative = np.logical_or.accumulate(over, axis=0).mean(axis=1)
        elif threshold == run_threshold and self._frame is not None:
            first = self._frame["first_year_over_threshold"].to_numpy(dtype=float, na_value=np.inf)
            cumulative = (first[None, :] <= self.years[:, None]).mean(axis=1)
        elif threshold == run_threshold and self.stats is not None:
            cumulative = np.cumsum(self.stats.crossings[:-1]) / self.stats.crossings.sum()
        else:
            raise SweepError(
                f"this run kept no paths, and its threshold was {run_threshold!r}; run again with "
                f"threshold={threshold!r} or keep='paths'"
            )
        series = pd.Series(cumulative, index=pd.Index(self.years, name="year"), name="probability_over")
        if by_year is None:
            return series
        if isinstance(by_year, bool) or not isinstance(by_year, (int, np.integer)):
            raise SweepError(f"by_year must be a whole year, not {by_year!r}")
        if by_year not in series.index:
            raise SweepError(f"by_year {by_year} is outside {self.years[0]}-{self.years[-1]}")
        return float(series.loc[by_year])

    def summary(self) -> pd.DataFrame:
        """Mean and percentiles of each outcome over the samples."""
        if self._frame is None:
            assert self.stats is not None
            q = np.array([0.05, 0.5, 0.95])
            values = self.stats.quantiles(self.stats.total_hist, self.stats.edges[1], q)
            name = f"total_{self.currency.lower()}"
            return pd.DataFrame([values], index=[name], columns=["p5", "p50", "p95"])
        outcomes = [c for c in self._frame if c.startswith(("total_", "final_payment_"))]
        table = self._frame[outcomes].describe(percentiles=[0.05, 0.5, 0.95]).T
        return table[["mean", "5%", "50%", "95%"]].rename(columns={"5%": "p5", "50%": "p50", "95%": "p95"})

    def plot(
        self,
        x: str | None = None,
        y: str | None = None,
        outcome: str = "total_krw",
        ax: Any = None,
        **kwargs: Any,
    ) -> Any:
        """A heat map of ``outcome`` over two swept parameters (default: the first two).

        See :func:`sma_model.plot.sweep_heatmap`; ``kwargs`` go to it (``thresholds=``).
        """

        parameters = list(self.inputs.get("parameters", []))
        x = x or (parameters[0] if parameters else None)
        y = y or (parameters[1] if len(parameters) > 1 else None)
        if x is None or y is None:
            raise SweepError("a sweep heat map needs two swept parameters; name them with x= and y=")
        return sweep_heatmap(self, x, y, outcome=outcome, ax=ax, **kwargs)

    def __repr__(self) -> str:
        return (
            f"{self.kind} of {self.n:,} samples, {self.years[0]}-{self.years[-1]} ({self.elapsed:.2f} s)\n"
            + (self.summary().to_string())
        )

    def _repr_html_(self) -> str:
        name = html.escape(str(self.inputs["scenario"]["name"]))
        return (
            f"<div><strong>{self.kind}</strong> of {self.n:,} samples of {name}, "
            f"{self.years[0]}-{self.years[-1]}<br><small>seed {html.escape(str(self.inputs.get('seed')))}, "
            f"sma_model {html.escape(str(self.inputs['sma_model_version']))}</small>"
            f"{self.summary().to_html()}</div>"
        )


class MonteCarloResult(SweepResult):
    """Outcomes of a Monte Carlo run; as :class:`SweepResult`, plus the draws on request.

    Attributes
    ----------
    draws : dict of str to pandas.DataFrame, or None
        With ``keep_draws=True``: per series, a frame with a row per sample and a column per
        drawn year.
    """

    kind = "Monte Carlo"

    def __init__(self, *args: Any, draws: dict[str, np.ndarray] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._draws = draws

    @classmethod
    def _extra(cls, chunks: Sequence[Any]) -> dict[str, Any]:
        if chunks[0].draws is None:
            return {"draws": None}
        names = list(chunks[0].draws)
        return {"draws": {s: np.concatenate([c.draws[s] for c in chunks], axis=1) for s in names}}

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:  # type: ignore[override]
        """A fan chart of yearly payments; see :func:`sma_model.plot.fan_chart`."""

        return fan_chart(self, ax=ax, **kwargs)

    @property
    def draws(self) -> dict[str, pd.DataFrame] | None:
        """The drawn values per series (rows: samples; columns: years), if kept."""
        if self._draws is None:
            return None
        years = self.inputs["draw_years"]
        return {
            s: pd.DataFrame(v.T, columns=pd.Index(years[s], name="year")).rename_axis("sample")
            for s, v in self._draws.items()
        }
