"""The record since 1991: every published payment, each SMA's years shaded and named."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sma_model.plotting.style import new_axes, styled, whole_years
from sma_model.record.agreements import agreement_records
from sma_model.record.payments import payment_series
from sma_model.units import plot_unit

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from sma_model.analysis.projection import Projection

__all__ = ["EVENTS", "history"]


#: Events marked on :func:`history`: (year, label). Sources: the ~$5bn demand for 2020,
#: Yonhap, 2020-04-14; 2020 paid at the 2019 level with no deal until the 11th SMA, MND
#: Defense White Paper 2022, Figure 5-1 (₩1,038.9bn in 2019 and 2020); +13.9 % in 2021,
#: MOFA release of 2021-03-10.
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
        Bars for published years; hatched bars for the record's derived years (no
        published figure; the value their agreement's rule gives, ``status="derived"`` in
        :func:`sma_model.record.payments`: 2023 and 2024).
    """
    currency, scale, unit = plot_unit(currency)
    ax = new_axes(ax)
    published = payment_series(currency)
    ax.bar(published.index, published.to_numpy() / scale, color="C0", width=0.8, label="published")
    # derived years (2023, 2024: the 11th SMA's rule, no published figure) are hatched
    with_derived = payment_series(currency, derived=True)
    missing = with_derived.drop(published.index, errors="ignore")
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
    last_year = max(int(published.index.max()), max(r.end_year for r in agreement_records()))
    top = max(published.max(), missing.max() if len(missing) else 0) / scale
    if projection is not None:
        rows = projection.scenario(projection.names[0])
        column = f"payment_{currency.lower()}"
        drawn = rows[column].to_numpy(dtype=float) / scale
        ax.plot(rows["year"], drawn, linestyle="--", color="C1", label=projection.names[0])
        top = max(top, float(np.nanmax(drawn)))
        last_year = max(last_year, int(rows["year"].max()))
    for i, r in enumerate(agreement_records()):
        ax.axvspan(r.start_year - 0.5, r.end_year + 0.5, color="0.5", alpha=0.07 if i % 2 else 0.16, lw=0)
        # the ordinals sit inside the top of the axes, so they never meet the title
        ax.text(
            (r.start_year + r.end_year) / 2,
            0.985,
            str(r.ordinal),
            ha="center",
            va="top",
            fontsize=8,
            color="0.35",
            transform=ax.get_xaxis_transform(),
        )
    if annotate:
        _annotate_events(ax, published / scale, top)
    ax.set_ylim(0, top * 1.45)
    ax.set_xlim(1990.5, last_year + 0.5)
    whole_years(ax)
    ax.set_ylabel(f"payment [{unit}, nominal]")
    ax.set_xlabel("year (shaded: the 1st to 12th SMA)")
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, 0.94))  # below the ordinals
    return ax


def _annotate_events(ax: Axes, published: pd.Series, top: float) -> None:
    """Label :data:`EVENTS` in a stair above their bars: later events higher and further right.

    Each label ends just left of its year and its line drops from the label's end to that year's bar, so no
    line crosses another label or line.
    """
    for k, (year, label) in enumerate(sorted(EVENTS)):
        value = published.get(year, np.nan)
        if np.isfinite(value):
            ax.annotate(
                label,
                xy=(year, value),
                xytext=(year - 0.6, top * (1.1 + 0.09 * k)),
                ha="right",
                va="center",
                fontsize=8,
                arrowprops={
                    "arrowstyle": "-",
                    "color": "0.4",
                    "lw": 0.8,
                    "shrinkA": 1,
                    "shrinkB": 2,
                    "relpos": (1.0, 0.5),
                },
            )
