"""Filling assumptions from the record: each macro series' value for every year a plan needs.

For each year the value comes from, in order: the scenario's explicit ``{year: value}``
series, the historical record (unless ``use_record=False``), the constant. A year none
covers stays NaN here; :class:`ScenarioMacro` turns an unknown value that a rule needs
into a :class:`~sma_model.errors.MissingAssumptionError` naming the series and the year.

The record is the scenario's host's (:data:`~sma_model.series.HOST_SERIES`): Korea's
``data/macro.csv``, Japan's ``data/hosts/japan/macro.csv`` (its CPI, defense budget,
yen per dollar, GDP; US CPI is the US record for every host). A host that records its
defense budget as levels only has their growth derived from them where two years in a
row are known (Japan FY2023: 6,821.9 / 5,400.5 - 1 = +26.3 %); a gap stays a gap.

Years are the host's payment years, labelled by the calendar year they start in (Japan's
FY2025 runs April 2025 to March 2026). The exchange rate, recorded and assumed by
calendar year, is put on fiscal years with the host's weights
(:func:`~sma_model.record.hosts.fiscal_year_weights`): Japan's FY2022 rate is
``0.75 x 131.454 + 0.25 x 140.511 = 133.71825`` yen per dollar. Korea's weights are
``(1, 0)``: its rates are the calendar years' as they are. CPI and GDP stay calendar-year
(an ``Indexed`` rule's lag counts calendar years, as the SMA's own rules do).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from sma_model.errors import MissingAssumptionError
from sma_model.model.assumptions import Assumptions, host_assumptions
from sma_model.model.scenario import Scenario
from sma_model.record.hosts import fiscal_year_weights, host_macro_values
from sma_model.record.macro import macro_span, macro_values
from sma_model.series import ASSUMPTIONS, HOST_SERIES

__all__ = [
    "ScenarioMacro",
    "default_price_base_year",
    "extend_levels",
    "recorded",
    "relative_price",
    "resolve",
]


def default_price_base_year() -> int:
    """The last year with published ROK CPI in the record: real terms are in its prices.

    The same year for every host, so a batch of hosts shares one price year and equals its
    members one by one (Japan's prices of that year come from its CPI assumption where its
    record stops).
    """
    return macro_span("rok_cpi_inflation")[1]


def resolve(assumptions: Assumptions, name: str, years: np.ndarray, host: str = "korea") -> np.ndarray:
    """Values of series ``name`` for ``years``, NaN where nothing covers a year.

    Parameters
    ----------
    assumptions
        The scenario's assumptions.
    name
        An assumption field, e.g. ``"cpi"`` (see :data:`sma_model.series.ASSUMPTIONS`).
    years
        Calendar years (or the host's fiscal years, for a series it records by them), int array.
    host
        Whose record fills the known years: ``"korea"`` or ``"japan"``.

    Returns
    -------
    numpy.ndarray
        float64 in the series' model unit (the host's currency for money), same shape as
        ``years``; the caller decides whether NaN is an error.
    """
    years = np.asarray(years, dtype=np.int64)
    given = getattr(assumptions, name)
    out = np.full(years.shape, given if isinstance(given, float) else np.nan)
    if assumptions.use_record:
        known = recorded(name, years, host)
        if known is not None:
            out = np.where(np.isnan(known), out, known)
    if isinstance(given, dict) and given:
        explicit = _lookup(given, years)
        out = np.where(np.isnan(explicit), out, explicit)
    return out


def recorded(name: str, years: np.ndarray, host: str) -> np.ndarray | None:
    """The host's record of assumption ``name`` for ``years`` [model unit], NaN where silent; None if none.

    Korea's is ``data/macro.csv``; another host's is its own record for the series of
    :data:`~sma_model.series.HOST_SERIES` (``defense_budget_growth`` derived from the
    levels when only they are recorded), and the US record for ``us_cpi``.
    """
    if host == "korea" or name not in HOST_SERIES:
        column = ASSUMPTIONS[name].record
        return None if column is None else macro_values(column, years)
    series = host_assumptions(host)
    if series[name].record is not None:
        return host_macro_values(host, str(series[name].record), years)
    levels = series["defense_budget"].record
    if name == "defense_budget_growth" and levels is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            return host_macro_values(host, levels, years) / host_macro_values(host, levels, years - 1) - 1.0
    return None


def _lookup(series: dict[int, float], years: np.ndarray) -> np.ndarray:
    """``series[year]`` for each of ``years`` (float64), NaN for a year it lacks."""
    keys = np.fromiter(series.keys(), dtype=np.int64, count=len(series))
    values = np.fromiter(series.values(), dtype=float, count=len(series))
    order = np.argsort(keys)
    keys, values = keys[order], values[order]
    at = np.minimum(np.searchsorted(keys, years), len(keys) - 1)
    return np.where(keys[at] == years, values[at], np.nan)


class ScenarioMacro:
    """One scenario's resolved assumptions on a span of years, with checked look-ups."""

    def __init__(self, scenario: Scenario, first: int, last: int) -> None:
        self.scenario = scenario
        self.first = first
        self.years = np.arange(first, last + 1)
        a, host = scenario.assumptions, scenario.host
        self.values = {name: resolve(a, name, self.years, host) for name in ASSUMPTIONS}
        early, late = fiscal_year_weights(host)
        if late:  # a fiscal year that spans two calendar years: a mix of their rates
            following = resolve(a, "usd_krw", self.years + 1, host)
            self.values["usd_krw"] = early * self.values["usd_krw"] + late * following
        self.values["defense_budget"] = extend_levels(
            self.values["defense_budget"], self.values["defense_budget_growth"]
        )

    def get(self, name: str, year: int, why: str | Callable[[], str]) -> float:
        """The value of series ``name`` in ``year`` [its model unit].

        Raises
        ------
        MissingAssumptionError
            Nothing supplies it; ``why`` (a text, or a function giving it, so that the
            text is only written for an error) says what needed it.
        """
        value = float(self.values[name][year - self.first])
        if value != value:  # NaN
            raise MissingAssumptionError(
                name, [year], self.scenario.name, why if isinstance(why, str) else why()
            )
        return value

    def span(self, name: str, first: int, last: int) -> np.ndarray:
        return self.values[name][first - self.first : last - self.first + 1]


def extend_levels(levels: np.ndarray, growth: np.ndarray) -> np.ndarray:
    """Fill unknown levels after the last known one by compounding ``growth``.

    Works along axis 0, so ``(n_years,)`` and ``(n_years, n_samples)`` both work.
    """
    levels, growth = np.broadcast_arrays(levels, growth)
    out = levels.copy()
    if out.ndim == 1 and out.dtype == np.float64:  # one scenario: Python floats, the same doubles
        known, rates = out.tolist(), growth.tolist()
        for i in range(1, len(known)):
            if known[i] != known[i]:  # NaN
                known[i] = known[i - 1] * (1.0 + rates[i])
        return np.array(known, dtype=np.float64)
    for i in range(1, len(out)):
        out[i] = np.where(np.isnan(out[i]), out[i - 1] * (1.0 + growth[i]), out[i])
    return out


def relative_price(inflation: np.ndarray, years: np.ndarray, base_year: int) -> np.ndarray:
    """Price level relative to ``base_year`` from yearly inflation; NaN where a link is unknown.

    Works along axis 0, so ``(n_years,)`` and ``(n_years, n_samples)`` both work.
    """
    growth = 1.0 + inflation
    b = int(base_year - years[0])
    if growth.ndim == 1 and growth.all():  # one scenario: Python floats (no 0 to divide by)
        rates = growth.tolist()
        level = [math.nan] * len(rates)
        level[b] = 1.0
        for i in range(b + 1, len(years)):
            level[i] = level[i - 1] * rates[i]
        for i in range(b - 1, -1, -1):
            level[i] = level[i + 1] / rates[i + 1]
        return np.array(level, dtype=np.float64)
    out = np.full(growth.shape, np.nan)
    out[b] = 1.0
    for i in range(b + 1, len(years)):
        out[i] = out[i - 1] * growth[i]
    for i in range(b - 1, -1, -1):
        out[i] = out[i + 1] / growth[i + 1]
    return out
