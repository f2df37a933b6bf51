"""Parameter sweeps and Monte Carlo runs: many projections through the one engine.

:func:`sweep` varies fields of a scenario (a grid, a Latin hypercube, or paired
values); :func:`monte_carlo` draws yearly paths of macro series. Both compile the base
scenario once, bind each chunk of samples into the plan's rows
(:mod:`sma_model.sweeps.binding`) and step the years with :func:`sma_model.engine.run.iter_rows`,
the same code :func:`sma_model.project` runs (or the same arithmetic in the optional numba
kernel, :mod:`sma_model.engine.kernel_numba`), on two threads or on dask.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

import numpy as np
from pydantic import TypeAdapter

from sma_model.errors import SweepError
from sma_model.model.parameters import Parts, resolve_path, scenario_with
from sma_model.model.scenario import Scenario
from sma_model.series import ASSUMPTIONS, DRAWABLE
from sma_model.sweeps.binding import Binder, Parameter, classify
from sma_model.sweeps.chunks import choose_kernel, execute
from sma_model.sweeps.hypercube import design_block, whole_number_field
from sma_model.sweeps.memory import check_memory
from sma_model.sweeps.processes import Process
from sma_model.sweeps.results import MonteCarloResult, SweepResult
from sma_model.sweeps.sampling import (
    MAX_SAMPLES,
    GridSampler,
    MonteCarloSampler,
    TableSampler,
    seed_record,
    seed_sequence,
)
from sma_model.sweeps.summaries import OUTCOMES

__all__ = ["monte_carlo", "sweep"]

Keep = Literal["samples", "paths", "stats"]
#: Validates an uncertainty's process (built once: building it takes longer than a small run).
_PROCESS: TypeAdapter[Any] = TypeAdapter(Process)


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
    max_memory: float | None = None,
    kernel: Literal["numpy", "numba"] | None = None,
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
        ``"grid"`` (every combination, first parameter slowest), ``"lhs"`` (a Latin
        hypercube of ``n`` samples, numpy only: each parameter's range cut into ``n``
        equal strata, one sample in each, see
        :func:`~sma_model.sweeps.hypercube.latin_hypercube`), or
        ``"zip"`` (samples given row by row). For a whole-number field (``horizon``,
        ``term_years``, ``lag``, a start year), ``"lhs"`` draws whole numbers: the range
        ``[low, high + 1)`` is stratified and each draw rounded down, so every whole
        number from ``low`` to ``high`` is drawn equally often.
    n
        Number of samples for ``"lhs"`` (at most 2**53).
    rng
        Seed for ``"lhs"`` (SPEC 7): anything :func:`numpy.random.default_rng` accepts
        (None, an int, a sequence of ints, a SeedSequence, spawned children included, a
        BitGenerator or a Generator), or an earlier result's ``inputs["seed"]``. The
        seed gives a :class:`numpy.random.SeedSequence` ``s``; the ``k``-th parameter
        (in the order given) draws from its child ``k``, ``default_rng(SeedSequence(
        s.entropy, spawn_key=(*s.spawn_key, k)))``: a permutation of the ``n`` strata
        (``permutation(n)``), then ``n`` uniforms (``random(n)``) placing each sample in
        its stratum: sample ``i`` is ``low + (perm[i] + u[i]) * (high - low) / n``. The
        same seed, ``n`` and range give the same values for a parameter whatever else is
        swept beside it (since 0.3.0; before, scipy's ``LatinHypercube`` drew them).
    threshold
        A yearly payment [``currency``]; the frame gives the first year above it.
    currency
        Currency of ``threshold``, of kept paths and of percentiles.
    keep
        ``"samples"``: one row per sample. ``"paths"``: also every yearly payment
        (``n_years × n`` float64). ``"stats"``: stream per-year statistics only, so
        memory stays bounded whatever ``n`` is; percentiles are then within a relative
        ``result.percentile_error`` (1e-4) of the exact ones (see
        :mod:`sma_model.sweeps.sketch`).
    chunk_size
        Samples per chunk (rounded up to a multiple of 65,536); default 65,536.
    backend
        ``"local"`` or ``"dask"`` (each chunk a task on the active ``dask.distributed``
        client, else dask's current scheduler; needs ``sma-model[dask]``; see the user
        guide's page on dask for when it pays).
    progress
        Show a progress bar: None shows one when the run looks longer than 2 s.
    price_base_year
        As in :func:`sma_model.project`.
    max_memory
        The most memory the run may take [bytes]. Before it starts, the run estimates
        what it will hold (rows, paths, chunks in flight; see
        :func:`~sma_model.sweeps.chunks.estimate_memory`) and raises :class:`SweepError`
        above this. None allows 80 % of the memory available when it starts.
    kernel
        ``"numpy"`` (the default) or ``"numba"``: a compiled loop over each sample's
        years (needs ``sma-model[fast]``), the same numbers to 1e-12 and several times
        faster; runs it does not cover (swept structures, phase-ins, ``keep="stats"``) use
        numpy. With ``"numba"`` a Latin hypercube is drawn by a compiled loop too
        (:mod:`~sma_model.sweeps.hypercube_numba`), the same design bit for bit. None takes
        the environment variable ``SMA_MODEL_KERNEL``, else numpy.

    Returns
    -------
    SweepResult

    Raises
    ------
    SweepError
        Bad arguments, a grid of more than 2**53 samples, or a run that would need more
        memory than ``max_memory``.
    pydantic.ValidationError
        A range whose ends the models refuse.

    Notes
    -----
    Rule fields (base amounts and rises, rates, caps, floors, spreads, after-expiry rules) and
    macro constants (``assumptions.cpi``, ``defense_budget_growth``, ``usd_krw``, ``us_cpi``,
    ``troops``) go straight into the compiled arrays. Other numeric fields (``horizon``,
    ``lag``, a year of a series …) compile the scenario once per distinct value. A macro
    constant fills only the years the record and explicit series leave open. Korean only.

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
    # checked, with positions made non-negative, before anything runs (once per scenario and paths)
    fields = _recent(scenario, ("paths", tuple(parameters)), lambda: _fields(scenario, parameters))
    columns = {p.path: _as_values(path, values) for (p, _), (path, values) in zip(fields, parameters.items())}
    if len(columns) < len(parameters):
        raise SweepError(f"parameters name the same field twice: {list(parameters)}")
    whole = {p.path for p, is_whole in fields if is_whole}
    # a local run that keeps rows holds its results below the design; dask's are in shared memory
    room = backend == "local" and keep != "stats"
    chosen = choose_kernel(kernel)  # the design too is drawn by the kernel's code
    sampler, seed = _sampler(columns, method, n, rng, max_memory, whole, room, chosen)
    params = [p for p, _ in fields]
    ends = {p.parts: (float(np.min(columns[p.path])), float(np.max(columns[p.path]))) for p in params}
    _recent(scenario, ("ends", tuple(ends.items())), lambda: _validate_ends(scenario, ends))
    structures = sampler.distinct([p.path for p in params if p.target == "structure"])
    reference = {k: lo for k, (lo, _) in ends.items()}
    binder = _binder(scenario, params, reference, structures, [], price_base_year)
    inputs = {
        "kind": "sweep",
        "method": method,
        "parameters": {p.path: _json_values(columns[p.path], ends[p.parts]) for p in params},
        "n": sampler.n,
        "seed": None if seed is None else seed_record(seed),
    }
    run = (threshold, currency, keep, chunk_size, backend, progress)
    return execute(SweepResult, scenario, binder, sampler, inputs, *run, max_memory=max_memory, kernel=chosen)


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
    max_memory: float | None = None,
    kernel: Literal["numpy", "numba"] | None = None,
) -> MonteCarloResult:
    """Project a scenario under random paths of its macro assumptions.

    Parameters
    ----------
    scenario
        The base scenario.
    n
        Number of samples.
    rng
        Seed (SPEC 7): anything :func:`numpy.random.default_rng` accepts (None, an int, ints, a
        SeedSequence or its children, a BitGenerator or Generator), or a result's ``inputs["seed"]``;
        the same seed gives the same result, whatever the chunk size or backend.
    uncertainties
        Name → process, ``{"cpi": Normal(mean=0.02, sd=0.007), "usd_krw": LogRandomWalk(sd=0.06)}``
        (``cpi``, ``defense_budget_growth``, ``usd_krw``, ``us_cpi``, ``troops``): draws fill the
        years the record and explicit series leave open.
    correlation
        ``{("cpi", "defense_budget_growth"): 0.5}``: correlation of yearly shocks.
    threshold, currency, keep, chunk_size, backend, progress, price_base_year, max_memory, kernel
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
    processes = _processes(scenario, uncertainties)
    if correlation is not None and not isinstance(correlation, Mapping):
        raise SweepError(
            f"correlation must be a mapping like {{('cpi', 'defense_budget_growth'): 0.5}}, "
            f"not {type(correlation).__name__}"
        )
    seed = seed_sequence(rng)
    sampler = MonteCarloSampler(processes, n, seed, correlation)
    reference: dict[Parts, float] = {("assumptions", name): _center(name, p) for name, p in processes.items()}
    binder = _binder(scenario, [], reference, np.empty((1, 0)), list(processes), price_base_year)
    inputs = {
        "kind": "monte_carlo",
        "uncertainties": {k: v.model_dump(mode="json") for k, v in processes.items()},
        "correlation": {f"{a}~{b}": rho for (a, b), rho in (correlation or {}).items()},
        "n": n,
        "seed": seed_record(seed),
        "draw_years": _draw_years(binder, processes),
    }
    run = (threshold, currency, keep, chunk_size, backend, progress)
    return execute(MonteCarloResult, scenario, binder, sampler, inputs, *run, keep_draws, max_memory, kernel)


def _recent(scenario: Scenario, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    """``build()``, or its value for the same (frozen) scenario object, held weakly, and key.

    Repeated runs skip compiling the :class:`Binder` (binding only reads it) and the ends."""
    found = [value for held, held_key, value in _RECENT if held() is scenario and held_key == key]
    if found:
        return found[0]
    value = build()
    _RECENT.insert(0, (weakref.ref(scenario), key, value))
    del _RECENT[8:]
    return value


_RECENT: list[tuple[weakref.ref[Scenario], tuple[Any, ...], Any]] = []


def _binder(scenario: Scenario, *args: Any) -> Binder:
    """``Binder(scenario, *args)``, or the same from a recent run (see :func:`_recent`)."""
    params, reference, structures, series, price_base_year = args
    key = (tuple(params), tuple(sorted(reference.items())), structures.tobytes(), structures.shape)
    return _recent(scenario, (*key, tuple(series), price_base_year), lambda: Binder(scenario, *args))


def _draw_years(binder: Binder, processes: Mapping[str, Any]) -> dict[str, list[int]]:
    """The years each series is drawn in (those the record and explicit series leave open)."""
    draw_years = {name: [int(y) for y in binder.macro_years[binder.drawn(name)]] for name in processes}
    if not any(draw_years.values()):
        first, last = int(binder.macro_years[0]), int(binder.macro_years[-1])
        raise SweepError(
            f"nothing to draw: the record or explicit series give {', '.join(processes)} for every "
            f"year the scenario needs ({first}-{last}), so every sample would be the same; "
            "extend the horizon past the record or give Assumptions(use_record=False)"
        )
    return draw_years


def _fields(scenario: Scenario, paths: Iterable[str]) -> tuple[tuple[Parameter, bool], ...]:
    """Each path's :class:`Parameter` (checked, see :func:`resolve_path`) and whether it is whole."""
    parts = [resolve_path(scenario, path) for path in paths]
    return tuple((classify(scenario, p), whole_number_field(scenario, p)) for p in parts)


def _sampler(
    columns: Mapping[str, np.ndarray],
    method: Any,
    n: Any,
    rng: Any,
    max_memory: float | None,
    whole: set[str],
    room: bool = True,
    kernel: str = "numpy",
) -> tuple[Any, np.random.SeedSequence | None]:
    """The sampler of ``method`` over ``columns``, and the seed of a Latin hypercube.

    ``room``: draw a Latin hypercube with rows for the outcomes below it, to be the result's
    table; ``kernel``: whose code draws it (see :func:`~sma_model.sweeps.hypercube.design_block`).
    """
    if method == "grid":
        if n is not None:
            raise SweepError("n is for method='lhs'; a grid has one sample per combination")
        return GridSampler(columns), None
    if method == "zip":
        return TableSampler(columns), None
    if method != "lhs":
        raise SweepError(f"method must be 'grid', 'lhs' or 'zip', not {method!r}")
    n = _check_n(n, "lhs")
    seed = seed_sequence(rng)
    needs = {"design": 3 * 8 * n * len(columns), "rows": 2 * 8 * n * (len(columns) + 6)}
    check_memory(needs, max_memory, n)
    # drawn with room for the outcomes below it: the design becomes the result's table, uncopied
    block = design_block(columns, n, seed, whole, spare_rows=len(OUTCOMES) if room else 0, kernel=kernel)
    return TableSampler(dict(zip(columns, block)), result_table=block if room else None), seed


def _processes(scenario: Scenario, uncertainties: Mapping[str, Any]) -> dict[str, Any]:
    """Each uncertain series' process, validated; unknown series get close names suggested."""
    if not isinstance(uncertainties, Mapping):
        raise SweepError(
            f"uncertainties must be a mapping like {{'usd_krw': LogRandomWalk(sd=0.06)}}, "
            f"not {type(uncertainties).__name__}"
        )
    adapter = _PROCESS
    processes = {}
    for name, process in uncertainties.items():
        if not isinstance(name, str) or name not in DRAWABLE:
            resolve_path(scenario, f"assumptions.{name}")  # suggests close names
            raise SweepError(f"uncertainties: {name!r} cannot follow a process")
        processes[name] = adapter.validate_python(process)
    return processes


def _check_scenario(scenario: Any) -> Scenario:
    if not isinstance(scenario, Scenario):
        raise SweepError(f"scenario must be a sma_model.Scenario, not {type(scenario).__name__}")
    if scenario.host != "korea":  # outcomes are summed and named in won (total_krw …)
        raise SweepError(
            f"sweeps cover Korean scenarios (outcomes in won); {scenario.name!r} is {scenario.host}'s"
        )
    return scenario


def _check_n(n: Any, who: str) -> int:
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or n < 1:
        raise SweepError(f"{who}: n must be a positive whole number of samples, not {n!r}")
    if n > MAX_SAMPLES:
        raise SweepError(f"{who}: n = {n:.3g} is more samples than a run can hold ({MAX_SAMPLES:.3g})")
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


def _json_values(values: np.ndarray, ends: tuple[float, float]) -> list[float] | dict[str, float]:
    if len(values) <= 1000:
        return [float(v) for v in values]
    return {"min": ends[0], "max": ends[1], "count": len(values)}


def _validate_ends(scenario: Scenario, ends: Mapping[Any, tuple[float, float]]) -> None:
    """Build the scenario at each parameter's lowest and highest value: the models check them."""
    for parts, (low, high) in ends.items():
        for value in (low, high) if low != high else (low,):
            scenario_with(scenario, {parts: value})


def _center(name: str, process: Any) -> float:
    """A value of ``name`` to compile the base with (draws overwrite it): inside the series' range."""
    center = getattr(process, "center", None)
    if center is None:  # Bootstrap: the record's median
        center = float(np.median(process.pool(name)))
    bounds = ASSUMPTIONS.get(name)
    return center if bounds is None else float(np.clip(center, bounds.low, bounds.high))
