"""``sma-model sweep`` and ``sma-model montecarlo``: the numbers they print, their files, the progress bar.

Hand-worked figures (as in test_readable_numbers): the status quo pays P0 = ₩1,519.2324bn in
2026 and P0 x 1.021 in 2027 (the 2025 CPI); from 2028 it rises by the CPI of two years
before, capped at the 12th SMA's cap, and the CPI after the record is the scenario's constant.
"""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import run_cli as cli

import sma_model as sma
from sma_model.formatting import format_money

P0 = 1_519.2324e9
STATUS_QUO = sma.presets.get("status-quo")


def row(text: str, start: str) -> list[str]:
    return next(line for line in text.splitlines() if line.startswith(start)).split()


# --- sweep ---------------------------------------------------------------------------------------


def test_a_grid_sweep_prints_each_sample_and_writes_every_digit(capsys, tmp_path):
    code, out, err = cli(
        capsys,
        "sweep",
        "status-quo",
        "--vary",
        "assumptions.cpi=0.01:0.04",
        "--vary",
        "agreements[0].escalation.cap=0.03,0.05",
        "--csv",
        str(tmp_path / "grid.csv"),
    )
    assert code == 0, err
    assert err == ""
    assert out.splitlines()[0] == (
        "Sweep of 10 samples of 'status quo', 2026-2035: a grid over assumptions.cpi, "
        "agreements[0].escalation.cap"
    )
    # --points 5 by default: 0.01, 0.0175, 0.025, 0.0325, 0.04, each with both caps
    frame = pd.read_csv(tmp_path / "grid.csv")
    assert frame["assumptions.cpi"].tolist() == pytest.approx(
        np.repeat([0.01, 0.0175, 0.025, 0.0325, 0.04], 2)
    )
    # CPI 4 % capped at 3 %: 2026-2035 pays P0 (1 + 1.021 (1 + 1.03 + ... + 1.03^8)) = ₩17,277bn
    by_hand = P0 * (1 + 1.021 * (1.03**9 - 1) / 0.03)
    assert frame.loc[8, "total_krw"] == pytest.approx(by_hand, rel=1e-12)
    assert frame.loc[8, "final_payment_krw"] == pytest.approx(P0 * 1.021 * 1.03**8, rel=1e-12)
    assert row(out, "8 ") == ["8", "0.04", "0.03", "₩17.3", "tn", "₩1.96", "tn"]
    assert "wrote" in out.splitlines()[-1]


def test_the_sweep_summary_is_what_sweep_gives_in_python(capsys):
    code, out, _ = cli(
        capsys,
        "sweep",
        "status-quo",
        "--vary",
        "assumptions.cpi=0.01:0.04",
        "--points",
        "7",
        "--currency",
        "usd",
    )
    assert code == 0
    result = sma.sweep(STATUS_QUO, {"assumptions.cpi": np.linspace(0.01, 0.04, 7)}, currency="USD")
    summary = result.summary()
    for outcome in ("total_usd", "final_payment_usd"):
        shown = [format_money(summary.loc[outcome, c], "USD") for c in ("mean", "p5", "p50", "p95")]
        assert " ".join(row(out, outcome)[1:]) == " ".join(shown)
    assert "total_krw" not in out  # one currency unless --both


def test_a_range_over_a_whole_number_field_takes_every_whole_number(capsys):
    code, out, _ = cli(capsys, "sweep", "status-quo", "--vary", "horizon=2030:2033")
    assert code == 0
    # 2026-2030: P0 (1 + 1.021 (1 + 1.02 + 1.02^2 + 1.02^3)) = ₩7,912bn
    assert row(out, "0 ")[:3] == ["0", "2030", format_money(P0 * (1 + 1.021 * 4.121608), "KRW").split()[0]]
    assert [row(out, f"{i} ")[1] for i in range(4)] == ["2030", "2031", "2032", "2033"]


def test_a_latin_hypercube_is_seeded_and_counts_the_threshold(capsys, tmp_path):
    argv = ["sweep", "status-quo", "--vary", "assumptions.cpi=0.01:0.04", "--samples", "200", "--seed", "7"]
    code, out, _ = cli(capsys, *argv, "--threshold", "1.8tn", "--csv", str(tmp_path / "lhs.csv"))
    assert code == 0
    assert out.splitlines()[0].endswith("a Latin hypercube over assumptions.cpi, seed 7")
    result = sma.sweep(
        STATUS_QUO, {"assumptions.cpi": [0.01, 0.04]}, method="lhs", n=200, rng=7, threshold=1.8e12
    )
    frame = pd.read_csv(tmp_path / "lhs.csv")
    assert frame["total_krw"].to_numpy() == pytest.approx(result.frame["total_krw"].to_numpy(), rel=1e-12)
    share = result.frame["first_year_over_threshold"].notna().mean()
    assert f"{share * 100:.1f} % of samples pay over ₩1.80 tn in some year by 2035" in out
    assert not any(line.startswith(("sample", "0 ")) for line in out.splitlines())  # 200 rows are not printed


@pytest.mark.parametrize(
    ("argv", "code", "fragment"),
    [
        (["--vary", "assumptions.cpi"], 2, "write PATH=LOW:HIGH (a range) or PATH=V1,V2,..."),
        (["--vary", "assumptions.cpi=0.04:0.01"], 2, "the range runs from low to high"),
        (["--vary", "assumptions.cpii=0.01:0.04"], 1, "did you mean 'assumptions.cpi'"),
        (
            ["--vary", "assumptions.cpi=0.01:0.04", "--samples", "9", "--method", "grid"],
            1,
            "--samples is for",
        ),
        (["--vary", "assumptions.cpi=0.01:0.04", "--method", "zip"], 1, "--method zip takes lists"),
        (["--vary", "assumptions.cpi=0.01:0.04", "--plot", "x.png"], 1, "--plot draws a heat map"),
        (["--vary", "assumptions.cpi=0.01:0.04", "--threshold", "lots"], 2, "'lots' is not an amount"),
        (["--vary", "assumptions.cpi=0.01:0.04", "--csv", "out.xlsx"], 1, "--csv writes CSV text"),
    ],
)
def test_bad_sweeps_are_one_line_errors(capsys, argv, code, fragment):
    returned, out, err = cli(capsys, "sweep", "status-quo", *argv)
    assert returned == code
    assert fragment in err
    assert "Traceback" not in err and out == ""


def test_a_grid_sweep_draws_a_heat_map(capsys, tmp_path, monkeypatch):
    figures = []
    monkeypatch.setattr(sma.cli, "save_figure", lambda figure, path: figures.append(figure))
    argv = ["--vary", "agreements[0].escalation.cap=0.03,0.05", "--vary", "assumptions.cpi=0.01,0.03"]
    code, out, _ = cli(capsys, "sweep", "status-quo", *argv, "--plot", str(tmp_path / "h.png"))
    assert code == 0
    heat = figures[0].axes[0]
    assert heat.get_title() == "status quo: the total payment over the grid"
    assert out.splitlines()[-1] == f"wrote {tmp_path / 'h.png'}"


# --- Monte Carlo --------------------------------------------------------------------------------

AR1 = "cpi=ar1:mean=0.02,phi=0.5,sd=0.01"
WALK = "usd_krw=log_random_walk:sd=0.06"


def test_monte_carlo_percentiles_are_those_of_monte_carlo_in_python(capsys, tmp_path):
    argv = ["montecarlo", "status-quo", "--dist", AR1, "--dist", WALK, "--samples", "3000", "--seed", "42"]
    code, out, err = cli(capsys, *argv, "--threshold", "1.8tn", "--csv", str(tmp_path / "mc.csv"))
    assert code == 0, err
    assert err == ""
    mc = sma.monte_carlo(
        STATUS_QUO,
        n=3000,
        rng=42,
        threshold=1.8e12,
        uncertainties={"cpi": sma.AR1(mean=0.02, phi=0.5, sd=0.01), "usd_krw": sma.LogRandomWalk(sd=0.06)},
    )
    lines = out.splitlines()
    assert lines[0] == "Monte Carlo of 3,000 samples of 'status quo', 2026-2035, seed 42"
    assert lines[1:3] == [
        "  cpi: ar1(mean=0.02, phi=0.5, sd=0.01)",
        "  usd_krw: log_random_walk(drift=0, sd=0.06)",
    ]
    table = mc.percentiles([5, 50, 95])
    over = mc.probability_over()
    for year in (2030, 2035):
        expected = [format_money(table.loc[year, p], "KRW") for p in ("p5", "p50", "p95")]
        assert " ".join(row(out, str(year))[1:7]) == " ".join(expected)
        assert row(out, str(year))[7:] == [f"{over[year] * 100:.1f}", "%"]
    frame = pd.read_csv(tmp_path / "mc.csv")
    assert frame["total_krw"].to_numpy() == pytest.approx(mc.frame["total_krw"].to_numpy(), rel=1e-12)
    assert f"{mc.probability_over(by_year=2035) * 100:.1f} % of samples pay over ₩1.80 tn" in out


def test_a_process_without_spread_gives_the_projection_by_hand(capsys):
    code, out, _ = cli(
        capsys, "montecarlo", "status-quo", "--dist", "cpi=normal:mean=0.02,sd=0", "--seed", "1"
    )
    assert code == 0
    # every sample is the status quo: 2035 = P0 x 1.021 x 1.02^8 = ₩1,817.4bn at every percentile
    assert row(out, "2035")[1:] == ["₩1.82", "tn"] * 3
    assert format_money(P0 * 1.021 * 1.02**8, "KRW") == "₩1.82 tn"


def test_a_fan_chart_with_the_central_case(capsys, tmp_path, monkeypatch):
    figures = []
    monkeypatch.setattr(sma.cli, "save_figure", lambda figure, path: figures.append(figure))
    argv = ["montecarlo", "status-quo", "--dist", AR1, "--samples", "500", "--seed", "3"]
    code, _, _ = cli(capsys, *argv, "--plot", str(tmp_path / "fan.png"))
    assert code == 0
    ax = figures[0].axes[0]
    median, central = ax.get_lines()[:2]
    assert central.get_label() == "status quo"
    # the central case coincides with the median here, and both show: different width, dashes, markers
    assert median.get_linewidth() > 2 * central.get_linewidth()
    assert central.get_linestyle() == "--" and central.get_marker() == "o"
    assert not ax.spines["top"].get_visible()  # the package style


@pytest.mark.parametrize(
    ("argv", "code", "fragment"),
    [
        ([], 1, "montecarlo needs at least one --dist"),
        (["--dist", "cpi=gauss:mean=0.02"], 2, "KIND one of normal, ar1, log_random_walk, bootstrap"),
        (["--dist", "cpi=normal:mean=0.02,sd=-1"], 2, "sd: Input should be greater than or equal to 0"),
        (["--dist", "cpi=normal:mean=two"], 2, "'mean=two' is not KEY=NUMBER"),
        (["--dist", "cpu=normal:mean=0.02,sd=0.01"], 1, "did you mean 'assumptions.cpi'"),
        (["--dist", AR1, "--correlate", "cpi=0.5"], 2, "write A,B=RHO"),
        (["--dist", AR1, "--samples", "2000000", "--csv", "x.csv"], 1, "--csv writes one row per sample"),
    ],
)
def test_bad_monte_carlo_runs_are_one_line_errors(capsys, argv, code, fragment):
    returned, out, err = cli(capsys, "montecarlo", "status-quo", *argv)
    assert returned == code
    assert fragment in err
    assert "Traceback" not in err and out == ""


# --- the progress bar ---------------------------------------------------------------------------


def _run(*argv: str, code: str = "") -> subprocess.CompletedProcess:
    program = f"{code}\nfrom sma_model.cli import main\nraise SystemExit(main({list(argv)!r}))"
    return subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=300)


LONG_RUN = ("montecarlo", "status-quo", "--dist", WALK, "--samples", "200000", "--seed", "5")


def test_progress_bar_on_stderr_only_when_asked_or_a_terminal():
    quiet = _run(*LONG_RUN)  # stderr is a pipe here: no bar
    assert quiet.returncode == 0 and quiet.stderr == ""
    shown = _run(*LONG_RUN, "--progress")
    assert shown.returncode == 0
    assert "sma_model:" in shown.stderr and "chunk" in shown.stderr
    assert re.search(r"\b(\d+)/\1\b", shown.stderr)  # it runs to the end: 4/4 chunks of 65,536
    assert shown.stdout == quiet.stdout  # the tables are untouched


def test_without_tqdm_there_is_no_bar_and_no_error():
    hide = "import sys; sys.modules['tqdm'] = None; sys.modules['tqdm.auto'] = None"
    done = _run(*LONG_RUN, "--progress", code=hide)
    assert done.returncode == 0 and done.stderr == ""
    told = _run("-v", *LONG_RUN, "--progress", code=hide)
    assert "note: no progress bar: tqdm is not installed" in told.stderr
    assert done.stdout == told.stdout
