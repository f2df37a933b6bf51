"""The Latin hypercube of ``sweep(method="lhs")``: numpy only, one sample per stratum.

Column ``k`` of a design draws from the seed's child ``k``: a permutation of the ``n`` strata,
then ``n`` uniforms placing each sample in its stratum (see
:func:`sma_model.sweeps.hypercube.latin_hypercube`). These tests rebuild designs from that
description with numpy alone and check the properties a Latin hypercube promises.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest
from test_sweep import dollar_deal

import sma_model as sma
from sma_model.sweeps.hypercube import _THREADED_DESIGN, design_block, latin_hypercube
from sma_model.sweeps.hypercube_numba import draw_column

RANGES = {"cap": (0.03, 0.06), "floor": (-0.02, 0.02), "fx": (1200.0, 1600.0)}


def design(n: int, seed: int = 1, ranges=RANGES, whole=frozenset()) -> dict[str, np.ndarray]:
    columns = {name: np.array(bounds) for name, bounds in ranges.items()}
    return latin_hypercube(columns, n, np.random.SeedSequence(seed), set(whole))


def by_hand(n: int, seed: int, k: int, low: float, high: float) -> np.ndarray:
    """Column ``k`` as the docstring describes it, built here from numpy's own calls."""
    generator = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(k,)))
    strata = generator.permutation(n)
    return low + (strata + generator.random(n)) * (high - low) / n


@pytest.mark.parametrize("n", [1, 7, 1000, _THREADED_DESIGN + 3])
def test_every_stratum_of_every_column_holds_exactly_one_sample(n):
    for name, values in design(n).items():
        low, high = RANGES[name]
        assert ((values >= low) & (values < high)).all()
        strata = np.floor((values - low) / (high - low) * n).astype(np.int64)
        assert np.array_equal(np.sort(strata), np.arange(n)), name


@pytest.mark.parametrize("n", [1000, _THREADED_DESIGN + 3])
def test_each_column_is_its_childs_permutation_and_uniforms(n):
    # the threaded path (n >= 2**17) draws the same numbers as the serial one
    for k, (name, values) in enumerate(design(n, seed=11).items()):
        low, high = RANGES[name]
        np.testing.assert_allclose(
            values, by_hand(n, 11, k, low, high), rtol=1e-15, atol=1e-15 * (high - low)
        )


def test_the_mean_of_a_column_is_the_middle_of_its_range_within_half_a_stratum():
    # mean((perm + u) / n) = ((n - 1) / 2 + mean(u)) / n, and 0 <= mean(u) < 1
    n = 999
    for name, values in design(n, seed=3).items():
        low, high = RANGES[name]
        assert abs(values.mean() - (low + high) / 2) <= (high - low) / (2 * n)


def test_columns_are_independent_permutations():
    # Spearman's rank correlation of two independent permutations has sd 1 / sqrt(n - 1)
    n = 10_000
    values = design(n, seed=5)
    ranks = {name: np.argsort(np.argsort(v)) for name, v in values.items()}
    for a, b in (("cap", "floor"), ("cap", "fx"), ("floor", "fx")):
        rho = np.corrcoef(ranks[a], ranks[b])[0, 1]
        assert abs(rho) < 4 / np.sqrt(n - 1), (a, b, rho)
    # and the order of samples is not the order of strata
    assert abs(np.corrcoef(ranks["cap"], np.arange(n))[0, 1]) < 4 / np.sqrt(n - 1)


def test_a_columns_values_do_not_depend_on_the_columns_after_it():
    alone = design(500, seed=2, ranges={"cap": RANGES["cap"]})["cap"]
    np.testing.assert_array_equal(design(500, seed=2)["cap"], alone)


def test_whole_numbers_are_drawn_equally_often_threaded_or_not():
    # [2035, 2040 + 1) in n strata, rounded down: each of the six years takes n / 6 strata
    for n in (60, 6 * 2**15):
        horizons = design(n, seed=4, ranges={"horizon": (2035, 2040)}, whole={"horizon"})["horizon"]
        years, counts = np.unique(horizons, return_counts=True)
        assert years.tolist() == list(range(2035, 2041))
        assert counts.tolist() == [n // 6] * 6


def test_a_seed_gives_the_same_design_and_another_seed_another():
    a, b, c = design(300, seed=9), design(300, seed=9), design(300, seed=10)
    for name in RANGES:
        np.testing.assert_array_equal(a[name], b[name])
        assert not np.allclose(a[name], c[name])


def test_a_sweep_samples_its_ranges_with_the_documented_design_and_no_scipy(monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy", None)  # `import scipy...` now raises ImportError
    monkeypatch.setitem(sys.modules, "scipy.stats", None)
    ranges = {"assumptions.usd_krw": (1100.0, 1700.0), "agreements[0].base.amount": (4e9, 6e9)}
    result = sma.sweep(dollar_deal(), ranges, method="lhs", n=400, rng=[3, 1, 4])
    frame = result.frame
    for k, (path, (low, high)) in enumerate(ranges.items()):
        generator = np.random.default_rng(np.random.SeedSequence([3, 1, 4], spawn_key=(k,)))
        expected = low + (generator.permutation(400) + generator.random(400)) * (high - low) / 400
        np.testing.assert_allclose(frame[path], expected, rtol=1e-15)
    # a $ amount frozen for five years at a constant rate: total = 5 x amount x usd_krw
    hand = 5 * frame["agreements[0].base.amount"] * frame["assumptions.usd_krw"]
    np.testing.assert_allclose(frame["total_krw"], hand, rtol=1e-14)
    assert result.inputs["seed"] == [3, 1, 4]
    again = sma.sweep(dollar_deal(), ranges, method="lhs", n=400, rng=result.inputs["seed"])
    np.testing.assert_array_equal(again.frame["total_krw"], frame["total_krw"])


@pytest.mark.parametrize("n", [1000, _THREADED_DESIGN + 3])
def test_a_design_drawn_with_room_for_outcomes_is_the_same_design(n):
    # a sweep draws its design into the first rows of its result table, the uniforms passing
    # through the spare rows: neither may change a value
    columns = {name: np.array(bounds) for name, bounds in RANGES.items()}
    seed = np.random.SeedSequence(5)
    block = design_block(columns, n, seed, set(), spare_rows=2)  # fewer spare rows than columns
    assert block.shape == (len(RANGES) + 2, n)
    for k, (name, values) in enumerate(latin_hypercube(columns, n, seed, set()).items()):
        assert np.array_equal(block[k], values), name
        low, high = RANGES[name]
        np.testing.assert_allclose(block[k], by_hand(n, 5, k, low, high), rtol=1e-15, atol=1e-15)


def test_an_lhs_sweep_returns_its_design_and_outcomes_side_by_side():
    base = dollar_deal()
    paths = {"agreements[0].base.amount": (1e9, 2e9), "assumptions.usd_krw": (1200.0, 1600.0)}
    result = sma.sweep(base, paths, method="lhs", n=1000, rng=9, progress=False)
    columns = {p: np.array(v) for p, v in paths.items()}
    expected = latin_hypercube(columns, 1000, np.random.SeedSequence(9), set())
    for path, values in expected.items():
        assert np.array_equal(result.frame[path].to_numpy(), values), path
    # the outcomes written beside the design are each sample's own projection
    again = sma.sweep(base, {p: v[:5] for p, v in expected.items()}, method="zip", progress=False)
    np.testing.assert_allclose(result.frame["total_krw"][:5], again.frame["total_krw"], rtol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 3, 1000, _THREADED_DESIGN + 3])
@pytest.mark.parametrize("spare_rows", [0, 5])
def test_numbas_compiled_design_is_numpys_bit_for_bit(n, spare_rows):
    pytest.importorskip("numba")
    ranges = {**RANGES, "horizon": (2030.0, 2045.0), "negative": (-3.5, -1.25)}
    columns = {name: np.array(bounds) for name, bounds in ranges.items()}
    for seed in (1, 77):
        plain = design_block(columns, n, np.random.SeedSequence(seed), {"horizon"}, spare_rows)
        fast = design_block(columns, n, np.random.SeedSequence(seed), {"horizon"}, spare_rows, kernel="numba")
        for k, name in enumerate(ranges):
            assert np.array_equal(plain[k], fast[k]), (name, seed)
        for k, (name, (low, high)) in enumerate(ranges.items()):
            if name != "horizon":
                np.testing.assert_allclose(fast[k], by_hand(n, seed, k, low, high), rtol=1e-15, atol=1e-15)


def test_numbas_compiled_column_leaves_the_generator_where_numpy_does():
    pytest.importorskip("numba")
    for n in (1, 2, 5, 999):  # an odd number of 32-bit draws leaves half a 64-bit word buffered
        plain, fast = np.random.default_rng(n), np.random.default_rng(n)
        strata = np.arange(n, dtype=float)
        plain.shuffle(strata)
        expected = (strata + plain.random(n)) * (2.0 / n) + 1.0
        values = np.empty(n)
        assert draw_column(fast, values, np.empty(n), 2.0 / n, 1.0, None)
        assert np.array_equal(values, expected)
        assert fast.bit_generator.state == plain.bit_generator.state
        assert fast.integers(0, 1000, 9).tolist() == plain.integers(0, 1000, 9).tolist()


def test_a_generator_other_than_pcg64_is_left_to_numpy():
    pytest.importorskip("numba")
    generator = np.random.Generator(np.random.Philox(3))
    before = generator.bit_generator.state
    values = np.zeros(10)
    assert not draw_column(generator, values, np.empty(10), 0.1, 0.0, None)
    after = generator.bit_generator.state
    np.testing.assert_array_equal(after["state"]["counter"], before["state"]["counter"])
    assert not values.any()


def test_an_lhs_sweep_on_numba_draws_numpys_design():
    pytest.importorskip("numba")
    paths = {"agreements[0].base.amount": (1e9, 2e9), "assumptions.usd_krw": (1200.0, 1600.0)}
    plain = sma.sweep(dollar_deal(), paths, method="lhs", n=3000, rng=4, progress=False)
    fast = sma.sweep(dollar_deal(), paths, method="lhs", n=3000, rng=4, progress=False, kernel="numba")
    for path in paths:
        assert np.array_equal(plain.frame[path].to_numpy(), fast.frame[path].to_numpy()), path
