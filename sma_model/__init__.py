"""sma_model: model South Korea's payments under the Special Measures Agreement (SMA).

Validated terms in, arrays through one engine, tidy frames and plots out::

    import sma_model as sma
    proj = sma.project(sma.presets.get("status-quo"))
    proj.frame        # one row per (scenario, year)
    sma.backtest()    # every modelled SMA beside the published payments

The package is built in layers, each importing only from those below it: the
foundation (:mod:`~sma_model.errors`, :mod:`~sma_model.units`, :mod:`~sma_model.series`),
then :mod:`~sma_model.model` (terms and scenarios), :mod:`~sma_model.record` (the data),
:mod:`~sma_model.engine` (arrays in, arrays out), :mod:`~sma_model.plotting`,
:mod:`~sma_model.analysis` (projection, comparison, goal seeking, backtest),
:mod:`~sma_model.sweeps`, and at the edges :mod:`~sma_model.io`, the CLI and the explorer.
This module only re-exports what users need. Sweeps, sensitivity and :mod:`~sma_model.io`
load on first use (Scientific Python SPEC 1), and matplotlib only when a figure is drawn,
so ``import sma_model`` stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sma_model import plotting as plot
from sma_model import record as history
from sma_model._version import __version__, show_versions
from sma_model.analysis import solve
from sma_model.analysis.backtest import backtest
from sma_model.analysis.comparison import Comparison, compare
from sma_model.analysis.projection import Projection, project
from sma_model.errors import (
    DataError,
    MissingAssumptionError,
    MissingColumnError,
    NonFiniteResultError,
    NoSolutionError,
    OutputError,
    ParameterPathError,
    ScenarioError,
    ScenarioFileError,
    SMAModelError,
    SweepError,
    UnknownPresetError,
    UnknownScenarioError,
)
from sma_model.model.assumptions import Assumptions
from sma_model.model.scenario import Scenario
from sma_model.model.terms import (
    Agreement,
    Fixed,
    Frozen,
    Indexed,
    Money,
    PhaseIn,
    Rise,
    RollOver,
    Schedule,
)
from sma_model.record import presets

if TYPE_CHECKING:  # loaded on first use by __getattr__ below; named here for type checkers
    from sma_model import io
    from sma_model.sweeps.processes import AR1, Bootstrap, LogRandomWalk, Normal
    from sma_model.sweeps.results import MonteCarloResult, SweepResult
    from sma_model.sweeps.sensitivity import OneAtATime, SobolIndices, one_at_a_time, sobol
    from sma_model.sweeps.sweep import monte_carlo, sweep

record = history

__all__ = [
    "AR1",
    "Agreement",
    "Assumptions",
    "Bootstrap",
    "Comparison",
    "DataError",
    "Fixed",
    "Frozen",
    "Indexed",
    "LogRandomWalk",
    "MissingAssumptionError",
    "MissingColumnError",
    "Money",
    "MonteCarloResult",
    "NoSolutionError",
    "NonFiniteResultError",
    "Normal",
    "OneAtATime",
    "OutputError",
    "ParameterPathError",
    "PhaseIn",
    "Projection",
    "Rise",
    "RollOver",
    "SMAModelError",
    "Scenario",
    "ScenarioError",
    "ScenarioFileError",
    "Schedule",
    "SobolIndices",
    "SweepError",
    "SweepResult",
    "UnknownPresetError",
    "UnknownScenarioError",
    "__version__",
    "backtest",
    "compare",
    "history",
    "io",
    "monte_carlo",
    "one_at_a_time",
    "plot",
    "presets",
    "project",
    "record",
    "show_versions",
    "sobol",
    "solve",
    "sweep",
]

#: Public names loaded on first use: name -> (module, attribute or None for the module itself).
_LAZY = {
    "AR1": ("sma_model.sweeps.processes", "AR1"),
    "Bootstrap": ("sma_model.sweeps.processes", "Bootstrap"),
    "LogRandomWalk": ("sma_model.sweeps.processes", "LogRandomWalk"),
    "Normal": ("sma_model.sweeps.processes", "Normal"),
    "MonteCarloResult": ("sma_model.sweeps.results", "MonteCarloResult"),
    "SweepResult": ("sma_model.sweeps.results", "SweepResult"),
    "OneAtATime": ("sma_model.sweeps.sensitivity", "OneAtATime"),
    "SobolIndices": ("sma_model.sweeps.sensitivity", "SobolIndices"),
    "one_at_a_time": ("sma_model.sweeps.sensitivity", "one_at_a_time"),
    "sobol": ("sma_model.sweeps.sensitivity", "sobol"),
    "monte_carlo": ("sma_model.sweeps.sweep", "monte_carlo"),
    "sweep": ("sma_model.sweeps.sweep", "sweep"),
    "io": ("sma_model.io", None),
    "sweeps": ("sma_model.sweeps", None),
}


def __getattr__(name: str) -> Any:
    """Load a lazy public name (a sweep function, :mod:`~sma_model.io` …) on first use."""
    try:
        module_name, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'sma_model' has no attribute {name!r}") from None
    module = importlib.import_module(module_name)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
