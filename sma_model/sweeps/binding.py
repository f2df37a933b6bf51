"""Bind sample values into a compiled plan: a sweep's fast path from parameters to arrays.

The base scenario is compiled once (or once per distinct value of the few fields
that change a plan's structure, such as ``horizon``), and each chunk of samples gets
a :class:`~sma_model.engine.Plan` whose arrays are the compiled ones with the swept
cells overwritten. Which cells a parameter governs comes from the provenance the
compiler records (``plan.origin``, ``plan.index_*``, ``plan.fx_links``); which rule
fields go straight into plan arrays comes from the compiler's registry
(:func:`~sma_model.engine.compile.swept_cells`); macro constants fill only the years
neither the record nor an explicit series covers, as in
:class:`~sma_model.model.assumptions.Assumptions`. Every value written here is computed by the
functions the compiler uses (:meth:`~sma_model.engine.plan.FxLink.value`,
:func:`~sma_model.engine.plan.index_growth`), so a bound plan equals the compiled plan
of the modified scenario.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sma_model.engine.compile import compile_plan, swept_cells
from sma_model.engine.macro import default_price_base_year, extend_levels, relative_price, resolve
from sma_model.engine.plan import CELL_FIELDS, INDEX_CODES, Plan, index_growth
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
    """The base or rule at ``origin`` when it is where a year's step sits, else None.

    Steps sit at ``agreements[i].base``, ``agreements[i].escalation``,
    ``agreements[i].escalation[year]`` and ``after_expiry`` (see ``YearTerm.origin``).
    """
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
        # per series, (n_macro_years, n_groups): the values known without the constant (NaN = filled by it)
        self.known = {
            name: np.stack(
                [
                    resolve(s.assumptions.model_copy(update={name: None}), name, self.macro_years)
                    for s in scenarios
                ],
                axis=1,
            )
            for name in self.macro_series
        }
        self._set_draw_span(scenarios, last)
        self.budget_levels = np.stack(
            [resolve(s.assumptions, "defense_budget", self.macro_years) for s in scenarios], axis=1
        )

    def _set_draw_span(self, scenarios: Sequence[Scenario], last: int) -> None:
        """The years Monte Carlo draws, their known values and the value known before them.

        The span is fixed by the scenarios and the record, never by the chosen price base
        year: from two years before the start (lagged indices) or the record's price year,
        whichever is first, to the last year a rule reads.
        """
        record_year = default_price_base_year()
        last_end = max(s.end_year for s in scenarios)
        rules_last = last_end if last == self.plan.price_base_year else last
        first = min(min(s.start_year for s in scenarios) - 2, record_year)
        self.draw_years = np.arange(first, max(rules_last, record_year) + 1)
        self.draw_known = {
            name: resolve(scenarios[0].assumptions.model_copy(update={name: None}), name, self.draw_years)
            for name in self.macro_series
        }
        self.draw_rows = np.isin(self.macro_years, self.draw_years)
        # the last value known before the drawn span, where a Monte Carlo path starts from
        earlier = np.arange(MIN_YEAR - 5, first)
        self.last_known = {}
        for name in self.macro_series:
            before = resolve(scenarios[0].assumptions.model_copy(update={name: None}), name, earlier)
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
        self,
        values: Mapping[str, np.ndarray],
        n: int,
        macro_paths: Mapping[str, np.ndarray] | None = None,
        deflators: bool = True,
    ) -> Plan:
        """The plan of ``n`` samples.

        Parameters
        ----------
        values
            Parameter path → sample values, shape ``(n,)``.
        n
            Number of samples.
        macro_paths
            Assumption name → yearly values over :attr:`macro_years`, shape
            ``(n_macro_years, n)`` (Monte Carlo).
        deflators
            Also bind the price levels, defense budget and troops (used for real terms and
            shares). With False, those arrays are left unknown (NaN) when a series they
            derive from is swept: a run of payments only does not pay for them.
        """
        plan = self.plan
        group = self.groups(values, n)
        arrays = {f: getattr(plan, f) if group is None else getattr(plan, f)[:, group] for f in CELL_FIELDS}
        anchor = plan.anchor if group is None else plan.anchor[group]
        for p in self.parameters:
            if p.target in ("macro", "structure") or p.origin not in self.origin_ids:
                continue  # a rule that governs no year of the horizon changes nothing
            cells = arrays["origin"] == self.origin_ids[p.origin]
            arrays[p.target] = np.where(cells, values[p.path][None, :], arrays[p.target])
        series = {}
        for p in self.parameters:
            if p.target == "macro":
                name = str(p.parts[1])
                known = self.known[name] if group is None else self.known[name][:, group]
                series[name] = np.where(np.isnan(known), values[p.path][None, :], known)
        series.update(macro_paths or {})
        anchor = self._bind_macro(arrays, anchor, series, group, n, deflators)
        if series or any(p.target == "spread" for p in self.parameters):
            growth = index_growth(arrays["index_raw"], arrays["spread"])
            arrays["index_value"] = np.where(arrays["indexed"], growth, 0.0)
        _check_cap_floor(arrays, values, self.parameters)
        return dataclasses.replace(plan, anchor=anchor, **arrays)

    def _bind_macro(
        self,
        arrays: dict[str, np.ndarray],
        anchor: np.ndarray,
        series: Mapping[str, np.ndarray],
        group: np.ndarray | None,
        n: int,
        deflators: bool,
    ) -> np.ndarray:
        plan, first = self.plan, int(self.macro_years[0])
        rows = plan.years - first
        active = arrays["active"]

        def on_active(values: np.ndarray) -> np.ndarray:
            return values if active.all() else np.where(active, values, np.nan)

        for name, code in (
            ("cpi", INDEX_CODES["cpi"]),
            ("defense_budget_growth", INDEX_CODES["defense_budget"]),
        ):
            if name in series:
                lagged = np.clip(
                    plan.years[:, None] - arrays["index_lag"] - first, 0, len(self.macro_years) - 1
                )
                if lagged.shape[1] == 1:  # one structure: whole rows, cheaper than take_along_axis
                    taken = series[name][lagged[:, 0]]
                else:
                    taken = np.take_along_axis(series[name], lagged, axis=0)
                arrays["index_raw"] = np.where(arrays["index_code"] == code, taken, arrays["index_raw"])
        derived = [("cpi", "rok_price"), ("us_cpi", "us_price"), ("defense_budget_growth", "defense_budget")]
        derived.append(("troops", "troops"))
        for name, target in derived:
            if name not in series:
                continue
            if not deflators:
                arrays[target] = np.full((len(plan.years), 1), np.nan)
            elif target == "defense_budget":
                levels = self.budget_levels if group is None else self.budget_levels[:, group]
                arrays[target] = on_active(extend_levels(levels, series[name])[rows])
            elif target == "troops":
                arrays[target] = on_active(series[name][rows])
            else:
                price = relative_price(series[name], self.macro_years, plan.price_base_year)
                arrays[target] = on_active(price[rows])
        if "usd_krw" in series:
            fx = series["usd_krw"]
            arrays["usd_krw"] = on_active(fx[rows])
            if plan.fx_links:
                anchor = np.array(np.broadcast_to(anchor, (n,)))
                for name in {link.field for link in plan.fx_links} - {"anchor"}:
                    arrays[name] = np.array(np.broadcast_to(arrays[name], (len(plan.years), n)))
            for link in plan.fx_links:
                samples = slice(None) if group is None else np.flatnonzero(group == link.col)
                rate = np.broadcast_to(fx[link.year - first], (n,))[samples]
                value = link.value(rate)
                if link.field == "anchor":
                    anchor[samples] = value
                else:
                    arrays[link.field][link.row, samples] = value
        return anchor


def _check_cap_floor(
    arrays: Mapping[str, np.ndarray], values: Mapping[str, np.ndarray], params: list
) -> None:
    """Caps and floors swept together can cross inside their ranges: refuse such samples."""
    targets = {p.target for p in params}
    if not {"cap", "floor"} <= targets and not ({"cap", "floor"} & targets and "structure" in targets):
        return  # one side fixed: the end checks already compared it with the swept side
    crossed = arrays["indexed"] & (arrays["cap"] < arrays["floor"])
    if crossed.any():
        sample = int(np.argwhere(crossed)[0][1])
        shown = ", ".join(f"{k}={float(v[sample]):g}" for k, v in values.items())
        raise SweepError(
            f"a sample sets a cap below its floor ({shown}); every sample's cap must be at least its "
            "floor: narrow the ranges or sweep them on a grid that keeps cap >= floor"
        )
