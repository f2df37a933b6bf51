"""The engine: currencies, real terms, missing assumptions, batches, the public example."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pydantic
import pytest
from conftest import BN, krw, one_agreement

import sma_model as sma


def usd(amount_bn: float) -> sma.Money:
    return sma.Money(amount=amount_bn * BN, currency="USD")


def test_dollar_amounts_convert_at_each_years_rate():
    deal = sma.Agreement(name="$5bn", start_year=2027, term_years=3, base=usd(5.0), escalation=sma.Frozen())
    assumptions = sma.Assumptions(use_record=False, usd_krw={2027: 1400.0, 2028: 1500.0, 2029: 1250.0})
    frame = sma.project(sma.Scenario(name="x", agreements=[deal], assumptions=assumptions)).frame
    assert frame["payment_usd"].tolist() == [5e9, 5e9, 5e9]
    # fixed in dollars, the won amount moves with the exchange rate
    assert frame["payment_krw"].tolist() == [7.0e12, 7.5e12, 6.25e12]
    assert frame["currency"].tolist() == ["USD"] * 3
    assert frame["cumulative_krw"].iloc[-1] == pytest.approx(20.75e12)


def test_won_amounts_convert_to_dollars():
    frame = sma.project(one_agreement(sma.Frozen(), term=2)).frame  # usd_krw 1000
    assert frame["payment_usd"].tolist() == [1e9, 1e9]
    assert frame["usd_per_troop"].iloc[0] == pytest.approx(1e9 / 28_500)


def test_phase_in_to_a_dollar_target_from_a_won_payment():
    first = sma.Agreement(
        name="12th", start_year=2026, term_years=1, base=krw(1400.0), escalation=sma.Frozen()
    )
    phase = sma.Agreement(
        name="phase",
        start_year=2027,
        term_years=4,
        base=None,
        escalation=sma.PhaseIn(target=usd(5.0), by_year=2030),
    )
    scenario = sma.Scenario(
        name="p", agreements=[first, phase], assumptions=sma.Assumptions(use_record=False, usd_krw=1400.0)
    )
    frame = sma.project(scenario).frame
    # ₩1,400bn at 1,400 won per dollar is $1bn; four equal growth steps to $5bn: x 5^(1/4)
    expected = [1.0, 5**0.25, 5**0.5, 5**0.75, 5.0]
    assert frame["payment_usd"].to_numpy() / BN == pytest.approx(expected)
    assert frame["currency"].tolist() == ["KRW", "USD", "USD", "USD", "USD"]
    assert frame["payment_krw"].iloc[-1] == pytest.approx(7.0e12)


def test_real_terms_deflate_by_cpi_to_the_chosen_base_year():
    assumptions = sma.Assumptions(use_record=False, usd_krw=1000.0, cpi=0.02, us_cpi=0.03)
    scenario = one_agreement(sma.Frozen(), start=2030, term=3, assumptions=assumptions)
    frame = sma.project(scenario, price_base_year=2031).frame
    assert frame["payment_krw_real"].to_numpy() / BN == pytest.approx([1000 * 1.02, 1000, 1000 / 1.02])
    assert frame["payment_usd_real"].to_numpy() / BN == pytest.approx([1.03, 1.0, 1 / 1.03])


def test_a_missing_assumption_names_the_series_and_year():
    rule = sma.Indexed(index="cpi", lag=2, cap=0.05)
    scenario = one_agreement(rule, start=2030, term=3, assumptions=sma.Assumptions(usd_krw=1400.0))
    with pytest.raises(sma.MissingAssumptionError, match=r"'cpi' has no value for 2029") as info:
        sma.project(scenario)
    assert info.value.series == "cpi"
    assert info.value.years == [2029]


def test_an_output_column_without_inputs_is_left_out_with_a_note():
    scenario = one_agreement(sma.Frozen(), start=2030, term=2, assumptions=sma.Assumptions(use_record=False))
    proj = sma.project(scenario)
    assert "payment_usd" not in proj.frame
    assert "payment" in proj.frame
    assert any("usd_krw" in note for note in proj.notes)
    assert not proj.frame.drop(columns="growth_rate").isna().any().any()


def test_an_explicit_series_overrides_the_record():
    # The 11th SMA with a counterfactual 2021 defense-budget growth of 10 % instead of 5.4 %
    eleventh = sma.history.agreement("11th SMA")
    base = sma.Scenario(name="as it was", agreements=[eleventh])
    what_if = base.model_copy(
        update={"name": "what if", "assumptions": sma.Assumptions(defense_budget_growth={2021: 0.10})}
    )
    frame = sma.project([base, what_if]).frame.set_index(["scenario", "year"])
    assert frame.loc[("as it was", 2022), "payment_krw"] == pytest.approx(1183.3071e9 * 1.054)
    assert frame.loc[("what if", 2022), "payment_krw"] == pytest.approx(1183.3071e9 * 1.10)


def test_a_batch_equals_its_members_one_by_one():
    scenarios = [sma.presets.get(name) for name in sma.presets.names()]
    together = sma.project(scenarios)
    alone = pd.concat([sma.project(s).frame for s in scenarios], ignore_index=True)

    # a column some members lack is <NA> for them in the batch, as in the concatenation
    def nullable(frame):  # <NA> and NaN both mean "not known" here
        floats = [c for c in frame if frame[c].dtype.kind == "f" or str(frame[c].dtype) == "Float64"]
        return frame.astype({c: "Float64" for c in floats})

    pd.testing.assert_frame_equal(nullable(together.frame), nullable(alone[together.frame.columns]))
    shares = together.frame.groupby("scenario")["share_of_defense_budget"].count()
    assert shares["11th SMA as signed"] == 6 and shares["status quo"] == 0
    assert any("share_of_defense_budget is <NA> for scenario" in note for note in together.notes)


def test_scenarios_of_different_spans_run_in_one_batch():
    short = one_agreement(sma.Fixed(rate=0.1), start=2030, term=2, name="short")
    long = one_agreement(sma.Fixed(rate=0.1), start=2025, term=8, name="long")
    frame = sma.project([short, long]).frame
    assert frame.groupby("scenario")["year"].agg(["min", "max"]).to_dict("index") == {
        "long": {"min": 2025, "max": 2032},
        "short": {"min": 2030, "max": 2031},
    }
    assert frame.loc[frame["scenario"] == "short", "payment_krw"].tolist() == [1000 * BN, 1100 * BN]


def test_overflow_is_reported_with_scenario_and_year():
    # ₩1,000bn growing 50 % a year passes the 1e18 limit after 35 years (1.5**35 > 1e6)
    scenario = one_agreement(sma.Fixed(rate=0.5), start=2030, term=40, name="runaway")
    with pytest.raises(sma.NonFiniteResultError, match=r"'runaway': the payment for 20\d\d"):
        sma.project(scenario)


def test_duplicate_scenario_names_are_refused():
    s = one_agreement(sma.Frozen())
    with pytest.raises(sma.ScenarioError, match="unique"):
        sma.project([s, s])


def test_a_rise_needs_a_published_previous_payment():
    deal = sma.Agreement(
        name="d", start_year=2050, term_years=2, base=sma.Rise(rate=0.1), escalation=sma.Frozen()
    )
    with pytest.raises(sma.ScenarioError, match=r"agreements\[0\]\.base.*2049"):
        sma.project(sma.Scenario(name="s", agreements=[deal]))


def test_the_issue_example_runs_and_reproduces_the_record():
    sma12 = sma.Agreement(
        name="12th SMA",
        start_year=2026,
        term_years=5,
        base=sma.Money(amount=1_519.2e9, currency="KRW"),
        escalation=sma.Indexed(index="cpi", lag=2, cap=0.05),
    )
    sma11 = sma.Agreement(
        name="11th SMA",
        start_year=2020,
        term_years=6,
        base=sma.Money(amount=1_038.9e9, currency="KRW"),
        escalation={2021: sma.Fixed(rate=0.139), 2022: sma.Indexed(index="defense_budget", lag=1)},
    )
    scenario = sma.Scenario(
        name="status quo",
        agreements=[sma11, sma12],
        after_expiry=sma.RollOver(),
        assumptions=sma.Assumptions(cpi=0.02, defense_budget_growth=0.04, usd_krw=1400.0),
        horizon=2035,
    )
    frame = sma.project(scenario).frame.set_index("year")
    assert list(frame.index) == list(range(2020, 2036))
    paid = frame["payment_krw"] / BN
    # DOMAIN.md: 2021 1,183.3; 2022 1,247.2; 2025 1,402.8 (the rule gives 1,402.9 unrounded)
    assert paid[2021] == pytest.approx(1183.3, abs=0.05)
    assert paid[2022] == pytest.approx(1247.2, abs=0.05)
    assert paid[2025] == pytest.approx(1402.8, rel=1e-3)
    # 2027 = 1,519.2 x (1 + 2025 CPI 2.1 %); 2028 onward by the assumed 2 %
    assert paid[2027] == pytest.approx(1519.2 * 1.021)
    assert paid[2035] == pytest.approx(1519.2 * 1.021 * 1.02**8)
    assert frame.loc[2031, "agreement"] == "after 12th SMA (rolled over)"
    assert np.all(frame["payment_usd"] > 0)


def test_show_versions(capsys):
    sma.show_versions()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("python")
    assert any(line.split()[0] == "numpy" and line.split()[1] == np.__version__ for line in lines)


def test_growth_across_a_new_base_in_another_currency():
    # 2027's $5bn against 2026's ₩1,519.2bn at 1,422 won per dollar: +368 %
    frame = sma.project(sma.presets.get("demand-5b")).frame.set_index("year")
    assert frame.loc[2027, "growth_rate"] == pytest.approx(5e9 / (1402.8e9 * 1.083 / 1422.0) - 1)
    assert frame.loc[2028, "growth_rate"] == 0


def test_variants_made_with_model_copy_are_validated_again():
    status_quo = sma.presets.get("status-quo")
    with pytest.raises(pydantic.ValidationError, match="horizon"):
        sma.project(status_quo.model_copy(update={"horizon": 2020}))
    cheaper = status_quo.model_copy(update={"assumptions": {"cpi": 0.0, "usd_krw": 1422.0}})
    assert sma.project(cheaper).frame["payment_krw"].iloc[-1] == pytest.approx(1402.8e9 * 1.083 * 1.021)


@pytest.mark.parametrize("year", [1800, 3000, 2025.5, "2025", float("nan")])
def test_price_base_year_must_be_a_year_the_model_knows(year):
    with pytest.raises(sma.ScenarioError, match="price_base_year must be a whole year from 2005 to 2035"):
        sma.project(sma.presets.get("status-quo"), price_base_year=year)
