"""A hand-picked figure of each record series, checked against its source."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import sma_model as sma
from sma_model import history
from sma_model.record.execution import FLOWS


def test_payments_have_a_status_and_derived_years_say_how():
    frame = history.payments().set_index("year")
    assert set(frame["status"]) <= {"published", "derived", "disputed"}
    derived = frame[frame["status"] == "derived"]
    assert derived.index.tolist() == [2023, 2024]
    # the 11th SMA's rule, rounded to ₩0.1bn as published: 1,247.2 x 1.034 and x 1.044
    assert derived.loc[2023, "derived_krw"] == pytest.approx(1289.6e9)
    assert derived.loc[2024, "derived_krw"] == pytest.approx(1346.3e9)
    assert round(1247.2 * 1.034, 1) == 1289.6 and round(1289.6 * 1.044, 1) == 1346.3
    assert round(1346.3 * 1.042, 1) == frame.loc[2025, "payment_krw"] / 1e9  # lands on the published 2025
    assert derived["payment_krw"].isna().all() and (derived["derivation"].str.len() > 20).all()
    assert (frame.loc[frame["status"] == "published", "derivation"] == "").all()
    # every year 1991-2026 has a published or a derived amount
    amount = frame[["payment_krw", "payment_usd", "derived_krw", "derived_usd"]].notna().any(axis=1)
    assert amount.all()


def test_published_payment_and_the_backtest_use_published_years_only():
    assert history.published_payment(2023) is None
    assert history.published_payment(2022) == sma.Money(amount=1247.2e9, currency="KRW")
    assert not {2023, 2024} & set(sma.backtest()["year"])
    assert history.payment_series("KRW", derived=True)[2024] == pytest.approx(1346.3e9)
    assert 2024 not in history.payment_series("KRW").index


def test_2022_cites_the_2022_white_paper():
    # MND 2022 Defense White Paper, Figure 5-1: 12,472 (₩100 million)
    row = history.payments().set_index("year").loc[2022]
    assert row["payment_krw"] == pytest.approx(1247.2e9)
    assert "2022 Defense White Paper" in row["source"] and "12,472" in row["source"]


def test_no_row_cites_a_design_document():
    for frame in (history.payments(), history.macro(), history.agreements(), history.execution()):
        assert not frame["source"].str.contains("DOMAIN|DESIGN", regex=True).any()


def test_bank_of_korea_exchange_rates():
    fx = history.macro_series("usd_krw")
    # BOK 2022 annual average ₩1,292.20 (Hankyung 2023-06-02); the national-accounts rates
    assert fx[2022] == pytest.approx(1292.2)
    assert [fx[y] for y in (2005, 2006, 2017, 2023, 2024, 2025)] == [
        1024.3,
        955.5,
        1130.8,
        1305.4,
        1364.0,
        1422.2,
    ]


def test_share_of_npsc_is_sourced():
    share = history.macro().query("series == 'rok_share_of_npsc'").set_index("year")
    assert share.loc[2018, "value"] == 42  # official figure, Korea Times 2018-05-23
    assert share.loc[2002, "value"] == 41  # USFK, FY2002
    assert share["source"].str.contains("http").all()


def test_composition_2015_and_2021():
    split = history.composition().set_index("year")
    # MND 2018 White Paper Appendix 17: labor 3,490, construction 4,148, logistics 1,682 (₩100m)
    assert split.loc[2015, ["labor_krw_bn", "construction_krw_bn", "logistics_krw_bn"]].tolist() == [
        349.0,
        414.8,
        168.2,
    ]
    parts = split[["labor_krw_bn", "construction_krw_bn", "logistics_krw_bn"]].sum(axis=1)
    assert parts.to_numpy() == pytest.approx(split["total_krw_bn"].to_numpy())
    # each split's total is that year's published payment
    paid = history.payments().set_index("year")["payment_krw"] / 1e9
    assert split["total_krw_bn"].to_numpy() == pytest.approx(paid[split.index].to_numpy())
    assert split.loc[2021, "labor_krw_bn"] == 559.8
    assert (split["labor_cash_pct"] == 100).all() and (split["construction_cash_pct"] == 12).all()


def test_support_2015_table_adds_up_and_2021_total():
    table = history.support()
    y2015 = table[table["year"] == 2015].set_index(["category", "item"])["amount_krw_bn"]
    for category in ("direct", "indirect", "one_off"):
        items = y2015.loc[category].drop("total")
        assert items.sum() == pytest.approx(y2015.loc[(category, "total")])
    assert y2015.loc[("total", "total")] == pytest.approx(3386.8)  # 33,868 (₩100m)
    total_2021 = table.query("year == 2021 and category == 'total'")["amount_krw_bn"].item()
    assert total_2021 == 3443  # ₩3.443tn, MND 2022 White Paper Appendix 16
    ten_years = table.query("year == 2025")
    assert ten_years["amount_usd_m"].item() == 33000 and ten_years["period_years"].item() == 10


def test_us_costs():
    table = history.us_costs().set_index("host")
    # GAO-21-270: 2016-2019, DoD obligated $13.4bn for Korea, $20.9bn for Japan; hosts gave $5.8bn, $12.6bn
    assert table.loc["KOR", ["dod_obligated_usd_m", "host_provided_usd_m"]].tolist() == [13400, 5800]
    assert table.loc["JPN", ["dod_obligated_usd_m", "host_provided_usd_m"]].tolist() == [20900, 12600]
    assert (table["first_year"] == 2016).all() and (table["last_year"] == 2019).all()


def test_troops():
    table = history.troops().set_index("year")
    assert table.loc[2021, "us_troops"] == 28500  # GAO-21-270
    assert table.loc[2024, "qualifier"] == "over"


def test_defense_budget_gdp_and_the_plan():
    table = history.defense_gdp()
    row = table.query("year == 2020").iloc[0]
    assert (row["defense_share_of_gdp_pct"], row["gdp_base_year"]) == (2.58, 2015)
    gdp_2023 = table.query("year == 2023").set_index("gdp_base_year")["nominal_gdp_krw_tn"]
    assert gdp_2023[2020] / gdp_2023[2015] == pytest.approx(1.07, abs=0.01)  # the 2020 rebasing
    plan = table[table["status"] == "plan"].set_index("year")["defense_budget_krw_tn"]
    assert plan.to_dict() == {2026: 66.7, 2027: 72.4, 2028: 78.3, 2029: 84.7}
    # where both hold a level, this table and the macro record agree
    levels = history.macro_series("rok_defense_budget") / 1e12
    published = table[(table["status"] != "plan") & table["defense_budget_krw_tn"].notna()]
    for year, value in zip(published["year"], published["defense_budget_krw_tn"]):
        assert levels[year] == pytest.approx(value)
    assert levels.index.min() == 2004


def test_japan_and_germany():
    japan = history.host_support("japan").set_index(["first_fiscal_year", "item", "basis"])["amount_jpy_bn"]
    assert japan[(2022, "total", "period")] == 1055.1  # MOFA Japan 2022-04-01
    fy2021 = history.host_support("japan").query("first_fiscal_year == 2021 and item != 'total'")
    assert fy2021["amount_jpy_bn"].sum() == pytest.approx(201.7)
    assert history.host_support("Germany").query("item == 'total'")["amount_eur_m"].item() == 982.4
    with pytest.raises(sma.errors.DataError, match="no host-support record for 'france'"):
        history.host_support("france")


def test_execution_appropriations_against_agreed_totals():
    table = history.execution()
    rows = table.set_index(["year", "measure", "period_years"])
    # MND data (Nocutnews 2013-10-15; Tiptipnews 2013-07-23): 2012 budget 7,461 against 8,361 (₩100m)
    row = rows.loc[(2012, "appropriated", 1)]
    assert (row["amount_krw_bn"], row["agreed_krw_bn"]) == (746.1, 836.1)
    # Korea Herald 2013-10-10: 303.5bn budgeted below the agreed totals over 2011-2013
    appropriated = table[table["measure"] == "appropriated"].set_index("year")
    shortfall = (appropriated["agreed_krw_bn"] - appropriated["amount_krw_bn"]).loc[[2011, 2012, 2013]]
    assert shortfall.sum() == pytest.approx(rows.loc[(2011, "owed_by_rok", 3), "amount_krw_bn"]) == 303.5
    # Kim Jong-dae (Yonhap 2017-10-25): construction unexecuted or lapsed, 3,248.8 (₩100m) in 2014
    assert rows.loc[(2014, "construction_unexecuted_or_lapsed", 1), "amount_krw_bn"] == 324.88
    assert rows.loc[(2013, "held_by_usfk", 1), "amount_krw_bn"] == 738.0
    # 2020: 7,245 paid after the 11th SMA + 3,144 paid before = the 2019 level, 10,389 (₩100m)
    paid = rows.loc[(2020, "paid", 1)]
    assert paid["amount_krw_bn"] + 314.4 == pytest.approx(paid["agreed_krw_bn"])
    # balances, multi-year figures and floors have no single year's agreed total
    assert table.loc[~table["measure"].isin(FLOWS), "agreed_krw_bn"].isna().all()
    assert (table["source"].str.len() > 20).all()


def test_the_labor_floor():
    floor = history.execution().query("measure == 'labor_floor'").set_index("year")
    # MOFA briefing 2021-03-10: from 2021 the floor rises from 75 % to 87 %
    assert floor["share_pct"].to_dict() == {2014: 75.0, 2021: 87.0}
    assert floor["amount_krw_bn"].isna().all()


def test_agreements_entry_into_force_and_rule_sources():
    table = history.agreements().set_index("agreement")
    assert table.loc["9th SMA", "in_force"] == "2014-06-18"  # US treaty listing, TIAS 14-618
    assert table.loc["11th SMA", "in_force"] == "2021-09-01"  # Financial News 2021-09-01
    assert table.loc["12th SMA", "in_force"] == "2024-11-29"  # Yonhap TV
    assert table.loc["10th SMA", "in_force"] == "2019-04-05"  # Hankyung/Yonhap 2019-04-05
    modelled = table[table["modelled"]]
    assert (modelled["rule_source"].str.len() > 10).all()
    assert "MOFA" in table.loc["11th SMA", "rule_source"]


def test_docs_list_every_file_in_the_record():
    doc = (Path(__file__).resolve().parent.parent / "docs" / "record.md").read_text(encoding="utf-8")
    data = history.data_dir()
    files = {str(p.relative_to(data)) for p in data.rglob("*") if p.is_file()}
    named = {f for f in files if not f.startswith("presets/")} | {"presets/"}
    missing = sorted(f for f in named if f"`{f}`" not in doc)
    assert not missing, f"docs/record.md does not list {missing}"
    for loader in (
        "payments",
        "macro",
        "composition",
        "execution",
        "support",
        "troops",
        "us_costs",
        "defense_gdp",
    ):
        assert f"`{loader}()" in doc and callable(getattr(history, loader))


def test_payments_of_another_host_are_its_host_support():
    japan = history.payments(country="japan")
    pd.testing.assert_frame_equal(japan, history.host_support("japan"))
    assert history.payments(country="KOR").equals(history.payments())
    with pytest.raises(sma.DataError, match="france"):
        history.payments(country="france")
