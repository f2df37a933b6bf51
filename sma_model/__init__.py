"""sma_model: model South Korea's payments under the Special Measures Agreement (SMA).

Validated terms in, arrays through one engine, tidy frames and plots out::

    import sma_model as sma
    proj = sma.project(sma.presets.get("status-quo"))
    proj.frame        # one row per (scenario, year)
    sma.backtest()    # every modelled SMA beside the published payments
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sma-model")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0+unknown"

from sma_model import history, io, plot, presets, solve
from sma_model.assumptions import Assumptions
from sma_model.backtest import backtest
from sma_model.comparison import Comparison, compare
from sma_model.engine import Plan, compile_plan, project, run
from sma_model.errors import (
    DataError,
    MissingAssumptionError,
    NonFiniteResultError,
    ParameterPathError,
    ScenarioError,
    SMAModelError,
    SweepError,
)
from sma_model.results import Projection
from sma_model.scenario import Scenario
from sma_model.sensitivity import OneAtATime, SobolIndices, one_at_a_time, sobol
from sma_model.sweep import monte_carlo, sweep
from sma_model.sweep_results import MonteCarloResult, SweepResult
from sma_model.terms import (
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
from sma_model.uncertainty import AR1, Bootstrap, LogRandomWalk, Normal
from sma_model.versions import show_versions

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
    "NonFiniteResultError",
    "Normal",
    "OneAtATime",
    "ParameterPathError",
    "PhaseIn",
    "Plan",
    "Projection",
    "Rise",
    "RollOver",
    "SMAModelError",
    "Scenario",
    "ScenarioError",
    "Schedule",
    "SobolIndices",
    "SweepError",
    "SweepResult",
    "__version__",
    "backtest",
    "compare",
    "compile_plan",
    "history",
    "io",
    "monte_carlo",
    "one_at_a_time",
    "plot",
    "presets",
    "project",
    "run",
    "show_versions",
    "sobol",
    "solve",
    "sweep",
]
