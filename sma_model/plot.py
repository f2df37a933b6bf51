"""Plots. Each function takes data or results and ``ax=None``, returns the Axes, and never
calls ``plt.show()``.

All of them draw in the package's style (``sma_model/styles/sma.mplstyle``: opaque white
backgrounds that read on dark notebook themes, a colour-blind-safe cycle), applied in a
context so the user's global settings are left alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.ticker import MaxNLocator

from sma_model.errors import SMAModelError
from sma_model.plot_style import STYLE, currency_unit, new_axes, styled
from sma_model.results import payment_column
from sma_model.sensitivity_plots import fan_chart, sobol_bars, sweep_heatmap, tornado

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from sma_model.comparison import Comparison
    from sma_model.results import Projection

__all__ = [
    "STYLE",
    "comparison_bars",
    "fan_chart",
    "history",
    "payment_curves",
    "sobol_bars",
    "sweep_heatmap",
    "tornado",
]


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
    from sma_model import history

    currency, scale, unit = currency_unit(currency)
    column = payment_column(projection.frame, currency, real, projection.notes)
    ax = new_axes(ax)
    for name in projection.names:
        rows = projection.scenario(name)
        ax.plot(rows["year"], rows[column] / scale, label=name, **line_kwargs)
    if show_record:
        record = history.payment_series(currency)
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
            published = history.payments().dropna(subset=["payment_krw", "payment_usd"], how="all")
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
    first, last = ax.get_xlim()
    years = projection.frame["year"]
    ax.set_xlim(min(first, float(np.min(years)) - 0.5), float(np.max(years)) + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
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
    currency, scale, unit = currency_unit(currency)
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


#: Events marked on :func:`history`: (year, label). Sources: DOMAIN.md (Yonhap 2020-04-14;
#: MOFA 2021-03-10).
EVENTS = (
    (2019, "US demands ~$5bn"),
    (2020, "no deal: paid at 2019 level"),
    (2021, "+13.9%"),
)


@styled
def history(
    ax: Axes | None = None,
    currency: str = "USD",
    projection: Projection | None = None,
    annotate: bool = True,
) -> Axes:
    """Every published yearly payment since 1991, each SMA's years shaded and named.

    Parameters
    ----------
    ax
        Axes to draw on; a new figure if None.
    currency
        ``"USD"`` (the default: the only currency every year can be shown in, converting
        won at each year's average rate from 2005) or ``"KRW"`` (from 2005).
    projection
        Optionally, a projection whose first scenario is drawn on top as a dashed line.
    annotate
        Mark the events of :data:`EVENTS`.

    Returns
    -------
    matplotlib.axes.Axes
        Bars for published years; hatched bars for years with no published figure, at
        the value their agreement's rule gives (2023 and 2024).
    """
    from sma_model import history as record

    currency, scale, unit = currency_unit(currency)
    ax = new_axes(ax)
    published = record.payment_series(currency)
    ax.bar(published.index, published.to_numpy() / scale, color="C0", width=0.8, label="published")
    missing = _rule_filled_gaps(currency)
    if len(missing):
        ax.bar(
            missing.index,
            missing.to_numpy() / scale,
            width=0.8,
            color="white",
            edgecolor="C0",
            hatch="///",
            label="not published: the rule's value",
        )
    top = max(published.max(), missing.max() if len(missing) else 0) / scale
    for i, r in enumerate(record.agreement_records()):
        ax.axvspan(r.start_year - 0.5, r.end_year + 0.5, color="0.5", alpha=0.07 if i % 2 else 0.16, lw=0)
        ax.text(
            (r.start_year + r.end_year) / 2,
            1.01,
            str(r.ordinal),
            ha="center",
            va="bottom",
            fontsize=8,
            color="0.35",
            transform=ax.get_xaxis_transform(),
        )
    if projection is not None:
        rows = projection.scenario(projection.names[0])
        column = f"payment_{currency.lower()}"
        ax.plot(rows["year"], rows[column] / scale, linestyle="--", color="C1", label=projection.names[0])
    if annotate:
        for k, (year, label) in enumerate(EVENTS):
            value = published.get(year, np.nan) / scale
            if np.isfinite(value):
                ax.annotate(
                    label,
                    xy=(year, value),
                    xytext=(2004, top * (1.08 + 0.1 * k)),
                    fontsize=8,
                    va="center",
                    arrowprops={"arrowstyle": "-", "color": "0.4", "lw": 0.8, "shrinkB": 2},
                )
    ax.set_ylim(0, top * 1.4)
    ax.set_xlim(1990.5, max(2030, int(published.index.max())) + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(f"payment [{unit}, nominal]")
    ax.set_xlabel("year (shaded: the 1st to 12th SMA)")
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper left")
    return ax


def _rule_filled_gaps(currency: str) -> Any:
    """Years inside a modelled agreement with no published amount, valued by the agreement's rule."""
    import pandas as pd

    from sma_model import history as record
    from sma_model.engine import project
    from sma_model.scenario import Scenario

    payments = record.payments()
    gaps = payments.loc[payments["payment_krw"].isna() & payments["payment_usd"].isna(), "year"]
    values = {}
    for r in record.agreement_records():
        years = [int(y) for y in gaps if r.start_year <= y <= r.end_year]
        if not years or not r.modelled:
            continue
        frame = project(Scenario(name=r.name, agreements=[r.agreement()], horizon=max(years))).frame
        column = f"payment_{currency.lower()}"
        if column in frame:
            values.update(frame.set_index("year").loc[years, column].to_dict())
    return pd.Series(values, dtype=float)
