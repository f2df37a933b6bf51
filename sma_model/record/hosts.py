"""Host countries of US forces: who they are, and their records beside Korea's (``data/hosts/<country>/``).

A host has a currency, a fiscal year and a record. Who it is (currency, fiscal year, names)
is ``data/hosts/<country>/host.json`` (:data:`sma_model.series.HOST_DECLARATIONS`). Korea's
record is ``data/`` itself; another host's files are
``data/hosts/<country>/{support,budget,macro,troops}.csv``, each declared in
``data/datapackage.json`` (for ``macro.csv``: each series' unit, period and range), so
another host is one more set of files, not new code (docs/record.md, "Adding a host").
Series have the same names for every host (``cpi_inflation``, ``defense_budget``,
``local_per_usd``...), Korea's included.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from typing import Any

import numpy as np
import pandas as pd

from sma_model.errors import DataError
from sma_model.record._reading import path_of
from sma_model.record._schema import package, read_table, resource
from sma_model.record.macro import macro, macro_series
from sma_model.record.troops import troops
from sma_model.series import HOST_DECLARATIONS

__all__ = [
    "HOSTS",
    "HOST_INFO",
    "Host",
    "fiscal_year_weights",
    "host",
    "host_budget",
    "host_macro",
    "host_macro_series",
    "host_macro_values",
    "host_support",
    "host_troops",
]

#: Host countries with a record beside Korea's (a folder in ``data/hosts/``): today
#: ``("japan", "germany")``, as the data package declares them.
HOSTS = tuple(name for name in HOST_DECLARATIONS if name != "korea")


@dataclasses.dataclass(frozen=True)
class Host:
    """A country hosting US forces (attributes as in ``HOST_INFO["japan"]``).

    ``name`` (``"japan"``, the folder of its record), ``iso3`` (``"JPN"``), ``currency``
    (ISO 4217, ``"JPY"``), ``fiscal_year_start_month`` [1-12] (4: FY2022 runs April 2022 to
    March 2023, labelled by the year it starts in), ``fiscal_year_source`` (the law that
    sets it) and ``support_name`` (what its cost-sharing for US forces is called).
    """

    name: str
    iso3: str
    currency: str
    fiscal_year_start_month: int
    fiscal_year_source: str
    support_name: str


def _host_info(name: str, declared: dict[str, Any]) -> Host:
    """A host from its declaration, ``data/hosts/<name>/host.json``."""
    fields = ("iso3", "fiscal_year_source", "support_name")
    if not all(isinstance(declared.get(field), str) for field in fields):
        raise DataError(f"data/hosts/{name}/host.json: {', '.join(fields)} must be text, not missing")
    return Host(
        name,
        declared["iso3"],
        declared["currency"]["code"],
        int(declared["fiscal_year_start_month"]),
        declared["fiscal_year_source"],
        declared["support_name"],
    )


#: Every host the package knows, by name (Korea, Japan, Germany), from its ``host.json``.
#: Korea's record is ``data/`` itself.
HOST_INFO: dict[str, Host] = {
    name: _host_info(name, declared) for name, declared in HOST_DECLARATIONS.items()
}

_ALIASES = {alias: name for name, declared in HOST_DECLARATIONS.items() for alias in declared["aliases"]}

#: Korea's series in ``data/macro.csv`` under the names every host's record uses.
_KOREA_SERIES = {
    "cpi_inflation": "rok_cpi_inflation",
    "defense_budget": "rok_defense_budget",
    "defense_budget_growth": "rok_defense_budget_growth",
    "local_per_usd": "usd_krw",
}


def host(country: str) -> Host:
    """The host ``country``, by name or ISO 3166-1 alpha-3 code, in any case.

    Parameters
    ----------
    country : str
        ``"korea"``, ``"japan"``, ``"germany"``, or ``"KOR"``, ``"JPN"``, ``"DEU"``.

    Returns
    -------
    Host

    Raises
    ------
    DataError
        No host of that name; the message lists the known ones.
    """
    key = str(country).strip().lower()
    key = _ALIASES.get(key, key)
    for info in HOST_INFO.values():
        if key in (info.name, info.iso3.lower()):
            return info
    raise DataError(f"unknown host country {country!r}; known: {', '.join(HOST_INFO)}")


def fiscal_year_weights(country: str) -> tuple[float, float]:
    """How a host's fiscal year ``t`` splits between calendar years ``t`` and ``t + 1``.

    Parameters
    ----------
    country : str
        A host (see :func:`host`).

    Returns
    -------
    tuple of float
        The shares [fraction of twelve months] in calendar year ``t`` and ``t + 1``:
        ``(1.0, 0.0)`` for Korea and Germany, ``(0.75, 0.25)`` for Japan (April-December,
        then January-March). A calendar-year series (an exchange rate, say) is put on
        fiscal years as ``w0 * x[t] + w1 * x[t + 1]``.
    """
    start = host(country).fiscal_year_start_month
    first = (13 - start) / 12
    return first, 1.0 - first


def _table(country: str, kind: str) -> tuple[Host, str]:
    """The host and the path of its ``kind`` file, if the data package declares one."""
    info = host(country)
    path = f"hosts/{info.name}/{kind}.csv"
    declared = {entry["path"] for entry in package()["resources"]}
    if path not in declared:
        having = sorted(n for n in HOSTS if f"hosts/{n}/{kind}.csv" in declared)
        raise DataError(
            f"no {kind} record for {country!r} (data/{path} is not declared in data/datapackage.json); "
            f"hosts with one: {', '.join(having) or 'none'}"
        )
    return info, path


def host_support(country: str) -> pd.DataFrame:
    """Host-nation support for US forces paid by ``country``, by agreement period.

    Parameters
    ----------
    country : {"japan", "germany"}

    Returns
    -------
    pandas.DataFrame
        One row per (first fiscal year, last fiscal year, item, basis):

        - ``first_fiscal_year``, ``last_fiscal_year``: the fiscal years covered (Japan's
          fiscal year runs April-March);
        - ``item``: ``"total"`` or a category (labor, welfare, utilities, facilities,
          training relocation, training equipment, construction);
        - ``basis``: ``"period"`` (the amount over all the years covered) or
          ``"per_year"``;
        - ``amount_jpy_bn`` [JPY bn] for Japan, ``amount_eur_m`` [EUR m] for Germany;
        - ``source``; ``note``.

        Japan: about ¥188.1bn a year in FY2011-15, ¥946.5bn for FY2016-20, ¥201.7bn in
        FY2021 (itemised), ¥1,055.1bn for FY2022-26. Germany: €982.4m in 2010-2019.

    Raises
    ------
    DataError
        ``country`` has no record.
    """
    name = str(country).lower()
    if name not in HOSTS:
        raise DataError(f"no host-support record for {country!r}; known: {', '.join(HOSTS)}")
    return read_table(f"hosts/{name}/support.csv")


def host_budget(country: str) -> pd.DataFrame:
    """Host-nation support in each fiscal year's budget, for the years a source gives it.

    Parameters
    ----------
    country : str
        A host with a ``budget.csv`` (today ``"japan"``).

    Returns
    -------
    pandas.DataFrame
        One row per fiscal year, sorted: ``fiscal_year``; ``hns_jpy_bn`` [JPY bn];
        ``basis`` (the initial budget, on an expenditure basis where the source says
        so, or ``"not stated"``); ``source``; ``note``. Japan: ¥6.2bn in FY1978, the
        peak of ¥275.6bn in FY1999, ¥184.8bn in FY2014, ¥192.0bn in FY2016, ¥201.7bn in
        FY2021, ¥227.4bn in FY2025 (Ministry of Defense, via the sources in ``source``).

    Raises
    ------
    DataError
        ``country`` has no budget record.
    """
    _, path = _table(country, "budget")
    return read_table(path).sort_values("fiscal_year", ignore_index=True)


def host_troops(country: str) -> pd.DataFrame:
    """US service members stationed in ``country``, for the years a source gives a number.

    Parameters
    ----------
    country : str
        ``"korea"`` (``data/troops.csv``) or a host with a ``troops.csv`` (``"japan"``).

    Returns
    -------
    pandas.DataFrame
        Columns as :func:`sma_model.record.troops.troops`: ``year``, ``us_troops``
        [persons], ``qualifier``, ``measure``, ``source``, ``note``, sorted by year.
        Japan: 34,554 active duty ashore and 51,794 with the Seventh Fleet (March 2009),
        48,828 (June 2015), 38,818 assigned (DMDC, September 2016), about 55,000
        (GAO-21-270, 2021). Counts differ in what they include; ``measure`` says what.

    Raises
    ------
    DataError
        ``country`` has no troop record.
    """
    if host(country).name == "korea":
        return troops()
    _, path = _table(country, "troops")
    return read_table(path).sort_values(["year", "us_troops"], ignore_index=True)


def _scale(unit: str, currency: str, where: str) -> float:
    """Model units per unit as published: percent is 0.01, ``"JPY billion"`` 1e9."""
    if unit == "percent":
        return 0.01
    words = unit.split()
    scales = {"billion": 1e9, "million": 1e6, "trillion": 1e12}
    if words[0] == currency and (unit == f"{currency} per USD" or (len(words) == 2 and words[1] in scales)):
        return 1.0 if unit.endswith("per USD") else scales[words[1]]
    allowed = f"percent, '{currency} per USD' or '{currency} billion/million/trillion'"
    raise DataError(f"{where}: unit {unit!r} is not {allowed}")


def _checked(frame: pd.DataFrame, path: str, schema: dict[str, Any], currency: str) -> None:
    """Each row's unit, period and value against the series' declaration in the data package."""
    units, periods = schema["sma:unitsBySeries"], schema["sma:periodsBySeries"]
    ranges = schema["sma:rangesBySeries"]
    for line, row in enumerate(frame.itertuples(index=False), start=2):
        where = f"{path_of(path)}, line {line}"
        checks = (("unit", row.unit, units[row.series]), ("period", row.period, periods[row.series]))
        for column, value, allowed in checks:
            if value != allowed:
                raise DataError(
                    f"{where}, column {column}: {row.series} must be in {allowed!r}, not {value!r}"
                )
        _scale(str(row.unit), currency, where)
        low, high = ranges[row.series]
        if not low <= row.value <= high:
            raise DataError(
                f"{where}, column value: {row.series} {row.year} = {row.value:g} is outside the plausible "
                f"range {low:g} to {high:g} ({row.unit}; declared in data/datapackage.json)"
            )


def host_macro(country: str) -> pd.DataFrame:
    """A host's macro record in long form, values as published.

    Parameters
    ----------
    country : str
        ``"korea"`` (``data/macro.csv``, its series under the common names) or a host with
        a ``macro.csv`` (``"japan"``).

    Returns
    -------
    pandas.DataFrame
        ``series, period, year, value, unit, source, note``, sorted by series and year.
        Series: ``cpi_inflation`` [percent] (all items), ``cpi_core_inflation`` [percent]
        (Japan: ex fresh food), ``defense_budget`` [local currency billion; Korea:
        trillion] (initial budget; Japan's includes SACO and US realignment costs),
        ``defense_budget_core`` (Japan: without them), ``local_per_usd`` [local currency
        per USD, calendar-year average]. ``period`` is ``"calendar"`` or ``"fiscal"``
        (the fiscal year starting in ``year``; see :func:`fiscal_year_weights`).
        Japan: CPI +3.2 % in 2023, defense budget ¥8,700.5bn in FY2025, ¥109.75 per
        dollar in 2021.

    Raises
    ------
    DataError
        No macro record for ``country``; or a row whose unit, period or value does not
        fit its series' declaration (naming the file, line and column).
    """
    info = host(country)
    if info.name == "korea":
        frame = macro()
        frame = frame[frame["series"].isin(_KOREA_SERIES.values())].copy()
        frame["series"] = frame["series"].map({v: k for k, v in _KOREA_SERIES.items()})
        frame.insert(1, "period", "calendar")
        return frame.sort_values(["series", "year"], ignore_index=True)
    _, path = _table(country, "macro")
    frame = read_table(path)
    _checked(frame, path, resource(path)["schema"], info.currency)
    return frame.sort_values(["series", "year"], ignore_index=True)


def host_macro_series(country: str, series: str) -> pd.Series:
    """One of a host's macro series in model units, indexed by (calendar or fiscal) year.

    Parameters
    ----------
    country : str
        A host (see :func:`host_macro`).
    series : str
        ``"cpi_inflation"``, ``"cpi_core_inflation"``, ``"defense_budget"``,
        ``"defense_budget_core"``, ``"defense_budget_growth"`` (Korea) or
        ``"local_per_usd"``.

    Returns
    -------
    pandas.Series
        Percent as a fraction (``3.2`` → ``0.032``), money in whole currency units (Japan's
        defense budget ¥8,700.5bn → ``8.7005e12`` [JPY]), exchange rates as published
        [local currency per USD]. The name is ``"<host>.<series>"``.

    Raises
    ------
    DataError
        The host has no such series; the message lists those it has.
    """
    return _macro_series(host(country).name, series).copy()


@functools.cache  # read once per (host, series) until record.clear_cache
def _macro_series(name: str, series: str) -> pd.Series:
    info = HOST_INFO[name]
    if info.name == "korea":
        if series not in _KOREA_SERIES:
            raise DataError(f"korea has no macro series {series!r}; known: {', '.join(_KOREA_SERIES)}")
        values = macro_series(_KOREA_SERIES[series])
        return pd.Series(values.to_numpy(), index=values.index, name=f"korea.{series}")
    frame = host_macro(name)
    rows = frame[frame["series"] == series]
    if rows.empty:
        raise DataError(
            f"{info.name} has no macro series {series!r}; known: {', '.join(sorted(set(frame['series'])))}"
        )
    scale = _scale(str(rows["unit"].iloc[0]), info.currency, f"series {series}")
    values = rows["value"].to_numpy() * scale
    if not all(math.isfinite(v) for v in values):
        raise DataError(f"{info.name} series {series!r} holds a non-finite value")
    return pd.Series(values, index=rows["year"].to_numpy(dtype=int), name=f"{info.name}.{series}")


def host_macro_values(country: str, series: str, years: Any) -> np.ndarray:
    """A host's macro series in model units for ``years``, NaN where the record has none.

    The array form of :func:`host_macro_series` (``.reindex(years)``), for the engine.

    Parameters
    ----------
    country : str
        A host (see :func:`host_macro`).
    series : str
        A series the host has (see :func:`host_macro_series`).
    years : array_like of int
        Years (calendar or fiscal, as the series is), any shape.

    Returns
    -------
    numpy.ndarray
        float64, the shape of ``years``.
    """
    known = _macro_series(host(country).name, series)
    wanted = np.asarray(years, dtype=np.int64)
    return known.reindex(wanted.ravel()).to_numpy(dtype=np.float64).reshape(wanted.shape)
