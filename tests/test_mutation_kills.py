"""Hand-worked numbers for the engine and the model that mutation testing found unchecked.

Each test pins a figure or a message that a surviving mutant of ``sma_model/engine`` or
``sma_model/model`` changed without any other test noticing (docs/mutation.md).
"""

from __future__ import annotations

import re
import warnings
from typing import Literal

import numpy as np
import pytest
from conftest import BN, krw, one_agreement
from pydantic import ValidationError

import sma_model as sma
from sma_model.engine import MAX_PAYMENT, compile_plan, run
from sma_model.engine import compile as compile_module
from sma_model.engine.compile import compiles, swept_cells
from sma_model.engine.macro import ScenarioMacro, extend_levels, relative_price, resolve
from sma_model.engine.plan import FxLink
from sma_model.model.parameters import (
    field_paths,
    numeric_paths,
    parse_path,
    plain_number,
    resolve_change,
    resolve_path,
)
from sma_model.model.registry import Rule as sma_rule_base
from sma_model.model.registry import describe_rule, register_rule, unregister_rule

NO_RECORD = sma.Assumptions(use_record=False, usd_krw=1000.0)


def deal(name, start, term, base, escalation, **fields):
    return sma.Agreement(
        name=name, start_year=start, term_years=term, base=base, escalation=escalation, **fields
    )


# The compile-function registry ----------------------------------------------------------------


class _Step:
    """A stand-in step type for registering compile functions in these tests."""


@pytest.fixture
def scratch_type():
    yield _Step
    compile_module._COMPILERS.pop(_Step, None)


def test_compiles_refuses_cells_that_are_not_plan_arrays(scratch_type):
    with pytest.raises(sma.SMAModelError) as caught:
        compiles(scratch_type, cells={"a": "rate", "b": "speed", "c": "colour"})
    assert str(caught.value).startswith(
        "compiles(_Step): ['colour', 'speed'] are not plan arrays; choose from ("
    )
    assert scratch_type not in compile_module._COMPILERS


def test_compiles_registers_once_and_records_the_copied_cells(scratch_type):
    def first(cell, term, macro):
        pass

    def second(cell, term, macro):
        pass

    assert compiles(scratch_type, cells={"level": "reset_value"})(first) is first
    assert swept_cells(scratch_type) == {"level": "reset_value"}
    assert compiles(scratch_type)(first) is first  # the same function again is harmless
    assert compile_module._COMPILERS[scratch_type].function is first
    assert swept_cells(scratch_type) == {}  # the last registration's cells count
    with pytest.raises(sma.SMAModelError, match=r"^_Step already has a compile function$"):
        compiles(scratch_type)(second)


def test_swept_cells_of_the_built_in_steps():
    assert swept_cells(sma.Fixed) == {"rate": "rate"}
    assert swept_cells(sma.Rise) == {"rate": "rate"}
    assert swept_cells(sma.Money) == {"amount": "reset_value"}
    assert swept_cells(sma.Indexed) == {"cap": "cap", "floor": "floor", "spread": "spread"}
    assert swept_cells(sma.Schedule) == {}
    assert swept_cells(_Step) == {}  # nothing registered


# What a compiled plan holds -------------------------------------------------------------------


def test_cells_outside_a_scenarios_span_hold_the_documented_neutral_values():
    short = one_agreement(sma.Fixed(rate=0.1), start=2031, term=1, name="short")
    long = one_agreement(sma.Fixed(rate=0.1), start=2030, term=3, name="long")
    plan = compile_plan([short, long])
    outside = (np.array([0, 2]), np.array([0, 0]))  # 2030 and 2032 of "short"
    expected = {
        "active": (False, np.bool_),
        "rate": (0.0, np.float64),
        "indexed": (False, np.bool_),
        "index_value": (0.0, np.float64),
        "cap": (np.inf, np.float64),
        "floor": (-np.inf, np.float64),
        "reset": (False, np.bool_),
        "reset_value": (0.0, np.float64),
        "conversion": (1.0, np.float64),
        "phase_step": (0.0, np.float64),
        "phase_steps": (1.0, np.float64),
        "phase_target": (1.0, np.float64),
        "phase_linear": (False, np.bool_),
        "usd": (False, np.bool_),
        "origin": (-1, np.int32),
        "index_code": (0, np.int8),
        "index_lag": (0, np.int8),
        "index_raw": (0.0, np.float64),
        "spread": (0.0, np.float64),
    }
    for name, (value, dtype) in expected.items():
        array = getattr(plan, name)
        assert array.dtype == dtype, name
        assert array.shape == (3, 2), name
        assert array[outside].tolist() == [value, value], name
    for name in ("usd_krw", "rok_price", "us_price", "defense_budget", "troops", "gdp", "npsc_usd"):
        array = getattr(plan, name)
        assert array.dtype == np.float64, name
        assert np.isnan(array[outside]).all(), name
    assert plan.usd_krw[1:2, 0].tolist() == [1000.0]
    assert plan.price_base_year == 2025  # the last year of published ROK CPI
    assert [s.name for s in plan.scenarios] == ["short", "long"]
    assert plan.labels == [
        [("deal", "base ₩1tn")],
        [("deal", "base ₩1tn"), ("deal", "fixed +10.0%"), ("deal", "fixed +10.0%")],
    ]


def test_a_base_year_at_the_start_of_the_cpi_record_is_allowed_and_one_before_is_not():
    scenario = one_agreement(sma.Fixed(rate=0.1), start=2030, term=2)
    assert compile_plan(scenario, price_base_year=2005).price_base_year == 2005
    with pytest.raises(
        sma.ScenarioError, match=r"from 2005 to 2031 \(the projection and the CPI record\), not 2004"
    ):
        compile_plan(scenario, price_base_year=2004)


def test_the_macro_span_runs_from_two_years_before_the_start_to_the_horizon():
    rule = sma.Indexed(index="cpi", lag=1)
    assumptions = sma.Assumptions(use_record=False, usd_krw=1000.0, cpi=0.02)
    plan = compile_plan(
        one_agreement(rule, start=2030, term=5, assumptions=assumptions), price_base_year=2030
    )
    assert plan.macro_spans == [(2028, 2034)]


def test_the_payment_before_the_first_year_is_converted_at_that_years_rate():
    # the 2025 payment, ₩1,402.8bn, at 2025's 1,400 won per dollar; 2026 is at 1,000
    usd_deal = deal("usd", 2026, 2, sma.Rise(rate=0.0), sma.Frozen(), currency="USD")
    fx = {2024: 1200.0, 2025: 1400.0, 2026: 1000.0, 2027: 1000.0}
    scenario = sma.Scenario(
        name="x", agreements=[usd_deal], assumptions=sma.Assumptions(use_record=False, usd_krw=fx)
    )
    plan = compile_plan(scenario)
    assert plan.anchor.tolist() == [pytest.approx(1402.8e9 / 1400.0)]
    assert plan.fx_links == [FxLink("anchor", -1, 0, 2025, False, 1402.8e9)]
    fx.pop(2025)
    scenario = sma.Scenario(
        name="x", agreements=[usd_deal], assumptions=sma.Assumptions(use_record=False, usd_krw=fx)
    )
    with pytest.raises(sma.MissingAssumptionError) as caught:
        compile_plan(scenario)
    assert caught.value.scenario == "x"
    assert "the 2025 payment was in KRW, usd's is in USD" in str(caught.value)


def test_a_switch_of_currency_is_converted_at_the_previous_years_rate_and_recorded():
    won = deal("won", 2030, 2, krw(1000.0), sma.Frozen())
    dollars = deal("dollars", 2032, 2, None, sma.Frozen(), currency="USD")
    fx = {2028: 1000.0, 2029: 1000.0, 2030: 1000.0, 2031: 1250.0, 2032: 1500.0, 2033: 1500.0}
    scenario = sma.Scenario(
        name="x", agreements=[won, dollars], assumptions=sma.Assumptions(use_record=False, usd_krw=fx)
    )
    plan = compile_plan(scenario)
    assert plan.conversion[:, 0].tolist() == [1.0, 1.0, 1 / 1250.0, 1.0]
    assert plan.fx_links == [FxLink("conversion", 2, 0, 2031, False, 1.0)]
    assert sma.project(scenario).frame["payment_usd"].tolist() == pytest.approx([1e9, 0.8e9, 0.8e9, 0.8e9])
    del fx[2031]
    scenario = sma.Scenario(
        name="x", agreements=[won, dollars], assumptions=sma.Assumptions(use_record=False, usd_krw=fx)
    )
    with pytest.raises(sma.MissingAssumptionError, match="dollars moves from KRW to USD"):
        compile_plan(scenario)


def test_a_phase_in_target_in_the_other_currency_records_its_conversion_per_cell():
    won = deal("won", 2030, 1, krw(1000.0), sma.Frozen())
    phase = deal(
        "p",
        2031,
        2,
        None,
        sma.PhaseIn(target=sma.Money(amount=2e9, currency="USD"), by_year=2032),
        currency="KRW",
    )
    scenario = sma.Scenario(name="x", agreements=[won, phase], assumptions=NO_RECORD)
    plan = compile_plan([one_agreement(sma.Frozen(), start=2030, term=1, name="other"), scenario])
    assert plan.fx_links == [
        FxLink("phase_target", 1, 1, 2032, True, 2e9),
        FxLink("phase_target", 2, 1, 2032, True, 2e9),
    ]
    assert plan.phase_target[1:, 1].tolist() == [2000 * BN, 2000 * BN]


def test_a_rise_without_a_published_previous_payment_names_the_base_and_the_fix():
    scenario = sma.Scenario(name="s", agreements=[deal("d", 2050, 2, sma.Rise(rate=0.1), sma.Frozen())])
    with pytest.raises(sma.ScenarioError) as caught:
        compile_plan(scenario)
    assert str(caught.value) == (
        "scenario 's': agreements[0].base is 'rise +10.0%', which builds on the 2049 payment, and the "
        "record has none for 2049; give agreements[0].base=Money(amount=..., currency=...)"
    )


# Running a plan -------------------------------------------------------------------------------


def test_an_overflow_names_the_first_year_and_scenario_even_with_warnings_as_errors():
    # ₩1,000bn growing 50 % a year: 1.5**34 < 1e6 <= 1.5**35, so 2065 is the first year past 1e18
    runaway = one_agreement(sma.Fixed(rate=0.5), start=2030, term=40, name="runaway")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(sma.NonFiniteResultError) as caught:
            sma.project([one_agreement(sma.Frozen(), start=2030, term=40, name="calm"), runaway])
    assert str(caught.value).startswith(f"scenario 'runaway': the payment for 2065 is {1e12 * 1.5**35:g}, ")
    assert str(caught.value).endswith(f"(limit {MAX_PAYMENT:g}); check the rates and horizon")


def test_a_payment_of_exactly_the_limit_is_an_overflow():
    # ₩1e15 times 10, three times, is exactly 1e18 (every step is exact in binary)
    agreements = [deal("a", 2030, 1, sma.Money(amount=1e15, currency="KRW"), sma.Frozen())] + [
        deal(f"x{year}", year, 1, sma.Rise(rate=9.0), sma.Frozen()) for year in (2031, 2032, 2033)
    ]
    scenario = sma.Scenario(name="s", agreements=agreements, assumptions=NO_RECORD)
    plan = compile_plan(scenario)
    with pytest.raises(sma.NonFiniteResultError, match="the payment for 2033 is 1e"):
        run(plan)
    plan.rate[3, 0] = 9.0 - 1e-9
    assert run(plan)[:, 0].tolist() == pytest.approx([1e15, 1e16, 1e17, 1e18])


def test_a_sample_of_a_broadcast_plan_is_named_after_its_scenario_and_number():
    # a plan whose rates have three columns and everything else one: three samples of "runaway"
    plan = compile_plan(one_agreement(sma.Fixed(rate=0.1), start=2030, term=40, name="runaway"))
    plan.rate = np.repeat(plan.rate, 3, axis=1)
    plan.rate[1:, 2] = 0.5
    assert [plan.name_of(i) for i in range(3)] == [f"runaway, sample {i}" for i in range(3)]
    with pytest.raises(
        sma.NonFiniteResultError, match=r"^scenario 'runaway, sample 2': the payment for 2065"
    ):
        run(plan)


# Filling assumptions --------------------------------------------------------------------------


def test_resolve_keeps_the_shape_of_the_years_and_the_order_of_precedence():
    assumptions = sma.Assumptions(cpi={2030: 0.05, 2032: 0.01}, use_record=True)
    years = np.array([[2024, 2025], [2030, 2031], [2032, 2040]])
    values = resolve(assumptions, "cpi", years)
    assert values.shape == (3, 2)
    assert values.dtype == np.float64
    # the record for 2024 and 2025, the explicit series, nothing where neither covers a year
    assert values[0].tolist() == pytest.approx([0.023, 0.021], abs=0.0015)
    assert values[1, 0] == 0.05 and np.isnan(values[1, 1])
    assert values[2, 0] == 0.01 and np.isnan(values[2, 1])
    constant = resolve(sma.Assumptions(cpi=0.02, use_record=False), "cpi", [2030, 2031])
    assert constant.tolist() == [0.02, 0.02]


def test_defense_budget_levels_grow_past_the_last_known_one():
    levels = np.array([np.nan, 100.0, np.nan, np.nan, 50.0, np.nan, 40.0])
    growth = np.array([0.5, 0.5, 0.1, 0.2, 0.3, -0.5, 0.0])
    extended = extend_levels(levels, growth)
    assert extended[1:].tolist() == pytest.approx([100.0, 110.0, 132.0, 50.0, 25.0, 40.0])
    assert np.isnan(extended[0])  # nothing before the first known level
    scenario = one_agreement(
        sma.Frozen(),
        start=2030,
        term=3,
        assumptions=sma.Assumptions(
            use_record=False, usd_krw=1000.0, defense_budget={2028: 50e12}, defense_budget_growth=0.1
        ),
    )
    macro = ScenarioMacro(scenario, 2028, 2032)
    assert macro.span("defense_budget", 2030, 2032).tolist() == pytest.approx([60.5e12, 66.55e12, 73.205e12])
    share = sma.project(scenario).frame["share_of_defense_budget"].tolist()
    assert share == pytest.approx([1000e9 / 60.5e12, 1000e9 / 66.55e12, 1000e9 / 73.205e12])


def test_relative_prices_run_both_ways_from_the_base_year():
    years = np.arange(2030, 2035)
    inflation = np.array([0.5, 0.1, 0.1, 0.25, 0.2])
    prices = relative_price(inflation, years, 2033)
    assert prices.dtype == np.float64
    assert prices.tolist() == pytest.approx([1 / (1.1 * 1.1 * 1.25), 1 / (1.1 * 1.25), 1 / 1.25, 1.0, 1.2])


# Parameter paths --------------------------------------------------------------------------------

PATH_HELP = (
    "write fields with dots and list positions or years in brackets, e.g. 'agreements[1].escalation.cap'"
)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("", "a parameter path must be a non-empty string like 'horizon', not ''"),
        ("  ", "a parameter path must be a non-empty string like 'horizon', not '  '"),
        (7, "a parameter path must be a non-empty string like 'horizon', not 7"),
        (".horizon", f"cannot read parameter path '.horizon' at character 1; {PATH_HELP}"),
        ("horizon..x", f"cannot read parameter path 'horizon..x' at character 8; {PATH_HELP}"),
        ("agreements[x]", f"cannot read parameter path 'agreements[x]' at character 11; {PATH_HELP}"),
    ],
)
def test_a_path_that_cannot_be_read_says_where(path, message):
    with pytest.raises(sma.ParameterPathError) as caught:
        parse_path(path)
    assert str(caught.value) == message


def test_a_path_reads_fields_positions_and_years():
    assert parse_path(" agreements[-1].escalation[2022].spread ") == (
        "agreements",
        -1,
        "escalation",
        2022,
        "spread",
    )
    assert parse_path("horizon.cap") == ("horizon", "cap")


def test_numeric_paths_are_every_number_and_empty_number_of_a_dump():
    dump = {"a": [1, {"b": 2.5, "c": True, "d": "text"}], "e": None, "f": {"g": [3]}}
    assert numeric_paths(dump) == [("a", 0), ("a", 1, "b"), ("e",), ("f", "g", 0)]


def test_list_positions_run_from_minus_the_length_to_one_less_than_it():
    two = sma.Scenario(
        name="two",
        agreements=[
            deal("a", 2030, 1, krw(1000.0), sma.Fixed(rate=0.1)),
            deal("b", 2031, 1, None, sma.Frozen()),
        ],
        assumptions=NO_RECORD,
    )
    assert resolve_path(two, "agreements[-2].start_year") == ("agreements", 0, "start_year")
    assert resolve_path(two, "agreements[1].term_years") == ("agreements", 1, "term_years")
    for outside in ("agreements[2].term_years", "agreements[-3].term_years", "horizon[0]"):
        with pytest.raises(sma.ParameterPathError, match="no such field"):
            resolve_path(two, outside)


def test_an_unknown_path_lists_close_matches_and_the_numeric_fields():
    small = one_agreement(sma.Fixed(rate=0.1), start=2030, term=2, name="small")
    with pytest.raises(sma.ParameterPathError) as caught:
        resolve_path(small, "agreements[0].escalation.rat")
    numeric = [
        "agreements[0].start_year",
        "agreements[0].term_years",
        "agreements[0].base.amount",
        "agreements[0].escalation.rate",
        "assumptions.cpi",
        "assumptions.defense_budget_growth",
        "assumptions.usd_krw",
        "assumptions.us_cpi",
        "assumptions.troops",
        "assumptions.defense_budget",
        "assumptions.gdp",
        "assumptions.npsc_usd",
    ]
    assert str(caught.value) == (
        "parameter path 'agreements[0].escalation.rat': no such field; did you mean "
        "'agreements[0].escalation.rate', 'agreements[0].start_year', 'agreements[0].base.amount', "
        "'agreements[0].term_years'? Numeric fields of this scenario: " + ", ".join(numeric) + " …"
    )
    with pytest.raises(sma.ParameterPathError) as caught:
        resolve_path(small, "zzzzzz")
    assert "no such field Numeric fields of this scenario: agreements[0].start_year, " in str(caught.value)


# Descriptions and messages of the terms ------------------------------------------------------------


def test_a_schedule_missing_many_years_names_the_first_five_and_counts_the_rest():
    schedule = sma.Schedule(rates={2030: 0.1})
    with pytest.raises(ValueError) as caught:
        schedule.check_span(2030, 2037)
    assert str(caught.value) == (
        "Schedule has no rate for 2031, 2032, 2033, 2034, 2035 and 2 more; it governs 2030-2037 "
        "and needs a rate for each of those years"
    )
    with pytest.raises(
        ValueError, match=r"^Schedule has no rate for 2031, 2032, 2033, 2034, 2035; it governs"
    ):
        schedule.check_span(2030, 2035)


def test_descriptions_of_roll_over_and_of_a_rule_that_forgot_its_own():
    assert sma.RollOver().describe() == "roll over"

    class Nameless(sma_rule_base):
        kind: Literal["nameless"] = "nameless"

    with pytest.raises(NotImplementedError, match=r"^Nameless must define describe\(\)$"):
        Nameless().describe()


@pytest.mark.parametrize(
    ("scenarios", "message"),
    [
        (
            "status-quo",
            "expected a Scenario or a list of them, not str; for a preset use sma.presets.get(name)",
        ),
        ([], "no scenarios given; pass at least one Scenario"),
        ([one_agreement(sma.Frozen()), 3], "scenarios[1] is a int, not a Scenario"),
    ],
)
def test_what_is_not_a_list_of_scenarios_is_named(scenarios, message):
    with pytest.raises(sma.ScenarioError) as caught:
        compile_plan(scenarios)
    assert str(caught.value) == message


def test_a_scenario_changed_without_validation_is_validated_again_without_warnings():
    changed = one_agreement(sma.Frozen(), term=2).model_copy(update={"horizon": 2021.0})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plan = compile_plan(changed)
    assert plan.years.tolist() == [2020, 2021]


def test_a_rule_without_a_compile_function_is_named_with_the_fix():
    class Unrun(sma_rule_base):
        kind: Literal["unrun"] = "unrun"

        def describe(self) -> str:
            return "unrun"

    register_rule(Unrun)
    try:
        with pytest.raises(sma.SMAModelError) as caught:
            compile_plan(one_agreement(Unrun(), term=2))
    finally:
        unregister_rule(Unrun)
    assert str(caught.value) == (
        "Unrun has no compile function; register one with @compiles(Unrun) in your code (see CONTRIBUTING.md)"
    )


def test_rule_descriptions_for_tables():
    assert sma.Indexed(index="cpi", lag=2, cap=0.05).describe() == "CPI (t-2), cap 5.0%"
    assert sma.Indexed(index="defense_budget", spread=0.01, floor=-0.01).describe() == (
        "defense budget (t) +1.0%, floor -1.0%"
    )
    assert sma.Schedule(rates={2030: 0.1}).describe() == "schedule"
    target = sma.Money(amount=5e9, currency="USD")
    assert sma.PhaseIn(target=target, by_year=2030).describe() == "phase-in to $5bn by 2030 (geometric)"


def test_six_missing_years_show_five_and_one_more():
    with pytest.raises(
        ValueError, match=r"^Schedule has no rate for 2031, 2032, 2033, 2034, 2035 and 1 more;"
    ):
        sma.Schedule(rates={2030: 0.1}).check_span(2030, 2036)


def test_a_variant_is_the_baseline_with_its_changes_and_its_own_name():
    base = one_agreement(sma.Fixed(rate=0.1), start=2030, term=2, name="base")
    variant = base.with_changes({"agreements[0].escalation.rate": 0.2}, name="faster")
    assert (variant.name, variant.agreements[0].escalation.rate) == ("faster", 0.2)
    assert (base.name, base.agreements[0].escalation.rate) == ("base", 0.1)
    assert base.with_changes({"horizon": 2035}).name == "base"


@pytest.mark.parametrize(
    ("annotation", "default"),
    [(Literal["two", "kinds"], "two"), (Literal["tag"], "other"), (str, "tag")],
)
def test_a_rule_needs_exactly_one_kind_literal_with_that_default(annotation, default):
    bad = type(
        "Bad",
        (sma_rule_base,),
        {"__annotations__": {"kind": annotation}, "kind": default, "__module__": __name__},
    )
    with pytest.raises(
        sma.SMAModelError, match=r"^Bad: a rule needs a field kind: Literal\['<name>'\] = '<name>'"
    ):
        register_rule(bad)


@pytest.mark.parametrize(
    ("year", "message"),
    [
        (True, "cpi: True is not a year"),
        (2029.5, "cpi: 2029.5 is not a whole year"),
        (1985, "cpi: year 1985 is outside 1986-2200"),
        (2201, "cpi: year 2201 is outside 1986-2200"),
    ],
)
def test_assumption_years_are_whole_years_from_1986_to_2200(year, message):
    with pytest.raises(ValidationError, match=f"Value error, {re.escape(message)} "):
        sma.Assumptions(cpi={year: 0.02})
    assert sma.Assumptions(cpi={1986: 0.02, 2200: 0.03, " 2030 ": 0.04, 2031.0: 0.05}).cpi == {
        1986: 0.02,
        2200: 0.03,
        2030: 0.04,
        2031: 0.05,
    }


def test_a_previous_payment_recorded_in_dollars_is_multiplied_into_won(monkeypatch):
    # the record holds won; a host whose record holds dollars: $1bn in 2029 at 1,200 is ₩1,200bn
    monkeypatch.setattr(
        compile_module, "published_payment", lambda year: sma.Money(amount=1e9, currency="USD")
    )
    won = deal("won", 2030, 1, sma.Rise(rate=0.0), sma.Frozen(), currency="KRW")
    fx = {2028: 1000.0, 2029: 1200.0, 2030: 1000.0}
    plan = compile_plan(
        sma.Scenario(name="x", agreements=[won], assumptions=sma.Assumptions(use_record=False, usd_krw=fx))
    )
    assert plan.anchor.tolist() == [1200 * BN]
    assert plan.fx_links == [FxLink("anchor", -1, 0, 2029, True, 1e9)]


def _small():
    assumptions = sma.Assumptions(use_record=False, usd_krw=1000.0, cpi={2030: 0.02})
    return one_agreement(sma.Fixed(rate=0.1), start=2030, term=2, name="s", assumptions=assumptions)


SMALL_NUMERIC = (
    " Numeric fields of this scenario: agreements[0].start_year, agreements[0].term_years, "
    "agreements[0].base.amount, agreements[0].escalation.rate, "
    "assumptions.cpi[2030], assumptions.defense_budget_growth, assumptions.usd_krw, assumptions.us_cpi, "
    "assumptions.troops, assumptions.defense_budget, assumptions.gdp, assumptions.npsc_usd …"
)


def test_field_paths_list_every_branch_and_leaf():
    assert field_paths({"a": [1, {"b": 2}], "c": {2030: 0.1}}) == [
        ("a",),
        ("a", 0),
        ("a", 1),
        ("a", 1, "b"),
        ("c",),
        ("c", 2030),
    ]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            "assumptions.cpi",
            "it holds a dict, not a number (a {year: value} series: address one year, e.g. "
            "'assumptions.cpi[2030]'); did you mean 'assumptions.us_cpi', 'assumptions.gdp', "
            "'assumptions.cpi[2030]', 'assumptions.troops', 'assumptions.npsc_usd'?",
        ),
        ("name", "it holds a str, not a number"),
        (
            "assumptions.use_record",
            "it holds a bool, not a number; did you mean 'assumptions.us_cpi', 'assumptions.usd_krw', "
            "'assumptions.npsc_usd', 'assumptions.gdp', 'assumptions.troops'?",
        ),
    ],
)
def test_a_numeric_path_that_holds_no_number_says_what_it_holds(path, message):
    with pytest.raises(sma.ParameterPathError) as caught:
        resolve_path(_small(), path)
    assert str(caught.value) == f"parameter path {path!r}: {message}{SMALL_NUMERIC}"


def test_a_change_may_set_any_field_or_add_a_year():
    dump = _small().model_dump()
    assert resolve_change(dump, "assumptions.cpi[2031]") == ("assumptions", "cpi", 2031)
    assert resolve_change(dump, "assumptions.cpi[2030]") == ("assumptions", "cpi", 2030)
    assert resolve_change(dump, "agreements[-1].base") == ("agreements", 0, "base")
    assert resolve_change(dump, "agreements[0].escalation.rate") == ("agreements", 0, "escalation", "rate")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            "assumptions.usd_krw[2031]",
            "assumptions.usd_krw holds one number, not a {year: value} series; did you mean "
            "'assumptions.usd_krw', 'assumptions.cpi[2030]', 'assumptions.us_cpi', 'assumptions.use_record', "
            "'assumptions.npsc_usd'?",
        ),
        (
            "agreements[0].base[2030]",
            "no such field; did you mean 'agreements[0].base', 'agreements[0].name', "
            "'agreements[0].base.amount', 'agreements[0].base.currency', 'agreements[0]'?",
        ),
        (
            "agreements[-2]",
            "no such field; did you mean 'agreements[0]', 'agreements', 'agreements[0].name', "
            "'agreements[0].base', 'agreements[0].currency'?",
        ),
        (
            "agreements[1].name",
            "no such field; did you mean 'agreements[0].name', 'agreements[0].base', 'agreements[0]', "
            "'agreements[0].start_year', 'agreements'?",
        ),
        ("nme", "no such field; did you mean 'name'?"),
    ],
)
def test_a_change_to_a_field_that_is_not_there_lists_every_close_field(path, message):
    with pytest.raises(sma.ParameterPathError) as caught:
        resolve_change(_small().model_dump(), path)
    assert str(caught.value) == f"parameter path {path!r}: {message}{SMALL_NUMERIC}"


def test_describe_rule_names_no_base_and_refuses_what_is_not_a_rule():
    assert describe_rule(None) == "first rule"
    assert describe_rule(sma.Frozen()) == "frozen"

    class LooksLikeARule:
        def describe(self):
            return "fake"

    for thing in (3, LooksLikeARule(), sma.Assumptions()):
        with pytest.raises(TypeError, match=r"^not a rule: "):
            describe_rule(thing)


def test_changes_must_be_a_mapping():
    with pytest.raises(
        sma.SMAModelError, match=r"^changes must be a mapping of parameter paths to values, not list"
    ):
        _small().with_changes([("horizon", 2035)])


# Changes holding numpy values, close matches and after-expiry provenance ----------------------------


def test_a_change_may_hold_zero_dimensional_arrays_also_inside_a_dict():
    # a 0-d array (what np.median or a sweep's row gives) is refused by the models as they
    # stand, so with_changes must turn numpy values into Python numbers, also inside
    # dicts and lists of a change
    status_quo = sma.presets.get("status-quo")
    with pytest.raises(ValidationError):
        sma.Scenario.model_validate(
            {**status_quo.model_dump(), "assumptions": {"use_record": True, "cpi": np.array(0.025)}}
        )
    assert status_quo.with_changes({"assumptions.cpi": np.array(0.025)}).assumptions.cpi == 0.025
    nested = status_quo.with_changes({"assumptions": {"use_record": True, "cpi": np.array(0.025)}})
    assert nested.assumptions.cpi == 0.025


def test_plain_number_gives_python_numbers_and_whole_floats_as_ints():
    for value, expected in ((np.float64(2030.0), 2030), (np.array(2030.0), 2030), (2031.0, 2031)):
        assert plain_number(value) == expected and type(plain_number(value)) is int
    assert plain_number(np.float64(0.025)) == 0.025 and type(plain_number(np.float64(0.025))) is float
    assert plain_number(2.5) == 2.5


def test_the_cli_shorthand_name_as_a_path_suggests_the_field_it_stands_for():
    # difflib's ratio of 'defense_growth' to 'assumptions.defense_budget_growth' is 0.596 and
    # to 'assumptions.defense_budget' 0.5: below difflib's default cutoff of 0.6
    with pytest.raises(sma.ParameterPathError) as caught:
        sma.presets.get("status-quo").with_changes({"defense_growth": 0.03})
    assert "did you mean 'assumptions.defense_budget_growth', 'assumptions.defense_budget'?" in str(
        caught.value
    )


def test_a_rule_after_expiry_is_traced_to_after_expiry_and_a_rolled_over_one_to_its_agreement():
    two_rules = deal(
        "Two",
        2025,
        3,
        sma.Money(amount=1000 * BN, currency="KRW"),
        {2026: sma.Fixed(rate=0.05), 2027: sma.Fixed(rate=0.02)},
    )
    frozen = sma.Scenario(
        name="f", agreements=[two_rules], assumptions=NO_RECORD, horizon=2029, after_expiry=sma.Frozen()
    )
    assert [(t.year, t.origin, t.first_ruled) for t in frozen.timeline()[-3:]] == [
        (2027, ("agreements", 0, "escalation", 2027), 2027),
        (2028, ("after_expiry",), 2028),
        (2029, ("after_expiry",), 2028),
    ]
    rolled = sma.Scenario(name="r", agreements=[two_rules], assumptions=NO_RECORD, horizon=2029)
    assert [(t.year, t.origin, t.first_ruled) for t in rolled.timeline()[-2:]] == [
        (2028, ("agreements", 0, "escalation", 2027), 2027),
        (2029, ("agreements", 0, "escalation", 2027), 2027),
    ]


def test_an_agreement_whose_currency_cannot_be_told_says_how_to_give_it():
    rise_only = deal("Rise", 2030, 2, None, sma.Fixed(rate=0.1))
    scenario = sma.Scenario(name="r", agreements=[rise_only], assumptions=NO_RECORD, horizon=2031)
    with pytest.raises(
        sma.ScenarioError, match=r"^Rise: cannot tell the currency; give currency='KRW' or 'USD'$"
    ):
        scenario.timeline(anchor_currency=None)


def test_numeric_paths_skip_an_empty_currency_and_go_on_to_the_next_field():
    dump = {"currency": None, "rate": 0.1, "cap": None, "name": "x"}
    assert numeric_paths(dump) == [("rate",), ("cap",)]


def test_a_change_appends_an_agreement_and_keeps_every_earlier_one():
    status_quo = sma.presets.get("status-quo")
    five = deal("$5bn", 2027, 9, sma.Money(amount=5e9, currency="USD"), sma.Frozen())
    demand = status_quo.with_changes({"agreements[0].term_years": 1, "agreements[1]": five})
    assert demand.agreements[0].name == "12th SMA" and demand.agreements[1] == five


def test_moving_a_scenario_to_japan_drops_korea_s_default_troops_unless_the_change_sets_them():
    status_quo = sma.presets.get("status-quo")  # 28,500 US troops, Korea's default
    moved = status_quo.with_changes({"host": "japan", "assumptions.usd_krw": 140.0})
    assert (moved.host, moved.assumptions.troops) == ("japan", None)
    kept = status_quo.with_changes(
        {"host": "japan", "assumptions.usd_krw": 140.0, "assumptions.troops": 28_500.0}
    )
    assert kept.assumptions.troops == 28_500.0


def test_an_unknown_currency_is_pydantic_s_literal_error_as_a_literal_field_gives():
    with pytest.raises(ValidationError) as caught:
        sma.Money(amount=1.0, currency="EUR")
    assert caught.value.errors()[0]["type"] == "literal_error"
