"""The whole burden: what the SMA pays for, Korea's total support and how heavy it is.

:func:`burden` takes a :class:`~sma_model.analysis.projection.Projection` and gives a
:class:`Burden` with three tidy frames:

- ``composition``: the payment split into labor, construction and logistics
  (:mod:`sma_model.analysis.composition`);
- ``support`` (with ``include_indirect=True``): the SMA plus Korea's other support (land
  rent forgone, tax and charge exemptions, utilities, roads...), carried from the latest
  published total (:func:`~sma_model.analysis.composition.support_layer`; the published
  totals beside it in :func:`sma_model.record.support.support_backtest`);
- ``ratios``: the SMA (and total support) as a share of the ROK defense budget, of GDP and
  of what the US spends on its forces in Korea, and in dollars per US soldier under each
  troop level.

Every denominator has a sourced default in the record
(:func:`~sma_model.record.defense_gdp.defense_budget_path`,
:func:`~sma_model.record.defense_gdp.gdp_path`,
:func:`~sma_model.record.us_costs.us_cost_path`,
:func:`~sma_model.record.troops.troop_levels`,
:func:`~sma_model.record.support.other_support_path`) and a
``*_basis`` column saying where each year's value comes from; where one is absent the
ratio is NaN, the row's ``missing`` column names the input, and :attr:`Burden.notes`
says which years.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from sma_model.analysis.composition import (
    GrowthInput,
    korea_only,
    project_composition,
    record_composition,
    support_layer,
)
from sma_model.analysis.projection import Projection
from sma_model.errors import SMAModelError
from sma_model.formatting import format_money, format_percent, result_html
from sma_model.plotting.burden import composition_area, ratio_panels
from sma_model.record.defense_gdp import YearlyInput, defense_budget_path, gdp_path
from sma_model.record.troops import troop_levels
from sma_model.record.us_costs import us_cost_path
from sma_model.series import ASSUMPTIONS

__all__ = ["Burden", "burden", "support_layer"]


def burden(
    projection: Projection,
    troops: Mapping[str, float] | None = None,
    include_indirect: bool = False,
    wage_growth: GrowthInput = None,
    headcount_growth: GrowthInput = None,
    defense_budget: YearlyInput | str = "sourced",
    gdp: YearlyInput = None,
    us_cost_usd: YearlyInput = None,
    other_support_krw: YearlyInput = None,
) -> Burden:
    """The composition, total support and burden ratios of a projection's payments.

    Parameters
    ----------
    projection
        From :func:`~sma_model.analysis.projection.project`.
    troops
        Troop-level scenarios, ``{label: US troops in Korea [persons]}``; default
        :func:`~sma_model.record.troops.troop_levels`: 28,500 today (GAO-21-270)
        and 24,000 after the reduction of about 4,500 reported in May 2025.
    include_indirect
        Add Korea's support beyond the SMA (``support`` frame, and ``total_support``
        rows in ``ratios``).
    wage_growth, headcount_growth
        The labor driver of the composition [fraction per year]; see
        :func:`~sma_model.analysis.composition.project_composition`.
    defense_budget
        ``"sourced"`` (default: the record's budgets, then the Mid-Term Defense Plan to
        2029, then +7.7 % a year, the path to 3.5 % of GDP by 2035), ``"scenario"`` (the
        budget the scenario's own assumptions give, as in ``share_of_defense_budget`` of
        the projection frame), or a number or ``{year: amount}`` [KRW] that overrides the
        sourced path in its years.
    gdp
        Nominal GDP [KRW], a number or ``{year: amount}``, overriding the sourced path
        (the Bank of Korea's 2020-base GDP for 2023-2025, then +3.4 % a year).
    us_cost_usd
        What DoD spends on its presence in Korea [USD per year], overriding the sourced
        default (GAO-21-270's 2016-2019 average, $3.35bn a year, held flat).
    other_support_krw
        Korea's support beyond the SMA [KRW per year], overriding the sourced default
        (the latest published total minus that year's SMA, held flat).

    Returns
    -------
    Burden

    Raises
    ------
    ScenarioError
        A scenario of a host other than Korea: the burden rests on Korea's record (use
        :func:`sma_model.compare_hosts` for Japan's payment in dollars, per US soldier
        and as a share of its defense budget).
    SMAModelError
        An input outside its plausible range, an unknown ``defense_budget`` mode, a
        troop level outside 1,000 to 100,000, or a labor driver that takes labor above
        the whole payment.

    Examples
    --------
    >>> import sma_model as sma
    >>> b = burden(sma.project(sma.presets.get("status-quo")))
    >>> row = b.ratios.query("year == 2026 and troops == '28,500 today'").iloc[0]
    >>> round(float(row["share_of_defense_budget"]) * 100, 2)  # ₩1,519.2bn / ₩65.8642tn
    2.31
    """
    korea_only(projection, "the burden")
    if "payment_krw" not in projection.frame:
        raise SMAModelError(f"the burden needs payment_krw, which is left out: {'; '.join(projection.notes)}")
    levels = dict(troop_levels() if troops is None else troops)
    for label, count in levels.items():
        try:
            ASSUMPTIONS["troops"].check(count, f"troops[{label!r}]")
        except (TypeError, ValueError) as exc:
            raise SMAModelError(str(exc)) from None
    composition = project_composition(projection, wage_growth, headcount_growth)
    support = support_layer(projection, other_support_krw) if include_indirect else None
    ratios = _ratios(projection, support, levels, defense_budget, gdp, us_cost_usd)
    return Burden(projection, composition, support, ratios, levels)


def _ratios(
    projection: Projection,
    support: pd.DataFrame | None,
    levels: dict[str, float],
    defense_budget: YearlyInput | str,
    gdp: YearlyInput,
    us_cost_usd: YearlyInput,
) -> pd.DataFrame:
    # long: one pass per scenario builds every ratio beside its denominator, basis and gaps
    frame = projection.frame
    frames = []
    for name in projection.names:
        rows = projection.scenario(name)
        years = rows["year"].to_numpy(dtype=np.int64)
        krw = rows["payment_krw"].to_numpy(dtype=float, na_value=np.nan)
        has_usd = "payment_usd" in frame
        usd = (
            rows["payment_usd"].to_numpy(dtype=float, na_value=np.nan)
            if has_usd
            else np.full(len(years), np.nan)
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            fx = krw / usd
        budget, budget_basis = _budget(rows, years, defense_budget)
        gdp_values, gdp_basis = gdp_path(years, gdp)
        us_cost, us_cost_basis = us_cost_path(years, us_cost_usd)
        measures = {"sma": krw}
        if support is not None:
            measures["total_support"] = support.loc[
                support["scenario"] == name, "total_support_krw"
            ].to_numpy()
        for measure, amount_krw in measures.items():
            with np.errstate(invalid="ignore", divide="ignore"):
                amount_usd = amount_krw / fx
            for label, count in levels.items():
                with np.errstate(invalid="ignore", divide="ignore"):
                    table = pd.DataFrame(
                        {
                            "scenario": name,
                            "measure": measure,
                            "troops": label,
                            "year": years,
                            "amount_krw": amount_krw,
                            "amount_usd": amount_usd,
                            "defense_budget_krw": budget,
                            "share_of_defense_budget": amount_krw / budget,
                            "gdp_krw": gdp_values,
                            "share_of_gdp": amount_krw / gdp_values,
                            "us_troops": float(count),
                            "usd_per_troop": amount_usd / float(count),
                            "us_cost_usd": us_cost,
                            "share_of_us_cost": amount_usd / us_cost,
                            "defense_budget_basis": budget_basis,
                            "gdp_basis": gdp_basis,
                            "us_cost_basis": us_cost_basis,
                        }
                    )
                why = {
                    "amount": np.isnan(amount_krw),
                    "usd_krw": np.isnan(fx),
                    "defense budget": np.isnan(budget),
                    "gdp": np.isnan(gdp_values),
                    "us cost": np.isnan(us_cost),
                }
                table["missing"] = [
                    "; ".join(
                        k
                        for k, flags in why.items()
                        if flags[i] and not (k == "usd_krw" and why["amount"][i])
                    )
                    for i in range(len(years))
                ]
                frames.append(table)
    return pd.concat(frames, ignore_index=True)


def _budget(rows: pd.DataFrame, years: np.ndarray, mode: YearlyInput | str) -> tuple[np.ndarray, list[str]]:
    if isinstance(mode, str):
        if mode == "sourced":
            return defense_budget_path(years)
        if mode == "scenario":
            if "share_of_defense_budget" not in rows:
                n = len(years)
                return np.full(n, np.nan), ["the scenario gives no defense budget"] * n
            share = rows["share_of_defense_budget"].to_numpy(dtype=float, na_value=np.nan)
            with np.errstate(invalid="ignore", divide="ignore"):
                values = rows["payment_krw"].to_numpy(dtype=float) / share
            return values, ["the scenario's assumptions" if np.isfinite(v) else "" for v in values]
        raise SMAModelError(
            f"defense_budget={mode!r}: give 'sourced', 'scenario', a number or {{year: amount}} [KRW]"
        )
    return defense_budget_path(years, mode)


#: For each input ``missing`` may name: the ratios it leaves NaN, and why.
_EXPLAIN = {
    "amount": ("every ratio", "the payment (or total support) is unknown"),
    "usd_krw": ("usd_per_troop and share_of_us_cost", "no USD/KRW for these years"),
    "defense budget": ("share_of_defense_budget", "no defense budget; give defense_budget="),
    "gdp": ("share_of_gdp", "no nominal GDP on the 2020 base (the record has it from 2023); give gdp="),
    "us cost": ("share_of_us_cost", "no US cost; give us_cost_usd="),
}


def _missing_notes(ratios: pd.DataFrame) -> list[str]:
    notes = []
    rows = ratios.drop_duplicates(["scenario", "measure", "year"])
    for key, (columns, why) in _EXPLAIN.items():
        hit = rows[rows["missing"].str.split("; ").map(lambda keys, k=key: k in keys)]
        for (scenario, measure), group in hit.groupby(["scenario", "measure"], sort=False):
            years = sorted(int(y) for y in group["year"].unique())
            span = f"{years[0]}" + (f"-{years[-1]}" if len(years) > 1 else "")
            notes.append(f"{columns} of {scenario!r} ({measure}) NaN in {span}: {why}")
    return notes


class Burden:
    """The composition, total support and burden ratios of a projection.

    Attributes
    ----------
    composition : pandas.DataFrame
        See :func:`~sma_model.analysis.composition.project_composition`.
    support : pandas.DataFrame or None
        With ``include_indirect=True``: one row per (scenario, year), ``payment_krw``,
        ``other_support_krw``, ``total_support_krw`` [KRW], ``other_support_basis``,
        ``missing`` (see :func:`~sma_model.analysis.composition.support_layer`).
    ratios : pandas.DataFrame
        One row per (scenario, measure, troops, year); ``measure`` is ``"sma"`` or
        ``"total_support"``, ``troops`` the troop-level label. Columns ``amount_krw``
        [KRW], ``amount_usd`` [USD], ``defense_budget_krw`` [KRW],
        ``share_of_defense_budget`` [fraction], ``gdp_krw`` [KRW], ``share_of_gdp``
        [fraction], ``us_troops`` [persons], ``usd_per_troop`` [USD per person],
        ``us_cost_usd`` [USD], ``share_of_us_cost`` [fraction], ``defense_budget_basis``,
        ``gdp_basis``, ``us_cost_basis`` (where each year's denominator comes from) and
        ``missing`` (the inputs absent in that row, empty when none).
    troops : dict
        The troop levels, ``{label: persons}``.
    notes : list of str
        Which ratios are NaN, for which years, and why.
    """

    def __init__(
        self,
        projection: Projection,
        composition: pd.DataFrame,
        support: pd.DataFrame | None,
        ratios: pd.DataFrame,
        troops: dict[str, float],
    ) -> None:
        self.projection = projection
        self.composition = composition
        self.support = support
        self.ratios = ratios
        self.troops = troops
        self.notes = _missing_notes(ratios) + [n for n in composition["missing"].unique() if n]

    def summary(self, year: int | None = None) -> pd.DataFrame:
        """One row per scenario (and measure) in ``year`` (default each scenario's last year).

        Returns
        -------
        pandas.DataFrame
            Indexed by (``scenario``, ``measure``): ``year``, ``amount_krw`` [KRW],
            ``labor_share`` [fraction of the SMA], ``share_of_defense_budget``,
            ``share_of_gdp``, ``share_of_us_cost`` [fractions] and ``usd_per_troop
            (<label>)`` [USD per person] for each troop level.
        """
        out = []
        for name in self.projection.names:
            rows = self.ratios[self.ratios["scenario"] == name]
            when = int(rows["year"].max()) if year is None else int(year)
            if when not in set(rows["year"]):
                span = f"{rows['year'].min()}-{rows['year'].max()}"
                raise SMAModelError(f"scenario {name!r} has no year {when}; it covers {span}")
            parts = self.composition.query("scenario == @name and year == @when").iloc[0]
            for measure, group in rows[rows["year"] == when].groupby("measure", sort=False):
                first = group.iloc[0]
                record: dict[str, Any] = {"scenario": name, "measure": measure, "year": when}
                record["amount_krw"] = first["amount_krw"]
                record["labor_share"] = parts["labor_share"] if measure == "sma" else np.nan
                for column in ("share_of_defense_budget", "share_of_gdp", "share_of_us_cost"):
                    record[column] = first[column]
                for _, row in group.iterrows():
                    record[f"usd_per_troop ({row['troops']})"] = row["usd_per_troop"]
                out.append(record)
        return pd.DataFrame(out).set_index(["scenario", "measure"])

    def _shown(self) -> pd.DataFrame:
        summary = self.summary()
        shown = pd.DataFrame(index=summary.index)
        shown["year"] = summary["year"].astype(int).astype(str)
        shown["amount"] = [format_money(v, "KRW") for v in summary["amount_krw"]]
        for column in summary.columns[2:]:
            if column.startswith("usd_per_troop"):
                shown[column] = [format_money(v, "USD") for v in summary[column]]
            else:
                digits = 3 if column == "share_of_gdp" else 2
                shown[column] = [format_percent(v, digits) if np.isfinite(v) else "" for v in summary[column]]
        return shown

    def to_string(self) -> str:
        """What the repr prints: each scenario's last year in readable figures, then the notes."""
        head = f"Burden of {len(self.projection.names)} scenario(s): {', '.join(self.projection.names)}"
        notes = "".join(f"\nnote: {n}" for n in self.notes)
        return f"{head}\n{self._shown().to_string()}{notes}"

    def to_html(self) -> str:
        """What a notebook shows: the last year's figures as an HTML table, then the notes."""
        names = ", ".join(html.escape(n) for n in self.projection.names)
        head = f"<strong>Burden</strong> of {len(self.projection.names)} scenario(s): {names}"
        return result_html(head, self._shown().to_html(), self.notes)

    __repr__ = to_string
    _repr_html_ = to_html

    def plot(self, kind: str = "composition", ax: Any = None, **kwargs: Any) -> Any:
        """``"composition"``: stacked area of the first scenario's split, after the record
        (:func:`~sma_model.plotting.burden.composition_area`); ``"ratios"``: four panels of
        ratios (:func:`~sma_model.plotting.burden.ratio_panels`; ``ax`` is then an array of
        four Axes)."""
        if kind == "composition":
            first = int(self.composition["year"].min())
            frame = pd.concat([record_composition(last=first - 1), self.composition], ignore_index=True)
            return composition_area(frame, ax=ax, **kwargs)
        if kind == "ratios":
            return ratio_panels(self.ratios, axes=ax, **kwargs)
        raise SMAModelError(f"kind={kind!r}: give 'composition' or 'ratios'")
