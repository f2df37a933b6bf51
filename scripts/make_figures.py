"""Regenerate the figures README.md shows: ``python scripts/make_figures.py``.

Writes ``docs/history.png`` (the record, 1991-2025, with each SMA shaded) and
``docs/scenarios.png`` (the default comparison of presets, in dollars, on a log scale so the
$5bn lines do not flatten the status quo and the 13.9 % rise).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import sma_model as sma
from sma_model.io import save_figure

DOCS = Path(__file__).resolve().parent.parent / "docs"


def save(ax: matplotlib.axes.Axes, name: str) -> Path:
    path = save_figure(ax.figure, DOCS / name, dpi=110)
    plt.close(ax.figure)
    return path


def main() -> None:
    status_quo = sma.project(sma.presets.get("status-quo"))
    ax = sma.plot.history(projection=status_quo)
    ax.set_title("Korea's SMA payments since 1991, and the status quo to 2035")
    print(save(ax, "history.png"))

    presets = [sma.presets.get(n) for n in sma.presets.DEFAULT_COMPARISON]
    ax = sma.project(presets).plot(currency="USD", log=True)
    ax.set_title("What Korea would pay under each scenario")
    print(save(ax, "scenarios.png"))


if __name__ == "__main__":
    main()
