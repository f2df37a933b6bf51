"""Behaviour of the engine that the mutation run of 2026-11-30 found unchecked (docs/mutation.md).

Each test pins a number, a message or a documented behaviour that a surviving mutant of
``sma_model/engine`` changed without any other test noticing.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace

import numpy as np
import pytest

import sma_model as sma
from sma_model.engine import compile as compile_module
from sma_model.engine import compile_plan, iter_levels, run
from sma_model.engine import plan as plan_module
from sma_model.engine.macro import extend_levels, relative_price
from sma_model.engine.plan import KEEP_PLANS, STEP_FIELDS, keep_plan, kept_plan
from sma_model.engine.run import Rows, iter_rows


class _Compiled:
    """Stands in for a compiled plan of ``n`` scenarios: what the plan cache reads of one."""

    def __init__(self, n: int, tag: str) -> None:
        self.shape = (3, n)
        self.tag = tag

    def copy(self) -> _Compiled:
        return _Compiled(self.shape[1], self.tag)


@pytest.fixture
def empty_cache(monkeypatch):
    cache: OrderedDict = OrderedDict()
    monkeypatch.setattr(plan_module, "_KEPT", cache)
    return cache


def test_a_plan_of_as_many_scenarios_as_the_cache_holds_is_kept(empty_cache):
    inputs = (object(),)
    keep_plan("wide", inputs, _Compiled(KEEP_PLANS, "wide"))  # type: ignore[arg-type]
    kept = kept_plan("wide", inputs)
    assert kept is not None and kept.tag == "wide"  # type: ignore[attr-defined]
    keep_plan("wider", inputs, _Compiled(KEEP_PLANS + 1, "wider"))  # type: ignore[arg-type]
    assert kept_plan("wider", inputs) is None


def test_the_plan_cache_keeps_the_64_most_recent_and_drops_the_oldest(empty_cache):
    inputs = (object(),)
    for i in range(KEEP_PLANS + 1):
        keep_plan(i, inputs, _Compiled(1, f"plan {i}"))  # type: ignore[arg-type]
    assert KEEP_PLANS == 64 and len(empty_cache) == 64
    assert kept_plan(0, inputs) is None  # the oldest went
    assert kept_plan(1, inputs).tag == "plan 1"  # type: ignore[union-attr]
    assert kept_plan(KEEP_PLANS, inputs).tag == "plan 64"  # type: ignore[union-attr]
    # a plan is kept only for the very inputs it was compiled from
    assert kept_plan(KEEP_PLANS, (object(),)) is None


def test_a_missing_index_value_names_the_rule_and_the_year_that_needs_it():
    # the record's ROK CPI starts in 2005 (data/macro.csv); 1992 is the base year, so the rule first
    # sets 1993, from the CPI of 1991
    old = sma.Agreement(
        name="old deal",
        start_year=1992,
        term_years=3,
        base=sma.Money(amount=100e9, currency="KRW"),
        escalation=sma.Indexed(index="cpi", lag=2),
    )
    with pytest.raises(sma.MissingAssumptionError) as raised:
        sma.project(sma.Scenario(name="old", agreements=[old], horizon=1994))
    message = str(raised.value)
    assert "assumption 'cpi' has no value for 1991" in message
    assert "(old deal's rule 'CPI (t-2)' needs it for 1993)" in message


def test_relative_prices_of_many_samples_are_each_samples_own():
    years = np.array([2030, 2031, 2032, 2033])
    inflation = np.array([[0.02, 0.03], [0.01, 0.0], [0.05, 0.02], [0.10, -0.5]])  # years x 2 samples
    prices = relative_price(inflation, years, 2032)
    # before 2032: deflated by each later year's inflation; after: inflated by the year's own
    np.testing.assert_allclose(prices[:, 0], [1 / 1.05 / 1.01, 1 / 1.05, 1.0, 1.10], rtol=1e-15)
    np.testing.assert_allclose(prices[:, 1], [1 / 1.02, 1 / 1.02, 1.0, 0.5], rtol=1e-15)
    for sample in range(2):  # the same as one scenario's prices, computed on Python floats
        single = relative_price(inflation[:, sample], years, 2032)
        np.testing.assert_array_equal(prices[:, sample], single)


def test_a_subclass_of_a_rule_compiles_as_its_parent():
    class SteadyRise(sma.Fixed):
        """A user's own name for a fixed rise."""

    deal = sma.Agreement(
        name="deal",
        start_year=2026,
        term_years=3,
        base=sma.Money(amount=100e9, currency="KRW"),
        escalation=SteadyRise(rate=0.05),
    )
    frame = sma.project(sma.Scenario(name="x", agreements=[deal], horizon=2028)).frame
    assert frame["payment_krw"].tolist() == pytest.approx([100e9, 105e9, 110.25e9], rel=1e-15)


def test_iter_levels_yields_each_years_payment_as_run_gives_it():
    plan = compile_plan(sma.presets.get("status-quo"))
    stepped = [(t, level.copy()) for t, level in iter_levels(plan)]
    assert [t for t, _ in stepped] == list(range(len(plan.years)))
    levels = np.array([level for _, level in stepped])
    assert levels.shape == (len(plan.years), 1)
    np.testing.assert_array_equal(levels, run(plan))
    assert levels[0, 0] == pytest.approx(1_402.8e9 * 1.083, rel=1e-12)  # 2026: the 2025 payment +8.3 %


def test_a_plan_built_without_scenarios_is_in_won_and_a_sweeps_plan_in_its_scenarios_currency():
    japan = compile_plan(sma.presets.get("japan-status-quo"))
    assert japan.currency_of(0) == "JPY"
    assert replace(japan, scenarios=[]).currency_of(0) == "KRW"  # a plan built by hand
    # a sweep's plan: one scenario for many samples (here 3)
    wide = replace(japan, anchor=np.ones(3))
    assert wide.shape[1] == 3
    assert [wide.currency_of(c) for c in range(3)] == ["JPY", "JPY", "JPY"]


def test_a_japanese_rise_starts_from_japans_own_published_payment():
    # Japan's FY2021 budget was ¥201.7 bn (data/hosts/japan/budget.csv: MOD, Sankei 2021-12-16);
    # a first year of +10 % starts from it
    japan = sma.presets.get("japan-status-quo").model_dump()
    japan["agreements"][0]["base"] = sma.Rise(rate=0.10).model_dump()
    japan["name"] = "FY2022 +10 %"
    frame = sma.project(sma.Scenario.model_validate(japan)).frame
    first = frame[frame["year"] == 2022]
    assert first["payment_jpy"].iloc[0] == pytest.approx(201.7e9 * 1.10, rel=1e-12)


def test_levels_of_many_samples_are_extended_each_along_its_own_growth():
    levels = np.array([[100.0, 200.0], [np.nan, 210.0], [np.nan, np.nan], [np.nan, np.nan]])
    growth = np.array([[0.0, 0.0], [0.1, 0.2], [0.05, -0.5], [0.0, 1.0]])  # years x 2 samples
    extended = extend_levels(levels, growth)
    # the first sample compounds from 100; the second keeps its known 210, then halves and doubles
    np.testing.assert_allclose(extended[:, 0], [100.0, 110.0, 115.5, 115.5], rtol=1e-15)
    np.testing.assert_allclose(extended[:, 1], [200.0, 210.0, 105.0, 210.0], rtol=1e-15)
    for sample in range(2):  # the same as one scenario's levels, computed on Python floats
        np.testing.assert_array_equal(
            extended[:, sample], extend_levels(levels[:, sample], growth[:, sample])
        )


def _rows(n: int, years: int, **given: list[np.ndarray]) -> Rows:
    """Rows of ``years`` years: the given fields, the rest shared and neutral (no reset, no phase-in)."""
    neutral = {
        "rate": 0.0,
        "indexed": False,
        "index_value": 0.0,
        "cap": np.inf,
        "floor": -np.inf,
        "reset": False,
        "reset_value": 0.0,
        "conversion": 1.0,
        "phase_step": 0,
        "phase_steps": 1,
        "phase_target": 0.0,
        "phase_linear": False,
    }
    # one shared row object for all the years, as a plan's row that never changes
    cells = {f: given.get(f, [np.array([v])] * years) for f, v in neutral.items()}
    assert set(cells) == set(STEP_FIELDS)
    return Rows(n, np.array([100.0]), cells)


def test_a_year_indexed_for_some_samples_only_clips_only_their_index():
    # sample 0 follows the index (10 %) clipped to [0, 5 %]; sample 1 keeps its known 7 %
    rows = _rows(
        2,
        1,
        rate=[np.array([0.03, 0.07])],
        indexed=[np.array([True, False])],
        index_value=[np.array([0.10])],
        floor=[np.array([0.0])],
        cap=[np.array([0.05])],
    )
    (_, level), *_ = [(t, level.copy()) for t, level in iter_rows(rows)]
    np.testing.assert_allclose(level, [105.0, 107.0], rtol=1e-15)


def test_compiling_a_scenario_again_reuses_its_plan_for_the_same_price_year_only(monkeypatch):
    compiled = []
    original = compile_module._compile
    monkeypatch.setattr(compile_module, "_compile", lambda *a: compiled.append(a) or original(*a))
    status_quo = sma.presets.get("status-quo")
    plan_module._KEPT.clear()
    first = compile_plan(status_quo, price_base_year=2026)
    again = compile_plan(status_quo, price_base_year=2026)
    assert len(compiled) == 1  # the second came from the cache
    np.testing.assert_array_equal(first.rok_price, again.rok_price)
    other = compile_plan(status_quo, price_base_year=2030)
    assert len(compiled) == 2 and other.price_base_year == 2030
    assert other.rok_price[other.years == 2030][0] == 1.0 != other.rok_price[other.years == 2026][0]


def test_a_copied_plans_labels_are_its_own():
    plan = compile_plan(sma.presets.get("status-quo"))
    copy = plan.copy()
    copy.labels[0].append(("changed", "changed"))
    assert ("changed", "changed") not in plan.labels[0]


def test_a_years_growth_is_reused_only_when_its_inputs_are_the_same_rows():
    # two years of per-sample known rates that differ only after the first sample: no reuse
    first, second = np.array([0.05, 0.10]), np.array([0.05, 0.20])
    rolled = np.array([0.05, 0.30])  # one vector for two years (a rule rolled over): reused
    rows = _rows(2, 4, rate=[first, second, rolled, rolled])
    levels = np.array([level.copy() for _, level in iter_rows(rows)])
    np.testing.assert_allclose(
        levels,
        [[105.0, 110.0], [110.25, 132.0], [115.7625, 171.6], [121.550625, 223.08]],
        rtol=1e-14,
    )
