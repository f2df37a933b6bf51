"""The sma-model command, end to end through a subprocess."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import sma_model as sma


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    command = shutil.which("sma-model")
    prefix = [command] if command else [sys.executable, "-m", "sma_model.cli"]
    return subprocess.run([*prefix, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_compare_prints_a_table_and_writes_a_plot_and_csv(tmp_path):
    result = run("compare", "--plot", "out.png", "--csv", "out.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["payment_krw", "status", "quo"]
    # status quo 2027 = 1,519.2 x (1 + 2025 CPI 2.1 %) = ₩1,551.1bn; the $5bn demand at 1,422 won =
    # ₩7,110.0bn; printed to three digits (issue 14: was "1,551.1" and "7,110.0" in a ₩ bn column)
    row_2027 = next(line for line in lines if line.startswith("2027"))
    assert row_2027.split()[1:3] == ["₩1.55", "tn"]
    assert row_2027.split()[-4:-2] == ["₩7.11", "tn"]
    assert (tmp_path / "out.png").stat().st_size > 10_000
    frame = pd.read_csv(tmp_path / "out.csv")
    assert set(frame["scenario"]) == {sma.presets.get(n).name for n in sma.presets.DEFAULT_COMPARISON}


def test_project_a_scenario_file_in_dollars(tmp_path):
    path = tmp_path / "mine.yaml"
    sma.io.save_scenario(sma.presets.get("demand-10b"), path)
    result = run("project", str(path), "--currency", "usd", "--horizon", "2030")
    assert result.returncode == 0, result.stderr
    assert "$10.0 bn" in result.stdout  # issue 14: was "10,000.0" in a $ m column
    assert result.stdout.splitlines()[-1].startswith("2030") or "2030" in result.stdout


def test_backtest_and_record_and_presets():
    backtest = run("backtest")
    assert backtest.returncode == 0
    assert "11th SMA  2021" in backtest.stdout
    assert "+0.00%" in backtest.stdout
    record = run("record")
    assert "MND 2018 Defense White Paper" in record.stdout
    presets = run("presets")
    assert presets.stdout.split()[0] == "demand-10b"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("project", "no-such-preset"), "no preset 'no-such-preset'; known presets: demand-10b"),
        (("project", "missing.yaml"), "missing.yaml: cannot read"),
    ],
)
def test_errors_go_to_stderr_with_exit_code_1(args, fragment):
    result = run(*args)
    assert result.returncode == 1
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_bad_file_names_the_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nagreements: [\n  - oops\n", encoding="utf-8")
    result = run("project", str(path))
    assert result.returncode == 1
    assert "bad.yaml, line" in result.stderr


def test_a_bad_field_is_named(tmp_path):
    path = tmp_path / "cap.yaml"
    text = sma.io.dump_scenario(sma.presets.get("status-quo")).replace("cap: 0.05", "cap: -5.0")
    path.write_text(text, encoding="utf-8")
    result = run("project", str(path))
    assert result.returncode == 1
    assert "agreements.0.escalation.rule.indexed.cap" in result.stderr
    assert "greater than or equal to -0.99" in result.stderr


def test_usage_errors_exit_2():
    assert run("compare", "--currency", "eur").returncode == 2
    assert run().returncode == 2
