"""Numbers people can read: ₩1.52 tn, $1.13 bn, 1조 5,192억 원; full precision in files; notes on request.

Hand-worked figures: the status quo pays ₩1,519.2324bn in 2026 (₩1,402.8bn x 1.083) and
₩1,551.136bn in 2027 (x 1.021, the 2025 CPI); at 1,422 won a dollar $5bn is ₩7,110bn.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sma_model as sma
from sma_model import cli
from sma_model.formatting import format_money, format_percent

BN = 1e9


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    command = shutil.which("sma-model")
    prefix = [command] if command else [sys.executable, "-m", "sma_model.cli"]
    return subprocess.run([*prefix, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def row(text: str, year: int) -> str:
    return next(line for line in text.splitlines() if line.startswith(str(year)))


# --- units.format_money --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "western", "korean"),
    [
        (1_519.2324e9, "KRW", "₩1.52 tn", "1조 5,192억 원"),
        (1_551.136e9, "KRW", "₩1.55 tn", "1조 5,511억 원"),
        (1_130e6, "USD", "$1.13 bn", "11억 3,000만 달러"),
        (880.3e6, "USD", "$880 m", "8억 8,030만 달러"),
        (5e9, "USD", "$5.00 bn", "50억 달러"),
        (-507.19e9, "KRW", "-₩507 bn", "-5,072억 원"),
        (65_509.23e9, "KRW", "₩65.5 tn", "65조 5,092억 원"),
        (999.96e9, "KRW", "₩1.00 tn", "1조 원"),  # rounds up into the next unit
        (35_088.4, "USD", "$35,088", "3만 5,088 달러"),
        (0.0, "KRW", "₩0", "0 원"),
        (float("nan"), "USD", "NaN", "NaN"),
    ],
)
def test_format_money(amount, currency, western, korean):
    assert format_money(amount, currency) == western
    assert format_money(amount, currency, korean=True) == korean


def test_format_percent_and_bad_currency():
    assert format_percent(0.02011) == "2.01 %"
    assert format_percent(0.139, decimals=1, suffix="/yr") == "13.9 %/yr"
    with pytest.raises(sma.SMAModelError, match="currency must be 'KRW' or 'USD'"):
        format_money(1e9, "EUR")


_WESTERN = re.compile(r"^(-?)([₩$])([\d,.]+) (tn|bn|m)$")
_SCALE = {"tn": 1e12, "bn": 1e9, "m": 1e6}


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.floats(1e6, 1e16), st.sampled_from(["KRW", "USD"]), st.booleans())
def test_printed_amounts_are_rounded_once_to_three_digits(amount, currency, negative):
    value = -amount if negative else amount
    text = format_money(value, currency)
    sign, _, digits, unit = _WESTERN.match(text).groups()
    shown = float(digits.replace(",", "")) * _SCALE[unit]
    # three significant digits of the full value: within half a unit of the third digit
    assert abs(shown - amount) <= 0.5 * 10 ** (math.floor(math.log10(amount)) - 2) * (1 + 1e-9)
    assert (sign == "-") == negative
    assert "e" not in digits


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.floats(1e10, 1e15))
def test_korean_won_are_rounded_once_to_the_eok(amount):
    text = format_money(amount, "KRW", korean=True)
    units = {"조": 10**12, "억": 10**8}
    shown = sum(int(n.replace(",", "")) * units[u] for n, u in re.findall(r"([\d,]+)(조|억)", text))
    assert shown == round(amount / 1e8) * 10**8
    assert text.endswith(" 원")


# --- tables and reprs ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def news() -> sma.Comparison:
    return sma.compare([sma.presets.get(n) for n in sma.presets.DEFAULT_COMPARISON])


def test_the_year_table_prints_readable_figures(news):
    proj = news.projection
    table = proj.table("KRW", text=True)
    assert table.loc[2027, "status quo"] == "₩1.55 tn"
    assert table.loc[2027, "demand $5bn"] == "₩7.11 tn"
    assert proj.table("KRW", korean=True).loc[2027, "status quo"] == "1조 5,511억 원"
    assert proj.table("USD", text=True).loc[2027, "demand $5bn"] == "$5.00 bn"
    # the numeric table is still there for computing, in ₩ bn
    assert proj.table("KRW").loc[2027, "status quo"] == pytest.approx(1_551.136, abs=1e-3)


def test_reprs_show_readable_figures_and_no_scientific_notation(news):
    text = repr(news.projection)
    assert "₩16.6 tn" in text  # the status quo's total, 2026-2035
    assert "2.01 %/yr" in text
    assert not re.search(r"\de[+-]\d", text)
    compared = repr(news)
    assert "-₩507 bn" in compared  # a lapse after 2030 saves ₩507bn
    assert not re.search(r"\de[+-]\d", compared)
    assert "1조" in news.to_string(korean=True)
    assert "₩16.6 tn" in news._repr_html_() and "₩16.6 tn" in news.projection._repr_html_()


def test_growth_across_a_one_off_jump_is_labelled(news):
    text = repr(news)
    rise = next(line for line in text.splitlines() if line.startswith("rise 13.9%"))
    quo = next(line for line in text.splitlines() if line.startswith("status quo"))
    assert rise.rstrip().endswith("3.26 %/yr*")
    assert quo.rstrip().endswith("2.01 %/yr")
    assert "* compound growth across a one-off jump (a new base)" in text
    assert "rise 13.9% in 2027; demand $5bn in 2027" in text
    assert news.jumps()["phase-in to $5bn"] == []  # a phase-in is a rule, not a jump


# --- the command line ------------------------------------------------------------------------


def test_cli_tables_are_readable_and_csv_keeps_full_precision(tmp_path):
    result = run("compare", "--csv", "out.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert row(result.stdout, 2027).split()[1:3] == ["₩1.55", "tn"]
    assert "₩7.11 tn" in row(result.stdout, 2027)
    assert not re.search(r"\de[+-]\d", result.stdout)
    frame = pd.read_csv(tmp_path / "out.csv")
    paid = frame.set_index(["scenario", "year"])["payment_krw"]
    assert paid[("status quo", 2027)] == pytest.approx(1_519.2324e9 * 1.021, rel=1e-12)


def test_cli_korean_units():
    result = run("project", "status-quo", "--korean", "--horizon", "2027")
    assert result.returncode == 0, result.stderr
    assert row(result.stdout, 2027).split()[1:] == ["1조", "5,511억", "원"]
    assert "3조 704억 원" in result.stdout  # the total: 1,519.2 + 1,551.1 = ₩3,070.4bn


def test_cli_real_tables_show_real_growth():
    nominal = run("project", "status-quo")
    real = run("project", "status-quo", "--real")
    # real: 2026 = 1,519.2 / 1.02 and 2035 = 1,519.2 x 1.021 x 1.02^8 / 1.02^10, so growth is
    # (1.021 / 1.02) ** (1 / 9) - 1 = 0.011 % a year; nominal (1.021 x 1.02^8) ** (1 / 9) - 1 = 2.01 %
    growth = ((1.021 / 1.02) ** (1 / 9) - 1) * 100
    assert f"{growth:.2f} %/yr" == "0.01 %/yr"
    summary_real = real.stdout.splitlines()[-1]
    assert summary_real.split()[-2:] == ["0.01", "%/yr"]
    assert nominal.stdout.splitlines()[-1].split()[-2:] == ["2.01", "%/yr"]
    assert "total_krw_real" in real.stdout
    assert row(real.stdout, 2026).split()[1:] == ["₩1.49", "tn"]  # 1,519.2 / 1.02 = 1,489.4


def test_cli_notes_go_to_stderr_and_only_with_v():
    quiet = run("compare")
    assert "note:" not in quiet.stdout and quiet.stderr == ""
    loud = run("compare", "-v")
    assert "note:" not in loud.stdout
    assert "note: share_of_defense_budget left out" in loud.stderr
    assert loud.stdout == quiet.stdout
    assert "note: share_of_defense_budget" in run("-v", "project", "lapse").stderr


def test_cli_plots_use_the_package_style(tmp_path, monkeypatch):
    figures = []
    monkeypatch.setattr(cli, "save_figure", lambda figure, path: figures.append(figure))
    assert cli.main(["project", "status-quo", "--plot", str(tmp_path / "p.png")]) == 0
    (ax,) = figures[0].axes
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    assert ax.xaxis.get_gridlines()[0].get_visible()
    assert ax.title.get_fontweight() == "bold"
