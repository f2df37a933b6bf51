"""Japan through every result: comparisons, plots, the burden's refusal, the report and Excel.

Hand-worked figures, from the sources the presets name:

- the FY2022-26 agreement pays ¥1,055.1bn over five fiscal years (MOFA Japan, 2022-04-01),
  ¥211.02bn a year; the status quo rolls it over flat to FY2035: 14 x ¥211.02bn = ¥2,954.28bn;
- the $8bn demand (July 2019, Bolton's memoir via Kyodo) pays $8bn a year from FY2027, at the
  held ¥140.511 per dollar (US IRS 2023 average) ¥1,124.088bn: over FY2022-35
  5 x ¥211.02bn + 9 x ¥1,124.088bn = ¥11,171.892bn;
- FY2022's rate is the fiscal-year blend 0.75 x 131.454 + 0.25 x 140.511 = ¥133.71825 per dollar
  (US IRS 2022 and 2023 averages), so FY2022 pays $1.5781bn, every later yen year $1.5018bn.
"""

from __future__ import annotations

import base64
import re

import numpy as np
import pandas as pd
import pytest

import sma_model as sma
from sma_model._excel import record_sources
from sma_model.analysis.composition import project_composition, support_layer
from sma_model.plotting.payments import comparison_bars, payment_curves
from sma_model.report import build_report

BN = 1e9
YEARLY = 211.02 * BN  # ¥1,055.1bn / 5 (MOFA Japan 2022-04-01)
RATE = 140.511  # yen per dollar, 2023 average (US IRS), held by both presets
FY2022_RATE = 0.75 * 131.454 + 0.25 * RATE  # 133.71825
DEMAND_JPY = 8 * BN * RATE  # ¥1,124.088bn
STATUS_QUO_JPY = 14 * YEARLY  # FY2022-35
DEMAND_TOTAL_JPY = 5 * YEARLY + 9 * DEMAND_JPY


@pytest.fixture(scope="module")
def japan():
    return sma.presets.get("japan-status-quo"), sma.presets.get("japan-demand-8b")


@pytest.fixture(scope="module")
def korea():
    return sma.presets.get("status-quo")


@pytest.fixture(scope="module")
def japan_comparison(japan):
    return sma.compare(list(japan))


# --- comparisons ----------------------------------------------------------------------


def test_a_japan_comparison_is_in_yen_and_dollars(japan_comparison):
    comparison = japan_comparison
    assert comparison.currencies == ["JPY", "USD"]
    summary = comparison.summary()
    assert DEMAND_TOTAL_JPY == pytest.approx(11_171.892 * BN)
    assert summary.loc["japan status quo", "total_jpy"] == pytest.approx(2_954.28 * BN)
    assert summary.loc["japan demand $8bn", "total_jpy"] == pytest.approx(DEMAND_TOTAL_JPY)
    assert summary.loc["japan demand $8bn", "difference_jpy"] == pytest.approx(8_217.612 * BN)
    assert summary.loc["japan demand $8bn", "final_payment_jpy"] == pytest.approx(1_124.088 * BN)
    # ratio and growth in yen, no longer NaN: 11,171.892 / 2,954.28 = 3.7816
    assert summary.loc["japan demand $8bn", "ratio_to_baseline"] == pytest.approx(3.781596, abs=1e-6)
    growth = (DEMAND_JPY / YEARLY) ** (1 / 13) - 1  # FY2022 to FY2035, across the jump
    assert summary.loc["japan demand $8bn", "average_growth"] == pytest.approx(growth)
    assert growth == pytest.approx(0.13732, abs=1e-5)
    assert summary.loc["japan status quo", "average_growth"] == 0.0
    # dollars: FY2022 at the fiscal-year blend, later yen years at 140.511, then $8bn a year
    usd_sq = YEARLY / FY2022_RATE + 13 * YEARLY / RATE
    usd_demand = YEARLY / FY2022_RATE + 4 * YEARLY / RATE + 9 * 8 * BN
    assert summary.loc["japan status quo", "total_usd"] == pytest.approx(usd_sq)
    assert summary.loc["japan demand $8bn", "total_usd"] == pytest.approx(usd_demand)
    in_dollars = comparison.summary(currency="usd")
    assert in_dollars.loc["japan demand $8bn", "ratio_to_baseline"] == pytest.approx(usd_demand / usd_sq)
    assert not summary.attrs["notes"]


def test_a_japan_npv_discounts_the_yen_differences(japan_comparison):
    # 0 for FY2022-26, then ¥913.068bn a year for FY2027-35 (t - t0 = 5..13), at 3 %
    gap = DEMAND_JPY - YEARLY
    expected = sum(gap / 1.03**k for k in range(5, 14))
    npv = japan_comparison.npv()  # the default is the first currency's difference
    assert npv.name == "difference_jpy"
    assert npv["japan demand $8bn"] == pytest.approx(expected)
    assert japan_comparison.summary().loc["japan demand $8bn", "npv_difference_jpy"] == pytest.approx(
        expected
    )
    # in 2025 prices, by Japan's CPI: FY2022 is 1 / (1.032 x 1.027 x 1.02) of 2025's level (MIC
    # 2023 +3.2 %, 2024 +2.7 %; 2025 the preset's 2 %)
    real = japan_comparison.npv("difference_jpy_real")
    assert real["japan demand $8bn"] == pytest.approx(expected * 1.032 * 1.027 * 1.02)
    frame = japan_comparison.frame.set_index(["scenario", "year"])
    assert frame.loc[("japan demand $8bn", 2027), "difference_jpy"] == pytest.approx(gap)
    assert frame.loc[("japan demand $8bn", 2035), "cumulative_difference_jpy"] == pytest.approx(9 * gap)


def test_won_for_japan_is_an_error_naming_the_host_and_what_is_allowed(japan_comparison):
    with pytest.raises(sma.SMAModelError, match=r"host 'japan' \(JPY\).*give 'JPY' or 'USD'$"):
        japan_comparison.summary(currency="KRW")
    with pytest.raises(sma.SMAModelError, match="'japan status quo', 'japan demand \\$8bn'"):
        comparison_bars(japan_comparison, currency="KRW")
    flows = r"'difference_jpy'.* NPV is defined for: payment_jpy, payment_usd, "
    with pytest.raises(sma.ScenarioError, match=flows):
        japan_comparison.npv("difference_krw")


def test_korea_and_japan_are_compared_in_dollars_and_it_says_so(korea, japan):
    comparison = sma.compare([korea, japan[0]])
    assert comparison.currencies == ["USD"]
    assert "compared in USD: the scenarios are of several hosts, paid in KRW and JPY" in comparison.notes
    summary = comparison.summary()
    assert [c for c in summary.columns if c.endswith(("_krw", "_jpy"))] == []
    # FY2026-35 (the years both cover): 10 x ¥211.02bn / 140.511 = $15.018bn
    japan_usd = 10 * YEARLY / RATE
    assert summary.loc["japan status quo", "total_usd"] == pytest.approx(japan_usd)
    korea_rows = sma.project(korea).frame.query("2026 <= year <= 2035")
    # Korea's 2026: ₩1,402.8bn x 1.083 = ₩1,519.2bn at the status quo's ₩1,422.0 = $1.0683bn
    assert korea_rows["payment_usd"].iloc[0] == pytest.approx(1_402.8 * BN * 1.083 / 1_422.0)
    korea_usd = korea_rows["payment_usd"].sum()
    assert summary.loc["status quo", "total_usd"] == pytest.approx(korea_usd)
    assert summary.loc["japan status quo", "ratio_to_baseline"] == pytest.approx(japan_usd / korea_usd)
    assert summary.loc["japan status quo", "average_growth"] == 0.0
    assert "difference_krw" not in comparison.frame and "difference_usd" in comparison.frame
    assert comparison.npv().name == "difference_usd"
    with pytest.raises(sma.SMAModelError, match=r"host 'korea' \(KRW\): 'status quo'; host 'japan'"):
        comparison.summary(currency="KRW")
    with pytest.raises(sma.SMAModelError, match=r"compared in dollars only; give 'USD'$"):
        comparison.summary(currency="JPY")


def test_korea_alone_keeps_its_currencies_and_messages(korea):
    comparison = sma.compare([korea, sma.presets.get("rise-13.9")])
    assert comparison.currencies == ["KRW", "USD"]
    assert comparison.npv().name == "difference_krw"
    with pytest.raises(sma.SMAModelError, match=r"^currency must be 'KRW' or 'USD', not 'JPY'$"):
        comparison.summary(currency="JPY")


# --- plots ----------------------------------------------------------------------------


def _lines(ax):
    return {line.get_label(): line for line in ax.get_lines()}


def test_a_japan_plot_is_in_yen_with_japans_record(japan):
    projection = sma.project(list(japan))
    ax = payment_curves(projection)
    assert ax.get_ylabel() == "payment [¥ bn, nominal]"
    assert "Japan: fiscal years from April" in ax.get_xlabel()
    lines = _lines(ax)
    assert list(lines["japan status quo"].get_ydata())[:2] == pytest.approx([211.02, 211.02])
    assert list(lines["japan demand $8bn"].get_ydata())[5] == pytest.approx(1_124.088)
    # Japan's published yearly amounts (hosts/japan/support.csv), ten years before FY2022 on:
    # FY2012-15 ¥188.1bn, FY2016-20 ¥189.3bn (946.5 / 5), FY2021 ¥201.7bn, FY2022-26 ¥211.0bn
    published = lines["published"]
    record = dict(zip(published.get_xdata(), published.get_ydata()))
    assert min(record) == 2012 and max(record) == 2026
    assert (record[2012], record[2016], record[2021], record[2022]) == pytest.approx(
        (188.1, 189.3, 201.7, 211.0)
    )
    boundary = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert [line.get_xdata()[0] for line in boundary] == [2026.5]


def test_a_japan_plot_in_dollars_draws_no_record(japan):
    ax = sma.project(japan[0]).plot(currency="USD")
    lines = _lines(ax)
    assert "published" not in lines and ax.get_ylabel() == "payment [$ bn, nominal]"
    assert list(lines["japan status quo"].get_ydata())[:2] == pytest.approx(
        [YEARLY / FY2022_RATE / BN, YEARLY / RATE / BN]
    )
    assert YEARLY / FY2022_RATE == pytest.approx(1.5781 * BN, abs=0.00005 * BN)


def test_a_plot_of_both_hosts_is_in_dollars_without_koreas_record(korea, japan):
    projection = sma.project([korea, japan[0]])
    ax = payment_curves(projection)
    assert ax.get_ylabel() == "payment [$ bn, nominal]"
    assert "published" not in _lines(ax)
    assert list(_lines(ax)["japan status quo"].get_ydata())[-1] == pytest.approx(YEARLY / RATE / BN)
    with pytest.raises(sma.SMAModelError, match=r"compared in dollars only; give 'USD'$"):
        payment_curves(projection, currency="KRW")
    with pytest.raises(sma.SMAModelError, match=r"host 'japan' \(JPY\).*give 'JPY' or 'USD'$"):
        sma.project(japan[0]).plot(currency="KRW")


def test_a_log_axis_reads_thousands_plainly(japan):
    ax = sma.project(list(japan)).plot(log=True)
    labels = [label.get_text() for label in ax.get_yticklabels()]
    assert "1,000" in labels and not any("e+" in label for label in labels)


def test_japan_comparison_bars_are_totals_in_yen(japan_comparison):
    ax = japan_comparison.plot()
    widths = [patch.get_width() for patch in ax.patches]
    assert widths == pytest.approx([2_954.28, 11_171.892])
    assert ax.get_xlabel() == "total, 2022-2035 [¥ bn, nominal]"
    ax = comparison_bars(japan_comparison, currency="USD", difference=True)
    assert ax.patches[1].get_width() == pytest.approx(9 * (8 - YEARLY / RATE / BN))


# --- the burden is Korea's --------------------------------------------------------------


def test_the_burden_refuses_japan_and_points_to_compare_hosts(korea, japan):
    message = r"covers Korea's SMA only .*scenario 'japan status quo' has host 'japan'; .*compare_hosts"
    for projection in (sma.project(japan[0]), sma.project([korea, japan[0]])):
        with pytest.raises(sma.ScenarioError, match="the burden " + message):
            sma.burden(projection)
        with pytest.raises(sma.ScenarioError, match="the composition " + message):
            project_composition(projection)
        with pytest.raises(sma.ScenarioError, match="Korea's other support " + message):
            support_layer(projection)
    # Japan's ratios are where the message says: FY2025 ¥211.02bn / ¥8,700.5bn = 2.43 %
    hosts = sma.compare_hosts([japan[0]]).set_index("year")
    assert hosts.loc[2025, "share_of_defense_budget"] == pytest.approx(YEARLY / 8_700.5e9)


# --- the report and Excel -------------------------------------------------------------


def test_a_japan_report_is_in_yen_and_dollars(japan):
    page = build_report(list(japan))
    images = re.findall(r'<img src="data:image/png;base64,([^"]+)" alt="([^"]+)"', page)
    assert len(images) == 2  # payments and totals; the record since 1991 is Korea's
    assert all(base64.b64decode(png)[:4] == b"\x89PNG" for png, _ in images)
    assert "yearly payment in billions of yen" in images[0][1]
    assert "total payments in billions of yen" in images[1][1]
    assert re.findall(r"<h3>(.*?)</h3>", page) == [
        "Yearly payments in yen (nominal)",
        "Yearly payments in dollars (nominal)",
    ]
    # FY2027: ¥211bn rolled over, ¥1,124.088bn = $8bn demanded; FY2022 $1.58bn on the blended rate
    assert "<th>2027</th>\n      <td>¥211 bn</td>\n      <td>¥1.12 tn</td>" in page
    assert "<th>2022</th>\n      <td>$1.58 bn</td>\n      <td>$1.58 bn</td>" in page
    assert "<td>¥2.95 tn</td>" in page and "<td>¥8.22 tn</td>" in page  # totals and difference
    assert "MOFA Japan 2022-04-01" in page and "12th SMA" not in page
    assert "₩" not in page


def test_a_report_of_both_hosts_is_in_dollars(korea, japan):
    page = build_report([korea, japan[0]])
    assert re.findall(r"<h3>(.*?)</h3>", page) == ["Yearly payments in dollars (nominal)"]
    assert page.count("<img ") == 2
    assert "compared in USD: the scenarios are of several hosts, paid in KRW and JPY" in page
    assert "<th>2035</th>" in page and "$1.50 bn" in page  # Japan's ¥211.02bn / 140.511
    assert "12th SMA" in page and "MOFA Japan 2022-04-01" in page  # each host's sources


def test_sources_of_a_japan_scenario_are_japans_record(japan):
    sources = record_sources([japan[0].model_dump(mode="json")])
    paid = sources[sources["kind"] == "payment"]
    assert list(paid["year"]) == list(range(2021, 2027))  # FY2021 to FY2026 are published
    assert paid["name"].iloc[0] == "Japan FY2021 (published)"
    assert paid["name"].iloc[1] == "Japan FY2022-2026 (published)"
    series = set(sources.loc[sources["kind"] == "macro", "name"])
    assert series == {"cpi_inflation", "defense_budget", "local_per_usd", "nominal_gdp", "us_cpi_inflation"}
    assert not sources["name"].str.contains("SMA|usd_krw|rok_").any()


def test_a_japan_workbook_holds_yen_and_japans_sources(tmp_path, japan, japan_comparison):
    openpyxl = pytest.importorskip("openpyxl", reason="the excel extra (openpyxl) is not installed")
    path = sma.project(list(japan)).to_excel(tmp_path / "japan.xlsx")
    book = openpyxl.load_workbook(path)
    rows = list(book["payments"].iter_rows(values_only=True))
    payments = pd.DataFrame(rows[1:], columns=rows[0])
    assert "payment_krw" not in payments
    assert payments["payment_jpy"].iloc[:5].tolist() == [YEARLY] * 5
    rows = list(book["summary"].iter_rows(values_only=True))
    summary = pd.DataFrame(rows[1:], columns=rows[0]).set_index("scenario")
    assert summary.loc["japan demand $8bn", "total_jpy"] == pytest.approx(DEMAND_TOTAL_JPY)
    inputs = [row for row in book["inputs"].iter_rows(values_only=True)]
    assert ("source: payment", "Japan FY2021 (published), 2021") in [row[:2] for row in inputs]
    path = japan_comparison.to_excel(tmp_path / "comparison.xlsx")
    rows = list(openpyxl.load_workbook(path)["summary"].iter_rows(values_only=True))
    summary = pd.DataFrame(rows[1:], columns=rows[0]).set_index("scenario")
    assert summary.loc["japan demand $8bn", "difference_jpy"] == pytest.approx(8_217.612 * BN)
    assert np.isfinite(summary["ratio_to_baseline"].astype(float)).all()
