"""The one registry of macro series: name, unit, plausible range, where the record keeps it.

Every other module asks this registry which series exist; none keeps its own list.

Two kinds of name appear here:

- an **assumption** (``cpi``, ``usd_krw``, ...) is a field of
  :class:`~sma_model.model.assumptions.Assumptions`, in model units (fractions, won,
  persons);
- a **record column** (``rok_cpi_inflation``, ...) is a ``series`` value in
  ``data/macro.csv``, in the unit it was published in (percent, ₩ trillion).

Plausible ranges
----------------
Each range is wide enough for any year a projection may reach and narrow enough to
refuse a unit slip: a percent typed as a whole number (``cpi=2.0`` for 2 %), won per
dollar typed in thousands (``1.4``), a budget in trillions instead of won. They are set
from the record (``data/macro.csv``, 2005-2026) with a margin:

=======================  ===================  =====================  ===============================
series                   record min / max     allowed                why the margin
=======================  ===================  =====================  ===============================
cpi                      0.4 % / 5.1 %        -5 % to 30 %           deflation, or far more inflation
defense_budget_growth    3.1 % / 9.9 %        -30 % to 50 %          deep cuts or a rapid build-up
usd_krw                  929.2 / 1,422.16     400 to 5,000 ₩/$       a crisis well beyond 1997-98
us_cpi                   -0.4 % / 8.0 %       -5 % to 20 %           as for cpi
troops                   (28,500, GAO)        1,000 to 100,000       a near-withdrawal or a surge
defense_budget           ₩20.8 tn / ₩65.9 tn  ₩5 tn to ₩1,000 tn     a factor of 4 below and 15 above
gdp                      (no record)          ₩100 tn to ₩100,000 tn  a unit slip (won vs trillions)
npsc_usd                 (no record)          $100 m to $100 bn      a unit slip (dollars vs millions)
=======================  ===================  =====================  ===============================

One declaration
---------------
``data/datapackage.json`` declares the ranges once: each macro series' unit and range, the
payments' ranges, the years. Read with :mod:`json` alone when imported (:data:`RECORD_RANGES`,
:data:`PAYMENT_RANGES`, :data:`RECORD_YEARS`), each assumption gets its record column's range
in model units (``rok_cpi_inflation`` -5 to 30 percent is ``cpi`` -0.05 to 0.30; ``troops``
and ``gdp`` those of ``troops.csv`` and ``defense_gdp.csv``); only ``npsc_usd``'s is here.
Hosts are data too (:data:`HOST_DECLARATIONS`, one ``data/hosts/<host>/host.json`` each): a
new host is a folder and its declaration, not code. ``SMA_MODEL_DATA`` (:data:`DATA_ENV`)
names a folder to read instead of ``data/``.
"""

from __future__ import annotations

import math
import numbers
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sma_model._declarations import DATA_ENV, PACKAGE_FILE, host_declarations, record_package
from sma_model.errors import DataError

__all__ = [
    "ASSUMPTIONS",
    "DATA_ENV",
    "DRAWABLE",
    "GROWTH_RATES",
    "HOST_CURRENCIES",
    "HOST_DECLARATIONS",
    "HOST_SERIES",
    "INDEX_SERIES",
    "PACKAGE_FILE",
    "PAYMENT_RANGES",
    "RECORD_COLUMNS",
    "RECORD_RANGES",
    "RECORD_SCALES",
    "RECORD_YEARS",
    "Series",
    "check_range",
    "check_text",
    "plain_number",
    "record_column",
    "record_package",
    "refuse_bool",
    "unique_year_keys",
]

_RATE = "a fraction per year, e.g. 0.02 for 2 %"


@dataclass(frozen=True)
class Series:
    """One macro series.

    Attributes
    ----------
    name : str
        The assumption's field name.
    low, high : float
        Allowed values, inclusive, in model units (see the table above).
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

    @property
    def is_rate(self) -> bool:
        """Whether the series is a fraction per year (so ``2.0`` may be a percent typed as a number)."""
        return self.unit == _RATE

    def check(self, value: Any, where: str | None = None) -> float:
        """``value`` as a float, or ``ValueError`` naming ``where``, the value and the range.

        A rate outside the range whose hundredth is inside it gets "did you mean 0.02?".
        """
        return check_range(value, where or self.name, self.low, self.high, self.unit, percent=self.is_rate)


def _schema(package: dict[str, Any], path: str) -> dict[str, Any]:
    for resource in package.get("resources", []):
        if resource.get("path") == path:
            schema: dict[str, Any] = resource["schema"]
            return schema
    raise DataError(f"{PACKAGE_FILE} describes no resource {path!r}")


def _bounds(schema: dict[str, Any], column: str) -> tuple[float, float]:
    for field in schema["fields"]:
        if field["name"] == column:
            constraints = field["constraints"]
            return (float(constraints["minimum"]), float(constraints["maximum"]))
    raise DataError(f"{PACKAGE_FILE}: no field {column!r}")


_PACKAGE = record_package()
_MACRO = _schema(_PACKAGE, "macro.csv")
_PAYMENTS = _schema(_PACKAGE, "payments.csv")

#: Multiply a published value by this to get model units.
RECORD_SCALES = {"percent": 0.01, "KRW trillion": 1e12, "KRW per USD": 1.0}

#: Every column of ``data/macro.csv`` and the unit it is published in (read from the data
#: package's ``sma:unitsBySeries``).
RECORD_COLUMNS: dict[str, str] = dict(_MACRO["sma:unitsBySeries"])

#: Allowed values of each record column, inclusive, in its published unit (the data package's
#: ``sma:rangesBySeries``; ``rok_share_of_npsc``, which no assumption reads: 1 % to 100 %).
RECORD_RANGES: dict[str, tuple[float, float]] = {
    column: (float(low), float(high)) for column, (low, high) in _MACRO["sma:rangesBySeries"].items()
}

#: Allowed published payments (``data/payments.csv``), inclusive, read from the data package:
#: ₩ bn (the record holds 680.4 to 1,519.2) and $ m (150 to 620). ₩100 bn to ₩10,000 bn and
#: $50 m to $10,000 m refuse a slip of a thousand either way and admit a $10 bn deal.
PAYMENT_RANGES: dict[str, tuple[float, float]] = {
    column: _bounds(_PAYMENTS, column) for column in ("payment_krw_bn", "payment_usd_m")
}

#: Years the record may hold, inclusive (it holds 1991-2026), read from the data package.
RECORD_YEARS: tuple[int, int] = (int(_bounds(_PAYMENTS, "year")[0]), int(_bounds(_PAYMENTS, "year")[1]))

if set(RECORD_RANGES) != set(RECORD_COLUMNS) or not set(RECORD_COLUMNS.values()) <= set(RECORD_SCALES):
    raise DataError(
        f"{PACKAGE_FILE}: macro.csv's sma:rangesBySeries and sma:unitsBySeries must name the same "
        f"series, in units among {sorted(RECORD_SCALES)}"
    )


def _recorded(name: str, column: str, unit: str, drawable: bool = False) -> Series:
    """An assumption whose range is its record column's, converted to model units."""
    scale = RECORD_SCALES[RECORD_COLUMNS[column]]
    low, high = RECORD_RANGES[column]
    return Series(name, round(low * scale, 12), round(high * scale, 12), unit, column, drawable)


def _bounded(name: str, path: str, column: str, scale: float, unit: str, drawable: bool = False) -> Series:
    """An assumption whose range is a record table's field range (``path``, ``column``) x ``scale``."""
    low, high = _bounds(_schema(_PACKAGE, path), column)
    return Series(name, round(low * scale, 12), round(high * scale, 12), unit, None, drawable)


#: The assumption series, by field name, in the order Assumptions declares them.
ASSUMPTIONS: dict[str, Series] = {
    s.name: s
    for s in (
        _recorded("cpi", "rok_cpi_inflation", _RATE, drawable=True),
        _recorded("defense_budget_growth", "rok_defense_budget_growth", _RATE, drawable=True),
        _recorded("usd_krw", "usd_krw", "won per dollar", drawable=True),
        _recorded("us_cpi", "us_cpi_inflation", _RATE, drawable=True),
        _bounded("troops", "troops.csv", "us_troops", 1.0, "US service members in Korea", drawable=True),
        _recorded("defense_budget", "rok_defense_budget", "ROK defense budget in won"),
        _bounded("gdp", "defense_gdp.csv", "nominal_gdp_krw_tn", 1e12, "ROK nominal GDP in won"),
        Series("npsc_usd", 1e8, 1e11, "US non-personnel stationing costs in Korea, in dollars"),
    )
}

#: Assumptions sweeps and Monte Carlo may draw or set yearly.
DRAWABLE: tuple[str, ...] = tuple(name for name, s in ASSUMPTIONS.items() if s.drawable)

#: The series an ``Indexed`` rule's ``index`` follows.
INDEX_SERIES = {"cpi": "cpi", "defense_budget": "defense_budget_growth"}

#: Plausible yearly growth of a payment under a rule (``Fixed.rate``, ``Schedule`` rates,
#: ``Indexed`` caps and floors), inclusive, as fractions: the record's yearly changes run
#: from -15.4 % (1999, in dollars) to +22.2 % (1993); -50 % to +50 % leaves a wide margin
#: and refuses ``rate: 6`` or ``cap: 5`` (percents typed as whole numbers). A one-off
#: ``Rise`` (a demand of several times the last payment) is not bound by it.
GROWTH_RATES = (-0.5, 0.5)


#: Every host the data package declares (``hosts/<host>/host.json``, as read), Korea first.
HOST_DECLARATIONS: dict[str, dict[str, Any]] = host_declarations(_PACKAGE)

#: Hosts whose payments the model projects (``projected: true``) and the currency each pays
#: in (ISO 4217). Germany's record is shipped, but it has no agreement to project.
HOST_CURRENCIES = {name: d["currency"]["code"] for name, d in HOST_DECLARATIONS.items() if d["projected"]}

#: Assumption → the series of a host's ``macro.csv`` that fills it (names every host's record
#: uses; growth is derived from levels if only they are recorded). ``us_cpi``, ``troops``
#: and ``npsc_usd`` have no host series.
HOST_SERIES = {
    "cpi": "cpi_inflation",
    "defense_budget": "defense_budget",
    "defense_budget_growth": "defense_budget_growth",
    "usd_krw": "local_per_usd",
    "gdp": "nominal_gdp",
}


def record_column(name: str) -> str | None:
    """The record column behind assumption ``name``, or None if the record has none."""
    return ASSUMPTIONS[name].record


def plain_number(value: Any, where: str, unit: str) -> float:
    """``value`` as a Python float: ints, floats and numpy numbers, never a bool or text.

    Raises
    ------
    ValueError
        ``value`` is a bool (``True`` would count as 1, i.e. +100 %), text, None or
        anything else that is not a real number; names ``where`` and ``unit``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):  # numpy's bool is no Real
        raise ValueError(f"{where}: {value!r} is not a number ({unit})")
    try:
        return float(value)
    except (OverflowError, ValueError):
        raise ValueError(f"{where}: {value!r} is too large to be a number ({unit})") from None


def refuse_bool(value: Any) -> Any:
    """``value`` unchanged unless it is a bool (Python's or numpy's): a pydantic before-validator.

    pydantic turns ``True`` into ``1.0`` for a float field, so ``rate: yes`` in YAML would
    mean +100 %; ``Annotated[float, BeforeValidator(refuse_bool)]`` refuses it.
    """
    if isinstance(value, bool) or (
        type(value).__module__ == "numpy" and type(value).__name__.startswith("bool")
    ):
        raise ValueError(f"{value!r} is a yes/no value, not a number")
    return value


def check_range(value: Any, where: str, low: float, high: float, unit: str, percent: bool = False) -> float:
    """``value`` as a finite float from ``low`` to ``high`` inclusive, else ``ValueError``.

    The message names ``where``, the value, the range and the unit; with ``percent``
    (a rate in fractions) a value whose hundredth is in range also asks "did you mean
    0.02?", since ``2.0`` is most likely 2 % typed as a whole number.

    >>> check_range(2.0, "cpi", -0.05, 0.30, "a fraction per year", percent=True)
    Traceback (most recent call last):
    ...
    ValueError: cpi: 2 is outside the allowed range -0.05 to 0.3 (a fraction per year); did you mean 0.02?
    """
    number = plain_number(value, where, unit)
    if not math.isfinite(number):
        raise ValueError(f"{where}: {number} is not finite; give a number from {low:g} to {high:g} ({unit})")
    if not low <= number <= high:
        hint = ""
        if percent and low <= number / 100 <= high:
            hint = f"; did you mean {number / 100:g}?"
        raise ValueError(
            f"{where}: {number:g} is outside the allowed range {low:g} to {high:g} ({unit}){hint}"
        )
    return number


def unique_year_keys(mapping: Mapping[Any, Any], where: str, as_year: Any = None) -> dict[int, Any]:
    """``{year: value}`` with whole-number years, refusing two keys that mean one year.

    ``{2027: 0.02, "2027": 0.03}`` would otherwise collapse silently into one year (the
    last wins); here it is a ``ValueError`` naming both keys. ``as_year`` turns one key
    into an int (raising ``ValueError``); by default any whole number or its digits.
    """
    convert = as_year or _whole_year
    out: dict[int, Any] = {}
    keys: dict[int, Any] = {}
    for key, value in mapping.items():
        year = convert(key)
        if year in keys:
            raise ValueError(
                f"{where}: the keys {keys[year]!r} and {key!r} both mean the year {year}; give each year once"
            )
        keys[year] = key
        out[year] = value
    return out


def _whole_year(key: Any) -> int:
    if isinstance(key, bool):
        raise ValueError(f"{key!r} is not a year")
    try:
        year = int(key)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{key!r} is not a year") from None
    if year != key and str(year) != str(key).strip():
        raise ValueError(f"{key!r} is not a whole year")
    return year


#: Characters a name may not hold: controls (C0, C1 such as U+0085, DEL), line and
#: paragraph separators, surrogates, and the bidirectional overrides and isolates
#: (U+202A-U+202E, U+2066-U+2069) that reorder what a reader sees.
_BIDI = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))


def check_text(text: str, where: str) -> str:
    """``text`` unchanged if it holds no control, separator or bidi-override character.

    Raises
    ------
    ValueError
        Naming the first such character by its code point, e.g. ``U+0085``.
    """
    for position, char in enumerate(text):
        if unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") or char in _BIDI:
            raise ValueError(
                f"{where}: character {position + 1} is U+{ord(char):04X} "
                f"({unicodedata.name(char, 'a control character')}); names are one line of "
                "printable text"
            )
    return text
