"""A hand-picked figure of each record series, checked against its source."""

from __future__ import annotations

import pytest

import sma_model as sma
from sma_model import history


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
    for frame in (history.payments(), history.macro(), history.agreements()):
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
