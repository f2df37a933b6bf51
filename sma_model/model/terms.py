"""The terms of a Special Measures Agreement: money, escalation rules, agreements.

Every model here is a frozen pydantic model that forbids unknown fields, so a typo in
a scenario file is an error rather than a silently ignored key. Rules form a
discriminated union on ``kind`` and serialise to plain dictionaries; the union is the
rules registered with :func:`~sma_model.model.registry.register_rule` (the five below,
and any a user adds: see CONTRIBUTING.md).

Rates are fractions per year (``0.139`` is +13.9 %). Amounts are in whole units of
their currency (won, yen or dollars, not billions). The field types and their ranges
(:data:`~sma_model.model.registry.Growth`, ...) are in :mod:`sma_model.model.registry`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import BeforeValidator, Discriminator, Field, Tag, field_validator, model_validator
from pydantic_core import PydanticCustomError

from sma_model.model.registry import (
    MAX_YEAR,
    MIN_YEAR,
    NO_BOOL,
    Amount,
    EscalationRule,
    Growth,
    Rate,
    RollOver,
    Rule,
    RuleOrRollOver,
    Spread,
    TermsModel,
    Year,
    describe_rule,
    register_rule,
)
from sma_model.series import HOST_CURRENCIES, check_text, unique_year_keys
from sma_model.units import CURRENCIES, short_money

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
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
    "Rule",
    "RuleOrRollOver",
    "Schedule",
    "TermsModel",
    "describe_rule",
    "register_rule",
]


def _known_currency(value: object) -> object:  # USD or a host's currency; else name each host's
    if value != "USD" and value not in HOST_CURRENCIES.values():
        each = ", or ".join(f"'{c}' or 'USD' in a {h.title()} scenario" for h, c in HOST_CURRENCIES.items())
        raise PydanticCustomError("literal_error", f"Input should be {each}")
    return value


if TYPE_CHECKING:  # the shipped codes, for the type checker; a new host's code is one more string
    Currency = Annotated[Literal["KRW", "USD", "JPY"], BeforeValidator(_known_currency)]
else:  # the codes are data (USD and each projected host's, data/hosts/<host>/host.json): KRW, USD, JPY
    Currency = Annotated[Literal[CURRENCIES], BeforeValidator(_known_currency)]


class Money(TermsModel):
    """An amount of money in one currency.

    Examples
    --------
    >>> Money(amount=1_519.2e9, currency="KRW")  # the 12th SMA's 2026 payment
    Money(amount=1519200000000.0, currency='KRW')
    """

    amount: Amount
    """Amount in whole units of ``currency`` [KRW, JPY or USD], greater than zero."""
    currency: Currency
    """ISO 4217 code: ``"KRW"``, ``"JPY"`` or ``"USD"`` (the scenario's host's currency or dollars)."""

    def describe(self) -> str:
        """``"base ₩1.519tn"``, ``"base ¥211bn"``: the amount as an agreement's first-year payment."""
        return f"base {short_money(self.amount, self.currency)}"


class Rise(TermsModel):
    """A first-year payment set as a rise over the previous year's payment.

    The 12th SMA's 2026 payment was the 2025 payment plus 8.3 %: ``Rise(rate=0.083)``.
    """

    kind: Literal["rise"] = "rise"
    rate: Rate
    """Rise over the previous year's payment [fraction, -0.99 to 10]."""

    def describe(self) -> str:
        """``"rise +8.3%"``."""
        return f"rise {self.rate:+.1%}"


@register_rule
class Fixed(Rule):
    """Each year's payment is the previous year's times ``1 + rate``."""

    kind: Literal["fixed"] = "fixed"
    rate: Growth
    """Yearly growth [fraction, -0.5 to 0.5]; ``0.139`` is +13.9 %."""

    def describe(self) -> str:
        """``"fixed +13.9%"``."""
        return f"fixed {self.rate:+.1%}"


@register_rule
class Indexed(Rule):
    """Growth tied to a host's index (its CPI, say), with an optional lag, spread, cap and floor.

    Year *t*'s growth is ``clip(index[t - lag] + spread, floor, cap)``. The 8th, 9th
    and 12th SMA use ``Indexed(index="cpi", lag=2, cap=...)``; the 11th SMA's later
    years ``Indexed(index="defense_budget", lag=1)``; each agreement's ``rule_source`` in
    ``data/agreements.yaml`` gives where its rule was read.
    """

    kind: Literal["indexed"] = "indexed"
    index: Literal["cpi", "defense_budget"]
    """``"cpi"`` (the host's consumer price inflation) or ``"defense_budget"`` (its defense-budget growth)."""
    lag: Annotated[int, Field(ge=0, le=2), NO_BOOL] = 0
    """Years between the index year and the payment year [0, 1 or 2]."""
    cap: Growth | None = None
    """Highest growth allowed [fraction, -0.5 to 0.5], or ``None`` for no cap."""
    floor: Growth | None = None
    """Lowest growth allowed [fraction, -0.5 to 0.5], or ``None`` for no floor."""
    spread: Spread = 0.0
    """Added to the index before capping [fraction, -0.5 to 0.5]."""

    @model_validator(mode="after")
    def _cap_not_below_floor(self) -> Indexed:
        if self.cap is not None and self.floor is not None and self.cap < self.floor:
            raise ValueError(
                f"cap ({self.cap}) is below floor ({self.floor}); the cap must be at least the floor"
            )
        return self

    def describe(self) -> str:
        """``"CPI (t-2), cap 5.0%"``."""
        name = "CPI" if self.index == "cpi" else "defense budget"
        text = name + (f" (t-{self.lag})" if self.lag else " (t)")
        if self.spread:
            text += f" {self.spread:+.1%}"
        if self.cap is not None:
            text += f", cap {self.cap:.1%}"
        if self.floor is not None:
            text += f", floor {self.floor:.1%}"
        return text


@register_rule
class Schedule(Rule):
    """Growth rates given year by year: ``Schedule(rates={2027: 0.05, 2028: 0.04})``."""

    kind: Literal["schedule"] = "schedule"
    rates: dict[Year, Growth] = Field(min_length=1)
    """Growth by calendar year [fraction, -0.5 to 0.5]; every year the rule governs needs a rate."""

    @field_validator("rates", mode="before")
    @classmethod
    def _one_rate_a_year(cls, value: Any) -> Any:
        return unique_year_keys(value, "Schedule.rates") if isinstance(value, dict) else value

    def describe(self) -> str:
        """``"schedule"``."""
        return "schedule"

    def check_span(self, first: int, last: int) -> None:
        """Every year the rule governs needs a rate."""
        missing = [y for y in range(first, last + 1) if y not in self.rates]
        if missing:
            raise ValueError(
                f"Schedule has no rate for {_years_text(missing)}; it governs {first}-{last} "
                "and needs a rate for each of those years"
            )


@register_rule
class Frozen(Rule):
    """The payment stays at the previous year's level (as in 2020, between the 10th and 11th SMA)."""

    kind: Literal["frozen"] = "frozen"

    def describe(self) -> str:
        """``"frozen"``."""
        return "frozen"


@register_rule
class PhaseIn(Rule):
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

    def describe(self) -> str:
        """``"phase-in to $5.0 bn by 2030 (geometric)"``."""
        target = short_money(self.target.amount, self.target.currency)
        return f"phase-in to {target} by {self.by_year} ({self.shape})"

    def check_span(self, first: int, last: int) -> None:
        """The target year cannot come before the first year the rule governs."""
        if not first <= self.by_year:
            raise ValueError(
                f"PhaseIn.by_year ({self.by_year}) is before the first year it governs ({first})"
            )


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
        Currency the payments are set in, ``"USD"`` or the host's (``"KRW"``, ``"JPY"``).
        Defaults to the base's currency, else a phase-in target's, else the previous one's.
    """

    name: str = Field(min_length=1, max_length=200)
    """A label for tables and plots: one line of printable text."""
    start_year: Year
    """First calendar year covered."""
    term_years: Annotated[int, Field(ge=1, le=50), NO_BOOL]
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

    @field_validator("name")
    @classmethod
    def _printable_name(cls, value: str) -> str:
        return check_text(value, "Agreement.name")

    @field_validator("escalation", mode="before")
    @classmethod
    def _one_rule_a_year(cls, value: Any) -> Any:
        if isinstance(value, dict) and "kind" not in value:  # {first year: rule}
            return unique_year_keys(value, "escalation")
        return value

    @field_validator("base", mode="before")
    @classmethod
    def _reject_bare_numbers(cls, value: object) -> object:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise ValueError(
                "base must be Money(amount=..., currency='KRW'|'JPY'|'USD'), Rise(rate=...) or None, "
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
                why = (
                    "the first year, since base is None"
                    if self.base is None
                    else "the year after the base year"
                )
                raise ValueError(
                    f"escalation: the first rule must start in {first_ruled} ({why}), not {years[0]}"
                )
            if years[-1] > self.end_year:
                raise ValueError(
                    f"escalation: a rule starts in {years[-1]}, after the agreement ends in {self.end_year}"
                )
        spans = self.rule_spans()
        for first, last, rule in spans:
            rule.check_span(first, last)
        if not spans and not isinstance(self.escalation, dict):
            # a one-year agreement with a base: the rule governs only the years a roll-over
            # keeps it for, from the next year; check it as it would govern that year
            try:
                self.escalation.check_span(first_ruled, first_ruled)
            except ValueError as exc:
                raise ValueError(
                    f"escalation: the base sets the only year, {self.start_year}, so the rule governs "
                    f"from {first_ruled} if it is rolled over; {exc}"
                ) from None
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


def _years_text(years: list[int]) -> str:
    shown = ", ".join(str(y) for y in years[:5])
    return shown + (f" and {len(years) - 5} more" if len(years) > 5 else "")
