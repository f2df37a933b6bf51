"""The dask backend's chunks, with a short cut for workers on the client's own machine.

Through the scheduler's connections, a chunk's results (32-40 bytes of outcomes per sample,
8 per sample and year of kept paths) and a table's samples (8 per parameter and sample) are
pickled, copied and unpickled on both sides. A worker on the client's machine reads and
writes the result's arrays themselves instead: the client puts them (``ChunkSpec.table``
and ``out``) in a :class:`Segment`, a file in :data:`SHM_DIR` (tmpfs) reserved whole with
:func:`os.posix_fallocate` (no room says so now, not with a ``SIGBUS`` later), mapped, and
unlinked at once, so nothing is left behind even if the client is killed. Each task carries
a :class:`Handle` (``/proc/<client pid>/fd/<fd>``, device, inode and a random token in the
file's header); a worker that finds that same file maps it for the task, reads a table's
samples and writes the chunk's results there, and sends back a result without arrays.
Elsewhere (another machine, user or container) the path is missing or names another file,
and the chunk runs as it always did; without a segment (not Linux, no room: a container's
``/dev/shm`` is often 64 MB), every chunk does. The segment *is* the result (its arrays are
views on the mapping: no copy back); a worker lets it go after each task, so never holds a
finished run. Streamed statistics and kept draws travel as before (small, or per chunk).
"""

from __future__ import annotations

import mmap
import os
import secrets
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any

import numpy as np

from sma_model.errors import SweepError
from sma_model.sweeps.sampling import TableSampler

__all__ = ["SHM_DIR", "Handle", "Missed", "Segment", "attach", "create", "run_dask", "worker_spec"]

#: Where the segments are made: the tmpfs of POSIX shared memory on Linux.
SHM_DIR = "/dev/shm"
_MAGIC = b"sma_model result segment\n"
_TOKEN_BYTES = 16
_PAGE = mmap.PAGESIZE
_OPEN = os.O_RDWR | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True)
class Handle:
    """Where a run's result arrays are, for a worker on the client's machine (picklable).

    ``table`` and ``out`` are the shapes of the arrays (``None`` when the run has none),
    at byte offsets ``table_at`` and ``out_at`` of a file of ``size`` bytes; ``columns``,
    the names of a table sampler's parameters, whose values are the table's first rows.
    """

    path: str
    device: int
    inode: int
    token: bytes
    size: int
    table: tuple[int, int] | None
    table_at: int
    out: tuple[int, int] | None
    out_at: int
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Missed:
    """A chunk a worker could not run: its samples are in a segment it cannot see."""

    lo: int
    hi: int


class Segment:
    """The client's side of a shared result: the open file and the arrays mapped on it."""

    def __init__(self, fd: int, handle: Handle, mapping: mmap.mmap) -> None:
        self.fd: int | None = fd
        self.handle = handle
        self.table: np.ndarray | None
        self.out: np.ndarray | None
        self.table, self.out = _views(mapping, handle)

    def close(self) -> None:
        """Close the file: no worker can open it any more; the arrays stay valid."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def create(
    table: tuple[int, int] | None,
    out: tuple[int, int] | None,
    columns: tuple[str, ...] = (),
    directory: str | None = None,
) -> Segment | None:
    """A shared segment holding float64 arrays of shapes ``table`` and ``out``, or None.

    Parameters
    ----------
    table, out
        Shapes [rows, samples] of the result's float columns and of its kept paths
        (years x samples); None for an array the run does not keep.
    columns
        Parameter names of a table sampler, whose values are the first rows of ``table``.
    directory
        A tmpfs directory; None: :data:`SHM_DIR`.

    Returns
    -------
    Segment or None
        None where shared memory is not to be had (not Linux, no ``directory``, not room
        for the whole size [bytes]): the run then sends its arrays over the network.
    """
    table_at = _PAGE
    out_at = _round_up(table_at + _nbytes(table))
    size = out_at + _nbytes(out)
    directory = SHM_DIR if directory is None else directory
    if not sys.platform.startswith("linux") or not os.path.isdir(directory):
        return None
    path = os.path.join(directory, f"sma_model-{os.getpid()}-{secrets.token_hex(8)}")
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    except OSError:
        return None
    try:
        os.unlink(path)  # the open file lives on, and dies with the client, whatever happens
        os.posix_fallocate(fd, 0, size)  # ENOSPC now rather than SIGBUS later
        mapping = mmap.mmap(fd, size)
        info = os.fstat(fd)
    except (OSError, ValueError):
        os.close(fd)
        return None
    token = secrets.token_bytes(_TOKEN_BYTES)
    mapping[: len(_MAGIC) + len(token)] = _MAGIC + token
    where = f"/proc/{os.getpid()}/fd/{fd}"
    handle = Handle(where, info.st_dev, info.st_ino, token, size, table, table_at, out, out_at, columns)
    return Segment(fd, handle, mapping)


def attach(handle: Handle) -> tuple[np.ndarray | None, np.ndarray | None] | None:
    """The arrays of ``handle`` as ``(table, out)``, mapped in this process; None if it cannot see them.

    The file must be found at the handle's path, be the same file (device and inode, a
    regular file of the same size [bytes]) and hold the same token: on another machine
    or in another container, where the path is missing or names something else, None.
    """
    try:
        found = os.stat(handle.path)  # before opening: open nothing that is not the file
        if (found.st_dev, found.st_ino, found.st_size) != (handle.device, handle.inode, handle.size):
            return None
        if not stat.S_ISREG(found.st_mode):
            return None
        fd = os.open(handle.path, _OPEN)
    except OSError:
        return None
    try:
        mapping = mmap.mmap(fd, handle.size)
    except (OSError, ValueError):
        return None
    finally:
        os.close(fd)
    if mapping[: len(_MAGIC) + _TOKEN_BYTES] != _MAGIC + handle.token:
        mapping.close()
        return None
    return _views(mapping, handle)


def _views(mapping: mmap.mmap, handle: Handle) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Numpy arrays on ``mapping`` (each keeps it open; the last one gone unmaps it)."""
    arrays = []
    for shape, at in ((handle.table, handle.table_at), (handle.out, handle.out_at)):
        count = 0 if shape is None else shape[0] * shape[1]
        arrays.append(None if shape is None else np.frombuffer(mapping, np.float64, count, at).reshape(shape))
    return arrays[0], arrays[1]


def _nbytes(shape: tuple[int, int] | None) -> int:
    return 0 if shape is None else 8 * shape[0] * shape[1]


def _round_up(size: int) -> int:
    return -(-size // _PAGE) * _PAGE


# -- on the workers ----------------------------------------------------------------------


def worker_spec(
    spec: Any, lo: int, hi: int, rows: dict[str, np.ndarray] | None, handle: Handle | None
) -> Any:
    """The :class:`~sma_model.sweeps.chunks.ChunkSpec` a worker runs samples ``lo:hi`` with.

    Parameters
    ----------
    spec
        The spec sent to every worker (no arrays; no sampler for a table of samples).
    lo, hi
        The chunk's first and last-plus-one sample.
    rows
        The chunk's samples of a table when they travel with the task, else None.
    handle
        The run's shared segment (:func:`create`), or None.

    Returns
    -------
    ChunkSpec or Missed
        With the segment's arrays where this worker can map them (the chunk then writes
        its results there); else without (the chunk returns them); :class:`Missed` when
        the chunk's samples are only in a segment this worker cannot see.
    """
    if handle is None or (arrays := attach(handle)) is None:
        if rows is None and spec.sampler is None:
            return Missed(lo, hi)
        return spec if rows is None else replace(spec, sampler=_Rows(lo, rows))
    table, out = arrays
    sampler = spec.sampler
    if rows is not None:
        sampler = _Rows(lo, rows)
    elif sampler is None and table is not None:  # the chunk's samples, from the segment
        sampler = _Rows(0, dict(zip(handle.columns, table)), table)
    return replace(spec, sampler=sampler, table=table, out=out)


@dataclass
class _Rows:
    """A chunk's samples of a table, starting at sample ``lo``: a sampler of just those rows.

    ``result_table``: the array whose first rows hold them, when it is the run's table
    (the chunk then need not write them there again).
    """

    lo: int
    values: dict[str, np.ndarray]
    result_table: np.ndarray | None = None

    @property
    def columns(self) -> list[str]:
        """The parameters' names, in the table's order."""
        return list(self.values)

    def take(self, lo: int, hi: int) -> dict[str, np.ndarray]:
        """Parameter values of samples ``lo:hi``."""
        return {c: v[lo - self.lo : hi - self.lo] for c, v in self.values.items()}


# -- on the client -----------------------------------------------------------------------


def run_dask(
    spec: Any,
    bounds: Iterator[tuple[int, int]],
    collector: Callable[[Any], Any],
    part: Callable[..., Any],
    batch: int,
) -> list[Any]:
    """Run the chunks ``bounds`` of ``spec`` as dask tasks ``part(spec, lo, hi, rows, handle)``.

    On the ``distributed`` client if one is active, else ``dask.compute`` ``batch`` tasks
    at a time. The result's arrays move into a shared :class:`Segment` when one can be
    made (``spec.table`` and ``spec.out`` then name it); ``collector(spec)`` takes each
    chunk's result as it comes and its ``chunks()`` is the answer.

    Raises
    ------
    SweepError
        dask is not installed.
    """
    try:
        import dask  # noqa: F401  (optional)
    except ImportError:
        raise SweepError("backend='dask' needs dask: pip install 'sma-model[dask]'") from None
    segment = _share(spec)
    try:
        tasks = _Tasks(spec, segment)
        collect = collector(spec)
        try:
            from distributed import get_client

            client = get_client()
        except (ImportError, ValueError):  # the current dask scheduler, a batch of tasks at a time
            _batches(tasks, bounds, collect, part, batch)
        else:
            _on_client(client, tasks, bounds, collect, part)
        return list(collect.chunks())
    except BaseException:
        if segment is not None:  # its memory goes now, not when the traceback does
            spec.table = spec.out = segment.table = segment.out = None
        raise
    finally:
        if segment is not None:
            segment.close()


def _share(spec: Any) -> Segment | None:
    """Move ``spec``'s result arrays into a new segment, or leave them (None) if none can be made."""
    if spec.table is None and spec.out is None:
        return None
    columns = tuple(spec.sampler.columns) if isinstance(spec.sampler, TableSampler) else ()
    segment = create(
        None if spec.table is None else spec.table.shape,
        None if spec.out is None else spec.out.shape,
        columns,
    )
    if segment is not None:
        spec.table, spec.out = segment.table, segment.out
    return segment


class _Tasks:
    """What each task takes: the spec sent once, the chunk's samples when they travel, the handle."""

    def __init__(self, spec: Any, segment: Segment | None) -> None:
        self.spec, self.segment = spec, segment
        self.table = isinstance(spec.sampler, TableSampler)  # its samples are not on the workers
        self.shipped = replace(spec, out=None, table=None, sampler=None if self.table else spec.sampler)
        self.handle = None if segment is None else segment.handle
        self.send_rows = segment is None  # and from the first chunk a worker could not map

    def rows(self, lo: int, hi: int) -> dict[str, np.ndarray] | None:
        """The samples ``lo:hi`` of a table: into the segment, and with the task when they must travel."""
        if not self.table:
            return None
        given = self.spec.sampler.take(lo, hi)
        if self.segment is not None:  # where the workers read them, and the result keeps them
            self.spec.keep_samples(lo, hi, given)
        return given if self.send_rows else None


def _batches(tasks: _Tasks, bounds: Iterator[tuple[int, int]], collect: Any, part: Any, size: int) -> None:
    import dask

    node = dask.delayed(tasks.shipped, pure=True)
    while batch := list(islice(bounds, size)):
        graph = (dask.delayed(part)(node, lo, hi, tasks.rows(lo, hi), tasks.handle) for lo, hi in batch)
        for result in dask.compute(*graph):
            if isinstance(result, Missed):  # run again, its samples with it
                tasks.send_rows = True
                lo, hi = result.lo, result.hi
                (result,) = dask.compute(dask.delayed(part)(node, lo, hi, tasks.rows(lo, hi), None))
            collect(result)


def _on_client(
    client: Any, tasks: _Tasks, bounds: Iterator[tuple[int, int]], collect: Any, part: Any
) -> None:
    from distributed import as_completed

    shared = client.scatter(tasks.shipped, broadcast=True, hash=False)  # once, not inside each task
    ahead = 2 * max(sum(client.nthreads().values()), 1)  # chunks in flight

    def submit(lo: int, hi: int) -> Any:
        return client.submit(part, shared, lo, hi, tasks.rows(lo, hi), tasks.handle, pure=False)

    pending = as_completed([submit(*b) for b in islice(bounds, ahead)], with_results=True)
    try:
        for _, result in pending:
            if isinstance(result, Missed):  # a worker elsewhere: from now on the samples travel
                tasks.send_rows = True
                pending.add(submit(result.lo, result.hi))
                continue
            collect(result)
            for bound in islice(bounds, 1):
                pending.add(submit(*bound))
    finally:
        client.cancel(list(pending.futures))  # after an error: the chunks still queued
