"""Other host countries' support for US forces (``data/hosts/<country>/support.csv``)."""

from __future__ import annotations

import pandas as pd

from sma_model.errors import DataError
from sma_model.record._schema import read_table

__all__ = ["HOSTS", "host_support"]

#: Host countries with a record beside Korea's.
HOSTS = ("japan", "germany")


def host_support(country: str) -> pd.DataFrame:
    """Host-nation support for US forces paid by ``country``, by agreement period.

    Parameters
    ----------
    country : {"japan", "germany"}

    Returns
    -------
    pandas.DataFrame
        One row per (first fiscal year, last fiscal year, item, basis):

        - ``first_fiscal_year``, ``last_fiscal_year``: the fiscal years covered (Japan's
          fiscal year runs April-March);
        - ``item``: ``"total"`` or a category (labor, welfare, utilities, facilities,
          training relocation, training equipment, construction);
        - ``basis``: ``"period"`` (the amount over all the years covered) or
          ``"per_year"``;
        - ``amount_jpy_bn`` [JPY bn] for Japan, ``amount_eur_m`` [EUR m] for Germany;
        - ``source``; ``note``.

        Japan: about ¥188.1bn a year in FY2011-15, ¥946.5bn for FY2016-20, ¥201.7bn in
        FY2021 (itemised), ¥1,055.1bn for FY2022-26. Germany: €982.4m in 2010-2019.

    Raises
    ------
    DataError
        ``country`` has no record.
    """
    name = str(country).lower()
    if name not in HOSTS:
        raise DataError(f"no host-support record for {country!r}; known: {', '.join(HOSTS)}")
    return read_table(f"hosts/{name}/support.csv")
