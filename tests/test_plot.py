"""Plots: what is drawn, not just that nothing raises."""

from __future__ import annotations

import matplotlib.pyplot as plt
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
