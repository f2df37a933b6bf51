"""Projecting scenarios: :func:`project` and its result, :class:`Projection`.

A projection holds a tidy frame (one row per scenario and year), a summary, notes on what
was left out, and the inputs that made it.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sma_model._excel import write_workbook
from sma_model._files import write_atomic
from sma_model._version import __version__
from sma_model.analysis.frames import build_frame, local_currencies
from sma_model.engine.compile import compile_plan
from sma_model.engine.plan import Plan
from sma_model.engine.run import run
from sma_model.errors import UnknownScenarioError
from sma_model.formatting import format_money, format_summary, names_text, result_html
from sma_model.model.scenario import Scenario
from sma_model.plotting.payments import payment_curves
from sma_model.units import check_currency, payment_column, table_unit

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["Projection", "average_growth", "by_scenario", "one_off_jumps", "project", "total"]


def project(scenarios: Scenario | Sequence[Scenario], price_base_year: int | None = None) -> Projection:
    """Project one scenario or a batch of them.

    Parameters
    ----------
    scenarios
        A :class:`~sma_model.model.scenario.Scenario` or a sequence of them (unique names).
    price_base_year
        The year whose prices real terms are in; default the last year with published
        ROK CPI (:func:`~sma_model.engine.macro.default_price_base_year`).

    Returns
    -------
    Projection
        Tidy yearly results; see :class:`Projection`.

    Examples
    --------
    >>> import sma_model as sma
    >>> sma11 = sma.history.agreement("11th SMA")
    >>> proj = sma.project(sma.Scenario(name="11th SMA", agreements=[sma11]))
    >>> round(float(proj.frame["payment_krw"].iloc[1]) / 1e9, 1)  # 2021: +13.9 %
    1183.3
    """
    plan = compile_plan(scenarios, price_base_year=price_base_year)
    return Projection(plan, run(plan))


def total(values: np.ndarray) -> float:
    """The sum of yearly amounts [their unit]; NaN if any year is unknown (never a partial sum)."""
    return float(np.sum(np.asarray(values, dtype=float)))


def average_growth(first: float, last: float, years: int) -> float:
    """Compound growth per year that takes ``first`` to ``last`` in ``years`` years.

    ``(last / first) ** (1 / years) - 1`` [fraction per year]. NaN when ``years`` is 0 (one
    year has no growth) or an amount is unknown or not positive; never 0 for unknown.

    Examples
    --------
    >>> round(average_growth(1000.0, 1210.0, 2), 12)
    0.1
    """
    if years <= 0 or not (np.isfinite(first) and np.isfinite(last)) or first <= 0 or last <= 0:
        return float("nan")
    return float((last / first) ** (1.0 / years) - 1.0)


def by_scenario(frame: pd.DataFrame, column: str, names: Sequence[str]) -> dict[str, np.ndarray]:
    """Each scenario's values of ``column`` in year order, as floats with NaN for <NA>."""
    values = frame[column].to_numpy(dtype=float, na_value=np.nan)
    rows = frame.groupby("scenario", sort=False).indices
    return {name: values[rows[name]] for name in names}


class Projection:
    """Yearly payments for one or more scenarios.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per (scenario, year). Columns: ``scenario``, ``year``, ``agreement``
        (or the after-expiry policy), ``rule`` (what set the year's payment),
        ``currency`` (the one the payment is set in), ``payment`` [that currency],
        ``growth_rate`` [fraction, over the previous year in the payment currency;
        <NA> where the previous payment is unknown], ``payment_krw`` [KRW],
        ``payment_usd`` [USD] (converted at the year's USD/KRW), ``payment_krw_real``
        [KRW at ``price_base_year`` prices, deflated by ROK CPI]; a Japan scenario has
        ``payment_jpy``, ``payment_jpy_real`` and ``cumulative_jpy`` instead [JPY; fiscal
        years, its yen-per-dollar rate and CPI], and a batch of both hosts has both, <NA>
        in the other host's rows (:mod:`~sma_model.analysis.frames`),
        ``payment_usd_real`` [USD at ``price_base_year`` prices, deflated by US CPI],
        ``cumulative_krw``, ``cumulative_usd``, ``share_of_defense_budget``,
        ``share_of_gdp`` and ``share_of_npsc`` (US non-personnel stationing costs)
        [fractions], ``usd_per_troop`` [USD per person]. A column is all or nothing per
        scenario: it is left out when no scenario has its inputs for every year, and is
        ``<NA>`` for the scenarios that lack them when others have them, so a batch equals
        its members one by one. :attr:`notes` says which assumption would fill it.
    notes : list of str
        What was left out or is <NA>, and why.
    price_base_year : int
        The year whose prices the real columns are in.
    inputs : dict
        The scenarios (as JSON-ready dicts), price base year and package version, so a
        figure can be redone.
    """

    def __init__(self, plan: Plan, payments: np.ndarray) -> None:
        self.plan = plan
        self.price_base_year = plan.price_base_year
        self._payments = payments  # the frame, notes and inputs are built on first use

    @functools.cached_property
    def _frame_and_notes(self) -> tuple[pd.DataFrame, list[str]]:
        return build_frame(self.plan, self._payments)

    @property
    def frame(self) -> pd.DataFrame:
        """One row per (scenario, year), built on first use; see the class docstring."""
        return self._frame_and_notes[0]

    @property
    def notes(self) -> list[str]:
        """What was left out or is <NA>, and why (built with :attr:`frame`)."""
        return self._frame_and_notes[1]

    @functools.cached_property
    def inputs(self) -> dict[str, Any]:
        """The scenarios (JSON-ready dicts), price base year and package version."""
        dump = [s.model_dump(mode="json") for s in self.plan.scenarios]
        return {"scenarios": dump, "price_base_year": self.price_base_year, "sma_model_version": __version__}

    @property
    def names(self) -> list[str]:
        """Scenario names, in order."""
        return list(self.plan.names)

    @property
    def currencies(self) -> list[str]:
        """The currencies of the amounts here: each host's own (``"KRW"``, ``"JPY"``), then ``"USD"``."""
        return [*local_currencies(self.plan), "USD"]

    def summary(self, growth_currency: str | None = None) -> pd.DataFrame:
        """One row per scenario over its own years: span, totals, final-year payment, average growth.

        Every figure is defined once, in docs/how-the-numbers-are-made.md; in short:

        - ``total_krw`` = sum of ``payment_krw`` over the scenario's years, first to last
          [KRW]; ``total_usd`` likewise [USD] (each year converted at its own USD/KRW);
          ``total_jpy`` for a Japan scenario [JPY] (NaN in another host's rows);
        - ``final_payment_krw``, ``final_payment_usd``: the last year's payment;
        - ``average_growth`` = :func:`average_growth` of the payment in ``growth_currency``
          from the first to the last year [fraction per year, compound]: one-off jumps,
          new bases and currency switches count, as they change what is paid.

        A figure whose inputs are unknown is NaN, never 0: a total or final payment in a
        currency the scenario lacks (no USD/KRW for a year), an ``average_growth`` of a
        one-year scenario or in a currency the frame lacks. ``summary.attrs["notes"]`` says
        why. Figures do not depend on ``price_base_year`` (they are nominal).

        Parameters
        ----------
        growth_currency
            The currency ``average_growth`` is measured in: ``"USD"`` or a host's (``"KRW"``,
            ``"JPY"``; any case); default each scenario's host's own (KRW for Korea).

        Returns
        -------
        pandas.DataFrame
            Indexed by ``scenario``: ``first_year``, ``last_year``, ``total_krw`` [KRW],
            ``final_payment_krw`` [KRW], ``total_usd`` [USD], ``final_payment_usd`` [USD]
            (for the currencies the frame has), ``average_growth`` [fraction per year].

        Raises
        ------
        SMAModelError
            ``growth_currency`` is none of :attr:`currencies`.
        """
        chosen = None if growth_currency is None else check_currency(growth_currency, self.currencies)
        bases = {
            n: f"payment_{(chosen or self.plan.currency_of(i)).lower()}" for i, n in enumerate(self.names)
        }
        frame = self.frame
        years = by_scenario(frame, "year", self.names)
        out = pd.DataFrame(index=pd.Index(self.names, name="scenario"))
        out["first_year"] = [int(y[0]) for y in years.values()]
        out["last_year"] = [int(y[-1]) for y in years.values()]
        notes: list[str] = []
        paid = {}
        for currency in (code.lower() for code in self.currencies):
            column = f"payment_{currency}"
            if column in frame:
                paid[column] = by_scenario(frame, column, self.names)
                out[f"total_{currency}"] = [total(v) for v in paid[column].values()]
                out[f"final_payment_{currency}"] = [v[-1] for v in paid[column].values()]
        growth = [np.nan] * len(self.names)
        for i, (name, basis) in enumerate(bases.items()):
            if basis in paid:
                v = paid[basis][name]
                growth[i] = average_growth(v[0], v[-1], len(v) - 1)
        out["average_growth"] = growth
        for basis in dict.fromkeys(b for b in bases.values() if b not in paid):
            notes.append(f"average_growth is NaN: {basis} is left out (see the notes)")
        one_year = [name for name, y in years.items() if len(y) == 1 and bases[name] in paid]
        if one_year:
            notes.append(f"average_growth is NaN for {names_text(one_year)}: one year has no growth")
        out.attrs["notes"] = notes
        return out

    def scenario(self, name: str) -> pd.DataFrame:
        """The rows of one scenario."""
        if name not in self.plan.names:
            raise UnknownScenarioError(f"no scenario {name!r} in this projection; known: {self.plan.names}")
        return self.frame.loc[self.frame["scenario"] == name].reset_index(drop=True)

    def to_csv(self, path: str | Path) -> Path:
        """Write :attr:`frame` to ``path`` atomically (a crash never leaves half a file)."""
        path = Path(path)
        write_atomic(path, self.frame.to_csv(index=False))
        return path

    def to_excel(self, path: str | Path) -> Path:
        """Write the frame, the summary and the inputs, sources and version to an ``.xlsx`` file."""
        return write_workbook({"payments": self.frame, "summary": self.summary()}, path, self.inputs)

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Payment curves; see :func:`sma_model.plotting.payment_curves`."""
        return payment_curves(self, ax=ax, **kwargs)

    def table(
        self, currency: str | None = None, real: bool = False, text: bool = False, korean: bool = False
    ) -> pd.DataFrame:
        """Payments as a year × scenario table: numbers in ₩ bn, ¥ bn or $ m, or printed figures.

        ``currency`` is one of :attr:`currencies`, by default the first host's own (KRW for
        Korea). With ``text=True`` the cells are the figures as printed (``₩1.55 tn``; rounded
        once, from the full value, by :func:`~sma_model.formatting.format_money`), and with
        ``korean=True`` in Korean units (``1조 5,511억 원``). Full values are in :attr:`frame`.
        """
        currency = self.currencies[0] if currency is None else currency
        column = payment_column(self.frame, currency, real, self.notes, allowed=self.currencies)
        wide = self.frame.pivot(index="year", columns="scenario", values=column)[self.names]
        if text or korean:
            code = check_currency(currency, self.currencies)
            wide = wide.map(lambda v: "" if pd.isna(v) else format_money(v, code, korean=korean))
            wide.columns.name = column
            return wide
        scale, unit = table_unit(currency)
        wide = wide / scale
        wide.columns.name = f"{column} [{unit}]"
        return wide

    def to_string(self, korean: bool = False) -> str:
        """What the repr prints: the summary in readable figures, then the notes."""
        summary = self.summary()
        head = f"Projection of {len(self.names)} scenario(s): {', '.join(self.names)}"
        body = format_summary(summary, korean=korean, jumps=one_off_jumps(self))
        notes = "".join(f"\nnote: {n}" for n in [*self.notes, *summary.attrs["notes"]])
        return f"{head}\n{body}{notes}"

    def to_html(self, korean: bool = False) -> str:
        """What a notebook shows: the summary as an HTML table, then the notes."""
        names = ", ".join(html.escape(n) for n in self.names)
        summary = self.summary()
        head = (
            f"<strong>Projection</strong> of {len(self.names)} scenario(s): {names}"
            f"<br><small>real terms in {self.price_base_year} prices</small>"
        )
        table = format_summary(summary, html=True, korean=korean, jumps=one_off_jumps(self))
        return result_html(head, table, [*self.notes, *summary.attrs["notes"]])

    __repr__ = to_string
    _repr_html_ = to_html


def one_off_jumps(
    projection: Projection, first: int | None = None, last: int | None = None
) -> dict[str, list[int]]:
    """Per scenario, the years after ``first`` (up to ``last``) whose payment a new base sets.

    A new agreement's base amount or one-off rise is a jump, not growth under a rule; a
    compound growth rate across one is labelled as such in printed summaries.
    """
    plan, jumps = projection.plan, {}
    is_base = np.array([origin[-1] == "base" for origin in plan.origins] + [False])  # -1: none
    for column, name in enumerate(projection.names):
        years = plan.years[plan.active[:, column]]
        start, end = years[0] if first is None else first, years[-1] if last is None else last
        based = is_base[plan.origin[:, column]] & plan.active[:, column] & (plan.years > start)
        jumps[name] = [int(y) for y in plan.years[based & (plan.years <= end)]]
    return jumps
