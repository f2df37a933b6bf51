"""A scenario: a host, successive agreements, what happens after they expire, assumptions, horizon."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from pydantic import Field, field_validator, model_validator

from sma_model.errors import ScenarioError
from sma_model.model import parameters
from sma_model.model.assumptions import Assumptions
from sma_model.model.terms import (
    Agreement,
    Currency,
    EscalationRule,
    Money,
    PhaseIn,
    Rise,
    RollOver,
    RuleOrRollOver,
    Schedule,
    TermsModel,
    Year,
    describe_rule,
)
from sma_model.series import HOST_CURRENCIES, check_text
from sma_model.units import either

__all__ = ["AfterExpiry", "Scenario", "YearTerm"]

AfterExpiry = RuleOrRollOver
"""What governs the years no agreement covers: roll over the last rule, freeze, or a rule."""

#: The longest projection allowed, in years from the first agreement.
MAX_SPAN_YEARS = 150


@dataclass(frozen=True)
class YearTerm:
    """What sets one year's payment: the engine compiles a list of these per scenario.

    ``step`` is a :class:`Money` (an absolute base), a :class:`Rise`, or an escalation
    rule; ``first_ruled`` is the first year of the rule's span (a phase-in counts its
    steps from there). ``origin`` is where ``step`` sits in the scenario, as path
    parts: ``("agreements", 1, "base")``, ``("agreements", 1, "escalation")``,
    ``("agreements", 1, "escalation", 2022)`` for a rule that takes over in 2022, or
    ``("after_expiry",)``; a rolled-over rule keeps its agreement's origin. Sweeps use
    it to know which years a parameter governs.
    """

    year: int
    agreement: str
    step: Money | Rise | EscalationRule
    currency: Currency
    first_ruled: int
    origin: tuple[str | int, ...] = ()


class Scenario(TermsModel):
    """Successive agreements plus what follows them, under macro assumptions.

    Parameters
    ----------
    name
        A label for tables and plots.
    host
        The country paying: ``"korea"`` (the default), ``"japan"``, or any host that
        ``data/hosts/<host>/host.json`` declares projected (:data:`~sma_model.series.HOST_CURRENCIES`).
        Its currency is the one amounts may be in besides dollars (KRW, JPY), its record fills
        the assumptions, and ``usd_krw`` means its currency per dollar.
    agreements
        Agreements in order of ``start_year``, not overlapping. Years between them, and
        after the last one up to ``horizon``, follow ``after_expiry``.
    after_expiry
        :class:`RollOver` (the last rule stays in force; the default), :class:`Frozen`
        (the payment stays at its last level, as in 2020), or any escalation rule.
    assumptions
        Macro assumptions; the historical record fills the years it knows.
    horizon
        The last year projected; defaults to the last agreement's last year.
    """

    name: str = Field(min_length=1, max_length=200)
    """A label for tables and plots."""
    host: str = Field(
        default="korea",
        exclude_if=lambda host: host == "korea",
        json_schema_extra={"enum": list(HOST_CURRENCIES)},
    )
    """The host country (left out of dumps when it is Korea, so Korea's files stay as they were)."""
    agreements: list[Agreement] = Field(min_length=1)
    """Agreements in order of start year."""
    after_expiry: AfterExpiry = RollOver()
    """What governs years no agreement covers."""
    assumptions: Assumptions = Assumptions()
    """Macro assumptions."""
    horizon: Year | None = None
    """Last year projected [calendar year]."""

    @property
    def currency(self) -> str:
        """The host's own currency: ``"KRW"`` for Korea, ``"JPY"`` for Japan."""
        return HOST_CURRENCIES[self.host]

    @property
    def start_year(self) -> int:
        """First year projected."""
        return self.agreements[0].start_year

    @property
    def end_year(self) -> int:
        """Last year projected (``horizon``, or the last agreement's end)."""
        return self.horizon if self.horizon is not None else self.agreements[-1].end_year

    @field_validator("name")
    @classmethod
    def _printable_name(cls, name: str) -> str:
        return check_text(name, "name")

    @field_validator("host", mode="before")
    @classmethod
    def _known_host(cls, host: object) -> str:
        key = host.strip().lower() if isinstance(host, str) else host
        if key not in HOST_CURRENCIES:
            raise ValueError(
                f"host: {host!r} is not a host the model projects; choose {either(list(HOST_CURRENCIES))}"
            )
        return str(key)

    @model_validator(mode="after")
    def _check_host(self) -> Scenario:
        """Amounts in dollars or the host's currency, assumptions in its ranges, no troops of Korea's."""
        allowed = (self.currency, "USD")
        for where, code in self._currencies():
            if code not in allowed:
                raise ValueError(
                    f"{where} is in {code!r}, but a {self.host.title()} scenario's amounts are in "
                    f"{either(allowed)}; set host to the country that pays in {code!r} or change the currency"
                )
        self.assumptions.check_host(self.host)
        if self.host != "korea" and "troops" not in self.assumptions.model_fields_set:
            # the default, 28,500, is Korea's: another host has no troop number unless given
            object.__setattr__(self, "assumptions", self.assumptions.model_copy(update={"troops": None}))
        return self

    def _currencies(self) -> list[tuple[str, str]]:
        """``(where, code)`` of each currency the terms name: agreements, bases, phase-in targets."""
        out: list[tuple[str, str]] = []
        for i, agreement in enumerate(self.agreements):
            at = f"agreements[{i}] ({agreement.name!r})"
            if agreement.currency is not None:
                out.append((f"{at}.currency", agreement.currency))
            if isinstance(agreement.base, Money):
                out.append((f"{at}.base", agreement.base.currency))
            rules = (
                agreement.escalation
                if isinstance(agreement.escalation, dict)
                else {None: agreement.escalation}
            )
            for year, rule in rules.items():
                if isinstance(rule, PhaseIn):
                    out.append(
                        (f"{at}.escalation{'' if year is None else f'[{year}]'}.target", rule.target.currency)
                    )
        if isinstance(self.after_expiry, PhaseIn):
            out.append(("after_expiry.target", self.after_expiry.target.currency))
        return out

    @model_validator(mode="after")
    def _check_order_and_horizon(self) -> Scenario:
        for i, (before, after) in enumerate(zip(self.agreements, self.agreements[1:]), start=1):
            if after.start_year <= before.end_year:
                raise ValueError(
                    f"agreements[{i}] ({after.name!r}, from {after.start_year}) overlaps or precedes "
                    f"agreements[{i - 1}] ({before.name!r}, {before.start_year}-{before.end_year}); "
                    "agreements must be in order and must not overlap"
                )
        if self.horizon is not None:
            if self.horizon < self.start_year:
                raise ValueError(
                    f"horizon ({self.horizon}) is before the first agreement starts "
                    f"({self.start_year}); it must be {self.start_year} or later"
                )
            if self.horizon - self.start_year >= MAX_SPAN_YEARS:
                raise ValueError(
                    f"horizon ({self.horizon}) is {self.horizon - self.start_year} years after the "
                    f"first agreement; at most {MAX_SPAN_YEARS - 1} years are allowed"
                )
        for first, last in _runs(self._expiry_years()):
            rule = self.after_expiry
            if isinstance(rule, RollOver):
                rule = [a for a in self.agreements if a.end_year < first][-1].last_rule()
            if isinstance(rule, Schedule) or rule is self.after_expiry:
                try:
                    rule.check_span(first, last)
                except ValueError as exc:
                    where = "after_expiry" if rule is self.after_expiry else "after_expiry (rolled over)"
                    raise ValueError(
                        f"{where}, for the years {first}-{last} no agreement covers: {exc}"
                    ) from None
        return self

    def with_changes(self, changes: Mapping[str, Any], name: str | None = None) -> Scenario:
        """A variant of this scenario: a reform as a diff, validated by the models.

        Parameters
        ----------
        changes
            Parameter path → new value, e.g. ``{"assumptions.cpi": 0.025,
            "agreements[0].escalation.cap": 0.04}`` (paths as in :func:`sma_model.sweep`;
            any field may be set: a number, ``None``, a ``{year: value}`` series, a rule).
        name
            The variant's name; default this scenario's.

        Raises
        ------
        ParameterPathError
            A path that names no field; the message suggests the closest ones.
        pydantic.ValidationError
            A value the models refuse, located by its path.

        Examples
        --------
        >>> import sma_model as sma
        >>> base = sma.presets.get("status-quo")
        >>> cheaper = base.with_changes({"agreements[0].escalation.cap": 0.01}, name="cap 1%")
        >>> cheaper.agreements[0].escalation.cap, cheaper.name, base.agreements[0].escalation.cap
        (0.01, 'cap 1%', 0.05)
        """
        return parameters.with_changes(self, changes, name=name)

    def _expiry_years(self) -> list[int]:
        covered = {y for a in self.agreements for y in a.years}
        return [y for y in range(self.start_year, self.end_year + 1) if y not in covered]

    def timeline(self, anchor_currency: Currency | None = None) -> list[YearTerm]:
        """What sets each year's payment, from the first agreement to the horizon.

        Parameters
        ----------
        anchor_currency
            Currency of the payment before the first year (from the record), used when
            the first agreement's base is not an absolute amount.
        """
        by_year: dict[int, tuple[Agreement, int, EscalationRule | Money | Rise, tuple[str | int, ...]]] = {}
        for i, agreement in enumerate(self.agreements):
            if agreement.base is not None:
                origin: tuple[str | int, ...] = ("agreements", i, "base")
                by_year[agreement.start_year] = (agreement, agreement.start_year, agreement.base, origin)
            for first, last, rule in agreement.rule_spans():
                origin = _rule_origin(i, agreement, first)
                for year in range(first, last + 1):
                    by_year[year] = (agreement, first, rule, origin)
        terms: list[YearTerm] = []
        currency = anchor_currency
        last_agreement: Agreement | None = None
        last_index = 0
        expiry_first = 0
        for year in range(self.start_year, self.end_year + 1):
            if year in by_year:
                agreement, first, step, origin = by_year[year]
                if agreement is not last_agreement:
                    currency = _agreement_currency(agreement, currency, self.currency)
                    last_agreement = agreement
                    last_index = cast(int, origin[1])  # ("agreements", index, ...)
                # set with the agreement just above, or with the same agreement a year before
                terms.append(YearTerm(year, agreement.name, step, cast(Currency, currency), first, origin))
                continue
            assert last_agreement is not None  # the first year is always covered
            if not terms or terms[-1].agreement == last_agreement.name:
                expiry_first = year
            if isinstance(self.after_expiry, RollOver):
                rule = last_agreement.last_rule()
                label = f"after {last_agreement.name} (rolled over)"
                spans = last_agreement.rule_spans()
                # a rolled-over phase-in keeps counting its steps, then holds its target
                first = spans[-1][0] if spans else year
                origin = _rule_origin(last_index, last_agreement, first if spans else None)
            else:
                rule = self.after_expiry
                label = f"after {last_agreement.name} ({describe_rule(rule)})"
                first = expiry_first
                origin = ("after_expiry",)
            # set with the first agreement, which covers the first year
            terms.append(YearTerm(year, label, rule, cast(Currency, currency), first, origin))
        return terms


def _rule_origin(index: int, agreement: Agreement, first: int | None) -> tuple[str | int, ...]:
    """Path parts of the rule of ``agreement`` (at ``index``) that governs from ``first``."""
    if isinstance(agreement.escalation, dict):
        key = max(agreement.escalation) if first is None else first
        return ("agreements", index, "escalation", key)
    return ("agreements", index, "escalation")


def _agreement_currency(agreement: Agreement, previous: Currency | None, local: str = "KRW") -> Currency:
    if agreement.currency is not None:
        return agreement.currency
    if isinstance(agreement.base, Money):
        return agreement.base.currency
    # every rule of the terms counts, also one that governs no year (a one-year deal whose
    # base sets its only year): the currency is a property of the terms, as documented
    rules = (
        agreement.escalation.values() if isinstance(agreement.escalation, dict) else [agreement.escalation]
    )
    for rule in rules:
        if isinstance(rule, PhaseIn):
            return rule.target.currency
    if previous is None:
        raise ScenarioError(f"{agreement.name}: cannot tell the currency; give currency='{local}' or 'USD'")
    return previous


def _runs(years: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs in sorted years: ``[2020, 2021, 2031]`` → ``[(2020, 2021), (2031, 2031)]``."""
    runs: list[tuple[int, int]] = []
    for year in years:
        if runs and runs[-1][1] == year - 1:
            runs[-1] = (runs[-1][0], year)
        else:
            runs.append((year, year))
    return runs
