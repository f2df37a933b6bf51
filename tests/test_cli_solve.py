"""``sma-model solve``: each answer equals ``sma.solve`` and the hand-worked figure.

The status quo pays P0 = ₩1,519.2324bn in 2026, P0 x 1.021 in 2027 (the 2025 CPI), then
rises by the CPI of two years before (2 % after the record), capped at 5 %.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import run_cli as cli

import sma_model as sma

P0 = 1_519.2324e9
STATUS_QUO = sma.presets.get("status-quo")


def number(out: str, name: str) -> float:
    return float(re.search(rf"\({name} = ([\d.,-]+)", out).group(1).replace(",", ""))


def test_rate_is_solve_escalation_rate(capsys):
    code, out, err = cli(
        capsys, "solve", "rate", "status-quo", "--target", "5bn", "--currency", "usd", "--by", "2030"
    )
    assert code == 0, err
    rate = sma.solve.escalation_rate(STATUS_QUO, sma.Money(amount=5e9, currency="USD"), by_year=2030)
    assert number(out, "rate") == pytest.approx(rate, abs=1e-7)
    assert round(rate, 4) == 0.4708  # README: about (7,110 / 1,519.2) ** (1 / 4) - 1
    assert out.splitlines()[0] == (
        "A constant rise of 47.08 %/yr under the 12th SMA brings 'status quo' to $5.00 bn in 2030 "
        f"(rate = {rate:.7f} a year)."
    )
    # the scenario as solved reaches the target in the table printed below the answer
    assert next(line for line in out.splitlines() if line.startswith("2030")).split()[-2:] == ["$5.00", "bn"]


def test_cap_by_hand(capsys, tmp_path):
    argv = ["solve", "cap", "status-quo", "--cpi", "0.06", "--target", "2tn", "--by", "2035"]
    code, out, err = cli(capsys, *argv, "--csv", str(tmp_path / "cap.csv"))
    assert code == 0, err
    # from 2028 every rise is the cap c (CPI 6 % is above it): P0 x 1.021 x (1 + c)^8 = ₩2,000bn
    by_hand = (2e12 / (P0 * 1.021)) ** (1 / 8) - 1
    assert number(out, "cap") == pytest.approx(by_hand, abs=2e-7)
    frame = pd.read_csv(tmp_path / "cap.csv").set_index(["scenario", "year"])
    assert frame.loc[("status quo, cap 3.23 %", 2035), "payment_krw"] == pytest.approx(2e12, rel=1e-6)


def test_base_defaults_to_the_last_agreement_with_an_amount(capsys):
    argv = ["solve", "base", "demand-5b", "--target", "8bn", "--currency", "usd", "--by", "2030"]
    code, out, err = cli(capsys, *argv)
    assert code == 0, err
    found = sma.solve.base(
        sma.presets.get("demand-5b"), sma.Money(amount=8e9, currency="USD"), by_year=2030, agreement=1
    )
    assert found.amount == pytest.approx(8e9, rel=1e-8)  # a flat demand: the base is the target
    assert number(out, "base") == pytest.approx(found.amount, abs=1)
    assert "for the $5bn demand" in out


def test_first_year_over_and_gap_closes(capsys):
    code, out, _ = cli(capsys, "solve", "first-year-over", "status-quo", "--threshold", "1.7tn")
    assert code == 0
    # 2031: P0 x 1.021 x 1.02^4 = ₩1,679bn; 2032: x 1.02 = ₩1,712.6bn
    assert P0 * 1.021 * 1.02**4 < 1.7e12 < P0 * 1.021 * 1.02**5
    assert out.splitlines()[0] == "'status quo' first pays over ₩1.70 tn in 2032."
    code, out, _ = cli(capsys, "solve", "gap-closes", "phase-in-5b", "demand-5b")
    assert code == 0
    assert out.splitlines()[0] == "'phase-in to $5bn' reaches 'demand $5bn' for good in 2030 (in USD)."


@pytest.mark.parametrize(
    ("argv", "code", "fragment"),
    [
        (["first-year-over", "status-quo", "--threshold", "2tn"], 1, "never exceeds ₩2,000.000bn by 2035"),
        (["cap", "status-quo", "--target", "2tn", "--by", "2035"], 1, "no cap in [0, 0.5] reaches"),
        (["base", "status-quo", "--target", "2tn", "--by", "2035"], 1, "no agreement with an absolute base"),
        (
            ["rate", "status-quo", "--target", "5bn", "--by", "2030", "--agreement", "3"],
            1,
            "agreements 0 to 0",
        ),
        (["rate", "status-quo", "--by", "2030"], 2, "--target"),
        (["rate", "status-quo", "--target", "5bn", "--by", "2030", "--csv", "a.xls"], 1, "--csv writes CSV"),
    ],
)
def test_questions_without_an_answer_are_one_line_errors(capsys, argv, code, fragment):
    returned, out, err = cli(capsys, "solve", *argv)
    assert returned == code
    assert fragment in err
    assert "Traceback" not in err and out == ""


def test_the_answer_is_drawn_on_a_log_scale_when_it_runs_far(capsys, tmp_path, monkeypatch):
    figures = []
    monkeypatch.setattr(sma.cli, "save_figure", lambda figure, path: figures.append(figure))
    argv = ["solve", "rate", "status-quo", "--target", "5bn", "--currency", "usd", "--by", "2030"]
    assert cli(capsys, *argv, "--plot", str(tmp_path / "rate.png"))[0] == 0
    ax = figures[0].axes[0]
    # 47 % a year from $1.07bn reaches $34bn by 2035: 32 times the status quo's 2026
    assert ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.get_lines()[:2]] == ["status quo", "status quo, 47.08 % a year"]
