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
scenario, and :func:`run` broadcasts it. Sweeps use that to vary only the arrays a
parameter touches (see :mod:`sma_model.sweeps.binding`).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from sma_model.engine.plan import MAX_PAYMENT, Plan
from sma_model.errors import NonFiniteResultError

__all__ = ["iter_levels", "run"]


def iter_levels(plan: Plan) -> Iterator[tuple[int, np.ndarray]]:
    """Step through the years of a plan: the one place payments are computed.

    Yields
    ------
    (int, numpy.ndarray)
        The row ``t`` and every scenario's payment that year [payment currency], shape
        ``(n_scenarios,)``. The array is reused for the next year: copy what you keep.
    """
    n_years, n_scen = plan.shape
    level = np.array(np.broadcast_to(np.where(np.isnan(plan.anchor), 0.0, plan.anchor), (n_scen,)))
    phase_anchor = np.ones(n_scen)
    rate_buffer = np.empty(n_scen)
    growth = np.empty(n_scen)
    # which years need each step at all, so a year of plain growth is one multiplication
    any_indexed = np.asarray(plan.indexed.any(axis=1))
    all_indexed = np.asarray(plan.indexed.all(axis=1))
    any_reset = np.asarray(plan.reset.any(axis=1))
    any_phase = np.asarray((plan.phase_step > 0).any(axis=1))
    any_conversion = np.asarray((plan.conversion != 1.0).any(axis=1))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for t in range(n_years):
            rate = plan.rate[t]
            if any_indexed[t]:
                # in place into one buffer: the same clip(index, floor, cap), without temporaries
                np.maximum(plan.index_value[t], plan.floor[t], out=rate_buffer)
                np.minimum(rate_buffer, plan.cap[t], out=rate_buffer)
                if not all_indexed[t]:
                    np.copyto(rate_buffer, np.broadcast_to(rate, (n_scen,)), where=~plan.indexed[t])
                rate = rate_buffer
            if any_conversion[t]:
                level *= plan.conversion[t]
            if any_phase[t]:
                step = plan.phase_step[t]
                phase_anchor = np.where(step == 1, level, phase_anchor)
                frac = step / plan.phase_steps[t]
                target = plan.phase_target[t]
                path = np.where(
                    plan.phase_linear[t],
                    phase_anchor + (target - phase_anchor) * frac,
                    phase_anchor * (target / phase_anchor) ** frac,
                )
                level[...] = np.where(step > 0, path, level * (1.0 + rate))
            else:
                np.add(rate, 1.0, out=growth)
                level *= growth
            if any_reset[t]:
                np.copyto(level, np.broadcast_to(plan.reset_value[t], (n_scen,)), where=plan.reset[t])
            yield t, level


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
    for t, level in iter_levels(plan):
        out[t] = level
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
