"""The catalogue of bad inputs: each gives one clear error naming the field and what is allowed.

The Python API's cases are in ``API_CASES`` (a ``ValidationError`` or an ``SMAModelError``),
scenario files in ``FILE_CASES`` and the command line in ``CLI_CASES``; the shipped data
files' cases are in ``test_history.py``. Each row is (input, expected message fragment).
"""

from __future__ import annotations

import math

import pytest
from conftest import krw
from pydantic import ValidationError

import sma_model as sma


def agreement(**overrides):
    fields = dict(name="deal", start_year=2026, term_years=5, base=krw(1000.0), escalation=sma.Frozen())
    fields.update(overrides)
    return sma.Agreement(**fields)


def scenario(**overrides):
    fields = dict(name="s", agreements=[agreement()], assumptions=sma.Assumptions(cpi=0.02, usd_krw=1400.0))
    fields.update(overrides)
    return sma.Scenario(**fields)


_SQ = sma.presets.get("status-quo")
_CPI = {"cpi": sma.Normal(mean=0.02, sd=0.01)}
_MC = sma.monte_carlo(_SQ, n=100, rng=1, uncertainties=_CPI, threshold=1.7e12)

TERMS_CASES = [
    (lambda: sma.Indexed(index="cpi", cap=0.02, floor=0.05), "cap (0.02) is below floor (0.05)"),
    (lambda: sma.Indexed(index="gdp"), "'cpi' or 'defense_budget'"),
    (lambda: sma.Indexed(index="cpi", lag=3), "lag\n  Input should be less than or equal to 2"),
    (lambda: sma.Money(amount=1e9, currency="EUR"), "currency\n  Input should be 'KRW' or 'USD'"),
    (lambda: sma.Money(amount=-5.0, currency="KRW"), "amount\n  Input should be greater than 0"),
    (lambda: sma.Money(amount=math.nan, currency="KRW"), "amount\n  Input should be a finite number"),
    (lambda: sma.Money(amount=math.inf, currency="KRW"), "amount\n  Input should be a finite number"),
    (lambda: sma.Fixed(rate=math.nan), "rate\n  Input should be a finite number"),
    (lambda: sma.Fixed(rate=-1.5), "rate\n  Input should be greater than or equal to -0.99"),
    (lambda: agreement(term_years=0), "term_years\n  Input should be greater than or equal to 1"),
    (lambda: agreement(term_years=-3), "term_years\n  Input should be greater than or equal to 1"),
    (lambda: agreement(start_year=1800), "start_year\n  Input should be greater than or equal to 1991"),
    (lambda: agreement(base=1000.0), "base must be Money"),
    (lambda: agreement(escalation={2028: sma.Frozen()}), "the first rule must start in 2027"),
    (lambda: agreement(escalation={2027: sma.Frozen(), 2031: sma.Frozen()}), "after the agreement ends"),
    (lambda: agreement(escalation=sma.Schedule(rates={2027: 0.1})), "Schedule has no rate for 2028"),
    (lambda: agreement(extra_field=1), "extra_field\n  Extra inputs are not permitted"),
    (lambda: sma.Assumptions(cpi=math.nan), "cpi: nan is not finite"),
    (lambda: sma.Assumptions(usd_krw=-3.0), "usd_krw: -3 is outside the allowed range 400 to 5000"),
    (lambda: sma.Assumptions(cpi={2030: math.inf}), "cpi[2030]: inf is not finite"),
    (lambda: sma.Assumptions(cpi={"soon": 0.02}), "cpi: 'soon' is not a year"),
    (lambda: sma.Assumptions(cpi="high"), "cpi: 'high' is not a number"),
    (lambda: sma.Assumptions(troops=0), "troops: 0 is outside the allowed range 1000 to 100000"),
    (lambda: sma.Assumptions(cpi={}), "cpi: an empty {year: value} series"),
    (lambda: sma.Assumptions(usd_krw={2030: True}), "usd_krw[2030]: True is not a number"),
    (lambda: sma.Assumptions(gpd=1.0), "gpd\n  Extra inputs are not permitted"),
    (lambda: sma.Money(amount="lots", currency="KRW"), "amount\n  Input should be a valid number"),
    (lambda: sma.Money(amount=1e20, currency="KRW"), "amount\n  Input should be less than 10000000000000000"),
    (lambda: sma.Rise(rate=11.0), "rate\n  Input should be less than or equal to 10"),
    (lambda: sma.Indexed(index="cpi", spread=2.0), "spread\n  Input should be less than or equal to 1"),
    (lambda: sma.Indexed(index="cpi", lag=-1), "lag\n  Input should be greater than or equal to 0"),
    (lambda: sma.Schedule(rates={}), "rates\n  Dictionary should have at least 1 item"),
    (
        lambda: sma.Schedule(rates={1800: 0.1}),
        "rates.1800.[key]\n  Input should be greater than or equal to 1991",
    ),
    (
        lambda: sma.PhaseIn(target=krw(1.0), by_year=2026, shape="cubic"),
        "shape\n  Input should be 'geometric' or 'linear'",
    ),
    (
        lambda: agreement(escalation=sma.PhaseIn(target=krw(1.0), by_year=2020)),
        "PhaseIn.by_year (2020) is before",
    ),
    (lambda: agreement(name=""), "name\n  String should have at least 1 character"),
    (lambda: agreement(term_years=60), "term_years\n  Input should be less than or equal to 50"),
    (lambda: agreement(currency="USD"), "currency 'USD' differs from the base's currency 'KRW'"),
    (lambda: agreement(escalation={}), "escalation: give one rule or a non-empty {first year: rule}"),
    (lambda: agreement(escalation={"kind": "warp"}), "does not match any of the expected tags"),
    (
        lambda: agreement(base=None, escalation={2027: sma.Frozen()}),
        "the first rule must start in 2026 (the first year, since base is None)",
    ),
    (lambda: sma.Scenario(name="s", agreements=[]), "agreements\n  List should have at least 1 item"),
    (lambda: scenario(horizon=2500), "horizon\n  Input should be less than or equal to 2200"),
    (lambda: scenario(after_expiry=sma.Rise(rate=0.1)), "after_expiry"),
    (lambda: scenario(assumptions={"cpi": float("inf")}), "cpi: inf is not finite"),
]


@pytest.mark.parametrize(("build", "fragment"), TERMS_CASES)
def test_bad_terms_are_refused(build, fragment):
    with pytest.raises(ValidationError) as info:
        build()
    assert fragment in str(info.value)


def test_overlapping_agreements_are_refused():
    first = agreement(name="first")
    second = agreement(name="second", start_year=2028)
    with pytest.raises(ValidationError, match=r"agreements\[1\] \('second', from 2028\) overlaps"):
        sma.Scenario(name="s", agreements=[first, second])


def test_agreements_out_of_order_are_refused():
    later = agreement(name="later", start_year=2035)
    with pytest.raises(ValidationError, match="must be in order"):
        sma.Scenario(name="s", agreements=[later, agreement(name="earlier")])


def test_a_horizon_before_the_first_agreement_is_refused():
    with pytest.raises(
        ValidationError, match=r"horizon \(2020\) is before the first agreement starts \(2026\)"
    ):
        sma.Scenario(name="s", agreements=[agreement()], horizon=2020)


def test_an_absurd_horizon_is_refused():
    with pytest.raises(ValidationError, match="at most 149 years"):
        sma.Scenario(name="s", agreements=[agreement()], horizon=2199)


def test_a_schedule_after_expiry_must_cover_every_year():
    with pytest.raises(ValidationError, match="Schedule has no rate for 2032"):
        sma.Scenario(
            name="s",
            agreements=[agreement()],
            after_expiry=sma.Schedule(rates={2031: 0.01}),
            horizon=2032,
        )


def test_models_are_frozen():
    money = krw(1.0)
    with pytest.raises(ValidationError, match="frozen"):
        money.amount = 2.0


def _far_scenario(**assumptions):
    deal = sma.Agreement(
        name="far",
        start_year=2040,
        term_years=3,
        base=krw(1000.0),
        escalation=sma.Indexed(index="cpi", lag=1),
    )
    return sma.Scenario(name="far", agreements=[deal], assumptions=sma.Assumptions(**assumptions))


MODEL_CASES = [
    (lambda: sma.project(_far_scenario(usd_krw=1400.0)), "'cpi' has no value for 2040"),
    (lambda: sma.project(_far_scenario(cpi={2041: 0.02})), "'cpi' has no value for 2040"),
    (
        lambda: sma.project([_far_scenario(cpi=0.02), _far_scenario(cpi=0.03)]),
        "scenario names must be unique",
    ),
    (lambda: sma.project([]), "no scenarios given"),
    (
        lambda: sma.project(
            sma.Scenario(
                name="r",
                agreements=[
                    sma.Agreement(
                        name="a",
                        start_year=2060,
                        term_years=1,
                        base=sma.Rise(rate=0.1),
                        escalation=sma.Frozen(),
                    )
                ],
            )
        ),
        "builds on the 2059 payment, and the record has none for 2059",
    ),
    (
        lambda: sma.project(
            sma.Scenario(
                name="x",
                agreements=[
                    sma.Agreement(
                        name="a",
                        start_year=2040,
                        term_years=50,
                        base=krw(1e6),  # ₩1e15 * 1.5**18 > 1e18: overflows in 2058
                        escalation=sma.Fixed(rate=0.5),
                    )
                ],
                assumptions=sma.Assumptions(use_record=False, usd_krw=1000.0),
            )
        ),
        "beyond what the engine can represent",
    ),
    (lambda: sma.presets.get("demand-50b"), "no preset 'demand-50b'; known presets:"),
    (lambda: sma.history.agreement("13th SMA"), "no agreement '13th SMA' in the record"),
    (lambda: sma.history.agreement(1), "the 1st SMA is not modelled"),
    (lambda: sma.compare([_far_scenario(cpi=0.02)], baseline="other"), "baseline 'other' is not among"),
    (
        lambda: sma.compare([_far_scenario(cpi=0.02)], discount_rate=5.0),
        "discount_rate must be between -0.5 and 1",
    ),
    (
        lambda: sma.solve.first_year_over(
            sma.presets.get("status-quo"), sma.Money(amount=9e9, currency="USD")
        ),
        "never exceeds $9.000bn by 2035",
    ),
    (
        lambda: sma.solve.escalation_rate(
            sma.presets.get("status-quo"), sma.Money(amount=5e9, currency="USD"), 2030, low=0.5, high=0.1
        ),
        "the search range must be finite with low < high",
    ),
    (
        lambda: sma.solve.cap(sma.presets.get("demand-5b"), sma.Money(amount=5e9, currency="USD"), 2030),
        "has no indexed rule to cap",
    ),
    (lambda: sma.io.load_scenario("/no/such/file.yaml"), "/no/such/file.yaml: cannot read"),
    (lambda: sma.io.dump_scenario(sma.presets.get("lapse"), "toml"), "format must be 'yaml' or 'json'"),
    (lambda: sma.project(sma.presets.get("lapse")).table("EUR"), "currency must be 'KRW' or 'USD'"),
    # sweeps, Monte Carlo and sensitivity
    (lambda: sma.sweep(_SQ, {"agreements[0].escalation.cap": []}), "give a non-empty 1-D list of values"),
    (
        lambda: sma.sweep(_SQ, {"agreements[0].escalation.cpa": [0.1]}),
        "no such field; did you mean 'agreements[0].escalation.cap'",
    ),
    (lambda: sma.sweep(_SQ, {"assumptions.gdp_growth": [0.1]}), "did you mean 'assumptions.gdp'"),
    (
        lambda: sma.sweep(_SQ, {"assumptions.usd_krw": [1200, 1300]}, method="lhs", n=10, rng="seed"),
        "rng must be None, an int, a SeedSequence or a numpy Generator, not str 'seed'",
    ),
    (lambda: sma.monte_carlo(_SQ, n=10, rng=1.5, uncertainties=_CPI), "not float 1.5"),
    (lambda: sma.monte_carlo(_SQ, n=0, rng=1, uncertainties=_CPI), "n must be a positive whole number"),
    (lambda: sma.sweep(_SQ, {"assumptions.usd_krw": [1200]}, method="magic"), "method must be 'grid', 'lhs'"),
    (
        lambda: sma.monte_carlo(_SQ, n=10, rng=1, uncertainties=_CPI, correlation={("cpi", "usd_krw"): 0.5}),
        "correlation names 'usd_krw', which has no uncertainty",
    ),
    (lambda: sma.sweep(_SQ, {"agreements[0].escalation.cap": [0.03]}, chunk_size=0), "chunk_size must be"),
    (lambda: sma.one_at_a_time(_SQ, {}), "ranges: give at least one {path: (low, high)}"),
    (
        lambda: sma.monte_carlo(_SQ, n=100, rng=1, uncertainties={"cpi": sma.Normal(mean=0.0, sd=3.0)}),
        "drew cpi = ",
    ),
    (
        lambda: sma.monte_carlo(sma.presets.get("history-11th"), n=10, rng=1, uncertainties=_CPI),
        "nothing to draw: the record or explicit series give cpi for every year",
    ),
    (
        lambda: sma.monte_carlo(_SQ, n=10, rng=1, uncertainties=_CPI, correlation=[("cpi", "usd_krw")]),
        "correlation must be a mapping",
    ),
    (lambda: _MC.percentiles([float("nan")]), "percentiles must be between 0 and 100, not [nan]"),
    (lambda: _MC.percentiles("50"), "percentiles must be a list of numbers from 0 to 100"),
    (lambda: _MC.probability_over(by_year="2030"), "by_year must be a whole year, not '2030'"),
    # wrong types where a scenario, a year or a rate belongs
    (lambda: sma.project("status-quo"), "expected a Scenario or a list of them, not str"),
    (lambda: sma.project([_SQ, None]), "scenarios[1] is a NoneType, not a Scenario"),
    (lambda: sma.compare([_SQ], discount_rate="0.03"), "discount_rate must be between -0.5 and 1"),
    (lambda: sma.project(_SQ).scenario("nope"), "no scenario 'nope' in this projection"),
    (
        lambda: sma.project(_SQ, price_base_year=1800),
        "price_base_year must be a whole year from 2005 to 2035",
    ),
]


@pytest.mark.parametrize(("build", "fragment"), MODEL_CASES)
def test_bad_requests_raise_the_projects_errors(build, fragment):
    with pytest.raises((sma.SMAModelError, ValueError)) as info:
        build()
    assert fragment in str(info.value)
    assert isinstance(info.value, (sma.SMAModelError, ValueError))


VALID_FILE = sma.io.dump_scenario(sma.presets.get("status-quo"))

FILE_CASES = [
    ("name: x\nagreements: [\n", "line 3: not valid YAML"),
    ("[1, 2]\n", "holds a mapping (name, agreements, ...), not list"),
    ("", "holds a mapping (name, agreements, ...), not NoneType"),
    ("name: x\n", "agreements: Field required"),
    (
        VALID_FILE.replace("cap: 0.05", "cap: -5"),
        "agreements.0.escalation.rule.indexed.cap: Input should be greater",
    ),
    (VALID_FILE.replace("index: cpi", "index: gdp"), "Input should be 'cpi' or 'defense_budget'"),
    (
        VALID_FILE.replace("horizon: 2035", "horizon: 2020"),
        "horizon (2020) is before the first agreement starts (2026)",
    ),
    (VALID_FILE.replace("usd_krw: 1422.0", "usd_krw: .nan"), "usd_krw: nan is not finite"),
    (
        VALID_FILE.replace("term_years: 5", "term_years: 0"),
        "term_years: Input should be greater than or equal to 1",
    ),
    (
        VALID_FILE.replace("name: status quo", "name: status quo\ncolour: blue"),
        "colour: Extra inputs are not permitted",
    ),
    ("name: !!python/object/apply:os.system ['true']\n", "not valid YAML"),
    ("name: x\nname: y\n", "line 2: not valid YAML: the key 'name' appears twice"),
    (
        VALID_FILE.replace("    lag: 2\n", "    lag: 2\n    lag: 1\n", 1),
        "the key 'lag' appears twice",
    ),
    ("a: " + "[" * 3000 + "]" * 3000 + "\n", "nested too deeply to be a scenario"),
]


@pytest.mark.parametrize(("text", "fragment"), FILE_CASES)
def test_bad_scenario_files(tmp_path, text, fragment):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(sma.io.ScenarioFileError) as info:
        sma.io.load_scenario(path)
    assert str(info.value).startswith(str(path))
    assert fragment in str(info.value)


CLI_CASES = [
    (["project", "nope"], 1, "no preset 'nope'; known presets"),
    (["compare", "status-quo", "--baseline", "nope"], 1, "no preset 'nope'"),
    (["project", "status-quo", "--horizon", "1990"], 1, "horizon"),
    (["project", "status-quo", "--horizon", "soon"], 2, "invalid int value: 'soon'"),
    (["compare", "--currency", "eur"], 2, "invalid choice: 'eur'"),
    (["frobnicate"], 2, "invalid choice: 'frobnicate'"),
    (["show", "missing.yaml"], 1, "missing.yaml: cannot read"),
    (["project", "status-quo", "--plot", "out.xyz"], 1, "--plot out.xyz: the file name must end in one of"),
    (["project", "status-quo", "--csv", "."], 1, "--csv .: that is a folder; give a file name"),
    (["compare", "history-11th", "status-quo"], 1, "the scenarios share no year to compare"),
]


@pytest.mark.parametrize(("argv", "code", "fragment"), CLI_CASES)
def test_bad_command_lines(capsys, argv, code, fragment):
    from sma_model.cli import main

    try:
        returned = main(argv)
    except SystemExit as exit:  # argparse's usage errors
        returned = exit.code
    out, err = capsys.readouterr()
    assert returned == code
    assert fragment in err
    assert "Traceback" not in err
    assert out == ""


def test_the_catalogue_has_at_least_fifty_distinct_cases():
    from test_history import BROKEN_RECORDS

    messages = [f for _, f in TERMS_CASES + MODEL_CASES + FILE_CASES] + [
        f for *_, f in CLI_CASES + BROKEN_RECORDS
    ]
    assert len(set(messages)) >= 50


def test_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(sma.io.ScenarioFileError, match="not UTF-8 text"):
        sma.io.load_scenario(path)


def test_a_json_key_given_twice(tmp_path):
    path = tmp_path / "twice.json"
    path.write_text('{"name": "a", "name": "b", "agreements": []}', encoding="utf-8")
    with pytest.raises(sma.io.ScenarioFileError, match="the key 'name' appears twice"):
        sma.io.load_scenario(path)


def test_writing_into_a_folder_or_a_missing_place(tmp_path):
    with pytest.raises(sma.io.OutputError, match="it is a folder"):
        sma.io.write_atomic(tmp_path, "x")
    with pytest.raises(sma.io.OutputError, match=r"cannot write /proc/no/such\.csv"):
        sma.project(_SQ).to_csv("/proc/no/such.csv")
