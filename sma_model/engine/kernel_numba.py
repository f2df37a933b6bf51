"""An optional compiled kernel: the yearly step and a sweep's summaries fused in one loop.

With ``pip install 'sma-model[fast]'`` (numba), a sweep or Monte Carlo run may ask for
``kernel="numba"`` (or set the environment variable ``SMA_MODEL_KERNEL=numba``). The
kernel takes the same :class:`~sma_model.engine.run.Rows` the numpy step reads and does
the same arithmetic in the same order, for each sample: each year's growth is
``clip(index, floor, cap) + 1`` (or the known rate plus one), the level is multiplied by
the currency conversion and the growth, reset where an agreement sets an amount, and
totals add a run of years paid in one currency at one exchange rate before converting
it, as :mod:`sma_model.sweeps.summaries` does. ``tests/test_fast_paths.py`` checks that the
two agree to 1e-12 on many swept scenarios.

A tile of 512 samples goes through all the years at a time, its state in cache, and the
loops over its samples have no branch that changes from sample to sample (each year's
branch is chosen once, from its code); the numpy step instead makes several passes over
a chunk's memory every year. The per-sample rows reach the kernel as they are, a tuple
of arrays (nothing stacked or copied), and a year's growth, level, running sum and
limit check are one loop over the tile.

The kernel covers what a sweep usually is: every year shared by every sample in which
rule applies, currency and span (swept values, exchange rates and index draws are
per-sample), no phase-in. Anything else (swept structures such as ``horizon``, a
phase-in, streamed statistics) runs on the numpy step, which stays the default;
:func:`fused_summaries` returns None for those, and the caller falls back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from sma_model.engine.plan import MAX_PAYMENT
from sma_model.engine.run import Rows

__all__ = ["FLOAT_FIELDS", "available", "fused_summaries"]

#: The per-year rows the kernel reads as numbers: shared values or per-sample vectors.
FLOAT_FIELDS = ("rate", "index_value", "cap", "floor", "reset_value", "conversion", "usd_krw")
_KERNEL: list[Callable[..., int]] = []
#: Bits of a year's code: indexed growth, a reset, paid in dollars, a run of years summed
#: together starts, it ends, the level is converted into a new currency.
_INDEXED, _RESET, _USD, _START, _END, _CONVERT = 1, 2, 4, 8, 16, 32
#: Samples stepped through the years together by the kernel.
_TILE = 512
#: The per-sample rows passed as a tuple (as they are, padded); more are stacked into one array.
_MAX_TUPLE = 64
#: What pads a tuple of rows to its length (never read).
_PAD = np.empty(0)
_PAD.flags.writeable = False


def available() -> bool:
    """Whether numba is installed (``pip install 'sma-model[fast]'``)."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def fused_summaries(
    rows: Rows,
    years: np.ndarray,
    segments: Sequence[tuple[bool, bool]],
    in_usd: bool,
    threshold: float | None,
    paths: np.ndarray | None,
    out: np.ndarray | None = None,
) -> dict[str, np.ndarray] | None:
    """Each sample's totals, final payments and first year over ``threshold``, in one loop.

    Parameters
    ----------
    rows
        The bound chunk (see :func:`sma_model.sweeps.binding.Binder.bind`), with rows
        ``usd``, ``usd_krw`` and ``active`` besides the step's.
    years
        Calendar years of the rows.
    segments
        Per year, (a run of years summed together starts here, it ends here): see
        :class:`sma_model.sweeps.summaries.Totals`.
    in_usd
        Kept paths and the threshold are in dollars (else won).
    threshold
        A yearly payment [``in_usd`` currency], or None.
    paths
        Where to write each year's payment [``in_usd`` currency], shape ``(n_years, n)``,
        or None.
    out
        Where to write the outcomes, shape ``(5, n)`` (the rows of the dict below, the
        first year as a float), or None for a new array.

    Returns
    -------
    dict or None
        ``total_krw`` [KRW], ``total_usd`` [USD], ``final_payment_krw``,
        ``final_payment_usd`` and, with a threshold, ``first_year_over_threshold``
        [calendar year, 0 if never]; None when the kernel does not cover these rows or a
        payment reached :data:`~sma_model.engine.plan.MAX_PAYMENT` (the numpy step then
        reruns them, and names the payment).
    """
    packed = _pack(rows)
    if packed is None:
        return None
    vectors, k, shared, at, flags = packed
    n, n_years = rows.n, len(years)
    out = np.empty((5, n)) if out is None else out
    # one code a year: what the step does (see _loop); a conversion other than 1 converts
    codes = flags[0] * _INDEXED + flags[1] * _RESET + flags[2] * _USD
    codes += np.array([s * _START + e * _END for s, e in segments], dtype=np.int64)
    codes += np.array([a < k or shared[a - k] != 1.0 for a in at[5].tolist()]) * _CONVERT
    keep = paths if paths is not None else np.empty((n_years, 0))
    status = _kernel()(
        vectors,
        k,
        _frozen(np.repeat(shared[:, None], _TILE, axis=1)),
        at,
        codes.astype(np.int64),
        np.asarray(years, dtype=np.int64),
        bool(in_usd),
        np.inf if threshold is None else float(threshold),
        threshold is not None,
        paths is not None,
        keep,
        out,
    )
    if status != 0:
        return None
    outcomes = {
        "total_krw": out[0],
        "total_usd": out[1],
        "final_payment_krw": out[2],
        "final_payment_usd": out[3],
    }
    if threshold is not None:
        outcomes["first_year_over_threshold"] = out[4].astype(np.int32)
    return outcomes


def _pack(rows: Rows) -> tuple[Any, int, np.ndarray, np.ndarray, np.ndarray] | None:
    """The rows as the kernel reads them, or None when it does not cover them.

    Returns ``vectors`` (the ``k`` distinct per-sample rows, as they are: see
    :func:`_as_vectors`), ``k``, ``shared`` (the distinct shared values), ``at`` (per
    float field and year, where its value sits in a sample's table: the sample's ``k``
    vector values, then ``shared``; the anchor is the last field) and ``flags`` (per
    year: indexed, reset, paid in dollars).
    """
    cells, n = rows.cells, rows.n
    n_years = len(cells["rate"])
    # the year's structure: one value shared by every sample, every year
    flags = [np.concatenate(cells[f]) for f in ("indexed", "reset", "usd", "active", "phase_step")]
    if any(row.size != n_years for row in flags) or not flags[3].all() or flags[4].any():
        return None
    found: dict[int, int] = {}
    vectors: list[np.ndarray] = []
    values: list[np.ndarray] = []
    slots: list[int] = []
    for field_rows in [*(cells[f] for f in FLOAT_FIELDS), [rows.anchor] * n_years]:
        for row in field_rows:
            if row.size == 1:
                slots.append(-1 - len(values))  # a shared value: placed after the vectors below
                values.append(row)
                continue
            slot = found.get(id(row))
            if slot is None:
                if row.shape != (n,):
                    return None
                slot = found[id(row)] = len(vectors)
                vectors.append(row)
            slots.append(slot)
    k = len(vectors)
    at = np.array(slots, dtype=np.int64).reshape(len(FLOAT_FIELDS) + 1, n_years)
    # distinct by their bits (0.0 and -0.0, NaNs, stay apart): a few rows of constants
    bits, inverse = np.unique(
        np.concatenate([*values, _PAD]).astype(float).view(np.int64), return_inverse=True
    )
    shared = bits.view(np.float64)
    at[at < 0] = k + inverse[-1 - at[at < 0]]
    return _as_vectors(vectors), k, shared, at, np.array(flags[:3], dtype=np.int64)


def _as_vectors(vectors: list[np.ndarray]) -> Any:
    """The per-sample rows as one numba type: a tuple of read-only C-contiguous float64 views.

    Nothing is copied unless a row is strided or not float64 (a sampler's rows are often
    read-only; writeable ones get a read-only view, so that numba sees one type). The
    tuple is padded to :data:`_MAX_TUPLE` rows, so the kernel is compiled once for every
    sweep (a call costs microseconds more); past that the rows are stacked into one
    ``(k, n)`` array instead.
    """
    if len(vectors) > _MAX_TUPLE:
        return _frozen(np.array(vectors, dtype=float))
    same = [_frozen(np.ascontiguousarray(v, dtype=np.float64)) for v in vectors]
    return tuple(same + [_PAD] * (_MAX_TUPLE - len(same)))


def _frozen(array: np.ndarray) -> np.ndarray:
    """A read-only view of ``array``."""
    view = array.view()
    view.flags.writeable = False
    return view


def _kernel() -> Callable[..., int]:
    """The compiled loop, built on first use (and cached on disk by numba)."""
    if not _KERNEL:
        import numba

        _KERNEL.append(numba.njit(cache=True, nogil=True, error_model="numpy")(_loop))
    return _KERNEL[0]


def _loop(  # long: the fused step of the engine and the summaries of a chunk, for numba
    vectors: Any,
    k: int,
    const: Any,
    at: Any,
    codes: Any,
    years: Any,
    in_usd: bool,
    threshold: float,
    has_threshold: bool,
    keep_paths: bool,
    paths: Any,
    out: Any,
) -> int:
    """The yearly step of :func:`sma_model.engine.run.iter_rows`, and the totals, a tile at a time.

    A tile of :data:`_TILE` samples steps through the years together, its state in
    cache; a year's code (``codes[t]``, bits ``_INDEXED`` …) picks the loops it runs, so
    the loops over the tile's samples have no branch that changes from sample to sample.
    Field ``f`` of year ``t`` is row ``at[f, t]`` of the sample vectors (``< k``) or a
    shared value (``k`` on: row ``at[f, t] - k`` of ``const``, each value repeated
    across a tile). Fields: rate, index_value, cap, floor, reset_value,
    conversion, usd_krw, then the anchor. Returns 0, or 1 when a payment is not finite
    or reaches the limit.
    """
    n = out.shape[1]
    n_years = codes.shape[0]
    tile = _TILE
    level, running, measured = np.empty(tile), np.empty(tile), np.empty(tile)
    total_krw, total_usd = np.empty(tile), np.empty(tile)
    first_over = np.zeros(tile, dtype=np.int64)
    for lo in range(0, n, tile):
        m = min(tile, n - lo)

        def row(f: int, t: int) -> Any:
            """Field ``f`` of year ``t`` for this tile: a slice of a vector, or a shared value."""
            a = at[f, t]
            return vectors[a][lo : lo + m] if a < k else const[a - k, :m]  # noqa: B023 (this tile's)

        anchor = row(7, 0)
        for i in range(m):
            level[i] = 0.0 if np.isnan(anchor[i]) else anchor[i]
            total_krw[i] = 0.0
            total_usd[i] = 0.0
            first_over[i] = 0
        for t in range(n_years):
            code = codes[t]
            if code & _CONVERT:
                conversion = row(5, t)
                for i in range(m):
                    level[i] *= conversion[i]
            # the year's level, the running sum and the limit in one loop over the tile
            start, bad = (code & _START) != 0, False
            if code & _RESET:  # the amount replaces the grown level: no growth to compute
                amount = row(4, t)
                for i in range(m):
                    level[i] = amount[i]
                    running[i] = amount[i] if start else running[i] + amount[i]
                    bad |= not amount[i] < MAX_PAYMENT
            elif code & _INDEXED:
                grown, top, bottom = row(1, t), row(2, t), row(3, t)
                for i in range(m):
                    # np.maximum then np.minimum, NaN included
                    g, b = grown[i], bottom[i]
                    low = g if g >= b or np.isnan(g) else b
                    grown_level = level[i] * ((low if low <= top[i] or np.isnan(low) else top[i]) + 1.0)
                    level[i] = grown_level
                    running[i] = grown_level if start else running[i] + grown_level
                    bad |= not grown_level < MAX_PAYMENT
            else:
                known = row(0, t)
                for i in range(m):
                    grown_level = level[i] * (known[i] + 1.0)
                    level[i] = grown_level
                    running[i] = grown_level if start else running[i] + grown_level
                    bad |= not grown_level < MAX_PAYMENT
            if bad:
                return 1
            fx = row(6, t)
            paid_in_usd = (code & _USD) != 0
            if code & _END:
                if paid_in_usd:
                    for i in range(m):
                        total_krw[i] += running[i] * fx[i]
                        total_usd[i] += running[i]
                else:
                    for i in range(m):
                        total_krw[i] += running[i]
                        total_usd[i] += running[i] / fx[i]
            if keep_paths or has_threshold:
                seen = level if paid_in_usd == in_usd else measured  # no copy when it is the level
                if paid_in_usd and not in_usd:
                    for i in range(m):
                        measured[i] = level[i] * fx[i]
                elif in_usd and not paid_in_usd:
                    for i in range(m):
                        measured[i] = level[i] / fx[i]
                if keep_paths:
                    paths[t, lo : lo + m] = seen[:m]
                if has_threshold:
                    for i in range(m):
                        if first_over[i] == 0 and seen[i] > threshold:
                            first_over[i] = years[t]
        fx = row(6, n_years - 1)
        paid_in_usd = (codes[n_years - 1] & _USD) != 0
        for i in range(m):
            s = lo + i
            out[0, s] = total_krw[i]
            out[1, s] = total_usd[i]
            out[2, s] = level[i] * fx[i] if paid_in_usd else level[i]
            out[3, s] = level[i] if paid_in_usd else level[i] / fx[i]
            out[4, s] = first_over[i]
    return 0
