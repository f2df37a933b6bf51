"""US spending on its forces in a host country beside what the host provides (``data/us_costs.csv``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sma_model.record._schema import read_table
from sma_model.record.defense_gdp import YearlyInput, yearly_amounts
from sma_model.units import MILLION

__all__ = ["us_cost_path", "us_costs"]


def us_costs() -> pd.DataFrame:
    """DoD's obligations for its presence in Korea and Japan beside each host's support.

    Returns
    -------
    pandas.DataFrame
        One row per (host, period):

        - ``host``: ``"KOR"`` or ``"JPN"`` (ISO 3166-1 alpha-3);
        - ``first_year``, ``last_year``: the period, calendar years;
        - ``dod_obligated_usd_m`` [USD million]: what DoD obligated for its presence;
        - ``host_provided_usd_m`` [USD million]: the host's direct support, cash and in kind;
        - ``source``; ``note``.

    References
    ----------
    US Government Accountability Office, GAO-21-270, "Burden Sharing: Benefits and Costs
    Associated with the U.S. Military Presence in Japan and South Korea", March 2021:
    2016-2019, DoD obligated about $13.4bn (Korea) and $20.9bn (Japan); Korea provided
    $5.8bn and Japan $12.6bn.
    """
    return read_table("us_costs.csv")


def us_cost_path(
    years: np.ndarray, override: YearlyInput = None, host: str = "KOR"
) -> tuple[np.ndarray, list[str]]:
    """What DoD spends a year on its presence in ``host`` [USD], and where each figure comes from.

    ``override`` [USD per year] where given; otherwise the yearly average of the latest
    period in the record, held flat in nominal dollars (Korea: GAO-21-270, $13.4bn over
    2016-2019, $3.35bn a year).

    Returns
    -------
    tuple
        Amounts [USD per year] and, per year, ``"override"`` or ``"GAO-21-270 average
        2016-2019, held flat"``.

    Examples
    --------
    >>> values, basis = us_cost_path(np.array([2030]))
    >>> float(values[0]) / 1e9, basis[0]
    (3.35, 'GAO-21-270 average 2016-2019, held flat')
    """
    years = np.asarray(years, dtype=np.int64)
    values = yearly_amounts(override, "us_cost_usd", years, (1e8, 1e12), "dollars a year")
    basis = ["override" if np.isfinite(v) else "" for v in values]
    table = read_table("us_costs.csv")
    row = table[table["host"] == host].sort_values("first_year").iloc[-1]
    first, last = int(row["first_year"]), int(row["last_year"])
    average = float(row["dod_obligated_usd_m"]) * MILLION / (last - first + 1)
    why = f"GAO-21-270 average {first}-{last}, held flat"
    for i in range(len(years)):
        if not basis[i]:
            values[i], basis[i] = average, why
    return values, basis
