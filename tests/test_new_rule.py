"""A new escalation rule is one model class plus one compile function (CONTRIBUTING.md).

The toy rule here is added at test time exactly as CONTRIBUTING.md shows, then used like
a built-in one: in an agreement, after expiry, in YAML, in the JSON schema and in a sweep.
"""

from __future__ import annotations

import json
from typing import Literal

import pytest
from conftest import BN, krw, one_agreement, payments_bn
from pydantic import Field, ValidationError

import sma_model as sma
from sma_model import io
from sma_model.engine.compile import Cell, compiles
from sma_model.engine.macro import ScenarioMacro
from sma_model.model.registry import Rule, register_rule, registered_rules, unregister_rule
from sma_model.model.scenario import YearTerm
from sma_model.model.terms import describe_rule


# 1. the model: a pydantic class with a `kind` literal and a description ------------------
class Stepped(Rule):
    """Growth of ``rate`` in the first year the rule governs and every ``every`` years after; flat between."""

    kind: Literal["stepped"] = "stepped"
    rate: float = Field(ge=-0.99, le=10.0, allow_inf_nan=False)
    """Growth in a step year [fraction]."""
    every: int = Field(ge=1, le=10)
    """Years from one step to the next."""

    def describe(self) -> str:
        return f"stepped {self.rate:+.1%} every {self.every} years"


# 2. the compile function: what the rule writes into one (year, scenario) cell of the plan --
@compiles(Stepped)
def _stepped(cell: Cell, term: YearTerm, macro: ScenarioMacro) -> None:
    step = term.step
    assert isinstance(step, Stepped)
    due = (term.year - term.first_ruled) % step.every == 0
    cell.set(rate=step.rate if due else 0.0)


@pytest.fixture
def stepped():
    """Stepped registered for one test (the module-level @register_rule of CONTRIBUTING.md)."""
    register_rule(Stepped)
    yield Stepped
    unregister_rule(Stepped)


def test_an_unregistered_rule_is_refused():
    assert Stepped not in registered_rules()
    with pytest.raises(ValidationError, match="does not match any of the expected tags"):
        one_agreement(Stepped(rate=0.1, every=2))


def test_the_new_rule_projects_hand_worked_numbers(stepped):
    # 2020 base 1000; steps of +10% in 2021, 2023, 2025 (every 2 years from the first ruled year)
    scenario = one_agreement(stepped(rate=0.1, every=2), term=6)
    assert payments_bn(scenario) == [1000.0, 1100.0, 1100.0, 1210.0, 1210.0, 1331.0]


def test_the_new_rule_takes_over_in_a_given_year_and_after_expiry(stepped):
    # 2021 fixed +5% -> 1050; Stepped(+20%, every 3) from 2022: 2022 1260, 2023-2024 held;
    # after expiry (2024) it is rolled over and keeps counting: 2025 is a step year -> 1512
    escalation = {2021: sma.Fixed(rate=0.05), 2022: stepped(rate=0.2, every=3)}
    scenario = one_agreement(escalation, term=5, horizon=2026)
    assert payments_bn(scenario) == [1000.0, 1050.0, 1260.0, 1260.0, 1260.0, 1512.0, 1512.0]
    # as an after_expiry rule of its own: its steps count from the first year after expiry
    scenario = one_agreement(
        sma.Fixed(rate=0.0), term=2, after_expiry=stepped(rate=-0.5, every=2), horizon=2024
    )
    assert payments_bn(scenario) == [1000.0, 1000.0, 500.0, 500.0, 250.0]


def test_the_new_rule_describes_itself(stepped):
    rule = stepped(rate=0.1, every=2)
    assert describe_rule(rule) == "stepped +10.0% every 2 years"
    scenario = one_agreement(sma.Frozen(), term=1, after_expiry=rule, horizon=2021)
    assert sma.project(scenario).frame["agreement"].tolist() == [
        "deal",
        "after deal (stepped +10.0% every 2 years)",
    ]


def test_the_new_rule_round_trips_through_yaml_and_json(stepped, tmp_path):
    scenario = one_agreement({2021: stepped(rate=0.1, every=2)}, after_expiry=stepped(rate=0.0, every=1))
    for suffix in (".yaml", ".json"):
        path = io.save_scenario(scenario, tmp_path / f"s{suffix}")
        assert "stepped" in path.read_text(encoding="utf-8")
        assert io.load_scenario(path) == scenario


def test_the_schema_lists_the_new_rule_while_it_is_registered(stepped):
    shipped = json.loads((sma.history.data_dir() / "scenario.schema.json").read_text(encoding="utf-8"))
    schema = io.scenario_schema()
    assert "Stepped" in schema["$defs"] and schema != shipped
    unregister_rule(stepped)
    assert io.scenario_schema() == shipped  # the built-in rules' schema is unchanged
    register_rule(stepped)


def test_a_sweep_of_the_new_rule_equals_its_projections(stepped):
    # the rate is not copied into plan cells as it is, so the sweep compiles once per value
    scenario = one_agreement(stepped(rate=0.1, every=2), term=4)
    result = sma.sweep(scenario, {"agreements[0].escalation.rate": [0.0, 0.1, 0.2]})
    expected = [sum(payments_bn(one_agreement(stepped(rate=r, every=2), term=4))) * BN for r in (0, 0.1, 0.2)]
    assert result.frame["total_krw"].tolist() == pytest.approx(expected)
    # steps in 2021 and 2023: 1000 + 1000(1+r) + 1000(1+r) + 1000(1+r)^2
    assert expected == pytest.approx([4000 * BN, 4410 * BN, 4840 * BN])


def test_registration_is_checked():
    class NoKind(Rule):
        rate: float = 0.0

    with pytest.raises(sma.SMAModelError, match="a rule needs a field kind"):
        register_rule(NoKind)

    class Clash(Rule):
        kind: Literal["fixed"] = "fixed"

    with pytest.raises(sma.SMAModelError, match="rule kind 'fixed' is taken by Fixed"):
        register_rule(Clash)
    with pytest.raises(sma.SMAModelError, match="takes a Rule subclass"):
        register_rule(sma.Money)  # type: ignore[arg-type]


def test_a_registered_rule_without_a_compile_function_says_so():
    class Orphan(Rule):
        kind: Literal["orphan"] = "orphan"

        def describe(self) -> str:
            return "orphan"

    register_rule(Orphan)
    try:
        scenario = one_agreement(Orphan(), term=2)
        with pytest.raises(
            sma.SMAModelError, match=r"Orphan has no compile function; register one with @compiles"
        ):
            sma.project(scenario)
    finally:
        unregister_rule(Orphan)


def test_money_is_still_the_base(stepped):
    # the base year is a reset to the Money amount whatever rule follows
    scenario = one_agreement(stepped(rate=0.5, every=1), term=2, base_bn=400.0)
    assert payments_bn(scenario) == [400.0, 600.0]
    assert describe_rule(krw(400.0)) == "base ₩400bn"
