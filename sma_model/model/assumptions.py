"""Macro assumptions: ROK CPI, defense-budget growth, USD/KRW, US CPI, troops.

Each series is a constant, a ``{year: value}`` series, or nothing. For each year the
value comes from, in order:

1. the explicit ``{year: value}`` series (a counterfactual overrides the record);
2. the historical record in ``data/macro.csv`` (unless ``use_record=False``);
3. the constant.

Each value must lie in its series' plausible range (:data:`sma_model.series.ASSUMPTIONS`:
``cpi`` from -0.05 to 0.30, ``usd_krw`` from 400 to 5,000 ...), so ``cpi=2.0`` (2 % typed
as a whole number) is refused with "did you mean 0.02?". Numbers may be Python or numpy
numbers, never booleans; a ``{year: value}`` series may not name one year twice (``2027``
and ``"2027"``).

This model only validates; :mod:`sma_model.engine.macro` fills the years. A year that
none of these covers is left unknown, and an unknown value that a rule needs becomes a
:class:`~sma_model.errors.MissingAssumptionError` naming the series and the year.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Union

from pydantic import field_validator

from sma_model.model.terms import MAX_YEAR, MIN_YEAR, TermsModel
from sma_model.series import ASSUMPTIONS, unique_year_keys

__all__ = ["Assumptions"]

SeriesInput = Union[float, dict[int, float], None]


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

    @field_validator(*ASSUMPTIONS, mode="before")
    @classmethod
    def _check_series(cls, value: Any, info: Any) -> Any:
        name = info.field_name
        series = ASSUMPTIONS[name]
        if value is None:
            return None
        if isinstance(value, Mapping):
            if not value:
                raise ValueError(f"{name}: an empty {{year: value}} series; give at least one year")
            years = unique_year_keys(value, name, lambda year: _as_year(year, name))
            return {year: series.check(item, f"{name}[{year}]") for year, item in years.items()}
        return series.check(value)


def _as_year(year: Any, name: str) -> int:
    if isinstance(year, bool):
        raise ValueError(f"{name}: {year!r} is not a year")
    try:
        year_int = int(year)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{name}: {year!r} is not a year") from None
    if year_int != year and str(year_int) != str(year).strip():
        raise ValueError(f"{name}: {year!r} is not a whole year")
    if not MIN_YEAR - 5 <= year_int <= MAX_YEAR:
        raise ValueError(f"{name}: year {year_int} is outside {MIN_YEAR - 5}-{MAX_YEAR}")
    return year_int
