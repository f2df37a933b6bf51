"""What people ask of projections: the projection itself, comparisons, goal seeking, the backtest.

- :mod:`~sma_model.analysis.projection`: :func:`project` and :class:`Projection`;
- :mod:`~sma_model.analysis.comparison`: :func:`compare` and :class:`Comparison`;
- :mod:`~sma_model.analysis.solve`: the rate, cap or base that reaches a target, and when;
- :mod:`~sma_model.analysis.backtest`: each modelled SMA's rule against the published record.
"""

from __future__ import annotations

from sma_model.analysis import solve
from sma_model.analysis.backtest import backtest
from sma_model.analysis.comparison import Comparison, compare
from sma_model.analysis.projection import Projection, project

__all__ = ["Comparison", "Projection", "backtest", "compare", "project", "solve"]
