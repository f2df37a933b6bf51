"""Plots: what is drawn, not just that nothing raises."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.text
import numpy as np
import pandas as pd
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


def test_fan_chart_fits_its_axis_to_the_data(monte_carlo):
    """Issue 14: payments near ₩7tn are not drawn on an axis from 0."""
    ax = monte_carlo.plot()
    low, high = ax.get_ylim()
    table = monte_carlo.percentiles([5, 95]) / 1e12
    data_low, data_high = table.to_numpy().min(), table.to_numpy().max()
    assert low <= data_low and high >= data_high
    span = data_high - data_low
    assert data_low - low < 0.2 * span and high - data_high < 0.2 * span
    assert low > 1.0


def test_payment_curves_on_a_log_scale():
    """Issue 14: $5bn demands do not flatten the status quo and the 13.9 % rise."""
    names = ["status-quo", "rise-13.9", "demand-5b"]
    ax = sma.project([sma.presets.get(n) for n in names]).plot(currency="USD", log=True)
    assert ax.get_yscale() == "log"
    assert ax.get_ylabel() == "payment [$ bn, nominal], log scale"
    drawn = np.concatenate([line.get_ydata() for line in ax.get_lines()[:4]])
    low, high = ax.get_ylim()
    assert drawn.min() / 1.2 < low < drawn.min() and drawn.max() < high < drawn.max() * 1.2
    ax.figure.canvas.draw()
    ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert ticks == ["1", "1.5", "2", "3", "5"]
    # status quo and the 13.9 % rise in 2035 are apart on the page: more than a tenth of the height
    status_quo, rise = (ax.get_lines()[i].get_ydata()[-1] for i in (0, 1))
    assert (np.log(rise) - np.log(status_quo)) / (np.log(high) - np.log(low)) > 0.05


def test_labels_in_words():
    from sma_model.model.parameters import describe_path
    from sma_model.units import outcome_label

    status_quo = sma.presets.get("status-quo")
    assert describe_path("agreements[0].escalation.cap", status_quo) == "cap on the 12th SMA's rise"
    assert (
        describe_path("agreements[0].escalation.cap", status_quo.model_dump()) == "cap on the 12th SMA's rise"
    )
    assert describe_path("agreements[0].escalation.cap") == "cap on agreement 1's rise"
    assert describe_path("assumptions.cpi") == "ROK CPI inflation"
    assert describe_path("assumptions.usd_krw") == "won per dollar"
    assert describe_path("assumptions.cpi[2030]") == "ROK CPI inflation in 2030"
    assert describe_path("no.such[path") == "no.such[path"
    assert outcome_label("final_payment_usd") == "final-year payment [$ bn]"
    assert outcome_label("total_krw") == "total payment [₩ tn]"
    assert outcome_label("payment_usd", 2030) == "payment in 2030 [$ bn]"


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
    assert len(ax.collections) >= 2  # the contour at ₩17tn
    # issue 14: axes and colour bar in words, with the scenario's own agreement name; rates in percent
    ax = result.plot(x="agreements[0].escalation.cap", y="assumptions.cpi")
    assert ax.get_xlabel() == "cap on the 12th SMA's rise [%]"
    assert ax.get_ylabel() == "ROK CPI inflation [%]"
    assert ax.figure.axes[-1].get_ylabel() == "total payment [₩ tn]"
    ax.figure.canvas.draw()
    ticks = {t.get_text() for t in ax.get_xticklabels() if t.get_text()}
    assert {"2", "3", "4"} <= ticks and not any("." in t and len(t) > 4 for t in ticks)


def test_tornado_bars_start_at_the_base():
    data = sma.one_at_a_time(
        sma.presets.get("status-quo"),
        {"assumptions.cpi": (0.0, 0.06), "agreements[0].escalation.cap": (0.01, 0.07)},
    )
    ax = data.plot()  # the tornado, labelled with the outcome one_at_a_time measured
    named = sma.plot.tornado(data)  # the result carries its scenario: the agreement's own name
    data = data.frame
    base = data["outcome_base"].iloc[0] / 1e12
    lows, highs = ax.containers
    assert [bar.get_x() for bar in lows] == pytest.approx([base, base])
    assert lows[0].get_width() == pytest.approx(data["outcome_low"].iloc[0] / 1e12 - base)
    assert highs[0].get_width() == pytest.approx(data["outcome_high"].iloc[0] / 1e12 - base)
    # issue 14: parameters in words, values of rates in percent
    labels = {
        "assumptions.cpi": "ROK CPI inflation",
        "agreements[0].escalation.cap": "cap on the 12th SMA's rise",
    }
    assert [t.get_text() for t in named.get_yticklabels()] == [labels[p] for p in data["parameter"]]
    assert ax.get_xlabel() == "total payment [₩ tn]"
    assert {"0 %", "6 %", "1 %", "7 %"} <= {t.get_text() for t in ax.texts}
    # a bare frame has no scenario: a generic agreement name (what data.plot() shows until
    # OneAtATime.plot passes itself rather than its frame)
    bare = sma.plot.tornado(data, outcome="final_payment_usd")
    assert "cap on agreement 1's rise" in [t.get_text() for t in bare.get_yticklabels()]
    assert bare.get_xlabel() == "final-year payment [$ bn]"


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
    assert [t.get_text() for t in ax.get_xticklabels()] == ["ROK CPI inflation", "won per dollar"]
    assert ax.get_title() == "total payment [₩ tn]"
    # the won amount does not depend on the exchange rate: no variance from it
    assert st[1].get_height() == pytest.approx(0.0, abs=1e-9)


def test_a_tornado_from_its_result_names_the_agreements_in_words():
    result = sma.one_at_a_time(
        sma.presets.get("status-quo"),
        {"agreements[0].escalation.cap": (0.02, 0.05), "assumptions.cpi": (0.0, 0.05)},
        outcome="final_payment_usd",
    )
    labels = [t.get_text() for t in result.plot().get_yticklabels()]
    assert labels == ["ROK CPI inflation", "cap on the 12th SMA's rise"]


def test_a_tornados_value_labels_stay_inside_its_axes():
    # the notebook's tornado: the "0 %" beside the widest bar ran over the axis and its label
    result = sma.one_at_a_time(
        sma.presets.get("status-quo"),
        {
            "assumptions.cpi": (0.0, 0.05),
            "agreements[0].escalation.cap": (0.02, 0.05),
            "assumptions.usd_krw": (1200.0, 1600.0),
        },
        outcome="final_payment_usd",
    )
    ax = sma.plot.tornado(result, outcome="final_payment_usd")
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    labels = [t for t in ax.texts if t.get_text()]
    assert {t.get_text() for t in labels} == {"0 %", "5 %", "2 %", "1,200", "1,600"}
    for text in labels:  # clear of either edge by at least a character's width (8 pt text)
        box = text.get_window_extent(renderer)
        assert box.x0 - frame.x0 >= 8 and frame.x1 - box.x1 >= 8, text.get_text()


def test_a_tornado_of_a_frame_without_its_columns_is_the_packages_error():
    with pytest.raises(sma.MissingColumnError, match="outcome_base"):
        sma.plot.tornado(pd.DataFrame({"parameter": ["x"], "low": [0.0], "high": [1.0]}))
