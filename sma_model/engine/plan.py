"""The compiled form of scenarios: a :class:`Plan` of plain numpy arrays, one cell per (year, scenario).

:func:`~sma_model.engine.compile.compile_plan` fills it; :func:`~sma_model.engine.run.run`
steps through it. Cells also record where their values came from (the rule, the index,
the exchange rate used), so sweeps can rewrite just the cells a parameter governs
(:mod:`sma_model.sweeps.binding`).

Every per-cell array may also have shape ``(n_years, 1)``: it then holds for every
scenario, and the engine broadcasts it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from sma_model.model.scenario import Scenario
from sma_model.units import to_other_currency

__all__ = [
    "CELL_FIELDS",
    "INDEX_CODES",
    "KEEP_PLANS",
    "MAX_PAYMENT",
    "STEP_FIELDS",
    "FxLink",
    "Plan",
    "index_growth",
    "keep_plan",
    "kept_plan",
]

#: A payment of this or more [in won or dollars] is treated as an overflow.
MAX_PAYMENT = 1e18
#: ``Plan.index_code`` values: which macro series an indexed cell follows.
INDEX_CODES = {"cpi": 1, "defense_budget": 2}
#: The per-cell arrays the engine's yearly step reads (see :class:`sma_model.engine.run.Rows`).
STEP_FIELDS = (
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
)
#: The per-cell arrays of a :class:`Plan` (shape ``(n_years, n_scenarios)`` or ``(n_years, 1)``).
CELL_FIELDS = (
    "active",
    *STEP_FIELDS,
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

    def value(self, usd_krw: Any) -> Any:
        """The converted value at ``usd_krw`` [KRW per USD], scalar or array.

        The compiler and sweeps both compute the value here, so they agree to the digit.
        """
        return to_other_currency(self.amount, self.multiply, usd_krw)


def index_growth(index_raw: Any, spread: Any) -> Any:
    """An indexed cell's growth before its cap and floor: the lagged index plus the spread.

    Used by the compiler and by sweeps that bind new index values or spreads.
    """
    return index_raw + spread


@dataclass
class Plan:
    """Scenarios compiled to arrays, shape ``(n_years, n_scenarios)`` unless noted.

    Rates are fractions, amounts are in each cell's payment currency (``usd`` tells
    which). Unknown macro values that no rule needs are NaN; they only remove output
    columns (see :class:`~sma_model.analysis.projection.Projection`), never enter a payment.
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
    """Payment currency is USD (True) or the host's own, :meth:`currency_of` (False) [bool]."""
    anchor: np.ndarray
    """The payment before each scenario's first year, in its first currency; NaN if unknown.

    Shape ``(n_scenarios,)``."""
    usd_krw: np.ndarray
    """The host's currency per dollar (won; yen, on Japan's fiscal years); NaN where unknown."""
    rok_price: np.ndarray
    """The host's price level (ROK CPI for Korea) relative to ``price_base_year``; NaN where unknown."""
    us_price: np.ndarray
    """US price level relative to ``price_base_year``; NaN where unknown."""
    defense_budget: np.ndarray
    """The host's defense budget [its currency]; NaN where unknown."""
    troops: np.ndarray
    """US troops in the host country [persons]; NaN where unknown."""
    gdp: np.ndarray
    """The host's nominal GDP [its currency]; NaN where unknown."""
    npsc_usd: np.ndarray
    """US non-personnel stationing costs in the host country [USD]; NaN where unknown."""
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
    """Path parts of each rule a cell can come from (see :class:`~sma_model.model.scenario.YearTerm`)."""
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

    def currency_of(self, column: int) -> str:
        """The host's own currency in scenario ``column``: ``"KRW"`` for Korea, ``"JPY"`` for Japan.

        What a payment is in when ``usd`` is False (sweep plans have one scenario for many samples).
        """
        if not self.scenarios:
            return "KRW"
        return self.scenarios[column if len(self.scenarios) == self.shape[1] else 0].currency

    def copy(self) -> Plan:
        """A copy whose arrays and lists can be changed without touching this plan."""
        values = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, np.ndarray):
                value = value.copy()
            elif isinstance(value, list):
                value = [list(v) if isinstance(v, list) else v for v in value]
            values[item.name] = value
        return Plan(**values)


#: How many compiled plans :func:`keep_plan` keeps (the most recently used).
KEEP_PLANS = 64
_KEPT: OrderedDict[Hashable, tuple[tuple[Any, ...], Plan]] = OrderedDict()


def kept_plan(key: Hashable, inputs: tuple[Any, ...]) -> Plan | None:
    """A copy of the plan kept under ``key``, if it was compiled from these very ``inputs``.

    ``inputs`` (the validated scenarios, what was read of the record) are compared by
    identity; the copy's arrays and lists are the caller's to change.
    """
    kept = _KEPT.get(key)
    if kept is None or len(kept[0]) != len(inputs) or any(a is not b for a, b in zip(kept[0], inputs)):
        return None
    _KEPT.move_to_end(key)
    return kept[1].copy()


def keep_plan(key: Hashable, inputs: tuple[Any, ...], plan: Plan) -> None:
    """Keep a copy of ``plan``, compiled from ``inputs`` (held, so their ids stay unique).

    Only a plan of at most :data:`KEEP_PLANS` scenarios is kept (sweeps compile their own).
    """
    if plan.shape[1] > KEEP_PLANS:
        return
    _KEPT[key] = (inputs, plan.copy())
    while len(_KEPT) > KEEP_PLANS:
        _KEPT.popitem(last=False)
