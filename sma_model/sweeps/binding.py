"""Bind sample values into a compiled plan: a sweep's fast path from parameters to arrays.

The base scenario is compiled once (or once per distinct value of the few fields that change a plan's
structure, such as ``horizon``), and each chunk of samples gets a :class:`~sma_model.engine.Plan` whose
arrays are the compiled ones with the swept cells overwritten. Which cells a parameter governs comes
from the provenance the compiler records (``plan.origin``, ``plan.index_*``, ``plan.fx_links``); which
rule fields go straight into plan arrays comes from the compiler's registry
(:func:`~sma_model.engine.compile.swept_cells`); macro constants fill only the years neither the record
nor an explicit series covers, as in :class:`~sma_model.model.assumptions.Assumptions`. Every value
written here is computed by the functions the compiler uses
(:meth:`~sma_model.engine.plan.FxLink.value`, :func:`~sma_model.engine.plan.index_growth`), so a bound
plan equals the compiled plan of the modified scenario.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from sma_model.engine.compile import compile_plan, swept_cells
from sma_model.engine.macro import default_price_base_year, resolve
from sma_model.engine.plan import INDEX_CODES, index_growth
from sma_model.engine.run import STEP_FIELDS, Rows, row_all, row_any
from sma_model.errors import SweepError
from sma_model.model.parameters import Parts, format_path, scenario_with
from sma_model.model.scenario import Scenario
from sma_model.model.terms import MIN_YEAR, Money, Rise, Rule
from sma_model.series import DRAWABLE
from sma_model.sweeps.sampling import MonteCarloSampler

__all__ = ["Binder", "Parameter", "classify"]


@dataclass(frozen=True)
class Parameter:
    """A swept field: its path, and how samples reach the plan.

    ``target`` is the plan array a cell hook writes (``rate``, ``cap``, ``floor``,
    ``spread``, ``reset_value``), ``"macro"`` for an assumption constant, or
    ``"structure"`` for any other field: samples are then grouped by value and each
    group compiled once (exact, and fast when the field takes few values).
    """

    path: str
    parts: Parts
    target: str
    origin: Parts = ()


def classify(scenario: Scenario, parts: Parts) -> Parameter:
    """How samples of the field at ``parts`` reach the plan (see :class:`Parameter`)."""
    path = format_path(parts)
    step = _step_at(scenario, parts[:-1])
    target = swept_cells(type(step)).get(str(parts[-1])) if step is not None else None
    if target is not None:
        return Parameter(path, parts, target, parts[:-1])
    if parts[0] == "assumptions" and len(parts) == 2 and parts[1] in DRAWABLE:
        return Parameter(path, parts, "macro")
    return Parameter(path, parts, "structure")


def _step_at(scenario: Scenario, origin: Parts) -> Any:
    """The base or rule at ``origin`` when a year's step sits there, else None.

    Steps sit at ``agreements[i].base``, ``agreements[i].escalation[, year]`` and
    ``after_expiry`` (see ``YearTerm.origin``)."""
    is_base = len(origin) == 3 and origin[0] == "agreements" and origin[2] == "base"
    in_agreement = origin[:1] == ("agreements",) and origin[2:3] == ("escalation",)
    is_rule = (in_agreement and len(origin) in (3, 4)) or origin == ("after_expiry",)
    if not (is_base or is_rule):
        return None
    node: Any = scenario
    for part in origin:
        node = node[part] if isinstance(part, int) or isinstance(node, dict) else getattr(node, part)
    wanted = (Money, Rise) if is_base else Rule
    return node if isinstance(node, wanted) else None


class Binder:
    """The compiled base of a sweep, and the binding of sample values into it.

    Parameters
    ----------
    scenario
        The base scenario.
    parameters
        The swept fields (see :func:`classify`).
    reference
        A value for each swept field and each macro series a Monte Carlo run draws,
        used to compile the base (the swept cells are overwritten per sample).
    structures
        The distinct rows of values the ``"structure"`` parameters take, one per row,
        in the order of those parameters.
    macro_series
        Assumption names whose yearly values come from Monte Carlo paths.
    price_base_year
        As in :func:`~sma_model.engine.compile_plan`.
    """

    def __init__(
        self,
        scenario: Scenario,
        parameters: Sequence[Parameter],
        reference: Mapping[Parts, float],
        structures: np.ndarray,
        macro_series: Sequence[str] = (),
        price_base_year: int | None = None,
    ) -> None:
        self.parameters = list(parameters)
        self.structural = [p for p in self.parameters if p.target == "structure"]
        base = scenario_with(scenario, reference)
        if self.structural:
            scenarios = [
                scenario_with(
                    base,
                    {p.parts: row[k] for k, p in enumerate(self.structural)},
                    name=f"{scenario.name} #{g}",
                )
                for g, row in enumerate(structures)
            ]
            self.group_of = {tuple(row): g for g, row in enumerate(structures)}
        else:
            scenarios = [base]
            self.group_of = {}
        self.plan = compile_plan(scenarios, price_base_year=price_base_year)
        self.origin_ids = {origin: i for i, origin in enumerate(self.plan.origins)}
        first = min(f for f, _ in self.plan.macro_spans)
        last = max(last for _, last in self.plan.macro_spans)
        self.macro_years = np.arange(first, last + 1)
        swept_macro = [str(p.parts[1]) for p in self.parameters if p.target == "macro"]
        self.macro_series = list(dict.fromkeys([*swept_macro, *macro_series]))
        self._set_spans(scenarios, last)

    def _set_spans(self, scenarios: Sequence[Scenario], last: int) -> None:
        """What is known of each series: on the plan's years, the drawn years, and before those.

        ``known[series]`` ``(n_macro_years, n_groups)``: values known without the constant
        (NaN: filled by it). ``draw_years``: the years Monte Carlo draws, never moved by the
        price base year: from two years before the start (lagged indices) or the record's
        price year, whichever is first, to the last year a rule reads; ``draw_known`` their
        known values, ``last_known`` the last one before them, where a path starts.
        """
        record_year = default_price_base_year()
        last_end = max(s.end_year for s in scenarios)
        rules_last = last_end if last == self.plan.price_base_year else last
        first = min(min(s.start_year for s in scenarios) - 2, record_year)
        self.draw_years = np.arange(first, max(rules_last, record_year) + 1)
        self.draw_rows = np.isin(self.macro_years, self.draw_years)
        low = min(MIN_YEAR - 5, int(self.macro_years[0]), first)
        span = np.arange(low, max(int(self.macro_years[-1]), int(self.draw_years[-1])) + 1)
        on_macro, on_draw = self.macro_years - low, self.draw_years - low
        self.known, self.draw_known, self.last_known = {}, {}, {}
        for name in self.macro_series:
            values = resolve(scenarios[0].assumptions.model_copy(update={name: None}), name, span)
            others = [
                resolve(s.assumptions.model_copy(update={name: None}), name, self.macro_years)
                for s in scenarios[1:]
            ]
            self.known[name] = np.stack([values[on_macro], *others], axis=1)
            self.draw_known[name] = values[on_draw]
            before = values[: first - low]
            before = before[np.isfinite(before)]
            self.last_known[name] = float(before[-1]) if len(before) else float("nan")

    def drawn(self, name: str) -> np.ndarray:
        """Which macro years a Monte Carlo run draws for series ``name`` [bool, per year]."""
        drawn_years = self.draw_years[np.isnan(self.draw_known[name])]
        return np.isin(self.macro_years, drawn_years)

    def draw_macro(self, sampler: MonteCarloSampler, lo: int, hi: int) -> dict[str, np.ndarray]:
        """Samples ``lo:hi`` of each drawn series over :attr:`macro_years`, shape ``(n_years, hi - lo)``.

        Only the drawn span comes from the sampler; years outside it (added by a price base
        year for deflating) keep the scenario's own values: the record, its explicit series
        or its constant.
        """
        known = {name: self.draw_known[name] for name in sampler.series}
        drawn = sampler.paths(lo, hi, known, self.last_known)
        rows = self.draw_rows
        taken = np.isin(self.draw_years, self.macro_years)
        if rows.all() and taken.all():
            return drawn
        outside = self.macro_years[~rows]
        out = {}
        for name, values in drawn.items():
            full = np.empty((len(self.macro_years), values.shape[1]))
            full[rows] = values[taken]
            full[~rows] = resolve(self.plan.scenarios[0].assumptions, name, outside)[:, None]
            out[name] = full
        return out

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (for dask) without :attr:`listed`, which is rebuilt where it is used."""
        return {k: v for k, v in self.__dict__.items() if k != "listed"}

    @cached_property
    def listed(self) -> dict[str, list[np.ndarray]]:
        """The compiled rows of each bound field, listed once (views of the plan, never written)."""
        return {f: list(getattr(self.plan, f)) for f in _BOUND_FIELDS}

    @property
    def n_groups(self) -> int:
        """Distinct compiled structures."""
        return self.plan.shape[1]

    def groups(self, values: Mapping[str, np.ndarray], n: int) -> np.ndarray | None:
        """The compiled structure of each sample, or None when there is one."""
        if not self.structural:
            return None
        rows = np.stack([values[p.path] for p in self.structural], axis=1)
        distinct, inverse = np.unique(rows, axis=0, return_inverse=True)
        lookup = np.array([self.group_of[tuple(row)] for row in distinct])
        return lookup[inverse.ravel()]

    def bind(
        self, values: Mapping[str, np.ndarray], n: int, macro_paths: Mapping[str, np.ndarray] | None = None
    ) -> Rows:
        """The plan of ``n`` samples, a row per year, as the yearly step reads it.

        ``values``: parameter path → sample values, shape ``(n,)``; ``macro_paths``:
        assumption name → yearly values over :attr:`macro_years`, ``(n_macro_years, n)``
        (Monte Carlo). A swept value stays one vector that each year it governs refers to
        (see :class:`~sma_model.engine.run.Rows`); other years keep the compiled row,
        shape ``(1,)``. Besides the step's fields the rows hold ``usd``, ``usd_krw`` (as
        drawn outside a sample's span: mask with ``active``) and ``active``.
        """
        plan = self.plan
        group = self.groups(values, n)
        cells = {f: _rows(getattr(plan, f), group, self.listed[f]) for f in _BOUND_FIELDS}
        anchor = _gather(np.asarray(plan.anchor, dtype=float), group)
        changed: set[int] = set()
        for p in self.parameters:
            if p.target in ("macro", "structure") or p.origin not in self.origin_ids:
                continue  # a rule that governs no year of the horizon changes nothing
            rows = _overwrite(cells[p.target], cells["origin"], self.origin_ids[p.origin], values[p.path])
            if p.target == "spread":
                changed |= rows
        series: dict[str, list[np.ndarray]] = {}
        for p in self.parameters:
            if p.target == "macro":
                name = str(p.parts[1])
                series[name] = [_fill(_gather(row, group), values[p.path]) for row in self.known[name]]
        series.update({name: list(paths) for name, paths in (macro_paths or {}).items()})
        changed |= self._bind_index(cells, series, n)
        _index_values(cells, changed)
        if "usd_krw" in series:
            anchor = self._bind_fx(cells, anchor, series["usd_krw"], group)
        _check_cap_floor(cells, values, self.parameters, n)
        return Rows(n, anchor, cells)

    def _bind_index(
        self, cells: dict[str, list[np.ndarray]], series: Mapping[str, list[np.ndarray]], n: int
    ) -> set[int]:
        """Write the lagged index of each indexed year from the bound series; the rows changed."""
        first, last = int(self.macro_years[0]), len(self.macro_years) - 1
        changed = set()
        for name, index in (("cpi", "cpi"), ("defense_budget_growth", "defense_budget")):
            code = INDEX_CODES[index]
            if name not in series:
                continue
            rows = series[name]
            for t, year in enumerate(self.plan.years):
                follows = cells["index_code"][t] == code
                if not row_any(follows):
                    continue
                lag = cells["index_lag"][t]
                if lag.size == 1:
                    taken = rows[min(max(int(year - lag[0] - first), 0), last)]
                else:  # structures with different lags
                    at = np.clip(year - lag - first, 0, last)
                    taken = np.empty(n)
                    for row in np.unique(at):
                        np.copyto(taken, np.broadcast_to(rows[row], (n,)), where=at == row)
                raw = cells["index_raw"]
                raw[t] = taken if row_all(follows) else np.where(follows, taken, raw[t])
                changed.add(t)
        return changed

    def _bind_fx(
        self,
        cells: dict[str, list[np.ndarray]],
        anchor: np.ndarray,
        fx: list[np.ndarray],
        group: np.ndarray | None,
    ) -> np.ndarray:
        """Write the bound exchange rates, and redo the amounts converted at them."""
        first = int(self.macro_years[0])
        cells["usd_krw"] = [fx[year - first] for year in self.plan.years]
        for link in self.plan.fx_links:
            value = link.value(fx[link.year - first])
            if group is not None:
                samples = group == link.col
                if not samples.any():
                    continue
                old = anchor if link.field == "anchor" else cells[link.field][link.row]
                value = np.where(samples, value, old)
            if link.field == "anchor":
                anchor = value
            else:
                cells[link.field][link.row] = value
        return anchor


#: The plan arrays a bound chunk carries: the step's, what a chunk converts and masks with,
#: and the provenance that says which cells a swept value reaches.
_BOUND_FIELDS = (*STEP_FIELDS, *"usd usd_krw active origin index_code index_lag index_raw spread".split())


def _gather(row: np.ndarray, group: np.ndarray | None) -> np.ndarray:
    """A compiled row (one value per structure) for the samples of ``group``: ``(1,)`` if uniform."""
    if row.size == 1:
        return row
    if group is None or (row == row[0]).all() or np.isnan(row).all():
        return row[:1]
    return row[group]


def _rows(array: np.ndarray, group: np.ndarray | None, listed: list[np.ndarray]) -> list[np.ndarray]:
    """The rows of a compiled ``(n_years, n_structures)`` array (``listed``) for ``group``'s samples."""
    if group is None or array.shape[1] == 1:
        return list(listed)
    return [_gather(row, group) for row in array]


def _fill(known: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """A macro year: the known value, or the sample's constant where none is known (NaN)."""
    if known.size == 1:  # one structure
        return vector if math.isnan(known[0]) else known
    unknown = np.isnan(known)
    if unknown.all():
        return vector
    return np.where(unknown, vector, known) if unknown.any() else known


def _overwrite(rows: list[np.ndarray], origin: list[np.ndarray], code: int, vector: np.ndarray) -> set[int]:
    """Write ``vector`` into the cells whose rule is ``code``; the rows changed."""
    changed = set()
    for t, where in enumerate(origin):
        if where.size == 1 and where[0] != code:  # another rule's shared row
            continue
        cells = where == code
        if row_all(cells):
            rows[t] = vector
        elif row_any(cells):
            rows[t] = np.where(cells, vector, rows[t])
        else:
            continue
        changed.add(t)
    return changed


def _index_values(cells: dict[str, list[np.ndarray]], changed: set[int]) -> None:
    """Redo the index plus spread of the rows whose index or spread was bound.

    A vector shared by several years (a swept CPI constant, say) gives one sum for all of
    them, computed once.
    """
    done: dict[tuple[object, object], np.ndarray] = {}
    for t in sorted(changed):
        raw, spread, indexed = cells["index_raw"][t], cells["spread"][t], cells["indexed"][t]
        key = (_identity(raw), _identity(spread))
        if key not in done:
            done[key] = index_growth(raw, spread)
        growth = done[key]
        cells["index_value"][t] = growth if row_all(indexed) else np.where(indexed, growth, 0.0)


def _identity(row: np.ndarray) -> object:
    """What makes two rows the same: the value of a shared row, the object of a vector."""
    return float(row[0]) if row.size == 1 else id(row)


def _check_cap_floor(
    cells: Mapping[str, list[np.ndarray]], values: Mapping[str, np.ndarray], params: list, n: int
) -> None:
    """Caps and floors swept together can cross inside their ranges: refuse such samples."""
    targets = {p.target for p in params}
    if not {"cap", "floor"} <= targets and not ({"cap", "floor"} & targets and "structure" in targets):
        return  # one side fixed: the end checks already compared it with the swept side
    seen = set()
    for indexed, cap, floor in zip(cells["indexed"], cells["cap"], cells["floor"]):
        key = (_identity(indexed), _identity(cap), _identity(floor))
        if key in seen or (indexed.size == 1 and not indexed[0]):
            continue  # years sharing a cap and a floor vector are compared once
        seen.add(key)
        crossed = cap < floor if indexed.size == 1 else (cap < floor) & indexed  # indexed years only
        if crossed.any():
            sample = int(np.argmax(np.broadcast_to(crossed, (n,))))
            shown = ", ".join(f"{k}={float(v[sample]):g}" for k, v in values.items())
            raise SweepError(
                f"a sample sets a cap below its floor ({shown}); every sample's cap must be at least its "
                "floor: narrow the ranges or sweep them on a grid that keeps cap >= floor"
            )
