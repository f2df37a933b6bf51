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
    log: bool = False,
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
    record_years
        How many published years before the projection to draw.
    log
        A logarithmic payment axis, fitted to the data: equal steps are equal growth
        rates, so a $5bn or $10bn demand does not flatten the status quo and a 13.9 %
        rise at the bottom of the chart. Ticks read as plain amounts (1, 2, 5, 10).
        Default a linear axis from zero.
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
    ax.set_ylabel(f"payment [{unit}, {price}]" + (", log scale" if log else ""))
    ax.set_xlabel("year")
    if log:
        _log_axis(ax)
    else:
        ax.set_ylim(bottom=0)
    left, _ = ax.get_xlim()
    projected_years = projection.frame["year"]
    ax.set_xlim(min(left, float(np.min(projected_years)) - 0.5), float(np.max(projected_years)) + 0.5)
    whole_years(ax)
    ax.legend(loc="upper left")
    return ax


def _log_axis(ax: Axes) -> None:
    """A log y axis fitted to the drawn lines, ticked at 1, 1.5, 2, 3, 5, 7 x 10^n written out plainly."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

    drawn = [line for line in ax.get_lines() if line.get_transform() == ax.transData]  # not the boundary
    values = np.concatenate([np.asarray(line.get_ydata(), dtype=float) for line in drawn] or [np.empty(0)])
    values = values[np.isfinite(values) & (values > 0)]
    ax.set_yscale("log")
    if not len(values):
        return
    low, high = float(values.min()), float(values.max())
    bottom, top = low / 1.15, high * 1.15
    ax.set_ylim(bottom, top)
    decades = np.arange(np.floor(np.log10(bottom)), np.ceil(np.log10(top)) + 1)
    ticks = [m * 10**d for d in decades for m in (1, 1.5, 2, 3, 5, 7) if bottom <= m * 10**d <= top]
    if len(ticks) < 3:  # a narrow range: every step
        ticks = [m * 10**d for d in decades for m in range(1, 10) if bottom <= m * 10**d <= top]
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.3g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())


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
