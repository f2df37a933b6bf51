"""PRIM's peeling and pasting on arrays: the algorithm behind :func:`~sma_model.sweeps.discovery.discover`.

Friedman and Fisher's (1999) Patient Rule Induction Method, for a binary outcome (a case
of interest or not), as EMA Workbench runs it by default:

- **Peeling.** From the box holding every sample, each step tries to cut off at least
  ``peel_alpha`` of the box's samples at the low or the high end of one parameter, and
  keeps the cut that raises the density (share of the box's samples that are of interest)
  most per sample removed (EMA Workbench's "lenient" objective, which copes with cuts of
  unequal size on discrete parameters); on equal gains it prefers a parameter the box
  already restricts. Peeling stops when no cut raises the density, or when the best cut
  would leave less than ``mass_min`` of all samples in the box.
- **Pasting.** The last peeled box is then widened, one restricted limit at a time, by at
  least ``paste_alpha`` of its samples (the nearest outside that limit and inside every
  other), keeping the widening that raises the density most per sample added, while one does.
- **Limits.** A cut never splits equal values, so integer and grid-valued parameters get
  limits they can take. On a discrete parameter a limit is a value the parameter takes
  (the first kept); on a continuous one it lies halfway between the last sample cut off
  and the first kept.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["DISCRETE_VALUES", "Boxes", "inside", "is_discrete", "peel_and_paste", "trajectory"]

#: A parameter with at most this many distinct values (or only whole numbers) is discrete.
DISCRETE_VALUES = 32


class Boxes:
    """The limits of each box of a PRIM trajectory.

    Attributes
    ----------
    low, high : numpy.ndarray
        Shape ``(boxes, parameters)``: a box holds the samples with ``low <= x <= high``
        [the parameters' own units]. Box 0 spans every sample.
    n_peeled : int
        Boxes 0 to ``n_peeled - 1`` come from peeling, the rest from pasting.
    """

    def __init__(self, low: np.ndarray, high: np.ndarray, n_peeled: int) -> None:
        self.low = low
        self.high = high
        self.n_peeled = n_peeled

    def __len__(self) -> int:
        return len(self.low)


def peel_and_paste(
    x: np.ndarray,
    cases: np.ndarray,
    discrete: np.ndarray,
    peel_alpha: float = 0.05,
    paste_alpha: float = 0.05,
    mass_min: float = 0.05,
) -> Boxes:
    """Peel from the range of the samples, then paste the last box.

    Parameters
    ----------
    x
        Shape ``(samples, parameters)``, finite [the parameters' own units].
    cases
        One boolean per sample: a case of interest or not.
    discrete
        One boolean per parameter: limits at values it takes (see the module docstring).
    peel_alpha, paste_alpha
        The least share of a box's samples one peel cuts off, one paste adds [fraction].
    mass_min
        The least share of all samples a peeled box keeps [fraction].

    Returns
    -------
    Boxes
    """
    low, high = x.min(axis=0), x.max(axis=0)
    start = (low.copy(), high.copy())
    lows, highs = [low.copy()], [high.copy()]
    within = np.ones(len(cases), dtype=bool)
    while True:
        peel = _best_peel(x[within], cases[within], (low != start[0], high != start[1]), discrete, peel_alpha)
        if peel is None or peel[0] <= 0 or peel[4].sum() < mass_min * len(cases):
            break
        _, j, side, limit, keep = peel
        (low if side == 0 else high)[j] = limit
        within[within] = keep
        lows.append(low.copy())
        highs.append(high.copy())
    n_peeled = len(lows)
    while (paste := _best_paste(x, cases, within, (low, high), start, discrete, paste_alpha)) is not None:
        low, high, within = paste
        lows.append(low.copy())
        highs.append(high.copy())
    return Boxes(np.array(lows), np.array(highs), n_peeled)


def inside(x: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Whether each sample (row of ``x``) lies in the box ``low <= x <= high``."""
    return np.all((x >= low) & (x <= high), axis=1)


def trajectory(x: np.ndarray, cases: np.ndarray, boxes: Boxes) -> pd.DataFrame:
    """Coverage, density, mass [fractions] and restricted parameters of each box of ``boxes``.

    Parameters
    ----------
    x
        Shape ``(samples, parameters)``: the samples ``boxes`` was found on.
    cases
        One boolean per sample: a case of interest or not.
    boxes
        What :func:`peel_and_paste` returned.

    Returns
    -------
    pandas.DataFrame
        One row per box: ``step``, ``phase`` (start, peel or paste), ``coverage``,
        ``density``, ``mass``, ``n_restricted``, ``n`` and ``n_of_interest``.
    """
    masks = [inside(x, lo, hi) for lo, hi in zip(boxes.low, boxes.high)]
    n = np.array([m.sum() for m in masks])
    hits = np.array([cases[m].sum() for m in masks])
    restricted = ((boxes.low > boxes.low[0]) | (boxes.high < boxes.high[0])).sum(axis=1)
    return pd.DataFrame(
        {
            "step": np.arange(len(n)),
            "phase": ["start"] + ["peel"] * (boxes.n_peeled - 1) + ["paste"] * (len(boxes) - boxes.n_peeled),
            "coverage": hits / cases.sum(),
            "density": hits / n,
            "mass": n / len(cases),
            "n_restricted": restricted,
            "n": n,
            "n_of_interest": hits,
        }
    )


def is_discrete(values: np.ndarray) -> bool:
    """Whether a parameter's values are discrete: whole numbers only, or few distinct ones."""
    return bool(np.all(values == np.round(values))) or np.unique(values).size <= DISCRETE_VALUES


def _best_peel(
    xb: np.ndarray,
    yb: np.ndarray,
    restricted: tuple[np.ndarray, np.ndarray],
    discrete: np.ndarray,
    alpha: float,
) -> tuple[float, int, int, float, np.ndarray] | None:
    """The cut raising the density most per sample removed: (gain, parameter, side, limit, kept)."""
    n, mean = len(yb), yb.mean()
    k = max(1, math.ceil(alpha * n - 1e-9))
    best: tuple[float, int, int, float, np.ndarray] | None = None
    best_key: tuple[float, bool] | None = None
    for j in range(xb.shape[1]):
        for side, sign in ((0, 1.0), (1, -1.0)):  # the low end, then the high end (values negated)
            values = sign * xb[:, j]
            limit = _cut(values, k, bool(discrete[j]))
            if limit is None:
                continue
            keep = values >= limit
            gain = float((yb[keep].mean() - mean) / (n - keep.sum()))
            key = (gain, bool(restricted[side][j]))
            if best_key is None or key > best_key:
                best_key, best = key, (gain, j, side, sign * limit, keep)
    return best


def _best_paste(
    x: np.ndarray,
    y: np.ndarray,
    within: np.ndarray,
    box: tuple[np.ndarray, np.ndarray],
    start: tuple[np.ndarray, np.ndarray],
    discrete: np.ndarray,
    alpha: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The widening of one restricted limit raising the density most per sample added, if one does."""
    low, high = box
    n, mean = int(within.sum()), y[within].mean()
    k = max(1, math.ceil(alpha * n - 1e-9))
    per_parameter = (x >= low) & (x <= high)
    best, best_gain = None, 0.0
    for j in np.flatnonzero((low != start[0]) | (high != start[1])):
        others = np.delete(per_parameter, j, axis=1).all(axis=1)
        for side, sign in ((0, 1.0), (1, -1.0)):
            outside = others & (sign * x[:, j] < sign * box[side][j])
            if not outside.any():
                continue
            reach = _reach(-sign * x[outside, j], k, bool(discrete[j]))  # nearest first
            new = [low.copy(), high.copy()]
            new[side][j] = start[side][j] if reach is None else -sign * reach
            now = inside(x, new[0], new[1])
            gain = float((y[now].mean() - mean) / (now.sum() - n))
            if gain > best_gain:
                best, best_gain = (new[0], new[1], now), gain
    return best


def _split(values: np.ndarray, k: int) -> tuple[float, float] | None:
    """The ``k``-th smallest of ``values`` and the smallest value above it; None if none is above."""
    if k >= values.size:
        return None
    last = np.partition(values, k - 1)[k - 1]
    rest = values[values > last]
    return None if rest.size == 0 else (float(last), float(rest.min()))


def _cut(values: np.ndarray, k: int, discrete: bool) -> float | None:
    """The lower limit after cutting off the ``k`` smallest ``values`` and any equal to them.

    None if that leaves nothing. The first value kept (discrete), or halfway between the
    last value cut off and the first kept.
    """
    split = _split(values, k)
    if split is None:
        return None
    return split[1] if discrete else (split[0] + split[1]) / 2


def _reach(values: np.ndarray, k: int, discrete: bool) -> float | None:
    """The upper limit taking in the ``k`` smallest ``values`` and any equal to them.

    None if that takes in every value. The last value taken in (discrete), or halfway
    between it and the first left out.
    """
    split = _split(values, k)
    if split is None:
        return None
    return split[0] if discrete else (split[0] + split[1]) / 2
