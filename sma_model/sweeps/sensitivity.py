"""Sensitivity: one-at-a-time swings (tornado data) and Sobol' indices (with SALib)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from sma_model.errors import SweepError
from sma_model.model.parameters import format_path, resolve_path
from sma_model.model.scenario import Scenario
from sma_model.plotting.sweeps import sobol_bars, tornado
from sma_model.sweeps.sweep import sweep

__all__ = ["OneAtATime", "SobolIndices", "one_at_a_time", "sobol"]


class OneAtATime(pd.DataFrame):
    """Tornado data: a DataFrame (one row per parameter) whose ``.plot()`` draws the tornado.

    Slices and copies are plain DataFrames; ``outcome`` names the outcome measured.
    """

    _metadata: ClassVar[list[str]] = ["outcome"]

    @property
    def _constructor(self) -> type[pd.DataFrame]:
        return pd.DataFrame

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:  # type: ignore[override]
        """The tornado chart; see :func:`sma_model.plot.tornado`."""
        return tornado(pd.DataFrame(self), ax=ax, outcome=getattr(self, "outcome", None), **kwargs)


class SobolIndices(pd.DataFrame):
    """Sobol' indices: a DataFrame whose ``.plot(outcome=, year=)`` draws the bars."""

    @property
    def _constructor(self) -> type[pd.DataFrame]:
        return pd.DataFrame

    def plot(self, outcome: str | None = None, year: int | None = None, ax: Any = None) -> Any:  # type: ignore[override]
        """First-order and total indices as bars; see :func:`sma_model.plot.sobol_bars`."""
        return sobol_bars(pd.DataFrame(self), outcome=outcome, year=year, ax=ax)


def one_at_a_time(
    scenario: Scenario,
    ranges: Mapping[str, tuple[float, float]],
    outcome: str = "total_krw",
    base: Mapping[str, float] | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Move each parameter to its low and high value, the others at base: tornado data.

    Parameters
    ----------
    scenario
        The base scenario.
    ranges
        Parameter path → ``(low, high)``.
    outcome
        A column of :attr:`SweepResult.frame`, e.g. ``"total_krw"`` [KRW] or
        ``"final_payment_usd"`` [USD].
    base
        Base values for paths the scenario leaves empty (a cap of None, an unset constant).
    **kwargs
        Passed to :func:`~sma_model.sweep.sweep` (``threshold``, ``price_base_year`` …).

    Returns
    -------
    OneAtATime
        A DataFrame (``.plot()`` draws the tornado), one row per parameter, widest swing
        first: ``parameter``, ``low``, ``high``,
        ``base``, ``outcome_low``, ``outcome_high``, ``outcome_base``, ``swing``
        (``outcome_high - outcome_low``) [outcome's unit].
    """
    if not ranges:
        raise SweepError("ranges: give at least one {path: (low, high)}")
    base = dict(base or {})
    dump = scenario.model_dump()
    paths, lows, highs, centers = [], [], [], []
    for path, bounds in ranges.items():
        parts = resolve_path(scenario, path)
        if len(bounds) != 2:
            raise SweepError(f"{path}: give (low, high), not {bounds!r}")
        node: Any = dump
        for part in parts:
            node = node[part]
        center = base.get(path, node)
        if center is None:
            raise SweepError(
                f"{path} is empty in the scenario; give its base value in base={{{path!r}: ...}}"
            )
        paths.append(format_path(parts))
        lows.append(float(bounds[0]))
        highs.append(float(bounds[1]))
        centers.append(float(center))
    d = len(paths)
    table = np.tile(np.array(centers), (2 * d + 1, 1))
    for k in range(d):
        table[1 + 2 * k, k] = lows[k]
        table[2 + 2 * k, k] = highs[k]
    result = sweep(scenario, {p: table[:, k] for k, p in enumerate(paths)}, method="zip", **kwargs)
    if outcome not in result.frame:
        raise SweepError(
            f"outcome {outcome!r} is not a result column; choose from {list(result.frame)[1 + d :]}"
        )
    y = result.frame[outcome].to_numpy(dtype=float)
    frame = pd.DataFrame(
        {
            "parameter": paths,
            "low": lows,
            "high": highs,
            "base": centers,
            "outcome_low": y[1::2],
            "outcome_high": y[2::2],
            "outcome_base": y[0],
        }
    )
    frame["swing"] = frame["outcome_high"] - frame["outcome_low"]
    order = frame["swing"].abs().sort_values(ascending=False).index
    result = OneAtATime(frame.loc[order].reset_index(drop=True))
    result.outcome = outcome
    return result


def sobol(
    scenario: Scenario,
    bounds: Mapping[str, tuple[float, float]],
    n: int = 512,
    rng: int | None = None,
    outcomes: Sequence[str] = ("total_krw", "final_payment_krw"),
    per_year: bool = False,
    **kwargs: Any,
) -> pd.DataFrame:
    """First-order and total Sobol' indices of outcomes, through SALib (``sma-model[sensitivity]``).

    Parameters
    ----------
    scenario
        The base scenario.
    bounds
        Parameter path → ``(low, high)``, sampled uniformly.
    n
        Base sample count (a power of 2); the run has ``n * (d + 2)`` samples.
    rng
        Integer seed for SALib's Saltelli sampler and bootstrap confidence intervals.
    outcomes
        Columns of :attr:`SweepResult.frame` to analyse.
    per_year
        Also analyse each year's payment [KRW, or ``currency=`` in kwargs].
    **kwargs
        Passed to :func:`~sma_model.sweep.sweep`.

    Returns
    -------
    pandas.DataFrame
        One row per (outcome, year, parameter): ``S1``, ``S1_conf``, ``ST``, ``ST_conf``
        [fractions of the outcome's variance]; ``year`` is <NA> for horizon outcomes.
    """
    try:
        from SALib.analyze import sobol as sobol_analyze
        from SALib.sample import sobol as sobol_sample
    except ImportError:
        raise SweepError("sobol needs SALib: pip install 'sma-model[sensitivity]'") from None
    if rng is not None and (isinstance(rng, bool) or not isinstance(rng, (int, np.integer))):
        raise SweepError(f"sobol: rng must be an int seed for SALib, not {rng!r}")
    paths = [format_path(resolve_path(scenario, p)) for p in bounds]
    problem = {
        "num_vars": len(paths),
        "names": paths,
        "bounds": [list(map(float, b)) for b in bounds.values()],
    }
    table = sobol_sample.sample(problem, n, calc_second_order=False, seed=rng)
    keep = "paths" if per_year else "samples"
    result = sweep(scenario, {p: table[:, k] for k, p in enumerate(paths)}, method="zip", keep=keep, **kwargs)
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
    return SobolIndices(frame)
