"""Parameter sweeps and Monte Carlo runs: many projections through the one engine.

:func:`sweep` varies fields of a scenario (a grid, a Latin hypercube, or paired
values); :func:`monte_carlo` draws yearly paths of macro series. Both compile the base
scenario once, bind each chunk of samples into the plan's arrays
(:mod:`sma_model.binding`) and step the years with :func:`sma_model.engine.iter_levels`,
the same code :func:`sma_model.project` runs. Chunks run one after another, or on dask.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
from pydantic import TypeAdapter

from sma_model.errors import SweepError
from sma_model.model.parameters import format_path, resolve_path, scenario_with
from sma_model.model.scenario import Scenario
from sma_model.series import DRAWABLE
from sma_model.sweeps.binding import Binder, classify
from sma_model.sweeps.chunks import execute
from sma_model.sweeps.processes import Process
from sma_model.sweeps.results import MonteCarloResult, SweepResult
from sma_model.sweeps.sampling import GridSampler, MonteCarloSampler, TableSampler, seed_entropy

__all__ = ["monte_carlo", "sweep"]

Keep = Literal["samples", "paths", "stats"]


def sweep(
    scenario: Scenario,
    parameters: Mapping[str, Any],
    method: Literal["grid", "lhs", "zip"] = "grid",
    n: int | None = None,
    rng: Any = None,
    *,
    threshold: float | None = None,
    currency: Literal["KRW", "USD"] = "KRW",
    keep: Keep = "samples",
    chunk_size: int | None = None,
    backend: Literal["local", "dask"] = "local",
    progress: bool | None = None,
    price_base_year: int | None = None,
) -> SweepResult:
    """Project a scenario over many values of its numeric fields.

    Parameters
    ----------
    scenario
        The base scenario; fields not swept keep its values.
    parameters
        Parameter path → values, e.g. ``{"agreements[0].escalation.cap": [0.03, 0.05],
        "assumptions.usd_krw": np.linspace(1200, 1600, 9)}``. For ``"grid"``, the values
        to combine; for ``"lhs"``, the range ``(low, high)`` (the values' min and max);
        for ``"zip"``, one value per sample (all the same length).
    method
        ``"grid"`` (every combination, first parameter slowest), ``"lhs"`` (Latin
        hypercube from :class:`scipy.stats.qmc.LatinHypercube`, ``n`` samples), or
        ``"zip"`` (samples given row by row).
    n
        Number of samples for ``"lhs"``.
    rng
        Seed for ``"lhs"`` (SPEC 7): None, an int, a SeedSequence or a Generator.
    threshold
        A yearly payment [``currency``]; the frame gives the first year above it.
    currency
        Currency of ``threshold``, of kept paths and of percentiles.
    keep
        ``"samples"``: one row per sample. ``"paths"``: also every yearly payment
        (``n_years × n`` float64). ``"stats"``: stream per-year statistics only, so
        memory stays bounded whatever ``n`` is.
    chunk_size
        Samples per chunk (rounded up to a multiple of 65,536); default 65,536.
    backend
        ``"local"`` or ``"dask"`` (each chunk a ``dask.delayed`` task on the current
        scheduler; needs ``sma-model[dask]``).
    progress
        Show a progress bar: None shows one when the run looks longer than 2 s.
    price_base_year
        As in :func:`sma_model.project`.

    Returns
    -------
    SweepResult

    Notes
    -----
    Rule fields (base amounts and rises, fixed rates, caps, floors, spreads, after-expiry
    rules) and the macro constants (``assumptions.cpi``, ``defense_budget_growth``,
    ``usd_krw``, ``us_cpi``, ``troops``) are written straight into the compiled arrays. Any
    other numeric field (``horizon``, ``term_years``, ``lag``, a year of a series …) is
    exact too, but compiles the scenario once per distinct value: fast on a grid, slow for
    thousands of distinct continuous values. A macro constant fills only the years that
    neither the record nor an explicit series covers, as it does in a projection.

    Examples
    --------
    >>> import numpy as np, sma_model as sma
    >>> result = sma.sweep(
    ...     sma.presets.get("status-quo"),
    ...     {"agreements[0].escalation.cap": [0.03, 0.05], "assumptions.cpi": [0.01, 0.04]},
    ... )
    >>> len(result.frame)
    4
    """
    scenario = _check_scenario(scenario)
    if not isinstance(parameters, Mapping) or not parameters:
        raise SweepError("parameters: give at least one {path: values}, e.g. {'horizon': [2035, 2040]}")
    # checked, with positions made non-negative, before anything runs
    columns = {
        format_path(resolve_path(scenario, path)): _as_values(path, values)
        for path, values in parameters.items()
    }
    if len(columns) < len(parameters):
        raise SweepError(f"parameters name the same field twice: {list(parameters)}")
    entropy = None
    if method == "grid":
        if n is not None:
            raise SweepError("n is for method='lhs'; a grid has one sample per combination")
        sampler: Any = GridSampler(columns)
    elif method == "zip":
        sampler = TableSampler(columns)
    elif method == "lhs":
        n = _check_n(n, "lhs")
        entropy = seed_entropy(rng)
        sampler = TableSampler(_latin_hypercube(columns, n, entropy))
    else:
        raise SweepError(f"method must be 'grid', 'lhs' or 'zip', not {method!r}")
    params = [classify(scenario, resolve_path(scenario, path)) for path in columns]
    ends = {p.parts: (float(np.min(columns[p.path])), float(np.max(columns[p.path]))) for p in params}
    _validate_ends(scenario, ends)
    structures = sampler.distinct([p.path for p in params if p.target == "structure"])
    binder = Binder(scenario, params, {k: lo for k, (lo, _) in ends.items()}, structures, (), price_base_year)
    inputs = {
        "kind": "sweep",
        "method": method,
        "parameters": {p: _json_values(v) for p, v in columns.items()},
        "n": sampler.n,
        "seed": entropy,
    }
    return execute(
        SweepResult,
        scenario,
        binder,
        sampler,
        inputs,
        threshold,
        currency,
        keep,
        chunk_size,
        backend,
        progress,
    )


def monte_carlo(
    scenario: Scenario,
    n: int = 100_000,
    rng: Any = None,
    uncertainties: Mapping[str, Any] | None = None,
    correlation: Mapping[tuple[str, str], float] | None = None,
    *,
    threshold: float | None = None,
    currency: Literal["KRW", "USD"] = "KRW",
    keep: Keep = "paths",
    keep_draws: bool = False,
    chunk_size: int | None = None,
    backend: Literal["local", "dask"] = "local",
    progress: bool | None = None,
    price_base_year: int | None = None,
) -> MonteCarloResult:
    """Project a scenario under random paths of its macro assumptions.

    Parameters
    ----------
    scenario
        The base scenario.
    n
        Number of samples.
    rng
        Seed (SPEC 7): None, an int, a SeedSequence or a numpy Generator. The result
        records the seed; the same seed gives the same result, whatever the chunk size
        or backend.
    uncertainties
        Assumption name → process: ``{"cpi": Normal(mean=0.02, sd=0.007),
        "usd_krw": LogRandomWalk(sd=0.06)}``; names among ``cpi``,
        ``defense_budget_growth``, ``usd_krw``, ``us_cpi``, ``troops``. Draws fill the
        years the record and explicit series leave open; the record stays.
    correlation
        ``{("cpi", "defense_budget_growth"): 0.5}``: correlation of yearly shocks.
    threshold, currency, keep, chunk_size, backend, progress, price_base_year
        As in :func:`sweep`; ``keep`` defaults to ``"paths"`` so percentiles are exact.
    keep_draws
        Keep the drawn yearly values of each series (``result.draws``).

    Returns
    -------
    MonteCarloResult
    """
    scenario = _check_scenario(scenario)
    n = _check_n(n, "monte_carlo")
    if not uncertainties:
        raise SweepError("uncertainties: give at least one, e.g. {'usd_krw': LogRandomWalk(sd=0.06)}")
    adapter = TypeAdapter(Process)
    processes = {}
    for name, process in uncertainties.items():
        if name not in DRAWABLE:
            resolve_path(scenario, f"assumptions.{name}")  # suggests close names
            raise SweepError(f"uncertainties: {name!r} cannot follow a process")
        processes[name] = adapter.validate_python(process)
    if correlation is not None and not isinstance(correlation, Mapping):
        raise SweepError(
            f"correlation must be a mapping like {{('cpi', 'defense_budget_growth'): 0.5}}, "
            f"not {type(correlation).__name__}"
        )
    entropy = seed_entropy(rng)
    sampler = MonteCarloSampler(processes, n, entropy, correlation)
    reference = {("assumptions", name): _center(name, p) for name, p in processes.items()}
    binder = Binder(scenario, [], reference, np.empty((1, 0)), list(processes), price_base_year)
    draw_years = {
        name: [int(y) for y in binder.macro_years[np.isnan(binder.known[name][:, 0])]] for name in processes
    }
    if not any(draw_years.values()):
        first, last = int(binder.macro_years[0]), int(binder.macro_years[-1])
        raise SweepError(
            f"nothing to draw: the record or explicit series give {', '.join(processes)} for every "
            f"year the scenario needs ({first}-{last}), so every sample would be the same; "
            "extend the horizon past the record or give Assumptions(use_record=False)"
        )
    inputs = {
        "kind": "monte_carlo",
        "uncertainties": {k: v.model_dump(mode="json") for k, v in processes.items()},
        "correlation": {f"{a}~{b}": rho for (a, b), rho in (correlation or {}).items()},
        "n": n,
        "seed": entropy,
        "draw_years": draw_years,
    }
    return execute(
        MonteCarloResult,
        scenario,
        binder,
        sampler,
        inputs,
        threshold,
        currency,
        keep,
        chunk_size,
        backend,
        progress,
        keep_draws,
    )


def _check_scenario(scenario: Any) -> Scenario:
    if not isinstance(scenario, Scenario):
        raise SweepError(f"scenario must be a sma_model.Scenario, not {type(scenario).__name__}")
    return scenario


def _check_n(n: Any, who: str) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise SweepError(f"{who}: n must be a positive whole number of samples, not {n!r}")
    return int(n)


def _as_values(path: str, values: Any) -> np.ndarray:
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiu" and values.ndim == 1 and values.size:
        return values.astype(float, copy=False)  # the fast path for large sample arrays
    array = np.atleast_1d(np.asarray(values, dtype=object))
    if array.ndim != 1 or array.size == 0:
        raise SweepError(f"{path}: give a non-empty 1-D list of values, not {values!r}")
    if any(isinstance(v, bool) or not isinstance(v, (int, float, np.number)) for v in array):
        raise SweepError(f"{path}: every value must be a number; got {list(array[:5])!r}")
    return array.astype(float)


def _json_values(values: np.ndarray) -> list[float] | dict[str, float]:
    if len(values) <= 1000:
        return [float(v) for v in values]
    return {"min": float(values.min()), "max": float(values.max()), "count": len(values)}


def _latin_hypercube(columns: Mapping[str, np.ndarray], n: int, entropy: int) -> dict[str, np.ndarray]:
    try:
        from scipy.stats import qmc
    except ImportError:
        raise SweepError("method='lhs' needs scipy: pip install 'sma-model[sweep]'") from None
    low = np.array([v.min() for v in columns.values()])
    high = np.array([v.max() for v in columns.values()])
    unit = qmc.LatinHypercube(d=len(columns), rng=np.random.default_rng(entropy)).random(n)
    scaled = low + unit * (high - low)
    return {path: scaled[:, k] for k, path in enumerate(columns)}


def _validate_ends(scenario: Scenario, ends: Mapping[Any, tuple[float, float]]) -> None:
    """Build the scenario at each parameter's lowest and highest value: the models check them."""
    for parts, (low, high) in ends.items():
        for value in (low, high) if low != high else (low,):
            scenario_with(scenario, {parts: value})


def _center(name: str, process: Any) -> float:
    center = getattr(process, "center", None)
    if center is None:  # Bootstrap: the record's median
        center = float(np.median(process.pool(name)))
    return center
