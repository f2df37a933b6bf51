"""US troops in Korea over time (``data/troops.csv``)."""

from __future__ import annotations

import pandas as pd

from sma_model.record._schema import read_table

__all__ = ["REDUCTION_OPTION", "troop_levels", "troops"]

#: How the row of a reported reduction option begins its ``measure``.
REDUCTION_OPTION = "level after a reported reduction option"


def troops() -> pd.DataFrame:
    """US service members in Korea, for the years a source gives a number.

    Returns
    -------
    pandas.DataFrame
        One row per (year, measure):

        - ``year``;
        - ``us_troops`` [persons];
        - ``qualifier``: ``"about"``, ``"over"`` (a lower bound) or ``"exact"``;
        - ``measure``: what is counted (the level officials cite, or a head count of
          active-duty members assigned, which is lower and not comparable);
        - ``source``; ``note``.

        About 37,000 in 1994 and 37,500 in 2004; cut to 28,500 by 2008, the level
        GAO-21-270 gives for 2021; over 23,000 active-duty assigned in June 2024 (DMDC).
        One row is an option, not a count: 24,000 in 2025, the level after the reduction of
        about 4,500 that the Wall Street Journal reported the Pentagon was considering
        (2025-05-22; denied by the Pentagon); its ``measure`` starts with ``"level after a
        reported reduction option"``. :func:`sma_model.analysis.burden.troop_levels` reads
        the 28,500 and this row as the default troop-level scenarios.
    """
    return read_table("troops.csv")


def troop_levels() -> dict[str, float]:
    """The default troop-level scenarios for burden ratios, ``{label: US troops [persons]}``.

    ``"28,500 today"``: the level officials cite (GAO-21-270, 2021), and the level after
    each reported reduction option, labelled by the reduction (``"24,000 (4,500 fewer,
    reported)"``: the Wall Street Journal, 2025-05-22).

    Examples
    --------
    >>> troop_levels()
    {'28,500 today': 28500.0, '24,000 (4,500 fewer, reported)': 24000.0}
    """
    table = read_table("troops.csv")
    today = float(table.query("year == 2021")["us_troops"].iloc[0])
    levels = {f"{today:,.0f} today": today}
    options = table[table["measure"].str.startswith(REDUCTION_OPTION)]
    for count in options["us_troops"].astype(float):
        levels[f"{count:,.0f} ({today - count:,.0f} fewer, reported)"] = count
    return levels
