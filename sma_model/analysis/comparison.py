"""Scenarios against a baseline: yearly and cumulative differences, NPV, ratios, burden."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sma_model.analysis.projection import Projection, project
from sma_model.errors import ScenarioError
from sma_model.model.scenario import Scenario
from sma_model.plotting.payments import comparison_bars
from sma_model.units import format_amounts

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["Comparison", "compare"]

#: Default discount rate for NPV [fraction per year, nominal]: an illustrative choice,
#: not a sourced figure; pass your own to :func:`compare`.
DEFAULT_DISCOUNT_RATE = 0.03

_AMOUNTS = ("payment_krw", "payment_usd", "payment_krw_real", "payment_usd_real")


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
        Nominal yearly rate for the NPV of differences [fraction, -0.5 to 1]; default 3 %
        (an illustrative choice). Differences are discounted to the first compared year.
    price_base_year
        Year whose prices the real columns use (see :func:`sma_model.project`).

    Returns
    -------
    Comparison
    """
    if (
        isinstance(discount_rate, bool)
        or not isinstance(discount_rate, (int, float))
        or not np.isfinite(discount_rate)
        or not -0.5 < discount_rate <= 1.0
    ):
        raise ScenarioError(f"discount_rate must be between -0.5 and 1 (a fraction), not {discount_rate!r}")
    if isinstance(scenarios, Projection):
        projection = scenarios
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
        columns plus, for each amount column present (``payment_krw``, ``payment_usd``
        and their ``_real`` forms), ``difference_*`` (scenario - baseline) and
        ``cumulative_difference_*``, and ``ratio_to_baseline`` (of ``payment_krw``, or
        ``payment_usd`` where KRW is unknown).
    projection : Projection
        The projection compared.
    baseline : str
        The baseline scenario's name.
    discount_rate : float
        Rate used by :meth:`summary` for NPV [fraction per year].
    """

    def __init__(self, projection: Projection, baseline: str, discount_rate: float) -> None:
        self.projection = projection
        self.baseline = baseline
        self.discount_rate = float(discount_rate)
        self.notes = list(projection.notes)
        self.frame = self._build()

    def _build(self) -> pd.DataFrame:
        frame = self.projection.frame
        spans = frame.groupby("scenario", sort=False)["year"].agg(["min", "max"])
        first, last = int(spans["min"].max()), int(spans["max"].min())
        if first > last:
            raise ScenarioError(
                "the scenarios share no year to compare: "
                + ", ".join(f"{name!r} {row['min']}-{row['max']}" for name, row in spans.iterrows())
            )
        if (spans["min"] < first).any() or (spans["max"] > last).any():
            self.notes.append(f"compared over {first}-{last}, the years every scenario covers")
        out = frame.loc[frame["year"].between(first, last)].copy()
        base = out.loc[out["scenario"] == self.baseline].set_index("year")
        for column in [c for c in _AMOUNTS if c in out]:
            suffix = column.removeprefix("payment_")
            out[f"difference_{suffix}"] = out[column].to_numpy() - base.loc[out["year"], column].to_numpy()
            out[f"cumulative_difference_{suffix}"] = out.groupby("scenario", sort=False)[
                f"difference_{suffix}"
            ].cumsum()
        basis = next((c for c in ("payment_krw", "payment_usd") if c in out), None)
        if basis is not None:
            out["ratio_to_baseline"] = out[basis].to_numpy() / base.loc[out["year"], basis].to_numpy()
        return out.reset_index(drop=True)

    @property
    def names(self) -> list[str]:
        """Scenario names, baseline included, in order."""
        return self.projection.names

    def npv(self, column: str = "difference_krw", discount_rate: float | None = None) -> pd.Series:
        """Net present value of a yearly column per scenario.

        Each year's value is divided by ``(1 + discount_rate) ** (year - first year)``,
        the first year being the baseline's first.
        """
        if column not in self.frame:
            raise KeyError(f"{column!r} is not in this comparison; columns: {list(self.frame.columns)}")
        rate = self.discount_rate if discount_rate is None else discount_rate
        first = self.frame["year"].min()
        factor = (1.0 + rate) ** -(self.frame["year"] - first).to_numpy(dtype=float)
        discounted = self.frame[column].astype(float).to_numpy() * factor
        series = pd.Series(discounted, index=self.frame["scenario"])
        return series.groupby(level=0, sort=False).sum(min_count=1)

    def summary(self, real: bool = False, currency: str = "KRW") -> pd.DataFrame:
        """One row per scenario over the compared years: totals, differences, NPV, ratio.

        Parameters
        ----------
        real
            Use constant-price amounts (``payment_krw_real``, ``payment_usd_real``).
        currency
            The currency ``ratio_to_baseline`` is measured in (``"KRW"`` or ``"USD"``).

        Returns
        -------
        pandas.DataFrame
            Columns (those whose inputs exist): ``total_krw``, ``total_usd`` [won, dollars;
            ``_real`` appended with ``real=True``], ``difference_*`` (total - baseline
            total), ``npv_difference_*`` (at :attr:`discount_rate`), ``final_payment_*``,
            ``ratio_to_baseline`` (of totals).
        """
        suffix = "_real" if real else ""
        grouped = self.frame.groupby("scenario", sort=False)
        out = pd.DataFrame(index=pd.Index(self.names, name="scenario"))
        for code in ("krw", "usd"):
            column = f"payment_{code}{suffix}"
            if column not in self.frame:
                continue
            totals = grouped[column].sum(min_count=1)
            out[f"total_{code}{suffix}"] = totals
            out[f"difference_{code}{suffix}"] = totals - totals[self.baseline]
            out[f"npv_difference_{code}{suffix}"] = self.npv(f"difference_{code}{suffix}")
            out[f"final_payment_{code}{suffix}"] = grouped[column].last(skipna=False)
        preferred = f"total_{str(currency).lower()}{suffix}"
        basis = next((c for c in (preferred, f"total_krw{suffix}", f"total_usd{suffix}") if c in out), None)
        if basis is not None:
            out["ratio_to_baseline"] = out[basis] / out.loc[self.baseline, basis]
        return out

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Cumulative totals as bars; see :func:`sma_model.plotting.comparison_bars`."""

        return comparison_bars(self, ax=ax, **kwargs)

    def __repr__(self) -> str:
        head = f"Comparison against {self.baseline!r} ({self.discount_rate:.1%} discount rate)"
        return f"{head}\n{format_amounts(self.summary()).to_string()}"

    def _repr_html_(self) -> str:
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return (
            f"<div><strong>Comparison</strong> against {html.escape(self.baseline)} "
            f"<small>(NPV at {self.discount_rate:.1%} a year)</small>"
            f"{format_amounts(self.summary()).to_html()}" + (f"<ul>{notes}</ul>" if notes else "") + "</div>"
        )
