"""The historical record shipped in ``data/``: agreements, yearly payments, macro series.

Every row of every file carries a ``source``. The files are validated when loaded
(types, unique years, sources present), so a broken file is a
:class:`~sma_model.errors.DataError` naming the file and the row, never a bad number.

The folder is ``data/`` at the top of a source checkout and ``sma_model/data`` inside
an installed wheel; :func:`data_dir` finds either.
"""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from pydantic import Field, ValidationError, model_validator

from sma_model.errors import DataError
from sma_model.io import load_yaml
from sma_model.terms import Agreement, Base, Escalation, Money, TermsModel

__all__ = [
    "AgreementRecord",
    "agreement",
    "agreement_records",
    "agreements",
    "data_dir",
    "macro",
    "macro_series",
    "payment_series",
    "payments",
    "published_payment",
]

MACRO_UNITS = {"percent": 0.01, "KRW trillion": 1e12, "KRW per USD": 1.0}
MACRO_SERIES = {
    "rok_cpi_inflation": "percent",
    "rok_defense_budget": "KRW trillion",
    "rok_defense_budget_growth": "percent",
    "rok_share_of_npsc": "percent",
    "usd_krw": "KRW per USD",
    "us_cpi_inflation": "percent",
}


def data_dir() -> Path:
    """The folder holding ``agreements.yaml``, ``payments.csv`` and ``macro.csv``.

    Inside an installed wheel this is ``sma_model/data``; in a source checkout
    (editable install) it is ``data/`` at the top of the repository.
    """
    packaged = Path(str(resources.files("sma_model"))) / "data"
    if (packaged / "payments.csv").is_file():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "data"
    if (checkout / "payments.csv").is_file():
        return checkout
    raise DataError(f"the historical record is missing: looked in {packaged} and {checkout}")


class AgreementRecord(TermsModel):
    """One SMA as the record holds it: terms if modelled, else the reason it is not."""

    ordinal: int = Field(ge=1, le=99)
    """1 for the 1st SMA, and so on."""
    name: str
    """e.g. ``"11th SMA"``."""
    start_year: int
    """First year covered."""
    term_years: int = Field(ge=1)
    """Years covered."""
    base: Base
    """The first-year payment as agreed."""
    escalation: Escalation | None = None
    """The rule, when it is known and modelled."""
    modelled: bool
    """Whether the rule is modelled (and the agreement backtested)."""
    not_modelled_reason: str | None = None
    """Why the rule is not modelled."""
    signed: str | None = None
    """Date signed (ISO), where sourced."""
    ratified: str | None = None
    """Date ratified by the National Assembly (ISO), where sourced."""
    note: str | None = None
    """Free text."""
    source: str = Field(min_length=3)
    """Where the terms were read."""

    @model_validator(mode="before")
    @classmethod
    def _dates_as_text(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = {
                k: (v.isoformat() if k in ("signed", "ratified") and hasattr(v, "isoformat") else v)
                for k, v in data.items()
            }
        return data

    @model_validator(mode="after")
    def _modelled_has_rule(self) -> AgreementRecord:
        if self.modelled:
            if self.escalation is None:
                raise ValueError(f"{self.name}: modelled but has no escalation rule")
            self.agreement()  # the same validation a user's Agreement gets
        elif not self.not_modelled_reason:
            raise ValueError(f"{self.name}: not modelled, so not_modelled_reason is required")
        return self

    @property
    def end_year(self) -> int:
        """Last year covered."""
        return self.start_year + self.term_years - 1

    def agreement(self) -> Agreement:
        """These terms as an :class:`~sma_model.terms.Agreement`.

        Raises
        ------
        DataError
            If the agreement is not modelled.
        """
        if self.escalation is None:
            raise DataError(f"the {self.name} is not modelled: {self.not_modelled_reason}")
        return Agreement(
            name=self.name,
            start_year=self.start_year,
            term_years=self.term_years,
            base=self.base,
            escalation=self.escalation,
        )


def _read_text(name: str) -> str:
    path = data_dir() / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc}") from exc


@functools.cache
def agreement_records() -> tuple[AgreementRecord, ...]:
    """Every SMA in the record, 1st to 12th, validated.

    Source: ``data/agreements.yaml`` (MND Defense White Paper 2018, MOFA, press; see
    each record's ``source``).
    """
    path = data_dir() / "agreements.yaml"
    try:
        raw = load_yaml(_read_text("agreements.yaml"))
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, list):
        raise DataError(f"{path}: expected a list of agreements, got {type(raw).__name__}")
    records = []
    for i, item in enumerate(raw):
        try:
            records.append(AgreementRecord.model_validate(item))
        except ValidationError as exc:
            raise DataError(f"{path}: entry {i + 1}: {exc}") from exc
    ordinals = [r.ordinal for r in records]
    if ordinals != sorted(set(ordinals)):
        raise DataError(f"{path}: ordinals must be unique and in order, got {ordinals}")
    for before, after in zip(records, records[1:]):
        if after.start_year <= before.end_year:
            raise DataError(f"{path}: the {after.name} starts before the {before.name} ends")
    return tuple(records)


def agreement(name: str | int) -> Agreement:
    """The modelled terms of one SMA, by name (``"11th SMA"``) or ordinal (``11``).

    Raises
    ------
    DataError
        If there is no such agreement or it is not modelled.
    """
    for record in agreement_records():
        if name in (record.ordinal, record.name):
            return record.agreement()
    known = ", ".join(r.name for r in agreement_records())
    raise DataError(f"no agreement {name!r} in the record; known: {known}")


def agreements() -> pd.DataFrame:
    """The agreements as a table: one row per SMA with its years, base, rule and source."""
    from sma_model.terms import describe_rule

    rows = []
    for r in agreement_records():
        if r.escalation is None:
            rule = "not modelled"
        elif isinstance(r.escalation, dict):
            rule = "; ".join(f"from {y}: {describe_rule(x)}" for y, x in sorted(r.escalation.items()))
        else:
            rule = describe_rule(r.escalation)
        rows.append(
            {
                "ordinal": r.ordinal,
                "agreement": r.name,
                "start_year": r.start_year,
                "end_year": r.end_year,
                "base": describe_rule(r.base),
                "rule": rule,
                "modelled": r.modelled,
                "not_modelled_reason": r.not_modelled_reason or "",
                "source": r.source,
            }
        )
    return pd.DataFrame(rows)


def _read_csv(name: str, columns: list[str]) -> list[dict[str, str]]:
    path = data_dir() / name
    reader = csv.DictReader(io.StringIO(_read_text(name)))
    if reader.fieldnames != columns:
        raise DataError(f"{path}: columns must be {columns}, got {reader.fieldnames}")
    rows = list(reader)
    for line, row in enumerate(rows, start=2):
        if None in row or any(v is None for v in row.values()):
            raise DataError(f"{path}, line {line}: wrong number of fields")
    return rows


def _number(text: str, path: str, line: int, column: str, positive: bool = True) -> float:
    try:
        value = float(text)
    except ValueError:
        raise DataError(f"{path}, line {line}: {column}={text!r} is not a number") from None
    if not np.isfinite(value) or (positive and value <= 0):
        kind = "finite positive" if positive else "finite"
        raise DataError(f"{path}, line {line}: {column}={text!r} must be a {kind} number")
    return value


@functools.cache
def _payments() -> pd.DataFrame:
    name = "payments.csv"
    columns = ["year", "agreement", "payment_krw_bn", "payment_usd_m", "source", "note"]
    rows = _read_csv(name, columns)
    path = str(data_dir() / name)
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
                "payment_krw": _number(krw, path, line, "payment_krw_bn") * 1e9 if krw else np.nan,
                "payment_usd": _number(usd, path, line, "payment_usd_m") * 1e6 if usd else np.nan,
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
    code = currency.upper()
    if code not in ("KRW", "USD"):
        raise ValueError(f"currency must be 'KRW' or 'USD', not {currency!r}")
    frame = _payments().set_index("year")
    fx = _macro_series("usd_krw").reindex(frame.index)
    if code == "KRW":
        values = frame["payment_krw"].fillna(frame["payment_usd"] * fx)
    else:
        values = frame["payment_usd"].fillna(frame["payment_krw"] / fx)
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


@functools.cache
def _macro() -> pd.DataFrame:
    name = "macro.csv"
    rows = _read_csv(name, ["series", "year", "value", "unit", "source", "note"])
    path = str(data_dir() / name)
    seen: set[tuple[str, int]] = set()
    out = []
    for line, row in enumerate(rows, start=2):
        series, unit = row["series"], row["unit"]
        if series not in MACRO_SERIES:
            raise DataError(f"{path}, line {line}: unknown series {series!r}; known: {sorted(MACRO_SERIES)}")
        if unit != MACRO_SERIES[series]:
            raise DataError(
                f"{path}, line {line}: {series} must be in {MACRO_SERIES[series]!r}, not {unit!r}"
            )
        try:
            year = int(row["year"])
        except ValueError:
            raise DataError(f"{path}, line {line}: year={row['year']!r} is not a year") from None
        if (series, year) in seen:
            raise DataError(f"{path}, line {line}: {series} {year} appears twice")
        seen.add((series, year))
        if not row["source"].strip():
            raise DataError(f"{path}, line {line}: {series} {year} has no source")
        # inflation can be negative (US CPI 2009); levels and rates of exchange cannot
        value = _number(row["value"], path, line, "value", positive=unit != "percent")
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
    Defense), ``rok_share_of_npsc`` [percent] (MND's official estimate of Korea's share of
    US non-personnel stationing costs, 2013 and 2018), ``usd_krw`` [KRW per USD, annual
    average] (Bank of Korea),
    ``us_cpi_inflation`` [percent] (US Bureau of Labor Statistics, CPI-U). Values are as
    published; :func:`macro_series` converts them to model units.
    """
    return _macro().copy()


@functools.cache
def _macro_series(series: str) -> pd.Series:
    if series not in MACRO_SERIES:
        raise DataError(f"unknown macro series {series!r}; known: {sorted(MACRO_SERIES)}")
    frame = _macro()
    rows = frame.loc[frame["series"] == series]
    values = rows["value"].to_numpy() * MACRO_UNITS[MACRO_SERIES[series]]
    return pd.Series(values, index=rows["year"].to_numpy(), name=series)


def macro_series(series: str) -> pd.Series:
    """One macro series in model units, indexed by year.

    Percent becomes a fraction (``2.1`` → ``0.021``) and KRW trillion becomes KRW.
    """
    return _macro_series(series).copy()
