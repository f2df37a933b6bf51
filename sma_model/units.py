"""Units, scales and labels, and the conversion between won and dollars: the only place.

Amounts inside the package are whole won or whole dollars; rates are fractions. People
read them in larger units, and this module is the one that knows which:

- tables and reprs: ₩ bn and $ m (:data:`TABLE_UNITS`);
- plot axes: ₩ tn and $ bn (:data:`PLOT_UNITS`);
- short labels in rule descriptions: ``₩1.519tn``, ``$5bn`` (:func:`short_money`);
- printed figures (reprs, the command line): ``₩1.52 tn``, ``$1.13 bn``, or in Korean units
  ``1조 5,192억 원`` (:func:`format_money`, :func:`format_percent`, :func:`format_table`).
  Files (CSV) keep full precision; only printers round, once, from the full value.

Column names carry their unit as a suffix (``payment_krw`` [KRW], ``payment_usd``
[USD], ``_real`` for constant prices), so :func:`column_unit` reads the unit of any
outcome column from its name.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

import numpy as np
import pandas as pd

from sma_model.errors import SMAModelError

__all__ = [
    "BILLION",
    "CURRENCIES",
    "MILLION",
    "PLOT_UNITS",
    "TABLE_UNITS",
    "billions",
    "check_currency",
    "column_unit",
    "conversion_factor",
    "convert",
    "format_amounts",
    "format_money",
    "format_percent",
    "format_summary",
    "format_table",
    "money_currency",
    "payment_column",
    "plot_unit",
    "short_money",
    "symbol",
    "table_unit",
    "to_krw",
    "to_other_currency",
    "to_usd",
]

#: One billion: bases typed by hand (₩ bn, $ bn) and the record's won amounts (₩ bn).
BILLION = 1e9
#: One million: the record's dollar amounts ($ m).
MILLION = 1e6
#: The currencies a payment can be set in.
CURRENCIES = ("KRW", "USD")
#: Scale and label for plot axes: an amount divided by the scale reads in the label.
PLOT_UNITS = {"KRW": (1e12, "₩ tn"), "USD": (1e9, "$ bn")}
#: Scale and label for tables and reprs.
TABLE_UNITS = {"KRW": (1e9, "₩ bn"), "USD": (1e6, "$ m")}
_SYMBOLS = {"KRW": "₩", "USD": "$"}


def check_currency(currency: object) -> str:
    """The upper-case currency code, or an error naming what is allowed.

    Raises
    ------
    SMAModelError
        ``currency`` is not ``"KRW"`` or ``"USD"`` (in any case).
    """
    code = str(currency).upper()
    if code not in CURRENCIES:
        raise SMAModelError(f"currency must be 'KRW' or 'USD', not {currency!r}")
    return code


def symbol(currency: str) -> str:
    """``"₩"`` for KRW, ``"$"`` for USD."""
    return _SYMBOLS[check_currency(currency)]


def plot_unit(currency: str) -> tuple[str, float, str]:
    """``(code, scale, label)`` for a plot axis: amounts / scale read in label (₩ tn, $ bn)."""
    code = check_currency(currency)
    return (code, *PLOT_UNITS[code])


def table_unit(currency: str) -> tuple[float, str]:
    """``(scale, label)`` for a table: amounts / scale read in label (₩ bn, $ m)."""
    return TABLE_UNITS[check_currency(currency)]


def column_unit(column: str) -> tuple[float, str]:
    """Plot scale and label of an outcome column named with its currency (``total_krw``).

    Columns without a currency suffix are dimensionless: ``(1.0, "")``.
    """
    stem = column.removesuffix("_real")
    for code in CURRENCIES:
        if stem.endswith("_" + code.lower()):
            return PLOT_UNITS[code]
    return 1.0, ""


def short_money(amount: float, currency: str) -> str:
    """A short label such as ``₩1.519tn`` or ``$5bn`` (four significant digits)."""
    sign = symbol(currency)
    for size, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if amount >= size:
            return f"{sign}{amount / size:,.4g}{suffix}"
    return f"{sign}{amount:,.0f}"


def billions(amount: float, currency: str) -> str:
    """An amount in billions with three decimals: ``₩2,000.000bn``."""
    return f"{symbol(currency)}{amount / BILLION:,.3f}bn"


def to_krw(amount: Any, is_usd: Any, usd_krw: Any) -> Any:
    """Amounts in won: dollar amounts times the year's rate [KRW per USD], won amounts as they are.

    Works elementwise on scalars and numpy arrays; an unknown rate gives NaN for dollar
    amounts only. A single ``is_usd`` for every amount skips the elementwise choice (and
    returns ``amount`` itself when it is already in won).
    """
    with np.errstate(invalid="ignore", over="ignore"):
        if np.ndim(is_usd) == 0:
            return amount * usd_krw if is_usd else amount
        return np.where(is_usd, np.multiply(amount, usd_krw), amount)


def to_usd(amount: Any, is_usd: Any, usd_krw: Any) -> Any:
    """Amounts in dollars: won amounts divided by the year's rate [KRW per USD]; see :func:`to_krw`."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if np.ndim(is_usd) == 0:
            return amount if is_usd else amount / usd_krw
        return np.where(is_usd, amount, np.divide(amount, usd_krw))


def to_other_currency(amount: Any, from_usd: Any, usd_krw: Any) -> Any:
    """Amounts carried into the other currency: dollars times ``usd_krw``, won divided by it."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if np.ndim(from_usd) == 0:
            return amount * usd_krw if from_usd else amount / usd_krw
        return np.where(from_usd, np.multiply(amount, usd_krw), np.divide(amount, usd_krw))


def conversion_factor(from_usd: Any, into_usd: Any, usd_krw: Any) -> Any:
    """The factor that carries an amount from one currency into another at ``usd_krw``.

    1 where the currencies agree, ``usd_krw`` from dollars to won, ``1 / usd_krw`` from
    won to dollars. Elementwise on scalars and arrays (``from_usd``/``into_usd`` are
    booleans: is the currency USD).
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(
            np.asarray(from_usd) == np.asarray(into_usd), 1.0, np.where(from_usd, usd_krw, 1.0 / usd_krw)
        )


def convert(amount: float, from_currency: str, into_currency: str, usd_krw: float) -> float:
    """One amount from one currency into another at ``usd_krw`` [KRW per USD]."""
    source, target = check_currency(from_currency), check_currency(into_currency)
    if source == target:
        return float(amount)
    return float(to_other_currency(amount, source == "USD", usd_krw))


def payment_column(frame: pd.DataFrame, currency: str, real: bool, notes: Sequence[str] = ()) -> str:
    """The payment column for ``currency`` (nominal or real), or an error saying why it is unknown.

    Raises
    ------
    SMAModelError
        The currency is not KRW or USD, or the column is missing or incomplete (the
        message carries the projection's notes, which say which assumption fills it).
    """
    code = check_currency(currency).lower()
    column = f"payment_{code}" + ("_real" if real else "")
    if column not in frame or frame[column].isna().any():
        raise SMAModelError(
            f"{column} is not known for every scenario here; {'; '.join(notes) or 'see .notes'}"
        )
    return column


def format_amounts(summary: pd.DataFrame) -> pd.DataFrame:
    """A copy of a summary in display units: amounts in ₩ bn / $ m, growth in percent.

    Values are scaled, not rounded: a printer rounds each figure once, from its full value
    (:func:`format_table`, or the CLI's float format), so printed digits are true. Renamed
    columns carry their unit: ``total [₩ bn]``, ``average_growth [%/yr]``. ``attrs`` are kept.
    """
    out = pd.DataFrame(index=summary.index)
    for column in summary.columns:
        values = summary[column]
        stem = column.removesuffix("_real")
        real = ", real" if stem != column else ""
        code = stem[-3:].upper()
        if stem[-4:-3] == "_" and code in CURRENCIES:
            scale, unit = TABLE_UNITS[code]
            out[f"{stem[:-4]} [{unit}{real}]"] = values.astype(float) / scale
        elif column == "average_growth":
            out["average_growth [%/yr]"] = values.astype(float) * 100
        else:
            out[column] = values
    out.attrs = dict(summary.attrs)
    return out


#: Western scales for printed amounts, largest first: ``₩1.52 tn``, ``$880 m``.
_SCALES = ((1e12, "tn"), (1e9, "bn"), (1e6, "m"))
#: Korean scales (조 = 10^12, 억 = 10^8, 만 = 10^4), and the word after the amount.
_KOREAN_SCALES = ((1e12, "조"), (1e8, "억"), (1e4, "만"))
_KOREAN_WORDS = {"KRW": "원", "USD": "달러"}
#: Significant digits of a printed amount in Western units.
MONEY_DIGITS = 3


def format_money(amount: float, currency: str, korean: bool = False) -> str:
    """An amount as people read it: ``₩1.52 tn``, ``$1.13 bn``, ``$880 m``, ``-₩507 bn``.

    Western units show three significant digits in the largest unit (tn, bn, m) the
    rounded amount reaches; amounts under a million show whole units (``$35,088``).
    With ``korean=True``: 조, 억 and 만, won rounded to 억 (``1조 5,192억 원``) and
    dollars to 만 (``10억 3,380만 달러``). The amount is rounded once, from its full value;
    an unknown amount is ``NaN``.

    Parameters
    ----------
    amount
        In whole won or dollars [KRW or USD].
    currency
        ``"KRW"`` or ``"USD"`` (any case).
    korean
        Korean units instead of tn/bn/m.

    Examples
    --------
    >>> format_money(1_519.2e9, "KRW"), format_money(1_130e6, "USD"), format_money(880.3e6, "USD")
    ('₩1.52 tn', '$1.13 bn', '$880 m')
    >>> format_money(1_519.2e9, "KRW", korean=True), format_money(5e9, "USD", korean=True)
    ('1조 5,192억 원', '50억 달러')
    """
    code = check_currency(currency)
    value = float(amount)
    if not np.isfinite(value):
        return "NaN"
    if korean:
        return _korean_money(value, code)
    sign = "-" if value < 0 else ""
    rounded = float(f"{abs(value):.{MONEY_DIGITS}g}")  # the one rounding, from the full value
    for size, suffix in _SCALES:
        if rounded >= size:
            scaled = rounded / size
            decimals = max(0, MONEY_DIGITS - 1 - int(np.floor(np.log10(scaled) + 1e-9)))
            return f"{sign}{_SYMBOLS[code]}{scaled:,.{decimals}f} {suffix}"
    return f"{sign}{_SYMBOLS[code]}{abs(value):,.0f}" if round(abs(value)) else f"{_SYMBOLS[code]}0"


def _korean_money(value: float, code: str) -> str:
    magnitude = abs(value)
    if code == "KRW":  # to 억 from 100억, to 만 from 100만
        step = 1e8 if magnitude >= 1e10 else 1e4 if magnitude >= 1e6 else 1.0
    else:  # to 만 from 1억 dollars
        step = 1e4 if magnitude >= 1e8 else 1.0
    units = int(round(magnitude / step) * step)  # the one rounding, from the full value
    parts = []
    for size, word in _KOREAN_SCALES:
        count, units = divmod(units, int(size))
        if count:
            parts.append(f"{count:,}{word}")
    if units or not parts:
        parts.append(f"{units:,}")
    sign = "-" if value < 0 and (parts != ["0"]) else ""
    return f"{sign}{' '.join(parts)} {_KOREAN_WORDS[code]}"


def format_percent(rate: float, decimals: int = 2, suffix: str = "") -> str:
    """A rate [fraction] in percent, rounded once: ``format_percent(0.0201)`` is ``2.01 %``.

    ``suffix`` follows the sign (``"/yr"`` gives ``2.01 %/yr``); an unknown rate is ``NaN``.
    """
    value = float(rate)
    if not np.isfinite(value):
        return "NaN"
    return f"{value * 100:,.{decimals}f} %{suffix}"


def money_currency(column: str) -> str | None:
    """The currency of an amount column named with its suffix (``total_krw_real`` → KRW), else None."""
    stem = str(column).removesuffix("_real")
    code = stem[-3:].upper()
    return code if stem[-4:-3] == "_" and code in CURRENCIES else None


#: Rate columns (fractions) of summaries and frames, printed in percent by :func:`format_table`,
#: with the unit each cell carries.
RATE_COLUMNS = {"average_growth": "/yr", "growth_rate": "", "share_of_defense_budget": ""}


#: Decimals a displayed figure is rounded to, by its column (amounts in ₩ bn / $ m, growth
#: in percent per year, ratios); any other float column gets :data:`DEFAULT_DECIMALS`.
DISPLAY_DECIMALS = {"[₩ bn": 1, "[$ m": 1, "[%/yr]": 2, "ratio": 2}
DEFAULT_DECIMALS = 2


def format_table(
    table: pd.DataFrame, html: bool = False, korean: bool = False, marks: pd.DataFrame | None = None
) -> str:
    """A table as text (or HTML), each figure rounded once, from its full value.

    Columns named with a currency (``total_krw``, ``payment_usd_real``: full amounts,
    as in summaries and frames) print as :func:`format_money` (``₩1.52 tn``; Korean
    units with ``korean=True``); rate columns (``average_growth``, ``growth_rate``
    [fractions]) in percent (``2.01 %/yr``). Columns already scaled by
    :func:`format_amounts` (``total [₩ bn]``) show one decimal, growth and ratios two.
    Other numbers show two decimals, never scientific notation; unknown figures ``NaN``.

    ``marks``, of the same shape, holds text appended to a cell (a footnote mark).
    """

    def decimals(column: str) -> int:
        return next((d for key, d in DISPLAY_DECIMALS.items() if key in column), DEFAULT_DECIMALS)

    shown = pd.DataFrame(index=table.index)
    for column in table.columns:
        values = table[column]
        currency = money_currency(str(column))
        if currency is not None and pd.api.types.is_numeric_dtype(values):
            cells = [format_money(v, currency, korean) if pd.notna(v) else "NaN" for v in values]
        elif str(column) in RATE_COLUMNS and pd.api.types.is_numeric_dtype(values):
            cells = [
                format_percent(v, suffix=RATE_COLUMNS[str(column)]) if pd.notna(v) else "NaN" for v in values
            ]
        elif pd.api.types.is_float_dtype(values):
            d = decimals(str(column))
            cells = ["NaN" if pd.isna(v) else f"{v:,.{d}f}" for v in values]
        else:
            cells = [str(v) for v in values]
        if marks is not None and column in marks:
            cells = [cell + str(mark) for cell, mark in zip(cells, marks[column])]
        shown[column] = cells
    shown.columns.name = table.columns.name
    if html:
        return shown.to_html()
    return shown.to_string(justify="right")


#: The mark on a compound growth rate that spans a one-off jump (a new base).
JUMP_MARK = "*"


def format_summary(
    summary: pd.DataFrame,
    html: bool = False,
    korean: bool = False,
    jumps: dict[str, list[int]] | None = None,
) -> str:
    """A summary (full amounts, rates as fractions) as text or HTML, via :func:`format_table`.

    ``jumps`` maps a scenario to the years a new base sets its payment inside the span
    of ``average_growth``: a compound rate across such a one-off jump is not the rule's
    growth, so it is marked (:data:`JUMP_MARK`) and a footnote says where the jump is.
    """
    jumped = {name: years for name, years in (jumps or {}).items() if years and name in summary.index}
    marks = None
    if jumped and "average_growth" in summary:
        flags = [JUMP_MARK if name in jumped else " " for name in summary.index]
        marks = pd.DataFrame({"average_growth": flags}, index=summary.index)
    text = format_table(summary, html=html, korean=korean, marks=marks)
    if marks is None:
        return text
    where = "; ".join(f"{name} in {', '.join(str(y) for y in years)}" for name, years in jumped.items())
    footnote = (
        f"{JUMP_MARK} compound growth across a one-off jump (a new base), not the rule's growth: {where}"
    )
    return f"{text}<p><small>{escape(footnote)}</small></p>" if html else f"{text}\n{footnote}"
