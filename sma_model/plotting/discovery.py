"""Plots of scenario discovery: PRIM's peeling trajectory, and its boxes in words.

Like every plot of the package, :func:`peeling_trajectory` takes ``ax=None``, returns the
Axes, never calls ``plt.show()`` and draws in the package style.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sma_model.errors import MissingColumnError
from sma_model.model.parameters import describe_path, is_rate_path
from sma_model.plotting.style import new_axes, styled

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from sma_model.model.scenario import Scenario
    from sma_model.sweeps.discovery import PrimResult

__all__ = ["box_lines", "box_table", "peeling_trajectory"]

_TRAJECTORY_COLUMNS = ("coverage", "density", "n_restricted")


def _value(path: str, value: float) -> str:
    """A limit as people read it: rates in percent, other values to four significant digits."""
    return f"{value * 100:.3g} %" if is_rate_path(path) else f"{value:,.4g}"


def box_lines(box: pd.DataFrame, scenario: Scenario | Mapping[str, Any] | None = None) -> list[str]:
    """Each restricted parameter of a PRIM box in words, with its limits.

    Parameters
    ----------
    box
        A box frame (``PrimResult.box``): ``parameter``, ``low``, ``high``, ``range_low``,
        ``range_high`` [the parameters' own units; rates as fractions].
    scenario
        The scenario (or its JSON dump) whose agreement names label the paths.

    Returns
    -------
    list of str
        ``"the 12th SMA's first-year rise from 13.1 %"`` where only the low limit is
        restricted, ``"... up to 5 %"`` where only the high one is, ``"... from 3 % to 5 %"``
        where both are; rates in percent.

    Examples
    --------
    >>> box = pd.DataFrame({"parameter": ["assumptions.cpi"], "low": [0.031], "high": [0.08],
    ...                     "range_low": [0.01], "range_high": [0.08]})
    >>> box_lines(box)
    ['ROK CPI inflation from 3.1 %']
    """
    lines = []
    columns = [box[c].to_numpy(dtype=float) for c in ("low", "high", "range_low", "range_high")]
    for path, low, high, range_low, range_high in zip(box["parameter"].astype(str), *columns):
        cut_low, cut_high = low > range_low, high < range_high
        if not (cut_low or cut_high):
            continue
        words = describe_path(path, scenario)
        if cut_low and cut_high:
            lines.append(f"{words} from {_value(path, low)} to {_value(path, high)}")
        elif cut_low:
            lines.append(f"{words} from {_value(path, low)}")
        else:
            lines.append(f"{words} up to {_value(path, high)}")
    return lines


def box_table(box: pd.DataFrame, scenario: Scenario | Mapping[str, Any] | None = None) -> pd.DataFrame:
    """A PRIM box as a table to print: each parameter in words, its limits and sampled range.

    Parameters
    ----------
    box
        A box frame, as :func:`box_lines` takes.
    scenario
        The scenario (or its JSON dump) whose agreement names label the paths.

    Returns
    -------
    pandas.DataFrame
        Text cells, indexed by the parameter in words: ``low``, ``high``, ``sampled from``,
        ``sampled to``; rates in percent.
    """
    paths = [str(p) for p in box["parameter"]]
    cells = {
        title: [_value(p, v) for p, v in zip(paths, box[column])]
        for title, column in (
            ("low", "low"),
            ("high", "high"),
            ("sampled from", "range_low"),
            ("sampled to", "range_high"),
        )
    }
    index = pd.Index([describe_path(p, scenario) for p in paths], name="parameter")
    return pd.DataFrame(cells, index=index)


@styled
def peeling_trajectory(
    result: PrimResult | pd.DataFrame,
    ax: Axes | None = None,
    scenario: Scenario | Mapping[str, Any] | None = None,
    annotate: bool = True,
    cmap: str = "viridis",
) -> Axes:
    """PRIM's peeling trajectory: each box's density against its coverage.

    Parameters
    ----------
    result
        What :func:`sma_model.discover` returns, or its ``.trajectory`` (columns
        ``coverage``, ``density`` [fractions] and ``n_restricted``).
    ax
        Axes to draw on; a new figure if None.
    scenario
        The scenario (or its JSON dump) whose agreement names label the box; default the one
        ``result`` carries in ``inputs``.
    annotate
        Ring the chosen box and write its limits in words (a result, not a bare frame).
    cmap
        A matplotlib colormap name for the number of restricted parameters.

    Returns
    -------
    matplotlib.axes.Axes
        Coverage [%] across, density [%] up, one point per box joined in peeling order,
        coloured by how many parameters the box restricts (colour bar in whole numbers).
    """
    frame = result if isinstance(result, pd.DataFrame) else result.trajectory
    missing = [c for c in _TRAJECTORY_COLUMNS if c not in frame]
    if missing:
        raise MissingColumnError(
            f"a peeling trajectory needs the columns {list(_TRAJECTORY_COLUMNS)}; missing {missing}"
        )
    import matplotlib as mpl  # matplotlib loads when drawing, not on import

    coverage = frame["coverage"].to_numpy(dtype=float) * 100
    density = frame["density"].to_numpy(dtype=float) * 100
    restricted = frame["n_restricted"].to_numpy(dtype=int)
    top = max(int(restricted.max()), 1)
    norm = mpl.colors.BoundaryNorm(np.arange(-0.5, top + 1.5), mpl.colormaps[cmap].N)
    ax = new_axes(ax)
    ax.plot(coverage, density, color="0.75", linewidth=0.8, zorder=1)
    points = ax.scatter(coverage, density, c=restricted, cmap=cmap, norm=norm, s=22, zorder=2)
    colorbar = ax.figure.colorbar(points, ax=ax, ticks=np.arange(0, top + 1))
    colorbar.set_label("parameters the box restricts")
    ax.set_xlabel("coverage: share of the cases of interest inside the box [%]")
    ax.set_ylabel("density: share of the box that is of interest [%]")
    ax.set_xlim(coverage.min() - 5, 101.5)  # no tick past 100 %
    ax.set_ylim(max(0.0, density.min() - 5), 101.5)
    if annotate and not isinstance(result, pd.DataFrame):
        _annotate(ax, result, coverage, density, scenario)
    return ax


def _annotate(ax: Axes, result: Any, coverage: np.ndarray, density: np.ndarray, scenario: Any) -> None:
    """Ring the chosen box and write its limits (in words) and what the cases are."""
    step = int(result.chosen)
    ax.scatter(
        [coverage[step]],
        [density[step]],
        s=140,
        facecolors="none",
        edgecolors="C3",
        linewidths=1.5,
        zorder=3,
        clip_on=False,
    )
    if scenario is None:
        scenario = result.inputs.get("scenario")
    lines = box_lines(result.box, scenario) or ["no parameter restricted"]
    text = f"box {step}: " + "\n".join(lines)
    ax.annotate(
        text,
        xy=(coverage[step], density[step]),
        xytext=(0.03, 0.04),
        textcoords="axes fraction",
        fontsize=8,
        va="bottom",
        arrowprops={"arrowstyle": "-", "color": "C3", "linewidth": 0.8},
        bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.8"},
    )
    ax.set_title(f"cases of interest: {result.inputs['cases']}", fontsize=10)
