"""ROK defense budget against GDP, nominal GDP, the Mid-Term Defense Plan (``data/defense_gdp.csv``).

The yearly defense budget itself (2004-2026) is the macro series ``rok_defense_budget``
(:func:`sma_model.record.macro.macro`); this table adds what depends on GDP, and plans.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sma_model.errors import SMAModelError
from sma_model.record._schema import read_table
from sma_model.record.macro import macro_series
from sma_model.series import ASSUMPTIONS, check_range

__all__ = ["YearlyInput", "defense_budget_path", "defense_gdp", "gdp_path", "yearly_amounts"]


def defense_gdp() -> pd.DataFrame:
    """Defense budget shares of GDP, nominal GDP levels and the planned budget path.

    Returns
    -------
    pandas.DataFrame
        One row per (year, status, GDP base):

        - ``year``;
        - ``status``: ``"published"``, ``"estimate"`` (a share computed before the year's
          GDP was known, or marked so by MND), ``"plan"`` (the Mid-Term Defense Plan
          2025-2029, not a budget) or ``"path"`` (a growth path to a target share of GDP:
          the 2035 row, the budget +7.7 % and nominal GDP +3.4 % a year from 2026 reaching
          3.5 % of GDP, ₩128.4tn, as computed in the press on 2025-09-03);
        - ``gdp_base_year``: the base year of the GDP the row uses, ``2015`` or ``2020``
          (<NA> for plan rows). The Bank of Korea's 2024 rebasing to 2020 raised nominal
          GDP by about 7 % (2023: ₩2,236tn on the 2015 base, ₩2,401tn on the 2020 base), so
          a share of GDP is only comparable with shares on the same base;
        - ``defense_budget_krw_tn`` [KRW tn]: the original defense budget (for a plan
          row, the planned amount);
        - ``nominal_gdp_krw_tn`` [KRW tn]: nominal GDP;
        - ``defense_share_of_gdp_pct`` [percent]: defense budget / nominal GDP;
        - ``defense_budget_growth_pct``, ``nominal_gdp_growth_pct`` [percent per year]: for
          a path row, the yearly growth the path assumes (NaN on other rows);
        - ``source``; ``note``.

    References
    ----------
    Ministry of National Defense, 국방예산 추이 (budget and share of GDP, 2015 base); Bank of
    Korea national accounts (GDP); Yonhap 2025-09-03 (2025 share; the Mid-Term Defense
    Plan 2025-2029: ₩66.7tn in 2026 to ₩84.7tn in 2029); SBS, Segye Ilbo and Yonhap TV
    2025-09-03 (the path to 3.5 % of GDP in 2035).
    """
    return read_table("defense_gdp.csv")


#: A yearly amount a user may give instead of a sourced default: one number for every
#: year, or ``{year: amount}``; None keeps the default.
YearlyInput = float | Mapping[int, float] | None


def yearly_amounts(
    value: YearlyInput, name: str, years: np.ndarray, bounds: tuple[float, float], unit: str
) -> np.ndarray:
    """``value`` for each of ``years`` (NaN where it gives none), each checked against ``bounds``.

    Raises
    ------
    SMAModelError
        A value outside ``bounds`` or not a number (the message names ``name`` and the year).
    """
    years = np.asarray(years, dtype=np.int64)
    if value is None:
        return np.full(years.shape, np.nan)
    low, high = bounds
    try:
        if isinstance(value, Mapping):
            checked = {int(y): check_range(v, f"{name}[{y}]", low, high, unit) for y, v in value.items()}
            return np.array([checked.get(int(y), np.nan) for y in years])
        return np.full(years.shape, check_range(value, name, low, high, unit))
    except (TypeError, ValueError) as exc:
        raise SMAModelError(str(exc)) from None


def _bounds(name: str) -> tuple[float, float]:
    return ASSUMPTIONS[name].low, ASSUMPTIONS[name].high


def _path_row() -> pd.Series:
    table = read_table("defense_gdp.csv")
    return table[table["status"] == "path"].sort_values("year").iloc[-1]


def defense_budget_path(years: np.ndarray, override: YearlyInput = None) -> tuple[np.ndarray, list[str]]:
    """The ROK defense budget for ``years`` [KRW], and where each year's figure comes from.

    In order: ``override`` [KRW]; the budget in the macro record (MND, 2004-2026); the
    Mid-Term Defense Plan 2025-2029 for its later years (2027-2029: ₩72.4tn, ₩78.3tn,
    ₩84.7tn); then the last level grown by the path row's yearly growth (+7.7 %, the
    press calculation of the path to 3.5 % of GDP in 2035). A year before the record
    stays NaN with an empty basis.

    Returns
    -------
    tuple
        The budgets [KRW] (float array) and, per year, ``"override"``, ``"MND budget"``,
        ``"Mid-Term Defense Plan 2025-2029"``, ``"grown 7.7 %/yr (path to 3.5 % of GDP
        by 2035)"`` or ``""`` (unknown).

    Examples
    --------
    >>> values, basis = defense_budget_path(np.array([2026, 2027, 2030]))
    >>> [round(float(v) / 1e12, 4) for v in values], basis[1]
    ([65.8642, 72.4, 91.2219], 'Mid-Term Defense Plan 2025-2029')
    """
    years = np.asarray(years, dtype=np.int64)
    values = yearly_amounts(override, "defense_budget", years, _bounds("defense_budget"), "won")
    basis = ["override" if np.isfinite(v) else "" for v in values]
    budget = macro_series("rok_defense_budget")
    table = read_table("defense_gdp.csv")
    plan = table[table["status"] == "plan"].set_index("year")["defense_budget_krw_tn"] * 1e12
    for i, year in enumerate(years):
        if basis[i]:
            continue
        if year in budget.index:
            values[i], basis[i] = budget[year], "MND budget"
        elif year in plan.index and year > budget.index.max():
            values[i], basis[i] = plan[year], "Mid-Term Defense Plan 2025-2029"
    last = max(int(budget.index.max()), int(plan.index.max()))
    start = budget.get(last, plan.get(last, np.nan))
    growth = float(_path_row()["defense_budget_growth_pct"]) / 100
    why = f"grown {growth * 100:.1f} %/yr (path to 3.5 % of GDP by 2035)"
    _extend(years, values, basis, last, start, growth, why)
    return values, basis


def _extend(
    years: np.ndarray, values: np.ndarray, basis: list[str], last: int, start: float, growth: float, why: str
) -> None:
    """Years after ``last`` (value ``start``) that nothing covers: ``start`` compounded by ``growth``."""
    for i, year in enumerate(years):
        if year > last and not basis[i]:
            values[i], basis[i] = start * (1.0 + growth) ** (year - last), why


def gdp_path(years: np.ndarray, override: YearlyInput = None) -> tuple[np.ndarray, list[str]]:
    """ROK nominal GDP for ``years`` on the Bank of Korea's 2020 base [KRW], and each year's basis.

    In order: ``override`` [KRW]; the record's 2020-base GDP (2023 ₩2,401tn, 2024
    ₩2,549.1tn, 2025 ₩2,663.3tn); then the last of them grown by the path row's +3.4 % a
    year. Years before 2023 stay NaN (the record holds no 2020-base GDP for them; the
    2015 base is about 7 % lower and not comparable).

    Returns
    -------
    tuple
        GDP [KRW] (float array) and, per year, ``"override"``, ``"Bank of Korea (2020
        base)"``, ``"grown 3.4 %/yr (path to 3.5 % of GDP by 2035)"`` or ``""``.

    Examples
    --------
    >>> values, basis = gdp_path(np.array([2025, 2026]))
    >>> [round(float(v) / 1e12, 2) for v in values]  # 2,663.3 x 1.034
    [2663.3, 2753.85]
    """
    years = np.asarray(years, dtype=np.int64)
    values = yearly_amounts(override, "gdp", years, _bounds("gdp"), "won")
    basis = ["override" if np.isfinite(v) else "" for v in values]
    table = read_table("defense_gdp.csv")
    rows = table[(table["gdp_base_year"] == 2020) & table["nominal_gdp_krw_tn"].notna()]
    known = rows.set_index("year")["nominal_gdp_krw_tn"] * 1e12
    for i, year in enumerate(years):
        if not basis[i] and year in known.index:
            values[i], basis[i] = known[year], "Bank of Korea (2020 base)"
    growth = float(_path_row()["nominal_gdp_growth_pct"]) / 100
    last = int(known.index.max())
    _extend(
        years,
        values,
        basis,
        last,
        float(known[last]),
        growth,
        f"grown {growth * 100:.1f} %/yr (path to 3.5 % of GDP by 2035)",
    )
    return values, basis
