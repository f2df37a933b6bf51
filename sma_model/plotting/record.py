"""The record since 1991: every published payment, each SMA's years shaded and named."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from sma_model.engine.compile import compile_plan
from sma_model.engine.run import run
from sma_model.model.scenario import Scenario
from sma_model.plotting.style import new_axes, styled
from sma_model.record.agreements import agreement_records
from sma_model.record.payments import payment_series, payments
from sma_model.units import plot_unit, to_krw, to_usd

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from sma_model.analysis.projection import Projection

__all__ = ["EVENTS", "history"]


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
    currency, scale, unit = plot_unit(currency)
    ax = new_axes(ax)
    published = payment_series(currency)
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
    for i, r in enumerate(agreement_records()):
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


def _rule_filled_gaps(currency: str) -> pd.Series:
    """Years inside a modelled agreement with no published amount, valued by the agreement's rule."""
    record = payments()
    gaps = record.loc[record["payment_krw"].isna() & record["payment_usd"].isna(), "year"]
    values: dict[int, float] = {}
    for r in agreement_records():
        years = [int(y) for y in gaps if r.start_year <= y <= r.end_year]
        if not years or not r.modelled:
            continue
        plan = compile_plan(Scenario(name=r.name, agreements=[r.agreement()], horizon=max(years)))
        rows = np.searchsorted(plan.years, years)
        native = run(plan)[rows, 0]
        convert = to_krw if currency == "KRW" else to_usd
        amounts = convert(native, plan.usd[rows, 0], plan.usd_krw[rows, 0])
        values.update({y: float(v) for y, v in zip(years, amounts) if np.isfinite(v)})
    return pd.Series(values, dtype=float)
