"""The shipped record: contents, sources, validation, the backtest, and the wheel."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import sma_model as sma
import sma_model._files
from sma_model import history
from sma_model.errors import DataError

ROOT = Path(__file__).resolve().parent.parent


def test_payments_cover_1991_to_2026_with_sources():
    frame = sma.history.payments()
    assert frame["year"].tolist() == list(range(1991, 2027))
    has_amount = frame["payment_krw"].notna() | frame["payment_usd"].notna()
    assert (frame.loc[has_amount, "source"].str.len() > 10).all()
    assert (frame.loc[~has_amount, "note"].str.len() > 10).all()


@pytest.mark.parametrize(
    ("year", "column", "amount"),
    [
        (1991, "payment_usd", 150e6),
        (2004, "payment_usd", 620e6),
        (2005, "payment_krw", 680.4e9),
        (2010, "payment_krw", 790.4e9),
        (2019, "payment_krw", 1038.9e9),
        (2020, "payment_krw", 1038.9e9),
        (2021, "payment_krw", 1183.3e9),
        (2022, "payment_krw", 1247.2e9),
        (2025, "payment_krw", 1402.8e9),
        (2026, "payment_krw", 1519.2e9),
    ],
)
def test_published_amounts(year, column, amount):
    frame = sma.history.payments().set_index("year")
    assert frame.loc[year, column] == pytest.approx(amount)


def test_every_agreement_is_in_the_record():
    table = sma.history.agreements()
    assert table["ordinal"].tolist() == list(range(1, 13))
    assert set(table.loc[~table["modelled"], "agreement"]) == {"1st SMA", "2nd SMA", "4th SMA", "5th SMA"}
    assert (table.loc[~table["modelled"], "not_modelled_reason"].str.len() > 20).all()
    assert history.agreement(12).base == sma.Rise(rate=0.083)
    with pytest.raises(DataError, match="not modelled"):
        history.agreement("4th SMA")


def test_macro_series_in_model_units():
    cpi = history.macro_series("rok_cpi_inflation")
    assert cpi[2008] == pytest.approx(0.047)
    assert cpi[2025] == pytest.approx(0.021)
    assert history.macro_series("rok_defense_budget")[2021] == pytest.approx(52.8401e12)
    assert history.macro_series("rok_defense_budget_growth")[2021] == pytest.approx(0.054)
    macro = history.macro()
    assert (macro["source"].str.len() > 10).all()
    assert not macro.duplicated(["series", "year"]).any()


def test_backtest_reproduces_every_published_year_of_the_6th_to_12th_sma():
    table = sma.backtest()
    modern = table[table["year"] >= 2005]
    assert set(modern["agreement"]) == {f"{n}th SMA" for n in range(6, 13)}
    # every published year of a modelled agreement from 2005 is there
    published = sma.history.payments()
    known = published.loc[(published["year"] >= 2005) & published["payment_krw"].notna(), "year"]
    assert sorted(modern["year"]) == sorted(known)
    worst = modern["relative_difference"].abs().max()
    assert worst < 0.001, modern.sort_values("relative_difference").to_string()


def test_backtest_worked_examples():
    table = sma.backtest().set_index("year")
    # DOMAIN.md: 2010 = 760.0 x 1.04 (2008 CPI 4.7 % capped at 4 %) = 790.4
    assert table.loc[2010, "modelled"] == pytest.approx(790.4e9)
    # 2008 = 725.5 x (1 + 2006 CPI 2.2 %) = 741.46
    assert table.loc[2008, "modelled"] == pytest.approx(725.5e9 * 1.022)
    # 2026 = 2025's 1,402.8 x 1.083
    assert table.loc[2026, "modelled"] == pytest.approx(1402.8e9 * 1.083)


def test_the_3rd_sma_is_backtested_and_its_gap_shown():
    table = sma.backtest().set_index("year")
    assert table.loc[1997, "modelled"] == pytest.approx(363e6)
    assert table.loc[1998, "relative_difference"] == pytest.approx(399.3 / 390 - 1)


def copy_record(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(history.data_dir(), folder)
    return folder


BROKEN_RECORDS = [
    ("payments.csv", lambda t: t.replace("\n2016,", "\n2015,"), "year 2015 appears twice"),
    (
        "payments.csv",
        lambda t: re.sub(r"\n2017,.*", "\n2017,9th SMA,950.7,,published,,,", t),
        "year 2017 has an amount but no source",
    ),
    (
        "payments.csv",
        lambda t: t.replace("2012,8th SMA,836.1", "2012,8th SMA,lots"),
        "payment_krw_bn='lots'",
    ),
    (
        "macro.csv",
        lambda t: t.replace("rok_cpi_inflation,2009", "rok_cpi_inflation,2008"),
        "rok_cpi_inflation 2008 appears twice",
    ),
    ("macro.csv", lambda t: t.replace(",percent,", ",per cent,", 1), "must be in 'percent'"),
    ("agreements.yaml", lambda t: t.replace("term_years: 5", "term_years: 0", 1), "term_years"),
    ("agreements.yaml", lambda t: t + "\n- [unclosed", "not valid YAML"),
    # issue 11, case 7: every value and year is checked against its range (data/datapackage.json)
    (
        "macro.csv",
        lambda t: t.replace("rok_cpi_inflation,2008,4.7,", "rok_cpi_inflation,2008,230,"),
        "column value: rok_cpi_inflation 2008 = 230 is outside the plausible range -5 to 30 (percent",
    ),
    (
        "macro.csv",
        lambda t: t.replace("usd_krw,2010,1156.0,", "usd_krw,2010,0.0001,"),
        "column value: usd_krw 2010 = 0.0001 is outside the plausible range 400 to 5000 (KRW per USD",
    ),
    (
        "macro.csv",
        lambda t: t.replace("us_cpi_inflation,2009,", "us_cpi_inflation,99999,"),
        "column year: year = 99999 is outside the plausible range 1950 to 2100",
    ),
    (
        "payments.csv",
        lambda t: t.replace("\n2012,8th SMA,836.1,", "\n2012,8th SMA,836100,"),
        "column payment_krw_bn: the 2012 payment = 836100 is outside the plausible range 100 to",
    ),
    (
        "payments.csv",
        lambda t: t.replace("\n1999,4th SMA,,330,", "\n99999,4th SMA,,330,"),
        "column year: year = 99999 is outside the plausible range 1950",
    ),
    (
        "agreements.yaml",
        lambda t: t.replace("start_year: 1991", "start_year: 99999", 1),
        "start_year\n  Input should be less than or equal to 2100",
    ),
    (
        "agreements.yaml",
        lambda t: t.replace("{amount: 150.0e+6, currency: USD}", "{amount: 150.0, currency: USD}", 1),
        "1st SMA: base 150 USD is outside the plausible range",
    ),
    (
        "agreements.yaml",
        lambda t: t.replace("in_force: 2021-09-01", "in_force: 2021-03-01", 1),
        "11th SMA: in_force (2021-03-01) is before ratified (2021-08-31)",
    ),
    (
        "agreements.yaml",
        lambda t: re.sub(r"\n  rule_source: .*MOFA release 2006-12-06.*", "", t),
        "7th SMA: modelled, so rule_source",
    ),
    (
        "execution.csv",
        lambda t: t.replace(",2013-03,738.0,", ",March 2013,738.0,"),
        "column as_of: 'March 2013' does not match the pattern",
    ),
]


@pytest.mark.parametrize(("file", "edit", "fragment"), BROKEN_RECORDS)
def test_a_broken_record_is_a_clear_error(tmp_path, monkeypatch, file, edit, fragment):
    folder = copy_record(tmp_path)
    path = folder / file
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    history.clear_cache()
    monkeypatch.setattr(sma_model._files, "data_dir", lambda: folder)
    try:
        with pytest.raises(DataError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
            history.payments()
            history.macro()
            history.agreement_records()
            history.execution()
    finally:
        history.clear_cache()


def test_the_wheel_ships_the_record(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
        ],
        check=True,
    )
    wheel = next(tmp_path.glob("sma_model-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path / "site")
    shipped = tmp_path / "site" / "sma_model" / "data"
    assert (shipped / "payments.csv").is_file()
    assert (shipped / "presets" / "status-quo.yaml").is_file()
    code = (
        "import sma_model as sma; h = sma.history; "
        "print(h.data_dir()); print(len(sma.history.payments())); print(len(sma.backtest()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path / "site")},
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.split()
    assert lines[0] == str(shipped)
    assert lines[1] == "36"
    # the ranges are read from the shipped datapackage.json: narrow two there, and the
    # assumption and the loader both follow
    package = shipped / "datapackage.json"
    text = package.read_text(encoding="utf-8")
    narrowed = text.replace(
        '"rok_cpi_inflation": [\n            -5.0,\n            30.0',
        '"rok_cpi_inflation": [\n            -5.0,\n            10.0',
    ).replace('"maximum": 10000.0', '"maximum": 1000.0', 1)
    assert '"rok_cpi_inflation": [\n            -5.0,\n            10.0' in narrowed
    package.write_text(narrowed, encoding="utf-8")
    code = (
        "import sma_model as sma\n"
        "print(sma.series.ASSUMPTIONS['cpi'].high, sma.series.PAYMENT_RANGES['payment_krw_bn'])\n"
        "try:\n    sma.history.payments()\nexcept sma.errors.DataError as exc:\n    print('refused', exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path / "site")},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.startswith("0.1 (100.0, 1000.0)\nrefused"), result.stdout
    assert "outside the plausible range 100 to 1000" in result.stdout
