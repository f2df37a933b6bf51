"""The agreements in the record: every SMA from the 1st (1991) to the 12th (2026-2030).

Source: ``data/agreements.yaml`` (each agreement's ``source``: MND Defense White Paper
2018, MOFA, the press).
"""

from __future__ import annotations

import datetime
import functools
from typing import Any

import pandas as pd
from pydantic import Field, ValidationError, model_validator

from sma_model._files import load_yaml
from sma_model.errors import DataError, YAMLInputError
from sma_model.model.terms import Agreement, Base, Escalation, Money, TermsModel, describe_rule
from sma_model.record._reading import path_of, read_text
from sma_model.series import PAYMENT_RANGES, RECORD_YEARS
from sma_model.units import BILLION, MILLION

__all__ = ["AgreementRecord", "agreement", "agreement_records", "agreements"]

#: The record's date fields; YAML reads ``2021-09-01`` as a date, kept here as ISO text.
_DATES = ("signed", "ratified", "in_force")


class AgreementRecord(TermsModel):
    """One SMA as the record holds it: terms if modelled, else the reason it is not."""

    ordinal: int = Field(ge=1, le=99)
    """1 for the 1st SMA, and so on."""
    name: str
    """e.g. ``"11th SMA"``."""
    start_year: int = Field(ge=RECORD_YEARS[0], le=RECORD_YEARS[1])
    """First year covered."""
    term_years: int = Field(ge=1, le=50)
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
    in_force: str | None = None
    """Date the agreement entered into force (ISO), where sourced; it may be later than
    ``start_year`` begins (the 11th SMA, covering 2020, entered into force 2021-09-01)."""
    rule_source: str | None = Field(default=None, min_length=3)
    """Where the escalation rule was read (required when the rule is modelled)."""
    note: str | None = None
    """Free text."""
    source: str = Field(min_length=3)
    """Where the terms were read."""

    @model_validator(mode="before")
    @classmethod
    def _dates_as_text(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = {
                k: (v.isoformat() if k in _DATES and hasattr(v, "isoformat") else v) for k, v in data.items()
            }
        return data

    @model_validator(mode="after")
    def _dates_in_order(self) -> AgreementRecord:
        dates = []
        for name in _DATES:
            text = getattr(self, name)
            if text is None:
                continue
            try:
                dates.append((name, datetime.date.fromisoformat(text)))
            except ValueError:
                raise ValueError(f"{self.name}: {name}={text!r} is not an ISO date (YYYY-MM-DD)") from None
        for (first, before), (then, after) in zip(dates, dates[1:]):
            if after < before:
                raise ValueError(f"{self.name}: {then} ({after}) is before {first} ({before})")
        return self

    @model_validator(mode="after")
    def _modelled_has_rule(self) -> AgreementRecord:
        if isinstance(self.base, Money):
            column, scale = (
                ("payment_krw_bn", BILLION) if self.base.currency == "KRW" else ("payment_usd_m", MILLION)
            )
            low, high = PAYMENT_RANGES[column]
            if not low * scale <= self.base.amount <= high * scale:
                raise ValueError(
                    f"{self.name}: base {self.base.amount:g} {self.base.currency} is outside the plausible "
                    f"range {low * scale:g} to {high * scale:g} (data/datapackage.json, payments.csv)"
                )
        if self.modelled:
            if self.escalation is None:
                raise ValueError(f"{self.name}: modelled but has no escalation rule")
            if not self.rule_source:
                raise ValueError(
                    f"{self.name}: modelled, so rule_source (where the rule was read) is required"
                )
            self.agreement()  # the same validation a user's Agreement gets
        elif not self.not_modelled_reason:
            raise ValueError(f"{self.name}: not modelled, so not_modelled_reason is required")
        return self

    @property
    def end_year(self) -> int:
        """Last year covered."""
        return self.start_year + self.term_years - 1

    def agreement(self) -> Agreement:
        """These terms as an :class:`~sma_model.model.terms.Agreement`.

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


@functools.cache
def agreement_records() -> tuple[AgreementRecord, ...]:
    """Every SMA in the record, 1st to 12th, validated.

    Source: ``data/agreements.yaml`` (MND Defense White Paper 2018, MOFA, press; see
    each record's ``source``).
    """
    path = path_of("agreements.yaml")
    try:
        raw = load_yaml(read_text("agreements.yaml"))
    except YAMLInputError as exc:
        raise DataError(f"{path}: {exc}") from exc
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
    """The agreements as a table: one row per SMA.

    Columns: ``ordinal``, ``agreement``, ``start_year``, ``end_year``, ``base`` and
    ``rule`` (in words), ``modelled``, ``not_modelled_reason``, ``signed`` and ``in_force``
    (ISO dates, empty where not sourced), ``rule_source`` (where the rule was read) and
    ``source`` (where the terms and amounts were read).
    """
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
                "signed": r.signed or "",
                "in_force": r.in_force or "",
                "rule_source": r.rule_source or "",
                "source": r.source,
            }
        )
    return pd.DataFrame(rows)
