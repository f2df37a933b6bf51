"""Plots of sweeps and sensitivity: sweep heat maps, tornados, Sobol' bars.

Like every plot of the package, each takes ``ax=None``, returns the Axes, never calls
``plt.show()`` and draws in the package style.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sma_model.errors import MissingColumnError
from sma_model.model.parameters import describe_path, is_rate_path
from sma_model.plotting.style import new_axes, styled
from sma_model.units import column_unit, outcome_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from sma_model.model.scenario import Scenario
    from sma_model.sweeps.results import SweepResult
    from sma_model.sweeps.sensitivity import OneAtATime, SobolIndices

__all__ = ["sobol_bars", "sweep_heatmap", "tornado"]


def _scenario_of(data: Any, scenario: Scenario | Mapping[str, Any] | None) -> Any:
    """The scenario whose agreement names label the paths: given, or carried in ``data.inputs``."""
    if scenario is not None:
        return scenario
    inputs = getattr(data, "inputs", None)
    return inputs.get("scenario") if isinstance(inputs, Mapping) else None


def _axis_label(path: str, scenario: Any) -> str:
    """A swept parameter in words, with ``[%]`` where its values are rates shown in percent."""
    return describe_path(path, scenario) + (" [%]" if is_rate_path(path) else "")


def _value_text(path: str, value: float) -> str:
    """A parameter's value as the tornado writes it: rates in percent, others as numbers."""
    return f"{value * 100:.3g} %" if is_rate_path(path) else f"{value:,.4g}"


@styled
def sweep_heatmap(
    result: SweepResult | pd.DataFrame,
    x: str,
    y: str,
    outcome: str = "total_krw",
    ax: Axes | None = None,
    thresholds: Sequence[float] = (),
    cmap: str = "viridis",
    scenario: Scenario | Mapping[str, Any] | None = None,
) -> Axes:
    """An outcome over two swept parameters, with contour lines at chosen thresholds.

    Parameters
    ----------
    result
        A grid sweep (or its ``.frame``): one row per sample, the two parameters as columns.
        Other swept parameters, if any, are averaged over.
    x, y
        Parameter paths (column names) for the two axes.
    outcome
        The outcome column, e.g. ``"total_krw"`` [KRW] or ``"final_payment_usd"`` [USD].
    ax
        Axes to draw on; a new figure if None.
    thresholds
        Outcome values [in the outcome's own unit, e.g. won] to draw contour lines at.
    cmap
        A matplotlib colormap name.
    scenario
        The swept scenario (or its JSON dump), whose agreement names label the axes
        (:func:`~sma_model.model.parameters.describe_path`); default the one ``result``
        carries in ``inputs``.

    Returns
    -------
    matplotlib.axes.Axes
        Axes and colour bar labelled in words with units; rates read in percent.
    """
    scenario = _scenario_of(result, scenario)
    frame = result if isinstance(result, pd.DataFrame) else result.frame
    for column in (x, y, outcome):
        if column not in frame:
            raise KeyError(f"{column!r} is not a column of the sweep; columns: {list(frame.columns)}")
    scale, _ = column_unit(outcome)
    grid = frame.pivot_table(index=y, columns=x, values=outcome, aggfunc="mean").sort_index()
    if grid.shape[0] < 2 or grid.shape[1] < 2:
        raise ValueError(f"a heat map needs at least two values of {x!r} and of {y!r} on a grid")
    xs, ys = grid.columns.to_numpy(dtype=float), grid.index.to_numpy(dtype=float)
    values = grid.to_numpy(dtype=float) / scale
    ax = new_axes(ax)
    mesh = ax.pcolormesh(xs, ys, values, cmap=cmap, shading="nearest")
    colorbar = ax.figure.colorbar(mesh, ax=ax)
    colorbar.set_label(outcome_label(outcome))
    if len(thresholds):
        levels = sorted(float(t) / scale for t in thresholds)
        contours = ax.contour(xs, ys, values, levels=levels, colors="white", linewidths=1.2)
        ax.clabel(contours, fmt=lambda v: f"{v:,.3g}", fontsize=8)
    from matplotlib.ticker import FuncFormatter  # matplotlib loads when drawing, not on import

    for path, set_label, axis in ((x, ax.set_xlabel, ax.xaxis), (y, ax.set_ylabel, ax.yaxis)):
        set_label(_axis_label(path, scenario))
        if is_rate_path(path):
            axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v * 100:.3g}"))  # 0.025 -> 2.5
    ax.grid(False)
    return ax


@styled
def tornado(
    data: OneAtATime | pd.DataFrame,
    ax: Axes | None = None,
    outcome: str | None = None,
    scenario: Scenario | Mapping[str, Any] | None = None,
) -> Axes:
    """One-at-a-time sensitivity: each parameter's swing around the base outcome.

    Parameters
    ----------
    data
        What :func:`sma_model.one_at_a_time` returns, or its ``.frame`` (widest swing first).
    ax
        Axes to draw on; a new figure if None.
    outcome
        The outcome's name, for the axis label and its unit (e.g. ``"total_krw"``);
        default the one ``data`` measured.
    scenario
        The base scenario (or its JSON dump), whose agreement names label the parameters;
        default the one ``data`` carries in ``inputs``.

    Returns
    -------
    matplotlib.axes.Axes
        Two bars per parameter (labelled in words), from the base outcome to the outcome
        at the parameter's low (left colour) and high (right colour) value, labelled with
        those values (rates in percent).
    """
    scenario = _scenario_of(data, scenario)
    if not isinstance(data, pd.DataFrame):
        outcome = outcome or data.outcome
        data = data.frame
    required = {"parameter", "low", "high", "outcome_low", "outcome_high", "outcome_base"}
    missing = required - set(data.columns)
    if missing:
        raise MissingColumnError(f"tornado needs the columns of one_at_a_time(); missing {sorted(missing)}")
    scale, _ = column_unit(outcome or "")
    base = float(data["outcome_base"].iloc[0]) / scale
    rows = np.arange(len(data))
    ax = new_axes(ax)
    for column, color, name in (("outcome_low", "C0", "low"), ("outcome_high", "C1", "high")):
        widths = data[column].to_numpy(dtype=float) / scale - base
        ax.barh(rows, widths, left=base, color=color, height=0.6, label=f"parameter at its {name} value")
        for row, width, value, path in zip(rows, widths, data[name], data["parameter"]):
            ax.annotate(
                _value_text(str(path), float(value)),
                xy=(base + width, row),
                xytext=(3 if width >= 0 else -3, 0),
                textcoords="offset points",
                ha="left" if width >= 0 else "right",
                va="center",
                fontsize=8,
            )
    ax.axvline(base, color="0.3", linewidth=0.8)
    # room beside the outermost bars for their value labels, clear of the axis and its labels
    ax.margins(x=0.12)
    ax.set_yticks(rows, [describe_path(str(p), scenario) for p in data["parameter"]])
    ax.invert_yaxis()
    ax.set_xlabel(outcome_label(outcome) if outcome else "outcome")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right")
    return ax


@styled
def sobol_bars(
    data: SobolIndices | pd.DataFrame,
    outcome: str | None = None,
    year: int | None = None,
    ax: Axes | None = None,
    scenario: Scenario | Mapping[str, Any] | None = None,
) -> Axes:
    """First-order (S1) and total (ST) Sobol' indices per parameter, with confidence bars.

    Parameters
    ----------
    data
        What :func:`sma_model.sobol` returns, or its ``.frame``.
    outcome
        Which outcome to show; default the first in ``data``.
    year
        A year for per-year indices; default the horizon outcome (``year`` <NA>).
    ax
        Axes to draw on; a new figure if None.
    scenario
        The base scenario (or its JSON dump), whose agreement names label the parameters;
        default the one ``data`` carries in ``inputs``.

    Returns
    -------
    matplotlib.axes.Axes
        Bars labelled with the parameters in words; the title names the outcome.
    """
    scenario = _scenario_of(data, scenario)
    data = data if isinstance(data, pd.DataFrame) else data.frame
    outcome = outcome or str(data["outcome"].iloc[0])
    rows = data[data["outcome"] == outcome]
    rows = rows[rows["year"].isna()] if year is None else rows[rows["year"] == year]
    if rows.empty:
        raise ValueError(f"no Sobol' indices for outcome {outcome!r}" + (f" in {year}" if year else ""))
    positions = np.arange(len(rows))
    ax = new_axes(ax)
    for offset, index, color in ((-0.2, "S1", "C0"), (0.2, "ST", "C1")):
        ax.bar(
            positions + offset,
            rows[index].to_numpy(dtype=float),
            width=0.4,
            yerr=rows[f"{index}_conf"].to_numpy(dtype=float),
            color=color,
            capsize=3,
            label={"S1": "first order (S1)", "ST": "total (ST)"}[index],
        )
    names = [
        textwrap.fill(describe_path(str(p), scenario), 18, break_on_hyphens=False) for p in rows["parameter"]
    ]
    ax.set_xticks(positions, names)
    ax.set_ylabel("share of variance")
    ax.set_ylim(0, max(1.0, float(np.nanmax(rows[["S1", "ST"]].to_numpy(dtype=float))) * 1.1))
    ax.set_title(outcome_label(outcome, year), fontsize=10)
    ax.grid(axis="x", visible=False)
    ax.legend()
    return ax
