"""Variants are diffs: ``Scenario.with_changes``, YAML ``base:`` + ``changes:``, and the CLI's ``--set``.

Hand-worked figures: the status quo's 2026 payment is the 2025 payment ₩1,402.8bn x 1.083 =
₩1,519.2324bn; from 2027 each year is the year before x (1 + min(CPI two years before, cap)),
with the record's 2025 CPI at 2.1 % and the preset's 2 % after the record.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pandas as pd
import pydantic
import pytest

import sma_model as sma
from sma_model import io

BN = 1e9
Y2026 = 1_519.2324 * BN  # 1,402.8 x 1.083


def payments(scenario: sma.Scenario, column: str = "payment_krw") -> dict[int, float]:
    frame = sma.project(scenario).frame
    return dict(zip(frame["year"], frame[column]))


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    command = shutil.which("sma-model")
    prefix = [command] if command else [sys.executable, "-m", "sma_model.cli"]
    return subprocess.run([*prefix, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.fixture
def base() -> sma.Scenario:
    return sma.presets.get("status-quo")


# --- with_changes ------------------------------------------------------------------------


def test_a_cap_of_4_percent_does_not_bind_on_2_1_percent_inflation(base):
    capped = base.with_changes({"agreements[0].escalation.cap": 0.04}, name="cap 4%")
    paid = payments(capped)
    assert paid[2026] == pytest.approx(Y2026)
    assert paid[2027] == pytest.approx(Y2026 * (1 + min(0.021, 0.04)))  # ₩1,551.1bn
    assert paid[2027] / BN == pytest.approx(1_551.136, abs=1e-3)
    assert capped.name == "cap 4%"


def test_a_cap_of_1_percent_binds_every_year(base):
    paid = payments(base.with_changes({"agreements[0].escalation.cap": 0.01}))
    assert paid[2027] == pytest.approx(Y2026 * 1.01)  # ₩1,534.4bn
    assert paid[2028] == pytest.approx(Y2026 * 1.01**2)  # 2026 CPI 2 % (the preset's), capped at 1 %
    assert paid[2035] == pytest.approx(Y2026 * 1.01**9)


def test_two_changes_at_once_inflation_and_cap(base):
    variant = base.with_changes({"assumptions.cpi": 0.035, "agreements[0].escalation.cap": 0.03})
    paid = payments(variant)
    assert paid[2027] == pytest.approx(Y2026 * 1.021)  # 2025 CPI from the record, under the cap
    assert paid[2028] == pytest.approx(Y2026 * 1.021 * 1.03)  # 2026 CPI 3.5 %, capped at 3 %
    assert paid[2029] == pytest.approx(Y2026 * 1.021 * 1.03**2)


def test_the_baseline_is_left_alone_and_keeps_its_name(base):
    variant = base.with_changes({"assumptions.cpi": 0.025})
    assert variant.name == base.name == "status quo"
    assert base.assumptions.cpi == 0.02 and variant.assumptions.cpi == 0.025
    assert base == sma.presets.get("status-quo")


def test_whole_rules_and_years_of_a_rule_can_change(base):
    frozen = payments(base.with_changes({"after_expiry": sma.Frozen()}))
    assert [frozen[y] for y in range(2031, 2036)] == [frozen[2030]] * 5
    eleventh = sma.presets.get("history-11th")
    paid = payments(eleventh.with_changes({"agreements[0].escalation[2021].rate": 0.05}))
    assert paid[2021] / BN == pytest.approx(1_038.9 * 1.05)  # instead of +13.9 %


def test_a_series_replaces_a_constant(base):
    variant = base.with_changes({"assumptions.usd_krw": {y: 1_500.0 for y in range(2026, 2036)}})
    assert payments(variant, "payment_usd")[2026] == pytest.approx(Y2026 / 1_500)


def test_a_bad_path_suggests_the_closest_real_ones(base):
    with pytest.raises(sma.ParameterPathError, match=r"did you mean 'agreements\[0\]\.escalation\.cap'"):
        base.with_changes({"agreements[0].escalation.capp": 0.04})
    with pytest.raises(sma.ParameterPathError, match=r"did you mean 'assumptions\.cpi'"):
        base.with_changes({"assumption.cpi": 0.02})
    with pytest.raises(
        sma.ParameterPathError, match=re.escape("holds one number, not a {year: value} series")
    ):
        base.with_changes({"assumptions.cpi[2030]": 0.02})


def test_a_bad_value_is_refused_by_the_models_naming_the_path(base):
    with pytest.raises(pydantic.ValidationError) as caught:
        base.with_changes({"agreements[0].escalation.cap": -5.0})
    assert "agreements.0.escalation" in str(caught.value) and "cap" in str(caught.value)
    with pytest.raises(pydantic.ValidationError, match=re.escape("did you mean 0.02")):
        base.with_changes({"assumptions.cpi": 2.0})
    with pytest.raises(pydantic.ValidationError, match="horizon"):
        base.with_changes({"horizon": 2020})


def test_diffs_and_sweeps_address_the_same_field(base):
    """One concept of parameter paths: a sweep's sample equals the variant with that change."""
    path = "agreements[0].escalation.cap"
    swept = sma.sweep(base, {path: [0.01, 0.04]}).frame["total_krw"].tolist()
    direct = [sum(payments(base.with_changes({path: cap})).values()) for cap in (0.01, 0.04)]
    assert swept == pytest.approx(direct)


# --- YAML: base + changes ------------------------------------------------------------------


def test_a_variant_file_is_the_preset_with_its_changes(tmp_path, base):
    path = tmp_path / "cap.yaml"
    path.write_text(
        "base: status-quo\nname: status quo, cap 1%\nchanges:\n  agreements[0].escalation.cap: 0.01\n",
        encoding="utf-8",
    )
    loaded = io.load_scenario(path)
    assert loaded == base.with_changes({"agreements[0].escalation.cap": 0.01}, name="status quo, cap 1%")
    assert payments(loaded)[2027] == pytest.approx(Y2026 * 1.01)


def test_a_variant_without_changes_is_the_preset(tmp_path, base):
    path = tmp_path / "same.yaml"
    path.write_text("base: status-quo\n", encoding="utf-8")
    assert io.load_scenario(path) == base


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("base: status-kwo\n", "no preset 'status-kwo'; known presets: demand-10b"),
        ("base: status-quo\nchange: {horizon: 2040}\n", "a variant holds only base, name, changes"),
        ("base: status-quo\nchanges: [horizon]\n", "changes must be a mapping of parameter paths"),
        ("base: status-quo\nchanges: {assumptions.cpii: 0.02}\n", "did you mean 'assumptions.cpi'"),
        ("base: status-quo\nchanges: {assumptions.cpi: 2.0}\n", "assumptions.cpi: Value error"),
        ("base: 3\n", "base must be a preset name"),
    ],
)
def test_bad_variant_files_name_the_file_and_the_fault(tmp_path, text, fragment):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(sma.ScenarioFileError, match=re.escape("bad.yaml")) as caught:
        io.load_scenario(path)
    assert fragment in str(caught.value)


def test_the_schema_accepts_variants_and_scenarios(base):
    jsonschema = pytest.importorskip("jsonschema")
    schema = io.scenario_schema()
    jsonschema.validate(base.model_dump(mode="json"), schema)
    jsonschema.validate({"base": "status-quo", "changes": {"assumptions.cpi": 0.025}}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"base": "no-such-preset"}, schema)


# --- the command line: --set and the shorthand flags ------------------------------------------


def _csv_payments(tmp_path, *args: str) -> pd.DataFrame:
    out = tmp_path / "out.csv"
    result = run(*args, "--csv", str(out))
    assert result.returncode == 0, result.stderr
    return pd.read_csv(out).set_index(["scenario", "year"])


def test_set_on_the_command_line_gives_the_hand_worked_numbers(tmp_path):
    frame = _csv_payments(tmp_path, "project", "status-quo", "--set", "agreements[0].escalation.cap=0.01")
    assert frame.loc[("status quo", 2027), "payment_krw"] == pytest.approx(Y2026 * 1.01)
    result = run("project", "status-quo", "--set", "agreements[0].escalation.cap=0.01")
    row_2027 = next(line for line in result.stdout.splitlines() if line.startswith("2027"))
    assert row_2027.split()[1:] == ["₩1.53", "tn"]  # 1,534.4bn


def test_a_yaml_file_and_set_are_the_same_operation(tmp_path):
    path = tmp_path / "v.yaml"
    path.write_text(
        "base: status-quo\nchanges:\n  assumptions.cpi: 0.035\n  agreements[0].escalation.cap: 0.03\n",
        encoding="utf-8",
    )
    from_file = _csv_payments(tmp_path, "project", str(path))
    from_flags = _csv_payments(
        tmp_path, "project", "status-quo", "--cpi", "0.035", "--set", "agreements[0].escalation.cap=0.03"
    )
    pd.testing.assert_frame_equal(from_file, from_flags)
    assert from_file.loc[("status quo", 2029), "payment_krw"] == pytest.approx(Y2026 * 1.021 * 1.03**2)


def test_shorthand_flags(tmp_path):
    frame = _csv_payments(
        tmp_path, "compare", "status-quo", "demand-5b", "--usd-krw", "1500", "--horizon", "2031"
    )
    assert frame.loc[("demand $5bn", 2027), "payment_krw"] == pytest.approx(5e9 * 1_500)  # ₩7.5tn
    assert frame.loc[("status quo", 2026), "payment_usd"] == pytest.approx(Y2026 / 1_500)
    assert frame.reset_index()["year"].max() == 2031
    # defense-budget growth fills the budget after the record, so the share is known
    frame = _csv_payments(tmp_path, "project", "status-quo", "--defense-growth", "0.04")
    assert frame["share_of_defense_budget"].notna().all()


def test_set_reads_yaml_values_and_later_wins(tmp_path):
    frame = _csv_payments(
        tmp_path,
        "project",
        "status-quo",
        "--cpi",
        "0.01",
        "--set",
        "assumptions.cpi=0.035",
        "--set",
        "agreements[0].escalation.cap=null",  # no cap: CPI passes in full
    )
    assert frame.loc[("status quo", 2028), "payment_krw"] == pytest.approx(Y2026 * 1.021 * 1.035)


@pytest.mark.parametrize(
    ("args", "fragment", "code"),
    [
        (("--set", "agreements[0].escalation.capp=0.1"), "did you mean 'agreements[0].escalation.cap'", 1),
        (("--cpi", "2.0"), "did you mean 0.02?", 1),
        (("--set", "cap"), "write PATH=VALUE", 2),
        (("--horizon", "2020"), "horizon (2020) is before the first agreement starts", 1),
    ],
)
def test_bad_changes_on_the_command_line(args, fragment, code):
    result = run("project", "status-quo", *args)
    assert result.returncode == code
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_a_change_may_append_an_agreement_at_the_end_of_the_list():
    # the 12th SMA for 2026 only, then a $5bn deal fixed in dollars from 2027
    status_quo = sma.presets.get("status-quo")
    five = sma.Agreement(
        name="$5bn",
        start_year=2027,
        term_years=9,
        base=sma.Money(amount=5e9, currency="USD"),
        escalation=sma.Frozen(),
    )
    demand = status_quo.with_changes(
        {"agreements[0].term_years": 1, "agreements[1]": five}, name="$5bn from 2027"
    )
    assert [a.name for a in demand.agreements] == ["12th SMA", "$5bn"]
    paid = sma.project(demand).frame.set_index("year")
    assert paid.loc[2026, "payment_krw"] == 1_402.8e9 * 1.083
    assert paid.loc[2030, "payment_usd"] == 5e9
    assert len(status_quo.agreements) == 1  # the baseline is left as it was
    with pytest.raises(sma.ParameterPathError, match="'agreements\\[2\\]': no such field"):
        status_quo.with_changes({"agreements[2]": five})
