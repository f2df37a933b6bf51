"""US troops in Korea over time (``data/troops.csv``)."""

from __future__ import annotations

import pandas as pd

from sma_model.record._schema import read_table

__all__ = ["troops"]


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
    """
    return read_table("troops.csv")
