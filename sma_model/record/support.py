"""Korea's support for US forces beyond the SMA, direct and indirect (``data/support.csv``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sma_model.record._schema import read_table
from sma_model.record.defense_gdp import YearlyInput, yearly_amounts
from sma_model.record.payments import payments
from sma_model.units import BILLION

__all__ = ["other_support_path", "support", "support_backtest", "support_totals"]


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


def support_totals() -> pd.DataFrame:
    """Each published one-year total of Korea's support in won, split into the SMA and the rest.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``year`` (2015, 2018, 2021): ``total_krw`` [KRW] (MND: ₩3,386.8bn,
        about ₩2.9tn, ₩3,443bn), ``sma_krw`` [KRW] (the year's published SMA payment),
        ``other_krw`` [KRW] (the rest: other direct support and indirect support),
        ``source``. The 2002 total is in dollars only (no won figure and no USD/KRW in the
        record for 2002) and is left out.

    Examples
    --------
    >>> round(float(support_totals().loc[2021, "other_krw"]) / 1e9, 1)  # 3,443 - 1,183.3
    2259.7
    """
    table = support()
    rows = table[(table["category"] == "total") & (table["period_years"] == 1)]
    rows = rows[rows["amount_krw_bn"].notna()].set_index("year")
    paid = payments().set_index("year")["payment_krw"]
    out = pd.DataFrame(index=rows.index)
    out["total_krw"] = rows["amount_krw_bn"] * BILLION
    out["sma_krw"] = paid.reindex(rows.index)
    out["other_krw"] = out["total_krw"] - out["sma_krw"]
    out["source"] = rows["source"]
    return out


def other_support_path(years: np.ndarray, override: YearlyInput = None) -> tuple[np.ndarray, list[str]]:
    """Korea's support beyond the SMA for ``years`` [KRW], and where each figure comes from.

    ``override`` [KRW per year] where given; otherwise the rest of the latest published
    total at or before the year (:func:`support_totals`: ₩2,454.8bn from 2015, ₩1,939.8bn
    from 2018, ₩2,259.7bn from 2021), held flat in nominal won. Years before 2015 stay
    NaN with an empty basis.

    Returns
    -------
    tuple
        Amounts [KRW per year] and, per year, ``"override"``, ``"published 2021"``,
        ``"2021 held flat"`` or ``""``.
    """
    years = np.asarray(years, dtype=np.int64)
    values = yearly_amounts(override, "other_support_krw", years, (0.0, 1e14), "won a year")
    basis = ["override" if np.isfinite(v) else "" for v in values]
    totals = support_totals()
    published = totals.index.to_numpy()
    for i, year in enumerate(years):
        at = published[published <= year]
        if basis[i] or not len(at):
            continue
        values[i] = totals.loc[at[-1], "other_krw"]
        basis[i] = f"published {at[-1]}" if at[-1] == year else f"{at[-1]} held flat"
    return values, basis


def support_backtest() -> pd.DataFrame:
    """The published totals of Korea's support beside what the support layer gives for them.

    For each published total, the layer's value for that year is the published figure
    itself (the SMA plus the published rest); ``carried_total_krw`` is what the layer
    would have said before the total was published: the year's SMA plus the rest of the
    previous published total, held flat (:func:`other_support_path`).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``year`` (2015, 2018, 2021): ``total_krw`` (published), ``sma_krw``,
        ``other_krw`` [KRW] (from :func:`support_totals`), ``layer_total_krw`` [KRW],
        ``layer_gap`` [fraction: layer / published - 1], ``carried_from`` (the earlier
        total's year, <NA> for the first), ``carried_total_krw`` [KRW], ``carried_gap``
        [fraction], ``note``.

    Examples
    --------
    >>> table = support_backtest()
    >>> round(float(table.loc[2018, "carried_gap"]), 4)  # (960.2 + 2,454.8) / 2,900 - 1
    0.1776
    """
    table = support_totals()
    years = table.index.to_numpy()
    layer, _ = other_support_path(years)
    out = table[["total_krw", "sma_krw", "other_krw"]].copy()
    out["layer_total_krw"] = out["sma_krw"] + layer
    out["layer_gap"] = out["layer_total_krw"] / out["total_krw"] - 1.0
    previous = [int(years[i - 1]) if i else None for i in range(len(years))]
    out["carried_from"] = pd.array(previous, dtype="Int64")
    carried = [table.loc[p, "other_krw"] if p is not None else np.nan for p in previous]
    out["carried_total_krw"] = out["sma_krw"] + np.array(carried, dtype=float)
    out["carried_gap"] = out["carried_total_krw"] / out["total_krw"] - 1.0
    out["note"] = [
        "first published total in won: nothing earlier to carry (2002 is in dollars only)"
        if p is None
        else f"the rest of {p} carried to {y}"
        for y, p in zip(years, previous)
    ]
    return out
