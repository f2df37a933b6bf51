"""Filling assumptions from the record: each macro series' value for every year a plan needs.

For each year the value comes from, in order: the scenario's explicit ``{year: value}``
series, the historical record (unless ``use_record=False``), the constant. A year none
covers stays NaN here; :class:`ScenarioMacro` turns an unknown value that a rule needs
into a :class:`~sma_model.errors.MissingAssumptionError` naming the series and the year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sma_model.errors import MissingAssumptionError
from sma_model.model.assumptions import Assumptions
from sma_model.model.scenario import Scenario
from sma_model.record.macro import macro_series
from sma_model.series import ASSUMPTIONS

__all__ = ["ScenarioMacro", "default_price_base_year", "extend_levels", "relative_price", "resolve"]


def default_price_base_year() -> int:
    """The last year with published ROK CPI in the record: real terms are in its prices."""
    return int(macro_series("rok_cpi_inflation").index.max())


def resolve(assumptions: Assumptions, name: str, years: np.ndarray) -> np.ndarray:
    """Values of series ``name`` for ``years``, NaN where nothing covers a year.

    Parameters
    ----------
    assumptions
        The scenario's assumptions.
    name
        An assumption field, e.g. ``"cpi"`` (see :data:`sma_model.series.ASSUMPTIONS`).
    years
        Calendar years, int array.

    Returns
    -------
    numpy.ndarray
        float64 in the series' model unit, same shape as ``years``; the caller decides
        whether NaN is an error.
    """
    years = np.asarray(years, dtype=np.int64)
    given = getattr(assumptions, name)
    out = np.full(years.shape, given if isinstance(given, float) else np.nan)
    column = ASSUMPTIONS[name].record
    if assumptions.use_record and column is not None:
        known = macro_series(column).reindex(years.ravel()).to_numpy().reshape(years.shape)
        out = np.where(np.isnan(known), out, known)
    if isinstance(given, dict):
        explicit = pd.Series(given, dtype=float).reindex(years.ravel()).to_numpy().reshape(years.shape)
        out = np.where(np.isnan(explicit), out, explicit)
    return out


class ScenarioMacro:
    """One scenario's resolved assumptions on a span of years, with checked look-ups."""

    def __init__(self, scenario: Scenario, first: int, last: int) -> None:
        self.scenario = scenario
        self.first = first
        self.years = np.arange(first, last + 1)
        a = scenario.assumptions
        self.values = {name: resolve(a, name, self.years) for name in ASSUMPTIONS}
        self.values["defense_budget"] = extend_levels(
            self.values["defense_budget"], self.values["defense_budget_growth"]
        )

    def get(self, name: str, year: int, why: str) -> float:
        value = self.values[name][year - self.first]
        if np.isnan(value):
            raise MissingAssumptionError(name, [year], self.scenario.name, why)
        return float(value)

    def span(self, name: str, first: int, last: int) -> np.ndarray:
        return self.values[name][first - self.first : last - self.first + 1]


def extend_levels(levels: np.ndarray, growth: np.ndarray) -> np.ndarray:
    """Fill unknown levels after the last known one by compounding ``growth``.

    Works along axis 0, so ``(n_years,)`` and ``(n_years, n_samples)`` both work.
    """
    levels, growth = np.broadcast_arrays(levels, growth)
    out = levels.copy()
    for i in range(1, len(out)):
        out[i] = np.where(np.isnan(out[i]), out[i - 1] * (1.0 + growth[i]), out[i])
    return out


def relative_price(inflation: np.ndarray, years: np.ndarray, base_year: int) -> np.ndarray:
    """Price level relative to ``base_year`` from yearly inflation; NaN where a link is unknown.

    Works along axis 0, so ``(n_years,)`` and ``(n_years, n_samples)`` both work.
    """
    growth = 1.0 + inflation
    b = base_year - years[0]
    out = np.full(growth.shape, np.nan)
    out[b] = 1.0
    for i in range(b + 1, len(years)):
        out[i] = out[i - 1] * growth[i]
    for i in range(b - 1, -1, -1):
        out[i] = out[i + 1] / growth[i + 1]
    return out
