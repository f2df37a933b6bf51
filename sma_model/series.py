"""The one registry of macro series: name, unit, plausible range, where the record keeps it.

Every other module asks this registry which series exist; none keeps its own list.

Two kinds of name appear here:

- an **assumption** (``cpi``, ``usd_krw``, ...) is a field of
  :class:`~sma_model.model.assumptions.Assumptions`, in model units (fractions, won,
  persons);
- a **record column** (``rok_cpi_inflation``, ...) is a ``series`` value in
  ``data/macro.csv``, in the unit it was published in (percent, ₩ trillion).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ASSUMPTIONS",
    "DRAWABLE",
    "INDEX_SERIES",
    "RECORD_COLUMNS",
    "RECORD_SCALES",
    "Series",
    "record_column",
]


@dataclass(frozen=True)
class Series:
    """One macro series.

    Attributes
    ----------
    name : str
        The assumption's field name.
    low, high : float
        Allowed values, inclusive, in model units.
    unit : str
        The model unit, in words, for error messages.
    record : str or None
        The record column (``data/macro.csv``) that fills known years, if any.
    drawable : bool
        Whether sweeps and Monte Carlo may vary it yearly (a process or a value).
    """

    name: str
    low: float
    high: float
    unit: str
    record: str | None = None
    drawable: bool = False


_RATE = "a fraction per year, e.g. 0.02 for 2 %"

#: The assumption series, by field name, in the order Assumptions declares them.
ASSUMPTIONS: dict[str, Series] = {
    s.name: s
    for s in (
        Series("cpi", -0.5, 5.0, _RATE, "rok_cpi_inflation", drawable=True),
        Series("defense_budget_growth", -0.9, 5.0, _RATE, "rok_defense_budget_growth", drawable=True),
        Series("usd_krw", 1.0, 100_000.0, "won per dollar", "usd_krw", drawable=True),
        Series("us_cpi", -0.5, 5.0, _RATE, "us_cpi_inflation", drawable=True),
        Series("troops", 1.0, 10_000_000.0, "US service members in Korea", drawable=True),
        Series("defense_budget", 1e9, 1e16, "ROK defense budget in won", "rok_defense_budget"),
        Series("gdp", 1e12, 1e17, "ROK nominal GDP in won"),
        Series("npsc_usd", 1e6, 1e12, "US non-personnel stationing costs in Korea, in dollars"),
    )
}

#: Assumptions sweeps and Monte Carlo may draw or set yearly.
DRAWABLE: tuple[str, ...] = tuple(name for name, s in ASSUMPTIONS.items() if s.drawable)

#: The series an ``Indexed`` rule's ``index`` follows.
INDEX_SERIES = {"cpi": "cpi", "defense_budget": "defense_budget_growth"}

#: Multiply a published value by this to get model units.
RECORD_SCALES = {"percent": 0.01, "KRW trillion": 1e12, "KRW per USD": 1.0}

#: Every column of ``data/macro.csv`` and the unit it is published in.
RECORD_COLUMNS = {
    "rok_cpi_inflation": "percent",
    "rok_defense_budget": "KRW trillion",
    "rok_defense_budget_growth": "percent",
    "rok_share_of_npsc": "percent",
    "usd_krw": "KRW per USD",
    "us_cpi_inflation": "percent",
}


def record_column(name: str) -> str | None:
    """The record column behind assumption ``name``, or None if the record has none."""
    return ASSUMPTIONS[name].record
