"""Issue 15, the sweep kernel: the fast paths give the numbers the plain ones give.

The fast paths are: binding per-sample values as vectors (never ``(years x samples)``
arrays), summing a run of years before converting it, writing kept paths and outcomes in
place, Monte Carlo drawing only the samples it keeps, and the optional numba kernel. Each
is checked sample by sample against :func:`sma_model.project` of the sample's own
scenario, or against the numpy path. No timing here: speed is in ``benchmarks/run.py``.
"""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from test_sweep import GRID, dollar_deal, rich_scenario

import sma_model as sma
from sma_model.engine import kernel_numba
from sma_model.engine.run import Rows
from sma_model.model.parameters import parse_path, scenario_with
from sma_model.sweeps.binding import Binder, classify
from sma_model.sweeps.sampling import GridSampler

#: bench_sweep's scenario: a won deal indexed to CPI (lag 2, cap, floor), then a dollar deal.
RANGES = {
    "agreements[0].escalation.cap": (0.03, 0.06),
    "agreements[0].escalation.floor": (-0.02, 0.02),
    "assumptions.usd_krw": (1200.0, 1600.0),
    "assumptions.cpi": (0.0, 0.04),
}
numba_only = pytest.mark.skipif(not kernel_numba.available(), reason="numba is not installed")


def bench_scenario(horizon: int = 2040) -> sma.Scenario:
    won = sma.Agreement(
        name="won deal",
        start_year=2026,
        term_years=5,
        base=sma.Rise(rate=0.083),
        escalation=sma.Indexed(index="cpi", lag=2, cap=0.05, floor=0.0),
    )
    dollar = sma.Agreement(
        name="dollar deal",
        start_year=2031,
        term_years=5,
        base=None,
        currency="USD",
        escalation=sma.Indexed(index="cpi", lag=2, cap=0.05, floor=0.0),
    )
    return sma.Scenario(
        name="bench",
        agreements=[won, dollar],
        horizon=horizon,
        assumptions=sma.Assumptions(cpi=0.02, usd_krw=1400.0, us_cpi=0.02),
    )


def samples_table(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    table = {p: rng.uniform(lo, hi, n) for p, (lo, hi) in RANGES.items()}
    # a floor above a cap is refused: keep every floor below its cap
    cap, floor = table["agreements[0].escalation.cap"], table["agreements[0].escalation.floor"]
    table["agreements[0].escalation.floor"] = np.minimum(floor, cap)
    return table


def assert_samples_are_projections(scenario, result, samples, threshold=None):
    """Totals, finals, the yearly path and the first year over ``threshold`` of each sample."""
    wide = result.paths(long=False) if result._paths is not None else None
    for sample in samples:
        row = result.frame.loc[sample]
        values = {parse_path(p): row[p] for p in result.inputs["parameters"]}
        frame = sma.project(scenario_with(scenario, values)).frame
        krw, usd = frame["payment_krw"].to_numpy(), frame["payment_usd"].to_numpy()
        assert row["total_krw"] == pytest.approx(krw.sum(), rel=1e-12)
        assert row["total_usd"] == pytest.approx(usd.sum(), rel=1e-12)
        assert row["final_payment_krw"] == pytest.approx(krw[-1], rel=1e-12)
        assert row["final_payment_usd"] == pytest.approx(usd[-1], rel=1e-12)
        if wide is not None:
            np.testing.assert_allclose(wide.loc[sample].dropna().to_numpy(), krw, rtol=1e-12)
        if threshold is not None:
            over = frame["year"].to_numpy()[krw > threshold]
            want = over[0] if len(over) else pd.NA
            assert row["first_year_over_threshold"] is want or row["first_year_over_threshold"] == want


# 1. binding keeps per-sample values as vectors -----------------------------------------------


def test_a_swept_cap_is_one_vector_in_the_years_it_governs_and_shared_elsewhere():
    scenario = bench_scenario()
    params = [classify(scenario, parse_path(p)) for p in RANGES]
    reference = {p.parts: RANGES[p.path][0] for p in params}
    binder = Binder(scenario, params, reference, np.empty((1, 0)))
    values = samples_table(5)
    rows = binder.bind(values, 5)
    cap = values["agreements[0].escalation.cap"]
    years = list(binder.plan.years)
    for t, year in enumerate(years):
        row = rows.cells["cap"][t]
        if 2026 < year <= 2030:  # the won deal's indexed years (2026 is its Rise)
            assert row is cap  # the sample values themselves, not a copy per year
        else:
            assert row.shape == (1,)
    # the CPI constant fills the years the record leaves open, read two years back
    cpi, first = values["assumptions.cpi"], binder.macro_years[0]
    for t, year in enumerate(years):
        unknown = np.isnan(binder.known["cpi"][year - 2 - first, 0])
        assert (rows.cells["index_raw"][t] is cpi) == unknown
    assert rows.cells["index_raw"][-1] is cpi  # 2040 reads 2038: no record yet
    # no array holds years x samples
    assert all(r.ndim == 1 for field in rows.cells.values() for r in field)


def test_a_binder_lists_its_compiled_rows_once_never_writes_them_and_pickles_without_them():
    scenario = bench_scenario()
    params = [classify(scenario, parse_path(p)) for p in RANGES]
    binder = Binder(scenario, params, {p.parts: RANGES[p.path][0] for p in params}, np.empty((1, 0)))
    first, second = samples_table(5, seed=1), samples_table(5, seed=2)
    binder.bind(first, 5)
    rows = binder.bind(second, 5)
    # the second chunk's caps are its own; the listed rows still hold the compiled 3 % (the range's low end)
    years = list(binder.plan.years)
    assert rows.cells["cap"][years.index(2028)] is second["agreements[0].escalation.cap"]
    assert [float(r[0]) for r in binder.listed["cap"][1:5]] == [0.03] * 4
    copy = pickle.loads(pickle.dumps(binder))
    assert "listed" in binder.__dict__ and "listed" not in copy.__dict__  # rebuilt where used
    again = copy.bind(second, 5)
    for field, field_rows in rows.cells.items():
        for a, b in zip(field_rows, again.cells[field]):
            np.testing.assert_array_equal(a, b)


def test_a_grid_hands_out_every_combination_in_order_for_any_range_of_samples():
    grid = GridSampler({"a": np.array([1.0, 2.0]), "b": np.array([10.0, 20.0, 30.0]), "c": np.array([0.5])})
    whole = grid.take(0, 6)
    # the first parameter varies slowest: (1, 10), (1, 20), (1, 30), (2, 10), (2, 20), (2, 30)
    assert whole["a"].tolist() == [1, 1, 1, 2, 2, 2]
    assert whole["b"].tolist() == [10, 20, 30, 10, 20, 30]
    assert whole["c"].tolist() == [0.5] * 6
    for lo in range(6):
        for hi in range(lo + 1, 7):
            part = grid.take(lo, hi)
            assert all(part[k].tolist() == whole[k][lo:hi].tolist() for k in whole), (lo, hi)
    big = GridSampler({f"p{i}": np.arange(size, dtype=float) for i, size in enumerate((7, 5, 4, 3))})
    index = np.unravel_index(np.arange(big.n), big.shape)
    for lo, hi in ((0, big.n), (13, 14), (59, 301), (100, 420)):
        part = big.take(lo, hi)
        for k, (name, values) in enumerate(zip(big.columns, big.values)):
            np.testing.assert_array_equal(part[name], values[index[k][lo:hi]])


# 2. sweeps: summaries, threshold and paths, sample by sample --------------------------------


def test_every_sample_of_a_capped_cpi_sweep_is_its_projection():
    scenario, table = bench_scenario(), samples_table(12, seed=1)
    result = sma.sweep(scenario, table, method="zip", keep="paths", threshold=2.2e12)
    assert_samples_are_projections(scenario, result, range(12), threshold=2.2e12)


def test_samples_on_both_sides_of_a_chunk_boundary_are_their_projections():
    # 70,000 samples: two chunks of 65,536 and 4,464, written in place into one output
    scenario, table = bench_scenario(2034), samples_table(70_000, seed=2)
    result = sma.sweep(scenario, table, method="zip", keep="paths")
    assert_samples_are_projections(scenario, result, [0, 65_535, 65_536, 69_999])
    in_dollars = sma.sweep(scenario, table, method="zip", keep="paths", currency="USD")
    # a year's dollar payment times its exchange rate is its won payment (2031 on: paid in dollars)
    fx = table["assumptions.usd_krw"]
    np.testing.assert_allclose(in_dollars._paths[5:] * fx, result._paths[5:], rtol=1e-15)


def test_an_overflow_in_a_sweep_still_names_the_sample_and_the_year():
    # ₩1e15 growing 50 % a year passes 1e18 in its 18th year (1.5**17 < 1000 <= 1.5**18)
    scenario = sma.Scenario(
        name="runaway",
        agreements=[
            sma.Agreement(
                name="a",
                start_year=2040,
                term_years=30,
                base=sma.Money(amount=1e15, currency="KRW"),
                escalation=sma.Fixed(rate=0.1),
            )
        ],
        assumptions=sma.Assumptions(use_record=False, usd_krw=1000.0),
    )
    with pytest.raises(sma.NonFiniteResultError, match=r"^sample 2: the payment for 2058 is 1\.47"):
        sma.sweep(scenario, {"agreements[0].escalation.rate": [0.0, 0.1, 0.5]}, method="zip")
    # totals that pass the limit while no year does are not an error: ₩9e15 growing 15 % a year
    # stays below 1e18 (9e15 * 1.15**29 = 5.2e17) while 30 years of it add up to 3.9e18
    result = sma.sweep(scenario, {"agreements[0].escalation.rate": [0.15]}, method="zip")
    want = sum(1e15 * 1.15**k for k in range(30))
    assert result.frame["total_krw"].iloc[0] == pytest.approx(want, rel=1e-12)
    big = scenario_with(scenario, {parse_path("agreements[0].base.amount"): 9e15})
    result = sma.sweep(big, {"agreements[0].escalation.rate": [0.15]}, method="zip")
    assert result.frame["total_krw"].iloc[0] == pytest.approx(9 * want, rel=1e-12)
    assert result.frame["total_krw"].iloc[0] > 1e18 > result.frame["final_payment_krw"].iloc[0]


# 3. Monte Carlo draws only what it keeps ------------------------------------------------------


def test_a_small_monte_carlo_run_is_the_start_of_a_larger_one():
    kwargs = {"rng": 9, "uncertainties": {"usd_krw": sma.Normal(mean=1400, sd=50)}, "keep": "paths"}
    small = sma.monte_carlo(dollar_deal(), n=1000, **kwargs)
    large = sma.monte_carlo(dollar_deal(), n=70_000, **kwargs)
    other_chunks = sma.monte_carlo(dollar_deal(), n=70_000, chunk_size=131_072, **kwargs)
    pd.testing.assert_frame_equal(small.frame, large.frame.iloc[:1000])
    np.testing.assert_array_equal(small._paths, large._paths[:, :1000])
    pd.testing.assert_frame_equal(large.frame, other_chunks.frame)
    # the dollar deal pays $5bn a year: won payments are 5e9 times the drawn rate
    assert large.frame["total_usd"].iloc[0] == pytest.approx(5 * 5e9, rel=1e-12)


def test_bootstrap_and_correlated_draws_repeat_and_do_not_depend_on_the_chunk_size():
    kwargs = {
        "rng": 4,
        "uncertainties": {
            "cpi": sma.Normal(mean=0.02, sd=0.01),
            "defense_budget_growth": sma.AR1(mean=0.04, phi=0.5, sd=0.01),
            "usd_krw": sma.Bootstrap(),
        },
        "correlation": {("cpi", "defense_budget_growth"): 0.5},
        "keep": "samples",
        "keep_draws": True,
    }
    a = sma.monte_carlo(rich_scenario(), n=70_000, **kwargs)
    b = sma.monte_carlo(rich_scenario(), n=70_000, chunk_size=131_072, **kwargs)
    c = sma.monte_carlo(rich_scenario(), n=10, **kwargs)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    pd.testing.assert_frame_equal(a.frame.iloc[:10], c.frame)
    for name in a.draws:
        pd.testing.assert_frame_equal(a.draws[name].iloc[:10], c.draws[name])
    # Bootstrap picks come from the record
    pool = sma.Bootstrap().pool("usd_krw")
    assert np.isin(a.draws["usd_krw"].to_numpy(), pool).all()


# 4. the numba kernel --------------------------------------------------------------------------


def test_an_unknown_kernel_is_refused(monkeypatch):
    with pytest.raises(sma.SweepError, match="kernel must be 'numpy' or 'numba', not 'fortran'"):
        sma.sweep(dollar_deal(), {"assumptions.usd_krw": [1300.0]}, kernel="fortran")
    monkeypatch.setenv("SMA_MODEL_KERNEL", "gpu")
    with pytest.raises(sma.SweepError, match=r"\$SMA_MODEL_KERNEL must be 'numpy' or 'numba', not 'gpu'"):
        sma.sweep(dollar_deal(), {"assumptions.usd_krw": [1300.0]})
    monkeypatch.setenv("SMA_MODEL_KERNEL", "numpy")
    assert sma.sweep(dollar_deal(), {"assumptions.usd_krw": [1300.0]}).inputs["kernel"] == "numpy"


def test_without_numba_the_numba_kernel_says_how_to_get_it(monkeypatch):
    monkeypatch.setattr("sma_model.sweeps.chunks.available", lambda: False)
    with pytest.raises(sma.SweepError, match=r"needs numba: pip install 'sma-model\[fast\]'"):
        sma.sweep(dollar_deal(), {"assumptions.usd_krw": [1300.0]}, kernel="numba")


def assert_kernels_agree(scenario, **kwargs):
    plain = sma.sweep(scenario, kernel="numpy", **kwargs)
    fast = sma.sweep(scenario, kernel="numba", **kwargs)
    assert fast.inputs["kernel"] == "numba"
    pd.testing.assert_frame_equal(plain.frame, fast.frame, rtol=1e-12, atol=0)
    if plain._paths is not None:
        np.testing.assert_allclose(fast._paths, plain._paths, rtol=1e-12, atol=0)
    return plain, fast


@numba_only
@pytest.mark.parametrize("keep", ["samples", "paths"])
@pytest.mark.parametrize("currency", ["KRW", "USD"])
def test_the_numba_kernel_gives_the_numbers_of_numpy_on_a_capped_cpi_sweep(keep, currency):
    table = samples_table(70_000, seed=3)  # two chunks
    threshold = 2.2e12 if currency == "KRW" else 1.6e9
    plain, _ = assert_kernels_agree(
        bench_scenario(), parameters=table, method="zip", keep=keep, currency=currency, threshold=threshold
    )
    if keep == "paths" and currency == "KRW":
        assert_samples_are_projections(bench_scenario(), plain, [0, 69_999], threshold=threshold)


def hand_rows() -> Rows:
    """Two samples, four years (2030-2033), paid from ₩100 before 2030.

    2030: +10 % for both; 2031: an index of 3 % and 8 % clipped to [0, 2 %] and [0, 5 %];
    2032: an agreement sets ₩200; 2033: converted into dollars at ₩1,000 and ₩1,250 a
    dollar and frozen. The exchange rates are read-only, the caps a strided column, as
    samplers and frames hand them out.
    """
    one = lambda x: np.array([x], dtype=float)  # noqa: E731 (a shared row)
    fx = np.array([1000.0, 1250.0])
    fx.flags.writeable = False
    caps = np.array([[0.02, 9.0], [0.05, 9.0]])[:, 0]  # strided
    years = range(4)
    cells = {
        "rate": [one(0.1), one(0.0), one(0.0), one(0.0)],
        "index_value": [one(0.0), np.array([0.03, 0.08]), one(0.0), one(0.0)],
        "cap": [one(0.0), caps, one(0.0), one(0.0)],
        "floor": [one(0.0)] * 4,
        "reset_value": [one(np.nan), one(np.nan), one(200.0), one(np.nan)],
        "conversion": [one(1.0), one(1.0), one(1.0), 1.0 / fx],
        "usd_krw": [fx] * 4,
        "indexed": [np.array([t == 1]) for t in years],
        "reset": [np.array([t == 2]) for t in years],
        "usd": [np.array([t == 3]) for t in years],
        "active": [np.array([True])] * 4,
        "phase_step": [np.array([0])] * 4,
    }
    return Rows(2, one(100.0), cells)


@numba_only
@pytest.mark.parametrize("as_tuple", [True, False])
def test_the_numba_kernel_on_hand_worked_rows(monkeypatch, as_tuple):
    if not as_tuple:  # more rows than a tuple takes: stacked into one array
        monkeypatch.setattr(kernel_numba, "_MAX_TUPLE", 1)
    rows = hand_rows()
    packed = kernel_numba._pack(rows)
    assert isinstance(packed[0], tuple) == as_tuple
    assert packed[1] == 4  # sample rows: the index, the caps, the conversion, the exchange rates
    # the shared values, each once: 0, 0.1, 1, 100, 200, NaN
    assert len(packed[2]) == 6
    paths = np.empty((4, 2))
    segments = [(True, False), (False, False), (False, True), (True, True)]  # won 2030-32, dollars 2033
    got = kernel_numba.fused_summaries(rows, np.arange(2030, 2034), segments, False, 113.0, paths)
    assert got is not None
    # levels: 110 for both; 112.2 and 115.5; 200; $0.2 and $0.16 (₩200 at each rate)
    np.testing.assert_allclose(paths, [[110, 110], [112.2, 115.5], [200, 200], [200, 200]], rtol=1e-15)
    np.testing.assert_allclose(got["total_krw"], [422.2 + 200, 425.5 + 200], rtol=1e-15)
    np.testing.assert_allclose(got["total_usd"], [422.2 / 1000 + 0.2, 425.5 / 1250 + 0.16], rtol=1e-15)
    np.testing.assert_allclose(got["final_payment_krw"], [200, 200], rtol=1e-15)
    np.testing.assert_allclose(got["final_payment_usd"], [0.2, 0.16], rtol=1e-15)
    assert got["first_year_over_threshold"].tolist() == [2032, 2031]  # over ₩113
    # a payment at the limit: the kernel declines and numpy names it
    rows.cells["reset_value"][2] = np.array([1e18])
    assert kernel_numba.fused_summaries(rows, np.arange(2030, 2034), segments, False, None, None) is None


@numba_only
def test_the_numba_kernel_takes_read_only_and_strided_samples_and_stacks_many_rows(monkeypatch):
    table = samples_table(3000, seed=6)
    both = np.stack([table[p] for p in RANGES], axis=1)  # a column of it is strided
    for k, p in enumerate(RANGES):
        table[p] = both[:, k]
    table["assumptions.usd_krw"] = table["assumptions.usd_krw"].copy()
    table["assumptions.usd_krw"].flags.writeable = False
    kwargs = {"parameters": table, "method": "zip", "keep": "paths", "threshold": 2.2e12}
    _, fast = assert_kernels_agree(bench_scenario(), **kwargs)
    assert_samples_are_projections(bench_scenario(), fast, [0, 2999], threshold=2.2e12)
    monkeypatch.setattr(kernel_numba, "_MAX_TUPLE", 2)  # the bench scenario has 4 sample rows
    assert_kernels_agree(bench_scenario(), **kwargs)


@numba_only
def test_the_numba_kernel_gives_the_numbers_of_numpy_on_many_swept_scenarios():
    # every field of the rich scenario on its own, in pairs, and all at once (structures fall back)
    paths = list(GRID)
    cases = [[p] for p in paths] + [paths[i : i + 2] for i in range(0, len(paths), 2)] + [paths[:12]]
    for chosen in cases:
        grid = {p: GRID[p] for p in chosen}
        assert_kernels_agree(rich_scenario(), parameters=grid, keep="paths", threshold=2e12)
    lhs = {
        p: (min(v), max(v))
        for p, v in GRID.items()
        if p not in ("horizon", "agreements[0].escalation[2027].lag")
    }
    lhs.pop("agreements[0].escalation[2027].floor")  # a floor above its cap is refused
    assert_kernels_agree(rich_scenario(), parameters=lhs, method="lhs", n=5000, rng=2, keep="paths")


@numba_only
def test_the_numba_kernel_gives_the_numbers_of_numpy_in_monte_carlo():
    kwargs = {
        "n": 3000,
        "rng": 5,
        "uncertainties": {
            "cpi": sma.Normal(mean=0.02, sd=0.01),
            "defense_budget_growth": sma.AR1(mean=0.04, phi=0.5, sd=0.01),
            "usd_krw": sma.LogRandomWalk(sd=0.05),
        },
        "threshold": 2e12,
    }
    plain = sma.monte_carlo(rich_scenario(), kernel="numpy", **kwargs)
    fast = sma.monte_carlo(rich_scenario(), kernel="numba", **kwargs)
    pd.testing.assert_frame_equal(plain.frame, fast.frame, rtol=1e-12, atol=0)
    np.testing.assert_allclose(fast._paths, plain._paths, rtol=1e-12, atol=0)


@numba_only
def test_the_environment_variable_switches_to_numba_and_streamed_runs_fall_back(monkeypatch):
    monkeypatch.setenv("SMA_MODEL_KERNEL", "numba")
    table = samples_table(1000, seed=4)
    fast = sma.sweep(bench_scenario(), table, method="zip")
    assert fast.inputs["kernel"] == "numba"
    monkeypatch.delenv("SMA_MODEL_KERNEL")
    plain = sma.sweep(bench_scenario(), table, method="zip")
    pd.testing.assert_frame_equal(plain.frame, fast.frame, rtol=1e-12, atol=0)
    # streamed statistics run on numpy whatever the kernel: the same sketches
    a = sma.sweep(bench_scenario(), table, method="zip", keep="stats", kernel="numba")
    b = sma.sweep(bench_scenario(), table, method="zip", keep="stats")
    pd.testing.assert_frame_equal(a.percentiles(), b.percentiles())


@numba_only
def test_the_numba_kernel_declines_what_it_does_not_cover_and_numpy_runs_it():
    phase_in = sma.Scenario(
        name="phase",
        agreements=[
            sma.Agreement(
                name="a",
                start_year=2030,
                term_years=6,
                base=sma.Money(amount=1e12, currency="KRW"),
                escalation=sma.PhaseIn(target=sma.Money(amount=2e12, currency="KRW"), by_year=2034),
            )
        ],
        assumptions=sma.Assumptions(use_record=False, usd_krw=1300.0),
    )
    plain, _ = assert_kernels_agree(
        phase_in, parameters={"assumptions.usd_krw": [1200.0, 1500.0]}, keep="paths"
    )
    # geometric from ₩1tn to ₩2tn in four steps: 2**(1/4) a year, then held
    np.testing.assert_allclose(
        plain._paths[:, 0] / 1e12, [1.0, *(2 ** (np.arange(1, 5) / 4)), 2.0], rtol=1e-12
    )
