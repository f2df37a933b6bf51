"""Parameter sweeps and Monte Carlo runs: many projections through the one engine.

:func:`sweep` varies fields of a scenario (a grid, a Latin hypercube, or paired
values); :func:`monte_carlo` draws yearly paths of macro series. Both compile the base
scenario once, bind each chunk of samples into the plan's arrays
(:mod:`sma_model.binding`) and step the years with :func:`sma_model.engine.iter_levels`,
the same code :func:`sma_model.project` runs. Chunks run one after another, or on dask.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from pydantic import TypeAdapter

from sma_model.binding import Binder, classify
from sma_model.engine import MAX_PAYMENT
from sma_model.errors import NonFiniteResultError, SweepError
from sma_model.paths import format_path, resolve_path, scenario_with
from sma_model.sampling import RNG_BLOCK, GridSampler, MonteCarloSampler, TableSampler, seed_entropy
from sma_model.scenario import Scenario
from sma_model.sweep_results import MonteCarloResult, Stats, SweepResult
from sma_model.uncertainty import Process

__all__ = ["monte_carlo", "sweep"]

Keep = Literal["samples", "paths", "stats"]
#: A run expected to take longer than this shows a progress bar [s].
PROGRESS_AFTER = 2.0


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
    return _execute(
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
        if name not in ("cpi", "defense_budget_growth", "usd_krw", "us_cpi", "troops"):
            resolve_path(scenario, f"assumptions.{name}")  # suggests close names
            raise SweepError(f"uncertainties: {name!r} cannot follow a process")
        processes[name] = adapter.validate_python(process)
    entropy = seed_entropy(rng)
    sampler = MonteCarloSampler(processes, n, entropy, correlation)
    reference = {("assumptions", name): _center(name, p) for name, p in processes.items()}
    binder = Binder(scenario, [], reference, np.empty((1, 0)), list(processes), price_base_year)
    inputs = {
        "kind": "monte_carlo",
        "uncertainties": {k: v.model_dump(mode="json") for k, v in processes.items()},
        "correlation": {f"{a}~{b}": rho for (a, b), rho in (correlation or {}).items()},
        "n": n,
        "seed": entropy,
        "draw_years": {
            name: [int(y) for y in binder.macro_years[np.isnan(binder.known[name][:, 0])]]
            for name in processes
        },
    }
    return _execute(
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


@dataclass
class ChunkSpec:
    """Everything a chunk needs, picklable for dask."""

    binder: Binder
    sampler: Any
    threshold: float | None
    currency: str
    keep: str
    keep_draws: bool = False
    edges: tuple[np.ndarray, np.ndarray] | None = None


@dataclass
class ChunkResult:
    """One chunk's outcomes (and paths, draws or statistics when asked)."""

    lo: int
    hi: int
    outcomes: dict[str, np.ndarray] = field(default_factory=dict)
    paths: np.ndarray | None = None
    draws: dict[str, np.ndarray] | None = None
    stats: Stats | None = None


def run_chunk(spec: ChunkSpec, lo: int, hi: int) -> ChunkResult:
    """Bind samples ``lo:hi`` into a plan and run it through :func:`~sma_model.engine.iter_levels`."""
    from sma_model.engine import iter_levels

    binder, n = spec.binder, hi - lo
    values = spec.sampler.take(lo, hi)
    draws = None
    if isinstance(spec.sampler, MonteCarloSampler):
        known = {name: binder.known[name][:, 0] for name in spec.sampler.series}
        draws = spec.sampler.paths(lo, hi, known, binder.last_known)
    plan = binder.bind(values, n, draws, deflators=False)  # summaries are nominal
    in_usd = spec.currency == "USD"
    n_years = len(plan.years)
    totals = {"krw": np.zeros(n), "usd": np.zeros(n)}
    finals = {"krw": np.full(n, np.nan), "usd": np.full(n, np.nan)}
    first_over = np.zeros(n, dtype=np.int32)
    paths = np.empty((n_years, n)) if spec.keep == "paths" else None
    stats = Stats.empty(n_years, spec.edges) if spec.keep == "stats" else None
    usd_rows = plan.usd.any(axis=1), plan.usd.all(axis=1)
    all_active = plan.active.all(axis=1)
    # the final payment is each sample's last active year: copy a year unless a later one overwrites it
    record_final = np.array([t == n_years - 1 or not all_active[t + 1 :].all() for t in range(n_years)])
    with np.errstate(invalid="ignore", divide="ignore"):
        for t, level in iter_levels(plan):
            if not level.max() < MAX_PAYMENT:  # also catches NaN
                bad = int(np.argmax(~(level < MAX_PAYMENT)))
                raise NonFiniteResultError(
                    f"sample {lo + bad}: the payment for {plan.years[t]} is {level[bad]:g}, beyond what "
                    f"the engine can represent (limit {MAX_PAYMENT:g}); check the ranges"
                )
            fx = plan.usd_krw[t]
            if not usd_rows[0][t]:
                krw, usd = level, level / fx
            elif usd_rows[1][t]:
                krw, usd = level * fx, level
            else:
                krw = np.where(plan.usd[t], level * fx, level)
                usd = np.where(plan.usd[t], level, level / fx)
            active = plan.active[t]
            for name, amount in (("krw", krw), ("usd", usd)):
                if all_active[t]:
                    totals[name] += amount
                    if record_final[t]:
                        finals[name][:] = amount
                else:
                    totals[name] += np.where(active, amount, 0.0)
                    finals[name] = np.where(active, amount, finals[name])
            measured = usd if in_usd else krw
            if spec.threshold is not None:
                crossing = (measured > spec.threshold) & (first_over == 0) & active
                first_over[crossing] = plan.years[t]
            if paths is not None:
                paths[t] = measured if all_active[t] else np.where(active, measured, np.nan)
            if stats is not None:
                stats.add_year(t, np.where(active, measured, np.nan))
    outcomes = {
        "total_krw": totals["krw"],
        "total_usd": totals["usd"],
        "final_payment_krw": finals["krw"],
        "final_payment_usd": finals["usd"],
    }
    if spec.threshold is not None:
        outcomes["first_year_over_threshold"] = first_over
    if stats is not None:
        stats.add_totals(totals["usd" if in_usd else "krw"], first_over, plan.years)
        outcomes = {}
    kept_draws = None
    if draws is not None and spec.keep_draws:  # only the drawn years; the record's are fixed
        kept_draws = {s: d[np.isnan(binder.known[s][:, 0])] for s, d in draws.items()}
    return ChunkResult(lo, hi, outcomes, paths, kept_draws, stats)


def _execute(
    result_type: type,
    scenario: Scenario,
    binder: Binder,
    sampler: Any,
    inputs: dict[str, Any],
    threshold: float | None,
    currency: str,
    keep: str,
    chunk_size: int | None,
    backend: str,
    progress: bool | None,
    keep_draws: bool = False,
) -> Any:
    from sma_model import __version__

    if keep not in ("samples", "paths", "stats"):
        raise SweepError(f"keep must be 'samples', 'paths' or 'stats', not {keep!r}")
    if currency not in ("KRW", "USD"):
        raise SweepError(f"currency must be 'KRW' or 'USD', not {currency!r}")
    if threshold is not None and not (isinstance(threshold, (int, float)) and np.isfinite(threshold)):
        raise SweepError(f"threshold must be a finite amount in {currency}, not {threshold!r}")
    if backend not in ("local", "dask"):
        raise SweepError(f"backend must be 'local' or 'dask', not {backend!r}")
    size = _chunk_size(chunk_size, sampler.n)
    bounds = [(lo, min(lo + size, sampler.n)) for lo in range(0, sampler.n, size)]
    spec = ChunkSpec(binder, sampler, threshold, currency, keep, keep_draws)
    started = time.perf_counter()
    if keep == "stats":
        # the first chunk fixes the histogram bins every chunk shares, so results merge exactly
        first = run_chunk(ChunkSpec(binder, sampler, threshold, currency, "paths"), *bounds[0])
        spec.edges = Stats.edges_from(first.paths, first.outcomes[f"total_{currency.lower()}"])
    chunks = _run_chunks(spec, bounds, backend, progress, started)
    inputs = {
        **inputs,
        "scenario": scenario.model_dump(mode="json"),
        "threshold": threshold,
        "currency": currency,
        "price_base_year": binder.plan.price_base_year,
        "chunk_size": size,
        "sma_model_version": __version__,
    }
    return result_type.from_chunks(chunks, sampler, binder.plan.years, inputs, time.perf_counter() - started)


def _run_chunks(
    spec: ChunkSpec, bounds: list[tuple[int, int]], backend: str, progress: bool | None, started: float
) -> list[ChunkResult]:
    if backend == "dask":
        try:
            import dask
        except ImportError:
            raise SweepError("backend='dask' needs dask: pip install 'sma-model[dask]'") from None
        tasks = [dask.delayed(run_chunk)(spec, lo, hi) for lo, hi in bounds]
        return list(dask.compute(*tasks))
    results: list[ChunkResult] = []
    bar: Callable[[int], None] | None = None
    for lo, hi in bounds:
        chunk_started = time.perf_counter()
        results.append(run_chunk(spec, lo, hi))
        if bar is not None:
            bar(1)
        elif progress is not False and len(results) < len(bounds):
            # from the last chunk's time: the first one also pays for warming up
            remaining = (time.perf_counter() - chunk_started) * (len(bounds) - len(results))
            if progress or (len(results) > 1 and remaining > PROGRESS_AFTER):
                bar = _progress_bar(len(bounds), len(results))
    if bar is not None:
        bar(0)
    return results


def _progress_bar(total: int, done: int) -> Callable[[int], None]:
    """A tqdm bar when tqdm is installed, else a line on stderr; call with 0 to close."""
    try:
        from tqdm.auto import tqdm
    except ImportError:
        state = {"done": done}

        def update(step: int) -> None:
            state["done"] += step
            end = "\n" if step == 0 else ""
            print(f"\rsma_model: chunk {state['done']}/{total}", end=end, file=sys.stderr, flush=True)

        return update
    bar = tqdm(total=total, initial=done, unit="chunk", desc="sma_model")
    return lambda step: bar.update(step) if step else bar.close()


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


def _chunk_size(chunk_size: int | None, n: int) -> int:
    if chunk_size is None:
        return RNG_BLOCK
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        raise SweepError(f"chunk_size must be a positive whole number, not {chunk_size!r}")
    return int(-(-chunk_size // RNG_BLOCK) * RNG_BLOCK)
