"""Japan beside Korea: a host country with its own currency, ranges and record (issue 13, item 4).

The figures are worked by hand from the sources named in ``data/hosts/japan/`` and in the
design (MOFA Japan 2022-04-01: ¥1,055.1bn over FY2022-26; US IRS yearly average rates:
¥131.454 per dollar in 2022, ¥140.511 in 2023; GAO-21-270: about 55,000 US troops in Japan).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

import sma_model as sma
from sma_model.analysis.hosts import compare_hosts
from sma_model.engine.macro import ScenarioMacro, recorded
from sma_model.model.assumptions import check_for_host, host_assumptions
from sma_model.plotting.hosts import host_comparison
from sma_model.record.hosts import HOST_INFO, host_macro_series, host_macro_values
from sma_model.record.payments import published_payment
from sma_model.series import HOST_CURRENCIES, HOST_SERIES
from sma_model.units import (
    check_currency,
    convert,
    currency_column,
    either,
    money_currency,
    plot_unit,
    short_money,
    table_unit,
    to_local,
    to_usd,
)

BN = 1e9
#: MOFA Japan, 2022-04-01: ¥1,055.1bn over the five fiscal years FY2022-26.
FY2022_26_TOTAL = 1_055.1 * BN
YEARLY = 211.02 * BN  # ¥1,055.1bn / 5, as the preset writes it


def japan(**overrides):
    """The FY2022-26 agreement, frozen at its yearly average, as the design's preset has it."""
    fields = dict(
        name="japan status quo",
        host="japan",
        agreements=[
            sma.Agreement(
                name="FY2022-26 special measures agreement",
                start_year=2022,
                term_years=5,
                base=sma.Money(amount=YEARLY, currency="JPY"),
                escalation=sma.Frozen(),
            )
        ],
        after_expiry=sma.RollOver(),
        horizon=2030,
        assumptions=sma.Assumptions(cpi=0.02, us_cpi=0.02, usd_krw=140.511, troops=55_000.0),
    )
    fields.update(overrides)
    return sma.Scenario(**fields)


def korea_deal(currency="KRW", amount=1_000 * BN):
    return sma.Agreement(
        name="deal",
        start_year=2026,
        term_years=3,
        base=sma.Money(amount=amount, currency=currency),
        escalation=sma.Frozen(),
    )


# --- the host and its currency ----------------------------------------------------------


def test_hosts_and_their_currencies_agree_with_the_record():
    assert HOST_CURRENCIES == {"korea": "KRW", "japan": "JPY"}
    for name, code in HOST_CURRENCIES.items():
        assert HOST_INFO[name].currency == code
    assert set(HOST_SERIES.values()) <= {"cpi_inflation", "defense_budget", "defense_budget_growth"} | {
        "local_per_usd",
        "nominal_gdp",
    }


def test_a_scenario_is_korean_unless_it_says_otherwise():
    status_quo = sma.presets.get("status-quo")
    assert (status_quo.host, status_quo.currency) == ("korea", "KRW")
    assert "host" not in status_quo.model_dump()  # Korea's files and dumps are as they were
    scenario = japan()
    assert (scenario.host, scenario.currency) == ("japan", "JPY")
    assert scenario.model_dump(mode="json")["host"] == "japan"
    assert sma.Scenario.model_validate(scenario.model_dump()) == scenario
    assert sma.Scenario.model_validate_json(scenario.model_dump_json()) == scenario
    assert japan(host=" Japan ").host == "japan"


def test_an_unknown_host_names_the_known_ones():
    with pytest.raises(
        ValidationError, match=r"host: 'france' is not a host the model projects; choose 'korea' or 'japan'"
    ):
        japan(host="france")
    with pytest.raises(ValidationError, match=r"host: 3 is not a host"):
        japan(host=3)


def test_a_yen_amount_is_money():
    money = sma.Money(amount=YEARLY, currency="JPY")
    assert money.describe() == "base ¥211bn"
    assert short_money(YEARLY, "JPY") == "¥211bn"
    with pytest.raises(
        ValidationError,
        match=r"Input should be 'KRW' or 'USD' in a Korea scenario, or 'JPY' or 'USD' in a Japan scenario",
    ):
        sma.Money(amount=1e9, currency="EUR")


def test_won_in_a_japan_scenario_names_the_agreement_the_currency_and_what_is_allowed():
    with pytest.raises(ValidationError) as info:
        japan(agreements=[korea_deal("KRW")], assumptions=sma.Assumptions(usd_krw=140.0))
    assert (
        "agreements[0] ('deal').base is in 'KRW', but a Japan scenario's amounts are in 'JPY' or 'USD'"
        in str(info.value)
    )
    with pytest.raises(
        ValidationError,
        match=r"\('deal'\).base is in 'JPY', but a Korea scenario's amounts are in 'KRW' or 'USD'",
    ):
        sma.Scenario(name="k", agreements=[korea_deal("JPY", YEARLY)])
    target = sma.PhaseIn(target=sma.Money(amount=2_000 * BN, currency="KRW"), by_year=2030)
    with pytest.raises(ValidationError, match=r"after_expiry.target is in 'KRW'"):
        japan(after_expiry=target)
    with pytest.raises(ValidationError, match=r"\('later'\).escalation\[2028\].target is in 'KRW'"):
        later = sma.Agreement(
            name="later",
            start_year=2027,
            term_years=3,
            base=None,
            escalation={2027: sma.Frozen(), 2028: target},
        )
        japan(agreements=[japan().agreements[0], later])


def test_dollars_are_allowed_for_every_host():
    dollars = sma.Money(amount=8e9, currency="USD")  # the US demand of 2019, about $8bn a year (Kyodo)
    demand = sma.Agreement(
        name="demand", start_year=2027, term_years=5, base=dollars, escalation=sma.Frozen()
    )
    scenario = japan(agreements=[japan().agreements[0], demand])
    assert [t.currency for t in scenario.timeline()][4:6] == ["JPY", "USD"]


def test_the_currency_a_japan_agreement_cannot_tell_is_asked_in_yen():
    rise = sma.Agreement(
        name="Rise", start_year=2027, term_years=2, base=sma.Rise(rate=0.0765), escalation=sma.Frozen()
    )
    with pytest.raises(
        sma.ScenarioError, match=r"^Rise: cannot tell the currency; give currency='JPY' or 'USD'$"
    ):
        japan(agreements=[rise]).timeline()
    # the previous agreement's yen carry over to a rise, as won do for Korea
    scenario = japan(agreements=[japan().agreements[0], rise])
    assert {t.currency for t in scenario.timeline()} == {"JPY"}


# --- assumptions: the host's ranges ------------------------------------------------------


def test_japan_has_the_ranges_its_record_declares():
    # data/datapackage.json, hosts/japan/macro.csv: local_per_usd 50-400 yen per dollar,
    # defense_budget ¥1,000bn-¥100,000bn, nominal_gdp ¥100,000bn-¥5,000,000bn, CPI -5 % to 30 %
    ranges = {name: (s.low, s.high) for name, s in host_assumptions("japan").items()}
    assert ranges["usd_krw"] == (50.0, 400.0)
    assert ranges["defense_budget"] == (1e12, 1e14)
    assert ranges["gdp"] == (1e14, 5e15)
    assert ranges["cpi"] == (-0.05, 0.3)
    assert host_assumptions("japan")["usd_krw"].record == "local_per_usd"
    assert host_assumptions("japan")["defense_budget_growth"].record is None  # derived from levels
    assert host_assumptions("japan")["troops"].unit == "US service members in Japan"
    assert host_assumptions("korea") is sma.series.ASSUMPTIONS
    with pytest.raises(KeyError, match="host 'germany' is not one of 'korea', 'japan'"):
        host_assumptions("germany")


def test_140_yen_is_valid_for_japan_and_refused_for_korea_naming_the_host():
    assert japan().assumptions.usd_krw == 140.511
    with pytest.raises(ValidationError) as info:
        sma.Scenario(name="k", agreements=[korea_deal()], assumptions=sma.Assumptions(usd_krw=140.0))
    assert (
        "assumptions.usd_krw (host 'korea'): 140 is outside the allowed range 400 to 5000 (won per dollar); "
        "in a Japan scenario 50 to 400 (yen per dollar)"
    ) in str(info.value)
    with pytest.raises(
        ValidationError,
        match=r"usd_krw \(host 'japan'\)\[2027\]: 1422 is outside the allowed range 50 to 400 \(yen",
    ):
        japan(assumptions=sma.Assumptions(usd_krw={2027: 1422.0}))
    # a budget in won is 10 times too large for Japan's range: ¥1,000 tn
    with pytest.raises(
        ValidationError,
        match=r"defense_budget \(host 'japan'\): 1e\+15 is outside the allowed range 1e\+12 to 1e\+14",
    ):
        japan(assumptions=sma.Assumptions(usd_krw=140.0, defense_budget=1e15))


def test_on_its_own_an_assumption_takes_any_hosts_range():
    assert sma.Assumptions(usd_krw=140.0).usd_krw == 140.0
    assert sma.Assumptions(usd_krw=1422.0).usd_krw == 1422.0
    with pytest.raises(ValidationError) as info:
        sma.Assumptions(usd_krw=1.4)
    assert (
        "usd_krw: 1.4 is outside the allowed range 400 to 5000 (won per dollar); "
        "in a Japan scenario 50 to 400 (yen per dollar)"
    ) in str(info.value)
    assert check_for_host("usd_krw", 140.0, "fx", "japan") == 140.0
    with pytest.raises(ValueError, match=r"^fx: 140 is outside the allowed range 400 to 5000"):
        check_for_host("usd_krw", 140.0, "fx", "korea")
    # rates are the same for every host: a percent typed as a number is still caught
    with pytest.raises(ValueError, match=r"did you mean 0.02\?$"):
        check_for_host("cpi", 2.0, "cpi", "japan")


def test_korea_troops_are_not_japans():
    # the default 28,500 is Korea's (GAO-21-270); a Japan scenario that does not set its
    # troops has none, rather than Korea's number
    unset = japan(assumptions=sma.Assumptions(usd_krw=140.0))
    assert unset.assumptions.troops is None
    assert japan().assumptions.troops == 55_000.0  # GAO-21-270: about 55,000 in Japan
    assert sma.Scenario.model_validate(unset.model_dump()).assumptions.troops is None


# --- variants: host is a path ------------------------------------------------------------


def test_the_host_is_a_path_a_variant_can_set():
    dollars = sma.Scenario(
        name="d",
        agreements=[korea_deal("USD", 5e9)],
        assumptions=sma.Assumptions(usd_krw=1400.0),
    )
    moved = dollars.with_changes({"host": "japan", "assumptions.usd_krw": 140.0}, name="d in Japan")
    assert (moved.host, moved.name, moved.assumptions.usd_krw) == ("japan", "d in Japan", 140.0)
    assert moved.assumptions.troops is None  # Korea's default troops do not move with it
    kept = dollars.with_changes({"host": "japan", "assumptions.usd_krw": 140.0, "assumptions.troops": 55_000})
    assert kept.assumptions.troops == 55_000
    back = moved.with_changes({"host": "korea", "assumptions.usd_krw": 1400.0}, name="d")
    assert (back.host, back.assumptions.troops) == ("korea", 28_500.0)
    assert back.model_dump() == dollars.model_dump()
    # re-validated: won cannot move to Japan, and Korea's rate is out of Japan's range
    with pytest.raises(ValidationError, match=r"base is in 'KRW', but a Japan scenario's amounts"):
        sma.Scenario(name="k", agreements=[korea_deal()]).with_changes({"host": "japan"})
    with pytest.raises(ValidationError, match=r"usd_krw \(host 'japan'\): 1400 is outside"):
        dollars.with_changes({"host": "japan"})


# --- units: yen beside won and dollars ---------------------------------------------------


def test_units_know_the_yen():
    assert plot_unit("JPY") == ("JPY", 1e9, "¥ bn")
    assert table_unit("jpy") == (1e9, "¥ bn")
    assert currency_column("payment", "JPY") == "payment_jpy"
    assert currency_column("cumulative", "KRW", real=True) == "cumulative_krw_real"
    assert money_currency("payment_jpy_real") == "JPY"
    assert either(["KRW", "USD", "JPY"]) == "'KRW', 'USD' or 'JPY'"
    # FY2022 on the fiscal-year rate: 0.75 x 131.454 + 0.25 x 140.511 = 133.71825 yen per dollar
    rate = 0.75 * 131.454 + 0.25 * 140.511
    assert rate == pytest.approx(133.71825, abs=1e-12)
    assert to_usd(YEARLY, False, rate) == pytest.approx(1.578094e9, rel=1e-6)  # $1.5781bn
    assert to_local(8e9, True, 140.511) == pytest.approx(1_124.088e9)  # $8bn in yen at 2023's rate
    assert convert(8e9, "USD", "JPY", 140.511) == pytest.approx(1_124.088e9)
    with pytest.raises(sma.SMAModelError, match="cannot convert KRW into JPY at one rate per dollar"):
        convert(1e9, "KRW", "JPY", 140.0)


def test_functions_that_know_only_won_and_dollars_still_refuse_yen():
    # Korea's pair unless told otherwise: the record's payments are in won and dollars
    with pytest.raises(sma.SMAModelError, match=r"^currency must be 'KRW' or 'USD', not 'JPY'$"):
        check_currency("JPY")
    assert check_currency("jpy", ("JPY", "USD")) == "JPY"
    with pytest.raises(sma.SMAModelError, match=r"^currency must be 'JPY' or 'USD', not 'EUR'$"):
        check_currency("EUR", ("JPY", "USD"))
    with pytest.raises(sma.SMAModelError, match="currency must be 'KRW' or 'USD', not 'JPY'"):
        sma.history.payment_series("JPY")


# --- the record the engine reads ---------------------------------------------------------


def test_the_record_series_the_engine_reads():
    # IRS yearly averages: 131.454 (2022), 140.511 (2023); nothing published here for 2024
    fx = host_macro_values("japan", "local_per_usd", [2022, 2023, 2024])
    assert fx[:2].tolist() == [131.454, 140.511] and fx[2] != fx[2]
    # MOD: FY2025 defense budget ¥8,700.5bn including US realignment costs
    assert host_macro_series("japan", "defense_budget")[2025] == pytest.approx(8.7005e12)
    series = host_macro_series("japan", "cpi_inflation")
    series[2023] = 99.0  # a copy: the cached series is not changed
    assert host_macro_series("japan", "cpi_inflation")[2023] == pytest.approx(0.032)


# --- projecting Japan through the one engine ---------------------------------------------

IRS_2022, IRS_2023 = 131.454, 140.511  # yen per dollar, US IRS yearly averages
FY2022_RATE = 0.75 * IRS_2022 + 0.25 * IRS_2023  # April-December 2022, January-March 2023
BUDGET = {2022: 5_400.5e9, 2023: 6_821.9e9, 2025: 8_700.5e9, 2026: 9_035.3e9}  # MOD, initial budgets [JPY]


@pytest.fixture(scope="module")
def status_quo():
    return sma.project(sma.presets.get("japan-status-quo")).frame.set_index("year")


def test_the_fiscal_year_rate_mixes_two_calendar_years():
    macro = ScenarioMacro(sma.presets.get("japan-status-quo"), 2021, 2026)
    rates = dict(zip(macro.years.tolist(), macro.values["usd_krw"].tolist()))
    assert rates[2022] == pytest.approx(133.71825, abs=1e-12)
    # FY2021: 0.75 x 109.75 (IMF 2021) + 0.25 x 131.454 (IRS 2022) = 115.17600
    assert rates[2021] == pytest.approx(0.75 * 109.75 + 0.25 * IRS_2022, abs=1e-12)
    # 2024 on: no published average, the preset's 140.511 for both calendar years
    assert rates[2023] == rates[2025] == IRS_2023
    # Korea's weights are (1, 0): its rates are the calendar years' as recorded, to the digit
    korea = ScenarioMacro(sma.presets.get("status-quo"), 2020, 2026)
    recorded_krw = sma.history.macro_series("usd_krw")
    assert korea.values["usd_krw"][:6].tolist() == [recorded_krw[y] for y in range(2020, 2026)]


def test_japans_record_fills_its_assumptions():
    years = np.array([2021, 2022, 2023, 2024])
    # MOD budgets: FY2021 is not recorded, so neither FY2021's growth nor FY2022's is known
    growth = recorded("defense_budget_growth", years, "japan")
    assert np.isnan(growth[:2]).all()
    assert growth[2] == pytest.approx(6_821.9 / 5_400.5 - 1)  # +26.3 %
    assert growth[3] == pytest.approx(7_949.6 / 6_821.9 - 1)
    assert recorded("cpi", years, "japan")[2:].tolist() == pytest.approx([0.032, 0.027])  # MIC
    assert recorded("us_cpi", years, "japan").tolist() == recorded("us_cpi", years, "korea").tolist()
    assert recorded("troops", years, "japan") is None


def test_the_fy2022_26_agreement_projects_the_mofa_total(status_quo):
    frame = status_quo
    agreement = frame.loc[2022:2026]
    assert (agreement["payment_jpy"] == YEARLY).all() and (agreement["currency"] == "JPY").all()
    assert agreement["payment_jpy"].sum() == pytest.approx(FY2022_26_TOTAL)  # ¥1,055.1bn
    assert (frame.loc[2027:, "payment_jpy"] == YEARLY).all()  # rolled over flat
    assert frame.loc[2027, "agreement"].startswith("after FY2022-26")
    assert "payment_krw" not in frame
    # FY2022 on the fiscal-year rate: ¥211.02bn / 133.71825 = $1.5781bn
    assert frame.loc[2022, "payment_usd"] == pytest.approx(YEARLY / FY2022_RATE, rel=1e-12)
    assert frame.loc[2022, "payment_usd"] == pytest.approx(1.5781e9, abs=0.00005e9)
    # FY2023: ¥211.02bn / 140.511 = $1.5018bn; per US soldier (GAO-21-270, 55,000): $27,306
    assert frame.loc[2023, "payment_usd"] == pytest.approx(1.5018e9, abs=0.00005e9)
    assert frame.loc[2023, "usd_per_troop"] == pytest.approx(27_305.53, abs=0.01)
    # share of Japan's own defense budget, both in yen: FY2025 211.02 / 8,700.5 = 2.43 %
    for year, budget in BUDGET.items():
        assert frame.loc[year, "share_of_defense_budget"] == pytest.approx(YEARLY / budget, rel=1e-12)
    assert frame.loc[2025, "share_of_defense_budget"] == pytest.approx(0.02425, abs=0.000005)
    # FY2027: the budget grown by the preset's 3.85 % (9,035.3 / 8,700.5 - 1)
    assert frame.loc[2027, "share_of_defense_budget"] == pytest.approx(YEARLY / (9_035.3e9 * 1.0385))
    # FY2022 over FY2021's one-year agreement, ¥201.7bn (Nikkei, Sankei): +4.62 %
    assert frame.loc[2022, "growth_rate"] == pytest.approx(211.02 / 201.7 - 1)
    assert published_payment(2021, "japan") == sma.Money(amount=201.7e9, currency="JPY")
    assert published_payment(2016, "japan") == sma.Money(amount=189.3e9, currency="JPY")  # 946.5 / 5
    assert published_payment(2010, "japan") is None


def test_a_dollar_demand_is_converted_at_the_years_rate():
    frame = sma.project(sma.presets.get("japan-demand-8b")).frame.set_index("year")
    # $8bn a year from FY2027 (Bolton's memoir, 2020): ¥1,124.088bn at 140.511
    assert frame.loc[2027, "currency"] == "USD" and frame.loc[2027, "payment_usd"] == 8e9
    assert frame.loc[2027, "payment_jpy"] == pytest.approx(1_124.088e9)
    # a jump of 8e9 / (211.02e9 / 140.511) - 1 = +432.7 %, at FY2026's rate
    assert frame.loc[2027, "growth_rate"] == pytest.approx(8e9 * IRS_2023 / YEARLY - 1)
    assert frame.loc[2027, "usd_per_troop"] == pytest.approx(8e9 / 55_000)


def test_real_terms_deflate_by_japans_cpi(status_quo):
    # prices of 2025 (the default price year, the same for every host); Japan's 2024 CPI
    # +2.7 % (MIC), 2025 and later the preset's 2 %
    frame = status_quo
    assert frame.loc[2025, "payment_jpy_real"] == pytest.approx(YEARLY)
    assert frame.loc[2024, "payment_jpy_real"] == pytest.approx(YEARLY * 1.02)
    assert frame.loc[2023, "payment_jpy_real"] == pytest.approx(YEARLY * 1.02 * 1.027)
    assert frame.loc[2026, "payment_jpy_real"] == pytest.approx(YEARLY / 1.02)


def test_a_rule_that_needs_a_year_japan_has_not_recorded_says_so():
    # MIC's all-items CPI for 2020 and 2021 is not in the record, and nothing else gives it
    indexed = sma.Agreement(
        name="indexed", start_year=2022, term_years=2, base=None, escalation=sma.Indexed(index="cpi", lag=1)
    )
    scenario = japan(agreements=[indexed], assumptions=sma.Assumptions(usd_krw=140.0))
    with pytest.raises(sma.MissingAssumptionError, match=r"cpi.*2021"):
        sma.project(scenario)


def test_a_batch_of_hosts_keeps_each_hosts_currency_apart():
    korea, japan_sq = sma.presets.get("status-quo"), sma.presets.get("japan-status-quo")
    both = sma.project([korea, japan_sq])
    frame = both.frame
    is_japan = frame["scenario"] == "japan status quo"
    assert (
        frame.loc[is_japan, "payment_krw"].isna().all() and frame.loc[~is_japan, "payment_jpy"].isna().all()
    )
    assert (
        frame.loc[~is_japan, "payment_krw"].notna().all() and frame.loc[is_japan, "payment_jpy"].notna().all()
    )
    assert set(frame.loc[is_japan, "currency"]) == {"JPY"} and set(frame.loc[~is_japan, "currency"]) == {
        "KRW"
    }
    assert both.currencies == ["KRW", "JPY", "USD"]
    # each member as it is alone, to the digit
    for scenario in (korea, japan_sq):
        alone = sma.project(scenario).frame
        rows = frame[frame["scenario"] == scenario.name].reset_index(drop=True)[alone.columns]
        pd.testing.assert_frame_equal(
            rows.astype({c: float for c in alone if alone[c].dtype.kind == "f"}), alone, check_dtype=False
        )
    summary = both.summary()
    assert summary.loc["japan status quo", "total_jpy"] == pytest.approx(14 * YEARLY)
    assert np.isnan(summary.loc["status quo", "total_jpy"]) and np.isnan(
        summary.loc["japan status quo", "total_krw"]
    )
    assert summary.loc["japan status quo", "average_growth"] == 0.0  # frozen, in yen
    assert (
        summary.loc["status quo", "average_growth"]
        == sma.project(korea).summary().loc["status quo", "average_growth"]
    )


def test_tables_and_summaries_in_yen():
    projection = sma.project(sma.presets.get("japan-status-quo"))
    assert projection.currencies == ["JPY", "USD"]
    assert projection.table().loc[2022, "japan status quo"] == pytest.approx(211.02)  # ¥ bn
    assert projection.table().columns.name == "payment_jpy [¥ bn]"
    assert projection.table(text=True).loc[2022, "japan status quo"] == "¥211 bn"
    assert projection.table(korean=True).loc[2022, "japan status quo"] == "2,110억 엔"
    assert "¥2.95 tn" in repr(projection)  # 14 years of ¥211.02bn
    with pytest.raises(sma.SMAModelError, match=r"^currency must be 'JPY' or 'USD', not 'KRW'$"):
        projection.table("KRW")
    with pytest.raises(sma.SMAModelError, match=r"currency must be 'JPY' or 'USD', not 'EUR'"):
        projection.summary(growth_currency="EUR")


def test_every_korea_preset_keeps_korea_columns():
    for name in sma.presets.names():
        scenario = sma.presets.get(name)
        frame = sma.project(scenario).frame
        if scenario.host == "korea":
            assert not [c for c in frame if "jpy" in c] and set(frame["currency"]) <= {"KRW", "USD"}
        else:
            assert not [c for c in frame if "krw" in c] and set(frame["currency"]) <= {"JPY", "USD"}


# --- side by side ------------------------------------------------------------------------


def test_compare_hosts_side_by_side():
    table = compare_hosts(last=2030).set_index(["host", "year"])
    assert list(table.columns[:4]) == ["scenario", "fiscal_year", "agreement", "currency"]
    # Korea 2026: ₩1,519.2324bn (2025 + 8.3 %) / ₩1,422.0 = $1.0684bn; per soldier (28,500)
    # $37,487; share of the 2026 budget, ₩65,864.2bn (MND): 2.31 %
    korea = table.loc[("korea", 2026)]
    assert korea["payment_usd"] == pytest.approx(1_519.2324e9 / 1_422.0)
    assert korea["usd_per_troop"] == pytest.approx(1_519.2324e9 / 1_422.0 / 28_500)
    assert korea["share_of_defense_budget"] == pytest.approx(1_519.2324 / 65_864.2)
    # Korea 2027: the Mid-Term Defense Plan's ₩72.4tn (via the sourced path, noted)
    assert table.loc[("korea", 2027), "share_of_defense_budget"] == pytest.approx(
        table.loc[("korea", 2027), "payment_usd"] * 1_422.0 / 72.4e12
    )
    japan_2025 = table.loc[("japan", 2025)]
    assert japan_2025["fiscal_year"] == "April-March" and korea["fiscal_year"] == "calendar"
    assert japan_2025["share_of_defense_budget"] == pytest.approx(YEARLY / 8_700.5e9)
    assert japan_2025["usd_per_troop"] == pytest.approx(YEARLY / IRS_2023 / 55_000)
    assert table.index.get_level_values("year").max() == 2030
    assert any("Mid-Term Defense Plan 2025-2029" in note for note in table.attrs["notes"])


def test_the_side_by_side_chart(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    table = compare_hosts(last=2030)
    ax = host_comparison(table, "usd_per_troop")
    assert ax.get_ylabel() == "payment per US soldier [$ thousand]"
    lines = {line.get_label(): line for line in ax.get_lines() if not line.get_label().startswith("_")}
    assert set(lines) == {"status quo (Korea)", "japan status quo (Japan)"}
    assert lines["japan status quo (Japan)"].get_ydata()[1] == pytest.approx(27.30553, abs=1e-5)
    share = host_comparison(table, "share_of_defense_budget")
    assert share.get_ylabel() == "share of the host's defense budget [%]"
    assert any("April-March" in text.get_text() for text in share.texts)
    ax.figure.savefig(tmp_path / "hosts.png")
    with pytest.raises(sma.SMAModelError, match=r"measure must be 'payment_usd', 'usd_per_troop' or"):
        host_comparison(table, "gdp")
    with pytest.raises(sma.SMAModelError, match="the frame has no share_of_defense_budget"):
        host_comparison(table.drop(columns="share_of_defense_budget"), "share_of_defense_budget")


def test_sweeps_and_monte_carlo_refuse_a_japanese_scenario_rather_than_label_yen_as_won():
    japan = sma.presets.get("japan-status-quo")
    with pytest.raises(sma.SweepError, match=r"sweeps cover Korean scenarios \(outcomes in won\); 'japan st"):
        sma.sweep(japan, {"assumptions.cpi": [0.01, 0.02]})
    with pytest.raises(sma.SweepError, match="sweeps cover Korean scenarios"):
        sma.monte_carlo(japan, n=10, uncertainties={"cpi": sma.Normal(mean=0.02, sd=0.01)})
