"""The published yearly payments, 1991-2026 (``data/payments.csv``), each with its source."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from sma_model.errors import DataError
from sma_model.model.terms import Money
from sma_model.record._reading import number, path_of, read_csv
from sma_model.record.macro import macro_series
from sma_model.units import check_currency, to_krw, to_usd

__all__ = ["payment_series", "payments", "published_payment"]


@functools.cache
def _payments() -> pd.DataFrame:
    name = "payments.csv"
    columns = ["year", "agreement", "payment_krw_bn", "payment_usd_m", "source", "note"]
    rows = read_csv(name, columns)
    path = path_of(name)
    seen: set[int] = set()
    out = []
    for line, row in enumerate(rows, start=2):
        try:
            year = int(row["year"])
        except ValueError:
            raise DataError(f"{path}, line {line}: year={row['year']!r} is not a year") from None
        if year in seen:
            raise DataError(f"{path}, line {line}: year {year} appears twice")
        seen.add(year)
        krw = row["payment_krw_bn"].strip()
        usd = row["payment_usd_m"].strip()
        if (krw or usd) and not row["source"].strip():
            raise DataError(f"{path}, line {line}: year {year} has an amount but no source")
        if not (krw or usd) and not row["note"].strip():
            raise DataError(f"{path}, line {line}: year {year} has no amount and no note saying why")
        out.append(
            {
                "year": year,
                "agreement": row["agreement"],
                "payment_krw": number(krw, path, line, "payment_krw_bn") * 1e9 if krw else np.nan,
                "payment_usd": number(usd, path, line, "payment_usd_m") * 1e6 if usd else np.nan,
                "currency": "USD" if usd and not krw else "KRW",
                "source": row["source"],
                "note": row["note"],
            }
        )
    frame = pd.DataFrame(out).sort_values("year", ignore_index=True)
    if list(frame["year"]) != list(range(frame["year"].min(), frame["year"].max() + 1)):
        raise DataError(f"{path}: years must run without a gap")
    return frame


def payments() -> pd.DataFrame:
    """Published yearly SMA payments, 1991-2026.

    Returns
    -------
    pandas.DataFrame
        ``year``; ``agreement``; ``payment_krw`` [KRW] and ``payment_usd`` [USD], each
        as published (NaN where that currency was not the one published); ``currency``
        (the currency of the published figure); ``source``; ``note``. Amounts were set
        in dollars until 2004 and in won from 2005.

    References
    ----------
    Ministry of National Defense, 2018 Defense White Paper, chart 5-1 (1991-2018);
    Ministry of Foreign Affairs and the press for later years (see ``source``).
    """
    return _payments().copy()


def payment_series(currency: str) -> pd.Series:
    """Published payments in one currency, indexed by year [KRW or USD].

    A year published in the other currency is converted at that year's average USD/KRW
    from the macro record; years without a published amount or an exchange rate are
    left out.
    """
    code = check_currency(currency)
    frame = _payments().set_index("year")
    fx = macro_series("usd_krw").reindex(frame.index).to_numpy()
    published_usd = (frame["currency"] == "USD").to_numpy()
    amount = np.where(published_usd, frame["payment_usd"], frame["payment_krw"])
    convert = to_krw if code == "KRW" else to_usd
    values = pd.Series(convert(amount, published_usd, fx), index=frame.index)
    return values.dropna().rename(f"payment_{code.lower()}")


def published_payment(year: int) -> Money | None:
    """The published payment of ``year`` in its published currency, or None."""
    frame = _payments()
    row = frame.loc[frame["year"] == year]
    if row.empty:
        return None
    row = row.iloc[0]
    column = "payment_usd" if row["currency"] == "USD" else "payment_krw"
    if np.isnan(row[column]):
        return None
    return Money(amount=float(row[column]), currency=row["currency"])
