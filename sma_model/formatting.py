"""Printing figures people can read: ``₩1.52 tn``, ``¥211 bn``, ``$1.13 bn``, ``1조 5,192억 원``, ``2.01 %``.

Every printed figure (reprs, notebooks, the command line) is rounded here, once, from its
full value; files (CSV) keep full precision. The scales and symbols come from
:mod:`sma_model.units`.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import numpy as np
import pandas as pd

from sma_model.units import CURRENCIES, TABLE_UNITS, check_currency, currency_name, money_currency, symbol

__all__ = [
    "format_amounts",
    "format_money",
    "format_percent",
    "format_summary",
    "format_table",
    "missing_note",
    "names_text",
    "result_html",
]


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
#: Korean scales (조 = 10^12, 억 = 10^8, 만 = 10^4); the word after the amount is the
#: currency's Korean name (:func:`sma_model.units.currency_name`: 원, 엔, 달러).
_KOREAN_SCALES = ((1e12, "조"), (1e8, "억"), (1e4, "만"))
#: Significant digits of a printed amount in Western units.
MONEY_DIGITS = 3


def format_money(amount: float, currency: str, korean: bool = False) -> str:
    """An amount as people read it: ``₩1.52 tn``, ``¥211 bn``, ``$1.13 bn``, ``$880 m``, ``-₩507 bn``.

    Western units show three significant digits in the largest unit (tn, bn, m) the
    rounded amount reaches; amounts under a million show whole units (``$35,088``).
    With ``korean=True``: 조, 억 and 만, won rounded to 억 (``1조 5,192억 원``) and
    dollars to 만 (``10억 3,380만 달러``). The amount is rounded once, from its full value;
    an unknown amount is ``NaN``.

    Parameters
    ----------
    amount
        In whole won, yen or dollars [KRW, JPY or USD].
    currency
        ``"KRW"``, ``"JPY"`` or ``"USD"`` (any case).
    korean
        Korean units instead of tn/bn/m.

    Examples
    --------
    >>> format_money(1_519.2e9, "KRW"), format_money(1_130e6, "USD"), format_money(880.3e6, "USD")
    ('₩1.52 tn', '$1.13 bn', '$880 m')
    >>> format_money(1_519.2e9, "KRW", korean=True), format_money(5e9, "USD", korean=True)
    ('1조 5,192억 원', '50억 달러')
    """
    code = check_currency(currency, CURRENCIES)
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
            return f"{sign}{symbol(code)}{scaled:,.{decimals}f} {suffix}"
    return f"{sign}{symbol(code)}{abs(value):,.0f}" if round(abs(value)) else f"{symbol(code)}0"


def _korean_money(value: float, code: str) -> str:
    magnitude = abs(value)
    if TABLE_UNITS[code][0] >= 1e9:  # tabled in billions (won, yen): to 억 from 100억, to 만 from 100만
        step = 1e8 if magnitude >= 1e10 else 1e4 if magnitude >= 1e6 else 1.0
    else:  # dollars (and a currency tabled in millions): to 만 from 1억
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
    return f"{sign}{' '.join(parts)} {currency_name(code, korean=True)}"


def format_percent(rate: float, decimals: int = 2, suffix: str = "") -> str:
    """A rate [fraction] in percent, rounded once: ``format_percent(0.0201)`` is ``2.01 %``.

    ``suffix`` follows the sign (``"/yr"`` gives ``2.01 %/yr``); an unknown rate is ``NaN``.
    """
    value = float(rate)
    if not np.isfinite(value):
        return "NaN"
    return f"{value * 100:,.{decimals}f} %{suffix}"


#: Rate columns (fractions) of summaries and frames, printed in percent by :func:`format_table`,
#: with the unit each cell carries.
RATE_COLUMNS = {"average_growth": "/yr", "growth_rate": "", "share_of_defense_budget": ""}


#: Decimals a displayed figure is rounded to, by its column (amounts in ₩ bn / $ m, growth
#: in percent per year, ratios); any other float column gets :data:`DEFAULT_DECIMALS`.
DISPLAY_DECIMALS = {"[₩ bn": 1, "[¥ bn": 1, "[$ m": 1, "[%/yr]": 2, "ratio": 2}
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


def result_html(head: str, table: str, notes: Sequence[str]) -> str:
    """A result as a notebook shows it: a heading (HTML), its table (HTML), then its notes."""
    items = "".join(f"<li>{escape(n)}</li>" for n in notes)
    return f"<div>{head}{table}" + (f"<ul>{items}</ul>" if items else "") + "</div>"


def missing_note(
    column: str, assumption: str, scenarios: np.ndarray, years: np.ndarray, partial: bool = False
) -> str:
    """The note saying why ``column`` is left out (or ``<NA>`` for some scenarios, ``partial``).

    ``scenarios`` and ``years`` are the cells without a value [names, calendar years]: the
    note names the first scenario and its years, counts the others, and says which
    assumption fills the gap.
    """
    first = str(scenarios[0])
    years_for_first = sorted({int(y) for s, y in zip(scenarios, years) if s == first})
    span = f"{years_for_first[0]}" + (f"-{years_for_first[-1]}" if len(years_for_first) > 1 else "")
    others = len(set(scenarios)) - 1
    who = f"scenario {first!r}" + (f" and {others} other" + ("s" if others > 1 else "") if others else "")
    fix = f"give Assumptions({assumption}=...) to add it"
    if partial:
        return f"{column} is <NA> for {who}: no {assumption} for {span}; {fix}"
    return f"{column} left out: no {assumption} for {span} ({who}); {fix}"


def names_text(names: Sequence[str]) -> str:
    """Up to three names, quoted, and how many more: ``'a', 'b', 'c' and 2 more``."""
    shown = ", ".join(repr(n) for n in names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")
