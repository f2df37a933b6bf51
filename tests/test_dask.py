"""The dask backend: the same numbers as the local run, whatever travels where.

On a LocalCluster of two worker processes the chunks travel pickled, as they would to
other machines. A grid's axes and the compiled base are sent to each worker once; a table
of samples (LHS, paired values) travels a chunk's rows with its task; results come back
in any order and are written into the result's arrays, statistics merged in sample order.
"""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from test_sweep import dollar_deal, rich_scenario

import sma_model as sma
from sma_model.sweeps import chunks
from sma_model.sweeps.chunks import run_chunk

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

BLOCK = 65_536


def paired(n: int, seed: int = 3) -> dict[str, np.ndarray]:
    """A $ amount and an exchange rate per sample, in an order no grid would give."""
    order = np.random.default_rng(seed).permutation(n)
    return {
        "agreements[0].base.amount": 4e9 + 2e9 * order / n,
        "assumptions.usd_krw": np.linspace(1200.0, 1600.0, n)[order[::-1]],
    }


def test_paired_values_on_the_cluster_give_the_hand_worked_totals(client):
    # $A frozen for two years at R won per dollar: A*2 dollars, A*2*R won, every sample
    n = 3 * BLOCK + 1234  # three whole chunks and a short one
    values = paired(n)
    remote = sma.sweep(dollar_deal(2), values, method="zip", chunk_size=BLOCK, backend="dask", threshold=7e12)
    local = sma.sweep(dollar_deal(2), values, method="zip", chunk_size=BLOCK, threshold=7e12)
    pd.testing.assert_frame_equal(remote.frame, local.frame)
    amount, fx = values["agreements[0].base.amount"], values["assumptions.usd_krw"]
    frame = remote.frame
    np.testing.assert_array_equal(frame["agreements[0].base.amount"], amount)
    np.testing.assert_allclose(frame["total_usd"], 2 * amount, rtol=1e-15)
    np.testing.assert_allclose(frame["total_krw"], 2 * amount * fx, rtol=1e-15)
    np.testing.assert_allclose(frame["final_payment_krw"], amount * fx, rtol=1e-15)
    # a yearly payment above ₩7tn: A*R > 7e12, paid from 2030
    over = frame["first_year_over_threshold"]
    assert (over.dropna() == 2030).all()
    assert over.notna().sum() == int(np.sum(amount * fx > 7e12))


def test_a_grid_with_paths_on_the_cluster_equals_the_local_run(client):
    grid = {
        "agreements[0].escalation[2027].cap": np.linspace(0.01, 0.05, 40),
        "assumptions.cpi": np.linspace(0.0, 0.04, 40),
        "assumptions.usd_krw": np.linspace(1200.0, 1600.0, 90),
    }  # 144,000 samples: two chunks and a part
    local = sma.sweep(rich_scenario(), grid, keep="paths", currency="USD", chunk_size=BLOCK)
    remote = sma.sweep(rich_scenario(), grid, keep="paths", currency="USD", chunk_size=BLOCK, backend="dask")
    pd.testing.assert_frame_equal(remote.frame, local.frame)
    np.testing.assert_array_equal(remote.paths(long=False).to_numpy(), local.paths(long=False).to_numpy())
    # the default dask chunk is larger; the numbers are not
    larger = sma.sweep(rich_scenario(), grid, keep="paths", currency="USD", backend="dask")
    assert larger.inputs["chunk_size"] == chunks.DASK_CHUNK == 4 * BLOCK
    pd.testing.assert_frame_equal(larger.frame, local.frame)


def test_streamed_statistics_on_the_cluster_equal_the_local_ones_exactly(client):
    kwargs = {
        "n": 5 * BLOCK,
        "rng": 11,
        "uncertainties": {"usd_krw": sma.Normal(mean=1400, sd=100)},
        "keep": "stats",
        "threshold": 7e12,
        "chunk_size": BLOCK,
    }
    local = sma.monte_carlo(dollar_deal(3), **kwargs)
    remote = sma.monte_carlo(dollar_deal(3), backend="dask", **kwargs)
    assert_same_stats(remote.stats, local.stats)
    pd.testing.assert_frame_equal(remote.percentiles([5, 50, 95]), local.percentiles([5, 50, 95]))
    assert remote.probability_over(by_year=2032) == local.probability_over(by_year=2032)
    # every sample pays $5bn a year for three years
    assert remote.stats.count.tolist() == [5 * BLOCK] * 3
    assert remote.stats.totals.count == 5 * BLOCK


def test_monte_carlo_draws_on_the_cluster_come_back_in_sample_order(client):
    kwargs = {"n": 2 * BLOCK + 99, "rng": 2, "uncertainties": {"cpi": sma.Normal(mean=0.02, sd=0.01)}}
    kwargs |= {"keep_draws": True, "chunk_size": BLOCK}
    local = sma.monte_carlo(rich_scenario(), **kwargs)
    remote = sma.monte_carlo(rich_scenario(), backend="dask", **kwargs)
    pd.testing.assert_frame_equal(remote.frame, local.frame)
    pd.testing.assert_frame_equal(remote.draws["cpi"], local.draws["cpi"])


def test_only_the_compiled_base_is_sent_to_every_worker(client, monkeypatch):
    # an LHS of 200,000 samples x 2 columns is 3.2 MB of values; each worker gets ~15 kB once
    sent = []
    scatter = distributed.Client.scatter

    def recording(self, data, *args, **kwargs):
        sent.append(len(pickle.dumps(data)))
        return scatter(self, data, *args, **kwargs)

    monkeypatch.setattr(distributed.Client, "scatter", recording)
    bounds = {"assumptions.usd_krw": (1200.0, 1600.0), "agreements[0].base.amount": (4e9, 6e9)}
    remote = sma.sweep(dollar_deal(2), bounds, method="lhs", n=200_000, rng=1, backend="dask")
    local = sma.sweep(dollar_deal(2), bounds, method="lhs", n=200_000, rng=1)
    pd.testing.assert_frame_equal(remote.frame, local.frame)
    assert len(sent) == 1 and sent[0] < 50_000


def refuse_a_negative_exchange_rate_on_dask() -> None:
    """A Monte Carlo run on dask fails in a chunk, with the package's error naming the sample.

    A normal exchange rate of mean 1,400 and sd 2,000 draws below zero: refused.
    """
    with pytest.raises(sma.SweepError, match=r"monte_carlo: sample \d+ drew usd_krw = -"):
        sma.monte_carlo(
            dollar_deal(2),
            n=3 * BLOCK,
            rng=1,
            uncertainties={"usd_krw": sma.Normal(mean=1400, sd=2000)},
            backend="dask",
            chunk_size=BLOCK,
        )


def test_an_error_in_a_chunk_on_the_cluster_is_the_package_error(client):
    refuse_a_negative_exchange_rate_on_dask()


def test_without_a_cluster_dask_runs_the_chunks_in_batches(monkeypatch):
    monkeypatch.setattr(chunks, "DASK_BATCH", 2)  # five chunks: three batches
    values = paired(4 * BLOCK + 7)
    local = sma.sweep(dollar_deal(2), values, method="zip", chunk_size=BLOCK)
    with dask.config.set(scheduler="threads"):
        remote = sma.sweep(dollar_deal(2), values, method="zip", chunk_size=BLOCK, backend="dask")
    pd.testing.assert_frame_equal(remote.frame, local.frame)
    amount, fx = values["agreements[0].base.amount"], values["assumptions.usd_krw"]
    np.testing.assert_allclose(remote.frame["total_krw"], 2 * amount * fx, rtol=1e-15)


def test_statistics_arriving_out_of_order_merge_in_sample_order(monkeypatch, run_spec):
    uncertainties = {"usd_krw": sma.Normal(mean=1400, sd=100)}
    kwargs = {"n": 4 * BLOCK, "rng": 1, "uncertainties": uncertainties, "keep": "stats", "chunk_size": BLOCK}
    in_order = sma.monte_carlo(dollar_deal(3), **kwargs)  # locally the chunks come in order
    spec = run_spec["spec"]
    results = [run_chunk(spec, lo, lo + BLOCK) for lo in range(0, 4 * BLOCK, BLOCK)]
    collect = chunks._Collector(spec)
    for k in (2, 1, 3):
        collect(results[k])
    assert collect.kept == [] and sorted(collect.early) == [BLOCK, 2 * BLOCK, 3 * BLOCK]
    collect(results[0])
    (merged,) = collect.chunks()
    assert (merged.lo, merged.hi) == (0, 4 * BLOCK) and collect.early == {}
    assert_same_stats(merged.stats, in_order.stats)
    assert merged.stats.count.tolist() == [4 * BLOCK] * 3


def assert_same_stats(a, b):
    np.testing.assert_array_equal(a.count, b.count)
    np.testing.assert_array_equal(a.total, b.total)
    np.testing.assert_array_equal(a.crossings, b.crossings)
    assert a.totals_sum == b.totals_sum
    q = np.linspace(0, 1, 11)
    np.testing.assert_array_equal(a.totals.quantiles(q), b.totals.quantiles(q))
    for mine, theirs in zip(a.years, b.years):
        np.testing.assert_array_equal(mine.quantiles(q), theirs.quantiles(q))
