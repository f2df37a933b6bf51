"""Engine changes for sweeps: provenance, broadcasting plans, and a currency fix."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import BN, krw

import sma_model as sma
from sma_model.engine import compile_plan, run


def test_a_rise_into_a_dollar_deal_converts_the_previous_won_payment_once():
    # the 2025 payment, ₩1,402.8bn, at 1,400 won per dollar is $1.002bn; +0% keeps it
    deal = sma.Agreement(
        name="usd",
        start_year=2026,
        term_years=2,
        base=sma.Rise(rate=0.0),
        escalation=sma.Frozen(),
        currency="USD",
    )
    assumptions = sma.Assumptions(usd_krw=1400.0, use_record=False)  # 2025 at 1,400 too
    scenario = sma.Scenario(name="x", agreements=[deal], assumptions=assumptions)
    frame = sma.project(scenario).frame
    assert frame["payment_usd"].tolist() == pytest.approx([1.002e9, 1.002e9])
    assert frame["payment_krw"].tolist() == pytest.approx([1402.8e9, 1402.8e9])


def test_cells_record_the_rule_they_come_from():
    first = sma.Agreement(
        name="a", start_year=2030, term_years=2, base=krw(100.0), escalation=sma.Fixed(rate=0.1)
    )
    second = sma.Agreement(
        name="b",
        start_year=2033,
        term_years=3,
        base=None,
        escalation={2033: sma.Frozen(), 2034: sma.Indexed(index="cpi", lag=1, spread=0.01)},
    )
    scenario = sma.Scenario(
        name="s",
        agreements=[first, second],
        after_expiry=sma.RollOver(),
        horizon=2036,
        assumptions=sma.Assumptions(use_record=False, cpi=0.02, usd_krw=1000.0),
    )
    plan = compile_plan(scenario)
    origins = [plan.origins[i] for i in plan.origin[:, 0]]
    assert origins == [
        ("agreements", 0, "base"),
        ("agreements", 0, "escalation"),
        ("agreements", 0, "escalation"),  # 2032: the gap rolls the first deal's rule over
        ("agreements", 1, "escalation", 2033),
        ("agreements", 1, "escalation", 2034),
        ("agreements", 1, "escalation", 2034),
        ("agreements", 1, "escalation", 2034),  # 2036: rolled over
    ]
    assert plan.index_raw[4, 0] == 0.02
    assert plan.index_value[4, 0] == pytest.approx(0.03)


def test_one_column_arrays_broadcast_along_the_scenarios():
    scenario = sma.Scenario(
        name="s",
        agreements=[
            sma.Agreement(
                name="a",
                start_year=2030,
                term_years=3,
                base=krw(100.0),
                escalation=sma.Indexed(index="cpi", cap=0.03),
            )
        ],
        assumptions=sma.Assumptions(use_record=False, cpi=0.05, usd_krw=1000.0),
    )
    plan = compile_plan(scenario)
    plan.cap = np.array([[0.01, 0.02, 0.04]]).repeat(3, axis=0)
    assert plan.shape == (3, 3)
    out = run(plan)
    assert out[-1] / BN == pytest.approx([100 * 1.01**2, 100 * 1.02**2, 100 * 1.04**2])
