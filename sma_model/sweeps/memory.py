"""The memory a sweep will hold, worked out before it runs, and the limit it must stay under.

:func:`estimate_memory` works out what a run will hold (the per-sample rows, the yearly
paths, the draws, the chunks in flight) and :func:`check_memory` refuses a run above
``max_memory``: by default :data:`MEMORY_FRACTION` of the memory available when the run
starts (:func:`available_memory`).
"""

from __future__ import annotations

import os

import numpy as np

from sma_model.errors import SweepError

__all__ = [
    "LOCAL_WORKERS",
    "MEMORY_FRACTION",
    "UNCHECKED_BELOW",
    "available_memory",
    "check_memory",
    "estimate_memory",
]

#: Chunks run at once on the local backend (threads): one per core, at most two, so a
#: run's memory stays within a few chunks.
LOCAL_WORKERS = max(1, min(2, os.cpu_count() or 1))
#: A run may use at most this share of the memory available when it starts (unless
#: ``max_memory`` says otherwise).
MEMORY_FRACTION = 0.8
#: A run needing at most this [bytes] is not checked against the memory available (reading
#: it costs more than a small run takes) unless ``max_memory`` is given.
UNCHECKED_BELOW = 64 * 2**20
#: Bytes a chunk in flight holds per sample and year: bound plan arrays, draws, levels.
_WORKING_BYTES = 8 * 12


def estimate_memory(
    n: int,
    n_years: int,
    n_columns: int,
    keep: str,
    chunk: int,
    draw_cells: int = 0,
    workers: int = LOCAL_WORKERS,
) -> dict[str, int]:
    """The memory a run will hold at its peak, by part [bytes].

    Parameters
    ----------
    n, n_years
        Samples and years projected.
    n_columns
        Swept parameters (columns of the per-sample frame).
    keep
        ``"samples"``, ``"paths"`` or ``"stats"``.
    chunk
        Samples per chunk.
    draw_cells
        Drawn values kept per sample (``keep_draws``: drawn years over every series).
    workers
        Chunks computed at once.

    Returns
    -------
    dict
        ``{"rows": ..., "paths": ..., "draws": ..., "chunks": ...}``: the per-sample rows
        (assembled from the chunks, then copied into a frame: twice their size), the yearly
        paths (float64), the kept draws (twice, as the rows) and the chunks in flight.
    """
    per_row = 8 * (n_columns + 6)  # sample, parameters, four outcomes, first year over
    return {
        "rows": 0 if keep == "stats" else 2 * n * per_row,
        "paths": 8 * n * n_years if keep == "paths" else 0,
        "draws": 2 * 8 * n * draw_cells,
        "chunks": workers * chunk * (n_years + 1) * _WORKING_BYTES,
    }


def available_memory() -> int | None:
    """Memory available to this process now [bytes], or None if the system does not say.

    The smaller of the operating system's available memory (psutil when installed, else
    ``MemAvailable`` in ``/proc/meminfo``, else ``sysconf``) and a cgroup (container) limit.
    """
    found: list[int] = []
    try:
        import psutil  # optional

        found.append(int(psutil.virtual_memory().available))
    except ImportError:
        found += _meminfo()
    try:
        with open("/sys/fs/cgroup/memory.max", encoding="ascii") as limit_file:
            limit = limit_file.read().strip()
        with open("/sys/fs/cgroup/memory.current", encoding="ascii") as current_file:
            current = int(current_file.read().strip())
        if limit.isdigit():
            found.append(max(int(limit) - current, 0))
    except (OSError, ValueError):
        pass
    return min(found) if found else None


def _meminfo() -> list[int]:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return [int(line.split()[1]) * 1024]
    except (OSError, ValueError, IndexError):
        pass
    try:
        return [os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")]
    except (AttributeError, ValueError, OSError):
        return []


def check_memory(needs: dict[str, int], max_memory: float | None, n: int) -> None:
    """Refuse a run whose estimate (:func:`estimate_memory`) is above ``max_memory`` [bytes].

    ``max_memory=None`` allows :data:`MEMORY_FRACTION` of :func:`available_memory` (no
    limit when the system does not say how much is available), and passes a run needing
    at most :data:`UNCHECKED_BELOW` without asking.
    """
    if max_memory is not None and (
        isinstance(max_memory, (bool, np.bool_))
        or not isinstance(max_memory, (int, float, np.integer, np.floating))
        or not max_memory > 0
    ):
        raise SweepError(f"max_memory must be a positive number of bytes (or None), not {max_memory!r}")
    total = sum(needs.values())
    if max_memory is None and total <= UNCHECKED_BELOW:
        return  # reading the memory available costs more than such a run is worth checking
    if max_memory is None:
        available = available_memory()
        if available is None:
            return
        limit, why = MEMORY_FRACTION * available, f"{MEMORY_FRACTION:.0%} of the {_gb(available)} available"
    else:
        limit, why = float(max_memory), "max_memory"
    if total <= limit:
        return
    parts = ", ".join(f"{name} {_gb(size)}" for name, size in needs.items() if size)
    raise SweepError(
        f"this run of {n:,} samples would need about {_gb(total)} ({parts}), more than the "
        f"{_gb(limit)} allowed ({why}); use keep='stats' (percentiles in bounded memory), a smaller n, "
        "or raise max_memory= (bytes)"
    )


def _gb(size: float) -> str:
    return f"{size / 1e9:,.2f} GB" if size >= 1e8 else f"{size / 1e6:,.1f} MB"
