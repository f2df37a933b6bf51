"""A projection's tidy frame: one row per (scenario, year), built from a plan and the engine's payments.

Each row is paid in dollars or in its host's currency (Korea: won, Japan: yen). Amounts
in the host's currency go in a column named for it (``payment_krw``, ``payment_jpy``),
so a column's name always carries its unit and nothing is converted between won and yen;
a batch of several hosts has each host's column, <NA> in the other host's rows. The
measures every host shares (``payment_usd``, ``usd_per_troop``, ``share_of_defense_budget``
of the host's own budget, ``share_of_gdp``) are one column each. A Korea-only frame is
the frame Korea always had, to the digit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sma_model.engine.plan import Plan
from sma_model.formatting import missing_note
from sma_model.units import CURRENCIES, conversion_factor, to_local, to_usd

__all__ = ["FRAME_COLUMNS", "build_frame", "cumulative", "local_currencies"]

#: Stands for "the payment column of each row's own host" as the basis of a share.
_LOCAL = "payment_<host currency>"


def local_currencies(plan: Plan) -> list[str]:
    """The host currencies of a plan's scenarios, each once, in :data:`~sma_model.units.CURRENCIES` order."""
    present = {plan.currency_of(column) for column in range(plan.shape[1])}
    return [code for code in CURRENCIES if code in present]


def build_frame(plan: Plan, payments: np.ndarray) -> tuple[pd.DataFrame, list[str]]:
    """The frame of :class:`~sma_model.analysis.projection.Projection` and its notes.

    Parameters
    ----------
    plan
        The compiled plan.
    payments
        The engine's payments, shape ``(n_years, n_scenarios)`` [each cell's currency].

    Returns
    -------
    tuple of pandas.DataFrame and list of str
        The frame (columns in :data:`FRAME_COLUMNS` order, those without inputs left
        out) and notes on what is left out or <NA>, and why.
    """
    # long: every derived column and its note in one pass, so the all-or-nothing rule per
    # scenario is written once
    s_idx, t_idx = np.nonzero(plan.active.T)  # scenario-major, years in order
    cells = (t_idx, s_idx)
    native = payments[cells]
    usd = plan.usd[cells]
    fx = plan.usd_krw[cells]
    hosts = np.asarray([plan.currency_of(c) for c in range(plan.shape[1])], dtype=object)
    local_code = hosts[s_idx]
    codes = local_currencies(plan)

    # growth against last year's payment in this year's currency (at last year's rate when
    # the currency changes, whether by a carried level or by a new base amount)
    first = np.r_[True, s_idx[1:] != s_idx[:-1]]
    previous = (np.maximum(t_idx - 1, 0), s_idx)
    factor = conversion_factor(plan.usd[previous], usd, plan.usd_krw[previous])
    with np.errstate(invalid="ignore", divide="ignore"):
        carried = np.where(first, plan.anchor[s_idx], payments[previous] * factor)
        growth = native / carried - 1.0

    columns: dict[str, Any] = {
        "scenario": np.asarray(plan.names, dtype=object)[s_idx],
        "year": plan.years[t_idx],
        "agreement": [label for labels in plan.labels for label, _ in labels],
        "rule": [rule for labels in plan.labels for _, rule in labels],
        "currency": np.where(usd, "USD", local_code) if codes != ["KRW"] else np.where(usd, "USD", "KRW"),
        "payment": native,
        "growth_rate": pd.array(np.where(np.isfinite(growth), growth, np.nan), dtype="Float64"),
    }
    own = {code: f"payment_{code.lower()}" for code in codes}
    with np.errstate(invalid="ignore", divide="ignore"):
        local = to_local(native, usd, fx)
        usd_amount = to_usd(native, usd, fx)
        # (column, values, the assumption behind it, the payment column it builds on, the
        # host currency whose rows it is for, None for every row)
        derived: list[tuple[str, Any, str, str | None, str | None]] = [
            *[(own[code], local, "usd_krw", None, code) for code in codes],
            ("payment_usd", usd_amount, "usd_krw", None, None),
            *[(f"{own[code]}_real", local / plan.rok_price[cells], "cpi", own[code], code) for code in codes],
            ("payment_usd_real", usd_amount / plan.us_price[cells], "us_cpi", "payment_usd", None),
            (
                "share_of_defense_budget",
                local / plan.defense_budget[cells],
                "defense_budget_growth",
                _LOCAL,
                None,
            ),
            ("usd_per_troop", usd_amount / plan.troops[cells], "troops", "payment_usd", None),
            ("share_of_gdp", local / plan.gdp[cells], "gdp", _LOCAL, None),
            ("share_of_npsc", usd_amount / plan.npsc_usd[cells], "npsc_usd", "payment_usd", None),
        ]
    optional = {"gdp": plan.gdp[cells], "npsc_usd": plan.npsc_usd[cells]}
    notes = []
    for name, values, assumption, basis, code in derived:
        if assumption in optional and np.isnan(optional[assumption]).all():
            continue  # no record behind these: a column only for those who give the series
        bases = {c: own[c] for c in codes} if basis == _LOCAL else {None: basis} if basis else {}
        absent = [column for column in bases.values() if column not in columns]
        if absent:
            notes.append(f"{name} left out: it needs {absent[0]}, which is left out")
            continue
        for host_code, column in bases.items():  # <NA> where the payment it builds on is <NA>
            if isinstance(columns[column], pd.arrays.FloatingArray):
                rows = columns[column].isna() & (True if host_code is None else local_code == host_code)
                values = np.where(rows, np.nan, values)
        # another host's rows are not this column's: <NA>, and no note
        other = np.zeros(len(s_idx), dtype=bool) if code is None else local_code != code
        unknown = ~np.isfinite(values) & ~other
        # a column is all or nothing per scenario, so a batch equals its members one by one:
        # scenarios without the inputs get <NA> in every year, and a note says why
        incomplete = np.isin(s_idx, np.unique(s_idx[unknown]))
        if incomplete[~other].all():
            notes.append(
                missing_note(name, assumption, columns["scenario"][unknown], columns["year"][unknown])
            )
            continue
        if unknown.any():
            notes.append(
                missing_note(
                    name, assumption, columns["scenario"][unknown], columns["year"][unknown], partial=True
                )
            )
        if unknown.any() or other.any():
            values = pd.array(np.where(incomplete | other, np.nan, values), dtype="Float64")
        columns[name] = values
    for column in [c for c in (*own.values(), "payment_usd") if c in columns]:
        columns[column.replace("payment_", "cumulative_")] = cumulative(columns[column], s_idx)
    frame = pd.DataFrame({c: columns[c] for c in FRAME_COLUMNS if c in columns}, copy=False)
    frame["scenario"] = frame["scenario"].astype(str)
    return frame, notes


def cumulative(values: Any, scenario: np.ndarray) -> Any:
    """Running totals per scenario, to the digit as pandas' Kahan-compensated ``groupby().cumsum()``."""
    if not isinstance(values, np.ndarray) or not np.isfinite(values).all():  # gaps: pandas itself
        return pd.Series(values).groupby(scenario, sort=False).cumsum().array
    out, total, compensation, previous = values.tolist(), 0.0, 0.0, -1
    for i, (value, column) in enumerate(zip(out, scenario.tolist())):
        if column != previous:
            total, compensation, previous = 0.0, 0.0, column
        step = value - compensation
        running = total + step
        compensation = running - total - step
        total = out[i] = running
    return np.array(out, dtype=np.float64)


#: The frame's columns in order; a column whose inputs no scenario has is left out (another
#: host's currency columns appear only with a scenario of that host; the ``currency``
#: column names each row's host currency).
_CODES = [*(code.lower() for code in CURRENCIES if code != "USD"), "usd"]  # krw, jpy, any new host's, usd
FRAME_COLUMNS = [
    *"scenario year agreement rule currency payment growth_rate".split(),
    *(f"payment_{code}" for code in _CODES),
    *(f"payment_{code}_real" for code in _CODES),
    *(f"cumulative_{code}" for code in _CODES),
    *"share_of_defense_budget share_of_gdp share_of_npsc usd_per_troop".split(),
]
