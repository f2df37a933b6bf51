"""The published yearly payments, 1991-2026 (``data/payments.csv``), each with its source.

Every amount is checked on load against :data:`sma_model.series.PAYMENT_RANGES` and
every year against :data:`sma_model.series.RECORD_YEARS`, both read from
``data/datapackage.json``.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from sma_model.errors import DataError
from sma_model.model.terms import Money
from sma_model.record._reading import in_range, number, path_of, read_csv
from sma_model.record._reading import year as read_year
from sma_model.record.hosts import host, host_support
from sma_model.record.macro import macro_read, macro_series
from sma_model.series import PAYMENT_RANGES
from sma_model.units import BILLION, MILLION, check_currency, to_krw, to_usd

__all__ = ["STATUSES", "payment_series", "payments", "published_payment", "record_read"]

#: What a payment row's figure is: ``published`` (an amount a primary or press source
#: gives), ``derived`` (not published: the agreement's rule applied to the record, with the
#: derivation in ``derivation``) or ``disputed`` (published, but sources disagree).
STATUSES = ("published", "derived", "disputed")


def _status(row: dict[str, str], path: str, line: int, year: int) -> str:
    """The row's ``status``, checked: one of :data:`STATUSES`; a derived year says how."""
    status = row["status"].strip()
    if status not in STATUSES:
        raise DataError(f"{path}, line {line}: year {year} has status={status!r}; allowed: {STATUSES}")
    if status == "derived" and not row["derivation"].strip():
        raise DataError(f"{path}, line {line}: year {year} is derived but has no derivation")
    return status


@functools.cache
def _payments() -> pd.DataFrame:
    name = "payments.csv"
    columns = ["year", "agreement", "payment_krw_bn", "payment_usd_m"]
    columns += ["status", "derivation", "source", "note"]
    rows = read_csv(name, columns)
    path = path_of(name)
    seen: set[int] = set()
    out = []
    for line, row in rows:
        year = read_year(row["year"], path, line)
        if year in seen:
            raise DataError(f"{path}, line {line}: year {year} appears twice")
        seen.add(year)
        krw = row["payment_krw_bn"].strip()
        usd = row["payment_usd_m"].strip()
        if (krw or usd) and not row["source"].strip():
            raise DataError(f"{path}, line {line}: year {year} has an amount but no source")
        if not (krw or usd) and not row["note"].strip():
            raise DataError(f"{path}, line {line}: year {year} has no amount and no note saying why")
        amounts = {}
        for column, text in (("payment_krw_bn", krw), ("payment_usd_m", usd)):
            if text:
                value = number(text, path, line, column)
                unit = "KRW billion" if column == "payment_krw_bn" else "USD million"
                where = (path, line, column)
                amounts[column] = in_range(value, PAYMENT_RANGES[column], where, f"the {year} payment", unit)
        status = _status(row, path, line, year)
        derived = status == "derived"
        out.append(
            {
                "year": year,
                "agreement": row["agreement"],
                "payment_krw": amounts["payment_krw_bn"] * BILLION if krw and not derived else np.nan,
                "payment_usd": amounts["payment_usd_m"] * MILLION if usd and not derived else np.nan,
                "currency": "USD" if usd and not krw else "KRW",
                "status": status,
                "derivation": row["derivation"],
                "derived_krw": amounts["payment_krw_bn"] * BILLION if krw and derived else np.nan,
                "derived_usd": amounts["payment_usd_m"] * MILLION if usd and derived else np.nan,
                "source": row["source"],
                "note": row["note"],
            }
        )
    frame = pd.DataFrame(out).sort_values("year", ignore_index=True)
    if list(frame["year"]) != list(range(frame["year"].min(), frame["year"].max() + 1)):
        raise DataError(f"{path}: years must run without a gap")
    return frame


def payments(country: str = "korea") -> pd.DataFrame:
    """Yearly SMA payments, 1991-2026: published amounts, and derived ones where none is published.

    Parameters
    ----------
    country
        ``"korea"`` (the default; also ``"KOR"``) for Korea's SMA payments below; another
        host with a record (``"japan"``, ``"germany"``) gives its host-nation support, the
        same table as :func:`sma_model.record.hosts.host_support`.

    Returns
    -------
    pandas.DataFrame
        One row per year:

        - ``year``; ``agreement`` (e.g. ``"11th SMA"``);
        - ``payment_krw`` [KRW] and ``payment_usd`` [USD]: the amount as published (NaN
          where that currency was not the one published, and for a derived year);
        - ``currency``: the currency of the figure (USD until 2004, KRW from 2005);
        - ``status``: ``"published"``, ``"derived"`` (no amount published; the agreement's
          rule gives it) or ``"disputed"`` (see :data:`STATUSES`);
        - ``derivation``: for a derived year, how the amount follows from the rule and
          the record (e.g. 2023 = 2022's 1,247.2 x 1.034), else empty;
        - ``derived_krw`` [KRW] and ``derived_usd`` [USD]: a derived year's amount, NaN
          otherwise (2023 ₩1,289.6bn and 2024 ₩1,346.3bn, rounded to ₩0.1bn as
          published amounts are);
        - ``source``: the document, table, date and address of the figure (for a derived
          year, of the rule and its inputs); ``note``: conflicts and context.

        ``payment_krw.fillna(derived_krw)`` gives an amount for every year from 2005.

    References
    ----------
    Ministry of National Defense, 2018 Defense White Paper, chart 5-1 (1991-2018);
    Ministry of Foreign Affairs and the press for later years (see ``source``).
    """
    if str(country).lower() not in ("korea", "kor", "south korea"):
        return host_support(country)
    return _payments().copy()


def payment_series(currency: str, derived: bool = False) -> pd.Series:
    """Published payments in one currency, indexed by year [KRW or USD].

    A year published in the other currency is converted at that year's average USD/KRW
    from the macro record; years without a published amount or an exchange rate are
    left out. With ``derived=True`` the derived years (2023, 2024) are included too.
    """
    code = check_currency(currency)
    frame = _payments().set_index("year")
    fx = macro_series("usd_krw").reindex(frame.index).to_numpy()
    published_usd = (frame["currency"] == "USD").to_numpy()
    krw, usd = frame["payment_krw"], frame["payment_usd"]
    if derived:
        krw, usd = krw.fillna(frame["derived_krw"]), usd.fillna(frame["derived_usd"])
    amount = np.where(published_usd, usd, krw)
    convert = to_krw if code == "KRW" else to_usd
    values = pd.Series(convert(amount, published_usd, fx), index=frame.index)
    return values.dropna().rename(f"payment_{code.lower()}")


#: The published payment of each year, beside the ``_payments`` frame it was read from
#: (refreshed after ``clear_cache``): a projection looks one up without pandas.
_PUBLISHED: list[tuple[pd.DataFrame, dict[int, Money | None]]] = []


def _published() -> dict[int, Money | None]:
    frame = _payments()
    if _PUBLISHED and _PUBLISHED[0][0] is frame:
        return _PUBLISHED[0][1]
    found: dict[int, Money | None] = {}
    columns = (frame[c].tolist() for c in ("year", "currency", "payment_usd", "payment_krw"))
    for year, currency, usd, krw in zip(*columns):
        amount = usd if currency == "USD" else krw
        found[int(year)] = None if np.isnan(amount) else Money(amount=float(amount), currency=currency)
    _PUBLISHED[:] = [(frame, found)]
    return found


def published_payment(year: int, country: str = "korea") -> Money | None:
    """The published payment of ``year`` in its published currency, or None (also for a derived year).

    Parameters
    ----------
    year : int
        A calendar year (Korea) or the fiscal year starting in it (Japan).
    country : str
        ``"korea"`` (``data/payments.csv``) or another host whose payments the model
        projects: Japan's is the yearly amount of the special measures agreement in force
        (``hosts/japan/support.csv``, ``item == "total"``, ``basis == "per_year"``): FY2021
        ¥201.7bn, FY2022-26 about ¥211bn a year [JPY].
    """
    if country == "korea":
        return _published().get(year)
    return _host_published(host(country).name).get(year)


@functools.cache  # per host, until record.clear_cache
def _host_published(name: str) -> dict[int, Money]:
    """A host's yearly payments from its support record: the agreement in force each year."""
    frame = host_support(name)
    currency = host(name).currency
    column = f"amount_{currency.lower()}_bn"
    if column not in frame:
        raise DataError(f"{name}'s support record has no {column} (yearly amounts in billions of {currency})")
    found: dict[int, Money] = {}
    yearly = frame[(frame["item"] == "total") & (frame["basis"] == "per_year")]
    for first, last, amount in zip(yearly["first_fiscal_year"], yearly["last_fiscal_year"], yearly[column]):
        for year in range(int(first), int(last) + 1):
            found[year] = Money.model_validate({"amount": float(amount) * BILLION, "currency": currency})
    return found


def record_read() -> tuple[Any, ...]:
    """What was read of the payments and macro record: new objects after ``clear_cache``.

    Caches of results built from the record (compiled plans) compare these by identity.
    """
    return (_payments(), *macro_read())
