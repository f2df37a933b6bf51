"""Plots: what is drawn, not just that nothing raises."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.text
import numpy as np
import pytest

import sma_model as sma


@pytest.fixture(scope="module")
def projection():
    return sma.project([sma.presets.get("status-quo"), sma.presets.get("demand-5b")])


def test_payment_curves_draws_each_scenario_and_the_record(projection):
    _fig, ax = plt.subplots()
    returned = projection.plot(ax=ax, currency="USD")
    assert returned is ax
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[:3] == ["status quo", "demand $5bn", "published"]
    demand = ax.get_lines()[1]
    assert list(demand.get_xdata()) == list(range(2026, 2036))
    assert np.allclose(demand.get_ydata()[1:], 5.0)  # $ bn
    record = ax.get_lines()[2]
    assert min(record.get_xdata()) == 2016  # ten published years before 2026
    assert ax.get_ylabel() == "payment [$ bn, nominal]"
    assert ax.get_ylim()[0] == 0
    # the record/projection boundary: a dotted vertical line after the last published year
    boundary = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert boundary and boundary[0].get_xdata()[0] == 2026.5
    assert [t.get_text() for t in ax.texts] == ["record | projection"]


def test_payment_curves_in_real_won(projection):
    ax = sma.plot.payment_curves(projection, currency="krw", real=True, show_record=False)
    assert ax.get_ylabel() == "payment [₩ tn, 2025 prices]"
    assert [line.get_label() for line in ax.get_lines()] == ["status quo", "demand $5bn"]


def test_bad_currency(projection):
    with pytest.raises(ValueError, match="currency must be 'KRW' or 'USD', not 'EUR'"):
        sma.plot.payment_curves(projection, currency="EUR")


def test_comparison_bars_difference():
    comparison = sma.compare([sma.presets.get("status-quo"), sma.presets.get("demand-5b")])
    ax = sma.plot.comparison_bars(comparison, currency="USD", difference=True)
    widths = [patch.get_width() for patch in ax.patches]
    assert widths[0] == 0
    assert widths[1] == pytest.approx(comparison.summary().loc["demand $5bn", "difference_usd"] / 1e9)
    assert "difference from status quo, 2026-2035 [$ bn, nominal]" == ax.get_xlabel()


def test_history_draws_every_published_year_and_every_sma():
    ax = sma.plot.history()
    bars, hatched = ax.containers
    assert hatched.get_label() == "not published: the rule's value"
    years = sorted(round(p.get_x() + p.get_width() / 2) for p in bars)
    # USD: 1991-2004 as published, 2005-2025 converted; 2023-2024 unpublished, 2026 has no rate yet
    assert years == [y for y in range(1991, 2026) if y not in (2023, 2024)]
    assert sorted(round(p.get_x() + p.get_width() / 2) for p in hatched) == [2023, 2024]
    heights = {round(p.get_x() + p.get_width() / 2): p.get_height() for p in bars}
    assert heights[1991] == pytest.approx(0.150)
    assert heights[2021] == pytest.approx(1183.3 / 1144.6)
    assert [t.get_text() for t in ax.texts if t.get_text().isdigit()] == [str(n) for n in range(1, 13)]
    annotations = [t.get_text() for t in ax.texts if not t.get_text().isdigit()]
    assert annotations == ["US demands ~$5bn", "no deal: paid at 2019 level", "+13.9%"]
    assert ax.get_xlim()[1] == 2030.5


def _segments_cross(a, b):
    (p1, p2), (p3, p4) = a, b

    def side(p, q, r):
        return np.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]))

    return side(p1, p2, p3) != side(p1, p2, p4) and side(p3, p4, p1) != side(p3, p4, p2)


def test_history_is_readable_with_a_projection_to_2035():
    """Issue 14: the x-axis fits the projection, the ordinals stay clear of the title, no lines cross."""
    proj = sma.project(sma.presets.get("status-quo"))
    ax = sma.plot.history(projection=proj)
    ax.set_title("a title")
    assert ax.get_xlim()[1] == 2035.5
    line = ax.get_lines()[0]
    assert max(line.get_ydata()) < ax.get_ylim()[1]
    ordinals = [t for t in ax.texts if t.get_text().isdigit()]
    assert all(t.get_position()[1] < 1 and t.get_va() == "top" for t in ordinals)
    ax.figure.canvas.draw()
    lines = [(a.xy, a.xyann) for a in ax.texts if isinstance(a, matplotlib.text.Annotation)]
    assert len(lines) == 3
    assert not any(_segments_cross(a, b) for i, a in enumerate(lines) for b in lines[i + 1 :])
    title = ax.title.get_window_extent()
    assert not any(t.get_window_extent().overlaps(title) for t in ordinals)


def test_history_with_a_projection_in_won():
    proj = sma.project(sma.presets.get("status-quo"))
    ax = sma.plot.history(currency="KRW", projection=proj, annotate=False)
    line = ax.get_lines()[0]
    assert line.get_linestyle() == "--"
    assert list(line.get_xdata()) == list(range(2026, 2036))
    assert ax.get_ylabel() == "payment [₩ tn, nominal]"


def test_the_style_is_applied_in_a_context_only():
    before = dict(plt.rcParams)
    ax = sma.plot.history()
    assert ax.figure.get_facecolor() == (1.0, 1.0, 1.0, 1.0)
    assert not ax.spines["top"].get_visible()
    assert dict(plt.rcParams) == before


@pytest.fixture(scope="module")
def monte_carlo():
    return sma.monte_carlo(
        sma.presets.get("demand-5b"),
        n=4000,
        rng=3,
        uncertainties={"usd_krw": sma.Normal(mean=1400.0, sd=100.0)},
    )


def test_fan_chart_bands_median_and_baseline(monte_carlo):
    baseline = sma.project(sma.presets.get("demand-5b"))
    ax = monte_carlo.plot(baseline=baseline)
    bands = ax.collections
    assert [b.get_label() for b in bands] == ["5th-95th percentile", "25th-75th percentile"]
    median, central = ax.get_lines()[:2]
    assert median.get_label() == "median"
    # $5bn fixed in dollars at ~N(1400, 100) won: the median is ~₩7.0tn from 2027
    assert np.allclose(median.get_ydata()[1:], 7.0, atol=0.05)
    assert central.get_linestyle() == "--"
    # in 2030 the 5-95 band spans 5bn x 2 x 1.645 x 100 won = ₩1.645tn
    path = bands[0].get_paths()[0].vertices
    at_2030 = path[np.isclose(path[:, 0], 2030), 1]
    assert np.ptp(at_2030) == pytest.approx(1.645, abs=0.1)
    assert ax.get_ylabel() == "payment [₩ tn, nominal]"


def test_sweep_heatmap_grid_and_contours():
    result = sma.sweep(
        sma.presets.get("status-quo"),
        {"agreements[0].escalation.cap": [0.02, 0.03, 0.04], "assumptions.cpi": [0.01, 0.02, 0.03, 0.04]},
    )
    ax = result.plot(thresholds=[17e12])
    mesh = ax.collections[0]
    assert mesh.get_array().shape == (4, 3)  # CPI values (rows) x caps (columns)
    frame = result.frame
    corner = frame.loc[
        (frame["agreements[0].escalation.cap"] == 0.04) & (frame["assumptions.cpi"] == 0.04), "total_krw"
    ].iloc[0]
    assert mesh.get_array()[3, 2] == pytest.approx(corner / 1e12)
    assert ax.get_xlabel() == "agreements[0].escalation.cap"
    assert len(ax.collections) >= 2  # the contour at ₩17tn
    assert ax.figure.axes[-1].get_ylabel() == "total krw [₩ tn]"


def test_tornado_bars_start_at_the_base():
    data = sma.one_at_a_time(
        sma.presets.get("status-quo"),
        {"assumptions.cpi": (0.0, 0.06), "agreements[0].escalation.cap": (0.01, 0.07)},
    )
    ax = data.plot()  # the tornado, labelled with the outcome one_at_a_time measured
    data = data.frame
    base = data["outcome_base"].iloc[0] / 1e12
    lows, highs = ax.containers
    assert [bar.get_x() for bar in lows] == pytest.approx([base, base])
    assert lows[0].get_width() == pytest.approx(data["outcome_low"].iloc[0] / 1e12 - base)
    assert highs[0].get_width() == pytest.approx(data["outcome_high"].iloc[0] / 1e12 - base)
    assert [t.get_text() for t in ax.get_yticklabels()] == data["parameter"].tolist()
    assert ax.get_xlabel() == "total krw [₩ tn]"


def test_sobol_bars():
    pytest.importorskip("SALib")
    data = sma.sobol(
        sma.presets.get("status-quo"),
        {"assumptions.cpi": (0.0, 0.06), "assumptions.usd_krw": (1200, 1600)},
        n=64,
        rng=2,
        outcomes=("total_krw",),
    )
    ax = data.plot()
    assert isinstance(data, sma.SobolIndices)
    from matplotlib.container import BarContainer

    s1, st = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert len(s1) == 2 and len(st) == 2
    assert [t.get_text() for t in ax.get_xticklabels()] == ["assumptions.cpi", "assumptions.usd_krw"]
    # the won amount does not depend on the exchange rate: no variance from it
    assert st[1].get_height() == pytest.approx(0.0, abs=1e-9)
