"""How the agreed SMA money was budgeted, paid and spent (``data/execution.csv``)."""

from __future__ import annotations

import pandas as pd

from sma_model.record._schema import read_table
from sma_model.record.payments import payments
from sma_model.units import BILLION

__all__ = ["FLOWS", "execution"]

#: Measures that are one year's flow of money, set beside that year's agreed total.
FLOWS = (
    "appropriated",
    "budget_proposal",
    "executed",
    "paid",
    "unexecuted",
    "construction_unexecuted_or_lapsed",
    "lapsed",
)


def execution() -> pd.DataFrame:
    """The agreed totals against what was budgeted, paid, spent, left unspent and owed.

    Korea budgeted less than the agreed total in 2011-2013 (the difference, ₩303.5bn, was
    owed and paid later), USFK held unspent SMA cash (₩1,119.3bn in October 2008, ₩738bn in
    early 2013), and construction money went unexecuted or lapsed each year. Each row is
    one figure with its own source; measures from different sources are not on one basis
    (see ``note``).

    Returns
    -------
    pandas.DataFrame
        One row per (year, measure, period_years):

        - ``year``: the year the figure is for (for a balance, the year it was counted; for
          a multi-year figure, its first year);
        - ``measure``: what the figure is:

          - ``"appropriated"``: Korea's budget for the SMA that year (below the agreed
            total in 2011-2013: 2011 ₩732.5bn against ₩812.5bn, 2012 ₩746.1bn against
            ₩836.1bn, 2013 ₩736.0bn against ₩869.5bn);
          - ``"budget_proposal"``: the government's budget proposal for the SMA (2014
            ₩799.7bn, before the 9th SMA set ₩920.0bn; 2015 ₩844.8bn against ₩932.0bn);
          - ``"executed"``: spent in the year (2012 ₩638.1bn);
          - ``"paid"``: paid in the year (2020 ₩724.5bn after the 11th SMA, the rest of the
            ₩1,038.9bn having been paid before as labor cost and workers' support);
          - ``"unexecuted"``: not executed in the year (2009-2012, ₩114.8bn to ₩307.5bn);
          - ``"construction_unexecuted_or_lapsed"``: construction money unexecuted, unpaid
            or lapsed (2014 ₩324.88bn, 2015 ₩255.57bn, 2016 ₩328.736bn);
          - ``"lapsed"``: returned to the treasury (2017-2019; ₩67.88bn over 2014-2019);
          - ``"held_by_usfk"``: unspent SMA cash in USFK's accounts at ``as_of``;
          - ``"owed_by_rok"``: agreed but not yet paid by Korea (₩303.5bn for 2011-2013);
          - ``"labor_floor"``: the share of USFK's Korean workers' labor cost the SMA funds,
            at least (75 % under the 9th and 10th SMA, 87 % from 2021 under the 11th);

        - ``period_years``: years the figure covers (1, or e.g. 3 for 2011-2013);
        - ``as_of``: for a balance, the date counted (``"2013-03"``), else empty;
        - ``amount_krw_bn`` [KRW bn]: the amount (NaN for ``labor_floor``);
        - ``share_pct`` [percent]: the floor (NaN for amounts);
        - ``agreed_krw_bn`` [KRW bn]: the year's agreed SMA total from
          :func:`~sma_model.record.payments.payments`, for the one-year flows in
          :data:`FLOWS` (NaN for balances, multi-year figures and floors);
        - ``source``: the document, date and address; ``note``: conflicts and context.

    References
    ----------
    MND data to National Assembly members: Choi Jae-cheon (Nocutnews 2013-10-15), Lee
    Seok-ki (Tiptipnews and the Hankyoreh, July 2013), Park Joo-sun (Hankook Ilbo
    2013-10-03; Korea Herald 2013-10-10), Kim Jong-dae (Yonhap 2017-10-25), Jeon Hae-cheol
    (Korea Herald 2020-10-05); MOFA data (Korea Herald 2014-04-03); MOFA briefing on the
    11th SMA, 2021-03-10.

    Examples
    --------
    >>> import sma_model as sma
    >>> row = sma.history.execution().query("year == 2012 and measure == 'appropriated'").iloc[0]
    >>> round(float(row["agreed_krw_bn"] - row["amount_krw_bn"]), 1)
    90.0
    """
    frame = read_table("execution.csv")
    agreed = payments().set_index("year")["payment_krw"] / BILLION
    flow = frame["measure"].isin(FLOWS) & (frame["period_years"] == 1)
    frame.insert(
        list(frame.columns).index("share_pct") + 1,
        "agreed_krw_bn",
        frame["year"].astype(int).map(agreed).where(flow).astype(float).round(6),
    )
    return frame
