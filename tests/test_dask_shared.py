"""dask workers on the client's machine write the results into shared memory; elsewhere they send them.

On a LocalCluster of two worker processes every worker can open the client's segment, so
no chunk sends its outcomes or paths back; a handle the workers cannot use (a wrong token,
a path that names nothing) stands for a worker on another machine, which must give the
same numbers the old way. Either way nothing is left in /dev/shm, after a run or an error.
"""

from __future__ import annotations

import gc
import os
import time
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from test_dask import BLOCK, paired, refuse_a_negative_exchange_rate_on_dask
from test_sweep import dollar_deal, rich_scenario

import sma_model as sma
from sma_model.sweeps import chunks, shared, worker_memory

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")


def _shared_memory() -> bool:
    segment = shared.create((1, 1), None)
    if segment is not None:
        segment.close()
    return segment is not None


linux_shm = pytest.mark.skipif(not _shared_memory(), reason="no shared memory here")


@pytest.fixture
def came_back(monkeypatch):
    """Every chunk result the client receives, as (outcomes sent, paths sent)."""
    seen: list[tuple[bool, bool]] = []

    class Recording(chunks._Collector):
        def __call__(self, result):
            seen.append((bool(result.outcomes), result.paths is not None))
            super().__call__(result)

    monkeypatch.setattr(chunks, "_Collector", Recording)
    return seen


@pytest.fixture
def segments(monkeypatch):
    """The segments made during a test (their handles), with a way to spoil them."""
    made: list[shared.Segment] = []
    create = shared.create
    spoil = {}

    def recording(*args, **kwargs):
        segment = create(*args, **kwargs)
        if segment is not None:
            if spoil:
                segment.handle = replace(segment.handle, **spoil)
            made.append(segment)
        return segment

    monkeypatch.setattr(shared, "create", recording)
    recording.made, recording.spoil = made, spoil
    return recording


def assert_hand_worked(frame: pd.DataFrame, values: dict[str, np.ndarray]) -> None:
    # $A frozen for two years at R won per dollar: A*2 dollars, A*2*R won; over ₩7tn from 2030
    amount, fx = values["agreements[0].base.amount"], values["assumptions.usd_krw"]
    np.testing.assert_array_equal(frame["agreements[0].base.amount"], amount)
    np.testing.assert_allclose(frame["total_usd"], 2 * amount, rtol=1e-15)
    np.testing.assert_allclose(frame["total_krw"], 2 * amount * fx, rtol=1e-15)
    assert frame["first_year_over_threshold"].notna().sum() == int(np.sum(amount * fx > 7e12))


def paired_here(n: int) -> dict[str, np.ndarray]:
    """:func:`test_dask.paired` in this file's order (seed 5)."""
    return paired(n, seed=5)


def sweep_both_ways(n: int, came_back: list) -> Any:
    """Paired values of ``n`` samples swept locally, then on dask: the dask result, checked
    equal to the local one and to the hand-worked totals; ``came_back`` holds only its chunks."""
    values = paired_here(n)
    kwargs = {"method": "zip", "chunk_size": BLOCK, "threshold": 7e12}
    local = sma.sweep(dollar_deal(2), values, **kwargs)
    came_back.clear()  # the local run's chunks
    remote = sma.sweep(dollar_deal(2), values, backend="dask", **kwargs)
    pd.testing.assert_frame_equal(remote.frame, local.frame)
    assert_hand_worked(remote.frame, values)
    return remote


def named() -> list[str]:
    """Segment files of this process with a name in /dev/shm."""
    return [f for f in os.listdir(shared.SHM_DIR) if f.startswith(f"sma_model-{os.getpid()}-")]


def opened() -> list[str]:
    """Segment files this process holds open (each mapping holds one: Python's mmap keeps a copy)."""
    prefix = f"sma_model-{os.getpid()}-"
    fds = os.listdir("/proc/self/fd")
    targets = [os.readlink(f"/proc/self/fd/{fd}") for fd in fds if os.path.islink(f"/proc/self/fd/{fd}")]
    return [target for target in targets if prefix in target]


def assert_gone(segments) -> None:
    """No segment has a name, and once the results are gone (collected) none is held open.

    The client's event-loop thread may hold the last reference to a finished run's objects
    for a moment after the run returns, so the mappings get up to 5 s to go; one still
    open after that is a leak.
    """
    assert named() == []
    segments.made.clear()
    for _ in range(50):
        gc.collect()
        if not opened():
            break
        time.sleep(0.1)
    assert opened() == []


@linux_shm
def test_paired_values_come_back_through_shared_memory(client, came_back, segments):
    n = 3 * BLOCK + 1234  # three whole chunks and a short one
    remote = sweep_both_ways(n, came_back)
    # four chunks, none of which sent its outcomes: the workers wrote them into the segment
    assert came_back == [(False, False)] * 4
    (segment,) = segments.made
    assert segment.fd is None and segment.handle.table == (2 + 5, n)
    assert np.shares_memory(remote.frame["total_krw"].to_numpy(), segment.table)
    assert opened() != []  # the result's arrays are on the mapping
    del remote, segment
    assert_gone(segments)


@linux_shm
def test_a_grid_keeping_paths_writes_them_into_shared_memory(client, came_back, segments):
    grid = {
        "agreements[0].escalation[2027].cap": np.linspace(0.01, 0.05, 40),
        "assumptions.cpi": np.linspace(0.0, 0.04, 40),
        "assumptions.usd_krw": np.linspace(1200.0, 1600.0, 90),
    }  # 144,000 samples: two chunks and a part
    kwargs = {"keep": "paths", "currency": "USD", "chunk_size": BLOCK}
    local = sma.sweep(rich_scenario(), grid, **kwargs)
    came_back.clear()
    remote = sma.sweep(rich_scenario(), grid, backend="dask", **kwargs)
    pd.testing.assert_frame_equal(remote.frame, local.frame)
    np.testing.assert_array_equal(remote.paths(long=False).to_numpy(), local.paths(long=False).to_numpy())
    assert came_back == [(False, False)] * 3
    (segment,) = segments.made
    assert segment.handle.out == (len(local.years), 144_000)
    del remote, segment
    assert_gone(segments)


@linux_shm
def test_monte_carlo_draws_still_travel_and_the_outcomes_do_not(client, came_back):
    kwargs = {"n": 2 * BLOCK + 99, "rng": 2, "uncertainties": {"cpi": sma.Normal(mean=0.02, sd=0.01)}}
    kwargs |= {"keep_draws": True, "chunk_size": BLOCK}
    local = sma.monte_carlo(rich_scenario(), **kwargs)
    came_back.clear()
    remote = sma.monte_carlo(rich_scenario(), backend="dask", **kwargs)
    pd.testing.assert_frame_equal(remote.frame, local.frame)
    pd.testing.assert_frame_equal(remote.draws["cpi"], local.draws["cpi"])
    assert came_back == [(False, False)] * 3


@linux_shm
@pytest.mark.parametrize(
    "spoil",
    [{"token": b"another machine!"}, {"path": "/proc/1/fd/999999"}, {"inode": 0}],
    ids=["token differs", "path names nothing", "another file"],
)
def test_workers_that_cannot_see_the_segment_send_the_results(client, came_back, segments, spoil):
    segments.spoil.update(spoil)
    remote = sweep_both_ways(2 * BLOCK + 7, came_back)
    # the samples stay behind at first: a worker sends the chunk back undone, and from then
    # on they travel with every task; each chunk's outcomes came back over the network
    assert came_back == [(True, False)] * 3
    assert len(segments.made) == 1
    del remote
    assert_gone(segments)


@linux_shm
def test_a_grid_on_workers_that_cannot_see_the_segment_sends_its_paths(client, came_back, segments):
    segments.spoil["token"] = b"another machine!"
    grid = {
        "assumptions.cpi": np.linspace(0.0, 0.04, 300),
        "assumptions.usd_krw": np.linspace(1200, 1600, 300),
    }
    kwargs = {"keep": "paths", "chunk_size": BLOCK}
    local = sma.sweep(rich_scenario(), grid, **kwargs)
    came_back.clear()
    remote = sma.sweep(rich_scenario(), grid, backend="dask", **kwargs)
    pd.testing.assert_frame_equal(remote.frame, local.frame)
    np.testing.assert_array_equal(remote.paths(long=False).to_numpy(), local.paths(long=False).to_numpy())
    assert came_back == [(True, True)] * 2  # 90,000 samples


def test_without_shared_memory_the_run_sends_everything(client, came_back, monkeypatch):
    monkeypatch.setattr(shared, "create", lambda *args, **kwargs: None)  # no /dev/shm, or no room
    sweep_both_ways(BLOCK + 5, came_back)
    assert came_back == [(True, False)] * 2


@linux_shm
def test_an_error_in_a_chunk_leaves_nothing_behind(client, segments):
    refuse_a_negative_exchange_rate_on_dask()
    (segment,) = segments.made
    assert segment.fd is None
    assert shared.attach(segment.handle) is None  # closed: no worker can open it now
    del segment
    assert_gone(segments)


@linux_shm
def test_without_a_cluster_missed_chunks_run_again_with_their_samples(came_back, segments, monkeypatch):
    monkeypatch.setattr(chunks, "DASK_BATCH", 2)  # five chunks: three batches
    values = paired_here(4 * BLOCK + 7)
    kwargs = {"method": "zip", "chunk_size": BLOCK, "threshold": 7e12}
    local = sma.sweep(dollar_deal(2), values, **kwargs)
    came_back.clear()
    with dask.config.set(scheduler="threads"):
        through = sma.sweep(dollar_deal(2), values, backend="dask", **kwargs)  # the threads map it too
        assert came_back == [(False, False)] * 5
        segments.spoil["token"] = b"another machine!"
        came_back.clear()
        sent = sma.sweep(dollar_deal(2), values, backend="dask", **kwargs)
        assert came_back == [(True, False)] * 5
    pd.testing.assert_frame_equal(through.frame, local.frame)
    pd.testing.assert_frame_equal(sent.frame, local.frame)
    assert_hand_worked(sent.frame, values)
    del through, sent
    assert_gone(segments)


# -- the segment itself ------------------------------------------------------------------


@linux_shm
def test_a_second_mapping_sees_what_the_first_wrote():
    segment = shared.create((3, 5), (2, 5), ("a", "b"))
    assert segment is not None and segment.table.shape == (3, 5) and segment.out.shape == (2, 5)
    assert segment.handle.table_at % 4096 == 0 and segment.handle.out_at % 4096 == 0
    table, out = shared.attach(segment.handle)
    table[1, 2] = 7.25  # a worker's write ...
    out[:, 4] = [1.5, -2.0]
    assert segment.table[1, 2] == 7.25  # ... is in the client's array
    np.testing.assert_array_equal(segment.out[:, 4], [1.5, -2.0])
    assert shared.attach(replace(segment.handle, token=bytes(16))) is None
    assert shared.attach(replace(segment.handle, size=segment.handle.size + 4096)) is None
    segment.close()
    assert shared.attach(segment.handle) is None
    segment.table[0, 0] = 3.0  # the arrays outlive the file
    assert segment.table[0, 0] == 3.0 and table[0, 0] == 3.0


def test_no_segment_where_there_is_no_room_or_no_folder(tmp_path, monkeypatch):
    assert shared.create((2, 2), None, directory=str(tmp_path / "absent")) is None

    def full(fd, offset, length):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "posix_fallocate", full)
    assert shared.create((5, 1_000_000), None, directory=str(tmp_path)) is None
    assert list(tmp_path.iterdir()) == []  # the file made for it is gone


@linux_shm
def test_a_worker_chunk_with_a_segment_returns_no_arrays(monkeypatch, run_spec):
    values = paired_here(BLOCK)
    local = sma.sweep(dollar_deal(2), values, method="zip", keep="paths")
    spec = run_spec["spec"]
    segment = shared.create(spec.table.shape, spec.out.shape, tuple(values))
    segment.table[:2] = spec.table[:2]  # the client writes the samples; the worker reads them
    shipped = replace(spec, table=None, out=None, sampler=None)
    result = chunks._run_part(shipped, 0, BLOCK, None, segment.handle)
    assert result.outcomes == {} and result.paths is None
    np.testing.assert_array_equal(segment.table[:6], spec.table[:6])  # no threshold: no 7th row
    np.testing.assert_array_equal(segment.out, local.paths(long=False).to_numpy().T)
    # without the segment, the samples must come with the task
    assert chunks._run_part(shipped, 0, BLOCK, None, None) == shared.Missed(0, BLOCK)
    # with them (after another worker missed), the results still go into the segment
    segment.table[:] = 0.0
    segment.out[:] = 0.0
    given = {c: v.copy() for c, v in values.items()}
    result = chunks._run_part(shipped, 0, BLOCK, given, segment.handle)
    assert result.outcomes == {} and result.paths is None
    np.testing.assert_array_equal(segment.table[:6], spec.table[:6])
    np.testing.assert_array_equal(segment.out, local.paths(long=False).to_numpy().T)
    segment.close()


# -- glibc keeps freed memory while chunks run ---------------------------------------------


@pytest.fixture
def mallopt(monkeypatch):
    calls: list[tuple[int, int]] = []
    monkeypatch.setattr(
        worker_memory, "_mallopt", lambda parameter, value: calls.append((parameter, value)) or 1
    )
    for variable in ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_"):
        monkeypatch.delenv(variable, raising=False)
    return calls


def test_on_a_distributed_worker_freed_memory_is_kept_while_chunks_run(mallopt, monkeypatch):
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")  # what distributed gives its workers
    reusing = worker_memory.Reusing()
    with reusing:
        # trim above 1 GiB, map arrays of 32 MiB or more (M_TRIM_THRESHOLD -1, M_MMAP_THRESHOLD -3)
        assert mallopt == [(-1, 2**30), (-3, 2**25)]
        with reusing:  # a second thread's chunk: already so
            assert len(mallopt) == 2
        assert len(mallopt) == 2
    # after the last chunk, the worker's own: 64 KiB, and glibc's fixed 128 KiB mmap threshold
    assert mallopt[2:] == [(-1, 65536), (-3, 131072)]


def test_where_glibc_adapts_by_itself_or_keeps_more_nothing_is_changed(mallopt, monkeypatch):
    with worker_memory.Reusing():  # no variable: glibc's thresholds are dynamic
        pass
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", str(2**31))  # the user's own, larger
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", str(2**25))
    with worker_memory.Reusing():
        pass
    assert mallopt == []
