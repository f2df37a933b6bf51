"""While a chunk runs on a dask worker, glibc keeps freed memory for the next array.

distributed starts its workers with ``MALLOC_TRIM_THRESHOLD_=65536``, which also fixes
glibc's mmap threshold at 128 KiB: every array of a chunk (a few MB each, many per year)
is then a fresh mapping, its pages touched anew, and on the 2-core development machine the
chunks of a 1e7-sample sweep took 1.6 times the CPU they took on workers allowed to reuse
freed memory (see docs/user-guide/dask.md). :data:`reusing_memory` raises both thresholds
while chunks run in the process and puts the process's own back after the last one, so
between tasks the worker returns memory as its settings say.
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Callable

__all__ = ["Reusing", "reusing_memory"]


class Reusing:
    """The chunks running in this process; glibc keeps freed memory while any does."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0  # chunks in this process now (a worker may have several threads)
        self.settings: dict[int, tuple[int, int]] | None = None  # parameter: (while, after)

    def __enter__(self) -> None:
        with self.lock:
            if self.settings is None:
                self.settings = _malloc_settings()
            if self.running == 0:
                _apply(self.settings, 0)
            self.running += 1

    def __exit__(self, *error: object) -> None:
        with self.lock:
            self.running -= 1
            if self.running == 0:
                _apply(self.settings or {}, 1)


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt's parameters (malloc.h)
_WHILE_RUNNING = {_M_TRIM_THRESHOLD: 2**30, _M_MMAP_THRESHOLD: 2**25}
_VARIABLES = {_M_TRIM_THRESHOLD: "MALLOC_TRIM_THRESHOLD_", _M_MMAP_THRESHOLD: "MALLOC_MMAP_THRESHOLD_"}
_GLIBC_DEFAULT = 128 * 1024  # both thresholds, when no variable sets them [bytes]


def _malloc_settings() -> dict[int, tuple[int, int]]:
    """mallopt parameter: (value while chunks run, value after), where raising it helps."""
    if _mallopt is None or not any(v in os.environ for v in _VARIABLES.values()):
        return {}
    settings = {}
    for parameter, variable in _VARIABLES.items():
        try:
            after = int(os.environ.get(variable, _GLIBC_DEFAULT))
        except ValueError:
            return {}
        if after < _WHILE_RUNNING[parameter]:
            settings[parameter] = (_WHILE_RUNNING[parameter], after)
    return settings


def _apply(settings: dict[int, tuple[int, int]], which: int) -> None:
    for parameter, values in settings.items():
        if _mallopt is not None:
            _mallopt(parameter, values[which])


def _libc_mallopt() -> Callable[[int, int], int] | None:
    """glibc's ``mallopt``, or None (another C library)."""
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    return libc.mallopt if hasattr(libc, "gnu_get_libc_version") else None


_mallopt = _libc_mallopt()
#: ``with reusing_memory:`` while any chunk runs in this process, glibc keeps up to 1 GiB of
#: freed memory and serves arrays up to 32 MiB from it, instead of mapping fresh memory for
#: each; after the last one, the process's own settings are back. Only where those were fixed
#: by ``MALLOC_TRIM_THRESHOLD_`` or ``MALLOC_MMAP_THRESHOLD_`` (as distributed does): glibc's
#: default thresholds adapt by themselves, and other C libraries are left alone.
reusing_memory = Reusing()
