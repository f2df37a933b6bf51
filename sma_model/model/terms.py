"""The terms of a Special Measures Agreement: money, escalation rules, agreements.

Every model here is a frozen pydantic model that forbids unknown fields, so a typo in
a scenario file is an error rather than a silently ignored key. Rules form a
discriminated union on ``kind`` and serialise to plain dictionaries.

Rates are fractions per year (``0.139`` is +13.9 %). Amounts are in whole units of
their currency (won or dollars, not billions).
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from sma_model.units import short_money

__all__ = [
    "Agreement",
    "Currency",
    "EscalationRule",
    "Fixed",
    "Frozen",
    "Indexed",
    "Money",
    "PhaseIn",
    "Rise",
    "RollOver",
    "Schedule",
    "describe_rule",
]

#: First and last calendar year any term may name.
MIN_YEAR = 1991
MAX_YEAR = 2200
#: Bounds on a yearly rate: a fall of at most 99 % and a rise of at most 1,000 %.
MIN_RATE = -0.99
MAX_RATE = 10.0

Currency = Literal["KRW", "USD"]
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
Rate = Annotated[float, Field(ge=MIN_RATE, le=MAX_RATE, allow_inf_nan=False)]


class TermsModel(BaseModel):
    """Base of every sma_model configuration model: frozen, strict about fields."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        validate_default=True,
    )


class Money(TermsModel):
    """An amount of money in one currency.

    Examples
    --------
    >>> Money(amount=1_519.2e9, currency="KRW")  # the 12th SMA's 2026 payment
    Money(amount=1519200000000.0, currency='KRW')
    """

    amount: float = Field(gt=0, lt=1e16, allow_inf_nan=False)
    """Amount in whole units of ``currency`` [KRW or USD], greater than zero."""
    currency: Currency
    """ISO 4217 code: ``"KRW"`` or ``"USD"``."""


class Rise(TermsModel):
    """A first-year payment set as a rise over the previous year's payment.

    The 12th SMA's 2026 payment was the 2025 payment plus 8.3 %: ``Rise(rate=0.083)``.
    """

    kind: Literal["rise"] = "rise"
    rate: Rate
    """Rise over the previous year's payment [fraction, -0.99 to 10]."""


class Fixed(TermsModel):
    """Each year's payment is the previous year's times ``1 + rate``."""

    kind: Literal["fixed"] = "fixed"
    rate: Rate
    """Yearly growth [fraction, -0.99 to 10]; ``0.139`` is +13.9 %."""


class Indexed(TermsModel):
    """Growth tied to an ROK index, with an optional lag, spread, cap and floor.

    Year *t*'s growth is ``clip(index[t - lag] + spread, floor, cap)``. The 8th, 9th
    and 12th SMA use ``Indexed(index="cpi", lag=2, cap=...)``; the 11th SMA's later
    years ``Indexed(index="defense_budget", lag=1)`` (DOMAIN.md, MOFA).
    """

    kind: Literal["indexed"] = "indexed"
    index: Literal["cpi", "defense_budget"]
    """``"cpi"`` (ROK consumer price inflation) or ``"defense_budget"`` (ROK defense-budget growth)."""
    lag: int = Field(default=0, ge=0, le=2)
    """Years between the index year and the payment year [0, 1 or 2]."""
    cap: Rate | None = None
    """Highest growth allowed [fraction], or ``None`` for no cap."""
    floor: Rate | None = None
    """Lowest growth allowed [fraction], or ``None`` for no floor."""
    spread: float = Field(default=0.0, ge=-1.0, le=1.0, allow_inf_nan=False)
    """Added to the index before capping [fraction, -1 to 1]."""

    @model_validator(mode="after")
    def _cap_not_below_floor(self) -> Indexed:
        if self.cap is not None and self.floor is not None and self.cap < self.floor:
            raise ValueError(
                f"cap ({self.cap}) is below floor ({self.floor}); the cap must be at least the floor"
            )
        return self


class Schedule(TermsModel):
    """Growth rates given year by year: ``Schedule(rates={2027: 0.05, 2028: 0.04})``."""

    kind: Literal["schedule"] = "schedule"
    rates: dict[Year, Rate] = Field(min_length=1)
    """Growth by calendar year [fraction]; every year the rule governs needs a rate."""


class Frozen(TermsModel):
    """The payment stays at the previous year's level (as in 2020, between the 10th and 11th SMA)."""

    kind: Literal["frozen"] = "frozen"


class PhaseIn(TermsModel):
    """Move from the previous year's payment to ``target`` by ``by_year``, then hold it.

    ``shape="geometric"`` grows by a constant rate, ``"linear"`` by equal steps. A
    target in another currency than the payments is converted at ``by_year``'s
    exchange rate.
    """

    kind: Literal["phase_in"] = "phase_in"
    target: Money
    """The amount reached in ``by_year`` and held after it."""
    by_year: Year
    """The year the target is reached."""
    shape: Literal["geometric", "linear"] = "geometric"
    """Constant growth rate (``"geometric"``) or equal yearly increments (``"linear"``)."""


class RollOver(TermsModel):
    """After expiry, the last agreement's last rule stays in force."""

    kind: Literal["roll_over"] = "roll_over"


EscalationRule = Annotated[
    Union[Fixed, Indexed, Schedule, Frozen, PhaseIn],
    Field(discriminator="kind"),
]
"""Any rule an agreement can escalate by."""


def _rule_or_by_year(value: object) -> str:
    # a mapping with a `kind` is one rule; any other mapping is {first year: rule}
    if isinstance(value, dict) and "kind" not in value:
        return "by_year"
    return "rule"


def _money_or_rise(value: object) -> str:
    if isinstance(value, Rise) or (isinstance(value, dict) and "kind" in value):
        return "rise"
    return "money"


Escalation = Annotated[
    Union[
        Annotated[EscalationRule, Tag("rule")],
        Annotated[dict[Year, EscalationRule], Tag("by_year")],
    ],
    Discriminator(_rule_or_by_year),
]
"""One rule, or ``{first year: rule}``."""

Base = Annotated[
    Union[Annotated[Money, Tag("money")], Annotated[Rise, Tag("rise")]],
    Discriminator(_money_or_rise),
]
"""An absolute first-year amount or a rise over the previous year's payment."""


class Agreement(TermsModel):
    """One Special Measures Agreement: its years, first-year payment and escalation.

    Parameters
    ----------
    name
        A label, e.g. ``"12th SMA"``.
    start_year
        First calendar year the agreement covers.
    term_years
        Number of years covered (at least 1).
    base
        The first-year payment: a :class:`Money` amount, a :class:`Rise` over the
        previous year's payment, or ``None`` to let ``escalation`` govern the first
        year too (it then starts from the previous year's payment).
    escalation
        One rule for every later year, or ``{first_year: rule}`` for rules that take
        over from given years. The 11th SMA: ``{2021: Fixed(rate=0.139),
        2022: Indexed(index="defense_budget", lag=1)}``.
    currency
        Currency the payments are set in. Defaults to the base's currency, else a
        phase-in target's, else the previous agreement's.
    """

    name: str = Field(min_length=1, max_length=200)
    """A label for tables and plots."""
    start_year: Year
    """First calendar year covered."""
    term_years: int = Field(ge=1, le=50)
    """Years covered [1 to 50]."""
    base: Base | None
    """The first-year payment, a rise over the previous payment, or None (the rule applies)."""
    escalation: Escalation
    """One rule, or ``{first year: rule}``."""
    currency: Currency | None = None
    """Currency of the payments; inferred when omitted."""

    @property
    def end_year(self) -> int:
        """Last calendar year covered."""
        return self.start_year + self.term_years - 1

    @property
    def years(self) -> range:
        """The calendar years covered."""
        return range(self.start_year, self.end_year + 1)

    @field_validator("base", mode="before")
    @classmethod
    def _reject_bare_numbers(cls, value: object) -> object:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise ValueError(
                "base must be Money(amount=..., currency='KRW'|'USD'), Rise(rate=...) or None, "
                f"not the bare number {value!r}"
            )
        return value

    @model_validator(mode="after")
    def _check_consistency(self) -> Agreement:
        if self.end_year > MAX_YEAR:
            raise ValueError(f"the agreement ends in {self.end_year}, after {MAX_YEAR}")
        if isinstance(self.base, Money) and self.currency and self.currency != self.base.currency:
            raise ValueError(
                f"currency {self.currency!r} differs from the base's currency {self.base.currency!r}"
            )
        first_ruled = self.start_year if self.base is None else self.start_year + 1
        if isinstance(self.escalation, dict):
            if not self.escalation:
                raise ValueError("escalation: give one rule or a non-empty {first year: rule}")
            years = sorted(self.escalation)
            if years[0] != first_ruled:
                raise ValueError(
                    f"escalation: the first rule must start in {first_ruled} "
                    + (
                        "(the first year, since base is None)"
                        if self.base is None
                        else "(the year after the base year)"
                    )
                    + f", not {years[0]}"
                )
            if years[-1] > self.end_year:
                raise ValueError(
                    f"escalation: a rule starts in {years[-1]}, after the agreement ends in {self.end_year}"
                )
        for first, last, rule in self.rule_spans():
            _check_rule_span(rule, first, last)
        return self

    def rule_spans(self) -> list[tuple[int, int, EscalationRule]]:
        """Each rule with the first and last year it governs.

        Returns
        -------
        list of (first_year, last_year, rule)
            Empty for a one-year agreement with a fixed base.
        """
        first_ruled = self.start_year if self.base is None else self.start_year + 1
        if first_ruled > self.end_year:
            return []
        if not isinstance(self.escalation, dict):
            return [(first_ruled, self.end_year, self.escalation)]
        starts = sorted(self.escalation)
        ends = [s - 1 for s in starts[1:]] + [self.end_year]
        return [(s, e, self.escalation[s]) for s, e in zip(starts, ends)]

    def last_rule(self) -> EscalationRule:
        """The rule in force in the agreement's last year (what a roll-over keeps)."""
        if isinstance(self.escalation, dict):
            return self.escalation[max(self.escalation)]
        return self.escalation


def _check_rule_span(rule: EscalationRule, first: int, last: int) -> None:
    """Raise ``ValueError`` when ``rule`` cannot govern the years ``first``..``last``."""
    if isinstance(rule, Schedule):
        missing = [y for y in range(first, last + 1) if y not in rule.rates]
        if missing:
            raise ValueError(
                f"Schedule has no rate for {_years_text(missing)}; it governs {first}-{last} "
                "and needs a rate for each of those years"
            )
    if isinstance(rule, PhaseIn) and not first <= rule.by_year:
        raise ValueError(f"PhaseIn.by_year ({rule.by_year}) is before the first year it governs ({first})")


def _years_text(years: list[int]) -> str:
    shown = ", ".join(str(y) for y in years[:5])
    return shown + (f" and {len(years) - 5} more" if len(years) > 5 else "")


def describe_rule(rule: EscalationRule | RollOver | Rise | Money | None) -> str:
    """A short human description of a rule, for tables: ``"CPI (t-2), cap 5%"``."""
    if rule is None:
        return "first rule"
    if isinstance(rule, Money):
        return f"base {short_money(rule.amount, rule.currency)}"
    if isinstance(rule, Rise):
        return f"rise {rule.rate:+.1%}"
    if isinstance(rule, Fixed):
        return f"fixed {rule.rate:+.1%}"
    if isinstance(rule, Frozen):
        return "frozen"
    if isinstance(rule, RollOver):
        return "roll over"
    if isinstance(rule, Schedule):
        return "schedule"
    if isinstance(rule, PhaseIn):
        target = short_money(rule.target.amount, rule.target.currency)
        return f"phase-in to {target} by {rule.by_year} ({rule.shape})"
    if isinstance(rule, Indexed):
        name = "CPI" if rule.index == "cpi" else "defense budget"
        text = name + (f" (t-{rule.lag})" if rule.lag else " (t)")
        if rule.spread:
            text += f" {rule.spread:+.1%}"
        if rule.cap is not None:
            text += f", cap {rule.cap:.1%}"
        if rule.floor is not None:
            text += f", floor {rule.floor:.1%}"
        return text
    raise TypeError(f"not a rule: {rule!r}")


def is_finite_number(value: object) -> bool:
    """True for an int or float that is neither NaN nor infinite (bools excluded)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(float(value))
