"""Issue 11, cases 2-4 in the terms: no percent typed as a whole number, no bool read as a
number, no two keys for one year, no control character in an agreement's name.

Each test here failed before the terms refused these inputs (they were accepted, or
refused for another reason with another message).
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import BN, krw, one_agreement, payments_bn
from pydantic import ValidationError

import sma_model as sma
from sma_model import io

YES_NO = "is a yes/no value, not a number"


def agreement(**changes):
    fields = dict(name="a", start_year=2030, term_years=3, base=krw(1000.0), escalation=sma.Frozen())
    return sma.Agreement(**{**fields, **changes})


# 2. A percent typed as a whole number ------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: sma.Fixed(rate=6),
            r"rate: 6 is outside the allowed range -0.5 to 0.5 .*did you mean 0.06\?",
        ),
        (lambda: sma.Fixed(rate=-0.8), r"rate: -0.8 is outside the allowed range -0.5 to 0.5"),
        (lambda: sma.Indexed(index="cpi", cap=5), r"cap: 5 is outside .*did you mean 0.05\?"),
        (lambda: sma.Indexed(index="cpi", floor=0.7), r"floor: 0.7 is outside the allowed range -0.5 to 0.5"),
        (
            lambda: sma.Indexed(index="cpi", spread=0.8),
            r"spread: 0.8 is outside the allowed range -0.5 to 0.5",
        ),
        (
            lambda: sma.Schedule(rates={2030: 0.05, 2031: 4.0}),
            r"rates\.2031\n.*rates: 4 is outside .*did you mean 0.04\?",
        ),
    ],
)
def test_a_growth_outside_minus_to_plus_fifty_percent_is_refused_with_the_fraction(make, message):
    with pytest.raises(ValidationError, match=message):
        make()


def test_growth_at_the_ends_of_the_range_and_a_large_rise_are_accepted_and_no_further():
    for outside in (0.5 + 1e-9, -0.5 - 1e-9):
        with pytest.raises(ValidationError, match=r"outside the allowed range -0\.5 to 0\.5"):
            sma.Fixed(rate=outside)
    assert sma.Fixed(rate=0.5).rate == 0.5
    assert sma.Fixed(rate=-0.5).rate == -0.5
    assert sma.Indexed(index="cpi", cap=0.5, floor=-0.5, spread=-0.5).spread == -0.5
    assert sma.Rise(rate=3.0).rate == 3.0  # a demand of four times the last payment


def test_the_schema_states_the_growth_range():
    defs = io.scenario_schema()["$defs"]
    assert defs["Fixed"]["properties"]["rate"]["maximum"] == 0.5
    assert defs["Fixed"]["properties"]["rate"]["minimum"] == -0.5
    assert defs["Schedule"]["properties"]["rates"]["additionalProperties"]["maximum"] == 0.5
    assert defs["Rise"]["properties"]["rate"]["maximum"] == 10.0


# 4. A bool is not a number -------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: sma.Fixed(rate=True),
        lambda: sma.Fixed(rate=np.True_),
        lambda: sma.Rise(rate=True),
        lambda: sma.Money(amount=True, currency="KRW"),
        lambda: sma.Indexed(index="cpi", lag=True),
        lambda: sma.Indexed(index="cpi", cap=True),
        lambda: sma.Indexed(index="cpi", spread=False),
        lambda: sma.Schedule(rates={2030: True}),
        lambda: agreement(term_years=True),
        lambda: agreement(start_year=True),
        lambda: sma.PhaseIn(target=krw(2000.0), by_year=True),
    ],
)
def test_a_bool_is_refused_where_a_number_belongs(make):
    with pytest.raises(ValidationError, match=YES_NO):
        make()


def test_a_number_in_text_still_converts_but_a_bool_in_text_does_not():
    # YAML reads 5e9 (no dot) as text; it was and stays a number
    with pytest.raises(ValidationError, match=YES_NO):
        sma.Money(amount=True, currency="USD")
    assert sma.Money(amount="5e9", currency="USD").amount == 5e9
    assert sma.Indexed(index="cpi", lag="2").lag == 2


# 3. Two keys for one year ---------------------------------------------------------------------


def test_a_schedule_refuses_two_keys_for_one_year():
    with pytest.raises(ValidationError, match="the keys 2027 and '2027' both mean the year 2027"):
        sma.Schedule(rates={2027: 0.1, "2027": 0.2})


def test_an_escalation_by_year_refuses_two_keys_for_one_year():
    rules = {2031: sma.Fixed(rate=0.1), "2031": sma.Frozen()}
    with pytest.raises(ValidationError, match="the keys 2031 and '2031' both mean the year 2031"):
        agreement(escalation=rules)


def test_year_keys_given_as_text_still_mean_their_year_once():
    with pytest.raises(ValidationError, match="both mean the year 2032"):
        sma.Schedule(rates={"2031": 0.1, 2032: 0.2, "2032": 0.3})
    schedule = sma.Schedule(rates={"2031": 0.1, 2032: 0.2})
    assert schedule.rates == {2031: 0.1, 2032: 0.2}
    deal = agreement(escalation={"2031": sma.Fixed(rate=0.1), 2032: sma.Frozen()})
    assert list(deal.escalation) == [2031, 2032]
    assert payments_bn(one_agreement(schedule, start=2030, term=3)) == [1000.0, 1100.0, 1320.0]


# Agreement names are one line of printable text ----------------------------------------------


@pytest.mark.parametrize("name", ["12th\x85SMA", "a\nb", "\u202edeal"])
def test_an_agreement_name_with_a_control_character_is_refused(name):
    with pytest.raises(ValidationError, match=r"Agreement.name: character \d+ is U\+"):
        agreement(name=name)


def test_an_ordinary_agreement_name_is_kept_and_a_line_separator_is_not():
    with pytest.raises(ValidationError, match=r"character 5 is U\+2028"):
        agreement(name="12th\u2028SMA")
    assert agreement(name="12th SMA (제12차)").name == "12th SMA (제12차)"


# The same in a scenario file: refused with the path of the field -------------------------------

SCENARIO = """\
name: typo
agreements:
  - name: deal
    start_year: 2030
    term_years: 3
    base: {{amount: 1.0e12, currency: KRW}}
    escalation: {escalation}
assumptions: {{use_record: false, usd_krw: 1000.0, cpi: 0.02}}
"""


@pytest.mark.parametrize(
    ("escalation", "where", "message"),
    [
        ("{kind: fixed, rate: yes}", "agreements.0.escalation.rule.fixed.rate", YES_NO),
        (
            "{kind: indexed, index: cpi, cap: 5}",
            "agreements.0.escalation.rule.indexed.cap",
            r"cap: 5 is outside the allowed range -0.5 to 0.5 \(a fraction per year\); did you mean 0.05\?",
        ),
        (
            "{kind: schedule, rates: {2031: 0.1, '2031': 0.2, 2032: 0.1}}",
            "agreements.0.escalation.rule.schedule.rates",
            "the keys 2031 and '2031' both mean the year 2031",
        ),
        (
            "{2031: {kind: frozen}, '2031': {kind: fixed, rate: 0.1}}",
            "agreements.0.escalation",
            "the keys 2031 and '2031' both mean the year 2031",
        ),
    ],
)
def test_a_scenario_file_is_refused_naming_the_path(tmp_path, escalation, where, message):
    path = tmp_path / "typo.yaml"
    path.write_text(SCENARIO.format(escalation=escalation), encoding="utf-8")
    with pytest.raises(sma.ScenarioFileError) as caught:
        io.load_scenario(path)
    text = str(caught.value)
    assert text.startswith(f"{path}: not a valid scenario")
    assert f"  {where}: " in text
    assert re.search(message, text)


def test_a_valid_scenario_file_still_loads_with_its_numbers_and_a_percent_does_not(tmp_path):
    path = tmp_path / "percent.yaml"
    path.write_text(SCENARIO.format(escalation="{kind: fixed, rate: 10}"), encoding="utf-8")
    with pytest.raises(sma.ScenarioFileError, match=r"did you mean 0\.1\?"):
        io.load_scenario(path)
    path = tmp_path / "ok.yaml"
    path.write_text(SCENARIO.format(escalation="{kind: fixed, rate: 0.1}"), encoding="utf-8")
    frame = sma.project(io.load_scenario(path)).frame
    assert frame["payment_krw"].tolist() == pytest.approx([1000 * BN, 1100 * BN, 1210 * BN])
