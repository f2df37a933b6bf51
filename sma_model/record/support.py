"""Korea's support for US forces beyond the SMA, direct and indirect (``data/support.csv``)."""

from __future__ import annotations

import pandas as pd

from sma_model.record._schema import read_table

__all__ = ["support"]


def support() -> pd.DataFrame:
    """Korea's direct and indirect support for US forces: the itemised 2015 table and totals.

    Returns
    -------
    pandas.DataFrame
        One row per figure:

        - ``year``: the first year the figure covers (for the 2025 ten-year figure, the
          year it was announced);
        - ``period_years``: how many years the amount covers (1, 4 for GAO's 2016-2019,
          10 for the 2025 "$33bn");
        - ``category``: ``"direct"`` (government spending: the SMA itself, C4I lines,
          KATUSA, roads around bases...), ``"indirect"`` (forgone revenue: free land at
          appraised rent, tax and fee exemptions...), ``"one_off"`` (relocation to
          Pyeongtaek), ``"total"`` (direct plus indirect, one-off excluded) or
          ``"comprehensive"`` (the 2025 Joint Fact Sheet's ten-year figure: SMA plus
          land, tax-exemption, utility and other support);
        - ``item``: what the amount pays for; ``"total"`` for a category total;
        - ``amount_krw_bn`` [KRW bn] and ``amount_usd_m`` [USD m]: the amount over the
          period, in the currency published (NaN in the other);
        - ``source``; ``note``.

        2015 (MND): direct ₩2,427.9bn (the SMA's ₩932.0bn included), indirect ₩958.9bn,
        total ₩3,386.8bn, one-off relocation ₩2,069.5bn. Totals: 2002 $843.1m (DoD),
        2018 about ₩2.9tn, 2021 ₩3,443bn (MND), 2016-2019 $5.8bn (GAO-21-270), 2025
        $33bn over ten years.

    References
    ----------
    MND 2018 Defense White Paper, Appendix 17; MND 2020 and 2022 White Papers; US DoD
    2004 Statistical Compendium on Allied Contributions; GAO-21-270 (2021); ROK-US Joint
    Fact Sheet 2025-11-14.
    """
    return read_table("support.csv")
