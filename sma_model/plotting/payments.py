"""Payment curves of a projection and total bars of a comparison."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sma_model.errors import SMAModelError
from sma_model.plotting.style import new_axes, styled, whole_years
from sma_model.record.payments import payment_series, payments
from sma_model.units import payment_column, plot_unit

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from sma_model.analysis.comparison import Comparison
    from sma_model.analysis.projection import Projection

__all__ = ["comparison_bars", "payment_curves"]


@styled
def payment_curves(
    projection: Projection,
    ax: Axes | None = None,
    currency: str = "KRW",
    real: bool = False,
    show_record: bool = True,
    record_years: int = 10,
    **line_kwargs: Any,
) -> Axes:
    """Yearly payments of each scenario, with the published record drawn in.

    Parameters
    ----------
    projection
        The result of :func:`sma_model.project`.
    ax
        Axes to draw on; a new figure if None.
    currency
        ``"KRW"`` (in ₩ tn) or ``"USD"`` (in $ bn).
    real
        Plot constant-price amounts (``projection.price_base_year`` prices).
    show_record
        Draw the published payments (nominal, in ``currency``; converted at the
        year's average rate where published in the other currency) and mark the last
        published year with a dotted vertical line.
    **line_kwargs
        Passed to ``Axes.plot`` for every scenario line.

    Returns
    -------
    matplotlib.axes.Axes
    """
    currency, scale, unit = plot_unit(currency)
    column = payment_column(projection.frame, currency, real, projection.notes)
    ax = new_axes(ax)
    for name in projection.names:
        rows = projection.scenario(name)
        ax.plot(rows["year"], rows[column] / scale, label=name, **line_kwargs)
    if show_record:
        record = payment_series(currency)
        years = projection.frame["year"]
        shown = record[record.index >= int(years.min()) - record_years]
        if len(shown):
            ax.plot(
                shown.index,
                shown.to_numpy() / scale,
                color="0.2",
                linestyle="none",
                marker="o",
                markersize=3.5,
                label="published",
                zorder=3,
            )
            published = payments().dropna(subset=["payment_krw", "payment_usd"], how="all")
            last = int(published["year"].max())
            ax.axvline(last + 0.5, color="0.5", linestyle=":", linewidth=1)
            ax.annotate(
                "record | projection",
                xy=(last + 0.5, 0.02),
                xycoords=("data", "axes fraction"),
                ha="center",
                va="bottom",
                fontsize=8,
                color="0.4",
            )
    price = f"{projection.price_base_year} prices" if real else "nominal"
    ax.set_ylabel(f"payment [{unit}, {price}]")
    ax.set_xlabel("year")
    ax.set_ylim(bottom=0)
    left, _ = ax.get_xlim()
    projected_years = projection.frame["year"]
    ax.set_xlim(min(left, float(np.min(projected_years)) - 0.5), float(np.max(projected_years)) + 0.5)
    whole_years(ax)
    ax.legend(loc="upper left")
    return ax


@styled
def comparison_bars(
    comparison: Comparison,
    ax: Axes | None = None,
    currency: str = "KRW",
    difference: bool = False,
    **bar_kwargs: Any,
) -> Axes:
    """Total payments over the compared years per scenario, or their differences from the baseline.

    Parameters
    ----------
    comparison
        The result of :func:`sma_model.compare`.
    ax
        Axes to draw on; a new figure if None.
    currency
        ``"KRW"`` (₩ tn) or ``"USD"`` ($ bn).
    difference
        Draw each total minus the baseline's instead of the totals.
    **bar_kwargs
        Passed to ``Axes.barh``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    currency, scale, unit = plot_unit(currency)
    column = ("difference_" if difference else "total_") + currency.lower()
    summary = comparison.summary()
    if column not in summary or summary[column].isna().any():
        raise SMAModelError(f"{column} is not known for every scenario: {'; '.join(comparison.notes)}")
    values = summary[column] / scale
    ax = new_axes(ax)
    colors = ["0.55" if name == comparison.baseline else f"C{i}" for i, name in enumerate(values.index)]
    bars = ax.barh(list(values.index), values.to_numpy(), color=colors, **bar_kwargs)
    ax.bar_label(bars, fmt="{:,.1f}", padding=3, fontsize=8)
    ax.invert_yaxis()
    years = comparison.frame["year"]
    what = "difference from " + comparison.baseline if difference else "total"
    ax.set_xlabel(f"{what}, {int(years.min())}-{int(years.max())} [{unit}, nominal]")
    ax.axvline(0, color="0.3", linewidth=0.8)
    ax.grid(axis="y", visible=False)
    return ax
