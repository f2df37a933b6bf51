"""``sma.project`` against the independent reference projector in ``tests/reference.py``.

Hypothesis generates batches of scenarios covering every rule (Fixed, Indexed on CPI and
on the defense budget with cap, floor, lag and spread, Schedule, Frozen, PhaseIn linear and
geometric), Money and Rise bases and ``base=None``, both currencies and switches between
them, lapses between and after agreements under every ``after_expiry`` policy, and
phase-ins that run on into a lapse. Each batch is projected in one call (as a user would)
and every scenario is checked year by year against the reference, to 1e-12 relative.
"""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from reference import reference_projection

import sma_model as sma

BATCH = 50
BATCHES = 40  # 2,000 scenarios in all
FIRST = 2040  # beyond the record: only the drawn assumptions count
MACRO_YEARS = range(FIRST - 12, FIRST + 80)
RTOL = 1e-12
CHECKED = ("payment", "payment_krw", "payment_usd", "payment_krw_real", "payment_usd_real")
CHECKED_CUMULATIVE = ("cumulative_krw", "cumulative_usd")

KINDS = ("fixed", "indexed", "schedule", "frozen", "phase_in")
AFTER = ("roll_over", "frozen", *KINDS)
BASES = ("money", "rise", "none")


def draw_money(rng: random.Random, currency: str | None = None) -> sma.Money:
    code = currency or rng.choice(["KRW", "USD"])
    scale = 1e9 if code == "KRW" else 1e6  # ₩ bn, $ m
    return sma.Money(amount=rng.uniform(200.0, 20_000.0) * scale, currency=code)


def draw_rule(kind: str, first_ruled: int, rng: random.Random):
    """A rule of ``kind`` that can govern from ``first_ruled``; the numbers come from ``rng``."""
    if kind == "fixed":
        return sma.Fixed(rate=rng.uniform(-0.15, 0.25))
    if kind == "indexed":
        cap = rng.choice([None, rng.uniform(-0.05, 0.12)])
        floor = rng.choice([None, rng.uniform(-0.1, 0.06)])
        if cap is not None and floor is not None and floor > cap:
            cap, floor = floor, cap
        return sma.Indexed(
            index=rng.choice(["cpi", "defense_budget"]),
            lag=rng.randint(0, 2),
            cap=cap,
            floor=floor,
            spread=rng.choice([0.0, 0.0, 0.01, rng.uniform(-0.03, 0.03)]),
        )
    if kind == "schedule":  # a rate for every year the rule may meet, as a lapse may roll it over
        cycle = [rng.uniform(-0.15, 0.25) for _ in range(4)]
        return sma.Schedule(rates={y: cycle[y % 4] for y in range(FIRST - 2, FIRST + 60)})
    if kind == "frozen":
        return sma.Frozen()
    return sma.PhaseIn(
        target=draw_money(rng),
        by_year=first_ruled + rng.randint(0, 8),
        shape=rng.choice(["geometric", "linear"]),
    )


@st.composite
def agreement(draw, start: int, first: bool, i: int, rng: random.Random):
    """Hypothesis draws the structure (term, base, rules and when they take over); ``rng`` the numbers."""
    term = draw(st.integers(1, 6))
    base_kind = "money" if first else draw(st.sampled_from(BASES))
    base = {"money": draw_money(rng), "rise": sma.Rise(rate=rng.uniform(-0.15, 0.25)), "none": None}[
        base_kind
    ]
    first_ruled = start if base is None else start + 1
    end = start + term - 1
    if first_ruled <= end and draw(st.booleans()):  # rules that take over from given years
        starts = sorted({first_ruled, *draw(st.lists(st.integers(first_ruled, end), max_size=2))})
        escalation = {s: draw_rule(draw(st.sampled_from(KINDS)), s, rng) for s in starts}
    else:
        escalation = draw_rule(draw(st.sampled_from(KINDS)), first_ruled, rng)
    currency = None
    if base_kind != "money" and draw(st.booleans()):
        currency = draw(
            st.sampled_from(["KRW", "USD"])
        )  # a deal in a new currency building on the last payment
    return sma.Agreement(
        name=f"deal {i}",
        start_year=start,
        term_years=term,
        base=base,
        escalation=escalation,
        currency=currency,
    )


@st.composite
def scenarios(draw, name: str):
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    start = FIRST + draw(st.integers(0, 4))
    agreements = []
    for i in range(draw(st.integers(1, 3))):
        if agreements:
            start = agreements[-1].end_year + 1 + draw(st.sampled_from([0, 0, 1, 2]))  # a lapse or none
        agreements.append(draw(agreement(start, first=not agreements, i=i, rng=rng)))
    after = draw(st.sampled_from(AFTER))
    after_expiry = {"roll_over": sma.RollOver(), "frozen": sma.Frozen()}.get(after) or draw_rule(
        after, agreements[-1].end_year + 1, rng
    )

    def path(low: float, high: float) -> dict[int, float]:
        return {y: rng.uniform(low, high) for y in MACRO_YEARS}

    assumptions = sma.Assumptions(
        use_record=False,
        cpi=path(-0.02, 0.08),
        defense_budget_growth=path(-0.03, 0.1),
        usd_krw=path(900.0, 1800.0),
        us_cpi=0.02 if draw(st.booleans()) else path(-0.01, 0.06),
    )
    return sma.Scenario(
        name=name,
        agreements=agreements,
        after_expiry=after_expiry,
        assumptions=assumptions,
        horizon=agreements[-1].end_year + draw(st.integers(0, 5)),
    )


batches = st.tuples(*(scenarios(f"s{i}") for i in range(BATCH)))


def assert_close(engine: float, reference: float, what: str) -> None:
    assert math.isclose(engine, reference, rel_tol=RTOL, abs_tol=0.0), (
        f"{what}: engine {engine!r} against reference {reference!r} "
        f"(relative {abs(engine - reference) / abs(reference):.2e})"
    )


@settings(
    max_examples=BATCHES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking a batch of 50 takes minutes; the
    # failure message names the scenario and the year instead
)
@given(batches, st.integers(FIRST, FIRST + 10))
def test_project_agrees_with_the_reference_projector(batch, price_base_year):
    frame = sma.project(list(batch), price_base_year=price_base_year).frame
    for scenario, (_, rows) in zip(batch, frame.groupby("scenario", sort=False)):
        reference = reference_projection(scenario, price_base_year)
        terms = scenario.model_dump_json(exclude={"assumptions"})  # the failing terms, in the message
        assert rows["year"].tolist() == [r["year"] for r in reference], terms
        assert rows["currency"].tolist() == [r["currency"] for r in reference], terms
        for row, expected in zip(rows.itertuples(index=False), reference):
            for column in CHECKED + CHECKED_CUMULATIVE:
                assert_close(float(getattr(row, column)), expected[column], f"{terms}: {row.year} {column}")


def test_the_reference_reproduces_a_hand_worked_scenario():
    # ₩1,000bn in 2040, +10 %; a lapse in 2042 that rolls the rule over; a $2bn deal in 2043
    # that builds on 2042 with a linear phase-in to $2bn by 2045, then holds it
    first = sma.Agreement(
        name="a",
        start_year=2040,
        term_years=2,
        base=sma.Money(amount=1e12, currency="KRW"),
        escalation=sma.Fixed(rate=0.10),
    )
    second = sma.Agreement(
        name="b",
        start_year=2043,
        term_years=4,
        base=None,
        escalation=sma.PhaseIn(target=sma.Money(amount=2e9, currency="USD"), by_year=2045, shape="linear"),
    )
    scenario = sma.Scenario(
        name="hand",
        agreements=[first, second],
        assumptions=sma.Assumptions(use_record=False, usd_krw=1000.0, cpi=0.0, us_cpi=0.0),
    )
    rows = reference_projection(scenario, 2040)
    # 2042 = 1,210bn won = $1.21bn at 1,000; then $1.21bn + (2 - 1.21)/3 each year to $2bn by 2045
    expected_usd = [1.0, 1.1, 1.21, 1.21 + 0.79 / 3, 1.21 + 0.79 * 2 / 3, 2.0, 2.0]
    assert [r["payment_usd"] / 1e9 for r in rows] == pytest.approx(expected_usd, rel=1e-12)
    assert [r["currency"] for r in rows] == ["KRW"] * 3 + ["USD"] * 4
    engine = sma.project(scenario, price_base_year=2040).frame
    assert engine["payment_usd"].tolist() == pytest.approx([r["payment_usd"] for r in rows], rel=1e-12)


def test_currency_of_a_deal_whose_phase_in_never_governs():
    # Agreement.currency "defaults to the base's currency, else a phase-in target's, else the
    # previous agreement's". A one-year deal with a Rise base and a dollar phase-in: the
    # documentation says dollars; the engine pays in won (it looks only at rules that govern
    # a year of the deal, and this one governs none).
    won = sma.Agreement(
        name="a",
        start_year=2040,
        term_years=1,
        base=sma.Money(amount=1e12, currency="KRW"),
        escalation=sma.Frozen(),
    )
    rise = sma.Agreement(
        name="b",
        start_year=2041,
        term_years=1,
        base=sma.Rise(rate=0.1),
        escalation=sma.PhaseIn(target=sma.Money(amount=2e9, currency="USD"), by_year=2045),
    )
    scenario = sma.Scenario(
        name="x",
        agreements=[won, rise],
        assumptions=sma.Assumptions(use_record=False, usd_krw=1000.0, cpi=0.0, us_cpi=0.0),
    )
    frame = sma.project(scenario, price_base_year=2040).frame
    assert [r["currency"] for r in reference_projection(scenario, 2040)] == ["KRW", "USD"]
    assert frame["currency"].tolist() == ["KRW", "USD"]
