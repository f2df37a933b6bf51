"""What the SMA money pays for: labor, construction and logistics, in the record and projected.

The Ministry of National Defense publishes the split of some years' SMA payment
(:func:`sma_model.record.composition.composition`: 2015, 2016, 2018, 2019, 2021). This
module carries it to every year of a projection:

- a year with a published split whose payment is the published total keeps it;
- any other year splits its payment in the shares of the latest published split at or
  before it (2021's from 2021 on: labor 47.3 %, construction 36.9 %, logistics 15.8 %);
  before 2015 nothing is published, and the parts are NaN with a note saying so;
- with a labor driver (``wage_growth`` and ``headcount_growth`` of USFK's Korean
  workers), labor follows it from each scenario's second year, and construction and
  logistics, largely in kind, share the rest of the payment in the latest published
  ratio between them.

Cash and in kind follow the published rules: labor is paid in cash, 12 % of construction
(design and oversight) is cash and 88 % in kind, logistics is in kind (MND 2018 Defense
White Paper p.180; 2020 White Paper p.169).

:func:`support_layer` adds to each payment Korea's support beyond the SMA (land, tax and
charge exemptions, utilities, works around the bases), from the latest published total.

:func:`rise_2021` decomposes the 11th SMA's +13.9 % for 2021 into the 2020 defense-budget
growth (7.4 %) and the rise for Korean workers' pay (6.5 %), as MOFA announced it
(2021-03-10), and :func:`split_change` the same rise by category.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sma_model.analysis.projection import Projection
from sma_model.errors import ScenarioError, SMAModelError
from sma_model.record.composition import composition as composition_record
from sma_model.record.defense_gdp import YearlyInput
from sma_model.record.macro import macro_series
from sma_model.record.payments import payments
from sma_model.record.support import other_support_path
from sma_model.series import check_range
from sma_model.units import BILLION

__all__ = [
    "CATEGORIES",
    "DERIVED",
    "GrowthInput",
    "korea_only",
    "project_composition",
    "published_shares",
    "record_composition",
    "rise_2021",
    "split_change",
    "support_layer",
    "yearly_rates",
]

#: The SMA's three categories, in the order MND publishes them.
CATEGORIES = ("labor", "construction", "logistics")

#: A yearly rate: one number for every year, or ``{year: rate}``.
GrowthInput = float | Mapping[int, float] | None

#: Ends the basis of a record year whose payment is derived from its rule, not published.
DERIVED = "; payment derived, not published"

#: Published split totals and payments agree to the rounding of the record (₩0.1bn).
_SAME_TOTAL = 0.05 * BILLION


def published_shares() -> pd.DataFrame:
    """Each published split as shares of its year's total, with the cash share of each part.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``year`` (2015, 2016, 2018, 2019, 2021): ``labor_share``,
        ``construction_share``, ``logistics_share`` [fractions, summing to 1] and
        ``labor_cash``, ``construction_cash``, ``logistics_cash`` [fraction of each
        part paid in cash: 1, 0.12, 0].

    Examples
    --------
    >>> round(float(published_shares().loc[2021, "labor_share"]), 4)  # 559.8 / 1,183.3
    0.4731
    """
    split = composition_record().set_index("year")
    out = pd.DataFrame(index=split.index)
    for part in CATEGORIES:
        out[f"{part}_share"] = split[f"{part}_krw_bn"] / split["total_krw_bn"]
    for part in CATEGORIES:
        out[f"{part}_cash"] = split[f"{part}_cash_pct"] / 100.0
    return out


def yearly_rates(value: GrowthInput, name: str, years: np.ndarray) -> np.ndarray:
    """A rate for each of ``years`` [fraction per year]: NaN where ``value`` gives none.

    Raises
    ------
    SMAModelError
        A rate outside -50 % to +50 % a year (``2.0`` asks "did you mean 0.02?"), or a
        year key that is not a whole year.
    """
    years = np.asarray(years, dtype=np.int64)
    if value is None:
        return np.full(years.shape, np.nan)
    unit = "a fraction per year, e.g. 0.03 for 3 %"
    try:
        if isinstance(value, Mapping):
            checked = {
                int(y): check_range(v, f"{name}[{y}]", -0.5, 0.5, unit, True) for y, v in value.items()
            }
            return np.array([checked.get(int(y), np.nan) for y in years])
        return np.full(years.shape, check_range(value, name, -0.5, 0.5, unit, percent=True))
    except (TypeError, ValueError) as exc:
        raise SMAModelError(str(exc)) from None


def _shares_for(years: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """The shares of the latest published split at or before each year, and that split's year (0: none)."""
    shares = published_shares()
    split_years = shares.index.to_numpy()
    position = np.searchsorted(split_years, years, side="right") - 1
    source = np.where(position >= 0, split_years[np.maximum(position, 0)], 0)
    rows = shares.reindex(source)
    rows.index = pd.Index(years, name="year")
    return rows, source


def _split(
    years: np.ndarray, paid: np.ndarray, labor_factor: np.ndarray
) -> tuple[dict[str, np.ndarray], list[str], list[str]]:
    """One scenario's parts [KRW], each year's basis and what is missing.

    ``labor_factor`` is the labor driver's growth factor per year (NaN: no driver).
    """
    shares, source = _shares_for(years)
    record = composition_record().set_index("year")
    parts = {p: paid * shares[f"{p}_share"].to_numpy() for p in CATEGORIES}
    basis = [f"shares of {s}" if s else "" for s in source]
    missing = ["" if s else "composition: no split published before 2015" for s in source]
    for i, year in enumerate(years):
        published = int(year) in record.index
        if published and abs(record.loc[int(year), "total_krw_bn"] * BILLION - paid[i]) < _SAME_TOTAL:
            for p in CATEGORIES:
                parts[p][i] = record.loc[int(year), f"{p}_krw_bn"] * BILLION
            basis[i] = "published split"
        if i == 0 or np.isnan(labor_factor[i]) or np.isnan(parts["labor"][i - 1]):
            continue
        labor = parts["labor"][i - 1] * labor_factor[i]
        rest = paid[i] - labor
        if rest < 0:
            raise SMAModelError(
                f"wage_growth and headcount_growth take labor to ₩{labor / BILLION:,.1f}bn in {int(year)}, "
                f"above the whole payment of ₩{paid[i] / BILLION:,.1f}bn; the SMA cannot pay more "
                "to labor than its total: give lower labor growth or a higher payment"
            )
        other = shares["construction_share"].iloc[i] + shares["logistics_share"].iloc[i]
        parts["labor"][i] = labor
        parts["construction"][i] = rest * shares["construction_share"].iloc[i] / other
        parts["logistics"][i] = rest * shares["logistics_share"].iloc[i] / other
        basis[i] = (
            f"labor driven by wages and headcount; the rest in {source[i]}'s construction:logistics ratio"
        )
    return parts, basis, missing


def _cash(parts: dict[str, np.ndarray], years: np.ndarray) -> np.ndarray:
    shares, _ = _shares_for(years)
    return sum(parts[p] * shares[f"{p}_cash"].to_numpy() for p in CATEGORIES)


def _frame(name: str, years: np.ndarray, paid: np.ndarray, labor_factor: np.ndarray) -> pd.DataFrame:
    parts, basis, missing = _split(years, paid, labor_factor)
    unknown = "composition: the payment in won is unknown (see the projection's notes)"
    missing = [unknown if np.isnan(v) else m for v, m in zip(paid, missing)]
    cash = _cash(parts, years)
    with np.errstate(invalid="ignore", divide="ignore"):
        labor_share = parts["labor"] / paid
    return pd.DataFrame(
        {
            "scenario": name,
            "year": years,
            "payment_krw": paid,
            "labor_krw": parts["labor"],
            "construction_krw": parts["construction"],
            "logistics_krw": parts["logistics"],
            "labor_share": labor_share,
            "cash_krw": cash,
            "in_kind_krw": paid - cash,
            "basis": basis,
            "missing": missing,
        }
    )


def korea_only(projection: Projection, what: str) -> None:
    """A :class:`~sma_model.errors.ScenarioError` for a scenario of another host than Korea:
    ``what`` (``"the burden"``) rests on the Korean record; the message points to ``compare_hosts``."""
    for name, country in [(s.name, s.host) for s in projection.plan.scenarios if s.host != "korea"]:
        raise ScenarioError(
            f"{what} covers Korea's SMA only (composition, support and ratios come from the Korean "
            f"record), but scenario {name!r} has host {country!r}; for {country.title()}'s payment in "
            "dollars, per US soldier and as a share of its defense budget use sma.compare_hosts"
        )


def project_composition(
    projection: Projection, wage_growth: GrowthInput = None, headcount_growth: GrowthInput = None
) -> pd.DataFrame:
    """Each scenario's payment split into labor, construction and logistics, year by year.

    Parameters
    ----------
    projection
        A :class:`~sma_model.analysis.projection.Projection` with ``payment_krw``.
    wage_growth, headcount_growth
        The labor driver [fraction per year]: growth of Korean workers' pay and of their
        number, one rate or ``{year: rate}``. From each scenario's second year, labor is
        the previous year's labor x (1 + wage growth) x (1 + headcount growth); a year
        that neither gives keeps the published shares. Default: no driver, so every part
        follows the latest published shares.

    Returns
    -------
    pandas.DataFrame
        One row per (scenario, year): ``payment_krw``, ``labor_krw``,
        ``construction_krw``, ``logistics_krw`` [KRW], ``labor_share`` [fraction],
        ``cash_krw`` and ``in_kind_krw`` [KRW], ``basis`` (``"published split"``,
        ``"shares of 2021"`` or the driver) and ``missing`` (what is absent, else empty).

    Raises
    ------
    SMAModelError
        A scenario of another host than Korea (:func:`korea_only`), no ``payment_krw``,
        a rate is implausible, or the driver takes labor above the whole payment.

    Examples
    --------
    >>> import sma_model as sma
    >>> parts = project_composition(sma.project(sma.presets.get("status-quo")))
    >>> row = parts.set_index("year").loc[2030]
    >>> round(float(row["labor_krw"]) / 1e9, 1)  # ₩1,646.1bn x 559.8 / 1,183.3
    778.7
    """
    korea_only(projection, "the composition")
    if "payment_krw" not in projection.frame:
        raise SMAModelError(
            f"the composition needs payment_krw, which is left out: {'; '.join(projection.notes)}"
        )
    frames = []
    for name in projection.names:
        rows = projection.scenario(name)
        years = rows["year"].to_numpy(dtype=np.int64)
        paid = rows["payment_krw"].to_numpy(dtype=float, na_value=np.nan)
        wage = yearly_rates(wage_growth, "wage_growth", years)
        heads = yearly_rates(headcount_growth, "headcount_growth", years)
        driven = ~(np.isnan(wage) & np.isnan(heads))
        factor = np.where(driven, (1 + np.nan_to_num(wage)) * (1 + np.nan_to_num(heads)), np.nan)
        frames.append(_frame(name, years, paid, factor))
    return pd.concat(frames, ignore_index=True)


def record_composition(first: int = 2015, last: int | None = None) -> pd.DataFrame:
    """The record's payments split as :func:`project_composition` splits a projection.

    Published years keep their published split; other years (2017, 2020, 2022-2026) take
    the latest published shares, and the basis of a year whose payment is derived, not
    published (2023, 2024), ends with :data:`DERIVED`. ``scenario`` is ``"record"``;
    columns as in :func:`project_composition`.
    """
    record = payments().set_index("year")
    paid = record["payment_krw"].fillna(record["derived_krw"]).dropna()
    paid = paid.loc[first : last if last is not None else paid.index.max()]
    years = paid.index.to_numpy(dtype=np.int64)
    frame = _frame("record", years, paid.to_numpy(dtype=float), np.full(len(years), np.nan))
    derived = (record.loc[years, "status"] == "derived").to_numpy()
    frame.loc[derived, "basis"] = frame.loc[derived, "basis"] + DERIVED
    return frame


def rise_2021() -> pd.DataFrame:
    """The 11th SMA's +13.9 % for 2021, split as announced: budget growth plus workers' pay.

    MOFA (2021-03-10) set the 2021 rise at 13.9 %: the 2020 growth of the ROK defense
    budget (7.4 %) plus 6.5 % for the rise in Korean workers' labor cost. The rise here is
    the published 2021 payment over the 2020 one (₩1,183.3bn / ₩1,038.9bn), rounded to
    0.1 % as announced; the budget part is the record's 2020 growth; workers' pay is the
    rest.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``component`` (``"defense budget growth (2020)"``, ``"Korean workers'
        pay"``, ``"total"``): ``rate`` [fraction of the 2020 payment] and ``amount_krw``
        [KRW, the rate x the 2020 payment].

    Examples
    --------
    >>> table = rise_2021()
    >>> [round(float(r), 3) for r in table["rate"]]
    [0.074, 0.065, 0.139]
    """
    record = payments().set_index("year")["payment_krw"]
    rise = round(float(record[2021] / record[2020] - 1.0), 3)
    budget = float(macro_series("rok_defense_budget_growth")[2020])
    rates = [budget, rise - budget, rise]
    names = ["defense budget growth (2020)", "Korean workers' pay", "total"]
    table = pd.DataFrame({"rate": rates, "amount_krw": [r * float(record[2020]) for r in rates]})
    table.index = pd.Index(names, name="component")
    return table


def split_change(first: int = 2019, last: int = 2021) -> pd.DataFrame:
    """How each category moved between two published splits [KRW].

    The default compares 2019 with 2021: 2020 was paid at the 2019 level (₩1,038.9bn),
    so this is the 2021 rise by category.

    Returns
    -------
    pandas.DataFrame
        Indexed by category (and ``"total"``): ``first_krw``, ``last_krw``,
        ``change_krw`` [KRW] and ``share_of_change`` [fraction of the total change].

    Raises
    ------
    SMAModelError
        Either year has no published split.
    """
    split = composition_record().set_index("year")
    for year in (first, last):
        if year not in split.index:
            raise SMAModelError(f"no published split for {year}; published: {list(split.index)}")
    names = [*CATEGORIES, "total"]
    before = np.array([split.loc[first, f"{p}_krw_bn"] for p in names]) * BILLION
    after = np.array([split.loc[last, f"{p}_krw_bn"] for p in names]) * BILLION
    table = pd.DataFrame(
        {"first_krw": before, "last_krw": after, "change_krw": after - before},
        index=pd.Index(names, name="category"),
    )
    table["share_of_change"] = table["change_krw"] / table.loc["total", "change_krw"]
    table.attrs["years"] = (first, last)
    return table


def support_layer(projection: Projection, other_support_krw: YearlyInput = None) -> pd.DataFrame:
    """Each scenario's SMA payment plus Korea's other support for US forces [KRW].

    Parameters
    ----------
    projection
        A projection with ``payment_krw``.
    other_support_krw
        Support beyond the SMA [KRW per year], a number or ``{year: amount}``; default
        :func:`~sma_model.record.support.other_support_path` (the rest of the latest
        published total, held flat: ₩2,259.7bn from 2021).

    Returns
    -------
    pandas.DataFrame
        One row per (scenario, year): ``payment_krw``, ``other_support_krw``,
        ``total_support_krw`` [KRW], ``other_support_basis`` and ``missing``
        (``"other support: none published before 2015"`` where unknown, else empty).
        A scenario of another host is refused (:func:`korea_only`).
    """
    korea_only(projection, "Korea's other support")
    frames = []
    for name in projection.names:
        rows = projection.scenario(name)
        years = rows["year"].to_numpy(dtype=np.int64)
        paid = rows["payment_krw"].to_numpy(dtype=float, na_value=np.nan)
        other, basis = other_support_path(years, other_support_krw)
        frames.append(
            pd.DataFrame(
                {
                    "scenario": name,
                    "year": years,
                    "payment_krw": paid,
                    "other_support_krw": other,
                    "total_support_krw": paid + other,
                    "other_support_basis": basis,
                    "missing": [
                        "; ".join(
                            m
                            for m, absent in (
                                ("payment in won unknown", np.isnan(v)),
                                ("other support: none published before 2015", not b),
                            )
                            if absent
                        )
                        for v, b in zip(paid, basis)
                    ],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
