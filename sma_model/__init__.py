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
This module only re-exports what users need.
"""

from sma_model import io
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
