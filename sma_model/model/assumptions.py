"""Macro assumptions: the host's CPI, defense-budget growth and currency per dollar, US CPI, troops.

Each series is a constant, a ``{year: value}`` series, or nothing. For each year the
value comes from, in order:

1. the explicit ``{year: value}`` series (a counterfactual overrides the record);
2. the host's historical record (Korea's ``data/macro.csv``, Japan's
   ``data/hosts/japan/macro.csv``; unless ``use_record=False``);
3. the constant.

Each value must lie in its series' plausible range (:data:`sma_model.series.ASSUMPTIONS`:
``cpi`` from -0.05 to 0.30, ``usd_krw`` from 400 to 5,000 ...), so ``cpi=2.0`` (2 % typed
as a whole number) is refused with "did you mean 0.02?". Numbers may be Python or numpy
numbers, never booleans; a ``{year: value}`` series may not name one year twice (``2027``
and ``"2027"``).

Hosts
-----
The names are Korea's, the meaning the scenario's host's: ``usd_krw`` is the host's
currency per dollar (won for Korea, yen for Japan), ``cpi`` and ``defense_budget`` are the
host's. Each host's ranges come from its record's declaration in ``data/datapackage.json``
(:func:`host_assumptions`: Japan's ``usd_krw`` 50 to 400 yen per dollar). On its own an
``Assumptions`` takes a value some host allows; the :class:`~sma_model.model.scenario.Scenario`
holding it checks it against its own host's range.

This model only validates; :mod:`sma_model.engine.macro` fills the years. A year that
none of these covers is left unknown, and an unknown value that a rule needs becomes a
:class:`~sma_model.errors.MissingAssumptionError` naming the series and the year.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any, Union

from pydantic import field_validator

from sma_model.errors import DataError
from sma_model.model.terms import MAX_YEAR, MIN_YEAR, TermsModel
from sma_model.series import (
    ASSUMPTIONS,
    HOST_CURRENCIES,
    HOST_SERIES,
    PACKAGE_FILE,
    Series,
    plain_number,
    record_package,
    unique_year_keys,
)
from sma_model.units import currency_name

__all__ = ["Assumptions", "check_for_host", "host_assumptions"]

_SCALES = {"billion": 1e9, "million": 1e6, "trillion": 1e12}


def _host_series(host: str, schema: dict[str, Any]) -> dict[str, Series]:
    """A non-Korean host's assumptions: each with the range its ``macro.csv`` declares."""
    currency = HOST_CURRENCIES[host]
    money, whose = currency_name(currency), f"{host.title()}'s"  # "yen", "Japan's" (host.json)
    words = {
        "usd_krw": f"{money} per dollar",
        "defense_budget": f"{whose} defense budget in {money}",
        "gdp": f"{whose} nominal GDP in {money}",
    }
    out = dict(ASSUMPTIONS)
    for name, column in HOST_SERIES.items():
        korea = ASSUMPTIONS[name]
        unit = schema["sma:unitsBySeries"].get(column)
        if unit is None:  # not in the record: Korea's range for a rate, no record column
            out[name] = Series(name, korea.low, korea.high, words.get(name, korea.unit), None, korea.drawable)
            continue
        head, tail = unit.split()[0], unit.split()[-1]
        if unit == "percent" or unit == f"{currency} per USD":
            scale = 0.01 if unit == "percent" else 1.0
        elif head == currency and tail in _SCALES:
            scale = _SCALES[tail]
        else:
            raise DataError(f"{PACKAGE_FILE}: hosts/{host}/macro.csv: {column} has the unit {unit!r}")
        low, high = (round(bound * scale, 12) for bound in schema["sma:rangesBySeries"][column])
        out[name] = Series(name, low, high, words.get(name, korea.unit), column, korea.drawable)
    for name in ("troops", "npsc_usd"):  # Korea's ranges, said of this host
        out[name] = dataclasses.replace(out[name], unit=out[name].unit.replace("Korea", host.title()))
    return out


def _hosts() -> dict[str, dict[str, Series]]:
    schemas = {r["path"]: r.get("schema", {}) for r in record_package()["resources"]}
    out = {"korea": ASSUMPTIONS}
    for host in HOST_CURRENCIES:
        if host != "korea":
            if f"hosts/{host}/macro.csv" not in schemas:
                raise DataError(
                    f"{PACKAGE_FILE} declares no hosts/{host}/macro.csv; a projected host needs one"
                )
            out[host] = _host_series(host, schemas[f"hosts/{host}/macro.csv"])
    return out


_HOSTS = _hosts()


def host_assumptions(host: str = "korea") -> dict[str, Series]:
    """The assumption series for ``host``: the range and record column of each.

    Parameters
    ----------
    host : str
        A key of :data:`~sma_model.series.HOST_CURRENCIES`. Korea's are
        :data:`~sma_model.series.ASSUMPTIONS`; Japan's ``usd_krw`` is 50 to 400 [JPY per
        USD] (record series ``local_per_usd``), its ``defense_budget`` 1e12 to 1e14 [JPY]
        and ``gdp`` 1e14 to 5e15 [JPY], as ``hosts/japan/macro.csv`` declares them.

    Returns
    -------
    dict of str to Series
        By assumption name, in the order of :data:`~sma_model.series.ASSUMPTIONS`.

    Raises
    ------
    KeyError
        ``host`` is none of them (the message lists them).
    """
    if host not in _HOSTS:
        raise KeyError(f"host {host!r} is not one of {', '.join(map(repr, _HOSTS))}")
    return _HOSTS[host]


def check_for_host(name: str, value: Any, where: str, host: str | None = None) -> float:
    """One assumption value checked against ``host``'s range, or against any host's if None.

    Parameters
    ----------
    name : str
        An assumption, e.g. ``"usd_krw"``.
    value : float
        The value [model unit].
    where : str
        How the message names it (``"usd_krw[2030]"``).
    host : str, optional
        The host whose range applies; None accepts a value any host allows.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        Not a finite number, or out of range: the message gives Korea's range first (or
        the host's), then each other host's where it differs ("usd_krw: 1.4 is outside the
        allowed range 400 to 5000 (won per dollar); in a Japan scenario 50 to 400 (yen per
        dollar)").
    """
    series = ASSUMPTIONS[name] if host is None else host_assumptions(host)[name]
    number = plain_number(value, where, series.unit)
    others = [
        (h, t[name]) for h, t in _HOSTS.items() if (t[name].low, t[name].high) != (series.low, series.high)
    ]
    if host is None and math.isfinite(number):
        if any(other.low <= number <= other.high for _, other in others):
            return number
    try:
        return series.check(value, where)
    except ValueError as exc:
        elsewhere = [f"in a {h.title()} scenario {s.low:g} to {s.high:g} ({s.unit})" for h, s in others]
        if not math.isfinite(number) or not elsewhere:
            raise
        raise ValueError(f"{exc}; {'; '.join(elsewhere)}") from None


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
    """The host's consumer price inflation [fraction per year] (ROK CPI for Korea)."""
    defense_budget_growth: SeriesInput = None
    """Growth of the host's defense budget [fraction per year]."""
    usd_krw: SeriesInput = None
    """The host's currency per US dollar, annual average [KRW/USD for Korea, JPY/USD for Japan]."""
    us_cpi: SeriesInput = None
    """US CPI-U inflation [fraction per year], to express dollars in real terms."""
    troops: SeriesInput = 28_500.0
    """US troops in the host country [persons]; 28,500 by default, Korea's (GAO-21-270).

    A scenario for another host that does not set it has no troop number (None)."""
    defense_budget: SeriesInput = None
    """The host's defense budget [its currency]; the record's levels grown by
    ``defense_budget_growth`` if omitted."""
    gdp: SeriesInput = None
    """The host's nominal GDP [its currency], for ``share_of_gdp``."""
    npsc_usd: SeriesInput = None
    """US non-personnel stationing costs in Korea [USD], for ``share_of_npsc``; no record."""
    use_record: bool = True
    """Fill the years the historical record knows from it (explicit series still win)."""

    @field_validator(*ASSUMPTIONS, mode="before")
    @classmethod
    def _check_series(cls, value: Any, info: Any) -> Any:
        name = info.field_name
        if value is None:
            return None
        if isinstance(value, Mapping):
            if not value:
                raise ValueError(f"{name}: an empty {{year: value}} series; give at least one year")
            years = unique_year_keys(value, name, lambda year: _as_year(year, name))
            return {year: check_for_host(name, item, f"{name}[{year}]") for year, item in years.items()}
        return check_for_host(name, value, name)

    def check_host(self, host: str) -> None:
        """Every value given against ``host``'s ranges (:func:`host_assumptions`).

        Raises
        ------
        ValueError
            A value outside them, named with the host: "assumptions.usd_krw (host
            'korea'): 140 is outside the allowed range 400 to 5000 (won per dollar)".
        """
        for name in ASSUMPTIONS:
            value = getattr(self, name)
            where = f"assumptions.{name} (host {host!r})"
            for year, item in value.items() if isinstance(value, dict) else [(None, value)]:
                if item is not None:
                    check_for_host(name, item, where if year is None else f"{where}[{year}]", host)


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
