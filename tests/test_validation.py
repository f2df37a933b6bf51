"""Bad terms are refused at the edge with a message naming the field and what is allowed."""

from __future__ import annotations

import math

import pytest
from conftest import krw
from pydantic import ValidationError

import sma_model as sma


def agreement(**overrides):
    fields = dict(name="deal", start_year=2026, term_years=5, base=krw(1000.0), escalation=sma.Frozen())
    fields.update(overrides)
    return sma.Agreement(**fields)


@pytest.mark.parametrize(
    ("build", "fragment"),
    [
        (lambda: sma.Indexed(index="cpi", cap=0.02, floor=0.05), "cap (0.02) is below floor (0.05)"),
        (lambda: sma.Indexed(index="gdp"), "'cpi' or 'defense_budget'"),
        (lambda: sma.Indexed(index="cpi", lag=3), "lag\n  Input should be less than or equal to 2"),
        (lambda: sma.Money(amount=1e9, currency="EUR"), "currency\n  Input should be 'KRW' or 'USD'"),
        (lambda: sma.Money(amount=-5.0, currency="KRW"), "amount\n  Input should be greater than 0"),
        (lambda: sma.Money(amount=math.nan, currency="KRW"), "amount\n  Input should be a finite number"),
        (lambda: sma.Money(amount=math.inf, currency="KRW"), "amount\n  Input should be a finite number"),
        (lambda: sma.Fixed(rate=math.nan), "rate\n  Input should be a finite number"),
        (lambda: sma.Fixed(rate=-1.5), "rate\n  Input should be greater than or equal to -0.99"),
        (lambda: agreement(term_years=0), "term_years\n  Input should be greater than or equal to 1"),
        (lambda: agreement(term_years=-3), "term_years\n  Input should be greater than or equal to 1"),
        (lambda: agreement(start_year=1800), "start_year\n  Input should be greater than or equal to 1991"),
        (lambda: agreement(base=1000.0), "base must be Money"),
        (lambda: agreement(escalation={2028: sma.Frozen()}), "the first rule must start in 2027"),
        (lambda: agreement(escalation={2027: sma.Frozen(), 2031: sma.Frozen()}), "after the agreement ends"),
        (lambda: agreement(escalation=sma.Schedule(rates={2027: 0.1})), "Schedule has no rate for 2028"),
        (lambda: agreement(extra_field=1), "extra_field\n  Extra inputs are not permitted"),
        (lambda: sma.Assumptions(cpi=math.nan), "cpi: nan is not finite"),
        (lambda: sma.Assumptions(usd_krw=-3.0), "usd_krw: -3 is outside the allowed range 1 to 100000"),
        (lambda: sma.Assumptions(cpi={2030: math.inf}), "cpi[2030]: inf is not finite"),
        (lambda: sma.Assumptions(cpi={"soon": 0.02}), "cpi: 'soon' is not a year"),
    ],
)
def test_bad_terms_are_refused(build, fragment):
    with pytest.raises(ValidationError) as info:
        build()
    assert fragment in str(info.value)


def test_overlapping_agreements_are_refused():
    first = agreement(name="first")
    second = agreement(name="second", start_year=2028)
    with pytest.raises(ValidationError, match=r"agreements\[1\] \('second', from 2028\) overlaps"):
        sma.Scenario(name="s", agreements=[first, second])


def test_agreements_out_of_order_are_refused():
    later = agreement(name="later", start_year=2035)
    with pytest.raises(ValidationError, match="must be in order"):
        sma.Scenario(name="s", agreements=[later, agreement(name="earlier")])


def test_a_horizon_before_the_first_agreement_is_refused():
    with pytest.raises(
        ValidationError, match=r"horizon \(2020\) is before the first agreement starts \(2026\)"
    ):
        sma.Scenario(name="s", agreements=[agreement()], horizon=2020)


def test_an_absurd_horizon_is_refused():
    with pytest.raises(ValidationError, match="at most 149 years"):
        sma.Scenario(name="s", agreements=[agreement()], horizon=2199)


def test_a_schedule_after_expiry_must_cover_every_year():
    with pytest.raises(ValidationError, match="Schedule has no rate for 2032"):
        sma.Scenario(
            name="s",
            agreements=[agreement()],
            after_expiry=sma.Schedule(rates={2031: 0.01}),
            horizon=2032,
        )


def test_models_are_frozen():
    money = krw(1.0)
    with pytest.raises(ValidationError, match="frozen"):
        money.amount = 2.0
