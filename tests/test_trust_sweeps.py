"""Issue 11 in sweeps, Monte Carlo and the solvers: no silently wrong number, no hang, no raw traceback.

Streamed percentiles keep a stated bound against numpy on the full data; seeds take what
``numpy.random.default_rng`` takes; runs too large for the grid or for memory are refused
before they start; every sample equals a projection of its own scenario.
"""

from __future__ import annotations

import contextlib
import signal

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from test_sweep import dollar_deal, rich_scenario

import sma_model as sma
from sma_model.model.parameters import parse_path, scenario_with


@contextlib.contextmanager
def within(seconds: int):
    """Fail instead of hanging: the old code looped forever on some of these inputs."""

    def timeout(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def won_deal(years: int = 3, rate: float = 0.02) -> sma.Scenario:
    deal = sma.Agreement(
        name="d",
        start_year=2030,
        term_years=years,
        base=sma.Money(amount=1e9, currency="KRW"),
        escalation=sma.Fixed(rate=rate),
    )
    return sma.Scenario(
        name="won", agreements=[deal], assumptions=sma.Assumptions(use_record=False, usd_krw=1400.0)
    )


def assert_within_bound(streamed, exact, error):
    """The documented bound: |streamed - exact| <= error * |exact| + 1 unit (plus float rounding)."""
    streamed, exact = np.asarray(streamed, dtype=float), np.asarray(exact, dtype=float)
    allowed = error * np.abs(exact) * (1 + 1e-9) + 1.0
    worst = np.max(np.abs(streamed - exact) - allowed)
    assert worst <= 0, f"outside the bound by {worst:g}"


# 1. streamed percentiles ------------------------------------------------------------------


def test_streamed_percentiles_of_an_ordered_grid_keep_their_stated_bound():
    # the case: 2^20 bases from ₩1e9 to ₩1e15, in order; the old p95 was 2.5e10, not 5.0e14
    grid = {"agreements[0].base.amount": np.geomspace(1e9, 1e15, 2**20)}
    streamed = sma.sweep(won_deal(), grid, keep="stats", progress=False)
    exact = sma.sweep(won_deal(), grid, keep="paths", progress=False)
    assert streamed.percentile_error == 1e-4
    assert exact.percentile_error == 0.0
    q = [0, 5, 25, 50, 75, 95, 99.9, 100]
    assert_within_bound(streamed.percentiles(q), exact.percentiles(q), streamed.percentile_error)
    assert streamed.percentiles([95]).iloc[0, 0] == pytest.approx(5.0119e14, rel=1e-4)
    totals = exact.frame["total_krw"].to_numpy()
    summary = streamed.summary().loc["total_krw"]
    assert_within_bound(summary[["p5", "p50", "p95"]], np.percentile(totals, [5, 50, 95]), 1e-4)
    assert summary["mean"] == pytest.approx(totals.mean(), rel=1e-12)
    assert "within 0.01%" in repr(streamed)


def test_streamed_percentiles_do_not_depend_on_the_order_or_the_chunks():
    amounts = np.geomspace(1e9, 1e15, 200_000)
    runs = [
        sma.sweep(won_deal(), {"agreements[0].base.amount": a}, method="zip", keep="stats", chunk_size=c)
        for a, c in (
            (amounts, 65_536),
            (amounts[::-1], 131_072),
            (np.random.default_rng(0).permutation(amounts), None),
        )
    ]
    for run in runs[1:]:
        pd.testing.assert_frame_equal(run.percentiles(), runs[0].percentiles())


values_strategy = st.one_of(
    # random magnitudes over many orders, with repeats
    st.lists(st.floats(1.0, 1e17), min_size=1, max_size=300),
    # mixtures of tiny and huge, zeros and negatives: the sketch's edge cases
    st.lists(
        st.one_of(st.floats(-1e17, 1e17), st.sampled_from([0.0, 0.5, 1.0, 1e-300, 1e17])),
        min_size=1,
        max_size=300,
    ),
)


@settings(max_examples=300, deadline=None)
@given(values=values_strategy, order=st.sampled_from(["given", "sorted", "reversed"]), data=st.data())
def test_the_sketch_is_within_its_bound_of_numpy_on_the_full_data(values, order, data):
    from sma_model.sweeps.sketch import PERCENTILE_ERROR, Sketch

    values = np.array(values)
    values = {"given": values, "sorted": np.sort(values), "reversed": np.sort(values)[::-1]}[order]
    # split into chunks anywhere, sketch each, merge: as the chunks of a run do
    cuts = sorted(data.draw(st.lists(st.integers(0, len(values)), max_size=4)))
    sketch = Sketch()
    for piece in np.split(values, cuts):
        part = Sketch()
        part.add(piece)
        sketch.merge(part)
    q = np.array(data.draw(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=5)))
    got = sketch.quantiles(q)
    exact = np.quantile(values, q)
    # order statistics either side of each quantile: the bound applies to the larger of them
    rank = q * (len(values) - 1)
    ordered = np.sort(values)
    around = np.maximum(
        np.abs(ordered[np.floor(rank).astype(int)]), np.abs(ordered[np.ceil(rank).astype(int)])
    )
    allowed = PERCENTILE_ERROR * around * (1 + 1e-9) + 1.0
    assert np.all(np.abs(got - exact) <= allowed)
    assert sketch.count == len(values)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    low=st.floats(1e6, 9e9),  # with ratio, at most 9e15: no filtering
    ratio=st.floats(1.0, 1e6),
    shape=st.sampled_from(["ordered", "reversed", "two clusters", "one outlier", "shuffled"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_a_streamed_run_is_within_its_bound_of_the_kept_paths(low, ratio, shape, seed):
    # more than one chunk, so merging is exercised; adversarial orders for fixed-bin schemes
    n = 140_000
    assume(low * ratio < 9e15)
    amounts = np.geomspace(low, low * ratio, n)
    if shape == "reversed":
        amounts = amounts[::-1]
    elif shape == "two clusters":
        amounts = np.where(np.arange(n) < n // 2, low, low * ratio)
    elif shape == "one outlier":
        amounts = np.full(n, low)
        amounts[-1] = low * ratio
    elif shape == "shuffled":
        amounts = np.random.default_rng(seed).permutation(amounts)
    grid = {"agreements[0].base.amount": amounts}
    streamed = sma.sweep(won_deal(), grid, method="zip", keep="stats", progress=False)
    exact = sma.sweep(won_deal(), grid, method="zip", keep="paths", progress=False)
    q = [0, 1, 5, 50, 95, 99, 100]
    assert_within_bound(streamed.percentiles(q), exact.percentiles(q), streamed.percentile_error)
    totals = exact.frame["total_krw"].to_numpy()
    assert_within_bound(
        streamed.summary().loc["total_krw", ["p5", "p50", "p95"]], np.percentile(totals, [5, 50, 95]), 1e-4
    )


def test_streamed_monte_carlo_percentiles_keep_their_bound():
    kwargs = {"n": 70_000, "rng": 9, "uncertainties": {"usd_krw": sma.Normal(mean=1400, sd=100)}}
    exact = sma.monte_carlo(dollar_deal(3), keep="paths", **kwargs)
    streamed = sma.monte_carlo(dollar_deal(3), keep="stats", **kwargs)
    q = [0, 5, 50, 95, 100]
    assert_within_bound(streamed.percentiles(q), exact.percentiles(q), streamed.percentile_error)


def test_streamed_statistics_stay_small_for_any_number_of_samples():
    from sma_model.sweeps.memory import estimate_memory

    needs = estimate_memory(10**8, 30, 4, "stats", 65_536)
    assert needs["rows"] == needs["paths"] == 0
    assert sum(needs.values()) < 500e6  # the README's promise for 1e8 samples
    assert estimate_memory(10**6, 30, 4, "stats", 65_536) == needs


# 5. seeds (SPEC 7) --------------------------------------------------------------------------


def mc(rng, n=2000):
    return sma.monte_carlo(
        dollar_deal(),
        n=n,
        rng=rng,
        uncertainties={"usd_krw": sma.Normal(mean=1400, sd=50)},
        keep="samples",
    )


def test_spawned_seed_sequences_give_different_reproducible_draws():
    first, second = np.random.SeedSequence(5).spawn(2)
    a, b = mc(first), mc(second)
    assert not np.allclose(a.frame["total_krw"], b.frame["total_krw"])
    pd.testing.assert_frame_equal(a.frame, mc(np.random.SeedSequence(5).spawn(1)[0]).frame)
    # the recorded seed redoes the run, spawn key included
    assert a.inputs["seed"] == {"entropy": 5, "spawn_key": [0]}
    pd.testing.assert_frame_equal(a.frame, mc(a.inputs["seed"]).frame)
    # grandchildren too
    grandchild = np.random.SeedSequence(5).spawn(1)[0].spawn(1)[0]
    assert not np.allclose(mc(grandchild).frame["total_krw"], a.frame["total_krw"])


def test_every_seed_default_rng_accepts_is_accepted():
    plain = mc(np.random.SeedSequence([1, 2, 3]))
    pd.testing.assert_frame_equal(plain.frame, mc([1, 2, 3]).frame)
    pd.testing.assert_frame_equal(plain.frame, mc(np.array([1, 2, 3])).frame)
    assert plain.inputs["seed"] == [1, 2, 3]
    pd.testing.assert_frame_equal(plain.frame, mc(plain.inputs["seed"]).frame)
    bits = mc(np.random.PCG64(3))
    pd.testing.assert_frame_equal(bits.frame, mc(bits.inputs["seed"]).frame)
    assert isinstance(mc(None).inputs["seed"], int)
    lhs = {"assumptions.usd_krw": (1100.0, 1700.0)}
    child = np.random.SeedSequence(8).spawn(2)
    one = sma.sweep(dollar_deal(), lhs, method="lhs", n=50, rng=child[0])
    two = sma.sweep(dollar_deal(), lhs, method="lhs", n=50, rng=child[1])
    assert not np.allclose(one.frame["assumptions.usd_krw"], two.frame["assumptions.usd_krw"])
    for bad in ("seed", -1, [1, -2], [1.5], True, {"entropy": 1, "spawn_key": 3}, object()):
        with pytest.raises(sma.SweepError, match="rng"):
            mc(bad)


def test_int_seeds_give_the_numbers_they_always_gave():
    # Monte Carlo figures since issue 15 (each drawn row has its own stream, so a run draws
    # only the samples it keeps; see CHANGELOG); the Latin hypercube's since issue 15 too (numpy
    # only, parameter k drawn from the seed's child k; see CHANGELOG and test_lhs.py). A new seed
    # scheme must not move published results without saying so.
    run = sma.monte_carlo(
        dollar_deal(),
        n=70_000,
        rng=42,
        uncertainties={"usd_krw": sma.Normal(mean=1400, sd=50)},
        keep="samples",
    )
    assert run.frame["total_krw"].iloc[[0, 1, 65536, 69999]].tolist() == [
        34741175281746.797,
        35923761383951.82,
        34850614302235.03,
        34411007820959.797,
    ]
    lhs = sma.sweep(
        dollar_deal(),
        {"assumptions.usd_krw": (1100, 1700), "agreements[0].base.amount": (4e9, 6e9)},
        method="lhs",
        n=5,
        rng=7,
    )
    # by hand: parameter k's strata permuted by default_rng(SeedSequence(7, spawn_key=(k,))):
    # usd_krw (1100-1700, strata of 120): permutation [1, 4, 3, 2, 0], uniforms .5914 .8688 .7293
    # .1692 .0883, so 1100 + 120 (1.5914) = 1290.96 ...; base.amount (4-6bn, strata of 0.4bn):
    # [3, 4, 0, 1, 2], .2227 .1335 .0945 .3787 .3538, so 4e9 + 0.4e9 (3.2227) = 5.289bn ...;
    # the $ amount frozen for five years: total = 5 x amount x usd_krw = 34.14tn ...
    assert lhs.frame["total_krw"].tolist() == [
        34139981464799.94,
        47609087756106.38,
        31242852610812.26,
        30956997202574.535,
        27440050930072.004,
    ]
    hand = 5 * lhs.frame["agreements[0].base.amount"] * lhs.frame["assumptions.usd_krw"]
    np.testing.assert_allclose(lhs.frame["total_krw"], hand, rtol=1e-15)
    np.testing.assert_allclose(
        lhs.frame["assumptions.usd_krw"],
        [1290.9621340915876, 1684.2590172020282, 1547.5207600251495, 1360.2993305604832, 1110.595088933425],
        rtol=1e-15,
    )


# 10. solvers ---------------------------------------------------------------------------------


def test_a_tolerance_below_float_resolution_is_refused_not_a_hang():
    scenario = sma.presets.get("status-quo")
    target = sma.Money(amount=2e12, currency="KRW")
    with within(60):
        with pytest.raises(sma.SMAModelError, match="finer than float64 can resolve"):
            sma.solve.escalation_rate(scenario, target, 2030, tolerance=1e-20)
        with pytest.raises(sma.SMAModelError, match="finer than float64 can resolve"):
            sma.solve.base(won_deal(), sma.Money(amount=2e9, currency="KRW"), 2032, tolerance=1e-9)
        # the finest tolerance allowed converges
        finest = sma.solve.resolution(-0.5, 1.0)
        rate = sma.solve.escalation_rate(scenario, target, 2030, tolerance=finest)
    assert rate == pytest.approx(sma.solve.escalation_rate(scenario, target, 2030), abs=1e-7)


@pytest.mark.parametrize(
    "call",
    [
        lambda s, m: sma.solve.escalation_rate(s, m, 2030, tolerance="fine"),
        lambda s, m: sma.solve.escalation_rate(s, m, 2030, low="a"),
        lambda s, m: sma.solve.escalation_rate(s, 2e12, 2030),
        lambda s, m: sma.solve.escalation_rate(s, m, "2030"),
        lambda s, m: sma.solve.escalation_rate("status-quo", m, 2030),
        lambda s, m: sma.solve.cap(s, m, 2030, low=None),
        lambda s, m: sma.solve.base(s, m, 2030, tolerance=float("nan")),
        lambda s, m: sma.solve.first_year_over(s, 2e12),
        lambda s, m: sma.solve.first_year_over(42, m),
        lambda s, m: sma.solve.gap_closes(s, "demand"),
    ],
)
def test_solvers_raise_only_package_errors(call):
    with within(60), pytest.raises(sma.SMAModelError):
        call(sma.presets.get("status-quo"), sma.Money(amount=2e12, currency="KRW"))


# 13, 14. sizes and memory -------------------------------------------------------------------


def test_a_grid_too_large_to_count_names_its_sizes():
    values = {
        "agreements[0].base.amount": np.linspace(4e9, 6e9, 65_536),
        "assumptions.usd_krw": np.linspace(1200, 1600, 65_536),
        "assumptions.cpi": np.linspace(0.0, 0.04, 65_536),
        "assumptions.us_cpi": np.linspace(0.0, 0.04, 65_536),
    }
    with within(60), pytest.raises(sma.SweepError, match=r"65,536 x 65,536 x 65,536 x 65,536 values"):
        sma.sweep(dollar_deal(), values, keep="stats")
    with within(60), pytest.raises(sma.SweepError, match="more samples than a run can hold"):
        sma.monte_carlo(dollar_deal(), n=2**60, uncertainties={"usd_krw": sma.Normal(mean=1400, sd=5)})
    with within(60), pytest.raises(sma.SweepError, match="more samples than a run can hold"):
        sma.sweep(dollar_deal(), {"assumptions.usd_krw": (1200, 1600)}, method="lhs", n=2**60)


def test_keeping_the_paths_of_1e8_samples_is_refused_before_it_starts():
    with within(60), pytest.raises(sma.SweepError, match=r"keep='stats'.*smaller n"):
        sma.monte_carlo(
            dollar_deal(30), n=10**8, keep="paths", uncertainties={"usd_krw": sma.Normal(mean=1400, sd=50)}
        )


def test_the_memory_limit_is_the_available_memory_or_max_memory(monkeypatch):
    from sma_model.sweeps import memory

    uncertain = {"usd_krw": sma.Normal(mean=1400, sd=50)}
    monkeypatch.setattr(memory, "available_memory", lambda: 2 * 10**9)  # 80 % of it: 1.6 GB
    with pytest.raises(sma.SweepError, match=r"paths 2\.40 GB.*1\.60 GB allowed"):
        sma.monte_carlo(dollar_deal(30), n=10**7, keep="paths", uncertainties=uncertain)
    with pytest.raises(sma.SweepError, match="max_memory"):
        sma.monte_carlo(dollar_deal(), n=100_000, keep="paths", uncertainties=uncertain, max_memory=1e6)
    with pytest.raises(sma.SweepError, match="max_memory"):
        sma.sweep(dollar_deal(), {"assumptions.usd_krw": (1200, 1600)}, method="lhs", n=10**6, max_memory=1e6)
    with pytest.raises(sma.SweepError, match="max_memory must be"):
        sma.sweep(dollar_deal(), {"assumptions.usd_krw": [1200]}, max_memory="lots")
    # streaming fits where paths do not
    monkeypatch.setattr(memory, "available_memory", lambda: 10**9)
    result = sma.monte_carlo(dollar_deal(30), n=70_000, keep="stats", uncertainties=uncertain, rng=1)
    assert result.n == 70_000


# Smaller: whole-number fields, bad columns, bad arguments ------------------------------------


def test_latin_hypercube_draws_whole_numbers_for_whole_number_fields():
    scenario = sma.presets.get("status-quo")
    result = sma.sweep(scenario, {"horizon": (2035, 2040)}, method="lhs", n=60, rng=1)
    horizons = result.frame["horizon"]
    assert (horizons == horizons.round()).all()
    assert horizons.value_counts().sort_index().to_dict() == {y: 10 for y in range(2035, 2041)}
    for _, row in result.frame.head(3).iterrows():
        direct = sma.project(scenario_with(scenario, {("horizon",): int(row["horizon"])})).frame
        assert row["total_krw"] == pytest.approx(direct["payment_krw"].sum(), rel=1e-12)
    with pytest.raises(sma.SweepError, match="whole numbers"):
        sma.sweep(scenario, {"horizon": (2035.2, 2035.8)}, method="lhs", n=5)


def test_a_heat_map_of_a_missing_column_suggests_close_ones():
    grid = {"agreements[0].escalation.rate": [0.0, 0.05], "assumptions.usd_krw": [1200.0, 1400.0]}
    result = sma.sweep(sma.Scenario.model_validate(won_deal().model_dump()), grid)
    with pytest.raises(sma.SweepError, match=r"did you mean 'agreements\[0\]\.escalation\.rate'"):
        result.plot(x="agreements[0].escalation.rat")
    with pytest.raises(sma.SweepError, match="did you mean 'total_usd'"):
        result.plot(outcome="total_usdd")
    one = sma.sweep(won_deal(), {"assumptions.usd_krw": [1200.0], "agreements[0].escalation.rate": [0, 0.1]})
    with pytest.raises(sma.SweepError, match="one value"):
        one.plot()


@settings(max_examples=60, deadline=None)
@given(
    q=st.one_of(
        st.none(),
        st.text(max_size=3),
        st.floats(allow_nan=True),
        st.lists(
            st.one_of(st.floats(allow_nan=True), st.integers(-1000, 1000), st.text(max_size=2)), max_size=3
        ),
    ),
    threshold=st.one_of(
        st.none(), st.floats(allow_nan=True), st.text(max_size=3), st.integers(-(2**70), 2**70)
    ),
    by_year=st.one_of(st.none(), st.integers(1900, 2200), st.floats(), st.text(max_size=3)),
)
def test_result_methods_raise_only_package_errors(q, threshold, by_year, streamed_and_kept):
    for result in streamed_and_kept:
        for method, args in (
            ("percentiles", (q,)),
            ("probability_over", (threshold, by_year)),
            ("plot", (q, threshold)),
        ):
            try:
                getattr(result, method)(*args)
            except sma.SMAModelError:
                pass
            finally:
                plt.close("all")


@pytest.fixture(scope="module")
def streamed_and_kept():
    grid = {"agreements[0].escalation.rate": [0.0, 0.05], "assumptions.usd_krw": [1200.0, 1400.0]}
    return [
        sma.sweep(won_deal(), grid, keep=keep, threshold=1.05e9) for keep in ("samples", "paths", "stats")
    ]


@settings(max_examples=80, deadline=None)
@given(
    keep=st.one_of(st.sampled_from(["samples", "paths", "stats"]), st.text(max_size=4), st.none()),
    currency=st.one_of(st.sampled_from(["KRW", "USD"]), st.text(max_size=4), st.integers()),
    threshold=st.one_of(
        st.none(), st.floats(allow_nan=True), st.text(max_size=2), st.integers(-(2**70), 2**70)
    ),
    chunk_size=st.one_of(st.none(), st.integers(-5, 2**20), st.floats(), st.text(max_size=2)),
    n=st.one_of(st.none(), st.integers(-5, 50), st.floats(), st.text(max_size=2)),
    rng=st.one_of(
        st.none(), st.integers(-5, 2**70), st.floats(), st.text(max_size=2), st.lists(st.integers(-2, 5))
    ),
    method=st.one_of(st.sampled_from(["grid", "lhs", "zip"]), st.text(max_size=3)),
    values=st.one_of(
        st.lists(st.floats(1000.0, 1800.0), min_size=1, max_size=3),
        st.lists(st.one_of(st.floats(allow_nan=True), st.text(max_size=2), st.none()), max_size=3),
        st.floats(allow_nan=True),
    ),
)
def test_sweep_arguments_raise_only_package_errors(
    keep, currency, threshold, chunk_size, n, rng, method, values
):
    with contextlib.suppress(sma.SMAModelError, ValidationError):
        sma.sweep(
            dollar_deal(2),
            {"assumptions.usd_krw": values},
            method=method,
            n=n,
            rng=rng,
            keep=keep,
            currency=currency,
            threshold=threshold,
            chunk_size=chunk_size,
            progress=False,
        )


@settings(max_examples=60, deadline=None)
@given(
    n=st.one_of(st.integers(-5, 50), st.floats(), st.text(max_size=2), st.none()),
    rng=st.one_of(
        st.none(), st.integers(-5, 2**70), st.floats(), st.text(max_size=2), st.lists(st.integers(-2, 5))
    ),
    keep=st.one_of(st.sampled_from(["samples", "paths", "stats"]), st.text(max_size=4)),
    sd=st.one_of(st.floats(allow_nan=True), st.text(max_size=2)),
    correlation=st.one_of(
        st.none(), st.floats(), st.dictionaries(st.text(max_size=3), st.floats(), max_size=2)
    ),
)
def test_monte_carlo_arguments_raise_only_package_errors(n, rng, keep, sd, correlation):
    with contextlib.suppress(sma.SMAModelError, ValidationError):
        sma.monte_carlo(
            dollar_deal(2),
            n=n,
            rng=rng,
            keep=keep,
            uncertainties={"usd_krw": {"kind": "normal", "mean": 1400.0, "sd": sd}},
            correlation=correlation,
            progress=False,
        )


# Every sample equals a projection of its own scenario --------------------------------------

SWEPT = {
    "agreements[0].base.rate": (0.0, 0.1),
    "agreements[0].escalation[2027].cap": (0.03, 0.08),
    "agreements[0].escalation[2027].floor": (-0.02, 0.02),
    "agreements[0].escalation[2029].spread": (0.0, 0.02),
    "agreements[1].base.amount": (1e9, 5e9),
    "agreements[1].escalation.rate": (0.0, 0.07),
    "after_expiry.cap": (0.02, 0.05),
    "assumptions.cpi": (0.0, 0.045),
    "assumptions.defense_budget_growth": (0.03, 0.06),
    "assumptions.usd_krw": (1000.0, 1700.0),
    "assumptions.us_cpi": (0.01, 0.03),
    "horizon": (2034, 2038),
    "agreements[0].escalation[2027].lag": (0, 2),
}


def assert_sample_is_its_projection(scenario, row, path, values=None, series=None):
    """The sample's totals, final payments and yearly path equal those of project(its scenario)."""
    changed = scenario_with(scenario, values or {})
    if series is not None:
        changed = changed.model_copy(update={"assumptions": changed.assumptions.model_copy(update=series)})
    frame = sma.project(changed).frame
    for column, want in (
        ("total_krw", frame["payment_krw"].sum()),
        ("total_usd", frame["payment_usd"].sum()),
        ("final_payment_krw", frame["payment_krw"].iloc[-1]),
        ("final_payment_usd", frame["payment_usd"].iloc[-1]),
    ):
        assert row[column] == pytest.approx(want, rel=1e-12), column
    np.testing.assert_allclose(path.dropna().to_numpy(), frame["payment_krw"].to_numpy(), rtol=1e-12)
    np.testing.assert_array_equal(path.dropna().index.to_numpy(), frame["year"].to_numpy())


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    chosen=st.lists(st.sampled_from(sorted(SWEPT)), min_size=1, max_size=5, unique=True),
    n=st.integers(1, 4),
    data=st.data(),
)
def test_every_sweep_sample_equals_its_projection(chosen, n, data):
    scenario = rich_scenario()
    table = {}
    for path in chosen:
        low, high = SWEPT[path]
        if path in ("horizon", "agreements[0].escalation[2027].lag"):
            draw = st.integers(int(low), int(high)).map(float)
        else:
            draw = st.floats(low, high, allow_nan=False)
        table[path] = data.draw(st.lists(draw, min_size=n, max_size=n), label=path)
    if "agreements[0].escalation[2027].cap" in table and "agreements[0].escalation[2027].floor" in table:
        assume(
            min(table["agreements[0].escalation[2027].cap"])
            >= max(table["agreements[0].escalation[2027].floor"])
        )
    result = sma.sweep(scenario, table, method="zip", keep="paths")
    wide = result.paths(long=False)
    for sample, row in result.frame.iterrows():
        values = {parse_path(p): row[p] for p in table}
        assert_sample_is_its_projection(scenario, row, wide.loc[sample], values)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_every_monte_carlo_path_equals_its_projection(seed):
    scenario = rich_scenario()
    result = sma.monte_carlo(
        scenario,
        n=4,
        rng=seed,
        uncertainties={
            "cpi": sma.Normal(mean=0.02, sd=0.01),
            "defense_budget_growth": sma.AR1(mean=0.04, phi=0.5, sd=0.01),
            "usd_krw": sma.LogRandomWalk(sd=0.01),
        },
        correlation={("cpi", "defense_budget_growth"): 0.5},
        keep="paths",
        keep_draws=True,
    )
    wide = result.paths(long=False)
    for sample, row in result.frame.iterrows():
        # the drawn years as explicit series; the record keeps the years it knows
        series = {name: draws.loc[sample].to_dict() for name, draws in result.draws.items()}
        assert_sample_is_its_projection(scenario, row, wide.loc[sample], series=series)
