"""Comparison against a baseline and goal seeking, against hand-worked numbers."""

from __future__ import annotations

import pytest
from conftest import BN, krw, one_agreement

import sma_model as sma


def two_scenarios():
    base = one_agreement(sma.Fixed(rate=0.0), start=2040, term=3, name="flat")
    rising = one_agreement(sma.Fixed(rate=0.10), start=2040, term=3, name="rising")
    return base, rising


def test_differences_cumulative_ratio_and_npv():
    base, rising = two_scenarios()
    comparison = sma.compare([base, rising], baseline="flat", discount_rate=0.10)
    rows = comparison.frame.set_index(["scenario", "year"])
    # rising: 1000, 1100, 1210 against 1000 each year
    assert rows.loc[("rising", 2041), "difference_krw"] == pytest.approx(100 * BN)
    assert rows.loc[("rising", 2042), "cumulative_difference_krw"] == pytest.approx(310 * BN)
    assert rows.loc[("rising", 2042), "ratio_to_baseline"] == pytest.approx(1.21)
    assert rows.loc[("flat", 2042), "difference_krw"] == 0
    summary = comparison.summary()
    # NPV at 10 %: 0 + 100/1.1 + 210/1.21 = 90.909 + 173.554
    assert summary.loc["rising", "npv_difference_krw"] == pytest.approx((100 / 1.1 + 210 / 1.21) * BN)
    assert summary.loc["rising", "difference_krw"] == pytest.approx(310 * BN)
    assert summary.loc["rising", "ratio_to_baseline"] == pytest.approx(3310 / 3000)
    assert summary.loc["rising", "total_usd"] == pytest.approx(3310 * BN / 1000)


def test_burden_ratios():
    assumptions = sma.Assumptions(
        use_record=False,
        usd_krw=1000.0,
        gdp=2_000_000 * BN,
        npsc_usd=2.5 * BN,
        defense_budget={2040: 50_000 * BN},
        defense_budget_growth=0.05,
    )
    scenario = one_agreement(sma.Frozen(), start=2040, term=2, assumptions=assumptions)
    frame = sma.project(scenario).frame
    assert frame["share_of_gdp"].tolist() == pytest.approx([0.0005, 0.0005])
    assert frame["share_of_npsc"].tolist() == pytest.approx([0.4, 0.4])  # $1bn of $2.5bn
    # the defense budget grows 5 % after its last given level
    assert frame["share_of_defense_budget"].tolist() == pytest.approx([0.02, 0.02 / 1.05])
    assert frame["usd_per_troop"].iloc[0] == pytest.approx(1e9 / 28_500)


def test_baseline_must_be_one_of_the_scenarios():
    with pytest.raises(sma.ScenarioError, match="baseline 'nope' is not among"):
        sma.compare(list(two_scenarios()), baseline="nope")
    with pytest.raises(sma.ScenarioError, match="discount_rate"):
        sma.compare(list(two_scenarios()), discount_rate=float("nan"))


def test_comparison_of_the_presets_has_html_and_a_plot():
    comparison = sma.compare([sma.presets.get(n) for n in sma.presets.DEFAULT_COMPARISON])
    assert comparison.baseline == "status quo"
    assert "<table" in comparison._repr_html_()
    ax = comparison.plot()
    assert len(ax.patches) == 5


class TestSolve:
    target = sma.Money(amount=5e9, currency="USD")

    def test_escalation_rate_to_a_dollar_target(self):
        rate = sma.solve.escalation_rate(sma.presets.get("status-quo"), self.target, 2030)
        # ₩1,519.2bn (2026) to $5bn = ₩7,110bn at 1,422 won per dollar, in four steps
        assert rate == pytest.approx((7110 / (1402.8 * 1.083)) ** 0.25 - 1, abs=1e-6)

    def test_base_to_reach_a_target(self):
        scenario = one_agreement(sma.Fixed(rate=0.10), start=2040, term=3)
        amount = sma.solve.base(scenario, krw(1331.0), 2042)
        assert amount.amount == pytest.approx(1100 * BN, rel=1e-7)

    def test_cap_to_reach_a_target(self):
        assumptions = sma.Assumptions(use_record=False, usd_krw=1000.0, cpi=0.08)
        rule = sma.Indexed(index="cpi", cap=0.02)
        scenario = one_agreement(rule, start=2040, term=3, assumptions=assumptions)
        cap = sma.solve.cap(scenario, krw(1000 * 1.05**2), 2042)
        assert cap == pytest.approx(0.05, abs=1e-6)
        with pytest.raises(sma.solve.NoSolutionError, match="no cap in"):
            sma.solve.cap(scenario, krw(1000 * 1.09**2), 2042)

    def test_first_year_over_a_threshold(self):
        assert sma.solve.first_year_over(sma.presets.get("rise-13.9"), krw(2000.0)) == 2035
        with pytest.raises(sma.solve.NoSolutionError, match=r"never exceeds \$5.000bn by 2035"):
            sma.solve.first_year_over(sma.presets.get("status-quo"), self.target)

    def test_gap_closes(self):
        offer, demand = sma.presets.get("phase-in-5b"), sma.presets.get("demand-5b")
        assert sma.solve.gap_closes(offer, demand) == 2030
        with pytest.raises(sma.solve.NoSolutionError, match="still below"):
            sma.solve.gap_closes(sma.presets.get("status-quo"), demand)


def test_scenarios_of_different_spans_are_compared_over_the_years_they_share():
    long = one_agreement(sma.Fixed(rate=0.0), start=2038, term=6, name="long")  # 2038-2043
    short = one_agreement(sma.Fixed(rate=0.10), start=2040, term=3, name="short")  # 2040-2042
    comparison = sma.compare([long, short], baseline="long")
    assert sorted(comparison.frame["year"].unique()) == [2040, 2041, 2042]
    assert comparison.summary().loc["short", "difference_krw"] == pytest.approx(310 * BN)
    assert comparison.notes[-1] == "compared over 2040-2042, the years every scenario covers"
    apart = one_agreement(sma.Frozen(), start=2050, term=2, name="apart")
    with pytest.raises(sma.ScenarioError, match="share no year to compare"):
        sma.compare([long, apart])


def test_real_summary_and_ratio_in_dollars():
    assumptions = sma.Assumptions(
        use_record=False, usd_krw={2040: 1000.0, 2041: 2000.0}, cpi=0.10, us_cpi=0.0
    )
    flat = one_agreement(sma.Frozen(), start=2040, term=2, name="flat", assumptions=assumptions)
    # the payment doubles in 2041: a rise of 100 % sets a new agreement's base (a rule grows 50 % at most)
    first = sma.Agreement(name="a", start_year=2040, term_years=1, base=krw(1000.0), escalation=sma.Frozen())
    doubled = sma.Agreement(
        name="b", start_year=2041, term_years=1, base=sma.Rise(rate=1.0), escalation=sma.Frozen()
    )
    rising = sma.Scenario(name="rising", agreements=[first, doubled], assumptions=assumptions)
    comparison = sma.compare([flat, rising], price_base_year=2040)
    real = comparison.summary(real=True)
    # in 2040 prices: flat 1000 + 1000/1.1; rising 1000 + 2000/1.1 [₩ bn]
    assert real.loc["rising", "total_krw_real"] == pytest.approx((1000 + 2000 / 1.1) * BN)
    assert real.loc["rising", "difference_krw_real"] == pytest.approx(1000 / 1.1 * BN)
    # in dollars: flat $1bn + $0.5bn, rising $1bn + $1bn: ratio 2 / 1.5, not the won ratio 3 / 2
    assert comparison.summary(currency="USD").loc["rising", "ratio_to_baseline"] == pytest.approx(2 / 1.5)
    assert comparison.summary().loc["rising", "ratio_to_baseline"] == pytest.approx(3 / 2)


class TestSolveErrors:
    five = sma.Money(amount=5e9, currency="USD")

    @pytest.mark.parametrize("call", ["escalation_rate", "cap", "base"])
    def test_an_agreement_index_out_of_range(self, call):
        with pytest.raises(sma.SMAModelError, match=r"agreement=5: 'status quo' has 1 agreement\(s\)"):
            getattr(sma.solve, call)(sma.presets.get("status-quo"), self.five, 2030, agreement=5)

    def test_a_tolerance_must_be_positive(self):
        with pytest.raises(sma.SMAModelError, match="tolerance must be a positive number"):
            sma.solve.escalation_rate(sma.presets.get("status-quo"), self.five, 2030, tolerance=0)

    def test_gap_closes_needs_common_years(self):
        with pytest.raises(sma.SMAModelError, match="share no year"):
            sma.solve.gap_closes(sma.presets.get("history-11th"), sma.presets.get("status-quo"))
