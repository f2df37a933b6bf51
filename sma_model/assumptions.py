"""Macro assumptions: ROK CPI, defense-budget growth, USD/KRW, US CPI, troops.

Each series is a constant, a ``{year: value}`` series, or nothing. For each year the
value comes from, in order:

1. the explicit ``{year: value}`` series (a counterfactual overrides the record);
2. the historical record in ``data/macro.csv`` (unless ``use_record=False``);
3. the constant.

A year that none of these covers is left unknown; the engine turns an unknown value
that a rule needs into a :class:`~sma_model.errors.MissingAssumptionError` naming the
series and the year.
"""

from __future__ import annotations

from typing import Any, Union

import numpy as np
import pandas as pd
from pydantic import field_validator

from sma_model.terms import MAX_YEAR, MIN_YEAR, TermsModel

__all__ = ["RECORD_SERIES", "SERIES_BOUNDS", "Assumptions"]

SeriesInput = Union[float, dict[int, float], None]

#: Allowed range of each series' values, inclusive, in its own unit.
SERIES_BOUNDS: dict[str, tuple[float, float, str]] = {
    "cpi": (-0.5, 5.0, "a fraction per year, e.g. 0.02 for 2 %"),
    "defense_budget_growth": (-0.9, 5.0, "a fraction per year, e.g. 0.04 for 4 %"),
    "usd_krw": (1.0, 100_000.0, "won per dollar"),
    "us_cpi": (-0.5, 5.0, "a fraction per year, e.g. 0.02 for 2 %"),
    "troops": (1.0, 10_000_000.0, "US service members in Korea"),
    "defense_budget": (1e9, 1e16, "ROK defense budget in won"),
    "gdp": (1e12, 1e17, "ROK nominal GDP in won"),
    "npsc_usd": (1e6, 1e12, "US non-personnel stationing costs in Korea, in dollars"),
}

#: Which record series (``data/macro.csv``) backs each assumption.
RECORD_SERIES: dict[str, str] = {
    "cpi": "rok_cpi_inflation",
    "defense_budget_growth": "rok_defense_budget_growth",
    "usd_krw": "usd_krw",
    "us_cpi": "us_cpi_inflation",
    "defense_budget": "rok_defense_budget",
}


class Assumptions(TermsModel):
    """Macro assumptions for a projection.

    Every field is optional. Rates are fractions per year.

    Examples
    --------
    >>> Assumptions(cpi=0.02, defense_budget_growth=0.04, usd_krw=1400.0)  # doctest: +ELLIPSIS
    Assumptions(cpi=0.02, ...)
    >>> Assumptions(usd_krw={2027: 1500.0}, cpi=0.02)  # a weaker won in 2027 only
    ... # doctest: +ELLIPSIS
    Assumptions(...)
    """

    cpi: SeriesInput = None
    """ROK consumer price inflation [fraction per year]."""
    defense_budget_growth: SeriesInput = None
    """Growth of the ROK defense budget [fraction per year]."""
    usd_krw: SeriesInput = None
    """Won per US dollar, annual average [KRW/USD]."""
    us_cpi: SeriesInput = None
    """US CPI-U inflation [fraction per year], to express dollars in real terms."""
    troops: SeriesInput = 28_500.0
    """US troops in Korea [persons]; 28,500 by default (GAO-21-270)."""
    defense_budget: SeriesInput = None
    """ROK defense budget [KRW]; the record's levels grown by ``defense_budget_growth`` if omitted."""
    gdp: SeriesInput = None
    """ROK nominal GDP [KRW], for ``share_of_gdp``; no record, so give it to get the column."""
    npsc_usd: SeriesInput = None
    """US non-personnel stationing costs in Korea [USD], for ``share_of_npsc``; no record."""
    use_record: bool = True
    """Fill the years the historical record knows from it (explicit series still win)."""

    @field_validator(*SERIES_BOUNDS, mode="before")
    @classmethod
    def _check_series(cls, value: Any, info: Any) -> Any:
        name = info.field_name
        low, high, unit = SERIES_BOUNDS[name]
        if value is None:
            return None
        if isinstance(value, dict):
            if not value:
                raise ValueError(f"{name}: an empty {{year: value}} series; give at least one year")
            checked = {}
            for year, item in value.items():
                year_int = _as_year(year, name)
                checked[year_int] = _as_value(item, name, low, high, unit, year_int)
            return checked
        return _as_value(value, name, low, high, unit, None)

    def resolve(self, name: str, years: np.ndarray) -> np.ndarray:
        """Values of series ``name`` for ``years``, NaN where nothing covers a year.

        Parameters
        ----------
        name
            An assumption field, e.g. ``"cpi"``.
        years
            Calendar years, int array.

        Returns
        -------
        numpy.ndarray
            float64, same shape as ``years``; the caller decides whether NaN is an error.
        """
        from sma_model import history

        years = np.asarray(years, dtype=np.int64)
        given = getattr(self, name)
        out = np.full(years.shape, given if isinstance(given, float) else np.nan)
        if self.use_record and name in RECORD_SERIES:
            record = history.macro_series(RECORD_SERIES[name])
            known = record.reindex(years.ravel()).to_numpy().reshape(years.shape)
            out = np.where(np.isnan(known), out, known)
        if isinstance(given, dict):
            explicit = pd.Series(given, dtype=float).reindex(years.ravel()).to_numpy()
            out = np.where(np.isnan(explicit.reshape(years.shape)), out, explicit.reshape(years.shape))
        return out


def _as_year(year: Any, name: str) -> int:
    try:
        year_int = int(year)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: {year!r} is not a year") from None
    if year_int != year and str(year_int) != str(year).strip():
        raise ValueError(f"{name}: {year!r} is not a whole year")
    if not MIN_YEAR - 5 <= year_int <= MAX_YEAR:
        raise ValueError(f"{name}: year {year_int} is outside {MIN_YEAR - 5}-{MAX_YEAR}")
    return year_int


def _as_value(value: Any, name: str, low: float, high: float, unit: str, year: int | None) -> float:
    where = f"{name}[{year}]" if year is not None else name
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{where}: {value!r} is not a number ({unit})")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{where}: {value} is not finite; give a number from {low:g} to {high:g}")
    if not low <= value <= high:
        raise ValueError(f"{where}: {value:g} is outside the allowed range {low:g} to {high:g} ({unit})")
    return value
