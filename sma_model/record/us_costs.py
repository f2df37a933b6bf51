"""US spending on its forces in a host country beside what the host provides (``data/us_costs.csv``)."""

from __future__ import annotations

import pandas as pd

from sma_model.record._schema import read_table

__all__ = ["us_costs"]


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
