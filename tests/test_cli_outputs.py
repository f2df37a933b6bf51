"""What the CLI writes: ``record --csv``, the other currency with ``--both``, no CSV in an .xlsx
file, and plots people can read (a log scale for wide ranges, coinciding scenarios apart)."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from conftest import run_cli as cli

import sma_model as sma
from sma_model.cli.projections import LOG_SCALE_RATIO

P0 = 1_519.2324e9


def row(text: str, year: int) -> list[str]:
    return next(line for line in text.splitlines() if line.startswith(str(year))).split()


def test_record_csv_is_the_record_in_full(capsys, tmp_path):
    path = tmp_path / "record.csv"
    code, out, err = cli(capsys, "record", "--csv", str(path))
    assert code == 0, err
    assert out.splitlines()[-1] == f"wrote {path}"
    written = pd.read_csv(path)
    expected = sma.history.payments()
    assert list(written.columns) == list(expected.columns)
    assert written["payment_krw"].to_numpy() == pytest.approx(expected["payment_krw"].to_numpy(), nan_ok=True)
    paid = written.set_index("year")
    assert paid.loc[2026, "payment_krw"] == 1_519.2e9  # 1조 5,192억 원, MOFA
    assert paid.loc[1991, "payment_usd"] == 150e6  # $150m, MND 2018 White Paper
    assert "MND 2018 Defense White Paper" in paid.loc[1991, "source"]


def test_both_currencies_side_by_side(capsys):
    code, out, _ = cli(capsys, "project", "status-quo", "--horizon", "2027", "--both")
    assert code == 0
    assert out.splitlines()[0].split() == ["status", "quo", "payment_krw", "payment_usd"]
    # 2027: P0 x 1.021 = ₩1,551.1bn, at 1,422 won a dollar $1,090.8m
    assert row(out, 2027) == ["2027", "₩1.55", "tn", "$1.09", "bn"]
    assert P0 * 1.021 / 1422 == pytest.approx(1.0908e9, rel=1e-4)
    summary = out.splitlines()[-1].split()
    # the total 2026-2027 = ₩3,070.4bn, in both currencies; the growth in the table's currency
    assert summary[2:6] == ["2026", "2027", "₩3.07", "tn"]
    assert "total_usd" in out and "final_payment_usd" in out
    code, plain, _ = cli(capsys, "project", "status-quo", "--horizon", "2027")
    assert "usd" not in plain  # without --both, one currency


def test_both_in_a_comparison_keeps_each_currency_under_its_heading(capsys):
    code, out, _ = cli(
        capsys, "compare", "status-quo", "demand-5b", "--horizon", "2027", "--currency", "usd", "--both"
    )
    assert code == 0
    head = out.splitlines()[0].split()
    assert head == ["payment_usd", "payment_krw"]
    # $5bn at 1,422 won = ₩7,110bn in 2027
    assert row(out, 2027) == ["2027", "$1.09", "bn", "$5.00", "bn", "₩1.55", "tn", "₩7.11", "tn"]
    assert "difference_krw" in out and "difference_usd" in out


@pytest.mark.parametrize("suffix", [".xlsx", ".XLSX", ".xls", ".ods"])
@pytest.mark.parametrize("command", [["project", "status-quo"], ["compare"], ["record"]])
def test_csv_refuses_a_spreadsheet_name(capsys, tmp_path, command, suffix):
    path = tmp_path / f"out{suffix}"
    code, out, err = cli(capsys, *command, "--csv", str(path))
    assert code == 1
    assert f"--csv {path}: --csv writes CSV text, not a {suffix} workbook" in err
    assert out == "" and not path.exists()


def test_the_comparison_plot_takes_a_log_scale_when_the_range_is_wide(capsys, tmp_path, monkeypatch):
    figures = []
    monkeypatch.setattr(sma.cli, "save_figure", lambda figure, path: figures.append(figure))
    png = str(tmp_path / "p.png")
    # the default comparison: $5bn (₩7.11 tn) is 4.7 times the status quo's ₩1.52 tn
    assert 7_110e9 / P0 > LOG_SCALE_RATIO
    assert cli(capsys, "compare", "--plot", png)[0] == 0
    assert cli(capsys, "project", "status-quo", "--plot", png)[0] == 0  # ₩1.52-1.82 tn: linear
    assert cli(capsys, "compare", "--plot", png, "--scale", "linear")[0] == 0
    assert cli(capsys, "project", "status-quo", "--plot", png, "--scale", "log")[0] == 0
    scales = [figure.axes[0].get_yscale() for figure in figures]
    assert scales == ["log", "linear", "linear", "log"]


def test_status_quo_and_lapse_are_apart_where_they_coincide(capsys, tmp_path, monkeypatch):
    figures = []
    monkeypatch.setattr(sma.cli, "save_figure", lambda figure, path: figures.append(figure))
    assert cli(capsys, "compare", "status-quo", "lapse", "--plot", str(tmp_path / "p.png"))[0] == 0
    status_quo, lapse = figures[0].axes[0].get_lines()[:2]
    assert (status_quo.get_label(), lapse.get_label()) == ("status quo", "lapse after 2030")
    # the same payments until 2030: the line below is solid and wider, the one on top dashed
    assert list(status_quo.get_ydata()[:5]) == list(lapse.get_ydata()[:5])
    assert status_quo.get_linestyle() == "-" and lapse.get_linestyle() == "--"
    assert status_quo.get_linewidth() >= lapse.get_linewidth() + 1


def test_python_m_runs_the_package():
    done = subprocess.run(
        [sys.executable, "-m", "sma_model.cli", "presets"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0
    assert done.stdout.split()[0] == "demand-10b"


def test_xlsx_writes_a_workbook_read_back_with_openpyxl(capsys, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "compare.xlsx"
    code, out, err = cli(
        capsys, "compare", "status-quo", "demand-5b", "--horizon", "2028", "--xlsx", str(path)
    )
    assert code == 0, err
    assert out.splitlines()[-1] == f"wrote {path}"
    book = openpyxl.load_workbook(path)
    assert {"comparison", "summary", "inputs"} <= set(book.sheetnames)
    rows = list(book["comparison"].values)
    header = rows[0]
    paid = {
        (r[header.index("scenario")], r[header.index("year")]): r[header.index("payment_krw")]
        for r in rows[1:]
    }
    assert paid[("status quo", 2027)] == pytest.approx(P0 * 1.021, rel=1e-12)  # full precision
    assert paid[("demand $5bn", 2028)] == pytest.approx(5e9 * 1422, rel=1e-12)  # $5bn at 1,422 won


@pytest.mark.parametrize("command", [["project", "status-quo"], ["compare"]])
def test_csv_into_xlsx_points_to_xlsx(capsys, tmp_path, command):
    path = tmp_path / "out.xlsx"
    code, _, err = cli(capsys, *command, "--csv", str(path))
    assert code == 1 and f"use --xlsx {path} for a workbook" in err


def test_xlsx_needs_an_xlsx_name(capsys, tmp_path):
    code, out, err = cli(capsys, "project", "status-quo", "--xlsx", str(tmp_path / "out.csv"))
    assert code == 1 and "the file name must end in .xlsx" in err and out == ""


def test_report_writes_one_page_with_figures_and_tables(capsys, tmp_path):
    path = tmp_path / "report.html"
    code, out, err = cli(capsys, "report", "status-quo", "lapse", "-o", str(path), "--title", "Two futures")
    assert code == 0, err
    assert out == f"wrote {path}\n"
    page = path.read_text(encoding="utf-8")
    assert "Two futures" in page and "lapse after 2030" in page
    assert page.count('<img src="data:image/png;base64,') >= 2  # figures inside the page
    assert "<table" in page and "₩1.55 tn" in page  # 2027: P0 x 1.021
    code, out, err = cli(capsys, "report", "-o", str(tmp_path / "report.pdf"))
    assert code == 1 and "a report's name ends in .html or .htm" in err
