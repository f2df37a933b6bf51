"""The engine: the only code that computes payments. Arrays in, arrays out.

- :mod:`~sma_model.engine.plan`: the :class:`~sma_model.engine.plan.Plan`, scenarios
  as numpy arrays of shape ``(n_years, n_scenarios)``;
- :mod:`~sma_model.engine.macro`: each macro series' value for every year (the record,
  then the scenario's constants and explicit series);
- :mod:`~sma_model.engine.compile`: :func:`compile_plan`, validated scenarios to a plan;
- :mod:`~sma_model.engine.run`: :func:`run` and :func:`iter_levels`, the yearly step.
"""

from __future__ import annotations

from sma_model.engine.compile import compile_plan
from sma_model.engine.plan import MAX_PAYMENT, Plan
from sma_model.engine.run import iter_levels, run

__all__ = ["MAX_PAYMENT", "Plan", "compile_plan", "iter_levels", "run"]
