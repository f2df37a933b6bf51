"""What the SMA money pays for: labor, construction and logistics (``data/composition.csv``)."""

from __future__ import annotations

import pandas as pd

from sma_model.record._schema import read_table

__all__ = ["composition"]


def composition() -> pd.DataFrame:
    """The SMA payment split into its three categories, for the years a split is published.

    Returns
    -------
    pandas.DataFrame
        One row per year (2015, 2016, 2018, 2019, 2021):

        - ``year``;
        - ``labor_krw_bn`` [KRW bn]: Korean workers' labor cost (paid in cash);
        - ``construction_krw_bn`` [KRW bn]: ROK-funded military construction;
        - ``logistics_krw_bn`` [KRW bn]: logistics support (in kind);
        - ``total_krw_bn`` [KRW bn]: the year's SMA total, the sum of the three;
        - ``labor_cash_pct``, ``construction_cash_pct``, ``logistics_cash_pct``
          [percent]: the share of each category paid in cash rather than in kind: labor
          100 %; construction 12 % (design and oversight; 88 % in kind) from 2011 (70 % in
          2009, 40 % in 2010); logistics 0 %;
        - ``source``: where the split was read; ``rules_source``: where the cash and
          in-kind rules were read; ``note``: e.g. the labor floor (75 % until the 11th
          SMA, 87 % under it).

        From 2019 labor is about 48 % of the total (about 39 % in 2018).

    References
    ----------
    Ministry of National Defense, Defense White Papers 2016, 2018 (Appendix 17 and p.180),
    2020 (p.169) and 2022 (Appendix 16); see ``source``.

    Examples
    --------
    >>> import sma_model as sma
    >>> float(sma.history.composition().set_index("year").loc[2015, "labor_krw_bn"])
    349.0
    """
    return read_table("composition.csv")
