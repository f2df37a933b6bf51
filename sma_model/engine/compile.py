"""Compiling scenarios to a :class:`~sma_model.engine.plan.Plan` of arrays.

:func:`compile_plan` resolves each scenario's year-by-year terms
(:meth:`~sma_model.model.scenario.Scenario.timeline`) and macro assumptions
(:mod:`sma_model.engine.macro`) into arrays of shape ``(n_years, n_scenarios)``;
:func:`sma_model.engine.run.run` steps through them.

Each year's step (an escalation rule, a base amount or a rise) is compiled by the
function registered for its type with :func:`compiles`: it writes that year's
:class:`Cell` of the plan. A new rule is a model class
(:func:`~sma_model.model.registry.register_rule`) plus one such function; see
CONTRIBUTING.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from sma_model.engine.macro import ScenarioMacro, default_price_base_year, relative_price
from sma_model.engine.plan import CELL_FIELDS, INDEX_CODES, FxLink, Plan, index_growth, keep_plan, kept_plan
from sma_model.errors import ScenarioError, SMAModelError
from sma_model.model.registry import revalidated
from sma_model.model.scenario import Scenario, YearTerm
from sma_model.model.terms import Fixed, Frozen, Indexed, Money, PhaseIn, Rise, Schedule, describe_rule
from sma_model.record.macro import macro_span
from sma_model.record.payments import published_payment, record_read
from sma_model.series import INDEX_SERIES

__all__ = ["Cell", "compile_plan", "compiles", "swept_cells"]

#: ``function(cell, term, macro)``: writes one year's cell of the plan for ``term.step``.
CompileFunction = Callable[["Cell", YearTerm, ScenarioMacro], None]
F = TypeVar("F", bound=CompileFunction)


@dataclass(frozen=True, eq=False)  # hashed by identity: a plan is kept per set of compilers
class _Compiler:
    function: CompileFunction
    cells: Mapping[str, str]


_COMPILERS: dict[type, _Compiler] = {}


def compiles(step_type: type, cells: Mapping[str, str] | None = None) -> Callable[[F], F]:
    """Register the function that compiles steps of ``step_type`` (a decorator).

    Parameters
    ----------
    step_type
        A rule class (or :class:`~sma_model.model.terms.Money` / ``Rise`` for bases).
    cells
        Fields of the step copied as they are into plan arrays, ``{field: plan array}``
        (``{"rate": "rate"}`` for :class:`Fixed`). The compiler copies them before
        calling the function (a field that is None is skipped, leaving the array's
        default), and sweeps overwrite those arrays directly instead of recompiling
        (:mod:`sma_model.sweeps.binding`). Only a field whose value is the cell's value
        in every year the rule governs belongs here.

    Examples
    --------
    >>> @compiles(Frozen)
    ... def _frozen(cell, term, macro):
    ...     cell.set(rate=0.0)  # doctest: +SKIP
    """
    cells = dict(cells or {})
    unknown = sorted(set(cells.values()) - set(CELL_FIELDS))
    if unknown:
        raise SMAModelError(
            f"compiles({step_type.__name__}): {unknown} are not plan arrays; choose from {CELL_FIELDS}"
        )

    def register(function: F) -> F:
        if step_type in _COMPILERS and _COMPILERS[step_type].function is not function:
            raise SMAModelError(f"{step_type.__name__} already has a compile function")
        _COMPILERS[step_type] = _Compiler(function, cells)
        return function

    return register


def swept_cells(step_type: type) -> Mapping[str, str]:
    """Fields of ``step_type`` copied straight into plan arrays (see :func:`compiles`)."""
    compiler = _COMPILERS.get(step_type)
    return compiler.cells if compiler is not None else {}


@dataclass(frozen=True)
class Cell:
    """One (year, scenario) cell of a plan being compiled: what a compile function writes."""

    plan: Plan
    row: int
    col: int
    currency: str
    """The payment currency of the cell's year."""

    def set(self, **values: Any) -> None:
        """Write plan arrays at this cell: ``cell.set(rate=0.05)``."""
        plan, at = self.plan, (self.row, self.col)
        for name, value in values.items():
            getattr(plan, name)[at] = value

    def in_payment_currency(
        self, money: Money, year: int, field: str, macro: ScenarioMacro, why: str
    ) -> float:
        """``money`` in the cell's currency at ``year``'s rate [host currency per USD], for ``field``.

        The conversion is recorded (:class:`~sma_model.engine.plan.FxLink`) so sweeps of
        USD/KRW redo it; ``why`` goes into the error when the rate is unknown.
        """
        if money.currency == self.currency:
            return money.amount
        fx = macro.get("usd_krw", year, why)
        link = FxLink(field, self.row, self.col, year, money.currency == "USD", money.amount)
        self.plan.fx_links.append(link)
        return float(link.value(fx))


def compile_plan(scenarios: Scenario | Sequence[Scenario], price_base_year: int | None = None) -> Plan:
    """Compile scenarios to a :class:`Plan` of arrays.

    Parameters
    ----------
    scenarios
        One scenario or several; names must be unique.
    price_base_year
        Year whose prices real terms use; default :func:`default_price_base_year`.

    Raises
    ------
    MissingAssumptionError
        A rule needs a macro value that nothing supplies.
    ScenarioError
        Duplicate names, or a first year that needs a previous payment the record lacks.
    """
    scenarios = _validated(scenarios)
    names = [s.name for s in scenarios]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ScenarioError(f"scenario names must be unique; repeated: {duplicates}")
    first = min(s.start_year for s in scenarios)
    last = max(s.end_year for s in scenarios)
    base_year = _price_base_year(price_base_year, first, last)
    # the same validated copies (revalidated keeps them), record and compilers: the same plan
    key = (tuple(map(id, scenarios)), base_year, published_payment, tuple(_COMPILERS.items()))
    inputs = (*scenarios, *record_read())
    plan = kept_plan(key, inputs)
    if plan is None:
        plan = _compile(scenarios, names, first, last, base_year)
        keep_plan(key, inputs, plan)
    return plan


def _compile(scenarios: list[Scenario], names: list[str], first: int, last: int, base_year: int) -> Plan:
    years = np.arange(first, last + 1)
    n_years, n_scen = len(years), len(scenarios)

    def full(value: float, dtype: type = float) -> np.ndarray:
        out: np.ndarray = np.empty((n_years, n_scen), dtype=dtype)  # empty + fill: a third of np.full's cost
        out.fill(value)
        return out

    plan = Plan(
        years=years,
        names=names,
        active=full(False, bool),
        rate=full(0.0),
        indexed=full(False, bool),
        index_value=full(0.0),
        cap=full(np.inf),
        floor=full(-np.inf),
        reset=full(False, bool),
        reset_value=full(0.0),
        conversion=full(1.0),
        phase_step=full(0.0),
        phase_steps=full(1.0),
        phase_target=full(1.0),
        phase_linear=full(False, bool),
        usd=full(False, bool),
        anchor=np.full(n_scen, np.nan),
        usd_krw=full(np.nan),
        rok_price=full(np.nan),
        us_price=full(np.nan),
        defense_budget=full(np.nan),
        troops=full(np.nan),
        gdp=full(np.nan),
        npsc_usd=full(np.nan),
        price_base_year=base_year,
        origin=full(-1, np.int32),
        index_code=full(0, np.int8),
        index_lag=full(0, np.int8),
        index_raw=full(0.0),
        spread=full(0.0),
        scenarios=scenarios,
    )
    for column, scenario in enumerate(scenarios):
        _compile_one(plan, column, scenario, base_year)
    return plan


def _validated(scenarios: Scenario | Sequence[Scenario]) -> list[Scenario]:
    """The scenarios, validated again (:func:`~sma_model.model.registry.revalidated`)."""
    if isinstance(scenarios, Scenario):
        scenarios = [scenarios]
    if isinstance(scenarios, (str, bytes)) or not isinstance(scenarios, Sequence):
        raise ScenarioError(
            f"expected a Scenario or a list of them, not {type(scenarios).__name__}; "
            "for a preset use sma.presets.get(name)"
        )
    if not scenarios:
        raise ScenarioError("no scenarios given; pass at least one Scenario")
    checked = []
    for i, scenario in enumerate(scenarios):
        if not isinstance(scenario, Scenario):
            raise ScenarioError(f"scenarios[{i}] is a {type(scenario).__name__}, not a Scenario")
        checked.append(revalidated(scenario))
    return checked


def _price_base_year(year: object, first: int, last: int) -> int:
    """The price base year: a whole year within the projection or the CPI record."""
    if year is None:
        return default_price_base_year()
    record_first, record_last = macro_span("rok_cpi_inflation")
    low, high = min(first, record_first), max(last, record_last)
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)) or not low <= year <= high:
        raise ScenarioError(
            f"price_base_year must be a whole year from {low} to {high} (the projection and the "
            f"CPI record), not {year!r}"
        )
    return int(year)


class _Macro(ScenarioMacro):
    """A scenario's macro values that widen their span when a rule reads a year outside it.

    The span covers two years before the start to the horizon; a phase-in target in the
    other currency is converted at its ``by_year``, which may lie past the horizon.
    """

    def get(self, name: str, year: int, why: str | Callable[[], str]) -> float:
        last = self.first + len(self.years) - 1
        if not self.first <= year <= last:
            self.__init__(self.scenario, min(self.first, year), max(last, year))  # type: ignore[misc]
        return super().get(name, year, why)


def _compile_one(plan: Plan, col: int, scenario: Scenario, base_year: int) -> None:
    start, end = scenario.start_year, scenario.end_year
    macro = _Macro(scenario, min(start - 2, base_year), max(end, base_year))
    first_base = scenario.agreements[0].base
    host = scenario.host  # Korea's look-up as it was (tests stand a one-argument function in)
    anchor = published_payment(start - 1) if host == "korea" else published_payment(start - 1, host)
    if not isinstance(first_base, Money) and anchor is None:
        raise ScenarioError(
            f"scenario {scenario.name!r}: agreements[0].base is {describe_rule(first_base)!r}, which "
            f"builds on the {start - 1} payment, and the record has none for {start - 1}; "
            "give agreements[0].base=Money(amount=..., currency=...)"
        )
    terms = scenario.timeline(anchor_currency=anchor.currency if anchor else None)
    rows = np.arange(start, end + 1) - plan.years[0]

    plan.active[rows, col] = True
    plan.usd[rows, col] = [t.currency == "USD" for t in terms]
    plan.usd_krw[rows, col] = macro.span("usd_krw", start, end)
    for name in ("troops", "gdp", "npsc_usd"):
        getattr(plan, name)[rows, col] = macro.span(name, start, end)
    plan.defense_budget[rows, col] = macro.span("defense_budget", start, end)
    for name, target in (("cpi", plan.rok_price), ("us_cpi", plan.us_price)):
        price = relative_price(macro.values[name], macro.years, base_year)
        target[rows, col] = price[start - macro.first : end - macro.first + 1]

    previous_currency = terms[0].currency
    if anchor is not None:
        plan.anchor[col] = _anchor_amount(plan, col, anchor, terms[0], macro)
    labels = []
    described: dict[int, str] = {}  # a rule governs many years: describe it once
    for row, term in zip(rows.tolist(), terms):
        if term.currency != previous_currency and not isinstance(term.step, Money):
            why = f"{term.agreement} moves from {previous_currency} to {term.currency}"
            fx = macro.get("usd_krw", term.year - 1, why)
            link = FxLink("conversion", row, col, term.year - 1, previous_currency == "USD", 1.0)
            plan.conversion[row, col] = float(link.value(fx))
            plan.fx_links.append(link)
        previous_currency = term.currency
        description = described.get(id(term.step))
        if description is None:
            description = described[id(term.step)] = describe_rule(term.step)
        labels.append((term.agreement, description))
        if term.origin not in plan.origins:
            plan.origins.append(term.origin)
        plan.origin[row, col] = plan.origins.index(term.origin)
        _compile_step(Cell(plan, row, col, term.currency), term, macro)
    plan.labels.append(labels)
    plan.macro_spans.append((macro.first, int(macro.years[-1])))


def _anchor_amount(plan: Plan, col: int, anchor: Money, first: YearTerm, macro: ScenarioMacro) -> float:
    """The payment before the first year, in the first year's currency."""
    if anchor.currency == first.currency:
        return anchor.amount
    year = first.year - 1
    if isinstance(first.step, Money):  # only shown as the first year's growth
        fx = macro.values["usd_krw"][year - macro.first]
    else:
        why = f"the {year} payment was in {anchor.currency}, {first.agreement}'s is in {first.currency}"
        fx = macro.get("usd_krw", year, why)
    link = FxLink("anchor", -1, col, year, anchor.currency == "USD", anchor.amount)
    plan.fx_links.append(link)
    return float(link.value(fx))


def _compile_step(cell: Cell, term: YearTerm, macro: ScenarioMacro) -> None:
    """Dispatch to the compile function registered for the step's type."""
    step = term.step
    # the scenario was revalidated into the registered classes: a user's subclass is its parent
    compiler = _COMPILERS.get(type(step))
    if compiler is None:
        raise SMAModelError(
            f"{type(step).__name__} has no compile function; register one with "
            f"@compiles({type(step).__name__}) in your code (see CONTRIBUTING.md)"
        )
    if compiler.cells:
        copied = {target: getattr(step, name) for name, target in compiler.cells.items()}
        cell.set(**{target: value for target, value in copied.items() if value is not None})
    compiler.function(cell, term, macro)


# The steps: each writes one cell --------------------------------------------------------


@compiles(Money, cells={"amount": "reset_value"})
def _money(cell: Cell, term: YearTerm, macro: ScenarioMacro) -> None:
    """An absolute base: the level is reset to the amount."""
    cell.set(reset=True)


@compiles(Rise, cells={"rate": "rate"})
def _rise(cell: Cell, term: YearTerm, macro: ScenarioMacro) -> None:
    """A rise over the previous year's payment: the rate is copied into ``rate``."""


@compiles(Fixed, cells={"rate": "rate"})
def _fixed(cell: Cell, term: YearTerm, macro: ScenarioMacro) -> None:
    """A fixed yearly rate: copied into ``rate``."""


@compiles(Schedule)
def _schedule(cell: Cell, term: YearTerm, macro: ScenarioMacro) -> None:
    assert isinstance(term.step, Schedule)
    cell.set(rate=term.step.rates[term.year])


@compiles(Frozen)
def _frozen(cell: Cell, term: YearTerm, macro: ScenarioMacro) -> None:
    cell.set(rate=0.0)


@compiles(Indexed, cells={"cap": "cap", "floor": "floor", "spread": "spread"})
def _indexed(cell: Cell, term: YearTerm, macro: ScenarioMacro) -> None:
    """The lagged index (clipped by the engine to cap and floor, copied as they are)."""
    step = term.step
    assert isinstance(step, Indexed)
    raw = macro.get(
        INDEX_SERIES[step.index],
        term.year - step.lag,
        lambda: f"{term.agreement}'s rule {describe_rule(step)!r} needs it for {term.year}",
    )
    cell.set(
        indexed=True,
        index_raw=raw,
        index_value=index_growth(raw, step.spread),
        index_code=INDEX_CODES[step.index],
        index_lag=step.lag,
    )


@compiles(PhaseIn)
def _phase_in(cell: Cell, term: YearTerm, macro: ScenarioMacro) -> None:
    """Step number, step count and target (in the payment currency, at ``by_year``'s rate)."""
    step = term.step
    assert isinstance(step, PhaseIn)
    steps = step.by_year - term.first_ruled + 1
    why = f"the phase-in target is in {step.target.currency}, converted at PhaseIn.by_year ({step.by_year})"
    cell.set(
        phase_step=min(term.year - term.first_ruled + 1, steps),
        phase_steps=steps,
        phase_linear=step.shape == "linear",
        phase_target=cell.in_payment_currency(step.target, step.by_year, "phase_target", macro, why),
    )
