"""Exports: Excel workbooks read back with openpyxl, and the HTML report parsed and rendered in Chromium.

Hand-worked figures: the 12th SMA's 2026 payment is 2025's ₩1,402.8bn plus 8.3 %
(₩1,519.2324bn); 2027 adds ROK CPI of two years earlier (2025: 2.1 %, data/macro.csv),
₩1,551.1363bn; in dollars at the status quo's ₩1,422.0/$ that is $1.0908bn.
"""

from __future__ import annotations

import base64
import shutil
import struct
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import sma_model as sma
from sma_model._excel import EXCEL_MAX_ROWS, as_yaml, record_sources, write_workbook
from sma_model._version import __version__
from sma_model.errors import MissingExtraError, OutputError
from sma_model.io import dump_scenario, load_scenario
from sma_model.record.agreements import agreement_records
from sma_model.report import build_report, write_report

openpyxl = pytest.importorskip("openpyxl", reason="the excel extra (openpyxl) is not installed")

PAID_2027_KRW = 1_402.8e9 * 1.083 * 1.021
USD_KRW = 1_422.0


@pytest.fixture(scope="module")
def status_quo():
    return sma.presets.get("status-quo")


@pytest.fixture(scope="module")
def rise():
    return sma.presets.get("rise-13.9")


def _sheet(book, name: str) -> pd.DataFrame:
    rows = list(book[name].iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def _inputs(book) -> dict[tuple[str, str], str]:
    rows = list(book["inputs"].iter_rows(values_only=True))
    assert rows[0] == ("kind", "name", "value")
    return {(kind, name): value for kind, name, value in rows[1:]}


def test_projection_workbook_holds_tables_inputs_sources_and_version(tmp_path, status_quo, rise):
    projection = sma.project([status_quo, rise])
    path = projection.to_excel(tmp_path / "projection.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["payments", "summary", "inputs"]

    payments = _sheet(book, "payments")
    assert list(payments.columns) == list(projection.frame.columns)
    assert len(payments) == len(projection.frame) == 20
    row = payments.index[(payments["scenario"] == "status quo") & (payments["year"] == 2027)][0]
    # full precision: the very float of the frame, not 15 or 16 digits of it
    assert payments.loc[row, "payment_usd"] == projection.frame.loc[row, "payment_usd"]
    assert payments.loc[row, "payment_usd"] == pytest.approx(PAID_2027_KRW / USD_KRW, rel=1e-12)
    assert payments.loc[row, "payment_krw"] == pytest.approx(PAID_2027_KRW, rel=1e-12)
    assert payments.loc[row, "growth_rate"] == pytest.approx(0.021, abs=1e-12)

    summary = _sheet(book, "summary")
    assert list(summary["scenario"]) == ["status quo", "rise 13.9%"]
    assert summary.loc[1, "total_krw"] == projection.summary().loc["rise 13.9%", "total_krw"]

    inputs = _inputs(book)
    assert inputs[("version", "sma_model")] == __version__
    assert inputs[("input", "price_base_year")] == str(projection.price_base_year)
    for scenario in (status_quo, rise):
        text = inputs[("scenario", scenario.name)]
        assert text == as_yaml(scenario.model_dump(mode="json")) == dump_scenario(scenario)
        saved = tmp_path / "again.yaml"
        saved.write_text(text, encoding="utf-8")
        assert load_scenario(saved) == scenario
    twelfth = next(r for r in agreement_records() if r.name == "12th SMA")
    assert inputs[("source: agreement terms", "12th SMA")] == twelfth.source
    assert inputs[("source: agreement rule", "12th SMA")] == twelfth.rule_source
    assert "Statistics Korea" in inputs[("source: macro", "rok_cpi_inflation, 2025")]
    assert ("source: payment", "11th SMA (published), 2025") in inputs


def test_comparison_workbook_adds_baseline_and_discount_rate(tmp_path, status_quo, rise):
    comparison = sma.compare([status_quo, rise], discount_rate=0.05)
    book = openpyxl.load_workbook(comparison.to_excel(tmp_path / "comparison.xlsx"))
    assert book.sheetnames == ["comparison", "summary", "inputs"]
    inputs = _inputs(book)
    assert inputs[("input", "baseline")] == "status quo"
    assert inputs[("input", "discount_rate")] == "0.05"
    frame = _sheet(book, "comparison")
    base = frame.loc[(frame["scenario"] == "status quo") & (frame["year"] == 2027)].iloc[0]
    other = frame.loc[(frame["scenario"] == "rise 13.9%") & (frame["year"] == 2027)].iloc[0]
    assert base["difference_krw"] == 0.0
    assert other["difference_krw"] == other["payment_krw"] - base["payment_krw"]
    # rise 13.9%: 2026 as the status quo, then +13.9 % in 2027
    assert other["payment_krw"] == pytest.approx(1_402.8e9 * 1.083 * 1.139, rel=1e-12)


def test_sweep_workbook_holds_every_sample(tmp_path, status_quo):
    result = sma.sweep(status_quo, {"assumptions.cpi": [0.02, 0.03]}, keep="paths")
    book = openpyxl.load_workbook(result.to_excel(tmp_path / "sweep.xlsx"))
    assert book.sheetnames == ["samples", "summary", "percentiles", "inputs"]
    samples = _sheet(book, "samples")
    assert list(samples["assumptions.cpi"]) == [0.02, 0.03]
    # the sample at the preset's own CPI is the preset's projection
    assert samples.loc[0, "total_krw"] == pytest.approx(
        sma.project(status_quo).summary().loc["status quo", "total_krw"], rel=1e-12
    )
    assert samples.loc[1, "total_krw"] == result.frame.loc[1, "total_krw"]
    percentiles = _sheet(book, "percentiles")
    assert list(percentiles["year"]) == list(range(2026, 2036))
    inputs = _inputs(book)
    assert yaml.safe_load(inputs[("scenario", "status quo")]) == status_quo.model_dump(mode="json")
    assert inputs[("version", "sma_model")] == __version__


def test_streamed_monte_carlo_workbook_holds_statistics_and_uncertainties(tmp_path, status_quo):
    uncertainties = {"usd_krw": sma.LogRandomWalk(sd=0.06), "cpi": sma.Normal(mean=0.02, sd=0.01)}
    result = sma.monte_carlo(
        status_quo,
        n=500,
        rng=1,
        uncertainties=uncertainties,
        correlation={("cpi", "usd_krw"): 0.3},
        keep="stats",
    )
    book = openpyxl.load_workbook(result.to_excel(tmp_path / "mc.xlsx"))
    assert book.sheetnames == ["summary", "percentiles", "inputs"]  # no per-sample rows were kept
    percentiles = _sheet(book, "percentiles").set_index("year")
    assert percentiles.loc[2030, "p50"] == result.percentiles().loc[2030, "p50"]
    inputs = _inputs(book)
    assert yaml.safe_load(inputs[("input", "uncertainties")]) == {
        "usd_krw": {"kind": "log_random_walk", "drift": 0.0, "sd": 0.06, "start": None},
        "cpi": {"kind": "normal", "mean": 0.02, "sd": 0.01},
    }
    assert yaml.safe_load(inputs[("input", "correlation")]) == {"cpi~usd_krw": 0.3}
    assert inputs[("input", "seed")] == "1" and inputs[("input", "n")] == "500"


def test_sources_of_a_scenario_that_takes_nothing_from_the_record():
    own = sma.Scenario(
        name="my deal",
        agreements=[
            sma.Agreement(
                name="my deal",
                start_year=2027,
                term_years=3,
                base=sma.Money(amount=1.6e12, currency="KRW"),
                escalation=sma.Fixed(rate=0.05),
            )
        ],
        assumptions=sma.Assumptions(use_record=False, cpi=0.02, usd_krw=1_400, us_cpi=0.02),
    )
    sources = record_sources([own.model_dump(mode="json")])
    # no agreement of the record and no macro figure; the record's 2026 payment precedes it
    assert list(sources["kind"]) == ["payment"]
    assert list(sources["year"]) == [2026]
    with_record = record_sources(
        [own.model_copy(update={"assumptions": sma.Assumptions()}).model_dump(mode="json")]
    )
    assert set(with_record.loc[with_record["kind"] == "macro", "year"]) == {2025, 2026}  # 2027-2 to 2029


def test_unknown_figures_are_empty_cells_and_text_is_never_a_formula(tmp_path):
    table = pd.DataFrame(
        {
            "name": ['=HYPERLINK("http://x")', "plain"],
            "amount": [np.nan, 2.5],
            "share": pd.array([0.1, None], dtype="Float64"),
            "count": pd.array([None, 3], dtype="Int64"),
        }
    )
    meta = {"seed": np.int64(7), "correlation": {("cpi", "usd_krw"): np.float64(0.3)}}
    path = write_workbook({"table": table}, tmp_path / "t.xlsx", meta)
    inputs = _inputs(openpyxl.load_workbook(path))
    assert inputs[("input", "seed")] == "7"
    assert inputs[("input", "correlation")] == "cpi~usd_krw: 0.3\n"
    sheet = openpyxl.load_workbook(path)["table"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows == [('=HYPERLINK("http://x")', None, 0.1, None), ("plain", 2.5, None, 3)]
    assert sheet["A2"].data_type == "s"  # text, not a formula Excel would run


def test_workbook_refuses_other_names_and_oversized_tables(tmp_path):
    for name in ("out.csv", "out.xls", "out"):
        with pytest.raises(OutputError, match=r"ends in \.xlsx"):
            write_workbook({"t": pd.DataFrame({"a": [1]})}, tmp_path / name, {})
        assert not (tmp_path / name).exists()
    with pytest.raises(OutputError, match="1,048,576 rows is more than an Excel sheet holds"):
        write_workbook({"t": pd.DataFrame({"a": np.zeros(EXCEL_MAX_ROWS)})}, tmp_path / "big.xlsx", {})
    with pytest.raises(OutputError, match="sheet name"):
        write_workbook({"a/b": pd.DataFrame({"a": [1]})}, tmp_path / "s.xlsx", {})
    assert not list(tmp_path.iterdir())


def test_missing_openpyxl_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl now fails
    with pytest.raises(MissingExtraError, match=r'pip install "sma-model\[excel\]"') as caught:
        sma.project(sma.presets.get("status-quo")).to_excel(tmp_path / "p.xlsx")
    assert (caught.value.extra, caught.value.package) == ("excel", "openpyxl")
    assert not (tmp_path / "p.xlsx").exists()


class _Page(HTMLParser):
    """The parts of the report a test reads: images, tables, scenario files, sections, outside links."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str]] = []
        self.tables = 0
        self.sections: list[str] = []
        self.scenarios: list[str] = []
        self.outside: list[str] = []
        self.scripts = 0
        self._in_scenario = False

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        if tag == "img":
            self.images.append(attributes)
        if tag == "table":
            self.tables += 1
        if tag == "section":
            self.sections.append(attributes.get("id", ""))
        if tag in ("script", "link", "iframe", "object", "embed"):
            self.scripts += 1
        for key in ("src", "href"):
            if key in attributes and not attributes[key].startswith("data:"):
                self.outside.append(attributes[key])
        if tag == "pre" and attributes.get("class") == "scenario":
            self._in_scenario = True
            self.scenarios.append("")

    def handle_endtag(self, tag):
        if tag == "pre":
            self._in_scenario = False

    def handle_data(self, data):
        if self._in_scenario:
            self.scenarios[-1] += data


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture(scope="module")
def report(status_quo, rise) -> str:
    return build_report([status_quo, rise])


def test_report_holds_tables_figures_inputs_sources_and_version(report, status_quo, rise):
    page = _Page()
    page.feed(report)
    assert page.sections == ["summary", "figures", "yearly", "inputs", "sources"]
    # payment curves, comparison bars and the record since 1991, each an 8 x 4.5 in PNG at 110 dpi
    assert len(page.images) == 3
    for image in page.images:
        assert image["src"].startswith("data:image/png;base64,")
        assert _png_size(base64.b64decode(image["src"].split(",", 1)[1])) == (880, 495)
        assert len(image["alt"]) > 40
    assert "status quo, rise 13.9%" in page.images[0]["alt"]
    # summary, comparison, yearly won and dollar tables, sources
    assert page.tables == 5
    assert not page.outside and not page.scripts
    assert [yaml.safe_load(text) for text in page.scenarios] == [
        s.model_dump(mode="json") for s in (status_quo, rise)
    ]
    assert f"sma_model {__version__}" in report
    # the yearly tables, rounded for reading: 2026 ₩1,519.2bn and 2027 ₩1,551.1bn / $1.09bn
    assert "<th>2026</th>\n      <td>₩1.52 tn</td>" in report
    assert "<th>2027</th>\n      <td>$1.09 bn</td>" in report
    twelfth = next(r for r in agreement_records() if r.name == "12th SMA")
    assert twelfth.rule_source.split(" https")[0] in report


def test_report_in_korean_units(status_quo):
    assert "1조 5,192억 원" in build_report(status_quo, korean=True, title="현상 유지")
    assert "<title>현상 유지</title>" in build_report(status_quo, title="현상 유지")


def test_write_report_writes_html_only(tmp_path, status_quo):
    path = write_report(status_quo, tmp_path / "report.html")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(OutputError, match=r"ends in \.html or \.htm"):
        write_report(status_quo, tmp_path / "report.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: The plot colours of the package style (sma.mplstyle): blue C0 (the record's bars, the
#: first line), vermilion C1 (the second scenario's line and bar).
PLOT_COLOURS = {"C0": (0x00, 0x72, 0xB2), "C1": (0xD5, 0x5E, 0x00)}
#: How far a pixel may be from a plot colour [0-255 per channel]: the record's bars are
#: seen through the light grey that shades each SMA's years.
COLOUR_TOLERANCE = 24


def _chromium(tmp_path: Path, page: Path, *args: str) -> subprocess.CompletedProcess:
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
        page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=True)


def _colour_pixels(png: Path) -> dict[str, int]:
    from matplotlib.image import imread

    pixels = (imread(png)[..., :3] * 255).round().astype(int)
    return {
        name: int((np.abs(pixels - np.array(rgb)).max(axis=-1) <= COLOUR_TOLERANCE).sum())
        for name, rgb in PLOT_COLOURS.items()
    }


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium)")
def test_report_renders_in_chromium(tmp_path, report):
    """Chromium lays out every table and draws every figure; a page with broken images draws none."""
    page = tmp_path / "report.html"
    page.write_text(report, encoding="utf-8")
    dom = _Page()
    dom.feed(_chromium(tmp_path, page, "--dump-dom").stdout)
    assert len(dom.images) == 3 and dom.tables == 5
    assert dom.sections == ["summary", "figures", "yearly", "inputs", "sources"]

    shot = tmp_path / "shot.png"
    _chromium(tmp_path, page, "--window-size=1000,4200", f"--screenshot={shot}")
    drawn = _colour_pixels(shot)
    # the figures' lines and bars are on the screen: the record's bars and the comparison's
    # bar each cover thousands of pixels, and no text or table of the page has these colours
    assert drawn["C0"] > 10_000 and drawn["C1"] > 10_000, drawn

    broken = tmp_path / "broken.html"
    broken.write_text(
        report.replace("data:image/png;base64,", "data:image/png;base64,AAAA"), encoding="utf-8"
    )
    control = tmp_path / "control.png"
    _chromium(tmp_path, broken, "--window-size=1000,4200", f"--screenshot={control}")
    assert max(_colour_pixels(control).values()) < 50
