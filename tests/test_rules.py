"""Each escalation rule against numbers worked out by hand."""

from __future__ import annotations

import pytest
from conftest import BN, krw, one_agreement, payments_bn
from pydantic import ValidationError

import sma_model as sma


def test_fixed_rate_compounds_from_the_base():
    # 1000, 1000 x 1.05 = 1050, 1050 x 1.05 = 1102.5
    assert payments_bn(one_agreement(sma.Fixed(rate=0.05), term=3)) == [1000.0, 1050.0, 1102.5]


def test_frozen_keeps_the_level():
    assert payments_bn(one_agreement(sma.Frozen(), term=3)) == [1000.0, 1000.0, 1000.0]


def test_schedule_applies_each_years_rate():
    rule = sma.Schedule(rates={2021: 0.10, 2022: -0.10})
    # 1000, 1100, 1100 x 0.9 = 990
    assert payments_bn(one_agreement(rule, term=3)) == [1000.0, 1100.0, 990.0]


def test_indexed_applies_lag_cap_and_floor():
    assumptions = sma.Assumptions(use_record=False, usd_krw=1000.0, cpi={2019: 0.06, 2020: 0.01, 2021: 0.03})
    rule = sma.Indexed(index="cpi", lag=1, cap=0.05, floor=0.02)
    # 2021 uses 2020's 1% -> floored to 2%: 1020; 2022 uses 2021's 3%: 1050.6
    scenario = one_agreement(rule, start=2020, term=3, assumptions=assumptions)
    assert payments_bn(scenario) == [1000.0, 1020.0, 1050.6]
    # lag 2: 2021 uses 2019's 6% -> capped at 5%: 1050; 2022 uses 2020's 1% -> floor 2%: 1071
    rule2 = sma.Indexed(index="cpi", lag=2, cap=0.05, floor=0.02)
    scenario2 = one_agreement(rule2, start=2020, term=3, assumptions=assumptions)
    assert payments_bn(scenario2) == [1000.0, 1050.0, 1071.0]


def test_indexed_spread_is_added_before_the_cap():
    assumptions = sma.Assumptions(use_record=False, usd_krw=1000.0, defense_budget_growth=0.03)
    rule = sma.Indexed(index="defense_budget", spread=0.01, cap=0.035)
    # 3% + 1% = 4%, capped at 3.5%
    assert payments_bn(one_agreement(rule, term=2, assumptions=assumptions)) == [1000.0, 1035.0]


def test_geometric_phase_in_reaches_and_holds_its_target():
    rule = sma.PhaseIn(target=krw(1331.0), by_year=2023)
    # from 1000 (2020) to 1331 in three equal steps of +10%, then held
    assert payments_bn(one_agreement(rule, term=5)) == [1000.0, 1100.0, 1210.0, 1331.0, 1331.0]


def test_linear_phase_in_takes_equal_steps():
    rule = sma.PhaseIn(target=krw(1330.0), by_year=2023, shape="linear")
    assert payments_bn(one_agreement(rule, term=4)) == [1000.0, 1110.0, 1220.0, 1330.0]


def test_rise_base_builds_on_the_previous_payment():
    first = sma.Agreement(name="a", start_year=2020, term_years=1, base=krw(1000.0), escalation=sma.Frozen())
    second = sma.Agreement(
        name="b", start_year=2021, term_years=2, base=sma.Rise(rate=0.083), escalation=sma.Fixed(rate=0.1)
    )
    scenario = sma.Scenario(
        name="rise", agreements=[first, second], assumptions=sma.Assumptions(use_record=False, usd_krw=1000.0)
    )
    assert payments_bn(scenario) == [1000.0, 1083.0, 1191.3]


def test_rules_that_take_over_from_given_years():
    escalation = {2021: sma.Fixed(rate=0.139), 2022: sma.Schedule(rates={2022: 0.05, 2023: 0.0})}
    assert payments_bn(one_agreement(escalation)) == [1000.0, 1139.0, 1195.95, 1195.95]


@pytest.mark.parametrize(
    ("after_expiry", "expected"),
    [
        (sma.RollOver(), [1000.0, 1100.0, 1210.0, 1331.0]),
        (sma.Frozen(), [1000.0, 1100.0, 1100.0, 1100.0]),
        (sma.Fixed(rate=-0.5), [1000.0, 1100.0, 550.0, 275.0]),
    ],
)
def test_after_expiry(after_expiry, expected):
    scenario = one_agreement(sma.Fixed(rate=0.1), term=2, after_expiry=after_expiry, horizon=2023)
    assert payments_bn(scenario) == expected


def test_the_years_between_deals_follow_after_expiry():
    # 2020 between the 10th and 11th SMA was paid at the 2019 level.
    tenth = sma.Agreement(
        name="10th", start_year=2019, term_years=1, base=krw(1038.9), escalation=sma.Frozen()
    )
    eleventh = sma.Agreement(
        name="11th", start_year=2021, term_years=2, base=sma.Rise(rate=0.139), escalation=sma.Fixed(rate=0.0)
    )
    scenario = sma.Scenario(
        name="gap",
        agreements=[tenth, eleventh],
        after_expiry=sma.Frozen(),
        assumptions=sma.Assumptions(use_record=False, usd_krw=1000.0),
    )
    frame = sma.project(scenario).frame
    assert list(frame["payment_krw"].round(-8) / BN) == [1038.9, 1038.9, 1183.3, 1183.3]
    assert list(frame["agreement"]) == ["10th", "after 10th (frozen)", "11th", "11th"]


def test_growth_rate_column():
    # no published payment for 2039, so the first year's growth is unknown (<NA>)
    frame = sma.project(one_agreement(sma.Fixed(rate=0.05), start=2040, term=3)).frame
    assert frame["growth_rate"].isna().tolist() == [True, False, False]
    assert frame["growth_rate"].iloc[1:].round(12).tolist() == [0.05, 0.05]
    assert frame["payment_krw"].iloc[0] == 1000.0 * BN


def test_first_year_growth_is_measured_against_the_published_payment():
    # the record has 2019 = 1,038.9bn, so a 2020 base of 1,000bn is a 3.75 % fall
    frame = sma.project(one_agreement(sma.Frozen(), start=2020, term=1)).frame
    assert frame["growth_rate"].iloc[0] == pytest.approx(1000.0 / 1038.9 - 1.0)


# A one-year agreement's rule is checked like a longer agreement's ------------------------


@pytest.mark.parametrize(
    ("escalation", "fragment"),
    [
        (sma.Schedule(rates={2099: 0.1}), "Schedule has no rate for 2021"),
        (sma.PhaseIn(target=krw(1100.0), by_year=2019), r"PhaseIn.by_year \(2019\) is before"),
        ({2099: sma.Fixed(rate=0.1)}, "the first rule must start in 2021"),
    ],
)
def test_a_one_year_agreements_rule_is_validated(escalation, fragment):
    # the base sets 2020, so the rule governs from 2021 when it is rolled over
    with pytest.raises(ValidationError, match=fragment):
        sma.Agreement(name="a", start_year=2020, term_years=1, base=krw(1000.0), escalation=escalation)


def test_a_one_year_agreements_valid_rule_rolls_over():
    rule = sma.Schedule(rates={2021: 0.1, 2022: 0.2})
    agreement = sma.Agreement(name="a", start_year=2020, term_years=1, base=krw(1000.0), escalation=rule)
    scenario = sma.Scenario(
        name="s", agreements=[agreement], horizon=2022, assumptions=sma.Assumptions(use_record=False)
    )
    assert payments_bn(scenario) == [1000.0, 1100.0, 1320.0]


# A phase-in to a target in the other currency, reached after the horizon -----------------


def _won_deal_then_dollar_phase_in(usd_krw):
    first = sma.Agreement(
        name="won", start_year=2030, term_years=1, base=krw(1300.0), escalation=sma.Frozen()
    )
    second = sma.Agreement(
        name="to $2bn",
        start_year=2031,
        term_years=3,
        base=None,
        currency="KRW",
        escalation=sma.PhaseIn(target=sma.Money(amount=2e9, currency="USD"), by_year=2035, shape="linear"),
    )
    return sma.Scenario(
        name="s", agreements=[first, second], assumptions=sma.Assumptions(use_record=False, usd_krw=usd_krw)
    )


def test_a_phase_in_target_in_dollars_converts_at_by_year_past_the_horizon():
    # the target $2bn at 2035's 1500 won per dollar is 3000bn won, reached in 5 equal steps
    # from 1300bn (2030): +340bn a year; the agreement ends in 2033, before by_year
    years = {y: 1000.0 for y in range(2029, 2035)} | {2035: 1500.0}
    assert payments_bn(_won_deal_then_dollar_phase_in(years)) == [1300.0, 1640.0, 1980.0, 2320.0]


def test_a_sweep_of_the_exchange_rate_reconverts_a_target_past_the_horizon():
    # at c won per dollar the target is 2c bn won: c = 1000 -> steps of +140bn, c = 1500 -> +340bn
    result = sma.sweep(_won_deal_then_dollar_phase_in(1200.0), {"assumptions.usd_krw": [1000.0, 1500.0]})
    expected = [(1300 + 1440 + 1580 + 1720) * BN, (1300 + 1640 + 1980 + 2320) * BN]
    assert result.frame["total_krw"].tolist() == pytest.approx(expected)


def test_a_phase_in_target_without_an_exchange_rate_for_by_year_names_it():
    years = {y: 1000.0 for y in range(2029, 2034)}  # nothing for 2035
    with pytest.raises(
        sma.MissingAssumptionError, match=r"'usd_krw' has no value for 2035 \(.*PhaseIn.by_year"
    ):
        sma.project(_won_deal_then_dollar_phase_in(years))
