"""Plots. Each function takes frames, arrays or results and ``ax=None``, returns the Axes,
and never calls ``plt.show()``; result objects' ``.plot()`` delegate here.

- :mod:`~sma_model.plotting.payments`: :func:`payment_curves`, :func:`comparison_bars`;
- :mod:`~sma_model.plotting.record`: :func:`history`, the record since 1991;
- :mod:`~sma_model.plotting.uncertainty`: :func:`fan_chart`;
- :mod:`~sma_model.plotting.sweeps`: :func:`sweep_heatmap`, :func:`tornado`,
  :func:`sobol_bars`;
- :mod:`~sma_model.plotting.style`: the package style and new axes.

``sma.plot`` is this package.
"""

from __future__ import annotations

from sma_model.plotting.payments import comparison_bars, payment_curves
from sma_model.plotting.record import EVENTS, history
from sma_model.plotting.style import STYLE
from sma_model.plotting.sweeps import sobol_bars, sweep_heatmap, tornado
from sma_model.plotting.uncertainty import fan_chart

__all__ = [
    "EVENTS",
    "STYLE",
    "comparison_bars",
    "fan_chart",
    "history",
    "payment_curves",
    "sobol_bars",
    "sweep_heatmap",
    "tornado",
]
