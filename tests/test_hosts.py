"""Japan's record beside Korea's, and the host-country metadata: hand-worked figures from the sources.

Each figure below is checked against the source named in its row of ``data/hosts/japan/``;
the arithmetic in the comments was done by hand.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

import sma_model._files
from sma_model.errors import DataError
from sma_model.record import clear_cache
from sma_model.record.hosts import (
    fiscal_year_weights,
    host,
    host_budget,
    host_macro,
    host_macro_series,
    host_macro_values,
    host_support,
    host_troops,
)
from sma_model.record.troops import troops


def test_a_host_has_a_currency_and_a_fiscal_year():
    japan = host("JPN")
    assert (japan.name, japan.currency, japan.fiscal_year_start_month) == ("japan", "JPY", 4)
    assert "Public Finance Act" in japan.fiscal_year_source  # 財政法 Article 11: 1 April - 31 March
    assert host("South Korea").currency == "KRW" and host("korea").fiscal_year_start_month == 1
    assert host("Germany").iso3 == "DEU"
    # Japan's FY2022 is April 2022 - March 2023: nine months in 2022, three in 2023
    assert fiscal_year_weights("japan") == (0.75, 0.25)
    assert fiscal_year_weights("korea") == (1.0, 0.0)
    with pytest.raises(DataError, match=r"unknown host country 'france'; known: korea, japan, germany"):
        host("france")


def test_the_fy2022_26_agreement():
    # MOFA Japan 2022-04-01: ¥1,055.1bn over five years, "about ¥211bn a year"
    table = host_support("japan").set_index(["first_fiscal_year", "last_fiscal_year", "item", "basis"])
    total = table.loc[(2022, 2026, "total", "period"), "amount_jpy_bn"]
    assert (
        total == 1055.1 and round(total / 5) == table.loc[(2022, 2026, "total", "per_year"), "amount_jpy_bn"]
    )
    # Kyodo/NTV: ¥946.5bn for FY2016-20, ¥189.3bn a year = 946.5 / 5
    assert table.loc[(2016, 2020, "total", "period"), "amount_jpy_bn"] / 5 == pytest.approx(189.3)


def test_the_yearly_budget():
    budget = host_budget("japan").set_index("fiscal_year")["hns_jpy_bn"]
    # Yomiuri via the US Embassy digest: ¥6.2bn in FY1978, peak ¥275.6bn in FY1999, low ¥184.8bn in FY2014
    assert (budget[1978], budget[1999], budget[2014]) == (6.2, 275.6, 184.8)
    assert budget.idxmax() == 1999
    # FY2021, ¥201.7bn = Sankei's items: labour 129.4 + welfare 26.1 + utilities 23.4 + facilities 21.8
    # + training relocation 1.0 (the FY2021 rows of support.csv)
    fy2021 = host_support("japan").query("first_fiscal_year == 2021 and item != 'total'")["amount_jpy_bn"]
    assert budget[2021] == pytest.approx(fy2021.sum()) == pytest.approx(129.4 + 26.1 + 23.4 + 21.8 + 1.0)
    # Kyodo's ¥980.1bn for FY2016-20 is the budgets' total: with FY2016 192.0, FY2019 197.9 and FY2020
    # 199.3 sourced, FY2017-18 must average (980.1 - 589.2) / 2 = 195.45, between their neighbours
    missing = (980.1 - (budget[2016] + budget[2019] + budget[2020])) / 2
    assert missing == pytest.approx(195.45) and budget[2016] < missing < budget[2019]
    # FY2025 ¥227.4bn (MOD table) against the agreement's ¥211bn average
    assert budget[2025] == 227.4
    assert (host_budget("japan")["source"].str.len() > 40).all()


def test_the_defense_budget_and_what_it_includes():
    budget = host_macro_series("japan", "defense_budget")
    core = host_macro_series("japan", "defense_budget_core")
    # Cabinet decisions: ¥8兆7005億 FY2025 and ¥9兆353億 FY2026, in yen
    assert budget[2025] == pytest.approx(8.7005e12) and budget[2026] == pytest.approx(9.0353e12)
    # MOD Defense of Japan 2020, reference 9: FY2016 50,541 with and 48,607 without (¥100m); the gap is
    # SACO 28 + US realignment 1,766 + government aircraft 140 = 1,934 (¥100m) = ¥193.4bn
    assert (budget[2016] - core[2016]) / 1e9 == pytest.approx(2.8 + 176.6 + 14.0)
    # FY2020: SACO 138 + realignment 1,799 + aircraft 0.3 + national resilience 508 = 2,445.3 (¥100m)
    assert (budget[2020] - core[2020]) / 1e9 == pytest.approx(244.5, abs=0.05)
    # Defense of Japan 2023: 6兆8,219億 with US realignment etc., up 26.3 % on FY2022's 5兆4,005億 (Reuters)
    assert budget[2023] / budget[2022] - 1 == pytest.approx(0.263, abs=0.0005)
    assert 2021 not in budget.index  # not found in a primary source: left out, not guessed


def test_prices_exchange_rates_and_gdp():
    cpi = host_macro_series("japan", "cpi_inflation")
    core = host_macro_series("japan", "cpi_core_inflation")
    # MIC via Jiji: all items +3.2 % in 2023 and +2.7 % in 2024; ex fresh food +3.1 % in 2025
    assert (cpi[2023], cpi[2024], core[2025]) == pytest.approx((0.032, 0.027, 0.031))
    assert core[2016] == pytest.approx(-0.003)  # the last fall before 2020 (Jiji 2021-01-22)
    fx = host_macro_series("japan", "local_per_usd")
    # IMF IFS: ¥121.04 in 2015 (Fed G.5A: 121.05); IRS: ¥140.511 in 2023
    assert (fx[2015], fx[2021], fx[2023]) == (121.04, 109.75, 140.511)
    gdp = host_macro_series("japan", "nominal_gdp")
    # Cabinet Office: 2023 GDP ¥591兆4820億 = $4,210.6bn, which implies ¥140.47 per dollar, as the IRS rate
    assert gdp[2023] / 4210.6e9 == pytest.approx(fx[2023], abs=0.05)
    # 609.3 / 591.5: +3.0 % on the two first estimates (2.9 % published against the revised 2023)
    assert gdp[2024] / gdp[2023] - 1 == pytest.approx(0.030, abs=0.001)
    frame = host_macro("japan")
    assert set(frame.loc[frame["series"].str.startswith("defense"), "period"]) == {"fiscal"}
    assert set(frame.loc[~frame["series"].str.startswith("defense"), "period"]) == {"calendar"}


def test_japan_beside_korea_in_dollars_per_soldier_and_as_a_share_of_defense():
    hns = host_budget("japan").set_index("fiscal_year")["hns_jpy_bn"] * 1e9
    fx = host_macro_series("japan", "local_per_usd")
    budget = host_macro_series("japan", "defense_budget")
    soldiers = host_troops("japan").query("year == 2021")["us_troops"].item()
    # FY2021: ¥201.7bn / ¥109.75 per dollar = $1.838bn; over GAO's 55,000 troops, $33,415 each
    usd_2021 = hns[2021] / fx[2021]
    assert usd_2021 == pytest.approx(1.8378e9, rel=1e-4)
    assert usd_2021 / soldiers == pytest.approx(33_415, abs=1)
    # Korea 2021: ₩1,183.3bn at ₩1,144.6 per dollar = $1.0338bn; over GAO's 28,500, $36,274 each
    korea_fx = host_macro_series("korea", "local_per_usd")[2021]
    korea_troops = host_troops("korea").query("year == 2021")["us_troops"].item()
    assert 1183.3e9 / korea_fx / korea_troops == pytest.approx(36_274, abs=1)
    # FY2016 on the fiscal year's own rate: 0.75 x 108.79 + 0.25 x 112.17 = ¥109.635; $1.751bn
    w0, w1 = fiscal_year_weights("japan")
    assert hns[2016] / (w0 * fx[2016] + w1 * fx[2017]) == pytest.approx(1.7513e9, rel=1e-4)
    # share of the defense budget: FY2016 192.0 / 5,054.1 = 3.80 %; FY2025 227.4 / 8,700.5 = 2.61 %
    assert hns[2016] / budget[2016] == pytest.approx(0.0380, abs=5e-5)
    assert hns[2025] / budget[2025] == pytest.approx(0.0261, abs=5e-5)
    # Korea 2021: ₩1,183.3bn / ₩52,840.1bn (MND) = 2.24 %
    assert 1183.3e9 / host_macro_series("korea", "defense_budget")[2021] == pytest.approx(0.0224, abs=5e-5)


def test_values_for_the_engine_are_nan_where_the_record_is_silent():
    values = host_macro_values("japan", "local_per_usd", [[2020, 2021], [2023, 2024]])
    assert values.shape == (2, 2)
    assert values[0].tolist() == [106.77, 109.75] and values[1, 0] == 140.511
    assert np.isnan(values[1, 1])  # 2024 not found: NaN, never a guess
    assert host_macro_values("korea", "local_per_usd", [2022]).tolist() == [1292.2]


def test_troop_counts_say_what_they_count():
    japan = host_troops("japan")
    assert japan.query("year == 2021")["us_troops"].item() == 55_000  # GAO-21-270
    # March 2009: 34,554 ashore (DoD by country), 51,794 with the Seventh Fleet (USFJ to MOD)
    assert sorted(japan.query("year == 2009")["us_troops"]) == [34_554, 51_794]
    assert japan["measure"].is_unique
    pd.testing.assert_frame_equal(host_troops("KOR"), troops())


def test_korea_answers_to_the_same_names():
    assert host_macro_series("korea", "local_per_usd")[2022] == pytest.approx(1292.2)  # BOK via Hankyung
    assert host_macro_series("korea", "defense_budget")[2020] == pytest.approx(50.1527e12)  # MND
    korea = host_macro("korea")
    assert set(korea["series"]) <= {
        "cpi_inflation",
        "defense_budget",
        "defense_budget_growth",
        "local_per_usd",
    }
    assert set(korea["period"]) == {"calendar"}


def test_korea_s_budget_agrees_with_japan_s_defense_white_paper():
    # Defense of Japan 2020, reference 9, lists Korea too: 387,995 ... 501,527 (₩100m) for 2016-2020,
    # the same as MND's figures in data/macro.csv
    korea = host_macro_series("korea", "defense_budget")
    published = {2016: 387_995, 2017: 403_347, 2018: 431_581, 2019: 466_971, 2020: 501_527}
    assert {year: round(korea[year] / 1e8) for year in published} == published


def test_germany_is_one_more_record_file():
    # the same loaders read Germany's files: no code names Germany's series
    budget = host_macro_series("germany", "defense_budget")
    assert budget[2019] == pytest.approx(43.228e9)  # €43,228m (Defense of Japan 2020, reference 9)
    assert budget[2019] / budget[2018] - 1 == pytest.approx(0.122, abs=0.0005)  # +12.2 % as published
    eur = host_macro_series("germany", "local_per_usd")
    assert eur[2023] == 0.924  # IRS yearly average
    soldiers = host_troops("germany").query("year == 2016")["us_troops"].item()
    assert soldiers == 34_602  # DMDC September 2016, the same count as Japan's 38,818
    # €982.4m over 2010-2019 (German finance ministry via AP) is €98.24m a year, €2,839 per soldier
    # of 2016; Japan's FY2016 budget ¥192.0bn over its 38,818 of the same count is ¥4.95m each
    germany = host_support("germany").query("item == 'total'")["amount_eur_m"].item() * 1e6 / 10
    assert germany / soldiers == pytest.approx(2_839, abs=1)
    japan = host_budget("japan").set_index("fiscal_year").loc[2016, "hns_jpy_bn"] * 1e9
    assert japan / host_troops("japan").query("year == 2016")["us_troops"].item() == pytest.approx(
        4.946e6, rel=1e-3
    )
    assert host("germany").fiscal_year_start_month == 1 and fiscal_year_weights("germany") == (1.0, 0.0)


def test_a_missing_record_or_series_names_what_exists():
    with pytest.raises(DataError, match=r"no budget record for 'Germany'.*hosts with one: japan"):
        host_budget("Germany")
    with pytest.raises(DataError, match=r"japan has no macro series 'usd_krw'; known: cpi_core_inflation"):
        host_macro_series("japan", "usd_krw")
    with pytest.raises(DataError, match=r"korea has no macro series 'nominal_gdp'"):
        host_macro_series("korea", "nominal_gdp")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "local_per_usd,calendar,2016,108.79,",
            "local_per_usd,calendar,2016,1087.9,",
            r"line \d+, column value: local_per_usd 2016 = 1087.9 is outside",
        ),
        (
            "local_per_usd,calendar,2016,108.79,JPY per USD",
            "local_per_usd,calendar,2016,108.79,percent",
            r"column unit: local_per_usd must be in 'JPY per USD'",
        ),
        (
            "defense_budget,fiscal,2016,",
            "defense_budget,calendar,2016,",
            r"column period: defense_budget must be in 'fiscal'",
        ),
    ],
)
def test_a_bad_row_is_a_clear_error(tmp_path, monkeypatch, old, new, message):
    folder = tmp_path / "data"
    shutil.copytree(sma_model._files.data_dir(), folder)
    path = folder / "hosts" / "japan" / "macro.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    clear_cache()
    monkeypatch.setattr(sma_model._files, "data_dir", lambda: folder)
    try:
        with pytest.raises(DataError, match=message):
            host_macro("japan")
    finally:
        clear_cache()
