"""The macro record (``data/macro.csv``): ROK CPI, defense budget, USD/KRW, US CPI.

Values are stored as published (percent, ₩ trillion); :func:`macro_series` gives them in
model units. Which columns exist, their units and their plausible ranges are declared in
``data/datapackage.json`` and read by :mod:`sma_model.series`; every value and year is
checked against them on load (a CPI of 230 or a year 99999 is a
:class:`~sma_model.errors.DataError` naming the file, line and column).
"""

from __future__ import annotations

import functools

import pandas as pd

from sma_model.errors import DataError
from sma_model.record._reading import in_range, number, path_of, read_csv
from sma_model.record._reading import year as read_year
from sma_model.series import RECORD_COLUMNS, RECORD_RANGES, RECORD_SCALES

__all__ = ["macro", "macro_series"]


@functools.cache
def _macro() -> pd.DataFrame:
    name = "macro.csv"
    rows = read_csv(name, ["series", "year", "value", "unit", "source", "note"])
    path = path_of(name)
    seen: set[tuple[str, int]] = set()
    out = []
    for line, row in rows:
        series, unit = row["series"], row["unit"]
        if series not in RECORD_COLUMNS:
            raise DataError(
                f"{path}, line {line}: unknown series {series!r}; known: {sorted(RECORD_COLUMNS)}"
            )
        if unit != RECORD_COLUMNS[series]:
            raise DataError(
                f"{path}, line {line}: {series} must be in {RECORD_COLUMNS[series]!r}, not {unit!r}"
            )
        year = read_year(row["year"], path, line)
        if (series, year) in seen:
            raise DataError(f"{path}, line {line}: {series} {year} appears twice")
        seen.add((series, year))
        if not row["source"].strip():
            raise DataError(f"{path}, line {line}: {series} {year} has no source")
        # inflation can be negative (US CPI 2009); levels and rates of exchange cannot
        value = number(row["value"], path, line, "value", positive=unit != "percent")
        in_range(value, RECORD_RANGES[series], (path, line, "value"), f"{series} {year}", unit)
        out.append(
            {
                "series": series,
                "year": year,
                "value": value,
                "unit": unit,
                "source": row["source"],
                "note": row["note"],
            }
        )
    return pd.DataFrame(out).sort_values(["series", "year"], ignore_index=True)


def macro() -> pd.DataFrame:
    """The macro record in long form: ``series, year, value, unit, source, note``.

    Series: ``rok_cpi_inflation`` [percent] (Statistics Korea), ``rok_defense_budget``
    [KRW trillion] and ``rok_defense_budget_growth`` [percent] (Ministry of National
    Defense; 2004-2026), ``rok_share_of_npsc`` [percent] (Korea's share of US
    non-personnel stationing costs: 41 % in FY2002 and about 45 % in FY2003 per USFK, 42 %
    in 2018 per the official figure reported by the Korea Times and Korea Herald),
    ``usd_krw`` [KRW per USD, annual average] (Bank of Korea),
    ``us_cpi_inflation`` [percent] (US Bureau of Labor Statistics, CPI-U). Values are as
    published; :func:`macro_series` converts them to model units.
    """
    return _macro().copy()


@functools.cache
def _macro_series(series: str) -> pd.Series:
    if series not in RECORD_COLUMNS:
        raise DataError(f"unknown macro series {series!r}; known: {sorted(RECORD_COLUMNS)}")
    frame = _macro()
    rows = frame.loc[frame["series"] == series]
    values = rows["value"].to_numpy() * RECORD_SCALES[RECORD_COLUMNS[series]]
    return pd.Series(values, index=rows["year"].to_numpy(), name=series)


def macro_series(series: str) -> pd.Series:
    """One macro series in model units, indexed by year.

    Percent becomes a fraction (``2.1`` → ``0.021``) and KRW trillion becomes KRW.
    """
    return _macro_series(series).copy()
