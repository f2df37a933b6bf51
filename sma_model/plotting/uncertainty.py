"""Plots of uncertainty: fan charts of yearly payments across Monte Carlo samples."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sma_model.plotting.style import new_axes, styled, whole_years
from sma_model.units import plot_unit

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from sma_model.analysis.projection import Projection
    from sma_model.sweeps.results import SweepResult

__all__ = ["fan_chart"]


@styled
def fan_chart(
    result: SweepResult,
    ax: Axes | None = None,
    bands: Sequence[tuple[float, float]] = ((5, 95), (25, 75)),
    baseline: Projection | None = None,
    label: str = "median",
) -> Axes:
    """Percentile bands of yearly payments across Monte Carlo (or sweep) samples.

    Parameters
    ----------
    result
        A :class:`~sma_model.sweeps.results.MonteCarloResult` (or sweep result) kept with
        ``keep="paths"`` or ``keep="stats"``.
    ax
        Axes to draw on; a new figure if None.
    bands
        Percentile pairs, outermost first; each is shaded, inner ones darker.
    baseline
        A projection whose first scenario is drawn on top (the central case): dashed,
        narrower than the median and marked at each year, so it shows where they coincide.
    label
        Legend label of the median line.

    Returns
    -------
    matplotlib.axes.Axes
        The payment axis fits the data (with a small margin), not from zero.
    """
    currency, scale, unit = plot_unit(result.currency)
    wanted = sorted({q for band in bands for q in band} | {50})
    table = result.percentiles(wanted) / scale
    years = table.index.to_numpy()
    ax = new_axes(ax)
    for i, (low, high) in enumerate(bands):
        ax.fill_between(
            years,
            table[f"p{low:g}"],
            table[f"p{high:g}"],
            color="C0",
            alpha=0.18 + 0.17 * i,
            linewidth=0,
            label=f"{low:g}th-{high:g}th percentile",
        )
    # the median is wide and solid, the central case narrow, dashed and marked at each year:
    # the two often coincide (the central case is the median of symmetric shocks), and both show
    ax.plot(years, table["p50"], color="C0", linewidth=3.2, label=label)
    if baseline is not None:
        rows = baseline.scenario(baseline.names[0])
        ax.plot(
            rows["year"],
            rows[f"payment_{currency.lower()}"] / scale,
            color="C1",
            linestyle="--",
            linewidth=1.4,
            marker="o",
            markersize=4,
            label=baseline.names[0],
        )
    ax.set_ylabel(f"payment [{unit}, nominal]")
    ax.set_xlabel("year")
    # fitted to the data (bands, median, baseline), not from zero: the spread is what matters
    ax.relim()
    ax.autoscale_view()
    whole_years(ax)
    ax.legend(loc="upper left")
    return ax
