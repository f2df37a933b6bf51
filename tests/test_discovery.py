"""Scenario discovery (PRIM): boxes worked out by hand, a known box recovered, a real question.

Sources: Friedman & Fisher (1999) for the method; EMA Workbench 2.5.3
(``ema_workbench.analysis.prim.Prim(x, y, threshold=0.8).find_box()``, default lenient
objective, alphas 0.05, mass_min 0.05) run on the same seeded samples for the cross-check;
the record (data/payments.csv: 2025 payment ₩1,402.8 bn; data/macro.csv: 2025 ROK CPI 2.1 %)
for the 2030 payment worked out by hand.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import sma_model as sma
from sma_model.errors import MissingColumnError, SweepError
from sma_model.plotting.discovery import peeling_trajectory
from sma_model.sweeps import PrimResult, discover

# ---- small cases worked out by hand -------------------------------------------------------


def test_trajectory_by_hand_peels_two_samples_at_a_time():
    """x = 0..19, cases {1} and {8..19} (13 of 20); peel_alpha 0.1 cuts ceil(0.1 n) = 2 samples.

    Cutting {0, 1} (a case and a non-case) raises the density from 13/20 to 12/18, as
    cutting {18, 19} (two cases, 11/18) does not; then {2, 3} gives 12/16, {4, 5} 12/14 and
    {6, 7} 12/12. Cutting {8, 9} leaves the density at 1 (no gain): peeling stops. Pasting
    7 back would lower it (12/13): no paste. A constant column is never restricted.
    """
    table = pd.DataFrame({"x": np.arange(20), "flat": 3.0})
    cases = np.isin(np.arange(20), [1, *range(8, 20)])
    found = discover(table, cases, peel_alpha=0.1)
    t = found.trajectory
    assert t["phase"].tolist() == ["start", "peel", "peel", "peel", "peel"]
    assert t["n"].tolist() == [20, 18, 16, 14, 12]
    assert t["n_of_interest"].tolist() == [13, 12, 12, 12, 12]
    np.testing.assert_allclose(t["coverage"], [1, 12 / 13, 12 / 13, 12 / 13, 12 / 13])
    np.testing.assert_allclose(t["density"], [13 / 20, 12 / 18, 12 / 16, 12 / 14, 1])
    np.testing.assert_allclose(t["mass"], [1, 0.9, 0.8, 0.7, 0.6])
    assert t["n_restricted"].tolist() == [0, 1, 1, 1, 1]
    # whole numbers: limits are values x takes, never halfway
    assert found.box[["parameter", "low", "high"]].to_dict("records") == [
        {"parameter": "x", "low": 8.0, "high": 19.0}
    ]
    assert found.box_at(2)["low"].tolist() == [4.0]
    assert found.box_at(0).empty  # the first box restricts nothing
    assert found.box_at(0, every=True)["parameter"].tolist() == ["x", "flat"]


def test_paste_and_mass_min_by_hand():
    """x = 0..9, cases {3, 4, 5, 6, 8}; peel_alpha 0.2 (2 samples), paste_alpha 0.1, mass_min 0.5.

    Peel {0, 1}: 5/8 (upper {8, 9}: 4/8). Then {2, 3} and {8, 9} both give 4/6, the same
    gain: the cut on the side already restricted wins, so the box is [4, 9]. Cutting {8, 9}
    next (3/4) would leave 4 of 10 samples, under mass_min 0.5: peeling stops at density 4/6
    and coverage 4/5. Pasting one sample, 3 (a case), raises it to 5/7; pasting 2 would lower it.
    """
    table = pd.DataFrame({"x": np.arange(10)})
    cases = np.isin(np.arange(10), [3, 4, 5, 6, 8])
    found = discover(table, cases, peel_alpha=0.2, paste_alpha=0.1, mass_min=0.5)
    t = found.trajectory
    assert t["phase"].tolist() == ["start", "peel", "peel", "paste"]
    np.testing.assert_allclose(t["density"], [0.5, 5 / 8, 4 / 6, 5 / 7])
    np.testing.assert_allclose(t["coverage"], [1, 1, 4 / 5, 1])
    np.testing.assert_allclose(t["mass"], [1, 0.8, 0.6, 0.7])
    assert found.boxes.low[:, 0].tolist() == [0, 2, 4, 3]
    assert found.box["low"].tolist() == [3.0]


def test_threshold_below_and_outcome_column():
    """Cases below a threshold: total < 2.5 of totals 1..4 are the two lowest caps."""
    table = pd.DataFrame({"cap": [0.01, 0.02, 0.03, 0.04], "total": [1.0, 2.0, 3.0, 4.0]})
    found = discover(table, "total", 2.5, above=False, peel_alpha=0.25, mass_min=0.25)
    assert found.parameters == ["cap"]  # the outcome is not a parameter
    assert found.box[["low", "high"]].values.tolist() == [[0.01, 0.02]]
    assert found.stats["density"] == 1.0
    assert found.stats["coverage"] == 1.0


def test_select_chooses_a_step_and_is_checked():
    table = pd.DataFrame({"x": np.arange(20)})
    found = discover(table, np.arange(20) >= 15, peel_alpha=0.1)
    assert found.select(1).chosen == 1
    assert found.select(-1).chosen == len(found.trajectory) - 1
    assert found.chosen == len(found.trajectory) - 1  # select returns a new result
    with pytest.raises(SweepError, match="step from 0 to"):
        found.select(len(found.trajectory))
    with pytest.raises(SweepError):
        found.select(True)


# ---- a box known by construction ------------------------------------------------------------


@pytest.fixture(scope="module")
def square():
    rng = np.random.default_rng(0)
    table = pd.DataFrame({name: rng.uniform(size=4000) for name in ("x", "y", "z")})
    cases = ((table["x"] > 0.7) & (table["y"] < 0.4)).to_numpy()
    return table, cases, discover(table, cases)


def test_synthetic_box_recovered_within_one_peel(square):
    """Cases x > 0.7 and y < 0.4 on the unit cube, no noise: the box found is that one.

    Tolerance: the last peels cut 5 % of a box about 0.3 wide in x and 0.4 in y, so a
    limit can overshoot the true edge by one peel, 0.05 x 0.3 = 0.015 in x and
    0.05 x 0.4 = 0.02 in y, plus the gap between neighbouring samples (about
    1 / (4000 x 0.4) < 0.001): 0.025 covers both. Overshooting that much loses at most
    0.015 / 0.3 + 0.02 / 0.4 = 10 % of the cases, so coverage stays above 0.9.
    """
    _, _, found = square
    limits = found.box_at(found.chosen, every=True).set_index("parameter")
    assert abs(limits.loc["x", "low"] - 0.7) <= 0.025
    assert abs(limits.loc["y", "high"] - 0.4) <= 0.025
    assert limits.loc["x", "high"] == limits.loc["x", "range_high"]
    assert limits.loc["y", "low"] == limits.loc["y", "range_low"]
    assert not limits.loc["z", "restricted"]
    assert found.stats["density"] == 1.0
    assert found.stats["coverage"] > 0.9
    assert found.stats["n_restricted"] == 2


def test_synthetic_box_matches_ema_workbench(square):
    """EMA Workbench 2.5.3 on the same samples: 43 boxes, the last holding 455 samples, all
    cases, with x >= 0.705804 and y <= 0.390738 (its box_lims, printed to six digits)."""
    _, _, found = square
    assert len(found.trajectory) == 43
    assert found.stats["n"] == 455
    assert found.stats["n_of_interest"] == 455
    limits = found.box.set_index("parameter")
    assert limits.loc["x", "low"] == pytest.approx(0.705804, abs=5e-7)
    assert limits.loc["y", "high"] == pytest.approx(0.390738, abs=5e-7)
    # and one step earlier, EMA's box 41: 479 samples, 466 cases
    assert found.trajectory.loc[41, ["n", "n_of_interest"]].tolist() == [479, 466]


def test_coverage_and_density_recount_from_the_limits(square):
    table, cases, found = square
    for step in (10, 30, len(found.trajectory) - 1):
        box = found.box_at(step, every=True)
        inside = np.all(
            [(table[p] >= lo) & (table[p] <= hi) for p, lo, hi in box[["parameter", "low", "high"]].values],
            axis=0,
        )
        assert found.trajectory.loc[step, "n"] == inside.sum()
        assert found.trajectory.loc[step, "density"] == pytest.approx(cases[inside].mean())
        assert found.trajectory.loc[step, "coverage"] == pytest.approx(cases[inside].sum() / cases.sum())


# ---- the real question: when does the 2030 payment pass ₩2 trillion? ------------------------

P2025 = 1402.8e9  # data/payments.csv, published
CPI2025 = 0.021  # data/macro.csv, Statistics Korea
RISE, CAP, CPI, FX = (
    "agreements[0].base.rate",
    "agreements[0].escalation.cap",
    "assumptions.cpi",
    "assumptions.usd_krw",
)


@pytest.fixture(scope="module")
def status_quo_sweep():
    ranges = {RISE: (0.03, 0.20), CAP: (0.03, 0.10), CPI: (0.01, 0.08), FX: (1200, 1600)}
    return sma.sweep(sma.presets.get("status-quo"), ranges, method="lhs", n=2000, rng=1, keep="paths")


def test_2030_payment_by_hand(status_quo_sweep):
    """The 12th SMA: 2026 = 2025 x (1 + first-year rise); 2027 rises by 2025's CPI (2.1 %,
    under every cap swept); 2028-2030 by CPI of two years before (the constant swept), capped."""
    f = status_quo_sweep.frame
    by_hand = P2025 * (1 + f[RISE]) * (1 + CPI2025) * (1 + np.minimum(f[CPI], f[CAP])) ** 3
    np.testing.assert_allclose(status_quo_sweep.paths(long=False)[2030], by_hand, rtol=1e-9)


def test_which_assumptions_push_2030_over_2_trillion(status_quo_sweep):
    """PRIM restricts the first-year rise, the cap and CPI from below, never won per dollar.

    By hand: 2030 = P2025 (1 + rise) 1.021 (1 + min(CPI, cap))^3 passes ₩2 tn only if the rise
    reaches 2 / (1.4028 x 1.021 x 1.08^3) - 1 = 10.9 % (with CPI and cap at their highest
    swept, 8 %) and min(CPI, cap) reaches (2 / (1.4028 x 1.021 x 1.20))^(1/3) - 1 = 5.18 %
    (with the rise at its highest, 20 %). A won agreement does not move with won per dollar.
    """
    found = discover(status_quo_sweep, "payment_krw", 2e12, year=2030)
    box = found.box.set_index("parameter")
    assert set(box.index) == {RISE, CAP, CPI}
    rise_min = 2e12 / (P2025 * (1 + CPI2025) * 1.08**3) - 1
    growth_min = (2e12 / (P2025 * (1 + CPI2025) * 1.20)) ** (1 / 3) - 1
    assert rise_min == pytest.approx(0.1085, abs=1e-4)
    assert growth_min == pytest.approx(0.0518, abs=1e-4)
    assert box.loc[RISE, "low"] >= rise_min
    assert box.loc[CAP, "low"] >= growth_min and box.loc[CPI, "low"] >= growth_min
    assert (box["high"] == box["range_high"]).all()  # pushed up, never capped from above
    over = status_quo_sweep.paths(long=False)[2030].to_numpy() > 2e12
    assert found.inputs["n_of_interest"] == over.sum()
    assert found.stats["density"] > 0.8
    assert "payment in 2030 over ₩2.00 tn" in repr(found)
    assert "the 12th SMA's first-year rise" in repr(found)


def test_monte_carlo_finds_the_years_the_lag_reads():
    """With CPI drawn each year, the 2030 payment reads CPI 2026-2028 (lag 2, 2028-2030 rises):
    the first three parameters PRIM restricts are those years, out of the ten drawn."""
    run = sma.monte_carlo(
        sma.presets.get("status-quo"),
        n=4000,
        rng=0,
        uncertainties={"cpi": sma.Normal(mean=0.02, sd=0.01)},
        keep_draws=True,
    )
    threshold = float(np.percentile(run.paths(long=False)[2030], 80))
    found = discover(run, "payment_krw", threshold, year=2030, draws="yearly")
    assert len(found.parameters) == 10
    order: list[str] = []
    for step in range(len(found.trajectory)):
        order += [p for p in found.box_at(step)["parameter"] if p not in order]
    assert set(order[:3]) == {f"assumptions.cpi[{y}]" for y in (2026, 2027, 2028)}
    mean = discover(run, "payment_krw", threshold, year=2030)
    assert mean.parameters == ["assumptions.cpi"]
    assert mean.box["parameter"].tolist() == ["assumptions.cpi"]


# ---- bad input --------------------------------------------------------------------------


def test_unknown_outcome_suggests_close_names(status_quo_sweep):
    with pytest.raises(MissingColumnError, match="did you mean 'final_payment_krw'"):
        discover(status_quo_sweep, "final_payment_kr", 2e12)
    with pytest.raises(MissingColumnError, match=r"parameters: 'assumptions\.cpj'"):
        discover(status_quo_sweep, "final_payment_krw", 2e12, parameters=["assumptions.cpj"])


def test_no_case_or_every_case_is_refused(status_quo_sweep):
    with pytest.raises(SweepError, match=r"none of the 2,000 samples is a case of interest.*it runs from ₩"):
        discover(status_quo_sweep, "payment_krw", 5e12, year=2030)
    with pytest.raises(SweepError, match="all 2,000 samples are cases"):
        discover(status_quo_sweep, "payment_krw", 1e12, year=2030)


def test_missing_values_and_bad_arguments_are_refused():
    table = pd.DataFrame({"x": [0.1, np.nan, 0.3], "y": [1.0, 2.0, 3.0], "word": ["a", "b", "c"]})
    cases = np.array([True, False, False])
    with pytest.raises(SweepError, match="'x' has 1 missing or infinite values"):
        discover(table, cases, parameters=["x"])
    with pytest.raises(SweepError, match="'word' is not numeric"):
        discover(table, cases, parameters=["word"])
    with pytest.raises(SweepError, match="3 booleans"):
        discover(table, [True, False], parameters=["y"])
    with pytest.raises(SweepError, match="either an outcome column and a threshold"):
        discover(table, cases, 2.0, parameters=["y"])
    with pytest.raises(SweepError, match="give a threshold"):
        discover(table, "y", parameters=["x"])
    with pytest.raises(SweepError, match="threshold must be a finite number"):
        discover(table, "y", float("nan"), parameters=["x"])
    with pytest.raises(SweepError, match="peel_alpha must be above 0"):
        discover(table, cases, parameters=["y"], peel_alpha=0.7)
    with pytest.raises(SweepError, match="year= reads yearly paths"):
        discover(table, "y", 2.0, year=2030)
    with pytest.raises(SweepError, match="keep_draws=True"):
        run = sma.monte_carlo(
            sma.presets.get("status-quo"), n=10, rng=0, uncertainties={"cpi": sma.Normal(mean=0.02, sd=0.01)}
        )
        discover(run, "payment_krw", 1.6e12, year=2030)


# ---- plot and repr -----------------------------------------------------------------------


def test_plot_draws_the_trajectory_in_words(status_quo_sweep):
    found = discover(status_quo_sweep, "payment_krw", 2e12, year=2030)
    ax = found.plot()
    try:
        assert "coverage" in ax.get_xlabel() and "[%]" in ax.get_xlabel()
        assert "density" in ax.get_ylabel()
        points = ax.collections[0].get_offsets()
        assert len(points) == len(found.trajectory)
        np.testing.assert_allclose(points[:, 0], found.trajectory["coverage"] * 100)
        colorbar_axes = [a for a in ax.figure.axes if a is not ax]
        assert colorbar_axes[0].get_ylabel() == "parameters the box restricts"
        notes = " ".join(t.get_text() for t in ax.texts)
        assert f"box {found.chosen}: the 12th SMA's first-year rise from" in notes
        assert "cap on the 12th SMA's rise from" in notes
    finally:
        plt.close("all")
    _, given = plt.subplots()
    try:
        assert peeling_trajectory(found.trajectory, ax=given) is given
    finally:
        plt.close("all")


def test_html_names_the_box_in_words():
    table = pd.DataFrame({"assumptions.cpi": np.arange(10) / 100})
    found = discover(table, np.arange(10) >= 6, peel_alpha=0.1)
    shown = found._repr_html_()
    assert "coverage 100.0 %, density 100.0 %, mass 40.0 %" in shown
    assert "<th>ROK CPI inflation</th>" in shown and "<td>6 %</td>" in shown
    assert isinstance(found, PrimResult)
