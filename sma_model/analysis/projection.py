"""Projecting scenarios: :func:`project` and its result, :class:`Projection`.

A projection holds a tidy frame (one row per scenario and year), a summary, notes on what
was left out, and the inputs that made it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sma_model._files import write_atomic
from sma_model._version import __version__
from sma_model.engine.compile import compile_plan
from sma_model.engine.plan import Plan
from sma_model.engine.run import run
from sma_model.errors import UnknownScenarioError
from sma_model.formatting import format_money, format_summary, result_html
from sma_model.model.scenario import Scenario
from sma_model.plotting.payments import payment_curves
from sma_model.units import (
    check_currency,
    conversion_factor,
    payment_column,
    table_unit,
    to_krw,
    to_usd,
)

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


def _names_text(names: Sequence[str]) -> str:
    shown = ", ".join(repr(n) for n in names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


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
        [KRW at ``price_base_year`` prices, deflated by ROK CPI],
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
        self.frame, self.notes = _build_frame(plan, payments)
        self.inputs: dict[str, Any] = {
            "scenarios": [s.model_dump(mode="json") for s in plan.scenarios],
            "price_base_year": plan.price_base_year,
            "sma_model_version": __version__,
        }

    @property
    def names(self) -> list[str]:
        """Scenario names, in order."""
        return list(self.plan.names)

    def summary(self, growth_currency: str = "KRW") -> pd.DataFrame:
        """One row per scenario over its own years: span, totals, final-year payment, average growth.

        Every figure is defined once, in docs/how-the-numbers-are-made.md; in short:

        - ``total_krw`` = sum of ``payment_krw`` over the scenario's years, first to last
          [KRW]; ``total_usd`` likewise [USD] (each year converted at its own USD/KRW);
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
            ``"KRW"`` or ``"USD"`` (any case): the currency ``average_growth`` is measured in.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``scenario``: ``first_year``, ``last_year``, ``total_krw`` [KRW],
            ``final_payment_krw`` [KRW], ``total_usd`` [USD], ``final_payment_usd`` [USD]
            (for the currencies the frame has), ``average_growth`` [fraction per year].

        Raises
        ------
        SMAModelError
            ``growth_currency`` is not KRW or USD.
        """
        code = check_currency(growth_currency).lower()
        frame = self.frame
        years = by_scenario(frame, "year", self.names)
        out = pd.DataFrame(index=pd.Index(self.names, name="scenario"))
        out["first_year"] = [int(y[0]) for y in years.values()]
        out["last_year"] = [int(y[-1]) for y in years.values()]
        notes: list[str] = []
        for currency in ("krw", "usd"):
            column = f"payment_{currency}"
            if column in frame:
                paid = by_scenario(frame, column, self.names)
                out[f"total_{currency}"] = [total(v) for v in paid.values()]
                out[f"final_payment_{currency}"] = [v[-1] for v in paid.values()]
        basis = f"payment_{code}"
        if basis in frame:
            paid = by_scenario(frame, basis, self.names)
            out["average_growth"] = [average_growth(v[0], v[-1], len(v) - 1) for v in paid.values()]
        else:
            out["average_growth"] = np.nan
            notes.append(f"average_growth is NaN: {basis} is left out (see the notes)")
        one_year = [name for name, y in years.items() if len(y) == 1]
        if one_year and basis in frame:
            notes.append(f"average_growth is NaN for {_names_text(one_year)}: one year has no growth")
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

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Payment curves; see :func:`sma_model.plotting.payment_curves`."""
        return payment_curves(self, ax=ax, **kwargs)

    def table(
        self, currency: str = "KRW", real: bool = False, text: bool = False, korean: bool = False
    ) -> pd.DataFrame:
        """Payments as a year × scenario table: numbers in ₩ bn or $ m, or printed figures.

        With ``text=True`` the cells are the figures as printed (``₩1.55 tn``; rounded
        once, from the full value, by :func:`~sma_model.units.format_money`), and with
        ``korean=True`` in Korean units (``1조 5,511억 원``). Full values are in :attr:`frame`.
        """
        column = payment_column(self.frame, currency, real, self.notes)
        wide = self.frame.pivot(index="year", columns="scenario", values=column)[self.names]
        if text or korean:
            code = check_currency(currency)
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


def _build_frame(plan: Plan, payments: np.ndarray) -> tuple[pd.DataFrame, list[str]]:
    # long: every derived column and its note in one pass, so the all-or-nothing rule per
    # scenario is written once
    s_idx, t_idx = np.nonzero(plan.active.T)  # scenario-major, years in order
    cells = (t_idx, s_idx)
    native = payments[cells]
    usd = plan.usd[cells]
    fx = plan.usd_krw[cells]

    # growth against last year's payment in this year's currency (at last year's rate when
    # the currency changes, whether by a carried level or by a new base amount)
    first = np.r_[True, s_idx[1:] != s_idx[:-1]]
    previous = (np.maximum(t_idx - 1, 0), s_idx)
    factor = conversion_factor(plan.usd[previous], usd, plan.usd_krw[previous])
    with np.errstate(invalid="ignore", divide="ignore"):
        carried = np.where(first, plan.anchor[s_idx], payments[previous] * factor)
        growth = native / carried - 1.0

    columns: dict[str, Any] = {
        "scenario": np.asarray(plan.names, dtype=object)[s_idx],
        "year": plan.years[t_idx],
        "agreement": [label for labels in plan.labels for label, _ in labels],
        "rule": [rule for labels in plan.labels for _, rule in labels],
        "currency": np.where(usd, "USD", "KRW"),
        "payment": native,
        "growth_rate": pd.array(np.where(np.isfinite(growth), growth, np.nan), dtype="Float64"),
    }
    with np.errstate(invalid="ignore", divide="ignore"):
        krw = to_krw(native, usd, fx)
        usd_amount = to_usd(native, usd, fx)
        # (column, values, the assumption behind it, the payment column it builds on)
        derived = [
            ("payment_krw", krw, "usd_krw", None),
            ("payment_usd", usd_amount, "usd_krw", None),
            ("payment_krw_real", krw / plan.rok_price[cells], "cpi", "payment_krw"),
            ("payment_usd_real", usd_amount / plan.us_price[cells], "us_cpi", "payment_usd"),
            (
                "share_of_defense_budget",
                krw / plan.defense_budget[cells],
                "defense_budget_growth",
                "payment_krw",
            ),
            ("usd_per_troop", usd_amount / plan.troops[cells], "troops", "payment_usd"),
            ("share_of_gdp", krw / plan.gdp[cells], "gdp", "payment_krw"),
            ("share_of_npsc", usd_amount / plan.npsc_usd[cells], "npsc_usd", "payment_usd"),
        ]
    optional = {"gdp": plan.gdp[cells], "npsc_usd": plan.npsc_usd[cells]}
    notes = []
    for name, values, assumption, basis in derived:
        if assumption in optional and np.isnan(optional[assumption]).all():
            continue  # no record behind these: a column only for those who give the series
        if basis is not None and basis not in columns:
            notes.append(f"{name} left out: it needs {basis}, which is left out")
            continue
        if basis is not None and isinstance(columns[basis], pd.arrays.FloatingArray):
            values = np.where(columns[basis].isna(), np.nan, values)
        unknown = ~np.isfinite(values)
        # a column is all or nothing per scenario, so a batch equals its members one by one:
        # scenarios without the inputs get <NA> in every year, and a note says why
        incomplete = np.isin(s_idx, np.unique(s_idx[unknown]))
        if incomplete.all():
            notes.append(
                _missing_note(name, assumption, columns["scenario"][unknown], columns["year"][unknown])
            )
            continue
        if unknown.any():
            notes.append(
                _missing_note(
                    name, assumption, columns["scenario"][unknown], columns["year"][unknown], partial=True
                )
            )
            values = pd.array(np.where(incomplete, np.nan, values), dtype="Float64")
        columns[name] = values
    frame = pd.DataFrame(columns)
    frame["scenario"] = frame["scenario"].astype(str)
    order = [c for c in ("payment_krw", "payment_usd") if c in frame]
    for column in order:
        frame[column.replace("payment_", "cumulative_")] = frame.groupby("scenario", sort=False)[
            column
        ].cumsum()
    front = ["scenario", "year", "agreement", "rule", "currency", "payment", "growth_rate"]
    rest = [c for c in _COLUMN_ORDER if c in frame]
    return frame[front + rest], notes


_COLUMN_ORDER = [
    "payment_krw",
    "payment_usd",
    "payment_krw_real",
    "payment_usd_real",
    "cumulative_krw",
    "cumulative_usd",
    "share_of_defense_budget",
    "share_of_gdp",
    "share_of_npsc",
    "usd_per_troop",
]


def _missing_note(
    column: str, assumption: str, scenarios: np.ndarray, years: np.ndarray, partial: bool = False
) -> str:
    first = str(scenarios[0])
    years_for_first = sorted({int(y) for s, y in zip(scenarios, years) if s == first})
    span = f"{years_for_first[0]}" + (f"-{years_for_first[-1]}" if len(years_for_first) > 1 else "")
    others = len(set(scenarios)) - 1
    who = f"scenario {first!r}" + (f" and {others} other" + ("s" if others > 1 else "") if others else "")
    fix = f"give Assumptions({assumption}=...) to add it"
    if partial:
        return f"{column} is <NA> for {who}: no {assumption} for {span}; {fix}"
    return f"{column} left out: no {assumption} for {span} ({who}); {fix}"
