"""``sma-model burden`` and ``sma-model hosts``: the figures they print, by hand and against the API.

Hand-worked figures (the record's sources):
- the status quo pays P0 = ₩1,519.2324bn in 2026 (12th SMA, MOFA), P0 x 1.021 x 1.02^3 =
  ₩1,646.08bn in 2030 (CPI of two years before: 2.1 % for 2025, 2 % after the record);
- USD/KRW 2026 is ₩1,422.0 per $, so $1,068.38m, and $37,487 per soldier at 28,500 (GAO-21-270);
- the 2021 published split (MOFA): labor ₩559.8bn, construction ₩436.8bn, logistics ₩186.7bn of
  ₩1,183.3bn; construction is 88 % in kind, labor is cash;
- the ROK defense budget 2026 is ₩65,864.2bn (MND), GDP ₩2,753,852.2bn, DoD's cost in Korea
  $3.35bn a year (GAO-21-270, 2016-2019 average);
- Korea's support beyond the SMA, the rest of the 2021 published total: ₩3,443.0bn - ₩1,183.3bn;
- Japan FY2023: ¥211.02bn at ¥140.511 per $ over 55,000 US service members.
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import run_cli as cli

import sma_model as sma

P0 = 1_519.2324e9
P2030 = P0 * 1.021 * 1.02**3
USD_2026 = P0 / 1_422.0
SPLIT_2021 = {"labor": 559.8e9, "construction": 436.8e9, "logistics": 186.7e9}
PAID_2021 = 1_183.3e9


def row(out: str, label: str) -> list[str]:
    """The cells of the printed row that starts with ``label`` (split on runs of 2+ spaces)."""
    line = next(line for line in out.splitlines() if line.startswith(label))
    return [cell.strip() for cell in line[len(label) :].split("  ") if cell.strip()]


def _starts(out: str, label: str) -> list[int]:
    """Where each line starting with ``label`` begins in ``out``."""
    return [i for i in range(len(out)) if out.startswith(label, i) and (i == 0 or out[i - 1] == "\n")]


def test_composition_of_2030_by_hand(capsys):
    code, out, err = cli(capsys, "burden")
    assert code == 0, err
    assert out.splitlines()[0] == "What the SMA pays for in 2030 (share of the payment)"
    labor = P2030 * SPLIT_2021["labor"] / PAID_2021  # ₩778.7bn
    construction = P2030 * SPLIT_2021["construction"] / PAID_2021  # ₩607.6bn
    logistics = P2030 * SPLIT_2021["logistics"] / PAID_2021  # ₩259.7bn
    assert round(labor / 1e9, 1) == 778.7
    assert row(out, "SMA payment") == ["₩1.65 tn"]
    assert row(out, "labor (Korean workers, cash)") == ["₩779 bn (47.3 %)"]
    assert row(out, "construction") == ["₩608 bn (36.9 %)"]
    assert row(out, "logistics (in kind)") == ["₩260 bn (15.8 %)"]
    cash = labor + 0.12 * construction  # ₩851.6bn; the rest of construction and all logistics in kind
    assert round(cash / 1e9) == 852 and round((P2030 - cash) / 1e9) == 794
    assert row(out, "paid in cash") == ["₩852 bn (51.7 %)"]
    assert row(out, "paid in kind") == ["₩794 bn (48.3 %)"]
    assert logistics + construction + labor == pytest.approx(P2030)
    assert "other support" not in out  # only with --include-indirect


def test_ratios_of_2026_by_hand_and_as_the_api(capsys):
    code, out, err = cli(capsys, "burden", "--year", "2026")
    assert code == 0, err
    assert round(USD_2026 / 28_500) == 37_487
    assert row(out, "$ per US soldier, 28,500 today") == ["$37,487"]
    assert row(out, "$ per US soldier, 24,000 (4,500 fewer, reported)") == [f"${USD_2026 / 24_000:,.0f}"]
    assert row(out, "share of the ROK defense budget") == [f"{P0 / 65_864.2e9:.2%}".replace("%", " %")]
    assert row(out, "share of the ROK defense budget") == ["2.31 %"]
    assert row(out, "share of GDP") == ["0.055 %"]  # ₩1,519.2bn / ₩2,753,852.2bn = 0.0552 %
    assert row(out, "share of the US cost in Korea") == ["31.89 %"]  # $1,068.4m / $3,350m
    api = sma.burden(sma.project(sma.presets.get("status-quo"))).summary(2026).iloc[0]
    assert api["usd_per_troop (28,500 today)"] == pytest.approx(USD_2026 / 28_500)
    assert api["share_of_us_cost"] == pytest.approx(USD_2026 / 3.35e9)
    assert row(out, "ROK defense budget") == ["₩65.9 tn", "MND budget"]
    assert row(out, "US cost of forces in Korea")[0] == "$3.35 bn"


def test_troop_levels_and_indirect_support(capsys):
    code, out, err = cli(
        capsys, "burden", "--year", "2030", "--troops", "28500", "20000", "--include-indirect"
    )
    assert code == 0, err
    other = 3_443.0e9 - PAID_2021  # ₩2,259.7bn, held flat from 2021
    assert row(out, "other support (land, taxes, utilities...)") == ["₩2.26 tn"]
    assert row(out, "total support") == [f"₩{(P2030 + other) / 1e12:.2f} tn"] == ["₩3.91 tn"]
    # a column for the SMA and one for total support; a count the record names keeps its label
    usd_2030 = sma.project(sma.presets.get("status-quo")).scenario("status quo").set_index("year")
    usd = float(usd_2030.loc[2030, "payment_usd"])
    assert row(out, "$ per US soldier, 28,500 today")[0] == f"${usd / 28_500:,.0f}" == "$40,617"
    assert row(out, "$ per US soldier, 20,000")[0] == f"${usd / 20_000:,.0f}"
    total_usd = (P2030 + other) / (P2030 / usd)
    assert row(out, "$ per US soldier, 20,000")[1] == f"${total_usd / 20_000:,.0f}"
    assert "status quo: SMA" in out and "status quo: total support" in out


def test_csv_is_the_ratios_frame_at_full_precision(capsys, tmp_path):
    path = tmp_path / "ratios.csv"
    code, out, err = cli(capsys, "burden", "--troops", "28500", "--csv", str(path))
    assert code == 0, err
    assert out.splitlines()[-1] == f"wrote {path}"
    frame = pd.read_csv(path, keep_default_na=False)
    api = sma.burden(sma.project(sma.presets.get("status-quo")), troops={"28,500 today": 28_500}).ratios
    assert list(frame.columns) == list(api.columns)
    assert len(frame) == len(api) == 10  # 2026-2035, one troop level, the SMA only
    first = frame.set_index("year").loc[2026]
    assert first["usd_per_troop"] == pytest.approx(USD_2026 / 28_500, rel=1e-12)
    assert first["share_of_defense_budget"] == pytest.approx(P0 / 65_864.2e9, rel=1e-12)


def test_notes_only_on_stderr_with_verbose(capsys):
    code, out, err = cli(capsys, "burden", "--year", "2026")
    assert code == 0 and err == ""
    code, verbose_out, err = cli(capsys, "-v", "burden", "--year", "2026")
    assert code == 0
    assert verbose_out == out  # stdout unchanged
    assert "note: composition of 'status quo' in 2026: shares of 2021" in err.splitlines()


def test_wage_growth_drives_labor(capsys):
    code, out, err = cli(capsys, "burden", "--year", "2027", "--wage-growth", "0.05")
    assert code == 0, err
    # 2027: labor 2026 (latest shares) x 1.05, the payment P0 x 1.021
    labor = P0 * SPLIT_2021["labor"] / PAID_2021 * 1.05
    share = labor / (P0 * 1.021)
    assert row(out, "labor (Korean workers, cash)") == [
        f"₩{labor / 1e9:.0f} bn ({share:.1%})".replace("%", " %")
    ]


def test_record_backtest_and_the_2021_rise(capsys):
    code, out, err = cli(capsys, "burden", "--record")
    assert code == 0, err
    # 2018: the 2018 SMA plus the rest of 2015 (₩3,386.8bn - ₩932.0bn) against ₩2,900bn published
    assert round(((960.2 + 3_386.8 - 932.0) / 2_900 - 1) * 100, 2) == 17.76
    assert row(out, "2018") == [
        "₩2.90 tn",
        "₩960 bn",
        "₩1.94 tn",
        "₩2.90 tn",
        "0.00 %",
        "2015",
        "₩3.42 tn",
        "+17.76 %",
    ]
    assert row(out, "2021")[-1] == "-9.29 %"  # (₩1,183.3bn + ₩1,939.8bn) / ₩3,443.0bn - 1
    # MOFA: 13.9 % = 7.4 % (2020 defense budget growth) + 6.5 % (workers' pay), of ₩1,038.9bn
    assert row(out, "defense budget growth (2020)") == ["+7.40 %", "₩76.9 bn"]
    assert row(out, "Korean workers' pay") == ["+6.50 %", "₩67.5 bn"]
    assert row(out, "total ") == ["+13.90 %", "₩144 bn"]
    assert row(out, "labor ") == ["₩500 bn", "₩560 bn", "₩59.3 bn", "41.1 %"]  # 59.3 / 144.4


def test_burden_errors_are_one_line(capsys):
    code, _, err = cli(capsys, "burden", "--year", "2020")
    assert code == 1
    assert err == "sma-model: error: --year 2020: scenario 'status quo' covers 2026-2035; pick a year in it\n"
    code, _, err = cli(capsys, "burden", "--troops", "500")
    assert code == 1 and err.startswith("sma-model: error: --troops: 500 is outside")
    code, _, err = cli(capsys, "burden", "--record", "status-quo")
    assert code == 1 and "--record" in err


def test_hosts_table_by_hand(capsys):
    code, out, err = cli(capsys, "hosts", "--measure", "usd_per_troop", "--from", "2022")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == [
        "$",
        "per",
        "US",
        "soldier",
        "status",
        "quo",
        "(Korea)",
        "japan",
        "status",
        "quo",
        "(Japan)",
    ]
    japan_2023 = 211.02e9 / 140.511 / 55_000
    assert round(japan_2023) == 27_306
    assert row(out, "2023") == ["$27,306"]  # Korea's status quo starts in 2026
    assert row(out, "2026") == ["$37,487", "$27,306"]
    assert lines[-2].startswith("2030")  # --to defaults to 2030
    assert lines[-1] == "Fiscal years, labelled by the year they start in: Japan (April-March)."
    frame = sma.compare_hosts(first=2022, last=2030).set_index(["scenario", "year"])
    assert frame.loc[("japan status quo", 2023), "usd_per_troop"] == pytest.approx(japan_2023, rel=1e-4)
    assert frame.loc[("status quo", 2026), "usd_per_troop"] == pytest.approx(USD_2026 / 28_500)


def test_hosts_every_measure_csv_and_notes(capsys, tmp_path):
    path = tmp_path / "hosts.csv"
    code, out, err = cli(capsys, "-v", "hosts", "--from", "2025", "--to", "2026", "--csv", str(path))
    assert code == 0
    # one table per measure; Japan FY2025: ¥211.02bn at ¥140.511 = $1.50bn, 2.43 % of ¥8,700.5bn
    assert [row(out[i:], "2025") for i in _starts(out, "2025")] == [["$1.50 bn"], ["$27,306"], ["2.43 %"]]
    assert [row(out[i:], "2026") for i in _starts(out, "2026")] == [
        ["$1.07 bn", "$1.50 bn"],
        ["$37,487", "$27,306"],
        ["2.31 %", "2.34 %"],
    ]
    assert "note: 'status quo': ROK defense budget from the sourced path" in err
    assert "note:" not in out
    frame = pd.read_csv(path)
    assert sorted(zip(frame["host"], frame["year"])) == [("japan", 2025), ("japan", 2026), ("korea", 2026)]
    japan = frame[frame["host"] == "japan"].set_index("year")
    assert japan.loc[2025, "share_of_defense_budget"] == pytest.approx(211.02 / 8_700.5, rel=1e-4)


def test_plots_are_written(capsys, tmp_path):
    for argv, name in (
        (["burden", "--include-indirect"], "ratios.png"),
        (["burden", "--draw", "composition"], "composition.png"),
        (["hosts", "--measure", "share_of_defense_budget"], "hosts.png"),
    ):
        path = tmp_path / name
        code, out, err = cli(capsys, *argv, "--plot", str(path))
        assert code == 0, err
        assert out.splitlines()[-1] == f"wrote {path}"
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, _, err = cli(capsys, "hosts", "--plot", str(tmp_path / "out.xlsx"))
    assert code == 1 and "--plot" in err


def test_hosts_errors(capsys):
    code, _, err = cli(capsys, "hosts", "--from", "2031", "--to", "2030")
    assert code == 1 and err == "sma-model: error: --from 2031 is after --to 2030\n"
    code, _, err = cli(capsys, "hosts", "--from", "2040", "--to", "2050")
    assert code == 1 and "no scenario covers 2040-2050" in err


def test_defense_budget_of_the_scenario(capsys):
    argv = ["burden", "--year", "2027", "--defense-budget", "scenario", "--defense-growth", "0.05"]
    code, out, err = cli(capsys, *argv)
    assert code == 0, err
    budget = 65_864.2e9 * 1.05  # the 2026 MND budget grown 5 %: ₩69,157bn
    assert row(out, "ROK defense budget") == ["₩69.2 tn", "the scenario's assumptions"]
    share = P0 * 1.021 / budget  # 2.243 %
    assert row(out, "share of the ROK defense budget") == [f"{share * 100:.2f} %"] == ["2.24 %"]
