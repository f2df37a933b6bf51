"""Units, scales and labels, and the conversion between a host's currency and dollars: the only place.

Amounts inside the package are whole won, yen or dollars; rates are fractions. People
read them in larger units, and this module is the one that knows which:

- tables and reprs: ₩ bn, ¥ bn and $ m (:data:`TABLE_UNITS`);
- plot axes: ₩ tn, ¥ bn and $ bn (:data:`PLOT_UNITS`);
- short labels in rule descriptions: ``₩1.519tn``, ``$5bn`` (:func:`short_money`);
- printed figures (reprs, the command line): ``₩1.52 tn``, ``$1.13 bn``, or in Korean units
  ``1조 5,192억 원``, made by :mod:`sma_model.formatting` from these scales.

Column names carry their unit as a suffix (``payment_krw`` [KRW], ``payment_jpy`` [JPY],
``payment_usd`` [USD], ``_real`` for constant prices; :func:`currency_column` makes them),
so :func:`column_unit` reads the unit of any outcome column from its name.

A host pays in its own currency or in dollars (Korea: KRW or USD; Japan: JPY or USD);
"local" below means the host's currency, and a rate is local currency per dollar.
:func:`check_currency` accepts Korea's two unless told which are allowed, so a
function that only knows won and dollars never takes yen for either.

Each host's currency (code, symbol, name, plot and table scale and label) is data: the
``currency`` of each projected host's ``data/hosts/<host>/host.json`` (read when this
module is imported, from the folder ``SMA_MODEL_DATA`` names if set). Only the dollar, the
currency every host may pay in, is declared here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from sma_model._declarations import host_declarations, record_package
from sma_model.errors import DataError, SMAModelError

if TYPE_CHECKING:  # only annotates payment_column: a scenario needs no pandas
    import pandas as pd

__all__ = [
    "BILLION",
    "CURRENCIES",
    "KOREA_CURRENCIES",
    "MILLION",
    "PLOT_UNITS",
    "TABLE_UNITS",
    "billions",
    "check_currency",
    "column_unit",
    "conversion_factor",
    "convert",
    "currency_column",
    "currency_name",
    "either",
    "money_currency",
    "outcome_label",
    "payment_column",
    "plot_unit",
    "short_money",
    "symbol",
    "table_unit",
    "to_krw",
    "to_local",
    "to_other_currency",
    "to_usd",
]

#: One billion: bases typed by hand (₩ bn, $ bn) and the record's won amounts (₩ bn).
BILLION = 1e9
#: One million: the record's dollar amounts ($ m).
MILLION = 1e6
_DOLLAR = {
    "code": "USD",
    "symbol": "$",
    "name": "dollars",
    "korean_name": "달러",
    "plot_unit": [1e9, "$ bn"],
    "table_unit": [1e6, "$ m"],
}


def _host_currencies() -> list[dict[str, Any]]:
    """The ``currency`` of each projected host's ``hosts/<host>/host.json``, Korea's first, checked."""
    hosts = host_declarations(record_package())  # Korea first
    out = []
    for name, declared in hosts.items():
        money = declared.get("currency") if declared.get("projected") else None
        if money is None:
            continue
        texts = all(isinstance(money.get(k), str) for k in ("code", "symbol", "name", "korean_name"))
        if not texts or not all(_unit(money.get(k)) for k in ("plot_unit", "table_unit")):
            raise DataError(
                f"hosts/{name}/host.json: currency needs code, symbol, name and korean_name (text) and "
                f"plot_unit and table_unit ([scale > 0, label]), not {money!r}"
            )
        out.append(money)
    return out


def _unit(unit: Any) -> bool:
    """Whether ``unit`` is ``[scale > 0, label]``."""
    return (
        isinstance(unit, list)
        and len(unit) == 2
        and isinstance(unit[0], (int, float))
        and unit[0] > 0
        and isinstance(unit[1], str)
    )


_DECLARED = _host_currencies()
#: The currencies a payment can be set in: Korea's won, dollars, then each other projected
#: host's (Japan's yen), as ``data/hosts/<host>/host.json`` declares them.
CURRENCIES: tuple[str, ...] = (_DECLARED[0]["code"], "USD", *(m["code"] for m in _DECLARED[1:]))
#: Korea's pair, what :func:`check_currency` allows unless told otherwise.
KOREA_CURRENCIES = ("KRW", "USD")
_MONEY = {m["code"]: m for m in (_DECLARED[0], _DOLLAR, *_DECLARED[1:])}
#: Scale and label for plot axes: an amount divided by the scale reads in the label
#: (``{"KRW": (1e12, "₩ tn"), "USD": (1e9, "$ bn"), "JPY": (1e9, "¥ bn")}``).
PLOT_UNITS = {code: (float(m["plot_unit"][0]), str(m["plot_unit"][1])) for code, m in _MONEY.items()}
#: Scale and label for tables and reprs (₩ bn, $ m, ¥ bn).
TABLE_UNITS = {code: (float(m["table_unit"][0]), str(m["table_unit"][1])) for code, m in _MONEY.items()}
_SYMBOLS = {code: str(money["symbol"]) for code, money in _MONEY.items()}


def check_currency(currency: object, allowed: Sequence[str] = KOREA_CURRENCIES) -> str:
    """The upper-case currency code, or an error naming what is allowed.

    Parameters
    ----------
    currency : str
        An ISO 4217 code, in any case.
    allowed : sequence of str
        The codes allowed here: Korea's ``("KRW", "USD")`` by default, ``("JPY", "USD")``
        for a Japan projection, :data:`CURRENCIES` for any.

    Raises
    ------
    SMAModelError
        ``currency`` is not one of ``allowed``: "currency must be 'KRW' or 'USD', not 'EUR'";
        with every code allowed, "..., not 'EUR' (or another host's: 'JPY')".
    """
    code = str(currency).upper()
    if code not in allowed:
        others = [c for c in allowed if c not in KOREA_CURRENCIES]
        if others and all(c in allowed for c in KOREA_CURRENCIES):  # Korea's pair first, as always
            also = f"(or another host's: {either(others)})"
            raise SMAModelError(f"currency must be {either(KOREA_CURRENCIES)}, not {currency!r} {also}")
        raise SMAModelError(f"currency must be {either(allowed)}, not {currency!r}")
    return code


def either(codes: Sequence[str]) -> str:
    """``"'KRW' or 'USD'"``, ``"'KRW', 'USD' or 'JPY'"``: allowed values for a message."""
    quoted = [repr(str(code)) for code in codes]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def symbol(currency: str) -> str:
    """``"₩"`` for KRW, ``"¥"`` for JPY, ``"$"`` for USD."""
    return _SYMBOLS[check_currency(currency, CURRENCIES)]


def currency_name(currency: str, korean: bool = False) -> str:
    """The currency in words: ``"won"``, ``"yen"``, ``"dollars"`` (Korean: ``"원"``, ``"엔"``, ``"달러"``)."""
    return str(_MONEY[check_currency(currency, CURRENCIES)]["korean_name" if korean else "name"])


def plot_unit(currency: str) -> tuple[str, float, str]:
    """``(code, scale, label)`` for a plot axis: amounts / scale read in label (₩ tn, ¥ bn, $ bn)."""
    code = check_currency(currency, CURRENCIES)
    return (code, *PLOT_UNITS[code])


def table_unit(currency: str) -> tuple[float, str]:
    """``(scale, label)`` for a table: amounts / scale read in label (₩ bn, ¥ bn, $ m)."""
    return TABLE_UNITS[check_currency(currency, CURRENCIES)]


def currency_column(kind: str, currency: str, real: bool = False) -> str:
    """The name of an amount column: ``kind``, the currency code, ``_real`` for constant prices.

    ``currency_column("payment", "JPY")`` is ``"payment_jpy"``,
    ``currency_column("cumulative", "KRW", real=True)`` ``"cumulative_krw_real"``.
    """
    return f"{kind}_{check_currency(currency, CURRENCIES).lower()}" + ("_real" if real else "")


def column_unit(column: str) -> tuple[float, str]:
    """Plot scale and label of an outcome column named with its currency (``total_krw``).

    Columns without a currency suffix are dimensionless: ``(1.0, "")``.
    """
    stem = column.removesuffix("_real")
    for code in CURRENCIES:
        if stem.endswith("_" + code.lower()):
            return PLOT_UNITS[code]
    return 1.0, ""


#: Outcome columns in words (the stem, without currency or ``_real``).
OUTCOME_WORDS = {"total": "total payment", "final_payment": "final-year payment", "payment": "payment"}


def outcome_label(column: str, year: int | None = None) -> str:
    """An outcome column in words with its plot unit, for every plot: ``"total_krw"`` is
    ``"total payment [₩ tn]"``, ``"payment_usd"`` in 2030 ``"payment in 2030 [$ bn]"``."""
    currency, stem = money_currency(column), str(column).removesuffix("_real")
    words = OUTCOME_WORDS.get(stem[:-4] if currency else stem, stem.replace("_", " "))
    words += f" in {year}" if year is not None else ""
    real = ", real" if str(column).endswith("_real") else ""
    return f"{words} [{PLOT_UNITS[currency][1]}{real}]" if currency else words


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


def to_local(amount: Any, is_usd: Any, usd_krw: Any) -> Any:
    """Amounts in the host's currency: dollar amounts times the year's rate, local amounts as they are.

    ``usd_krw`` is the host's currency per dollar [KRW per USD for Korea, JPY per USD
    for Japan]. Works elementwise on scalars and numpy arrays; an unknown rate gives NaN
    for dollar amounts only. A single ``is_usd`` for every amount skips the elementwise
    choice (and returns ``amount`` itself when it is already in the local currency).
    """
    with np.errstate(invalid="ignore", over="ignore"):
        if np.ndim(is_usd) == 0:
            return amount * usd_krw if is_usd else amount
        return np.where(is_usd, np.multiply(amount, usd_krw), amount)


#: Korea's name for :func:`to_local`: amounts in won.
to_krw = to_local


def to_usd(amount: Any, is_usd: Any, usd_krw: Any) -> Any:
    """Amounts in dollars: local amounts divided by the year's rate [local per USD]; see :func:`to_local`."""
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
    """One amount from one currency into another at ``usd_krw`` [local currency per USD].

    Raises
    ------
    SMAModelError
        Neither currency is USD (one rate cannot carry won into yen).
    """
    source, target = check_currency(from_currency, CURRENCIES), check_currency(into_currency, CURRENCIES)
    if source == target:
        return float(amount)
    if "USD" not in (source, target):
        raise SMAModelError(f"cannot convert {source} into {target} at one rate per dollar; give 'USD'")
    return float(to_other_currency(amount, source == "USD", usd_krw))


def payment_column(
    frame: pd.DataFrame,
    currency: str,
    real: bool,
    notes: Sequence[str] = (),
    allowed: Sequence[str] = KOREA_CURRENCIES,
) -> str:
    """The payment column for ``currency`` (nominal or real), or an error saying why it is unknown.

    Raises
    ------
    SMAModelError
        The currency is not one of ``allowed`` (KRW or USD by default), or the column is
        missing or incomplete (the message carries the projection's notes, which say
        which assumption fills it).
    """
    code = check_currency(currency, allowed).lower()
    column = f"payment_{code}" + ("_real" if real else "")
    if column not in frame or frame[column].isna().any():
        raise SMAModelError(
            f"{column} is not known for every scenario here; {'; '.join(notes) or 'see .notes'}"
        )
    return column


def money_currency(column: str) -> str | None:
    """The currency of an amount column named with its suffix (``total_krw_real`` → KRW), else None."""
    stem = str(column).removesuffix("_real")
    code = stem[-3:].upper()
    return code if stem[-4:-3] == "_" and code in CURRENCIES else None
