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
