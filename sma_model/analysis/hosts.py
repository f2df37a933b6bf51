"""Hosts side by side: Korea's SMA and Japan's host-nation support in measures both share.

:func:`compare_hosts` projects each host's scenario through the one engine
(:func:`~sma_model.analysis.projection.project`) and keeps the measures that mean the same
for every host: the payment in dollars, dollars per US soldier, and the share of the
host's own defense budget. No new arithmetic: it is the projection's frame, filtered.

A Korean scenario that sets no defense budget (nor its growth) gets the sourced path of
:func:`~sma_model.record.defense_gdp.defense_budget_path` (MND budgets, then the Mid-Term
Defense Plan 2025-2029, then +7.7 % a year), so each host's share is drawn; a note says so.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sma_model.analysis.projection import project
from sma_model.model.scenario import Scenario
from sma_model.record import presets
from sma_model.record.defense_gdp import defense_budget_path
from sma_model.record.hosts import host

__all__ = ["DEFAULT_HOSTS", "HOST_COLUMNS", "compare_hosts", "fiscal_year_text"]

#: The presets :func:`compare_hosts` compares when given none: each host's status quo.
DEFAULT_HOSTS = ("status-quo", "japan-status-quo")
#: The measures every host shares, beside ``host, scenario, year, fiscal_year, agreement``.
HOST_COLUMNS = ("payment_usd", "usd_per_troop", "share_of_defense_budget")
_MONTHS = "January February March April May June July August September October November December".split()


def fiscal_year_text(country: str) -> str:
    """``"calendar"`` for a host whose fiscal year is the calendar year, else ``"April-March"``."""
    start = host(country).fiscal_year_start_month
    return "calendar" if start == 1 else f"{_MONTHS[start - 1]}-{_MONTHS[start - 2]}"


def compare_hosts(
    scenarios: Sequence[Scenario] | None = None,
    first: int | None = None,
    last: int | None = None,
    price_base_year: int | None = None,
) -> pd.DataFrame:
    """Each host's payments in measures every host shares, one row per (scenario, year).

    Parameters
    ----------
    scenarios
        Scenarios of any hosts (unique names); default each host's status quo
        (:data:`DEFAULT_HOSTS`: Korea's 12th SMA and Japan's FY2022-26 agreement, each
        rolled over).
    first, last
        The years kept [calendar years; Japan's fiscal years are labelled by the year
        they start in]; default every year projected.
    price_base_year
        Passed to :func:`~sma_model.analysis.projection.project` (real terms are not
        compared here, so it changes nothing shown).

    Returns
    -------
    pandas.DataFrame
        ``host``, ``scenario``, ``year``, ``fiscal_year`` (``"calendar"`` or
        ``"April-March"``), ``agreement`` (``"after ..."`` once the agreements end),
        ``currency`` (the payment's), ``payment_usd`` [USD], ``usd_per_troop`` [USD per
        US service member], ``share_of_defense_budget`` [fraction of the host's own
        defense budget, both in its currency]; a measure no scenario has inputs for is
        left out, one a scenario lacks is <NA> (``attrs["notes"]`` says which
        assumption fills it). Japan's status quo in FY2025: ¥211.02bn = $1.502bn at
        ¥140.511, $27,306 per soldier (55,000), 2.43 % of ¥8,700.5bn.
    """
    chosen = [presets.get(name) for name in DEFAULT_HOSTS] if scenarios is None else list(scenarios)
    notes: list[str] = []
    chosen = [_with_korea_budget(scenario, notes) for scenario in chosen]
    projection = project(chosen, price_base_year=price_base_year)
    frame = projection.frame
    hosts = {s.name: s.host for s in chosen}
    out = pd.DataFrame(
        {
            "host": frame["scenario"].map(hosts),
            "scenario": frame["scenario"],
            "year": frame["year"],
            "fiscal_year": frame["scenario"].map({n: fiscal_year_text(h) for n, h in hosts.items()}),
            "agreement": frame["agreement"],
            "currency": frame["currency"],
        }
    )
    for column in HOST_COLUMNS:
        if column in frame:
            out[column] = frame[column]
    keep = pd.Series(True, index=out.index)
    if first is not None:
        keep &= out["year"] >= first
    if last is not None:
        keep &= out["year"] <= last
    out = out[keep].reset_index(drop=True)
    out.attrs["notes"] = [*notes, *projection.notes]
    return out


def _with_korea_budget(scenario: Scenario, notes: list[str]) -> Scenario:
    """A Korean scenario without a defense budget, given the sourced path; any other as it is."""
    given = scenario.assumptions
    if (
        scenario.host != "korea"
        or given.defense_budget is not None
        or given.defense_budget_growth is not None
    ):
        return scenario
    years = np.arange(scenario.start_year, scenario.end_year + 1)
    values, basis = defense_budget_path(years)
    path = {int(y): float(v) for y, v in zip(years, values) if np.isfinite(v)}
    sources = "; ".join(dict.fromkeys(b for b in basis if b))
    notes.append(f"{scenario.name!r}: ROK defense budget from the sourced path ({sources})")
    return scenario.with_changes({"assumptions.defense_budget": path})
