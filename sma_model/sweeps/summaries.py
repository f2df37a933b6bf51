"""A chunk's pass over the years with numpy: totals, final payments, first crossings, paths.

:func:`step_chunk` runs the engine's yearly step (:func:`~sma_model.engine.run.iter_rows`)
over a bound chunk and keeps what a sweep reports. Totals add a run of years paid in one
currency at one exchange rate into one running sum, converted once when the run ends
(:class:`Totals`), so a year costs one pass; kept paths are computed in place in the
result's rows. Payments are checked against :data:`~sma_model.engine.plan.MAX_PAYMENT`
through the sums (payments are positive, so no year passes the limit unless its sum does);
when a sum does, the chunk is stepped again checking every year, which names the payment
or finds that only the sum was large.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sma_model.engine.plan import MAX_PAYMENT
from sma_model.engine.run import Rows, iter_rows, row_all
from sma_model.errors import NonFiniteResultError
from sma_model.sweeps.sketch import Stats
from sma_model.units import to_krw, to_usd

__all__ = ["OUTCOMES", "SuspectSum", "Totals", "identity", "step_chunk"]

#: The per-sample outcomes, in the order of the rows a result's table holds them in.
OUTCOMES = ("total_krw", "total_usd", "final_payment_krw", "final_payment_usd", "first_year_over_threshold")


class SuspectSum(Exception):
    """A running sum is not finite, negative or beyond :data:`MAX_PAYMENT`: a year may be."""


class Totals:
    """Each sample's totals in won and dollars, summed a run of years at a time.

    Years paid in one currency at one exchange rate (the same vector of sampled rates, or
    the same value) add their payments into one running sum, converted once when the run
    ends: one pass a year, the least a total can cost.
    """

    def __init__(self, n: int, checked: bool) -> None:
        self.checked = checked  # every year was checked: a large sum is no longer suspect
        self.krw, self.usd = np.zeros(n), np.zeros(n)
        self.running = np.empty(n)
        self.key: tuple[bool, object] | None = None
        self.fx: np.ndarray = np.ones(1)

    def add(self, level: np.ndarray, paid_in_usd: bool, fx: np.ndarray) -> None:
        key = (paid_in_usd, identity(fx))
        if key == self.key:
            self.running += level
            return
        self.flush()
        self.key, self.fx = key, fx
        np.copyto(self.running, level)

    def add_masked(self, level: np.ndarray, paid_in_usd: Any, fx: np.ndarray, active: np.ndarray) -> None:
        self.flush()
        if not self.checked and not level.max() < MAX_PAYMENT:  # also catches NaN
            raise SuspectSum
        self.krw += np.where(active, to_krw(level, paid_in_usd, fx), 0.0)
        self.usd += np.where(active, to_usd(level, paid_in_usd, fx), 0.0)

    def flush(self) -> None:
        if self.key is None:
            return
        running = self.running
        # payments are positive: every year of the run is within the limit when its sum is
        if not self.checked and not (running.min() >= 0.0 and running.max() < MAX_PAYMENT):
            raise SuspectSum  # also caught: NaN
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            if self.key[0]:
                self.krw += running * self.fx
                self.usd += running
            else:
                self.krw += running
                self.usd += running / self.fx
        self.key = None


def identity(row: np.ndarray) -> object:
    """What makes two rows of exchange rates the same: a shared value, or the same vector."""
    return float(row[0]) if row.size == 1 else id(row)


def step_chunk(  # long: one pass over the years keeps every summary
    rows: Rows,
    years: np.ndarray,
    currency: str,
    threshold: float | None,
    keep: str,
    lo: int,
    paths: np.ndarray | None,
    checked: bool = False,
) -> tuple[dict[str, np.ndarray], Stats | None]:
    """Step the years of a bound chunk, keeping totals, finals, first crossings, paths, stats.

    Parameters
    ----------
    rows
        Samples ``lo:`` bound into the plan (see :meth:`~sma_model.sweeps.binding.Binder.bind`).
    years
        Calendar years of the rows.
    currency
        ``"KRW"`` or ``"USD"``: of ``threshold``, kept paths and statistics.
    threshold
        A yearly payment [``currency``], or None.
    keep
        ``"samples"``, ``"paths"`` or ``"stats"``.
    lo
        The chunk's first sample (named in errors).
    paths
        Where to write each year's payment [``currency``], shape ``(n_years, n)``, or None.
    checked
        Check every year's payment against the limit (else only the sums, see :class:`Totals`).

    Raises
    ------
    SuspectSum
        Unchecked, a sum is beyond the limit: step again with ``checked=True``.
    NonFiniteResultError
        Checked, a payment is beyond the limit (names the sample and year).
    """
    n, cells = rows.n, rows.cells
    n_years = len(years)
    in_usd = currency == "USD"
    totals = Totals(n, checked)
    finals = {"krw": np.full(n, np.nan), "usd": np.full(n, np.nan)}
    first_over = np.zeros(n, dtype=np.int32)
    stats = Stats.empty(n_years) if keep == "stats" else None
    all_active = [row_all(a) for a in cells["active"]]
    # one currency for every sample (the usual case) skips the elementwise choice
    one_currency = [u.size == 1 or bool((u == u[0]).all()) for u in cells["usd"]]
    simple = [a and c for a, c in zip(all_active, one_currency)]
    # the final payment is each sample's last active year: copy a year unless a later one overwrites it
    record_final = [t == n_years - 1 or not all(all_active[t + 1 :]) for t in range(n_years)]
    into: list[np.ndarray | None] | None = None
    if paths is not None:  # the engine computes a year in place when it is paid as kept
        into = [
            paths[t] if simple[t] and bool(cells["usd"][t][0]) == in_usd else None for t in range(n_years)
        ]
    with np.errstate(invalid="ignore", divide="ignore"):
        for t, level in iter_rows(rows, into):
            if checked and not level.max() < MAX_PAYMENT:  # also catches NaN
                bad = int(np.argmax(~(level < MAX_PAYMENT)))
                raise NonFiniteResultError(
                    f"sample {lo + bad}: the payment for {years[t]} is {level[bad]:g}, beyond what "
                    f"the engine can represent (limit {MAX_PAYMENT:g}); check the ranges"
                )
            fx, active = cells["usd_krw"][t], cells["active"][t]
            paid_in_usd: Any = bool(cells["usd"][t][0]) if one_currency[t] else cells["usd"][t]
            if simple[t]:
                totals.add(level, paid_in_usd, fx)
            else:
                totals.add_masked(level, paid_in_usd, fx, active)
            if record_final[t]:
                for name, convert in (("krw", to_krw), ("usd", to_usd)):
                    amount = convert(level, paid_in_usd, fx)
                    finals[name] = (
                        np.array(amount) if all_active[t] else np.where(active, amount, finals[name])
                    )
            if into is not None and into[t] is not None:
                measured = level
            elif threshold is None and paths is None and stats is None:
                continue
            elif paths is not None and simple[t]:  # converted straight into the kept row
                measured = paths[t]
                (np.multiply if paid_in_usd else np.divide)(level, fx, out=measured)
            else:
                measured = (to_usd if in_usd else to_krw)(level, paid_in_usd, fx)
                if not simple[t]:
                    measured = np.where(active, measured, np.nan)
                if paths is not None:
                    paths[t] = measured
            if threshold is not None:
                crossing = (measured > threshold) & (first_over == 0)
                first_over[crossing] = years[t]
            if stats is not None:
                stats.add_year(t, measured)
        totals.flush()
    outcomes = {
        "total_krw": totals.krw,
        "total_usd": totals.usd,
        "final_payment_krw": finals["krw"],
        "final_payment_usd": finals["usd"],
    }
    if threshold is not None:
        outcomes["first_year_over_threshold"] = first_over
    if stats is not None:
        stats.add_totals(totals.usd if in_usd else totals.krw, first_over, years)
        outcomes = {}
    return outcomes, stats
