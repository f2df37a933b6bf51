"""Bind sample values into a compiled plan: a sweep's fast path from parameters to arrays.

The base scenario is compiled once (or once per distinct value of the few fields
that change a plan's structure, such as ``horizon``), and each chunk of samples gets
a :class:`~sma_model.engine.Plan` whose arrays are the compiled ones with the swept
cells overwritten. Which cells a parameter governs comes from the provenance the
compiler records (``plan.origin``, ``plan.index_*``, ``plan.fx_links``); macro
constants fill only the years neither the record nor an explicit series covers, as in
:class:`~sma_model.assumptions.Assumptions`. Every value written here is computed by the
same arithmetic the compiler uses, so a bound plan equals the compiled plan of the
modified scenario.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sma_model.engine.compile import compile_plan
from sma_model.engine.macro import extend_levels, relative_price, resolve
from sma_model.engine.plan import CELL_FIELDS, INDEX_CODES, Plan
from sma_model.errors import SweepError
from sma_model.model.parameters import Parts, format_path, scenario_with
from sma_model.model.scenario import Scenario
from sma_model.model.terms import MIN_YEAR, Fixed, Indexed, Money, Rise
from sma_model.series import DRAWABLE
from sma_model.units import to_other_currency

__all__ = ["Binder", "Parameter", "classify"]

#: Rule fields a sweep writes straight into plan cells, by rule type.
_RULE_FIELDS = {Fixed: {"rate": "rate"}, Indexed: {"cap": "cap", "floor": "floor", "spread": "spread"}}


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
    if parts[0] == "agreements" and len(parts) == 4 and parts[2] == "base":
        base = scenario.agreements[parts[1]].base
        if isinstance(base, Money) and parts[3] == "amount":
            return Parameter(path, parts, "reset_value", parts[:3])
        if isinstance(base, Rise) and parts[3] == "rate":
            return Parameter(path, parts, "rate", parts[:3])
    if (parts[0] == "agreements" and parts[2:3] == ("escalation",) and len(parts) in (4, 5)) or (
        parts[0] == "after_expiry" and len(parts) == 2
    ):
        rule: Any = scenario
        for part in parts[:-1]:
            rule = rule[part] if isinstance(part, int) or isinstance(rule, dict) else getattr(rule, part)
        target = _RULE_FIELDS.get(type(rule), {}).get(str(parts[-1]))
        if target is not None:
            return Parameter(path, parts, target, parts[:-1])
    if parts[0] == "assumptions" and len(parts) == 2 and parts[1] in DRAWABLE:
        return Parameter(path, parts, "macro")
    return Parameter(path, parts, "structure")


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
        # the last value known before the macro span, where a Monte Carlo path starts from
        earlier = np.arange(MIN_YEAR - 5, first)
        self.last_known = {}
        for name in self.macro_series:
            before = resolve(scenarios[0].assumptions.model_copy(update={name: None}), name, earlier)
            before = before[np.isfinite(before)]
            self.last_known[name] = float(before[-1]) if len(before) else float("nan")
        self.budget_levels = np.stack(
            [resolve(s.assumptions, "defense_budget", self.macro_years) for s in scenarios], axis=1
        )

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
            arrays["index_value"] = np.where(arrays["indexed"], arrays["index_raw"] + arrays["spread"], 0.0)
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
                value = to_other_currency(link.amount, link.multiply, rate)
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
