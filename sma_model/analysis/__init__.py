"""What people ask of projections: the projection itself, comparisons, goal seeking, the backtest.

- :mod:`~sma_model.analysis.projection`: :func:`project` and :class:`Projection`;
- :mod:`~sma_model.analysis.comparison`: :func:`compare` and :class:`Comparison`;
- :mod:`~sma_model.analysis.solve`: the rate, cap or base that reaches a target, and when;
- :mod:`~sma_model.analysis.backtest`: each modelled SMA's rule against the published record;
- :mod:`~sma_model.analysis.burden`: :func:`burden` and :class:`Burden`, what the payments pay
  for and how heavy they are (shares of the defense budget and GDP, dollars per US soldier);
- :mod:`~sma_model.analysis.composition`: the split into labor, construction and logistics;
- :mod:`~sma_model.analysis.hosts`: :func:`compare_hosts`, Korea beside Japan in dollars, per US
  soldier and as a share of each defense budget.
"""

from __future__ import annotations

from sma_model.analysis import composition, solve
from sma_model.analysis.backtest import backtest
from sma_model.analysis.burden import Burden, burden
from sma_model.analysis.comparison import Comparison, compare
from sma_model.analysis.hosts import compare_hosts
from sma_model.analysis.projection import Projection, project

__all__ = [
    "Burden",
    "Comparison",
    "Projection",
    "backtest",
    "burden",
    "compare",
    "compare_hosts",
    "composition",
    "project",
    "solve",
]
