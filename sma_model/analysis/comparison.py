"""Scenarios against a baseline: yearly and cumulative differences, NPV, ratios, burden."""

from __future__ import annotations

import difflib
import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sma_model._excel import write_workbook
from sma_model.analysis.projection import (
    Projection,
    average_growth,
    by_scenario,
    one_off_jumps,
    project,
    total,
)
from sma_model.errors import ScenarioError
from sma_model.formatting import format_summary, result_html
from sma_model.model.scenario import Scenario
from sma_model.plotting.payments import comparable_currencies, comparison_bars, scenario_currency

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["Comparison", "compare"]

#: Default discount rate for NPV [fraction per year, nominal]: an illustrative choice,
#: not a sourced figure; pass your own to :func:`compare`.
DEFAULT_DISCOUNT_RATE = 0.03


def compare(
    scenarios: Sequence[Scenario] | Projection,
    baseline: str | Scenario | None = None,
    discount_rate: float = DEFAULT_DISCOUNT_RATE,
    price_base_year: int | None = None,
) -> Comparison:
    """Compare scenarios with a baseline, year by year.

    Parameters
    ----------
    scenarios
        Scenarios (projected together in one batch), or a :class:`Projection`.
    baseline
        The scenario (or its name) the others are measured against; default the first.
    discount_rate
        Nominal yearly rate for the NPV of differences [fraction, above -0.5, at most 1];
        default 3 % (an illustrative choice). Amounts are discounted to the first compared
        year (the first year every scenario covers); see :meth:`Comparison.npv`.
    price_base_year
        Year whose prices the real columns use (see :func:`sma_model.project`). With a
        :class:`Projection` it must be None or the projection's own.

    Returns
    -------
    Comparison

    Raises
    ------
    ScenarioError
        A discount rate outside its range, a baseline not among the scenarios, scenarios
        that share no year, or a ``price_base_year`` that differs from a given projection's.
    """
    _check_rate(discount_rate)
    if isinstance(scenarios, Projection):
        projection = scenarios
        if price_base_year is not None and price_base_year != projection.price_base_year:
            raise ScenarioError(
                f"price_base_year={price_base_year!r}, but the projection is in "
                f"{projection.price_base_year} prices; project with price_base_year={price_base_year!r} "
                "or leave it out"
            )
    else:
        scenarios = list(scenarios)
        if isinstance(baseline, Scenario) and baseline not in scenarios:
            scenarios.insert(0, baseline)
        projection = project(scenarios, price_base_year=price_base_year)
    name = baseline.name if isinstance(baseline, Scenario) else baseline
    if name is None:
        name = projection.names[0]
    if name not in projection.names:
        raise ScenarioError(f"baseline {name!r} is not among the scenarios: {projection.names}")
    return Comparison(projection, name, discount_rate)


class Comparison:
    """Scenarios measured against a baseline.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per (scenario, year) in the years the baseline covers: the projection's
        columns plus, for each amount column present in :attr:`currencies`
        (``payment_krw``, ``payment_usd`` and their ``_real`` forms; ``payment_jpy`` for
        Japan), ``difference_*`` (scenario - baseline) and ``cumulative_difference_*``,
        and ``ratio_to_baseline`` (of the first currency's payment, or ``payment_usd``
        where it is unknown).
    projection : Projection
        The projection compared.
    baseline : str
        The baseline scenario's name.
    discount_rate : float
        Rate used by :meth:`summary` for NPV [fraction per year].
    currencies : list of str
        The currencies compared: the host's own and ``"USD"`` when every scenario has
        one host (``["KRW", "USD"]`` for Korea, ``["JPY", "USD"]`` for Japan), only
        ``["USD"]`` for scenarios of several hosts (won and yen are not compared; a note
        says so). The first is the default of :meth:`summary` and :meth:`npv`.
    """

    def __init__(self, projection: Projection, baseline: str, discount_rate: float) -> None:
        self.projection = projection
        self.baseline = baseline
        self.discount_rate = float(discount_rate)
        self._first, self._last, self._trimmed = _compared_years(projection)
        self.currencies = comparable_currencies(projection.plan.scenarios, projection.currencies)
        # built on first use, like the projection's frame
        self._frame: pd.DataFrame | None = None
        self._notes: list[str] | None = None

    @property
    def frame(self) -> pd.DataFrame:
        """One row per (scenario, year) compared; see the class docstring. Built once, on first use."""
        if self._frame is None:
            self._frame = self._build()
        return self._frame

    @property
    def notes(self) -> list[str]:
        """The projection's notes, and which years are compared when some scenario covers more."""
        if self._notes is None:
            self._notes = list(self.projection.notes)
            if self._trimmed:
                self._notes.append(
                    f"compared over {self._first}-{self._last}, the years every scenario covers"
                )
            if self.currencies == ["USD"]:
                paid = " and ".join(self.projection.currencies[:-1])
                self._notes.append(f"compared in USD: the scenarios are of several hosts, paid in {paid}")
        return self._notes

    def _build(self) -> pd.DataFrame:
        frame = self.projection.frame
        first, last = self._first, self._last
        out = frame.loc[frame["year"].between(first, last)].copy()
        base = out.loc[out["scenario"] == self.baseline].set_index("year")
        for column in [c for c in self._amounts() if c in out]:
            suffix = column.removeprefix("payment_")
            out[f"difference_{suffix}"] = out[column].to_numpy() - base.loc[out["year"], column].to_numpy()
            out[f"cumulative_difference_{suffix}"] = out.groupby("scenario", sort=False)[
                f"difference_{suffix}"
            ].cumsum()
        basis = next((c for c in self._amounts()[: len(self.currencies)] if c in out), None)
        if basis is not None:
            out["ratio_to_baseline"] = out[basis].to_numpy() / base.loc[out["year"], basis].to_numpy()
        return out.reset_index(drop=True)

    def _amounts(self) -> list[str]:
        """The payment columns compared: each currency's, nominal, then real."""
        return [f"payment_{c.lower()}{real}" for real in ("", "_real") for c in self.currencies]

    @property
    def names(self) -> list[str]:
        """Scenario names, baseline included, in order."""
        return self.projection.names

    def npv(self, column: str | None = None, discount_rate: float | None = None) -> pd.Series:
        """Net present value of a yearly amount per scenario, over the compared years.

        With ``t0`` the first compared year (the first year every scenario covers) and
        ``i`` the nominal discount rate:

        - nominal columns (``payment_*`` and ``difference_*`` of each of :attr:`currencies`:
          ``payment_krw``, ``difference_usd``, ``difference_jpy``...): ``NPV = sum_t x_t /
          (1 + i) ** (t - t0)``, in ``t0`` money [KRW, JPY or USD];
        - real columns (the same with ``_real``): the nominal NPV expressed in
          ``price_base_year`` prices, ``NPV_real = NPV_nominal / P(t0)`` with ``P`` the
          scenario's price level (the host's CPI for won or yen, US CPI for dollars; 1 in
          the base year).
          This equals discounting the real amounts at the real rate ``(1 + i) / (1 +
          inflation_t) - 1`` year by year; discounting real amounts at the nominal rate
          would count inflation twice. A real difference's NPV is the scenario's real NPV
          minus the baseline's.

        Parameters
        ----------
        column
            One of the amount columns above; default ``difference_`` and the first of
            :attr:`currencies` (``difference_krw`` for Korea).
        discount_rate
            Nominal rate [fraction per year]; default :attr:`discount_rate`.

        Returns
        -------
        pandas.Series
            Indexed by scenario name; NaN for a scenario whose amounts are unknown.

        Raises
        ------
        ScenarioError
            ``column`` is not an amount column of this comparison (the message suggests
            close ones), or the rate is out of range.
        """
        rate = self.discount_rate if discount_rate is None else _check_rate(discount_rate)
        column = f"difference_{self.currencies[0].lower()}" if column is None else column
        kinds = [f"{kind}_{c.lower()}" for kind in ("payment", "difference") for c in self.currencies]
        flows = [c for c in self.frame.columns if c.removesuffix("_real") in kinds]
        if not isinstance(column, str) or column not in flows:
            close = difflib.get_close_matches(str(column), flows, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise ScenarioError(
                f"column={column!r} is not an amount column of this comparison{hint} "
                f"NPV is defined for: {', '.join(flows)}"
            )
        years = self.frame.loc[self.frame["scenario"] == self.baseline, "year"].to_numpy()
        factor = (1.0 + rate) ** -(years - years[0]).astype(float)
        stem, real = column.removesuffix("_real"), column.endswith("_real")
        if not real:
            values = by_scenario(self.frame, column, self.names)
            return pd.Series({name: float(np.sum(v * factor)) for name, v in values.items()}, name=column)
        code = stem[-3:]
        payment = f"payment_{code}"
        nominal = by_scenario(self.frame, payment, self.names)
        known = by_scenario(self.frame, f"{payment}_real", self.names)
        price = self._price_level(code, int(years[0]))
        present = pd.Series(
            {
                name: float(np.sum(v * factor)) / price[name] if np.isfinite(known[name]).all() else np.nan
                for name, v in nominal.items()
            },
            name=column,
        )
        if stem.startswith("difference_"):
            present = present - present[self.baseline]
        return present

    def _price_level(self, code: str, year: int) -> dict[str, float]:
        """Each scenario's price level in ``year`` relative to the price base year (1 there)."""
        plan = self.projection.plan
        levels = np.broadcast_to(plan.us_price if code == "usd" else plan.rok_price, plan.shape)
        row = int(np.searchsorted(plan.years, year))
        return {name: float(levels[row, plan.names.index(name)]) for name in self.names}

    def summary(self, real: bool = False, currency: str | None = None) -> pd.DataFrame:
        """One row per scenario over the compared years: totals, differences, NPV, ratio, growth.

        The compared years are those every scenario covers (a note says so when some
        scenario covers more). Each figure is defined once (docs/how-the-numbers-are-made.md):

        - ``total_krw`` = sum of ``payment_krw`` over the compared years [KRW]; likewise
          ``total_jpy`` [JPY] for Japan, ``total_usd`` [USD] and, with ``real=True``,
          ``total_krw_real`` / ``total_usd_real`` [KRW / USD at ``price_base_year``
          prices]: one set per currency of :attr:`currencies` (only dollars for
          scenarios of several hosts);
        - ``difference_*`` = the scenario's total - the baseline's total (equal to the sum
          of the yearly differences);
        - ``npv_difference_*`` = :meth:`npv` of the yearly differences, discounted at the
          nominal :attr:`discount_rate` to the first compared year; the real form is the
          nominal NPV in base-year prices (see :meth:`npv`);
        - ``final_payment_*``: the last compared year's payment;
        - ``ratio_to_baseline`` = total / baseline total, in ``currency``;
        - ``average_growth``: compound growth per year of the payment in ``currency``
          (real with ``real=True``) from the first to the last compared year
          (:func:`~sma_model.analysis.projection.average_growth`).

        A figure whose inputs are unknown is NaN (``summary.attrs["notes"]`` says why),
        never 0. Nominal figures do not depend on ``price_base_year``.

        Parameters
        ----------
        real
            Use constant-price amounts (``payment_krw_real``, ``payment_usd_real``).
        currency
            One of :attr:`currencies` (any case): the currency of ``ratio_to_baseline`` and
            ``average_growth``; default the first (KRW for Korea, JPY for Japan, USD for
            several hosts).

        Returns
        -------
        pandas.DataFrame
            Indexed by ``scenario``: for each currency whose amounts exist, ``total_*``,
            ``difference_*``, ``npv_difference_*``, ``final_payment_*`` (``_real`` appended
            with ``real=True``); then ``ratio_to_baseline`` [ratio] and ``average_growth``
            [fraction per year].

        Raises
        ------
        SMAModelError
            ``currency`` is not one of :attr:`currencies` (the message names the hosts
            and the currencies allowed): won for a Japan scenario is an error, never NaN.
        """
        code = scenario_currency(self.projection.plan.scenarios, self.currencies, currency).lower()
        suffix = "_real" if real else ""
        out = pd.DataFrame(index=pd.Index(self.names, name="scenario"))
        notes: list[str] = []
        for c in (currency_code.lower() for currency_code in self.currencies):
            column = f"payment_{c}{suffix}"
            if column not in self.frame:
                continue
            paid = by_scenario(self.frame, column, self.names)
            totals = pd.Series({name: total(v) for name, v in paid.items()})
            out[f"total_{c}{suffix}"] = totals
            out[f"difference_{c}{suffix}"] = totals - totals[self.baseline]
            out[f"npv_difference_{c}{suffix}"] = self.npv(f"difference_{c}{suffix}")
            out[f"final_payment_{c}{suffix}"] = [v[-1] for v in paid.values()]
        basis = f"payment_{code}{suffix}"
        if f"total_{code}{suffix}" in out:
            out["ratio_to_baseline"] = (
                out[f"total_{code}{suffix}"] / out.loc[self.baseline, f"total_{code}{suffix}"]
            )
            paid = by_scenario(self.frame, basis, self.names)
            out["average_growth"] = [average_growth(v[0], v[-1], len(v) - 1) for v in paid.values()]
            if len(next(iter(paid.values()))) == 1:
                notes.append("average_growth is NaN: one compared year has no growth")
        else:
            out["ratio_to_baseline"] = np.nan
            out["average_growth"] = np.nan
            notes.append(f"ratio_to_baseline and average_growth are NaN: {basis} is left out (see the notes)")
        out.attrs["notes"] = notes
        return out

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Cumulative totals as bars; see :func:`sma_model.plotting.comparison_bars`."""

        return comparison_bars(self, ax=ax, **kwargs)

    def jumps(self) -> dict[str, list[int]]:
        """Per scenario, the compared years after the first whose payment a new base sets."""
        years = self.frame["year"]
        return one_off_jumps(self.projection, int(years.min()), int(years.max()))

    def to_string(self, korean: bool = False, real: bool = False) -> str:
        """What the repr prints: the summary in readable figures (``korean``: 조/억), then the notes."""
        head = f"Comparison against {self.baseline!r} ({self.discount_rate:.1%} discount rate)"
        summary = self.summary(real=real)
        notes = "".join(f"\nnote: {n}" for n in [*self.notes, *summary.attrs["notes"]])
        return f"{head}\n{format_summary(summary, korean=korean, jumps=self.jumps())}{notes}"

    def to_html(self, korean: bool = False, real: bool = False) -> str:
        """What a notebook shows: the summary as an HTML table, then the notes."""
        summary = self.summary(real=real)
        head = (
            f"<strong>Comparison</strong> against {html.escape(self.baseline)} "
            f"<small>(NPV at {self.discount_rate:.1%} a year)</small>"
        )
        table = format_summary(summary, html=True, korean=korean, jumps=self.jumps())
        return result_html(head, table, [*self.notes, *summary.attrs["notes"]])

    def to_excel(self, path: str | Path) -> Path:
        """Write the frame, the summary and the inputs, sources and version to an ``.xlsx`` file.

        The inputs add the baseline and the discount rate [fraction per year] to the projection's.
        """
        meta = {**self.projection.inputs, "baseline": self.baseline, "discount_rate": self.discount_rate}
        return write_workbook({"comparison": self.frame, "summary": self.summary()}, path, meta)

    __repr__ = to_string
    _repr_html_ = to_html


def _compared_years(projection: Projection) -> tuple[int, int, bool]:
    """The first and last year every scenario covers, and whether some scenario covers more.

    Raises
    ------
    ScenarioError
        The scenarios share no year (the message gives each one's span).
    """
    plan = projection.plan
    active = np.broadcast_to(plan.active, plan.shape)
    spans = [(int(plan.years[rows][0]), int(plan.years[rows][-1])) for rows in active.T]
    first, last = max(low for low, _ in spans), min(high for _, high in spans)
    if first > last:
        raise ScenarioError(
            "the scenarios share no year to compare: "
            + ", ".join(f"{name!r} {low}-{high}" for name, (low, high) in zip(plan.names, spans))
        )
    trimmed = any(low < first or high > last for low, high in spans)
    return first, last, trimmed


def _check_rate(discount_rate: object) -> float:
    """The discount rate as a float, or a :class:`ScenarioError` saying what is allowed."""
    if (
        isinstance(discount_rate, bool)
        or not isinstance(discount_rate, (int, float, np.integer, np.floating))
        or not np.isfinite(discount_rate)
        or not -0.5 < discount_rate <= 1.0
    ):
        raise ScenarioError(
            f"discount_rate must be between -0.5 and 1 (a fraction, above -0.5), not {discount_rate!r}"
        )
    return float(discount_rate)
