"""ROK defense budget against GDP, nominal GDP, the Mid-Term Defense Plan (``data/defense_gdp.csv``).

The yearly defense budget itself (2004-2026) is the macro series ``rok_defense_budget``
(:func:`sma_model.record.macro.macro`); this table adds what depends on GDP, and plans.
"""

from __future__ import annotations

import pandas as pd

from sma_model.record._schema import read_table

__all__ = ["defense_gdp"]


def defense_gdp() -> pd.DataFrame:
    """Defense budget shares of GDP, nominal GDP levels and the planned budget path.

    Returns
    -------
    pandas.DataFrame
        One row per (year, status, GDP base):

        - ``year``;
        - ``status``: ``"published"``, ``"estimate"`` (a share computed before the year's
          GDP was known, or marked so by MND) or ``"plan"`` (the Mid-Term Defense Plan
          2025-2029, not a budget);
        - ``gdp_base_year``: the base year of the GDP the row uses, ``2015`` or ``2020``
          (<NA> for plan rows). The Bank of Korea's 2024 rebasing to 2020 raised nominal
          GDP by about 7 % (2023: ₩2,236tn on the 2015 base, ₩2,401tn on the 2020 base), so
          a share of GDP is only comparable with shares on the same base;
        - ``defense_budget_krw_tn`` [KRW tn]: the original defense budget (for a plan
          row, the planned amount);
        - ``nominal_gdp_krw_tn`` [KRW tn]: nominal GDP;
        - ``defense_share_of_gdp_pct`` [percent]: defense budget / nominal GDP;
        - ``source``; ``note``.

    References
    ----------
    Ministry of National Defense, 국방예산 추이 (budget and share of GDP, 2015 base); Bank of
    Korea national accounts (GDP); Yonhap 2025-09-03 (2025 share; the Mid-Term Defense
    Plan 2025-2029: ₩66.7tn in 2026 to ₩84.7tn in 2029).
    """
    return read_table("defense_gdp.csv")
