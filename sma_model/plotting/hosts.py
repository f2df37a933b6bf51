"""Hosts side by side: what Korea and Japan pay in dollars, per US soldier and as a share of their budgets.

Takes the tidy frame of :func:`~sma_model.analysis.hosts.compare_hosts` (or a projection's
frame with a ``host`` column), never the result object.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sma_model.errors import SMAModelError
from sma_model.plotting.style import new_axes, styled, whole_years
from sma_model.units import either

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["HOST_MEASURES", "host_comparison"]

#: What :func:`host_comparison` can draw: column → (scale, axis label in words with its unit).
HOST_MEASURES = {
    "payment_usd": (1e9, "payment [$ bn]"),
    "usd_per_troop": (1e3, "payment per US soldier [$ thousand]"),
    "share_of_defense_budget": (1e-2, "share of the host's defense budget [%]"),
}


@styled
def host_comparison(frame: pd.DataFrame, measure: str = "usd_per_troop", ax: Axes | None = None) -> Axes:
    """One line per scenario (and host) for a measure every host shares, on one axis.

    Parameters
    ----------
    frame
        Rows ``host, scenario, year, fiscal_year`` and the measure, as
        :func:`~sma_model.analysis.hosts.compare_hosts` makes them.
    measure
        ``"payment_usd"`` [$ bn], ``"usd_per_troop"`` [$ thousand per US soldier] or
        ``"share_of_defense_budget"`` [% of the host's own defense budget].
    ax
        Axes to draw on; a new figure if None.

    Returns
    -------
    matplotlib.axes.Axes
        A dotted vertical line in each line's colour marks the last year its scenario's
        agreements cover (later years follow ``after_expiry``); a footnote says which hosts count
        in fiscal years (Japan: April-March, labelled by the year it starts in).

    Raises
    ------
    SMAModelError
        ``measure`` is not one of :data:`HOST_MEASURES`, or the frame lacks it (the
        message says which inputs would give it).
    """
    if measure not in HOST_MEASURES:
        raise SMAModelError(f"measure must be {either(list(HOST_MEASURES))}, not {measure!r}")
    if measure not in frame or not np.isfinite(frame[measure].to_numpy(dtype=float, na_value=np.nan)).any():
        raise SMAModelError(
            f"the frame has no {measure}; give each scenario the assumption it needs "
            "(troops for usd_per_troop, defense_budget_growth for share_of_defense_budget)"
        )
    scale, label = HOST_MEASURES[measure]
    ax = new_axes(ax)
    for i, (name, rows) in enumerate(frame.groupby("scenario", sort=False)):
        rows = rows.sort_values("year")
        values = rows[measure].to_numpy(dtype=float, na_value=np.nan) / scale
        host = str(rows["host"].iloc[0])
        (line,) = ax.plot(rows["year"], values, marker=".", label=f"{name} ({host.title()})", color=f"C{i}")
        covered = rows.loc[~rows["agreement"].astype(str).str.startswith("after "), "year"]
        if len(covered) and int(covered.max()) < int(rows["year"].max()):
            ax.axvline(int(covered.max()) + 0.5, color=line.get_color(), linestyle=":", linewidth=1)
    ax.set_xlabel("year (fiscal year for hosts whose year is not the calendar's)")
    ax.set_ylabel(label)
    ax.set_ylim(bottom=0, top=ax.get_ylim()[1] * 1.15)
    ax.legend(loc="upper left", fontsize=8)
    whole_years(ax)
    fiscal = sorted(
        {f"{h.title()}'s, {y}" for h, y in zip(frame["host"], frame["fiscal_year"]) if y != "calendar"}
    )
    note = f"Fiscal years: {'; '.join(fiscal)}, labelled by the year they start in. " if fiscal else ""
    ax.annotate(
        f"{note}Dotted: the last year a scenario's agreements cover; later years roll them over.",
        xy=(0, 0),
        xycoords="axes fraction",
        xytext=(0, -32),
        textcoords="offset points",
        fontsize=7,
        color="0.35",
        va="top",
    )
    return ax
