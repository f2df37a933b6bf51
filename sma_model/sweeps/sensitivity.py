"""Sensitivity: one-at-a-time swings (tornado data) and Sobol' indices (with SALib).

Both return plain result objects holding a tidy frame (``.frame``) with a ``.plot()``,
like the package's other results. Ranges are checked before anything runs: each path
must name a numeric field of the scenario and each range be two finite numbers, low
below high; an unknown outcome is an error that suggests the close ones.
"""

from __future__ import annotations

import difflib
import html
import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from sma_model.errors import ParameterPathError, SweepError
from sma_model.model.parameters import format_path, resolve_path
from sma_model.model.scenario import Scenario
from sma_model.plotting.sweeps import sobol_bars, tornado
from sma_model.sweeps.results import SweepResult
from sma_model.sweeps.sweep import sweep

__all__ = ["OneAtATime", "SobolIndices", "one_at_a_time", "sobol"]


class OneAtATime:
    """Tornado data from :func:`one_at_a_time`; ``.plot()`` draws the tornado.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per parameter, widest swing first: ``parameter``, ``low``, ``high``,
        ``base``, ``outcome_low``, ``outcome_high``, ``outcome_base``, ``swing``
        (``outcome_high - outcome_low``) [outcome's unit].
    outcome : str
        The outcome measured, a column of :attr:`SweepResult.frame` (e.g. ``"total_krw"``).
    inputs : dict
        The inputs of the run (scenario JSON, parameters, package version …).
    """

    def __init__(self, frame: pd.DataFrame, outcome: str, inputs: Mapping[str, Any] | None = None) -> None:
        self.frame = frame
        self.outcome = outcome
        self.inputs = dict(inputs or {})

    @property
    def parameters(self) -> list[str]:
        """The parameter paths, widest swing first."""
        return self.frame["parameter"].tolist()

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """The tornado chart; see :func:`sma_model.plot.tornado`."""
        return tornado(self, ax=ax, outcome=self.outcome, **kwargs)

    def __repr__(self) -> str:
        head = f"OneAtATime: {self.outcome} over {len(self.frame)} parameter(s), widest swing first"
        return f"{head}\n{self.frame.to_string()}"

    def _repr_html_(self) -> str:
        head = f"<strong>One at a time</strong>: {html.escape(self.outcome)}, widest swing first"
        return f"<div>{head}{self.frame.to_html()}</div>"


class SobolIndices:
    """Sobol' indices from :func:`sobol`; ``.plot(outcome=, year=)`` draws the bars.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per (outcome, year, parameter): ``S1``, ``S1_conf``, ``ST``, ``ST_conf``
        [fractions of the outcome's variance]; ``year`` is <NA> for horizon outcomes.
    outcomes : list of str
        The outcomes analysed, in order (with the yearly payment column when per year).
    inputs : dict
        The inputs of the run (scenario JSON, parameters, package version …).
    """

    def __init__(self, frame: pd.DataFrame, inputs: Mapping[str, Any] | None = None) -> None:
        self.frame = frame
        self.inputs = dict(inputs or {})

    @property
    def outcomes(self) -> list[str]:
        """The outcomes analysed, in order."""
        return list(dict.fromkeys(self.frame["outcome"]))

    @property
    def parameters(self) -> list[str]:
        """The parameter paths, in the order of the bounds."""
        return list(dict.fromkeys(self.frame["parameter"]))

    def plot(self, outcome: str | None = None, year: int | None = None, ax: Any = None) -> Any:
        """First-order and total indices as bars; see :func:`sma_model.plot.sobol_bars`."""
        return sobol_bars(self, outcome=outcome, year=year, ax=ax)

    def __repr__(self) -> str:
        head = f"SobolIndices: {', '.join(self.outcomes)} over {len(self.parameters)} parameter(s)"
        return f"{head}\n{self.frame.to_string()}"

    def _repr_html_(self) -> str:
        head = f"<strong>Sobol' indices</strong>: {html.escape(', '.join(self.outcomes))}"
        return f"<div>{head}{self.frame.to_html()}</div>"


def one_at_a_time(
    scenario: Scenario,
    ranges: Mapping[str, tuple[float, float]],
    outcome: str = "total_krw",
    base: Mapping[str, float] | None = None,
    **kwargs: Any,
) -> OneAtATime:
    """Move each parameter to its low and high value, the others at base: tornado data.

    Parameters
    ----------
    scenario
        The base scenario.
    ranges
        Parameter path → ``(low, high)``, two finite numbers with ``low <= high``.
    outcome
        A column of :attr:`SweepResult.frame`, e.g. ``"total_krw"`` [KRW] or
        ``"final_payment_usd"`` [USD].
    base
        Base values for paths the scenario leaves empty (a cap of None, an unset constant).
    **kwargs
        Passed to :func:`~sma_model.sweeps.sweep.sweep` (``threshold``, ``price_base_year`` …).

    Returns
    -------
    OneAtATime
        ``.frame`` has one row per parameter, widest swing first; ``.plot()`` draws the
        tornado.

    Raises
    ------
    ParameterPathError
        A path names no numeric field (the message suggests close ones).
    SweepError
        A range is not two finite numbers with low <= high, a base value is not a number
        or names a path not in ``ranges``, or ``outcome`` is not a result column.
    """
    if not isinstance(outcome, str):
        raise SweepError(f"outcome must be a column name such as 'total_krw', not {outcome!r}")
    checked = _checked_ranges(scenario, ranges, "ranges", strict=False)
    centers = _centers(scenario, checked, base)
    paths = list(checked)
    d = len(paths)
    table = np.tile(np.array(centers), (2 * d + 1, 1))
    for k, (low, high) in enumerate(checked.values()):
        table[1 + 2 * k, k] = low
        table[2 + 2 * k, k] = high
    result = sweep(scenario, {p: table[:, k] for k, p in enumerate(paths)}, method="zip", **kwargs)
    _check_outcomes(result, [outcome], "outcome")
    y = result.frame[outcome].to_numpy(dtype=float)
    frame = pd.DataFrame(
        {
            "parameter": paths,
            "low": [low for low, _ in checked.values()],
            "high": [high for _, high in checked.values()],
            "base": centers,
            "outcome_low": y[1::2],
            "outcome_high": y[2::2],
            "outcome_base": y[0],
        }
    )
    frame["swing"] = frame["outcome_high"] - frame["outcome_low"]
    order = frame["swing"].abs().sort_values(ascending=False).index
    return OneAtATime(frame.loc[order].reset_index(drop=True), outcome, result.inputs)


def sobol(
    scenario: Scenario,
    bounds: Mapping[str, tuple[float, float]],
    n: int = 512,
    rng: int | None = None,
    outcomes: Sequence[str] = ("total_krw", "final_payment_krw"),
    per_year: bool = False,
    **kwargs: Any,
) -> SobolIndices:
    """First-order and total Sobol' indices of outcomes, through SALib (``sma-model[sensitivity]``).

    Parameters
    ----------
    scenario
        The base scenario.
    bounds
        Parameter path → ``(low, high)``, two finite numbers with ``low < high``,
        sampled uniformly.
    n
        Base sample count (a power of 2); the run has ``n * (d + 2)`` samples.
    rng
        Integer seed for SALib's Saltelli sampler and bootstrap confidence intervals.
    outcomes
        Columns of :attr:`SweepResult.frame` to analyse.
    per_year
        Also analyse each year's payment [KRW, or ``currency=`` in kwargs].
    **kwargs
        Passed to :func:`~sma_model.sweeps.sweep.sweep`.

    Returns
    -------
    SobolIndices
        ``.frame`` has one row per (outcome, year, parameter): ``S1``, ``S1_conf``,
        ``ST``, ``ST_conf`` [fractions of the outcome's variance]; ``year`` is <NA> for
        horizon outcomes. ``.plot()`` draws the bars.

    Raises
    ------
    ParameterPathError
        A path names no numeric field (the message suggests close ones).
    SweepError
        SALib is missing, a range is not two finite numbers with low < high, ``n`` is not
        a positive whole number, or an outcome is not a result column.
    """
    try:
        from SALib.analyze import sobol as sobol_analyze
        from SALib.sample import sobol as sobol_sample
    except ImportError:
        raise SweepError("sobol needs SALib: pip install 'sma-model[sensitivity]'") from None
    if rng is not None and (isinstance(rng, bool) or not isinstance(rng, (int, np.integer))):
        raise SweepError(f"sobol: rng must be an int seed for SALib, not {rng!r}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise SweepError(f"sobol: n must be a positive whole number (a power of 2), not {n!r}")
    if isinstance(outcomes, str) or not isinstance(outcomes, Sequence) or not outcomes:
        raise SweepError(
            f"outcomes must be a non-empty list of column names, e.g. ['total_krw'], not {outcomes!r}"
        )
    checked = _checked_ranges(scenario, bounds, "bounds", strict=True)
    paths = list(checked)
    problem = {"num_vars": len(paths), "names": paths, "bounds": [list(b) for b in checked.values()]}
    table = sobol_sample.sample(problem, int(n), calc_second_order=False, seed=rng)
    keep: Literal["paths", "samples"] = "paths" if per_year else "samples"
    result = sweep(scenario, {p: table[:, k] for k, p in enumerate(paths)}, method="zip", keep=keep, **kwargs)
    _check_outcomes(result, list(outcomes), "outcomes")
    targets: list[tuple[str, Any, np.ndarray]] = [
        (o, pd.NA, result.frame[o].to_numpy(dtype=float)) for o in outcomes
    ]
    if per_year:
        wide = result.paths(long=False)
        column = f"payment_{result.currency.lower()}"
        targets += [(column, int(year), wide[year].to_numpy()) for year in wide.columns]
    rows = []
    for name, year, y in targets:
        if np.all(y == y[0]):  # a constant outcome has no variance to share out
            indices = {"S1": np.zeros(len(paths)), "S1_conf": np.zeros(len(paths))}
            indices |= {"ST": np.zeros(len(paths)), "ST_conf": np.zeros(len(paths))}
        else:
            indices = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=rng)
        for k, p in enumerate(paths):
            rows.append({"outcome": name, "year": year, "parameter": p} | {i: indices[i][k] for i in indices})
    frame = pd.DataFrame(rows)
    frame["year"] = frame["year"].astype("Int64")
    return SobolIndices(frame, result.inputs)


def _checked_ranges(
    scenario: Scenario, ranges: object, name: str, strict: bool
) -> dict[str, tuple[float, float]]:
    """``{normalised path: (low, high)}``, or an error naming the path, the value and what is allowed.

    ``strict`` asks for ``low < high`` (Sobol' sampling needs a width); else ``low <= high``.
    """
    if not isinstance(ranges, Mapping) or not ranges:
        raise SweepError(f"{name}: give at least one {{path: (low, high)}}, not {ranges!r}")
    checked: dict[str, tuple[float, float]] = {}
    for path, pair in ranges.items():
        key = format_path(resolve_path(scenario, path))  # ParameterPathError with close matches
        where = f"{name}[{path!r}]"
        if isinstance(pair, (str, bytes)) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise SweepError(f"{where}: give (low, high), two numbers, not {pair!r}")
        low, high = (_number(value, f"{where} {side}") for value, side in zip(pair, ("low", "high")))
        if low > high:
            raise SweepError(f"{where}: low ({low:g}) is above high ({high:g}); give (low, high), low first")
        if strict and low == high:
            raise SweepError(
                f"{where}: low and high are both {low:g}; a Sobol' range needs low below high "
                "(leave a parameter you hold fixed out of the bounds)"
            )
        if key in checked:
            raise SweepError(f"{name} name the field {key!r} twice")
        checked[key] = (low, high)
    return checked


def _number(value: object, where: str) -> float:
    """A finite real number, or an error naming ``where`` and the value."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise SweepError(f"{where} must be a number, not {type(value).__name__} {value!r}")
    if not math.isfinite(float(value)):
        raise SweepError(f"{where} must be a finite number, not {value!r}")
    return float(value)


def _centers(
    scenario: Scenario, ranges: Mapping[str, tuple[float, float]], base: Mapping[str, float] | None
) -> list[float]:
    """The base value of each path: from ``base`` (by path) or from the scenario."""
    if base is not None and not isinstance(base, Mapping):
        raise SweepError(f"base must be a mapping {{path: value}}, not {base!r}")
    given = {format_path(resolve_path(scenario, path)): value for path, value in (base or {}).items()}
    stray = [p for p in given if p not in ranges]
    if stray:
        raise ParameterPathError(
            f"base names {stray[0]!r}, which is not in ranges{_suggest(stray[0], list(ranges))} "
            f"base values are for the paths in ranges: {list(ranges)}"
        )
    dump = scenario.model_dump()
    centers = []
    for path in ranges:
        node: Any = dump
        for part in resolve_path(scenario, path):
            node = node[part]
        center = given.get(path, node)
        if center is None:
            raise SweepError(
                f"{path} is empty in the scenario; give its base value in base={{{path!r}: ...}}"
            )
        centers.append(_number(center, f"base[{path!r}]"))
    return centers


def _check_outcomes(result: SweepResult, outcomes: list[str], name: str) -> None:
    """Each outcome must be a numeric column of the sweep's frame (not a parameter)."""
    parameters = set(result.inputs.get("parameters", []))
    columns = [c for c in result.frame.columns if c not in parameters and c != "sample"]
    for outcome in outcomes:
        if not isinstance(outcome, str) or outcome not in columns:
            raise SweepError(
                f"{name}: {outcome!r} is not a result column{_suggest(outcome, columns)} "
                f"choose from {columns}"
            )


def _suggest(name: object, known: list[str]) -> str:
    close = difflib.get_close_matches(str(name), known, n=3, cutoff=0.5)
    return f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ";"
