"""The macro record (``data/macro.csv``): ROK CPI, defense budget, USD/KRW, US CPI.

Values are stored as published (percent, ₩ trillion); :func:`macro_series` gives them in
model units. Which columns exist, their units and their plausible ranges are declared in
``data/datapackage.json`` and read by :mod:`sma_model.series`; every value and year is
checked against them on load (a CPI of 230 or a year 99999 is a
:class:`~sma_model.errors.DataError` naming the file, line and column).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from sma_model.errors import DataError
from sma_model.record._reading import in_range, number, path_of, read_csv
from sma_model.record._reading import year as read_year
from sma_model.series import RECORD_COLUMNS, RECORD_RANGES, RECORD_SCALES

__all__ = ["macro", "macro_read", "macro_series", "macro_span", "macro_values"]


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


#: Per series, the record's values on every year from its first to its last (NaN in a gap),
#: beside the ``_macro_series`` result they were read from (refreshed after ``clear_cache``).
_DENSE: dict[str, tuple[pd.Series, int, np.ndarray]] = {}


def _dense(series: str) -> tuple[int, np.ndarray]:
    """The first year of ``series`` and its values on every year to its last, NaN in a gap."""
    source = _macro_series(series)
    cached = _DENSE.get(series)
    if cached is not None and cached[0] is source:
        return cached[1], cached[2]
    years = source.index.to_numpy(dtype=np.int64)
    first = int(years.min())
    values = np.full(int(years.max()) - first + 1, np.nan)
    values[years - first] = source.to_numpy(dtype=float)
    values.setflags(write=False)
    _DENSE[series] = (source, first, values)
    return first, values


def macro_span(series: str) -> tuple[int, int]:
    """The first and last year of a macro series in the record [calendar years]."""
    first, values = _dense(series)
    return first, first + len(values) - 1


def macro_values(series: str, years: Any) -> np.ndarray:
    """Values of one macro series in model units for ``years``, NaN where the record has none.

    The same numbers as ``macro_series(series).reindex(years)``, read from arrays cached
    once per record, so a projection does no pandas look-up.

    Parameters
    ----------
    series
        A record column, e.g. ``"rok_cpi_inflation"``.
    years
        Calendar years, an int array of any shape.

    Returns
    -------
    numpy.ndarray
        float64, the shape of ``years``; a fraction for percent series, KRW for ₩ trillion.
    """
    first, values = _dense(series)
    offset = np.asarray(years, dtype=np.int64) - first
    inside = (offset >= 0) & (offset < len(values))
    return np.where(inside, values[np.where(inside, offset, 0)], np.nan)


def macro_read() -> tuple[Any, ...]:
    """What was read of the macro record: new objects after ``clear_cache`` (compare by identity)."""
    return (_macro(),)
