"""Compiling scenarios to a :class:`Plan`: plain numpy arrays, one cell per (year, scenario).

:func:`compile_plan` resolves each scenario's year-by-year terms
(:meth:`~sma_model.scenario.Scenario.timeline`) and macro assumptions into arrays of shape
``(n_years, n_scenarios)``; :func:`sma_model.engine.run` steps through them. Cells also
record where their values came from (the rule, the index, the exchange rate used), so
sweeps can rewrite just the cells a parameter governs (:mod:`sma_model.binding`).

Every per-cell array may also have shape ``(n_years, 1)``: it then holds for every
scenario, and the engine broadcasts it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from sma_model import history
from sma_model.errors import MissingAssumptionError, ScenarioError
from sma_model.scenario import Scenario, YearTerm
from sma_model.terms import Fixed, Frozen, Indexed, Money, PhaseIn, Rise, Schedule, describe_rule

__all__ = [
    "CELL_FIELDS",
    "FxLink",
    "Plan",
    "compile_plan",
    "default_price_base_year",
    "extend_levels",
    "relative_price",
]

#: A payment above this [in won or dollars] is treated as an overflow.
MAX_PAYMENT = 1e18
INDEX_SERIES = {"cpi": "cpi", "defense_budget": "defense_budget_growth"}
#: ``Plan.index_code`` values: which macro series an indexed cell follows.
INDEX_CODES = {"cpi": 1, "defense_budget": 2}
#: The per-cell arrays of a :class:`Plan` (shape ``(n_years, n_scenarios)`` or ``(n_years, 1)``).
CELL_FIELDS = (
    "active",
    "rate",
    "indexed",
    "index_value",
    "cap",
    "floor",
    "reset",
    "reset_value",
    "conversion",
    "phase_step",
    "phase_steps",
    "phase_target",
    "phase_linear",
    "usd",
    "usd_krw",
    "rok_price",
    "us_price",
    "defense_budget",
    "troops",
    "gdp",
    "npsc_usd",
    "origin",
    "index_code",
    "index_lag",
    "index_raw",
    "spread",
)


def default_price_base_year() -> int:
    """The last year with published ROK CPI in the record: real terms are in its prices."""
    return int(history.macro_series("rok_cpi_inflation").index.max())


@dataclass(frozen=True)
class FxLink:
    """A plan value that is an amount converted at one year's USD/KRW rate.

    ``plan.<field>[row, col]`` (or ``plan.anchor[col]`` for ``field="anchor"``) is
    ``amount * fx[year]`` when ``multiply`` else ``amount / fx[year]``; sweeps of
    USD/KRW recompute it from this record.
    """

    field: str
    row: int
    col: int
    year: int
    multiply: bool
    amount: float


@dataclass
class Plan:
    """Scenarios compiled to arrays, shape ``(n_years, n_scenarios)`` unless noted.

    Rates are fractions, amounts are in each cell's payment currency (``usd`` tells
    which). Unknown macro values that no rule needs are NaN; they only remove output
    columns (see :class:`~sma_model.results.Projection`), never enter a payment.
    """

    years: np.ndarray
    """Calendar years, shape ``(n_years,)``."""
    names: list[str]
    """Scenario names, shape ``(n_scenarios,)``."""
    active: np.ndarray
    """Whether the year is in the scenario's span [bool]."""
    rate: np.ndarray
    """Growth for cells with a known rate (Fixed, Rise, Schedule, Frozen) [fraction]."""
    indexed: np.ndarray
    """Cells whose growth comes from an index [bool]."""
    index_value: np.ndarray
    """The lagged index plus spread for indexed cells [fraction]."""
    cap: np.ndarray
    """Cap on indexed growth [fraction], +inf for none."""
    floor: np.ndarray
    """Floor on indexed growth [fraction], -inf for none."""
    reset: np.ndarray
    """Cells where an agreement sets an absolute amount [bool]."""
    reset_value: np.ndarray
    """That amount [payment currency]."""
    conversion: np.ndarray
    """Factor that carries last year's level into this year's currency (1 if unchanged)."""
    phase_step: np.ndarray
    """Step number within a phase-in (0 outside one); capped at ``phase_steps`` to hold."""
    phase_steps: np.ndarray
    """Steps a phase-in takes to reach its target."""
    phase_target: np.ndarray
    """Phase-in target [payment currency]."""
    phase_linear: np.ndarray
    """Linear (True) or geometric (False) phase-in [bool]."""
    usd: np.ndarray
    """Payment currency is USD (True) or KRW (False) [bool]."""
    anchor: np.ndarray
    """The payment before each scenario's first year, in its first currency; NaN if unknown.

    Shape ``(n_scenarios,)``."""
    usd_krw: np.ndarray
    """Won per dollar; NaN where unknown."""
    rok_price: np.ndarray
    """ROK price level relative to ``price_base_year``; NaN where unknown."""
    us_price: np.ndarray
    """US price level relative to ``price_base_year``; NaN where unknown."""
    defense_budget: np.ndarray
    """ROK defense budget [KRW]; NaN where unknown."""
    troops: np.ndarray
    """US troops in Korea [persons]; NaN where unknown."""
    gdp: np.ndarray
    """ROK nominal GDP [KRW]; NaN where unknown."""
    npsc_usd: np.ndarray
    """US non-personnel stationing costs in Korea [USD]; NaN where unknown."""
    price_base_year: int
    """Year whose prices real terms are expressed in."""
    origin: np.ndarray
    """Where each cell's rule sits in its scenario: an index into ``origins``, -1 if inactive."""
    index_code: np.ndarray
    """Which index an indexed cell follows (:data:`INDEX_CODES`), 0 otherwise."""
    index_lag: np.ndarray
    """An indexed cell's lag [years]."""
    index_raw: np.ndarray
    """An indexed cell's index value at ``year - lag``, before the spread [fraction]."""
    spread: np.ndarray
    """An indexed cell's spread [fraction]; ``index_value = index_raw + spread``."""
    origins: list[tuple[str | int, ...]] = field(default_factory=list)
    """Path parts of each rule a cell can come from (see :class:`~sma_model.scenario.YearTerm`)."""
    fx_links: list[FxLink] = field(default_factory=list)
    """Values converted at a year's exchange rate, to recompute when USD/KRW varies."""
    macro_spans: list[tuple[int, int]] = field(default_factory=list)
    """Per scenario, the first and last year of the macro series it was compiled with."""
    labels: list[list[tuple[str, str]]] = field(default_factory=list)
    """Per scenario, per active year: (agreement label, rule description)."""
    scenarios: list[Scenario] = field(default_factory=list)
    """The scenarios compiled, in order."""

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_years, n_scenarios)``; arrays of one column broadcast along the scenarios."""
        n_scen = max(max(getattr(self, name).shape[1] for name in CELL_FIELDS), len(self.anchor))
        return (len(self.years), n_scen)

    def name_of(self, column: int) -> str:
        """The name of scenario ``column`` (sweep plans have one name for many samples)."""
        if len(self.names) == self.shape[1]:
            return self.names[column]
        return f"{self.names[0]}, sample {column}"


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
    record = history.macro_series("rok_cpi_inflation").index
    low, high = min(first, int(record.min())), max(last, int(record.max()))
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)) or not low <= year <= high:
        raise ScenarioError(
            f"price_base_year must be a whole year from {low} to {high} (the projection and the "
            f"CPI record), not {year!r}"
        )
    return int(year)


class _Macro:
    """One scenario's resolved assumptions on a span of years, with checked look-ups."""

    def __init__(self, scenario: Scenario, first: int, last: int) -> None:
        self.scenario = scenario
        self.first = first
        self.years = np.arange(first, last + 1)
        a = scenario.assumptions
        self.values = {name: a.resolve(name, self.years) for name in _MACRO_FIELDS}
        self.values["defense_budget"] = extend_levels(
            self.values["defense_budget"], self.values["defense_budget_growth"]
        )

    def get(self, name: str, year: int, why: str) -> float:
        value = self.values[name][year - self.first]
        if np.isnan(value):
            raise MissingAssumptionError(name, [year], self.scenario.name, why)
        return float(value)

    def require(self, name: str, years: list[int], why: str) -> np.ndarray:
        idx = np.asarray(years) - self.first
        values = self.values[name][idx]
        missing = [y for y, v in zip(years, values) if np.isnan(v)]
        if missing:
            raise MissingAssumptionError(name, missing, self.scenario.name, why)
        return values

    def span(self, name: str, first: int, last: int) -> np.ndarray:
        return self.values[name][first - self.first : last - self.first + 1]


_MACRO_FIELDS = (
    "cpi",
    "defense_budget_growth",
    "usd_krw",
    "us_cpi",
    "troops",
    "defense_budget",
    "gdp",
    "npsc_usd",
)


def extend_levels(levels: np.ndarray, growth: np.ndarray) -> np.ndarray:
    """Fill unknown levels after the last known one by compounding ``growth``.

    Works along axis 0, so ``(n_years,)`` and ``(n_years, n_samples)`` both work.
    """
    levels, growth = np.broadcast_arrays(levels, growth)
    out = levels.copy()
    for i in range(1, len(out)):
        out[i] = np.where(np.isnan(out[i]), out[i - 1] * (1.0 + growth[i]), out[i])
    return out


def relative_price(inflation: np.ndarray, years: np.ndarray, base_year: int) -> np.ndarray:
    """Price level relative to ``base_year`` from yearly inflation; NaN where a link is unknown.

    Works along axis 0, so ``(n_years,)`` and ``(n_years, n_samples)`` both work.
    """
    growth = 1.0 + inflation
    b = base_year - years[0]
    out = np.full(growth.shape, np.nan)
    out[b] = 1.0
    for i in range(b + 1, len(years)):
        out[i] = out[i - 1] * growth[i]
    for i in range(b - 1, -1, -1):
        out[i] = out[i + 1] / growth[i + 1]
    return out


def _compile_one(plan: Plan, col: int, scenario: Scenario, base_year: int) -> None:
    start, end = scenario.start_year, scenario.end_year
    macro = _Macro(scenario, min(start - 2, base_year), max(end, base_year))
    plan.macro_spans.append((macro.first, int(macro.years[-1])))
    first_base = scenario.agreements[0].base
    anchor = history.published_payment(start - 1)
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
            amount = amount * fx if anchor.currency == "USD" else amount / fx
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
            plan.conversion[row, col] = fx if previous_currency == "USD" else 1.0 / fx
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


def _compile_step(plan: Plan, row: int, col: int, term: YearTerm, macro: _Macro) -> None:
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
            target = target * fx if multiply else target / fx
        plan.phase_target[row, col] = target
    else:  # pragma: no cover - the union is closed
        raise TypeError(f"unknown step {step!r}")
