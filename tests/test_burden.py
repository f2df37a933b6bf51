"""The whole burden: composition, total support and burden ratios, against hand-worked figures.

Each test names the source of the figures it works from. The scenarios are built by hand
(₩1,000bn a year, ₩1,000 per dollar) so that every expected number can be checked on paper.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import BN, one_agreement

import sma_model as sma
from sma_model.analysis.burden import burden, support_layer
from sma_model.analysis.composition import (
    DERIVED,
    project_composition,
    published_shares,
    record_composition,
    rise_2021,
    split_change,
)
from sma_model.errors import SMAModelError
from sma_model.plotting.burden import composition_area, ratio_panels
from sma_model.record.defense_gdp import defense_budget_path, gdp_path
from sma_model.record.support import other_support_path, support_backtest, support_totals
from sma_model.record.troops import troop_levels
from sma_model.record.us_costs import us_cost_path

#: MND 2022 Defense White Paper, Appendix 16: the 2021 split, ₩bn.
LABOR_2021, CONSTRUCTION_2021, LOGISTICS_2021, TOTAL_2021 = 559.8, 436.8, 186.7, 1183.3


def flat(start=2026, term=5, **kwargs):
    """₩1,000bn every year from ``start``, at ₩1,000 per dollar."""
    return sma.project(one_agreement(sma.Fixed(rate=0.0), start=start, term=term, **kwargs))


def by_year(frame, **where):
    rows = frame
    for column, value in where.items():
        rows = rows[rows[column] == value]
    return rows.set_index("year")


# --- composition -------------------------------------------------------------------------


def test_a_total_alone_splits_in_the_latest_published_shares():
    # MND 2022 White Paper, Appendix 16 (2021): labor 559.8, construction 436.8, logistics 186.7 of 1,183.3
    parts = by_year(project_composition(flat()))
    labor = 1000 * LABOR_2021 / TOTAL_2021  # 473.0838 ₩bn
    construction = 1000 * CONSTRUCTION_2021 / TOTAL_2021  # 369.1372 ₩bn
    logistics = 1000 * LOGISTICS_2021 / TOTAL_2021  # 157.7791 ₩bn
    assert parts.loc[2030, "labor_krw"] / BN == pytest.approx(473.0838, abs=1e-4)
    assert parts.loc[2030, "labor_krw"] / BN == pytest.approx(labor)
    assert parts.loc[2030, "construction_krw"] / BN == pytest.approx(construction)
    assert parts.loc[2030, "logistics_krw"] / BN == pytest.approx(logistics)
    assert parts.loc[2030, "labor_share"] == pytest.approx(0.4730838, abs=1e-7)
    # cash: all labor and 12 % of construction (MND 2018 White Paper p.180; 2020 p.169)
    assert parts.loc[2030, "cash_krw"] / BN == pytest.approx(labor + 0.12 * construction)  # 517.3803
    assert parts.loc[2030, "in_kind_krw"] / BN == pytest.approx(0.88 * construction + logistics)  # 482.6197
    assert (parts["basis"] == "shares of 2021").all() and (parts["missing"] == "").all()


def test_the_labor_driver_moves_labor_and_the_rest_keeps_the_in_kind_ratio():
    # labor from the 2021 shares in 2026, then x 1.03 (wages) x 0.99 (headcount) a year
    parts = by_year(project_composition(flat(), wage_growth=0.03, headcount_growth=-0.01))
    labor_2026 = 1000 * LABOR_2021 / TOTAL_2021
    labor_2027 = labor_2026 * 1.03 * 0.99  # 473.0838 x 1.0197 = 482.4035 ₩bn
    rest = 1000 - labor_2027  # 517.5965 ₩bn, split 436.8 : 186.7 as in 2021
    assert parts.loc[2026, "labor_krw"] / BN == pytest.approx(labor_2026)
    assert parts.loc[2027, "labor_krw"] / BN == pytest.approx(482.4035, abs=1e-4)
    assert parts.loc[2027, "construction_krw"] / BN == pytest.approx(rest * 436.8 / 623.5)  # 362.6084
    assert parts.loc[2027, "logistics_krw"] / BN == pytest.approx(rest * 186.7 / 623.5)  # 154.9881
    assert parts.loc[2030, "labor_krw"] / BN == pytest.approx(labor_2026 * (1.03 * 0.99) ** 4)
    assert parts.loc[2027, "basis"].startswith("labor driven by wages and headcount")
    # a {year: rate} driver moves only its years; the others keep the published shares
    some = by_year(project_composition(flat(), wage_growth={2027: 0.1}))
    assert some.loc[2027, "labor_krw"] / BN == pytest.approx(labor_2026 * 1.1)
    assert some.loc[2028, "basis"] == "shares of 2021"


def test_labor_cannot_outgrow_the_payment():
    # 47.3 % x 1.5 x 1.5 = 106 % of the payment in 2028
    with pytest.raises(SMAModelError, match=r"above the whole payment of ₩1,000\.0bn"):
        project_composition(flat(), wage_growth=0.5)
    with pytest.raises(SMAModelError, match=r"did you mean 0\.03"):
        project_composition(flat(), wage_growth=3.0)


def test_the_record_keeps_published_splits_and_fills_other_years():
    parts = by_year(record_composition())
    # MND 2020 White Paper: 2019 labor 500.5 (48 %), construction 371.0, logistics 167.4
    assert parts.loc[2019, ["labor_krw", "construction_krw", "logistics_krw"]].tolist() == pytest.approx(
        [500.5 * BN, 371.0 * BN, 167.4 * BN]
    )
    assert parts.loc[2019, "basis"] == "published split"
    # 2020 was paid at the 2019 level (₩1,038.9bn), so 2019's shares give 2019's parts
    assert parts.loc[2020, "labor_krw"] / BN == pytest.approx(500.5)
    # 2017 (₩950.7bn) in 2016's shares (MND 2016 White Paper: labor 363.0 of 944.1)
    assert parts.loc[2017, "labor_krw"] / BN == pytest.approx(950.7 * 363.0 / 944.1)  # 365.5377
    assert parts.loc[2017, "basis"] == "shares of 2016"
    assert published_shares().loc[2015, "labor_share"] == pytest.approx(349.0 / 932.0)
    # 2023 (₩1,289.6bn) and 2024 are derived from the 11th SMA's rule, not published: marked
    assert parts.loc[2023, "basis"] == "shares of 2021" + DERIVED
    assert parts.loc[2023, "labor_krw"] / BN == pytest.approx(1289.6 * LABOR_2021 / TOTAL_2021)  # 610.0888
    assert parts.loc[2025, "basis"] == "shares of 2021"


def test_before_2015_no_split_is_published_and_the_frame_says_so():
    parts = by_year(project_composition(flat(start=2013, term=3)))
    assert np.isnan(parts.loc[2013, "labor_krw"]) and np.isnan(parts.loc[2014, "labor_krw"])
    assert parts.loc[2014, "missing"] == "composition: no split published before 2015"
    assert parts.loc[2015, "labor_krw"] / BN == pytest.approx(1000 * 349.0 / 932.0)  # 2015's shares


def test_the_2021_rise_is_budget_growth_plus_workers_pay():
    # MOFA 2021-03-10: 13.9 % = 7.4 % (2020 defense budget growth) + 6.5 % (workers' labor cost)
    table = rise_2021()
    assert table["rate"].tolist() == pytest.approx([0.074, 0.065, 0.139])
    # of the 2020 payment, ₩1,038.9bn (MND 2022 White Paper, Figure 5-1)
    assert table["amount_krw"].tolist() == pytest.approx([76.8786 * BN, 67.5285 * BN, 144.4071 * BN])
    # by category, 2019 (= 2020) to 2021: labor +59.3, construction +65.8, logistics +19.3
    change = split_change()
    assert (change["change_krw"] / BN).round(1).tolist() == [59.3, 65.8, 19.3, 144.4]
    assert change.loc["labor", "share_of_change"] == pytest.approx(59.3 / 144.4)
    with pytest.raises(SMAModelError, match="no published split for 2017"):
        split_change(2017, 2021)


# --- total support -----------------------------------------------------------------------


def test_published_totals_split_into_the_sma_and_the_rest():
    totals = support_totals()
    # MND 2018 White Paper, Appendix 17 (2015): total 3,386.8 with the SMA 932.0
    assert totals.loc[2015, "other_krw"] / BN == pytest.approx(3386.8 - 932.0)  # 2,454.8
    # MND 2020 White Paper: about ₩2.9tn in 2018; SMA 960.2
    assert totals.loc[2018, "other_krw"] / BN == pytest.approx(1939.8)
    # MND 2022 White Paper, Appendix 16: ₩3.443tn in 2021; SMA 1,183.3
    assert totals.loc[2021, "other_krw"] / BN == pytest.approx(2259.7)
    values, basis = other_support_path(np.array([2014, 2016, 2021, 2030]))
    assert np.isnan(values[0]) and basis[0] == ""
    assert values[1:].tolist() == pytest.approx([2454.8 * BN, 2259.7 * BN, 2259.7 * BN])
    assert basis[1:] == ["2015 held flat", "published 2021", "2021 held flat"]


def test_the_support_backtest_reproduces_each_total_and_shows_the_carried_error():
    table = support_backtest()
    assert (table["layer_gap"].abs() < 1e-12).all()
    # 2018 from 2015's rest: (960.2 + 2,454.8) / 2,900 - 1 = +17.76 %
    assert table.loc[2018, "carried_gap"] == pytest.approx(3415.0 / 2900 - 1)
    # 2021 from 2018's rest: (1,183.3 + 1,939.8) / 3,443 - 1 = -9.29 %
    assert table.loc[2021, "carried_gap"] == pytest.approx(3123.1 / 3443 - 1)
    assert table.loc[2015, "note"].startswith("first published total in won")


def test_the_support_layer_adds_the_rest_to_each_payment():
    layer = by_year(support_layer(flat()))
    assert layer.loc[2026, "total_support_krw"] / BN == pytest.approx(1000 + 2259.7)
    override = by_year(support_layer(flat(), other_support_krw={2026: 3e12}))
    assert override.loc[2026, "total_support_krw"] / BN == pytest.approx(4000)
    assert override.loc[2027, "other_support_basis"] == "2021 held flat"


# --- ratios ------------------------------------------------------------------------------


def test_denominators_follow_the_record_then_the_plan_then_the_path():
    budget, basis = defense_budget_path(np.array([2026, 2027, 2029, 2030, 2031]))
    # MND 2026 budget ₩65.8642tn; Mid-Term Plan 2027 72.4, 2029 84.7; then +7.7 %/yr (SBS 2025-09-03)
    assert (budget / 1e12).tolist() == pytest.approx([65.8642, 72.4, 84.7, 84.7 * 1.077, 84.7 * 1.077**2])
    assert basis[:3] == ["MND budget", "Mid-Term Defense Plan 2025-2029", "Mid-Term Defense Plan 2025-2029"]
    gdp, gdp_basis = gdp_path(np.array([2022, 2024, 2027]))
    # Bank of Korea 2024 ₩2,549.1tn (2020 base); 2027 = 2025's 2,663.3 x 1.034^2
    assert np.isnan(gdp[0]) and gdp_basis[0] == ""
    assert (gdp[1:] / 1e12).tolist() == pytest.approx([2549.1, 2663.3 * 1.034**2])
    # GAO-21-270: $13.4bn over 2016-2019
    cost, _ = us_cost_path(np.array([2030]))
    assert cost[0] == pytest.approx(13.4e9 / 4)
    # GAO-21-270 (28,500) and the WSJ report of 2025-05-22 (about 4,500 fewer)
    assert troop_levels() == {"28,500 today": 28500.0, "24,000 (4,500 fewer, reported)": 24000.0}


def test_ratios_of_a_flat_payment():
    ratios = burden(flat(), include_indirect=True).ratios
    sma_today = by_year(ratios, measure="sma", troops="28,500 today")
    # ₩1,000bn over the 2026 budget ₩65.8642tn (MND) and the 2027 plan ₩72.4tn
    assert sma_today.loc[2026, "share_of_defense_budget"] == pytest.approx(1 / 65.8642)  # 1.5183 %
    assert sma_today.loc[2027, "share_of_defense_budget"] == pytest.approx(1 / 72.4)  # 1.3812 %
    assert sma_today.loc[2030, "share_of_defense_budget"] == pytest.approx(1 / (84.7 * 1.077))  # 1.0962 %
    # over GDP: 2026 = 2,663.3 x 1.034 = ₩2,753.85tn
    assert sma_today.loc[2026, "share_of_gdp"] == pytest.approx(
        1 / (2663.3 * 1.034)
    )  # ₩1tn / ₩2,753.85tn = 0.0363 %
    # $1bn at ₩1,000/$: per soldier $35,087.72 (28,500) and $41,666.67 (24,000)
    assert sma_today.loc[2026, "usd_per_troop"] == pytest.approx(1e9 / 28500)
    reduced = by_year(ratios, measure="sma", troops="24,000 (4,500 fewer, reported)")
    assert reduced.loc[2026, "usd_per_troop"] == pytest.approx(41666.6667, abs=1e-3)
    # of DoD's $3.35bn a year (GAO-21-270): 29.85 %
    assert sma_today.loc[2026, "share_of_us_cost"] == pytest.approx(1 / 3.35)
    total = by_year(ratios, measure="total_support", troops="28,500 today")
    # ₩1,000bn + ₩2,259.7bn = ₩3,259.7bn = $3.2597bn
    assert total.loc[2026, "amount_usd"] == pytest.approx(3.2597e9)
    assert total.loc[2026, "usd_per_troop"] == pytest.approx(3.2597e9 / 28500)  # $114,375
    assert (ratios["missing"] == "").all()
    assert sma_today.loc[2030, "defense_budget_basis"] == "grown 7.7 %/yr (path to 3.5 % of GDP by 2035)"


def test_an_absent_input_is_named_in_the_frame_and_the_notes():
    # 2021-2022: no 2020-base GDP in the record
    result = burden(flat(start=2021, term=3))
    rows = by_year(result.ratios, measure="sma", troops="28,500 today")
    assert rows.loc[2021, "missing"] == "gdp" and np.isnan(rows.loc[2021, "share_of_gdp"])
    assert rows.loc[2023, "missing"] == "" and np.isfinite(rows.loc[2023, "share_of_gdp"])
    assert any("NaN in 2021-2022" in n and "nominal GDP" in n for n in result.notes)
    # no USD/KRW: no dollar ratios, and the frame says which input is absent
    no_fx = burden(
        sma.project(
            one_agreement(
                sma.Fixed(rate=0.0), start=2026, term=2, assumptions=sma.Assumptions(use_record=False)
            )
        )
    )
    rows = by_year(no_fx.ratios, measure="sma", troops="28,500 today")
    assert rows.loc[2026, "missing"] == "usd_krw" and np.isnan(rows.loc[2026, "usd_per_troop"])
    assert rows.loc[2026, "share_of_defense_budget"] == pytest.approx(1 / 65.8642)
    assert any("no USD/KRW" in n for n in no_fx.notes)


def test_overrides_and_bad_inputs():
    result = burden(flat(), troops={"half": 14250}, defense_budget={2030: 100e12}, gdp=2e15, us_cost_usd=5e9)
    rows = by_year(result.ratios, measure="sma", troops="half")
    assert rows.loc[2030, "share_of_defense_budget"] == pytest.approx(0.01)
    assert rows.loc[2029, "share_of_defense_budget"] == pytest.approx(1 / 84.7)  # the plan still
    assert rows.loc[2026, "share_of_gdp"] == pytest.approx(0.0005)
    assert rows.loc[2026, "usd_per_troop"] == pytest.approx(1e9 / 14250)
    assert rows.loc[2026, "share_of_us_cost"] == pytest.approx(0.2)
    # "scenario": the scenario's own budget; flat() has none, and the notes say so
    own = burden(flat(), defense_budget="scenario")
    assert own.ratios["missing"].str.contains("defense budget").all()
    assert any("no defense budget" in n for n in own.notes)
    with pytest.raises(SMAModelError, match="defense_budget='plan'"):
        burden(flat(), defense_budget="plan")
    with pytest.raises(SMAModelError, match="outside the allowed range"):
        burden(flat(), troops={"few": 10})
    with pytest.raises(SMAModelError, match="gdp"):
        burden(flat(), gdp=2.0)


def test_status_quo_summary_reads_as_people_read_it():
    result = burden(sma.project(sma.presets.get("status-quo")))
    summary = result.summary(2030)
    row = summary.loc[("status quo", "sma")]
    # the 12th SMA's 2030 payment, ₩1,646.1bn, over the 2030 budget, 84.7 x 1.077 = ₩91.22tn
    assert row["amount_krw"] / BN == pytest.approx(1646.078, abs=1e-3)
    assert row["share_of_defense_budget"] == pytest.approx(1646.078 / 91221.9, abs=1e-6)
    assert row["labor_share"] == pytest.approx(LABOR_2021 / TOTAL_2021)
    text = repr(result)
    assert "47.31 %" in text and "status quo" in text
    assert "<strong>Burden</strong>" in result._repr_html_()
    with pytest.raises(SMAModelError, match="no year 2040"):
        result.summary(2040)


# --- plots -------------------------------------------------------------------------------


def test_composition_area_stacks_the_parts_after_the_record():
    result = burden(flat())
    ax = result.plot("composition")
    stacked = [c for c in ax.collections if c.get_label() in ("Korean workers' labor (cash)",)]
    assert stacked, "the labor layer is drawn"
    # the top of the stack in 2030 is the payment, ₩1.0tn; published splits marked 2015-2021
    dots = next(line for line in ax.get_lines() if line.get_label() == "published split")
    assert dots.get_xdata().tolist() == [2015, 2016, 2018, 2019, 2021]
    assert dots.get_ydata().tolist() == pytest.approx([0.932, 0.9441, 0.9602, 1.0389, 1.1833])
    crosses = next(line for line in ax.get_lines() if line.get_label().startswith("payment not published"))
    assert crosses.get_xdata().tolist() == [2023, 2024]
    assert crosses.get_ydata().tolist() == pytest.approx([1.2896, 1.3463])  # the rule's values
    assert ax.get_ylabel() == "SMA payment [₩ tn, nominal]"
    assert any("labor 47%" in t.get_text() for t in ax.texts)
    ax.figure.clf()
    direct = composition_area(project_composition(flat()))
    assert direct.get_xlim()[0] == pytest.approx(2025.5)


def test_ratio_panels_draw_each_ratio_in_percent():
    ratios = burden(flat(), include_indirect=True).ratios
    axes = ratio_panels(ratios)
    panels = axes.ravel()
    assert panels[0].get_title() == "share of the ROK defense budget [%]"
    sma_line = next(line for line in panels[0].get_lines() if line.get_label() == "SMA")
    assert sma_line.get_ydata()[0] == pytest.approx(100 / 65.8642)
    per_troop = {line.get_label() for line in panels[2].get_lines()}
    assert "SMA, 24,000 (4,500 fewer, reported)" in per_troop
    with pytest.raises(SMAModelError, match="four Axes"):
        ratio_panels(ratios, axes=np.array([panels[0]]))


def test_a_scenario_without_won_amounts_in_a_batch_is_named_not_silent():
    # $5bn a year with no USD/KRW: its won amounts are <NA> beside a scenario that has them
    dollars = sma.Scenario(
        name="dollars",
        agreements=[
            sma.Agreement(
                name="d",
                start_year=2026,
                term_years=2,
                base=sma.Money(amount=5e9, currency="USD"),
                escalation=sma.Fixed(rate=0.0),
            )
        ],
        assumptions=sma.Assumptions(use_record=False),
    )
    won = one_agreement(sma.Fixed(rate=0.0), start=2026, term=2, name="won")
    result = burden(sma.project([won, dollars]), include_indirect=True)
    parts = by_year(result.composition, scenario="dollars")
    assert parts["missing"].str.startswith("composition: the payment in won is unknown").all()
    assert by_year(result.support, scenario="dollars").loc[2026, "missing"] == "payment in won unknown"
    rows = by_year(result.ratios, scenario="dollars", measure="sma", troops="28,500 today")
    assert rows.loc[2026, "missing"] == "amount" and np.isnan(rows.loc[2026, "share_of_defense_budget"])
    assert any("every ratio of 'dollars'" in n for n in result.notes)
    # the other scenario's figures are whole: ₩1,000bn over ₩65.8642tn
    assert by_year(result.ratios, scenario="won", measure="sma", troops="28,500 today").loc[
        2026, "share_of_defense_budget"
    ] == pytest.approx(1 / 65.8642)
