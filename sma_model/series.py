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
cpi                      0.4 % / 5.1 %        -5 % to 30 %           deflation, or inflation far
                                                                     above any year in the record
defense_budget_growth    3.1 % / 9.9 %        -30 % to 50 %          deep cuts or a rapid build-up
usd_krw                  929.2 / 1,422.16     400 to 5,000 ₩/$       a crisis well beyond 1997-98
us_cpi                   -0.4 % / 8.0 %       -5 % to 20 %           as for cpi
troops                   (28,500, GAO)        1,000 to 100,000       a near-withdrawal or a surge
defense_budget           ₩20.8 tn / ₩65.9 tn  ₩5 tn to ₩1,000 tn     a factor of 4 below and 15 above
gdp                      (no record)          ₩100 tn to ₩100,000 tn  a unit slip (won vs trillions)
npsc_usd                 (no record)          $100 m to $100 bn      a unit slip (dollars vs millions)
=======================  ===================  =====================  ===============================

The record's own files are checked against the same ranges in their published units
(:data:`RECORD_RANGES`), and the published payments against :data:`PAYMENT_RANGES`.
"""

from __future__ import annotations

import math
import numbers
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ASSUMPTIONS",
    "DRAWABLE",
    "GROWTH_RATES",
    "INDEX_SERIES",
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


#: The assumption series, by field name, in the order Assumptions declares them.
ASSUMPTIONS: dict[str, Series] = {
    s.name: s
    for s in (
        Series("cpi", -0.05, 0.30, _RATE, "rok_cpi_inflation", drawable=True),
        Series("defense_budget_growth", -0.30, 0.50, _RATE, "rok_defense_budget_growth", drawable=True),
        Series("usd_krw", 400.0, 5_000.0, "won per dollar", "usd_krw", drawable=True),
        Series("us_cpi", -0.05, 0.20, _RATE, "us_cpi_inflation", drawable=True),
        Series("troops", 1_000.0, 100_000.0, "US service members in Korea", drawable=True),
        Series("defense_budget", 5e12, 1e15, "ROK defense budget in won", "rok_defense_budget"),
        Series("gdp", 1e14, 1e17, "ROK nominal GDP in won"),
        Series("npsc_usd", 1e8, 1e11, "US non-personnel stationing costs in Korea, in dollars"),
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


def _published_range(column: str) -> tuple[float, float]:
    for series in ASSUMPTIONS.values():
        if series.record == column:
            scale = RECORD_SCALES[RECORD_COLUMNS[column]]
            return (round(series.low / scale, 9), round(series.high / scale, 9))
    raise KeyError(column)


#: Allowed values of each record column, inclusive, in its published unit: the assumption's
#: range (``rok_share_of_npsc``, which no assumption reads, is a share: 1 % to 100 %; the
#: record holds 41 %, 45 % and 42 % for 2002, 2003 and 2018).
RECORD_RANGES: dict[str, tuple[float, float]] = {
    column: (1.0, 100.0) if column == "rok_share_of_npsc" else _published_range(column)
    for column in RECORD_COLUMNS
}

#: Allowed published payments (``data/payments.csv``), inclusive: ₩ billion (the record
#: holds 680.4 to 1,519.2) and $ million (150 to 620). ₩100 bn to ₩10,000 bn and $50 m to
#: $10,000 m refuse a slip of a thousand either way and admit a $10 bn deal.
PAYMENT_RANGES: dict[str, tuple[float, float]] = {
    "payment_krw_bn": (100.0, 10_000.0),
    "payment_usd_m": (50.0, 10_000.0),
}

#: Years the record may hold, inclusive (it holds 1991-2026).
RECORD_YEARS = (1950, 2100)

#: Plausible yearly growth of a payment under a rule (``Fixed.rate``, ``Schedule`` rates,
#: ``Indexed`` caps and floors), inclusive, as fractions: the record's yearly changes run
#: from -15.4 % (1999, in dollars) to +22.2 % (1993); -50 % to +50 % leaves a wide margin
#: and refuses ``rate: 6`` or ``cap: 5`` (percents typed as whole numbers). A one-off
#: ``Rise`` (a demand of several times the last payment) is not bound by it.
GROWTH_RATES = (-0.5, 0.5)


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
