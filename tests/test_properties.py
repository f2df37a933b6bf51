"""Engine invariants, checked by hypothesis over random terms and assumptions."""

from __future__ import annotations

import numpy as np
import pandas as pd
from conftest import BN, krw
from hypothesis import given, settings
from hypothesis import strategies as st

import sma_model as sma

rates = st.floats(min_value=-0.2, max_value=0.3, allow_nan=False)
cpi_paths = st.lists(st.floats(min_value=-0.03, max_value=0.15, allow_nan=False), min_size=12, max_size=12)
bases = st.floats(min_value=100.0, max_value=5000.0, allow_nan=False)
FIRST = 2040  # beyond the record, so only the drawn assumptions count


def scenario(base_bn, rule, cpi, fx=1300.0, name="s", term=10):
    assumptions = sma.Assumptions(
        use_record=False,
        usd_krw=fx,
        cpi={FIRST - 2 + i: v for i, v in enumerate(cpi)},
        defense_budget_growth={FIRST - 2 + i: v for i, v in enumerate(cpi)},
    )
    agreement = sma.Agreement(name="a", start_year=FIRST, term_years=term, base=krw(base_bn), escalation=rule)
    return sma.Scenario(name=name, agreements=[agreement], assumptions=assumptions)


@st.composite
def indexed_rules(draw):
    cap = draw(st.none() | st.floats(min_value=-0.05, max_value=0.1))
    floor = draw(st.none() | st.floats(min_value=-0.1, max_value=0.05))
    if cap is not None and floor is not None and floor > cap:
        cap, floor = floor, cap
    return sma.Indexed(
        index=draw(st.sampled_from(["cpi", "defense_budget"])),
        lag=draw(st.integers(0, 2)),
        cap=cap,
        floor=floor,
    )


@settings(max_examples=60, deadline=None)
@given(bases, indexed_rules(), cpi_paths)
def test_growth_never_exceeds_the_cap_nor_undercuts_the_floor(base_bn, rule, cpi):
    frame = sma.project(scenario(base_bn, rule, cpi)).frame
    growth = frame["growth_rate"].iloc[1:].to_numpy(dtype=float)
    if rule.cap is not None:
        assert np.all(growth <= rule.cap + 1e-12)
    if rule.floor is not None:
        assert np.all(growth >= rule.floor - 1e-12)
    index = np.array(cpi)
    years = frame["year"].to_numpy()[1:]
    expected = np.clip(
        index[years - rule.lag - (FIRST - 2)],
        rule.floor if rule.floor is not None else -np.inf,
        rule.cap if rule.cap is not None else np.inf,
    )
    np.testing.assert_allclose(growth, expected, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(bases, bases, indexed_rules(), cpi_paths)
def test_payments_are_monotone_in_the_base(a, b, rule, cpi):
    low, high = sorted((a, b))
    frames = sma.project([scenario(low, rule, cpi, name="low"), scenario(high, rule, cpi, name="high")]).frame
    low_paid = frames.loc[frames["scenario"] == "low", "payment_krw"].to_numpy()
    high_paid = frames.loc[frames["scenario"] == "high", "payment_krw"].to_numpy()
    assert np.all(low_paid <= high_paid * (1 + 1e-12))


@settings(max_examples=40, deadline=None)
@given(bases, rates, rates, cpi_paths)
def test_payments_are_monotone_in_the_rate(base_bn, r1, r2, cpi):
    low, high = sorted((r1, r2))
    frames = sma.project(
        [
            scenario(base_bn, sma.Fixed(rate=low), cpi, name="low"),
            scenario(base_bn, sma.Fixed(rate=high), cpi, name="high"),
        ]
    ).frame
    low_paid = frames.loc[frames["scenario"] == "low", "payment_krw"].to_numpy()
    high_paid = frames.loc[frames["scenario"] == "high", "payment_krw"].to_numpy()
    assert np.all(low_paid <= high_paid * (1 + 1e-12))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(bases, indexed_rules(), cpi_paths), min_size=2, max_size=5))
def test_a_batch_equals_its_members_one_by_one(members):
    scenarios = [scenario(b, r, c, name=f"s{i}", term=3 + i) for i, (b, r, c) in enumerate(members)]
    together = sma.project(scenarios).frame
    alone = pd.concat([sma.project(s).frame for s in scenarios], ignore_index=True)
    pd.testing.assert_frame_equal(together, alone)


@settings(max_examples=40, deadline=None)
@given(bases, st.lists(st.floats(min_value=800, max_value=2000), min_size=12, max_size=12), cpi_paths)
def test_usd_and_krw_agree_at_the_years_exchange_rate(base_bn, fx, cpi):
    base = scenario(base_bn, sma.Fixed(rate=0.03), cpi)
    s = base.model_copy(
        update={
            "assumptions": base.assumptions.model_copy(
                update={"usd_krw": {FIRST - 2 + i: v for i, v in enumerate(fx)}}
            )
        }
    )
    frame = sma.project(s).frame
    rate = np.array(fx)[frame["year"].to_numpy() - (FIRST - 2)]
    np.testing.assert_allclose(frame["payment_usd"] * rate, frame["payment_krw"], rtol=1e-12)


@settings(max_examples=30, deadline=None)
@given(bases, cpi_paths)
def test_a_frozen_rule_keeps_the_level(base_bn, cpi):
    frame = sma.project(scenario(base_bn, sma.Frozen(), cpi)).frame
    assert np.all(frame["payment_krw"] == base_bn * BN)


@settings(max_examples=30, deadline=None)
@given(bases, indexed_rules(), cpi_paths, st.integers(FIRST, FIRST + 9))
def test_real_equals_nominal_in_the_base_year(base_bn, rule, cpi, base_year):
    frame = sma.project(scenario(base_bn, rule, cpi), price_base_year=base_year).frame.set_index("year")
    assert frame.loc[base_year, "payment_krw_real"] == frame.loc[base_year, "payment_krw"]


@settings(max_examples=30, deadline=None)
@given(bases, indexed_rules(), cpi_paths, st.sampled_from(["yaml", "json"]))
def test_a_saved_scenario_loads_back_with_identical_results(tmp_path_factory, base_bn, rule, cpi, fmt):
    original = scenario(base_bn, rule, cpi)
    path = tmp_path_factory.mktemp("io") / f"s.{fmt}"
    sma.io.save_scenario(original, path)
    loaded = sma.io.load_scenario(path)
    assert loaded == original
    pd.testing.assert_frame_equal(sma.project(loaded).frame, sma.project(original).frame)
