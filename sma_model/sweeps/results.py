"""Results of sweeps and Monte Carlo runs: one row per sample, paths and statistics."""

from __future__ import annotations

import difflib
import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sma_model._excel import write_workbook
from sma_model.errors import SweepError
from sma_model.plotting.sweeps import sweep_heatmap
from sma_model.plotting.uncertainty import fan_chart
from sma_model.sweeps.sketch import PERCENTILE_ERROR, Stats
from sma_model.sweeps.summaries import OUTCOMES

__all__ = ["MonteCarloResult", "SweepResult", "finite_amount"]


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
    stats : Stats or None
        With ``keep="stats"``: the streamed statistics (see :mod:`sma_model.sweeps.sketch`).
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
        cls,
        chunks: Sequence[Any],
        sampler: Any,
        years: np.ndarray,
        inputs: dict[str, Any],
        elapsed: float,
        paths: np.ndarray | None = None,
        table: np.ndarray | None = None,
    ) -> SweepResult:
        """Assemble chunk results (in sample order) into one result.

        ``paths``, when given, already holds every chunk's yearly paths (written in place);
        ``table``, the chunks' parameters and outcomes, a row each (see
        :attr:`sma_model.sweeps.chunks.ChunkSpec.table`).
        """
        n = sampler.n
        if chunks[0].stats is not None:
            stats = chunks[0].stats
            for chunk in chunks[1:]:
                stats.merge(chunk.stats)
            return cls(None, years, inputs, stats=stats, elapsed=elapsed, **cls._extra(chunks))
        # the float columns go into one block, built once, that the frame holds without a copy
        given = sampler.take(0, n) if table is None else dict.fromkeys(sampler.columns)
        first_over = "first_year_over_threshold"
        if table is None:
            outcomes = {k: np.concatenate([c.outcomes[k] for c in chunks]) for k in chunks[0].outcomes}
            has_first = first_over in outcomes
        else:
            names = list(OUTCOMES)
            outcomes = {k: table[len(given) + j] for j, k in enumerate(names)}
            has_first = inputs.get("threshold") is not None
        names = [*given, *(k for k in outcomes if k != first_over)]
        block = table[: len(names)] if table is not None else np.empty((len(names), n))
        if table is None:  # else the chunks wrote the parameters and outcomes into its rows
            for k, name in enumerate(names):
                block[k] = given[name] if name in given else outcomes[name]
        frame = pd.DataFrame(block.T, columns=names, copy=False)
        frame.insert(0, "sample", pd.Series(np.arange(n), copy=False))  # a Series is not copied again
        if has_first:
            first = outcomes[first_over].astype(np.int64)
            frame["first_year_over_threshold"] = pd.array(np.where(first > 0, first, 0), dtype="Int64")
            frame.loc[first == 0, "first_year_over_threshold"] = pd.NA
        if paths is None and chunks[0].paths is not None:
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
    def percentile_error(self) -> float:
        """Bound on the relative error of :meth:`percentiles` and :meth:`summary` [fraction].

        0.0 when they are computed from every value (kept paths or per-sample rows);
        :data:`~sma_model.sweeps.sketch.PERCENTILE_ERROR` (1e-4) for streamed statistics
        (``keep="stats"``): each streamed percentile ``p`` is within
        ``percentile_error * |x| + 1`` [currency unit] of the exact one ``x``.
        """
        return PERCENTILE_ERROR if self._paths is None and self.stats is not None else 0.0

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
            Indexed by ``year``, a column ``p5``, ``p25`` … per percentile, computed as
            :func:`numpy.percentile` does (linear interpolation between samples). Exact
            from kept paths; from streamed statistics within :attr:`percentile_error`
            (0.01 %) of the exact value. NaN in a year no sample is active in.
        """
        given = np.atleast_1d(np.asarray(q, dtype=object))
        if (
            given.ndim != 1
            or given.size == 0
            or any(isinstance(v, bool) or not isinstance(v, (int, float, np.number)) for v in given)
        ):
            raise SweepError(f"percentiles must be a list of numbers from 0 to 100, not {q!r}")
        levels = given.astype(float)
        if not np.all((levels >= 0) & (levels <= 100)):  # also catches NaN
            raise SweepError(f"percentiles must be between 0 and 100, not {levels.tolist()!r}")
        names = [f"p{v:g}" for v in levels]
        if self._paths is not None:
            with np.errstate(all="ignore"):
                values = np.nanpercentile(self._paths, levels, axis=1).T
        elif self.stats is not None:
            values = self.stats.percentiles(levels)
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
        threshold = finite_amount(threshold, f"threshold must be a finite amount in {self.currency}")
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
        if isinstance(by_year, (bool, np.bool_)) or not isinstance(by_year, (int, np.integer)):
            raise SweepError(f"by_year must be a whole year, not {by_year!r}")
        if by_year not in series.index:
            raise SweepError(f"by_year {by_year} is outside {self.years[0]}-{self.years[-1]}")
        return float(series.loc[by_year])

    def summary(self) -> pd.DataFrame:
        """Mean and percentiles of each outcome over the samples.

        From streamed statistics (``keep="stats"``), only the total in the run's currency,
        its percentiles within :attr:`percentile_error`.
        """
        if self._frame is None:
            if self.stats is None:
                raise SweepError("this result holds neither per-sample rows nor statistics")
            values = self.stats.totals.quantiles(np.array([0.05, 0.5, 0.95]))
            mean = self.stats.totals_sum / max(self.stats.totals.count, 1)
            name = f"total_{self.currency.lower()}"
            return pd.DataFrame([[mean, *values]], index=[name], columns=["mean", "p5", "p50", "p95"])
        outcomes = [c for c in self._frame.columns if c.startswith(("total_", "final_payment_"))]
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
        frame = self.frame
        for role, column in (("x", x), ("y", y), ("outcome", outcome)):
            _check_column(frame, role, column)
        for role, column in (("x", x), ("y", y)):
            if frame[column].nunique() < 2:
                raise SweepError(f"{role}={column!r} takes one value here; a heat map needs at least two")
        return sweep_heatmap(self, x, y, outcome=outcome, ax=ax, **kwargs)

    def to_excel(self, path: str | Path) -> Path:
        """Write the samples, summary, percentiles and the inputs, sources and version to ``.xlsx``.

        Percentiles [``currency``] of each year's payment are written where paths or
        statistics were kept; the inputs are the scenario, parameters and seed. A run of
        more samples than an Excel sheet holds (1,048,575) is an ``OutputError``.
        """
        tables = {"samples": self._frame} if self._frame is not None else {}
        tables["summary"] = self.summary()
        if self._paths is not None or self.stats is not None:
            tables["percentiles"] = self.percentiles()
        return write_workbook(tables, path, self.inputs)

    def __repr__(self) -> str:
        return (
            f"{self.kind} of {self.n:,} samples, {self.years[0]}-{self.years[-1]} ({self.elapsed:.2f} s)\n"
            + (self.summary().to_string())
            + self._error_note()
        )

    def _error_note(self) -> str:
        if not self.percentile_error:
            return ""
        return f"\npercentiles streamed: within {self.percentile_error:.2%} (+1 {self.currency}) of exact"

    def _repr_html_(self) -> str:
        name = html.escape(str(self.inputs["scenario"]["name"]))
        return (
            f"<div><strong>{self.kind}</strong> of {self.n:,} samples of {name}, "
            f"{self.years[0]}-{self.years[-1]}<br><small>seed {html.escape(str(self.inputs.get('seed')))}, "
            f"sma_model {html.escape(str(self.inputs['sma_model_version']))}</small>"
            f"{self.summary().to_html()}<small>{html.escape(self._error_note())}</small></div>"
        )


def finite_amount(value: object, what: str) -> float:
    """``value`` as a finite float, or a :class:`SweepError` starting with ``what``.

    Numbers only: booleans, text and NaN or infinite amounts are refused.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise SweepError(f"{what}, not {type(value).__name__} {value!r:.60}")
    try:
        number = float(value)
    except OverflowError:
        number = np.inf
    if not np.isfinite(number):
        raise SweepError(f"{what}, not {value!r:.60}")
    return number


def _check_column(frame: pd.DataFrame, role: str, column: object) -> None:
    """A column of ``frame``, or a :class:`SweepError` suggesting the closest ones."""
    columns = [str(c) for c in frame.columns]
    if isinstance(column, str) and column in columns:
        return
    close = difflib.get_close_matches(str(column), columns, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise SweepError(f"{role}={column!r} is not a column of the sweep{hint} Columns: {', '.join(columns)}")


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
