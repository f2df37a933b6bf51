"""Uncertain macro series for Monte Carlo: small frozen models of yearly processes.

Each process turns standard-normal shocks (or, for :class:`Bootstrap`, uniform picks)
into values for the years that neither the historical record nor an explicit
``{year: value}`` series covers; the record stays as it is. Processes that carry a
state (:class:`AR1`, :class:`LogRandomWalk`) restart from the record wherever it
has a value, so a gap in the record is filled and the path rejoins the record after it.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

import numpy as np
from pydantic import Field

from sma_model.errors import SweepError
from sma_model.model.terms import TermsModel
from sma_model.record.macro import macro_series
from sma_model.series import ASSUMPTIONS

__all__ = ["AR1", "Bootstrap", "LogRandomWalk", "Normal", "Process"]

Finite = Annotated[float, Field(allow_inf_nan=False)]


class Normal(TermsModel):
    """Independent normal draws each year: ``x[t] = mean + sd * z[t]``.

    Examples
    --------
    >>> Normal(mean=0.02, sd=0.005)  # ROK CPI around the Bank of Korea's 2 % target
    Normal(kind='normal', mean=0.02, sd=0.005)
    """

    kind: Literal["normal"] = "normal"
    mean: Finite
    """Mean [the series' unit: fraction per year, or won per dollar]."""
    sd: Finite = Field(ge=0)
    """Standard deviation [same unit], at least 0."""

    @property
    def center(self) -> float:
        """A typical value, used to compile the reference scenario."""
        return self.mean

    def values(self, shocks: np.ndarray, known: np.ndarray, last_known: float) -> np.ndarray:
        """Values for every year from shocks ``(n_years, n)``; only years where ``known`` is NaN are used.

        ``last_known`` is the series' last known value before these years (NaN if none).
        """
        return self.mean + self.sd * shocks


class AR1(TermsModel):
    """A first-order autoregression: ``x[t] = mean + phi * (x[t-1] - mean) + sd * z[t]``.

    The path starts from the last value the record (or an explicit series) gives
    before the first unknown year, else from ``start``, else from ``mean``.
    """

    kind: Literal["ar1"] = "ar1"
    mean: Finite
    """Long-run mean [the series' unit]."""
    phi: float = Field(gt=-1.0, lt=1.0)
    """Persistence, strictly between -1 and 1."""
    sd: Finite = Field(ge=0)
    """Standard deviation of the yearly shock [the series' unit]."""
    start: Finite | None = None
    """Value before the first unknown year when nothing known precedes it."""

    @property
    def center(self) -> float:
        """A typical value, used to compile the reference scenario."""
        return self.mean

    def values(self, shocks: np.ndarray, known: np.ndarray, last_known: float) -> np.ndarray:
        """Values for every year from shocks ``(n_years, n)``; see :meth:`Normal.values`."""
        start = last_known if np.isfinite(last_known) else (self.mean if self.start is None else self.start)
        previous = np.full(shocks.shape[1], start)
        out = np.empty_like(shocks)
        for t in range(len(out)):
            if np.isnan(known[t]):
                previous = self.mean + self.phi * (previous - self.mean) + self.sd * shocks[t]
            else:
                previous = np.full(shocks.shape[1], known[t])
            out[t] = previous
        return out


class LogRandomWalk(TermsModel):
    """A random walk in logs: ``x[t] = x[t-1] * exp(drift + sd * z[t])``, for USD/KRW.

    The path starts from the last value the record gives before the first unknown year
    (2021's 1,144.6 won per dollar in the shipped record, for instance), else from ``start``.
    """

    kind: Literal["log_random_walk"] = "log_random_walk"
    drift: Finite = 0.0
    """Mean change of the log per year [1/year]."""
    sd: Finite = Field(ge=0)
    """Standard deviation of the yearly change of the log [1/year]."""
    start: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    """Level before the first unknown year when nothing known precedes it."""

    @property
    def center(self) -> float:
        """A typical value, used to compile the reference scenario."""
        return 1.0 if self.start is None else self.start

    def values(self, shocks: np.ndarray, known: np.ndarray, last_known: float) -> np.ndarray:
        """Values for every year from shocks ``(n_years, n)``; see :meth:`Normal.values`."""
        start = last_known if np.isfinite(last_known) else (np.nan if self.start is None else self.start)
        if np.isnan(start) and np.isnan(known[0]):
            raise SweepError("LogRandomWalk: nothing known precedes the drawn years; give start=<level>")
        previous = np.full(shocks.shape[1], start)
        out = np.empty_like(shocks)
        for t in range(len(out)):
            if np.isnan(known[t]):
                previous = previous * np.exp(self.drift + self.sd * shocks[t])
            else:
                previous = np.full(shocks.shape[1], known[t])
            out[t] = previous
        return out


class Bootstrap(TermsModel):
    """Each unknown year takes a value drawn, with replacement, from the historical record.

    ``first_year``/``last_year`` restrict the record years drawn from.
    """

    kind: Literal["bootstrap"] = "bootstrap"
    first_year: int | None = None
    """First record year to draw from (default: the record's first)."""
    last_year: int | None = None
    """Last record year to draw from (default: the record's last)."""

    def pool(self, series: str) -> np.ndarray:
        """The record values drawn from for assumption ``series``."""
        column = ASSUMPTIONS[series].record if series in ASSUMPTIONS else None
        if column is None:
            raise SweepError(f"Bootstrap: the record has no series for {series!r}")
        record = macro_series(column).dropna()
        low = record.index.min() if self.first_year is None else self.first_year
        high = record.index.max() if self.last_year is None else self.last_year
        values = record.loc[(record.index >= low) & (record.index <= high)].to_numpy()
        if len(values) == 0:
            raise SweepError(f"Bootstrap: the record of {series!r} has no years in {low}-{high}")
        return values


Process = Annotated[Union[Normal, AR1, LogRandomWalk, Bootstrap], Field(discriminator="kind")]
"""Any yearly process a macro series can follow in a Monte Carlo run."""
