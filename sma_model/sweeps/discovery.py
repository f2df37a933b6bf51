"""Scenario discovery: which combinations of assumptions push a result over a threshold.

:func:`discover` finds boxes of parameter values in which the cases of interest (samples
whose outcome passes a threshold) are concentrated, by the Patient Rule Induction Method
(PRIM) of Friedman and Fisher (1999), as the EMA Workbench offers it for exploratory
modelling. It reads a :class:`~sma_model.sweeps.results.SweepResult` or
:class:`~sma_model.sweeps.results.MonteCarloResult`, or a plain table, and returns a
:class:`PrimResult`: the peeling trajectory (coverage, density, mass and number of
restricted parameters of each box) and the limits of a chosen box.

The algorithm (peeling, pasting, limits that never split equal values) is in
:mod:`~sma_model.sweeps.peeling`, written in numpy: EMA Workbench itself would pull in
scipy, scikit-learn, statsmodels, seaborn and more (about 600 MB).

References
----------
Friedman, J. H. and Fisher, N. I. (1999). Bump hunting in high-dimensional data.
*Statistics and Computing* 9, 123-143.
Kwakkel, J. H. (2017). The Exploratory Modeling Workbench. *Environmental Modelling &
Software* 96, 239-250 (``ema_workbench.analysis.prim``).
"""

from __future__ import annotations

import difflib
import html
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from sma_model.errors import MissingColumnError, SweepError
from sma_model.formatting import format_money, format_percent, format_table, result_html
from sma_model.plotting.discovery import box_table, peeling_trajectory
from sma_model.sweeps import peeling
from sma_model.sweeps.peeling import Boxes
from sma_model.sweeps.results import SweepResult, finite_amount
from sma_model.units import money_currency, outcome_label

__all__ = ["PrimResult", "discover"]

#: Columns of a sweep's frame that are never parameters.
_NOT_PARAMETERS = {"sample", "first_year_over_threshold"}
_OUTCOME_PREFIXES = ("total_", "final_payment_", "payment_")


class PrimResult:
    """The boxes PRIM found: its peeling trajectory and the limits of a chosen box.

    Attributes
    ----------
    trajectory : pandas.DataFrame
        One row per box, from the box holding every sample: ``step``, ``phase`` (``"start"``,
        ``"peel"`` or ``"paste"``), ``coverage`` (share of all cases of interest inside the
        box) [fraction], ``density`` (share of the box's samples that are of interest)
        [fraction], ``mass`` (share of all samples inside the box) [fraction],
        ``n_restricted`` (parameters the box restricts), ``n`` and ``n_of_interest``
        (samples inside the box, and cases of interest among them).
    boxes : Boxes
        The limits of every box of the trajectory (see :class:`~sma_model.sweeps.peeling.Boxes`).
    parameters : list of str
        The parameters boxed (paths or column names), in the order of ``boxes``' columns.
    chosen : int
        The step whose box :attr:`box` shows; the last by default (see :meth:`select`).
    inputs : dict
        Outcome, threshold, direction, ``peel_alpha``, ``paste_alpha``, ``mass_min``, the
        number of samples and cases of interest, and the scenario (JSON) naming the paths.
    """

    def __init__(
        self,
        trajectory: pd.DataFrame,
        boxes: Boxes,
        parameters: Sequence[str],
        inputs: dict[str, Any],
        chosen: int | None = None,
    ) -> None:
        self.trajectory = trajectory
        self.boxes = boxes
        self.parameters = list(parameters)
        self.inputs = inputs
        self.chosen = len(trajectory) - 1 if chosen is None else chosen

    def select(self, i: int) -> PrimResult:
        """The same result with step ``i`` of the trajectory chosen (negative counts from the end).

        Parameters
        ----------
        i
            A row of :attr:`trajectory`: its ``step``.

        Returns
        -------
        PrimResult
        """
        n = len(self.trajectory)
        if isinstance(i, (bool, np.bool_)) or not isinstance(i, (int, np.integer)) or not -n <= i < n:
            raise SweepError(f"select: i must be a step from 0 to {n - 1} (or -1 for the last), not {i!r}")
        return PrimResult(self.trajectory, self.boxes, self.parameters, self.inputs, int(i) % n)

    def box_at(self, i: int, every: bool = False) -> pd.DataFrame:
        """The limits of the box of step ``i``, in the parameters' own units.

        Parameters
        ----------
        i
            A step of :attr:`trajectory`.
        every
            Also the parameters the box does not restrict.

        Returns
        -------
        pandas.DataFrame
            One row per restricted parameter (every one with ``every=True``), in the order
            given: ``parameter``, ``low``, ``high`` (the box: samples with ``low <= value <=
            high``), ``range_low``, ``range_high`` (the smallest and largest sampled value)
            and ``restricted``. Rates are fractions, as in the scenario (0.05 is 5 %).
        """
        step = self.select(i).chosen
        low, high = self.boxes.low[step], self.boxes.high[step]
        frame = pd.DataFrame(
            {
                "parameter": self.parameters,
                "low": low,
                "high": high,
                "range_low": self.boxes.low[0],
                "range_high": self.boxes.high[0],
                "restricted": (low > self.boxes.low[0]) | (high < self.boxes.high[0]),
            }
        )
        return frame if every else frame[frame["restricted"]].reset_index(drop=True)

    @property
    def box(self) -> pd.DataFrame:
        """The limits of the chosen box (see :meth:`box_at` and :meth:`select`)."""
        return self.box_at(self.chosen)

    @property
    def stats(self) -> pd.Series:
        """Coverage, density, mass [fractions] and restricted parameters of the chosen box."""
        return self.trajectory.iloc[self.chosen]

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """The peeling trajectory; see :func:`sma_model.plotting.discovery.peeling_trajectory`."""
        return peeling_trajectory(self, ax=ax, **kwargs)

    def _head(self) -> str:
        row = self.stats
        return (
            f"PRIM box {self.chosen} of {len(self.trajectory) - 1} for {self.inputs['cases']}: "
            f"coverage {format_percent(row['coverage'], 1)}, density {format_percent(row['density'], 1)}, "
            f"mass {format_percent(row['mass'], 1)}, {int(row['n_restricted'])} restricted"
        )

    def _notes(self) -> list[str]:
        return [
            f"{self.inputs['n']:,} samples, {self.inputs['n_of_interest']:,} of interest; peel_alpha "
            f"{self.inputs['peel_alpha']}, paste_alpha {self.inputs['paste_alpha']}, mass_min "
            f"{self.inputs['mass_min']}",
            f"{len(self.trajectory)} boxes in .trajectory; .select(step) chooses another, .plot() draws them",
        ]

    def __repr__(self) -> str:
        table = format_table(box_table(self.box, self.inputs.get("scenario")))
        return "\n".join([self._head(), table, *self._notes()])

    def _repr_html_(self) -> str:
        table = format_table(box_table(self.box, self.inputs.get("scenario")), html=True)
        return result_html(f"<strong>{html.escape(self._head())}</strong>", table, self._notes())


def discover(
    data: SweepResult | pd.DataFrame,
    outcome: str | Sequence[bool] | np.ndarray | pd.Series,
    threshold: float | None = None,
    *,
    above: bool = True,
    year: int | None = None,
    parameters: Sequence[str] | None = None,
    draws: str = "mean",
    peel_alpha: float = 0.05,
    paste_alpha: float = 0.05,
    mass_min: float = 0.05,
) -> PrimResult:
    """Find the combinations of parameter values that push an outcome past a threshold (PRIM).

    Parameters
    ----------
    data
        What :func:`~sma_model.sweeps.sweep.sweep` or
        :func:`~sma_model.sweeps.sweep.monte_carlo` returns, or a table with one row per
        sample (its parameters and outcomes as columns).
    outcome
        An outcome column (``"final_payment_krw"`` [KRW], ``"total_usd"`` [USD] …; with
        ``year``, ``"payment_krw"`` or ``"payment_usd"``), or the cases of interest
        themselves: one boolean per sample (then no ``threshold``).
    threshold
        The outcome's threshold, in its own unit (won for ``_krw`` columns).
    above
        Cases of interest are samples whose outcome is strictly above ``threshold``; False:
        strictly below.
    year
        With a result that kept yearly paths (``keep="paths"``), the payment of this year.
    parameters
        The parameters to box: columns of ``data``. Default: a sweep's swept parameters, a
        Monte Carlo run's drawn series (see ``draws``), or every column of a table but the
        outcome and ``sample``.
    draws
        For a Monte Carlo run kept with ``keep_draws=True``: ``"mean"`` boxes each drawn
        series' mean over its drawn years (up to ``year`` if given), named by its path
        (``assumptions.cpi``); ``"yearly"`` boxes each drawn year (``assumptions.cpi[2028]``).
    peel_alpha, paste_alpha
        The least share of a box's samples one peel cuts off, one paste adds [fraction,
        above 0 and at most 0.5].
    mass_min
        The least share of all samples a peeled box keeps [fraction, 0 to 1].

    Returns
    -------
    PrimResult

    Raises
    ------
    MissingColumnError
        An outcome or parameter that is not a column (close names suggested).
    SweepError
        A threshold that is not a finite number, missing (NaN) values, non-numeric
        parameters, no case of interest or only cases of interest, bad alphas.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"cap": [0.01, 0.02, 0.03, 0.04], "total": [1.0, 2.0, 3.0, 4.0]})
    >>> found = discover(table, "total", 2.5, peel_alpha=0.25, mass_min=0.25)
    >>> found.box[["parameter", "low", "high"]].to_dict("records")
    [{'parameter': 'cap', 'low': 0.03, 'high': 0.04}]
    """
    for name, value, top in (("peel_alpha", peel_alpha, 0.5), ("paste_alpha", paste_alpha, 0.5)):
        if not 0 < finite_amount(value, f"{name} must be a number above 0 and at most {top}") <= top:
            raise SweepError(f"{name} must be above 0 and at most {top}, not {value!r}")
    if not 0 <= finite_amount(mass_min, "mass_min must be a share from 0 to 1") <= 1:
        raise SweepError(f"mass_min must be a share from 0 to 1, not {mass_min!r}")
    table, scenario, label = _table(data, year, draws)
    cases, what = _cases(data, table, outcome, threshold, above, year, label)
    names = _parameters(data, table, outcome, parameters)
    x = np.column_stack([_numeric(table[p], p) for p in names])
    discrete = np.array([peeling.is_discrete(column) for column in x.T], dtype=bool)
    boxes = peeling.peel_and_paste(x, cases, discrete, float(peel_alpha), float(paste_alpha), float(mass_min))
    trajectory = peeling.trajectory(x, cases, boxes)
    inputs = {
        "cases": what,
        "outcome": outcome if isinstance(outcome, str) else None,
        "threshold": threshold,
        "above": above,
        "year": year,
        "n": len(cases),
        "n_of_interest": int(cases.sum()),
        "peel_alpha": peel_alpha,
        "paste_alpha": paste_alpha,
        "mass_min": mass_min,
        "scenario": scenario,
    }
    return PrimResult(trajectory, boxes, names, inputs)


def _table(data: Any, year: int | None, draws: str) -> tuple[pd.DataFrame, Any, str]:
    """The samples as a table (parameters and outcomes), the scenario naming its paths, a name for rows."""
    if isinstance(data, pd.DataFrame):
        if year is not None:
            raise SweepError("year= reads yearly paths of a sweep or Monte Carlo result, not of a table")
        return data.reset_index(drop=True), None, "row"
    if not isinstance(data, SweepResult):
        raise SweepError(
            f"discover reads a sweep or Monte Carlo result or a DataFrame, not {type(data).__name__}"
        )
    table = data.frame
    if data.inputs.get("kind") == "monte_carlo":
        table = pd.concat([table, _draw_features(data, year, draws)], axis=1)
    return table, data.inputs.get("scenario"), "sample"


def _draw_features(data: Any, year: int | None, draws: str) -> pd.DataFrame:
    """A Monte Carlo run's drawn series: each one's mean over its drawn years, or each drawn year."""
    if draws not in ("mean", "yearly"):
        raise SweepError(f"draws must be 'mean' or 'yearly', not {draws!r}")
    kept = data.draws
    if kept is None:
        raise SweepError("this Monte Carlo run kept no draws: run monte_carlo(..., keep_draws=True)")
    columns = {}
    for series, frame in kept.items():
        if draws == "yearly":
            columns.update({f"assumptions.{series}[{y}]": frame[y].to_numpy() for y in frame.columns})
            continue
        years = [y for y in frame.columns if year is None or y <= year] or list(frame.columns)
        columns[f"assumptions.{series}"] = frame[years].mean(axis=1).to_numpy()
    return pd.DataFrame(columns)


def _cases(
    data: Any, table: pd.DataFrame, outcome: Any, threshold: Any, above: bool, year: int | None, row: str
) -> tuple[np.ndarray, str]:
    """The cases of interest (one boolean per sample) and their description in words."""
    n = len(table)
    if not isinstance(outcome, str):
        if threshold is not None:
            raise SweepError("give either an outcome column and a threshold, or the cases of interest alone")
        cases = np.asarray(outcome)
        if cases.shape != (n,) or cases.dtype != bool:
            raise SweepError(
                f"cases of interest must be {n} booleans, one per {row}; got {cases.dtype} {cases.shape}"
            )
        what, spread = "the cases given", ""
    else:
        if threshold is None:
            raise SweepError(f"give a threshold for {outcome!r}, in its own unit")
        limit = finite_amount(threshold, f"threshold must be a finite number in {outcome!r}'s unit")
        values = _outcome(data, table, outcome, year)
        cases = values > limit if above else values < limit
        words = outcome_label(outcome, year).split(" [")[0]
        what = f"{words} {'over' if above else 'under'} {_amount(outcome, limit)}"
        spread = f" (it runs from {_amount(outcome, values.min())} to {_amount(outcome, values.max())})"
    found = int(cases.sum())
    if found in (0, n):
        some = f"none of the {n:,} {row}s is a case" if found == 0 else f"all {n:,} {row}s are cases"
        raise SweepError(f"{what}: {some} of interest; PRIM needs some of each{spread}")
    return cases, what


def _outcome(data: Any, table: pd.DataFrame, outcome: str, year: int | None) -> np.ndarray:
    """The outcome's values: a column, or with ``year`` the kept payments of that year."""
    if year is None:
        _check_columns(table, [outcome], "outcome")
        return _numeric(table[outcome], outcome)
    expected = f"payment_{data.currency.lower()}"
    if outcome != expected:
        raise SweepError(
            f"with year=, the outcome is this run's yearly payment {expected!r}, not {outcome!r}"
        )
    wide = data.paths(long=False)
    if year not in wide.columns:
        raise SweepError(f"year {year!r} is outside the run's years {wide.columns[0]}-{wide.columns[-1]}")
    return _numeric(wide[year], f"{outcome} in {year}")


def _amount(outcome: str, value: float) -> str:
    currency = money_currency(outcome)
    return format_money(value, currency) if currency else f"{value:,.6g}"


def _parameters(data: Any, table: pd.DataFrame, outcome: Any, given: Sequence[str] | None) -> list[str]:
    """The parameters to box: given (checked), or the run's own, or every other column of a table."""
    if given is not None:
        names = [given] if isinstance(given, str) else list(given)
        _check_columns(table, names, "parameters")
    elif isinstance(data, SweepResult) and data.inputs.get("kind") != "monte_carlo":
        names = list(data.inputs.get("parameters", {}))
    else:
        names = [
            str(c)
            for c in table.columns
            if c not in _NOT_PARAMETERS
            and not (isinstance(outcome, str) and c == outcome)
            and not str(c).startswith(_OUTCOME_PREFIXES)
        ]
    if not names:
        raise SweepError("no parameters to box: name them with parameters=[...]")
    return names


def _check_columns(table: pd.DataFrame, names: Sequence[Any], role: str) -> None:
    columns = [str(c) for c in table.columns]
    for name in names:
        if not isinstance(name, str) or name not in columns:
            close = difflib.get_close_matches(str(name), columns, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise MissingColumnError(f"{role}: {name!r} is not a column{hint} Columns: {', '.join(columns)}")


def _numeric(column: pd.Series | Any, name: str) -> np.ndarray:
    """A column as finite floats, or a :class:`SweepError` naming it."""
    series = pd.Series(column)
    series = series.astype(int) if series.dtype == bool else series
    if not pd.api.types.is_numeric_dtype(series):
        raise SweepError(
            f"{name!r} is not numeric ({series.dtype}); PRIM boxes numbers (code categories as 0, 1, …)"
        )
    values = series.to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(values)
    if bad.any():
        raise SweepError(
            f"{name!r} has {int(bad.sum()):,} missing or infinite values "
            f"(first at row {int(np.argmax(bad))}); drop or fill them first"
        )
    return values
