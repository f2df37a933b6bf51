"""Many scenarios at once: sweeps, Monte Carlo, sensitivity.

Each compiles the scenario once and runs every sample through the same engine as
:func:`sma_model.project`, in chunks, locally or on dask.

- :mod:`~sma_model.sweeps.sweep`: :func:`sweep` and :func:`monte_carlo`, the front ends;
- :mod:`~sma_model.sweeps.sampling`: grid, Latin hypercube, zipped and Monte Carlo samplers;
- :mod:`~sma_model.sweeps.processes`: yearly processes a macro series can follow;
- :mod:`~sma_model.sweeps.binding`: writing sampled values into a compiled plan;
- :mod:`~sma_model.sweeps.chunks`: running chunks of samples (threads, dask) and
  streaming their statistics, with :mod:`~sma_model.sweeps.progress`'s bar for long runs;
- :mod:`~sma_model.sweeps.sketch`: the mergeable quantile sketch behind streamed
  percentiles (``keep="stats"``), with its stated error bound;
- :mod:`~sma_model.sweeps.results`: :class:`SweepResult`, :class:`MonteCarloResult`;
- :mod:`~sma_model.sweeps.sensitivity`: one-at-a-time swings and Sobol' indices;
- :mod:`~sma_model.sweeps.discovery`: :func:`discover`, scenario discovery (PRIM boxes),
  on :mod:`~sma_model.sweeps.peeling`, the peeling and pasting.
"""

from __future__ import annotations

from sma_model.sweeps.discovery import PrimResult, discover
from sma_model.sweeps.processes import AR1, Bootstrap, LogRandomWalk, Normal
from sma_model.sweeps.results import MonteCarloResult, SweepResult
from sma_model.sweeps.sensitivity import OneAtATime, SobolIndices, one_at_a_time, sobol
from sma_model.sweeps.sweep import monte_carlo, sweep

__all__ = [
    "AR1",
    "Bootstrap",
    "LogRandomWalk",
    "MonteCarloResult",
    "Normal",
    "OneAtATime",
    "PrimResult",
    "SobolIndices",
    "SweepResult",
    "discover",
    "monte_carlo",
    "one_at_a_time",
    "sobol",
    "sweep",
]
