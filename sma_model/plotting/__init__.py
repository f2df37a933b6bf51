"""Plots. Each function takes frames, arrays or results and ``ax=None``, returns the Axes,
and never calls ``plt.show()``; result objects' ``.plot()`` delegate here.

- :mod:`~sma_model.plotting.payments`: :func:`payment_curves`, :func:`comparison_bars`;
- :mod:`~sma_model.plotting.record`: :func:`history`, the record since 1991;
- :mod:`~sma_model.plotting.uncertainty`: :func:`fan_chart`;
- :mod:`~sma_model.plotting.sweeps`: :func:`sweep_heatmap`, :func:`tornado`,
  :func:`sobol_bars`;
- :mod:`~sma_model.plotting.burden`: :func:`composition_area`, :func:`ratio_panels`;
- :mod:`~sma_model.plotting.hosts`: :func:`host_comparison`, one line per host country;
- :mod:`~sma_model.plotting.discovery`: :func:`peeling_trajectory`, PRIM's coverage against
  density;
- :mod:`~sma_model.plotting.style`: the package style and new axes.

``sma.plot`` is this package.
"""

from __future__ import annotations

from sma_model.plotting.burden import composition_area, ratio_panels
from sma_model.plotting.discovery import peeling_trajectory
from sma_model.plotting.hosts import host_comparison
from sma_model.plotting.payments import comparison_bars, payment_curves
from sma_model.plotting.record import EVENTS, history
from sma_model.plotting.style import STYLE
from sma_model.plotting.sweeps import sobol_bars, sweep_heatmap, tornado
from sma_model.plotting.uncertainty import fan_chart

__all__ = [
    "EVENTS",
    "STYLE",
    "comparison_bars",
    "composition_area",
    "fan_chart",
    "history",
    "host_comparison",
    "payment_curves",
    "peeling_trajectory",
    "ratio_panels",
    "sobol_bars",
    "sweep_heatmap",
    "tornado",
]
