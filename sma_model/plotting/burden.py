"""Plots of the whole burden: the SMA's composition as a stacked area, and the burden ratios.

Both take the tidy frames of :class:`~sma_model.analysis.burden.Burden` (or
:func:`~sma_model.analysis.composition.record_composition`), never the result object.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sma_model.errors import SMAModelError
from sma_model.plotting.style import new_axes, styled, whole_years
from sma_model.units import plot_unit

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["composition_area", "ratio_panels"]

_PARTS = (
    ("labor", "Korean workers' labor (cash)"),
    ("construction", "construction (88 % in kind)"),
    ("logistics", "logistics (in kind)"),
)


def _one_scenario(
    frame: pd.DataFrame, scenario: str | None, keep: tuple[str, ...] = ()
) -> tuple[str, pd.DataFrame]:
    names = [n for n in dict.fromkeys(frame["scenario"]) if n not in keep]
    if not names:
        raise SMAModelError("the frame holds no scenario to draw")
    name = names[0] if scenario is None else scenario
    if name not in names:
        raise SMAModelError(f"no scenario {name!r} in the frame; known: {names}")
    return name, frame[frame["scenario"].isin([name, *keep])].sort_values("year")


@styled
def composition_area(composition: pd.DataFrame, scenario: str | None = None, ax: Axes | None = None) -> Axes:
    """The SMA payment stacked by category (labor, construction, logistics) over the years.

    Parameters
    ----------
    composition
        Rows as made by :func:`~sma_model.analysis.composition.project_composition`:
        ``scenario, year, labor_krw, construction_krw, logistics_krw, basis``. Rows whose
        ``scenario`` is ``"record"`` are drawn before the scenario's, with a line where
        the projection begins.
    scenario
        The scenario to draw; default the first that is not ``"record"``.
    ax
        Axes to draw on; a new figure if None.

    Returns
    -------
    matplotlib.axes.Axes
        Stacked areas [₩ tn, nominal]; dots on top of the years with a published split,
        crosses on the record's derived years (2023, 2024: no published payment); the
        labor share of the last year written at its right.
    """
    name, rows = _one_scenario(composition, scenario, keep=("record",))
    rows = rows.drop_duplicates("year", keep="last")
    _, scale, unit = plot_unit("KRW")
    ax = new_axes(ax)
    years = rows["year"].to_numpy()
    layers = [rows[f"{part}_krw"].to_numpy(dtype=float) / scale for part, _ in _PARTS]
    ax.stackplot(years, *layers, labels=[label for _, label in _PARTS], colors=["C0", "C1", "C2"], alpha=0.85)
    total = np.sum(layers, axis=0)
    published = (rows["basis"] == "published split").to_numpy()
    if published.any():
        ax.plot(years[published], total[published], "o", color="black", ms=4, label="published split")
    derived = rows["basis"].str.contains("derived", regex=False).to_numpy()
    if derived.any():
        ax.plot(
            years[derived],
            total[derived],
            "x",
            color="black",
            ms=5,
            label="payment not published (rule's value)",
        )
    recorded = (rows["scenario"] == "record").to_numpy()
    if recorded.any() and not recorded.all():
        boundary = years[recorded].max() + 0.5
        ax.axvline(boundary, color="0.3", linestyle=":", lw=1)
        ax.text(
            boundary, 0.97, f" projection: {name}", transform=ax.get_xaxis_transform(), va="top", fontsize=8
        )
    last_share = rows["labor_share"].to_numpy(dtype=float)[-1]
    if np.isfinite(last_share):
        ax.annotate(
            f"labor {last_share:.0%}",
            xy=(years[-1], layers[0][-1] / 2),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    top = np.nanmax(total) if np.isfinite(total).any() else 1.0
    ax.set_ylim(0, top * 1.25)
    ax.set_xlim(years.min() - 0.5, years.max() + 1.5)
    whole_years(ax)
    ax.set_ylabel(f"SMA payment [{unit}, nominal]")
    ax.set_xlabel("year")
    ax.legend(loc="upper left", fontsize=8)
    return ax


#: The ratio panels: (column, title, scale to the unit shown).
_PANELS = (
    ("share_of_defense_budget", "share of the ROK defense budget [%]", 100.0, "defense_budget_basis"),
    ("share_of_gdp", "share of ROK GDP [%]", 100.0, "gdp_basis"),
    ("usd_per_troop", "per US soldier in Korea [$ thousand]", 1e-3, None),
    ("share_of_us_cost", "share of DoD's cost in Korea [%]", 100.0, "us_cost_basis"),
)
_MEASURES = {"sma": ("SMA", "C0"), "total_support": ("total support", "C1")}
_TROOP_STYLES = ("-", "--", ":", "-.")


def _basis_text(rows: pd.DataFrame, column: str) -> str:
    """Consecutive years with one basis, as ``"basis first-last"`` lines."""
    parts: list[list[object]] = []
    for year, basis in zip(rows["year"], rows[column]):
        if parts and parts[-1][0] == basis:
            parts[-1][2] = year
        else:
            parts.append([basis, year, year])
    return "\n".join(f"{b or 'unknown'}: {y0}" + (f"-{y1}" if y1 != y0 else "") for b, y0, y1 in parts)


@styled
def ratio_panels(
    ratios: pd.DataFrame, scenario: str | None = None, axes: np.ndarray | None = None
) -> np.ndarray:
    """Four panels: the payment as a share of the defense budget, of GDP, of DoD's cost, and per soldier.

    Parameters
    ----------
    ratios
        :attr:`Burden.ratios <sma_model.analysis.burden.Burden>`.
    scenario
        The scenario to draw; default the first.
    axes
        Four Axes to draw on (any shape); a new 2 x 2 figure if None.

    Returns
    -------
    numpy.ndarray
        The four Axes. The SMA is blue, total support (when present) orange; per soldier,
        one line style per troop level. Each share panel says, in small print, where its
        denominator comes from year by year; a panel with no data says which input is
        missing.
    """
    import matplotlib.pyplot as plt  # matplotlib loads when drawing, not on import

    name, rows = _one_scenario(ratios, scenario)
    if axes is None:
        _, axes = plt.subplots(2, 2, figsize=(10, 6.5), layout="constrained", sharex=True)
    panels = np.asarray(axes).ravel()
    if panels.size != 4:
        raise SMAModelError(f"axes must hold four Axes, not {panels.size}")
    labels = list(dict.fromkeys(rows["troops"]))
    for ax, (column, title, scale, basis) in zip(panels, _PANELS):
        drawn = False
        for measure, (label, color) in _MEASURES.items():
            group = rows[rows["measure"] == measure]
            troops = labels if column == "usd_per_troop" else labels[:1]
            for style, level in zip(_TROOP_STYLES, troops):
                line = group[group["troops"] == level]
                values = line[column].to_numpy(dtype=float) * scale
                if not np.isfinite(values).any():
                    continue
                text = f"{label}, {level}" if column == "usd_per_troop" else label
                ax.plot(line["year"], values, style, color=color, marker=".", label=text)
                drawn = True
        first = rows[(rows["measure"] == "sma") & (rows["troops"] == labels[0])]
        if not drawn:
            missing = "; ".join(sorted({m for m in first["missing"] if m})) or "no data"
            ax.text(0.5, 0.5, f"not known: {missing}", ha="center", va="center", transform=ax.transAxes)
        elif basis is not None:
            ax.text(0.02, 0.03, _basis_text(first, basis), transform=ax.transAxes, fontsize=6.5, color="0.35")
        ax.set_title(title, fontsize=10)
        ax.set_ylim(bottom=0)
        if drawn:
            many = column == "usd_per_troop" and len(labels) > 1
            ax.set_ylim(top=ax.get_ylim()[1] * (1.5 if many else 1.1))
            ax.legend(fontsize=7, loc="upper left" if many else "best", ncol=2 if many else 1)
        whole_years(ax)
    for ax in panels[2:]:
        ax.set_xlabel("year")
    panels[0].figure.suptitle(f"The burden of the SMA: {name}", fontsize=11)
    return np.asarray(axes)
