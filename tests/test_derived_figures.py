"""Derived figures (totals, differences, NPVs, growth, ratios, printed digits) against the frames.

Every summary figure is recomputed here from the projection frame by plain pandas, from
the definitions in docs/how-the-numbers-are-made.md, over hypothesis-generated batches
(the scenario generator of the reference-projector test) and options. Also: a batch
gives each member the figures it gets alone; nominal outputs do not move with
``price_base_year``; a comparison from scenarios equals one from their projection; a real
NPV is the nominal NPV in base-year prices; unknown is never zero; printed digits are true.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import BN, one_agreement
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_reference import FIRST, scenarios

import sma_model as sma
from sma_model.formatting import format_amounts, format_table

RTOL = 1e-9
SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)

batches = st.integers(1, 4).flatmap(lambda n: st.tuples(*(scenarios(f"s{i}") for i in range(n))))
currencies = st.sampled_from(["KRW", "usd", "USD", "krw"])
discount_rates = st.sampled_from([0.0, 0.03, 0.1, -0.02]) | st.floats(-0.4, 0.9)
base_years = st.integers(FIRST - 10, FIRST)  # before or in the first year: valid for every batch


def per_scenario(frame: pd.DataFrame, column: str) -> dict[str, np.ndarray]:
    return {
        name: rows[column].to_numpy(dtype=float, na_value=np.nan)
        for name, rows in frame.groupby("scenario", sort=False)
    }


def growth(values: np.ndarray) -> float:
    if len(values) < 2:
        return np.nan
    return (values[-1] / values[0]) ** (1 / (len(values) - 1)) - 1


def assert_same(actual, expected, what: str) -> None:
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=0, equal_nan=True, err_msg=what)


# --- every summary figure equals the same figure computed from the frame ---------------


@SETTINGS
@given(batches, currencies)
def test_projection_summary_is_the_frame_summed_by_hand(batch, currency):
    projection = sma.project(list(batch), price_base_year=FIRST)
    frame, summary = projection.frame, projection.summary(growth_currency=currency)
    for code in ("krw", "usd"):
        paid = per_scenario(frame, f"payment_{code}")
        assert_same(summary[f"total_{code}"], [v.sum() for v in paid.values()], f"total_{code}")
        assert_same(summary[f"final_payment_{code}"], [v[-1] for v in paid.values()], f"final_{code}")
    paid = per_scenario(frame, f"payment_{currency.lower()}")
    assert_same(summary["average_growth"], [growth(v) for v in paid.values()], "average_growth")
    years = per_scenario(frame, "year")
    assert summary["first_year"].tolist() == [int(y[0]) for y in years.values()]
    assert summary["last_year"].tolist() == [int(y[-1]) for y in years.values()]


def npv_by_hand(frame: pd.DataFrame, column: str, rate: float) -> dict[str, float]:
    """sum_t x_t / (1 + rate) ** (t - t0), t0 the first compared year."""
    t0 = frame["year"].min()
    out = {}
    for name, rows in frame.groupby("scenario", sort=False):
        x = rows[column].to_numpy(dtype=float, na_value=np.nan)
        out[name] = float(np.sum(x / (1 + rate) ** (rows["year"].to_numpy() - t0)))
    return out


def real_npv_by_hand(frame: pd.DataFrame, code: str, rate: float, baseline: str) -> dict[str, float]:
    """Nominal NPV of each scenario's payments in base-year prices (divided by its price level in t0)."""
    nominal = npv_by_hand(frame, f"payment_{code}", rate)
    first = frame.loc[frame["year"] == frame["year"].min()].set_index("scenario")
    price = first[f"payment_{code}"].astype(float) / first[f"payment_{code}_real"].astype(float)
    real = {name: nominal[name] / price[name] for name in nominal}
    return {name: real[name] - real[baseline] for name in real}


@SETTINGS
@given(batches, st.booleans(), currencies, discount_rates, base_years, st.data())
def test_comparison_summary_is_the_frame_summed_by_hand(batch, real, currency, rate, base_year, data):
    baseline = data.draw(st.sampled_from([s.name for s in batch]))
    try:
        comparison = sma.compare(
            list(batch), baseline=baseline, discount_rate=rate, price_base_year=base_year
        )
    except sma.ScenarioError as exc:
        assert "share no year" in str(exc)
        return
    frame, summary = comparison.frame, comparison.summary(real=real, currency=currency)
    # the compared years are those every scenario covers
    spans = [(int(s.start_year), int(s.end_year)) for s in batch]
    assert sorted(frame["year"].unique()) == list(
        range(max(a for a, _ in spans), min(b for _, b in spans) + 1)
    )
    suffix = "_real" if real else ""
    for code in ("krw", "usd"):
        paid = per_scenario(frame, f"payment_{code}{suffix}")
        totals = {name: v.sum() for name, v in paid.items()}
        assert_same(summary[f"total_{code}{suffix}"], list(totals.values()), "total")
        assert_same(
            summary[f"difference_{code}{suffix}"],
            [t - totals[baseline] for t in totals.values()],
            "difference",
        )
        # the difference of totals is the sum of the yearly differences
        by_year = per_scenario(frame, f"difference_{code}{suffix}")
        np.testing.assert_allclose(
            summary[f"difference_{code}{suffix}"],
            [v.sum() for v in by_year.values()],
            rtol=1e-9,
            atol=1e-6 * max(abs(t) for t in totals.values()),
        )
        assert_same(summary[f"final_payment_{code}{suffix}"], [v[-1] for v in paid.values()], "final")
        if real:
            expected = real_npv_by_hand(frame, code, rate, baseline)
        else:
            expected = npv_by_hand(frame, f"difference_{code}", rate)
        np.testing.assert_allclose(
            summary[f"npv_difference_{code}{suffix}"],
            list(expected.values()),
            rtol=1e-9,
            atol=1e-6 * max(abs(t) for t in totals.values()),
        )
    paid = per_scenario(frame, f"payment_{currency.lower()}{suffix}")
    totals = [v.sum() for v in paid.values()]
    assert_same(summary["ratio_to_baseline"], [t / paid[baseline].sum() for t in totals], "ratio")
    assert_same(summary["average_growth"], [growth(v) for v in paid.values()], "average_growth")


# --- a batch gives each member the figures it gets alone -------------------------------


@SETTINGS
@given(batches, currencies)
def test_a_batch_gives_each_member_its_own_summary(batch, currency):
    together = sma.project(list(batch), price_base_year=FIRST).summary(growth_currency=currency)
    for scenario in batch:
        alone = sma.project(scenario, price_base_year=FIRST).summary(growth_currency=currency)
        pd.testing.assert_frame_equal(together.loc[[scenario.name]], alone, check_exact=False, rtol=1e-12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(scenarios("base"), scenarios("a"), scenarios("b"), st.booleans(), discount_rates)
def test_a_comparison_gives_each_member_what_it_gets_alone_with_the_baseline(base, a, b, real, rate):
    # over the same years (a member alone with the baseline, or in a batch, is compared
    # over the years they all cover: give them the same span)
    span = {"horizon": max(s.end_year for s in (base, a, b))}
    start = max(s.start_year for s in (base, a, b))
    batch = [_starting(s, start).model_copy(update=span) for s in (base, a, b)]
    batch = [sma.Scenario.model_validate(s.model_dump()) for s in batch]
    together = sma.compare(batch, discount_rate=rate, price_base_year=FIRST).summary(real=real)
    for member in batch[1:]:
        alone = sma.compare([batch[0], member], discount_rate=rate, price_base_year=FIRST).summary(real=real)
        pd.testing.assert_frame_equal(together.loc[[member.name]], alone.loc[[member.name]], rtol=1e-9)


def _starting(scenario: sma.Scenario, start: int) -> sma.Scenario:
    """The scenario with its first agreement moved to start in ``start`` (same terms otherwise)."""
    shift = start - scenario.start_year
    if shift == 0:
        return scenario
    data = scenario.model_dump()
    for agreement in data["agreements"]:
        agreement["start_year"] += shift
        if isinstance(agreement["escalation"], dict) and "kind" not in agreement["escalation"]:
            agreement["escalation"] = {y + shift: r for y, r in agreement["escalation"].items()}
    for rule in [a["escalation"] for a in data["agreements"]] + [data["after_expiry"]]:
        for r in rule.values() if "kind" not in rule else [rule]:
            if r.get("kind") == "phase_in":
                r["by_year"] += shift
    data["horizon"] = (data["horizon"] or scenario.end_year) + shift
    return sma.Scenario.model_validate(data)


# --- nominal figures do not change with price_base_year --------------------------------

NOMINAL = [
    "year",
    "currency",
    "payment",
    "growth_rate",
    "payment_krw",
    "payment_usd",
    "cumulative_krw",
    "cumulative_usd",
]


@SETTINGS
@given(batches, base_years, base_years, discount_rates)
def test_nominal_projection_and_comparison_do_not_change_with_the_price_base_year(batch, y1, y2, rate):
    one, two = (sma.project(list(batch), price_base_year=y) for y in (y1, y2))
    pd.testing.assert_frame_equal(one.frame[NOMINAL], two.frame[NOMINAL])
    shares = [c for c in one.frame if c.startswith(("share_", "usd_per"))]
    assert shares == [c for c in two.frame if c.startswith(("share_", "usd_per"))]
    pd.testing.assert_frame_equal(one.summary(), two.summary())
    try:
        first = sma.compare(one, discount_rate=rate).summary()
    except sma.ScenarioError:
        return
    pd.testing.assert_frame_equal(first, sma.compare(two, discount_rate=rate).summary())


def test_nominal_preset_figures_do_not_change_with_the_price_base_year():
    # the record's years: shares and the macro years read must not depend on the price year
    batch = [sma.presets.get(n) for n in sma.presets.names()]
    frames = [sma.project(batch, price_base_year=y).frame for y in (2010, 2025, 2030)]
    columns = [c for c in frames[1] if not c.endswith("_real")]
    for frame in frames:
        assert [c for c in frame if not c.endswith("_real")] == columns
        pd.testing.assert_frame_equal(frame[columns], frames[1][columns])


@settings(max_examples=8, deadline=None, derandomize=True)
@given(st.sampled_from([2010, 2020, 2025, 2030, 2035]))
def test_nominal_sweep_does_not_change_with_the_price_base_year(base_year):
    base = sma.presets.get("status-quo")
    grid = {"agreements[0].escalation.cap": [0.03, 0.05], "assumptions.cpi": [0.01, 0.04]}
    default = sma.sweep(base, grid, threshold=1.6e12).frame
    moved = sma.sweep(base, grid, threshold=1.6e12, price_base_year=base_year).frame
    pd.testing.assert_frame_equal(default, moved)


@pytest.mark.parametrize("base_year", [2025, 2030, 2035])
def test_nominal_monte_carlo_does_not_change_with_a_later_price_base_year(base_year):
    base = sma.presets.get("status-quo")
    draws = {"cpi": sma.Normal(mean=0.02, sd=0.01), "usd_krw": sma.LogRandomWalk(sd=0.05)}
    default = sma.monte_carlo(base, n=64, rng=7, uncertainties=draws, threshold=1.8e12)
    moved = sma.monte_carlo(
        base, n=64, rng=7, uncertainties=draws, threshold=1.8e12, price_base_year=base_year
    )
    pd.testing.assert_frame_equal(default.frame, moved.frame)
    assert default.probability_over(by_year=2035) == moved.probability_over(by_year=2035)


def _without_record(name):
    scenario = sma.presets.get(name)
    assumptions = sma.Assumptions(use_record=False, cpi=0.02, defense_budget_growth=0.04, usd_krw=1300.0)
    return scenario.model_copy(update={"assumptions": assumptions})


@pytest.mark.parametrize(
    ("scenario", "base_year"),
    [
        (sma.presets.get("status-quo"), 2005),  # before start - 2: the span widens at the front
        (sma.presets.get("status-quo"), 2010),
        (sma.presets.get("status-quo"), 2030),
        (_without_record("history-11th"), 2018),
        (_without_record("history-11th"), 2025),  # after the end: the span widens at the back
    ],
    ids=["sq-2005", "sq-2010", "sq-2030", "11th-2018", "11th-2025"],
)
def test_monte_carlo_draws_do_not_move_with_the_price_base_year(scenario, base_year):
    # a price base year outside the years a projection reads once widened the years drawn, so
    # every sample got other draws and other totals
    draws = {"cpi": sma.Normal(mean=0.02, sd=0.01), "usd_krw": sma.LogRandomWalk(sd=0.05, start=1300.0)}
    options = {"n": 64, "rng": 7, "uncertainties": draws, "keep": "paths", "keep_draws": True}
    default = sma.monte_carlo(scenario, price_base_year=scenario.start_year, **options)
    moved = sma.monte_carlo(scenario, price_base_year=base_year, **options)
    pd.testing.assert_frame_equal(default.frame, moved.frame)
    np.testing.assert_array_equal(default.paths(), moved.paths())
    for name in draws:
        np.testing.assert_array_equal(default.draws[name], moved.draws[name])


# --- from scenarios or from their projection: the same figures -------------------------


@SETTINGS
@given(batches, st.booleans(), currencies, discount_rates, st.none() | base_years, st.data())
def test_comparing_scenarios_or_their_projection_gives_the_same_figures(
    batch, real, currency, rate, year, data
):
    baseline = data.draw(st.sampled_from([s.name for s in batch]))
    options = {"baseline": baseline, "discount_rate": rate}
    try:
        direct = sma.compare(list(batch), price_base_year=year, **options)
    except sma.ScenarioError as exc:
        assert "share no year" in str(exc)
        return
    projection = sma.project(list(batch), price_base_year=year)
    for via in (sma.compare(projection, **options), sma.compare(projection, price_base_year=year, **options)):
        pd.testing.assert_frame_equal(via.frame, direct.frame)
        pd.testing.assert_frame_equal(
            via.summary(real=real, currency=currency), direct.summary(real=real, currency=currency)
        )


def test_a_projection_in_other_prices_is_refused_not_ignored():
    projection = sma.project(one_agreement(sma.Fixed(rate=0.1), start=2040, term=3), price_base_year=2040)
    with pytest.raises(sma.ScenarioError, match="the projection is in 2040 prices"):
        sma.compare(projection, price_base_year=2041)


# --- a real NPV is the nominal NPV in base-year prices ---------------------------------


@SETTINGS
@given(batches, discount_rates, base_years)
def test_a_real_npv_is_the_nominal_npv_in_base_year_prices(batch, rate, base_year):
    # the batch shares one set of assumptions, so one price level deflates every scenario
    shared = batch[0].assumptions
    batch = [s.model_copy(update={"assumptions": shared}) for s in batch]
    try:
        comparison = sma.compare(batch, discount_rate=rate, price_base_year=base_year)
    except sma.ScenarioError:
        return
    t0 = int(comparison.frame["year"].min())
    for code, inflation in (("krw", "cpi"), ("usd", "us_cpi")):
        level = 1.0
        for year in range(min(t0, base_year) + 1, max(t0, base_year) + 1):
            level *= 1 + _value(shared, inflation, year)
        price = level if t0 >= base_year else 1 / level
        nominal = comparison.npv(f"difference_{code}")
        real = comparison.npv(f"difference_{code}_real")
        scale = max(1.0, float(np.abs(nominal).max()))
        np.testing.assert_allclose(real, nominal / price, rtol=1e-9, atol=1e-9 * scale)
        np.testing.assert_allclose(
            comparison.npv(f"payment_{code}_real"), comparison.npv(f"payment_{code}") / price, rtol=1e-9
        )


def _value(assumptions: sma.Assumptions, name: str, year: int) -> float:
    given_ = getattr(assumptions, name)
    return given_[year] if isinstance(given_, dict) else given_


def test_a_real_npv_worked_by_hand():
    # ₩1,000bn flat against +10 % a year, 2040-2042, inflation 10 %, prices of 2040, rate 10 %:
    # nominal NPV of the differences 0 + 100/1.1 + 210/1.21 = 264.46; in 2040 prices the same
    # (t0 = base year); discounting the real differences at 10 % would give 0 + 90.9/1.1 + 173.6/1.21
    assumptions = sma.Assumptions(use_record=False, usd_krw=1000.0, cpi=0.10, us_cpi=0.0)
    flat = one_agreement(sma.Frozen(), start=2040, term=3, name="flat", assumptions=assumptions)
    rising = one_agreement(sma.Fixed(rate=0.10), start=2040, term=3, name="rising", assumptions=assumptions)
    comparison = sma.compare([flat, rising], discount_rate=0.10, price_base_year=2040)
    nominal = (100 / 1.1 + 210 / 1.21) * BN
    assert comparison.summary().loc["rising", "npv_difference_krw"] == pytest.approx(nominal)
    assert comparison.summary(real=True).loc["rising", "npv_difference_krw_real"] == pytest.approx(nominal)
    # in 2041 prices the same NPV is worth 10 % more won (2040 won are 1.1 of 2041's)
    later = sma.compare([flat, rising], discount_rate=0.10, price_base_year=2041)
    assert later.summary(real=True).loc["rising", "npv_difference_krw_real"] == pytest.approx(nominal * 1.1)


# --- unknown is never zero -------------------------------------------------------------


def test_growth_of_one_year_or_of_an_unknown_currency_is_nan_with_a_note():
    one_year = one_agreement(sma.Frozen(), start=2040, term=1, name="one year")
    won_only = one_agreement(
        sma.Fixed(rate=0.1),
        start=2040,
        term=3,
        name="won only",
        assumptions=sma.Assumptions(use_record=False),
    )
    summary = sma.project(one_year).summary()
    assert np.isnan(summary.loc["one year", "average_growth"])
    assert "one year has no growth" in summary.attrs["notes"][0]
    projection = sma.project(won_only)
    assert "total_usd" not in projection.summary()  # no exchange rate: no dollar figures
    in_dollars = projection.summary(growth_currency="USD")
    assert np.isnan(in_dollars.loc["won only", "average_growth"])  # not the won growth, not 0
    assert "payment_usd is left out" in in_dollars.attrs["notes"][0]
    assert projection.summary().loc["won only", "average_growth"] == pytest.approx(0.1)
    assert "NaN" in repr(sma.project(one_year))


def test_a_comparison_without_the_asked_currency_gives_nan_not_another_currency():
    won_only = sma.Assumptions(use_record=False)
    a = one_agreement(sma.Frozen(), start=2040, term=3, name="a", assumptions=won_only)
    b = one_agreement(sma.Fixed(rate=0.1), start=2040, term=3, name="b", assumptions=won_only)
    summary = sma.compare([a, b]).summary(currency="USD")
    assert summary["ratio_to_baseline"].isna().all()
    assert "payment_usd is left out" in summary.attrs["notes"][0]


# --- options are checked, errors are the package's ------------------------------------


def test_comparison_options_are_checked():
    comparison = sma.compare([one_agreement(sma.Frozen(), start=2040, term=2)])
    with pytest.raises(sma.SMAModelError, match="currency must be 'KRW' or 'USD', not 'EUR'"):
        comparison.summary(currency="EUR")
    with pytest.raises(sma.SMAModelError, match="currency must be 'KRW' or 'USD'"):
        sma.project(one_agreement(sma.Frozen(), start=2040, term=2)).summary(growth_currency="EUR")
    with pytest.raises(sma.ScenarioError, match=r"did you mean 'difference_krw'"):
        comparison.npv("diference_krw")
    with pytest.raises(sma.ScenarioError, match="not an amount column"):
        comparison.npv("ratio_to_baseline")
    with pytest.raises(sma.ScenarioError, match="discount_rate"):
        comparison.npv("difference_krw", discount_rate=2.0)


# --- printed digits are true -----------------------------------------------------------


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.floats(1e8, 1e14), min_size=1, max_size=4), st.floats(-0.2, 0.5))
def test_printed_figures_are_rounded_once_from_the_full_value(amounts, rate):
    summary = pd.DataFrame(
        {"total_krw": amounts, "average_growth": [rate] * len(amounts)},
        index=pd.Index([f"s{i}" for i in range(len(amounts))], name="scenario"),
    )
    shown = format_amounts(summary)
    assert shown["total [₩ bn]"].tolist() == [a / 1e9 for a in amounts]  # scaled, not rounded
    text = format_table(shown)
    for amount in amounts:
        assert f"{amount / 1e9:,.1f}" in text
    assert f"{rate * 100:,.2f}" in text
    # the CLI prints two decimals: from the full value, not from a value rounded to one
    with pd.option_context("display.float_format", "{:,.2f}".format):
        printed = shown.to_string()
    for amount in amounts:
        assert f"{amount / 1e9:,.2f}" in printed
