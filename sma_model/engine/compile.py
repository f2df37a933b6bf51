"""Compiling scenarios to a :class:`~sma_model.engine.plan.Plan` of arrays.

:func:`compile_plan` resolves each scenario's year-by-year terms
(:meth:`~sma_model.model.scenario.Scenario.timeline`) and macro assumptions
(:mod:`sma_model.engine.macro`) into arrays of shape ``(n_years, n_scenarios)``;
:func:`sma_model.engine.run.run` steps through them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sma_model.engine.macro import ScenarioMacro, default_price_base_year, relative_price
from sma_model.engine.plan import INDEX_CODES, FxLink, Plan
from sma_model.errors import ScenarioError
from sma_model.model.scenario import Scenario, YearTerm
from sma_model.model.terms import Fixed, Frozen, Indexed, Money, PhaseIn, Rise, Schedule, describe_rule
from sma_model.record.macro import macro_series
from sma_model.record.payments import published_payment
from sma_model.series import INDEX_SERIES
from sma_model.units import convert

__all__ = ["compile_plan"]


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
    years = np.arange(first, last + 1)
    n_years, n_scen = len(years), len(scenarios)

    def full(value: float, dtype: type = float) -> np.ndarray:
        return np.full((n_years, n_scen), value, dtype=dtype)

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
    """The scenarios, validated again: ``model_copy(update=...)`` skips pydantic's checks."""
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
        checked.append(Scenario.model_validate(scenario.model_dump(warnings=False)))
    return checked


def _price_base_year(year: object, first: int, last: int) -> int:
    """The price base year: a whole year within the projection or the CPI record."""
    if year is None:
        return default_price_base_year()
    record = macro_series("rok_cpi_inflation").index
    low, high = min(first, int(record.min())), max(last, int(record.max()))
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)) or not low <= year <= high:
        raise ScenarioError(
            f"price_base_year must be a whole year from {low} to {high} (the projection and the "
            f"CPI record), not {year!r}"
        )
    return int(year)


def _compile_one(plan: Plan, col: int, scenario: Scenario, base_year: int) -> None:
    start, end = scenario.start_year, scenario.end_year
    macro = ScenarioMacro(scenario, min(start - 2, base_year), max(end, base_year))
    plan.macro_spans.append((macro.first, int(macro.years[-1])))
    first_base = scenario.agreements[0].base
    anchor = published_payment(start - 1)
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

    previous_currency = anchor.currency if anchor else terms[0].currency
    if anchor is not None:
        amount = anchor.amount
        if anchor.currency != terms[0].currency:
            if isinstance(terms[0].step, Money):  # only shown as the first year's growth
                fx = macro.values["usd_krw"][start - 1 - macro.first]
            else:
                why = (
                    f"the {start - 1} payment was in {anchor.currency}, "
                    f"{terms[0].agreement}'s is in {terms[0].currency}"
                )
                fx = macro.get("usd_krw", start - 1, why)
            plan.fx_links.append(FxLink("anchor", -1, col, start - 1, anchor.currency == "USD", amount))
            amount = convert(amount, anchor.currency, terms[0].currency, fx)
            # the anchor is now in the first year's currency: no second conversion below
            previous_currency = terms[0].currency
        plan.anchor[col] = amount
    labels = []
    for row, term in zip(rows, terms):
        step = term.step
        if term.currency != previous_currency and not isinstance(step, Money):
            fx = macro.get(
                "usd_krw",
                term.year - 1,
                f"{term.agreement} moves from {previous_currency} to {term.currency}",
            )
            plan.conversion[row, col] = convert(1.0, previous_currency, term.currency, fx)
            plan.fx_links.append(
                FxLink("conversion", row, col, term.year - 1, previous_currency == "USD", 1.0)
            )
        previous_currency = term.currency
        labels.append((term.agreement, describe_rule(step)))
        if term.origin not in plan.origins:
            plan.origins.append(term.origin)
        plan.origin[row, col] = plan.origins.index(term.origin)
        _compile_step(plan, row, col, term, macro)
    plan.labels.append(labels)


def _compile_step(plan: Plan, row: int, col: int, term: YearTerm, macro: ScenarioMacro) -> None:
    step, year = term.step, term.year
    if isinstance(step, Money):
        plan.reset[row, col] = True
        plan.reset_value[row, col] = step.amount
    elif isinstance(step, (Rise, Fixed)):
        plan.rate[row, col] = step.rate
    elif isinstance(step, Schedule):
        plan.rate[row, col] = step.rates[year]
    elif isinstance(step, Frozen):
        plan.rate[row, col] = 0.0
    elif isinstance(step, Indexed):
        series = INDEX_SERIES[step.index]
        why = f"{term.agreement}'s rule {describe_rule(step)!r} needs it for {year}"
        raw = macro.get(series, year - step.lag, why)
        plan.indexed[row, col] = True
        plan.index_value[row, col] = raw + step.spread
        plan.index_code[row, col] = INDEX_CODES[step.index]
        plan.index_lag[row, col] = step.lag
        plan.index_raw[row, col] = raw
        plan.spread[row, col] = step.spread
        plan.cap[row, col] = np.inf if step.cap is None else step.cap
        plan.floor[row, col] = -np.inf if step.floor is None else step.floor
    elif isinstance(step, PhaseIn):
        steps = step.by_year - term.first_ruled + 1
        plan.phase_step[row, col] = min(year - term.first_ruled + 1, steps)
        plan.phase_steps[row, col] = steps
        plan.phase_linear[row, col] = step.shape == "linear"
        target = step.target.amount
        if step.target.currency != term.currency:
            fx = macro.get("usd_krw", step.by_year, f"the phase-in target is in {step.target.currency}")
            multiply = step.target.currency == "USD"
            plan.fx_links.append(FxLink("phase_target", row, col, step.by_year, multiply, target))
            target = convert(target, step.target.currency, term.currency, fx)
        plan.phase_target[row, col] = target
    else:  # pragma: no cover - the union is closed
        raise TypeError(f"unknown step {step!r}")
