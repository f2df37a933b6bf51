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
This module only re-exports what users need, and loads each name on first use
(Scientific Python SPEC 1): ``import sma_model`` reads only the error classes and the
version; the model's classes (``sma.Scenario``, ``sma.Money``, ``sma.Fixed`` …) load
the model alone (pandas, numpy, pydantic), and ``sma.project`` (or any other name)
loads the model, the record, the engine and the analysis when it is first touched.
Sweeps, sensitivity and :mod:`~sma_model.io` load when they are used, and matplotlib
only when a figure is drawn.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sma_model._version import __version__, show_versions
from sma_model.errors import (
    DataError,
    MissingAssumptionError,
    MissingColumnError,
    MissingExtraError,
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

if TYPE_CHECKING:  # loaded on first use by __getattr__ below; named here for type checkers
    from sma_model import io
    from sma_model import plotting as plot
    from sma_model import record as history
    from sma_model import record as record
    from sma_model import sweeps as sweeps
    from sma_model.analysis import solve
    from sma_model.analysis.backtest import backtest
    from sma_model.analysis.burden import Burden, burden
    from sma_model.analysis.comparison import Comparison, compare
    from sma_model.analysis.hosts import compare_hosts
    from sma_model.analysis.projection import Projection, project
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
    from sma_model.report import build_report, write_report
    from sma_model.sweeps.discovery import PrimResult, discover
    from sma_model.sweeps.processes import AR1, Bootstrap, LogRandomWalk, Normal
    from sma_model.sweeps.results import MonteCarloResult, SweepResult
    from sma_model.sweeps.sensitivity import OneAtATime, SobolIndices, one_at_a_time, sobol
    from sma_model.sweeps.sweep import monte_carlo, sweep

__all__ = [
    "AR1",
    "Agreement",
    "Assumptions",
    "Bootstrap",
    "Burden",
    "Comparison",
    "DataError",
    "Fixed",
    "Frozen",
    "Indexed",
    "LogRandomWalk",
    "MissingAssumptionError",
    "MissingColumnError",
    "MissingExtraError",
    "Money",
    "MonteCarloResult",
    "NoSolutionError",
    "NonFiniteResultError",
    "Normal",
    "OneAtATime",
    "OutputError",
    "ParameterPathError",
    "PhaseIn",
    "PrimResult",
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
    "build_report",
    "burden",
    "compare",
    "compare_hosts",
    "discover",
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
    "write_report",
]

_TERMS = ("Agreement", "Fixed", "Frozen", "Indexed", "Money", "PhaseIn", "Rise", "RollOver", "Schedule")

#: Public names loaded on first use: name -> (module, attribute or None for the module itself).
_LAZY = {
    "project": ("sma_model.analysis.projection", "project"),
    "Projection": ("sma_model.analysis.projection", "Projection"),
    "compare": ("sma_model.analysis.comparison", "compare"),
    "Comparison": ("sma_model.analysis.comparison", "Comparison"),
    "compare_hosts": ("sma_model.analysis.hosts", "compare_hosts"),
    "backtest": ("sma_model.analysis.backtest", "backtest"),
    "burden": ("sma_model.analysis.burden", "burden"),
    "Burden": ("sma_model.analysis.burden", "Burden"),
    "solve": ("sma_model.analysis.solve", None),
    "Assumptions": ("sma_model.model.assumptions", "Assumptions"),
    "Scenario": ("sma_model.model.scenario", "Scenario"),
    **{name: ("sma_model.model.terms", name) for name in _TERMS},
    "history": ("sma_model.record", None),
    "record": ("sma_model.record", None),
    "presets": ("sma_model.record.presets", None),
    "plot": ("sma_model.plotting", None),
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
    "discover": ("sma_model.sweeps.discovery", "discover"),
    "PrimResult": ("sma_model.sweeps.discovery", "PrimResult"),
    "build_report": ("sma_model.report", "build_report"),
    "write_report": ("sma_model.report", "write_report"),
    "io": ("sma_model.io", None),
    "sweeps": ("sma_model.sweeps", None),
}
#: Subpackages and modules reachable as attributes (``sma.series``), loaded on first use too.
_SUBMODULES = ("analysis", "engine", "explorer", "formatting", "model", "plotting", "series", "units")
_LAZY.update({name: (f"sma_model.{name}", None) for name in _SUBMODULES})
#: What loads without the core (the first use of any other name loads the core): the
#: model's classes from their own modules (``sma.model`` itself loads the core, which
#: imports every module of the model), io, sweeps, the explorer, series and units.
_ON_THEIR_OWN = (
    "sma_model.model.",
    "sma_model.io",
    "sma_model.sweeps",
    "sma_model.explorer",
    "sma_model.series",
    "sma_model.units",
)


def __getattr__(name: str) -> Any:
    """Load a public name (``project``, ``Scenario``, ``sweep``, :mod:`~sma_model.io` …) on first use."""
    try:
        module_name, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'sma_model' has no attribute {name!r}") from None
    if not module_name.startswith(_ON_THEIR_OWN):
        # the core, all at once, as an eager import loaded it: sma.model.scenario, sma.engine.run …
        importlib.import_module("sma_model.analysis")
        importlib.import_module("sma_model.record.presets")
    module = importlib.import_module(module_name)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
