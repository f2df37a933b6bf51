"""Running a plan: the yearly step, the only code that computes payments.

:func:`~sma_model.engine.compile.compile_plan` turns validated scenarios into plain numpy
arrays of shape ``(n_years, n_scenarios)`` (a :class:`~sma_model.engine.plan.Plan`);
:func:`run` steps through the years, each year one vector operation over every scenario.
A single projection is a batch of one, and sweeps vary the plan's arrays rather than
building new scenarios.

The yearly step, for scenario *s* in year *t*, in the payment currency::

    carried[t] = level[t-1] * conversion[t]               # currency switch at year t-1's rate
    rate[t]    = clip(index[t - lag] + spread, floor, cap)  # indexed rules
               | fixed rate                                # Fixed, Rise, Schedule, Frozen (0)
    level[t]   = carried[t] * (1 + rate[t])
    level[t]   = base amount                               # where an agreement sets one
    level[t]   = phase-in path from carried[first year]    # where a PhaseIn governs

Every per-cell array may also have shape ``(n_years, 1)``: it then holds for every
scenario, and :func:`run` broadcasts it. The step reads a plan one year at a time, through
:class:`Rows`: a list per field of that year's row, each of shape ``(n,)`` or ``(1,)``.
Sweeps build their :class:`Rows` directly (see :mod:`sma_model.sweeps.binding`): a swept
per-sample value (a cap, an exchange rate) is one vector that every year it governs
refers to, never a ``(n_years, n)`` array; a year whose inputs are all shared by every
sample costs one multiplication.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from sma_model.engine.plan import MAX_PAYMENT, STEP_FIELDS, Plan
from sma_model.errors import NonFiniteResultError

__all__ = ["STEP_FIELDS", "Rows", "iter_levels", "iter_rows", "row_all", "row_any", "rows_of", "run"]


@dataclass
class Rows:
    """A plan as the yearly step reads it: per field of :data:`STEP_FIELDS`, one row a year.

    Attributes
    ----------
    n : int
        Number of scenarios (samples).
    anchor : numpy.ndarray
        The payment before the first year [payment currency], shape ``(n,)`` or ``(1,)``;
        NaN where unknown (then 0).
    cells : dict of str to list of numpy.ndarray
        Field → the row of each year, shape ``(n,)`` or ``(1,)`` (then shared by every
        scenario). Rows may be the same array object in several years.
    """

    n: int
    anchor: np.ndarray
    cells: dict[str, list[np.ndarray]]


def rows_of(plan: Plan) -> Rows:
    """The :class:`Rows` of a compiled plan: views of its arrays, nothing copied."""
    n = plan.shape[1]
    cells = {name: list(getattr(plan, name)) for name in STEP_FIELDS}
    return Rows(n, np.asarray(plan.anchor, dtype=float).reshape(-1), cells)


def iter_levels(plan: Plan) -> Iterator[tuple[int, np.ndarray]]:
    """Step through the years of a plan: :func:`iter_rows` of :func:`rows_of`.

    Yields
    ------
    (int, numpy.ndarray)
        The row ``t`` and every scenario's payment that year [payment currency], shape
        ``(n_scenarios,)``. The array is reused for the next year: copy what you keep.
    """
    return iter_rows(rows_of(plan))


def _shared(row: np.ndarray) -> bool:
    """Whether a row holds one value for every scenario."""
    return row.size == 1


def row_any(row: np.ndarray) -> bool:
    """Whether any cell of a row is true; a shared row is read without a numpy reduction."""
    return bool(row[0]) if row.size == 1 else bool(row.any())


def row_all(row: np.ndarray) -> bool:
    """Whether every cell of a row is true; a shared row is read without a numpy reduction."""
    return bool(row[0]) if row.size == 1 else bool(row.all())


def iter_rows(  # long: the one yearly step, each case a branch kept next to the others
    rows: Rows, into: Sequence[np.ndarray | None] | None = None
) -> Iterator[tuple[int, np.ndarray]]:
    """Step through the years: the one place payments are computed.

    Parameters
    ----------
    rows
        The plan, a row per year (see :class:`Rows`).
    into
        Optionally, per year, an array of shape ``(n,)`` to compute that year's payments in
        (a row of a caller's output, so kept paths are written once), or None.

    Yields
    ------
    (int, numpy.ndarray)
        The row ``t`` and every scenario's payment that year [payment currency], shape
        ``(n,)``: ``into[t]`` when given, else a buffer reused for the next year (copy
        what you keep).
    """
    n, cells = rows.n, rows.cells
    n_years = len(cells["rate"])
    anchor = np.where(np.isnan(rows.anchor), 0.0, rows.anchor)
    level = np.array(np.broadcast_to(anchor, (n,)))
    buffer = level
    phase_anchor: np.ndarray | None = None
    growth = np.empty(n)
    grown: tuple[object, ...] | None = None  # what the growth buffer holds: the inputs it came from
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for t in range(n_years):
            given = None if into is None else into[t]
            target = buffer if given is None else given
            source = level
            conversion = cells["conversion"][t]
            if not (_shared(conversion) and conversion[0] == 1.0):
                np.multiply(source, conversion, out=target)
                source = target
            step = cells["phase_step"][t]
            if _shared(step) and step[0] == 0:
                key = tuple(_identity(cells[f][t]) for f in _GROWTH_FIELDS)
                if key != grown:
                    factor = _growth(cells, t, growth)
                    grown = key if factor is growth else None
                np.multiply(source, growth if grown is not None else factor, out=target)
            else:
                grown = None
                earlier = np.ones(n) if phase_anchor is None else phase_anchor
                phase_anchor = np.where(step == 1, source, earlier)
                frac = step / cells["phase_steps"][t]
                goal = cells["phase_target"][t]
                path = np.where(
                    cells["phase_linear"][t],
                    phase_anchor + (goal - phase_anchor) * frac,
                    phase_anchor * (goal / phase_anchor) ** frac,
                )
                target[...] = np.where(step > 0, path, source * (1.0 + _rate(cells, t, growth)))
            reset = cells["reset"][t]
            if row_any(reset):
                np.copyto(target, np.broadcast_to(cells["reset_value"][t], (n,)), where=reset)
            level = target
            yield t, level


#: The fields a year's growth factor is computed from (see :func:`_growth`).
_GROWTH_FIELDS = ("rate", "indexed", "index_value", "floor", "cap")


def _identity(row: np.ndarray) -> object:
    """What makes two rows the same input: the value of a shared row, the object of a vector."""
    return float(row[0]) if row.size == 1 else id(row)


def _rate(cells: dict[str, list[np.ndarray]], t: int, buffer: np.ndarray) -> np.ndarray:
    """Year ``t``'s growth rate: ``clip(index, floor, cap)`` where indexed, else the known rate."""
    rate, indexed = cells["rate"][t], cells["indexed"][t]
    if not row_any(indexed):
        return rate
    index, low, high = cells["index_value"][t], cells["floor"][t], cells["cap"][t]
    if _shared(index) and _shared(low) and _shared(high) and _shared(indexed):
        return np.minimum(np.maximum(index, low), high)
    # in place into one buffer: the same clip(index, floor, cap), without temporaries
    np.maximum(index, low, out=buffer)
    np.minimum(buffer, high, out=buffer)
    if not row_all(indexed):
        np.copyto(buffer, np.broadcast_to(rate, buffer.shape), where=~indexed)
    return buffer


def _growth(cells: dict[str, list[np.ndarray]], t: int, buffer: np.ndarray) -> np.ndarray:
    """Year ``t``'s growth factor ``1 + rate``: one value when every scenario shares it."""
    rate = _rate(cells, t, buffer)
    if _shared(rate):
        return rate + 1.0
    return np.add(rate, 1.0, out=buffer)


def run(plan: Plan) -> np.ndarray:
    """Project a compiled plan.

    Returns
    -------
    numpy.ndarray
        Payments in each cell's payment currency, shape ``(n_years, n_scenarios)``;
        cells outside a scenario's span hold its last level and must be masked with
        ``plan.active``.

    Raises
    ------
    NonFiniteResultError
        A payment overflowed (names the scenario and year).
    """
    out = np.empty(plan.shape)
    for _ in iter_rows(rows_of(plan), into=list(out)):
        pass
    _check_finite(plan, out)
    return out


def _check_finite(plan: Plan, payments: np.ndarray) -> None:
    """Raise when an active cell of ``payments`` is not finite or reaches :data:`MAX_PAYMENT`."""
    bad = plan.active & ~(np.isfinite(payments) & (np.abs(payments) < MAX_PAYMENT))
    if bad.any():
        t, s = np.argwhere(bad)[0]
        value = payments[t, s]
        raise NonFiniteResultError(
            f"scenario {plan.name_of(s)!r}: the payment for {plan.years[t]} is {value:g}, "
            f"beyond what the engine can represent (limit {MAX_PAYMENT:g}); check the rates and horizon"
        )
