"""Sweeps, Monte Carlo and sensitivity: every sample equals the projection of its scenario."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import BN, krw
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import sma_model as sma
from sma_model.model.parameters import parse_path, scenario_with


def usd(amount_bn: float) -> sma.Money:
    return sma.Money(amount=amount_bn * BN, currency="USD")


def rich_scenario() -> sma.Scenario:
    """A won deal indexed to CPI with lag, cap and floor, then a dollar deal, then a rule of its own."""
    first = sma.Agreement(
        name="won deal",
        start_year=2026,
        term_years=4,
        base=sma.Rise(rate=0.083),
        escalation={
            2027: sma.Indexed(index="cpi", lag=2, cap=0.05, floor=0.0),
            2029: sma.Indexed(index="defense_budget", lag=1, spread=0.005),
        },
    )
    second = sma.Agreement(
        name="dollar deal", start_year=2031, term_years=3, base=usd(2.0), escalation=sma.Fixed(rate=0.03)
    )
    return sma.Scenario(
        name="rich",
        agreements=[first, second],
        after_expiry=sma.Indexed(index="cpi", lag=1, cap=0.04),
        horizon=2038,
        assumptions=sma.Assumptions(cpi=0.02, defense_budget_growth=0.04, usd_krw=1400.0, us_cpi=0.02),
    )


GRID = {
    "agreements[0].base.rate": [0.0, 0.083],
    "agreements[0].escalation[2027].cap": [0.01, 0.05],
    "agreements[0].escalation[2027].floor": [-0.01, 0.005],
    "agreements[0].escalation[2029].spread": [0.0, 0.02],
    "agreements[1].base.amount": [1e9, 5e9],
    "agreements[1].escalation.rate": [0.0, 0.07],
    "after_expiry.cap": [0.02, 0.05],
    "assumptions.cpi": [0.01, 0.045],
    "assumptions.defense_budget_growth": [0.03, 0.06],
    "assumptions.usd_krw": [1200.0, 1600.0],
    "assumptions.us_cpi": [0.01, 0.03],
    "assumptions.troops": [20_000.0, 28_500.0],
    "horizon": [2034, 2038],
    "agreements[0].escalation[2027].lag": [1, 2],
}


def projections_one_by_one(scenario, frame, paths):
    rows = []
    for _, row in frame.iterrows():
        values = {parse_path(p): row[p] for p in paths}
        proj = sma.project(scenario_with(scenario, values)).frame
        rows.append(
            {
                "total_krw": proj["payment_krw"].sum(),
                "total_usd": proj["payment_usd"].sum(),
                "final_payment_krw": proj["payment_krw"].iloc[-1],
                "final_payment_usd": proj["payment_usd"].iloc[-1],
                "paths": proj["payment_krw"].to_numpy(),
            }
        )
    return rows


def test_a_grid_equals_the_same_projections_one_by_one():
    scenario = rich_scenario()
    rng = np.random.default_rng(0)
    result = sma.sweep(scenario, GRID, keep="paths")
    assert len(result.frame) == 2 ** len(GRID)
    picked = rng.choice(len(result.frame), size=40, replace=False)
    frame = result.frame.iloc[picked]
    expected = projections_one_by_one(scenario, frame, list(GRID))
    wide = result.paths(long=False)
    # 40 of the 16,384 samples, one by one, touch every hook and both structures
    for (sample, row), want in zip(frame.iterrows(), expected):
        for column in ("total_krw", "total_usd", "final_payment_krw", "final_payment_usd"):
            assert row[column] == pytest.approx(want[column], rel=1e-12), column
        got = wide.loc[sample].dropna().to_numpy()
        np.testing.assert_allclose(got, want["paths"], rtol=1e-12)


def test_a_small_grid_by_hand():
    # ₩1,000bn frozen in 2020, then +x a year: totals are 1000 * (1 + (1+x) + (1+x)^2)
    scenario = sma.Scenario(
        name="hand",
        agreements=[
            sma.Agreement(
                name="d", start_year=2030, term_years=3, base=krw(1000.0), escalation=sma.Fixed(rate=0.0)
            )
        ],
        assumptions=sma.Assumptions(use_record=False, usd_krw=1000.0),
    )
    result = sma.sweep(scenario, {"agreements[0].escalation.rate": [0.0, 0.1]}, threshold=1150 * BN)
    assert result.frame["total_krw"].to_numpy() / BN == pytest.approx([3000.0, 1000 + 1100 + 1210])
    assert result.frame["total_usd"].to_numpy() / BN == pytest.approx([3.0, 3.31])
    assert result.frame["first_year_over_threshold"].tolist() == [pd.NA, 2032]
    assert result.probability_over(by_year=2032) == 0.5
    assert result.inputs["parameters"] == {"agreements[0].escalation.rate": [0.0, 0.1]}
    assert result.inputs["sma_model_version"] == sma.__version__


def test_a_constant_fills_only_the_years_the_record_does_not_cover():
    scenario = sma.presets.get("status-quo")  # cpi 2026 uses the 2024 record, later years the constant
    result = sma.sweep(scenario, {"assumptions.cpi": [0.0, 0.02]})
    for value, total in zip([0.0, 0.02], result.frame["total_krw"]):
        direct = sma.project(scenario_with(scenario, {("assumptions", "cpi"): value})).frame
        assert total == pytest.approx(direct["payment_krw"].sum(), rel=1e-13)


def test_an_explicit_series_year_can_be_swept():
    base = sma.presets.get("status-quo")
    scenario = scenario_with(base, {("assumptions", "cpi"): None})
    scenario = sma.Scenario.model_validate(
        scenario.model_dump()
        | {"assumptions": {"cpi": {y: 0.02 for y in range(2026, 2036)}, "usd_krw": 1400.0}}
    )
    result = sma.sweep(scenario, {"assumptions.cpi[2030]": [0.01, 0.06]})
    frames = [
        sma.project(scenario_with(scenario, {("assumptions", "cpi", 2030): v})).frame for v in (0.01, 0.06)
    ]
    assert result.frame["total_krw"].tolist() == pytest.approx([f["payment_krw"].sum() for f in frames])


@settings(max_examples=15, deadline=None)
@given(
    cap=st.floats(0.0, 0.1),
    cpi=st.floats(-0.02, 0.08),
    fx=st.floats(800.0, 2000.0),
)
def test_any_sample_equals_its_projection(cap, cpi, fx):
    scenario = rich_scenario()
    paths = {
        "agreements[0].escalation[2027].cap": [cap],
        "assumptions.cpi": [cpi],
        "assumptions.usd_krw": [fx],
    }
    result = sma.sweep(scenario, paths, method="zip")
    direct = projections_one_by_one(scenario, result.frame, list(paths))[0]
    assert result.frame["total_krw"].iloc[0] == pytest.approx(direct["total_krw"], rel=1e-12)
    assert result.frame["total_usd"].iloc[0] == pytest.approx(direct["total_usd"], rel=1e-12)


def test_latin_hypercube_is_seeded_and_stays_in_range():
    scenario = rich_scenario()
    ranges = {"agreements[0].escalation[2027].cap": (0.02, 0.06), "assumptions.usd_krw": (1100, 1700)}
    a = sma.sweep(scenario, ranges, method="lhs", n=200, rng=7)
    b = sma.sweep(scenario, ranges, method="lhs", n=200, rng=7)
    c = sma.sweep(scenario, ranges, method="lhs", n=200, rng=8)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert not a.frame["total_usd"].equals(c.frame["total_usd"])
    assert a.inputs["seed"] == 7
    fx = a.frame["assumptions.usd_krw"]
    assert fx.between(1100, 1700).all()
    # one sample per stratum: each tenth of the range holds a tenth of the samples
    counts = np.histogram(fx, bins=10, range=(1100, 1700))[0]
    assert counts.tolist() == [20] * 10


def test_a_bad_path_suggests_close_matches():
    with pytest.raises(
        sma.ParameterPathError, match=r"did you mean 'agreements\[1\]\.escalation\.rate'"
    ) as info:
        sma.sweep(rich_scenario(), {"agreements[1].escalaton.rate": [0.1]})
    assert isinstance(info.value, sma.SMAModelError)
    with pytest.raises(sma.ParameterPathError, match="not a number"):
        sma.sweep(rich_scenario(), {"agreements[0].name": [1.0]})


def test_ranges_are_validated_through_the_models_at_their_ends():
    with pytest.raises(ValidationError, match="cap"):
        sma.sweep(rich_scenario(), {"agreements[0].escalation[2027].cap": [0.03, -0.05]})
    with pytest.raises(ValidationError, match="amount"):
        sma.sweep(rich_scenario(), {"agreements[1].base.amount": [-1.0, 2e9]})
    with pytest.raises(ValidationError):
        sma.sweep(rich_scenario(), {"assumptions.usd_krw": [np.nan, 1400.0]})


def test_caps_crossing_floors_inside_the_ranges_are_refused():
    paths = {
        "agreements[0].escalation[2027].cap": [0.01, 0.05],
        "agreements[0].escalation[2027].floor": [0.0, 0.03],
    }
    with pytest.raises(sma.SweepError, match="cap below its floor"):
        sma.sweep(rich_scenario(), paths)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"parameters": {}}, "at least one"),
        ({"parameters": {"horizon": []}}, "non-empty"),
        ({"parameters": {"horizon": ["x"]}}, "number"),
        ({"parameters": {"horizon": [2040]}, "method": "lhs"}, "positive whole number"),
        ({"parameters": {"horizon": [2040]}, "method": "lhs", "n": 5, "rng": "seed"}, "rng must be"),
        ({"parameters": {"horizon": [2040]}, "method": "sobolx"}, "method must be"),
        ({"parameters": {"horizon": [2040]}, "keep": "all"}, "keep must be"),
    ],
)
def test_clear_errors_for_bad_arguments(kwargs, message):
    with pytest.raises(sma.SweepError, match=message):
        sma.sweep(rich_scenario(), **kwargs)


# Monte Carlo ----------------------------------------------------------------------------


def dollar_deal(years: int = 5) -> sma.Scenario:
    deal = sma.Agreement(
        name="$5bn", start_year=2030, term_years=years, base=usd(5.0), escalation=sma.Frozen()
    )
    return sma.Scenario(
        name="5bn", agreements=[deal], assumptions=sma.Assumptions(use_record=False, usd_krw=1400.0)
    )


def test_normal_exchange_rate_gives_normal_won_percentiles():
    result = sma.monte_carlo(
        dollar_deal(), n=50_000, rng=1, uncertainties={"usd_krw": sma.Normal(mean=1400, sd=100)}
    )
    table = result.percentiles([5, 50, 95])
    z = 1.6448536269514722
    sd_of_percentile = 5e9 * 100 * 2.1 / np.sqrt(50_000)  # sampling error of a tail percentile
    for year in table.index:
        assert table.loc[year, "p50"] == pytest.approx(5e9 * 1400, abs=4 * sd_of_percentile)
        assert table.loc[year, "p95"] == pytest.approx(5e9 * (1400 + z * 100), abs=4 * sd_of_percentile)
        assert table.loc[year, "p5"] == pytest.approx(5e9 * (1400 - z * 100), abs=4 * sd_of_percentile)
    # P(payment > ₩7.5tn, i.e. fx > 1500) in one year is 1 - Φ(1) = 0.1587; in five iid years 1 - 0.8413^5
    assert result.probability_over(7.5e12, by_year=2030) == pytest.approx(0.1587, abs=0.01)
    assert result.probability_over(7.5e12, by_year=2034) == pytest.approx(1 - 0.8413**5, abs=0.01)


def test_a_seeded_run_repeats_exactly_and_seeds_differ():
    kwargs = {
        "n": 3000,
        "uncertainties": {"usd_krw": sma.LogRandomWalk(sd=0.05, start=1400.0)},
        "keep": "samples",
    }
    a = sma.monte_carlo(dollar_deal(), rng=42, **kwargs)
    b = sma.monte_carlo(dollar_deal(), rng=42, **kwargs)
    c = sma.monte_carlo(dollar_deal(), rng=43, **kwargs)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert not np.allclose(a.frame["total_krw"], c.frame["total_krw"])
    assert a.inputs["seed"] == 42
    # a Generator is fine too (SPEC 7), and the seed drawn from it is recorded
    d = sma.monte_carlo(dollar_deal(), rng=np.random.default_rng(5), **kwargs)
    e = sma.monte_carlo(dollar_deal(), rng=d.inputs["seed"], **kwargs)
    pd.testing.assert_frame_equal(d.frame, e.frame)


def test_results_do_not_depend_on_the_chunk_size():
    kwargs = {
        "n": 140_000,
        "rng": 3,
        "uncertainties": {"usd_krw": sma.Normal(mean=1400, sd=50)},
        "keep": "samples",
    }
    small = sma.monte_carlo(dollar_deal(2), chunk_size=65_536, **kwargs)
    large = sma.monte_carlo(dollar_deal(2), chunk_size=200_000, **kwargs)
    pd.testing.assert_frame_equal(small.frame, large.frame)


def test_correlated_draws_have_the_asked_correlation():
    n = 20_000
    result = sma.monte_carlo(
        rich_scenario(),
        n=n,
        rng=11,
        uncertainties={
            "cpi": sma.Normal(mean=0.02, sd=0.01),
            "defense_budget_growth": sma.AR1(mean=0.04, phi=0.5, sd=0.02),
        },
        correlation={("cpi", "defense_budget_growth"): 0.6},
        keep="samples",
        keep_draws=True,
    )
    cpi, growth = result.draws["cpi"], result.draws["defense_budget_growth"]
    assert 2030 in cpi.columns and 2024 not in cpi.columns  # the record's years are not drawn
    # same-year shocks correlate at 0.6; AR(1) values correlate at 0.6 * sqrt(1 - phi^2) in steady state
    year = 2036
    shock = growth[year] - 0.04 - 0.5 * (growth[year - 1] - 0.04)
    assert np.corrcoef(cpi[year], shock)[0, 1] == pytest.approx(0.6, abs=4 / np.sqrt(n))
    assert np.corrcoef(cpi[year], growth[year])[0, 1] == pytest.approx(
        0.6 * np.sqrt(0.75), abs=4 / np.sqrt(n)
    )


def test_monte_carlo_equals_projections_of_its_draws():
    scenario = rich_scenario()
    result = sma.monte_carlo(
        scenario,
        n=5,
        rng=2,
        uncertainties={"cpi": sma.Bootstrap(), "usd_krw": sma.LogRandomWalk(sd=0.05)},
        keep="samples",
        keep_draws=True,
    )
    for sample in range(5):
        series = {name: result.draws[name].loc[sample].to_dict() for name in ("cpi", "usd_krw")}
        assumptions = scenario.assumptions.model_copy(update=series)
        direct = sma.project(scenario.model_copy(update={"assumptions": assumptions})).frame
        assert result.frame["total_krw"].iloc[sample] == pytest.approx(direct["payment_krw"].sum(), rel=1e-12)
        assert result.frame["total_usd"].iloc[sample] == pytest.approx(direct["payment_usd"].sum(), rel=1e-12)


def test_streamed_statistics_match_the_kept_paths():
    kwargs = {
        "n": 70_000,
        "rng": 9,
        "uncertainties": {"usd_krw": sma.Normal(mean=1400, sd=100)},
        "threshold": 7.5e12,
    }
    exact = sma.monte_carlo(dollar_deal(3), keep="paths", **kwargs)
    streamed = sma.monte_carlo(dollar_deal(3), keep="stats", **kwargs)
    np.testing.assert_allclose(streamed.percentiles([5, 50, 95]), exact.percentiles([5, 50, 95]), rtol=2e-3)
    assert streamed.probability_over(by_year=2032) == pytest.approx(exact.probability_over(by_year=2032))
    with pytest.raises(sma.SweepError, match="keep='stats'"):
        streamed.frame  # noqa: B018


def test_the_dask_backend_equals_the_local_run():
    dask = pytest.importorskip("dask")
    kwargs = {
        "n": 140_000,
        "rng": 4,
        "uncertainties": {"cpi": sma.Normal(mean=0.02, sd=0.01)},
        "keep": "paths",
    }
    local = sma.monte_carlo(rich_scenario(), **kwargs)
    with dask.config.set(scheduler="threads"):
        remote = sma.monte_carlo(rich_scenario(), backend="dask", **kwargs)
    pd.testing.assert_frame_equal(local.frame, remote.frame)
    np.testing.assert_array_equal(local.paths(long=False).to_numpy(), remote.paths(long=False).to_numpy())


def test_monte_carlo_errors():
    with pytest.raises(sma.SweepError, match="at least one"):
        sma.monte_carlo(dollar_deal(), n=10)
    with pytest.raises(sma.ParameterPathError, match=r"did you mean 'assumptions\.usd_krw'"):
        sma.monte_carlo(dollar_deal(), n=10, uncertainties={"usd_kwr": sma.Normal(mean=1, sd=1)})
    with pytest.raises(sma.SweepError, match=r"from -1 to 1"):
        sma.monte_carlo(
            rich_scenario(),
            n=10,
            uncertainties={
                "cpi": sma.Normal(mean=0, sd=1),
                "defense_budget_growth": sma.Normal(mean=0, sd=1),
            },
            correlation={("cpi", "defense_budget_growth"): 1.5},
        )
    with pytest.raises(ValidationError):
        sma.Normal(mean=0.02, sd=-1)


# Sensitivity ----------------------------------------------------------------------------


def test_one_at_a_time_gives_tornado_data():
    scenario = dollar_deal(2)
    ranges = {"assumptions.usd_krw": (1200.0, 1600.0), "agreements[0].base.amount": (4e9, 6e9)}
    result = sma.one_at_a_time(scenario, ranges)
    assert isinstance(result, sma.OneAtATime) and not isinstance(result, pd.DataFrame)
    assert result.outcome == "total_krw"
    assert result.parameters == ["agreements[0].base.amount", "assumptions.usd_krw"]
    table = result.frame
    assert table["parameter"].tolist() == ["agreements[0].base.amount", "assumptions.usd_krw"]
    row = table.set_index("parameter").loc["assumptions.usd_krw"]
    assert row["outcome_low"] == pytest.approx(2 * 5e9 * 1200)
    assert row["outcome_high"] == pytest.approx(2 * 5e9 * 1600)
    assert row["outcome_base"] == pytest.approx(2 * 5e9 * 1400)
    assert table["swing"].iloc[0] == pytest.approx(2 * 2e9 * 1400)


def test_sobol_indices_split_an_additive_outcome():
    pytest.importorskip("SALib")
    scenario = dollar_deal(1)  # won payment = amount * fx: both matter, nothing else does
    bounds = {"assumptions.usd_krw": (1300.0, 1500.0), "agreements[0].base.amount": (4.9e9, 5.1e9)}
    result = sma.sobol(scenario, bounds, n=256, rng=1, outcomes=["total_krw", "total_usd"], per_year=True)
    assert isinstance(result, sma.SobolIndices) and not isinstance(result, pd.DataFrame)
    assert result.outcomes == ["total_krw", "total_usd", "payment_krw"]
    table = result.frame
    krw = table[(table["outcome"] == "total_krw")].set_index("parameter")
    assert krw["ST"].sum() == pytest.approx(1.0, abs=0.1)
    usd_rows = table[(table["outcome"] == "total_usd")].set_index("parameter")
    assert usd_rows.loc["assumptions.usd_krw", "ST"] == pytest.approx(0.0, abs=0.02)
    assert set(table["year"].dropna()) == {2030}


def test_the_dask_backend_on_a_local_cluster_equals_the_local_run():
    distributed = pytest.importorskip("distributed")
    kwargs = {
        "n": 140_000,
        "rng": 5,
        "uncertainties": {"usd_krw": sma.LogRandomWalk(sd=0.05)},
        "keep": "paths",
        "currency": "USD",
    }
    local = sma.monte_carlo(rich_scenario(), **kwargs)
    # two worker processes: the chunks travel pickled, as they would to other machines
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        remote = sma.monte_carlo(rich_scenario(), backend="dask", **kwargs)
    pd.testing.assert_frame_equal(local.frame, remote.frame)
    np.testing.assert_array_equal(local.paths(long=False).to_numpy(), remote.paths(long=False).to_numpy())
