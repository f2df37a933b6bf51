"""Backtest: each modelled SMA projected from its rule beside the published payments."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sma_model.engine.compile import compile_plan
from sma_model.engine.run import run
from sma_model.model.scenario import Scenario
from sma_model.record.agreements import agreement_records
from sma_model.record.payments import payments as published_payments

__all__ = ["backtest"]


def backtest() -> pd.DataFrame:
    """Project every modelled agreement in the record and compare it with what was paid.

    Each agreement is projected on its own, from its first-year terms (a published
    base amount, or a rise over the previous year's published payment), by its rule and
    the macro record alone (no assumed values), year after year: later years build on
    the model's own earlier years, not on the published ones. All agreements run as one
    batch through the engine.

    Returns
    -------
    pandas.DataFrame
        One row per published year of a modelled agreement: ``agreement``, ``year``,
        ``rule``, ``currency``, ``published`` and ``modelled`` [that currency],
        ``difference`` (modelled - published) and ``relative_difference``
        [fraction], ``source`` (of the published figure).

    Notes
    -----
    Published amounts are rounded to ₩0.1bn (and $10m in the MND chart for the 1990s),
    and each year was set from the rounded previous year, so differences of a few
    hundredths of a percent are rounding. The 3rd SMA's figures in the MND chart differ
    from its +10 % rule by up to 2.4 % (see ``data/agreements.yaml``).
    """
    published = published_payments().set_index("year")
    paid = published["payment_krw"].notna() | published["payment_usd"].notna()
    last_published = int(published.index[paid].max())
    # only the published years: later ones would need macro values nobody has yet
    records = [r for r in agreement_records() if r.modelled and r.start_year <= last_published]
    scenarios = [
        Scenario(name=r.name, agreements=[r.agreement()], horizon=min(r.end_year, last_published))
        for r in records
    ]
    plan = compile_plan(scenarios)
    payments = run(plan)
    rows = []
    for column, record in enumerate(records):
        for row, year in enumerate(plan.years):
            if not plan.active[row, column] or year not in published.index:
                continue
            entry = published.loc[year]
            currency = "USD" if plan.usd[row, column] else "KRW"
            value = entry["payment_usd" if currency == "USD" else "payment_krw"]
            if np.isnan(value):
                continue
            modelled = float(payments[row, column])
            rows.append(
                {
                    "agreement": record.name,
                    "year": int(year),
                    "rule": plan.labels[column][row - int(np.argmax(plan.active[:, column]))][1],
                    "currency": currency,
                    "published": float(value),
                    "modelled": modelled,
                    "difference": modelled - float(value),
                    "relative_difference": modelled / float(value) - 1.0,
                    "source": entry["source"],
                }
            )
    return pd.DataFrame(rows)
