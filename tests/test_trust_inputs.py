"""Issue 11 at the edges: no silently wrong input, no hang, no traceback, no clobbered file.

Each test names the issue's case it closes. Tests that write to devices do so through
a symbolic link in ``tmp_path``, never by naming ``/dev/...`` itself, so that running
them against an old writer (which renamed a file over its target) harms nothing.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

import sma_model as sma
import sma_model._files
from sma_model import io

ROOT = Path(__file__).resolve().parent.parent
STATUS_QUO = io.dump_scenario(sma.presets.get("status-quo"))


def cli(*args: str, cwd: Path | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sma_model.cli", *args],
        capture_output="stdout" not in kwargs,
        stderr=subprocess.PIPE if "stdout" in kwargs else None,
        text=True,
        cwd=cwd,
        timeout=120,
        **kwargs,
    )


def load_text(tmp_path: Path, text: str, suffix: str = ".yaml") -> sma.Scenario:
    path = tmp_path / f"scenario{suffix}"
    path.write_text(text, encoding="utf-8")
    return io.load_scenario(path)


# 2. A percent typed as a whole number


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("cpi", 2.0, "cpi: 2 is outside the allowed range -0.05 to 0.3 (a fraction per year"),
        ("cpi", 2.0, "did you mean 0.02?"),
        ("us_cpi", 3, "did you mean 0.03?"),
        ("defense_budget_growth", 4.5, "did you mean 0.045?"),
        ("usd_krw", 1.4, "usd_krw: 1.4 is outside the allowed range 400 to 5000 (won per dollar)"),
        ("usd_krw", 0.0001, "usd_krw: 0.0001 is outside the allowed range 400 to 5000"),
        ("defense_budget", 61.2, "defense_budget: 61.2 is outside the allowed range 5e+12 to 1e+15"),
    ],
)
def test_a_percent_typed_as_a_whole_number_is_refused(field, value, fragment):
    with pytest.raises(ValidationError) as info:
        sma.Assumptions(**{field: value})
    assert fragment in str(info.value)


def test_a_percent_in_a_yearly_series_or_a_file_is_refused(tmp_path):
    with pytest.raises(ValidationError, match=r"cpi\[2030\]: 2 is outside .*did you mean 0\.02\?"):
        sma.Assumptions(cpi={2030: 2.0})
    text = STATUS_QUO.replace("cpi: 0.02", "cpi: 2.0")
    with pytest.raises(sma.ScenarioFileError, match=r"did you mean 0\.02\?"):
        load_text(tmp_path, text)


def test_the_ranges_hold_the_whole_record():
    for name, series in sma.series.ASSUMPTIONS.items():
        if series.record is None:
            continue
        values = sma.history.macro_series(series.record)
        assert series.low <= values.min() and values.max() <= series.high, name


# 3. Year-keyed mappings with keys 2027 and "2027"


def test_two_keys_for_one_year_are_refused(tmp_path):
    with pytest.raises(ValidationError, match=r"cpi: the keys 2027 and '2027' both mean the year 2027"):
        sma.Assumptions(cpi={2027: 0.02, "2027": 0.03})
    text = STATUS_QUO.replace("cpi: 0.02", "cpi: {2027: 0.02, '2027': 0.03}")
    with pytest.raises(sma.ScenarioFileError, match="both mean the year 2027"):
        load_text(tmp_path, text)


# 4. Booleans accepted as numbers (Assumptions; the terms' fields are model/terms.py's)


@pytest.mark.parametrize("value", [True, np.bool_(True), {2030: np.bool_(False)}])
def test_booleans_are_not_numbers(value):
    with pytest.raises(ValidationError, match="is not a number"):
        sma.Assumptions(cpi=value)


# 7. The shipped record is range-checked on load (more cases: BROKEN_RECORDS in test_history.py)


def test_a_record_value_out_of_range_names_the_file_line_and_column(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(sma.history.data_dir(), folder)
    lines = (folder / "macro.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if line.startswith("rok_cpi_inflation,2008,"))
    lines[number] = lines[number].replace("rok_cpi_inflation,2008,4.7,", "rok_cpi_inflation,2008,230,")
    (folder / "macro.csv").write_text("".join(lines), encoding="utf-8")
    sma.history.clear_cache()
    monkeypatch.setattr(sma_model._files, "data_dir", lambda: folder)
    try:
        with pytest.raises(sma.DataError) as info:
            sma.history.macro()
    finally:
        sma.history.clear_cache()
    assert str(info.value).startswith(
        f"{folder / 'macro.csv'}, line {number + 1}, column value: rok_cpi_inflation 2008 = 230 is outside "
        "the plausible range -5 to 30 (percent"
    )


# 9. A "billion laughs"

BILLION_LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
    "name: x\nagreements: []\nassumptions: {cpi: *i}\n"
)


def test_a_billion_laughs_is_refused_fast(tmp_path):
    path = tmp_path / "laughs.yaml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    code = (
        "import sys, time; from sma_model import io; t = time.perf_counter()\n"
        "try:\n    io.load_scenario(sys.argv[1])\n"
        "except io.ScenarioFileError as e:\n    print(f'{time.perf_counter() - t:.3f}', e)\n"
    )
    # in a subprocess held to 1 GB and 15 s, so a loader without limits fails the test, not the machine
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=15,
        check=True,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30)),
    )
    seconds, message = done.stdout.split(" ", 1)
    assert float(seconds) < 1.0
    assert "expands to more than 100,000 values through its aliases" in message
    assert message.startswith(f"{path}, line 1:")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a: &a [*a]\n", "an alias refers to the value that holds it"),
        ("a: " + "[" * 60 + "]" * 60 + "\n", "nested too deeply to be a scenario (more than 50 levels)"),
        ("a: " + "x" * 1_000_001 + "\n", "characters is more than the 1,000,000 a YAML file may hold"),
    ],
)
def test_yaml_limits(tmp_path, text, fragment):
    started = time.perf_counter()
    with pytest.raises(sma.ScenarioFileError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        load_text(tmp_path, text)
    assert time.perf_counter() - started < 1.0


def test_load_yaml_raises_the_packages_error():
    with pytest.raises(sma.SMAModelError, match="line 2: not valid YAML"):
        io.load_yaml("a: [\n")
    with pytest.raises(sma.SMAModelError, match="cannot read"):
        io.load_yaml("a: " + "9" * 5000 + "\n")  # more digits than Python turns into an int


# 11. The JSON duplicate-key check is linear


def test_a_json_object_of_100000_keys_is_read_in_linear_time(tmp_path):
    keys = {f"k{i}": i for i in range(100_000)}
    text = json.dumps({"name": "x", "agreements": [{"name": "a", **keys}]})
    started = time.perf_counter()
    with pytest.raises(sma.ScenarioFileError, match="not a valid scenario"):
        load_text(tmp_path, text, ".json")
    assert time.perf_counter() - started < 2.0
    twice = text[:-3] + ', "k5": 1}]}'
    with pytest.raises(sma.ScenarioFileError, match="the key 'k5' appears twice"):
        load_text(tmp_path, twice, ".json")


# 12. The CLI: one line and exit code 1, never a traceback


def test_a_300_character_scenario_name_is_an_error_not_a_traceback():
    result = cli("project", "x" * 300)
    assert result.returncode == 1
    assert result.stderr.startswith("sma-model: error: no preset 'xxxx")
    assert "Traceback" not in result.stderr


def test_standard_output_on_a_full_disk_is_an_error(tmp_path):
    with open("/dev/full", "w") as full:
        result = cli("project", "status-quo", stdout=full)
    assert result.returncode == 1
    assert result.stderr == "sma-model: error: cannot write to standard output: No space left on device\n"


def test_a_csv_on_a_full_disk_is_an_error(tmp_path):
    link = tmp_path / "full.csv"
    link.symlink_to("/dev/full")
    result = cli("project", "status-quo", "--csv", str(link))
    assert result.returncode == 1
    assert result.stderr == f"sma-model: error: cannot write {link}: No space left on device\n"
    assert stat.S_ISCHR(os.stat(link).st_mode) and link.is_symlink()


# 16. The atomic writer: through links, keeping modes, streaming to devices and pipes


def test_write_through_a_symbolic_link(tmp_path):
    target = tmp_path / "real.yaml"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    io.save_scenario(sma.presets.get("lapse"), link)
    assert link.is_symlink()
    assert io.load_scenario(target) == sma.presets.get("lapse")


def test_an_existing_files_permissions_are_kept(tmp_path):
    path = tmp_path / "secret.csv"
    path.write_text("old\n", encoding="utf-8")
    path.chmod(0o600)
    sma.project(sma.presets.get("lapse")).to_csv(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text(encoding="utf-8").startswith("scenario,year")


def test_a_new_file_gets_the_umasks_permissions(tmp_path):
    mask = os.umask(0o027)
    try:
        io.write_atomic(tmp_path / "new.txt", "x")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640


def test_a_pipe_is_streamed_to_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    time.sleep(0.05)  # let the reader open its end
    io.write_atomic(fifo, "a,b\n1,2\n")
    reader.join(timeout=10)
    assert received == [b"a,b\n1,2\n"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_pipe_nobody_reads_is_an_error_not_a_hang(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(sma.OutputError, match="cannot write"):
        io.write_atomic(fifo, "x")


def test_csv_to_standard_output(tmp_path):
    link = tmp_path / "stdout.csv"
    link.symlink_to("/dev/stdout")  # what --csv /dev/stdout opens, without touching /dev
    result = cli("project", "lapse", "--csv", str(link))
    assert result.returncode == 0, result.stderr
    table, csv = result.stdout.split("scenario,year,", 1)
    assert "payment_krw" in table
    rows, wrote = csv.split("\nwrote ")
    assert rows.count("\n") == len(sma.project(sma.presets.get("lapse")).frame)
    assert wrote == f"{link}\n"
    assert link.is_symlink()


def test_csv_to_standard_output_redirected_to_a_file(tmp_path):
    link = tmp_path / "stdout.csv"
    link.symlink_to("/dev/stdout")
    with open(tmp_path / "out.txt", "w") as out:
        result = cli("project", "lapse", "--csv", str(link), stdout=out)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert text.index("payment_krw") < text.index("scenario,year,") < text.index(f"wrote {link}")


# Smaller cases


def test_yaml_merge_keys(tmp_path):
    text = (
        "name: merged\n"
        "agreements:\n"
        "  - &first {name: a, start_year: 2026, term_years: 1, base: {amount: 1.5e+12, currency: KRW},"
        " escalation: {kind: frozen}}\n"
        "  - <<: *first\n"
        "    name: b\n"
        "    start_year: 2027\n"
    )
    scenario = load_text(tmp_path, text)
    assert [a.name for a in scenario.agreements] == ["a", "b"]
    assert scenario.agreements[1].base == scenario.agreements[0].base
    with pytest.raises(sma.ScenarioFileError, match="line 7: not valid YAML: the key 'name' appears twice"):
        load_text(tmp_path, text + "    name: c\n")


def test_numpy_numbers_in_assumptions():
    assumptions = sma.Assumptions(
        cpi=np.float64(0.02), troops=np.int64(28_000), usd_krw={np.int64(2030): np.int64(1400)}
    )
    assert assumptions.cpi == 0.02 and type(assumptions.cpi) is float
    assert assumptions.troops == 28_000.0
    assert assumptions.usd_krw == {2030: 1400.0}
    assert type(next(iter(assumptions.usd_krw))) is int


@pytest.mark.parametrize("char", ["\x85", "\n", "\x00", "\u2028", "\u202e"])
def test_control_characters_in_a_scenario_name(char):
    with pytest.raises(ValidationError, match=rf"name: character 3 is U\+{ord(char):04X}"):
        sma.Scenario(name="ab" + char, agreements=sma.presets.get("lapse").agreements)


def test_csv_into_a_missing_folder_is_refused(tmp_path):
    result = cli("project", "lapse", "--csv", "missing/out.csv", cwd=tmp_path)
    assert result.returncode == 1
    assert "--csv missing/out.csv: the folder missing does not exist" in result.stderr
    assert not (tmp_path / "missing").exists()
    with pytest.raises(sma.OutputError, match=r"the folder .*missing does not exist"):
        io.write_atomic(tmp_path / "missing" / "out.csv", "x")


def test_payment_series_in_an_unknown_currency():
    with pytest.raises(sma.SMAModelError, match="currency must be 'KRW' or 'USD', not 'EUR'"):
        sma.history.payment_series("EUR")


def test_the_explorer_does_not_clamp_silently():
    pytest.importorskip("ipywidgets")
    from sma_model.explorer import Explorer

    lapse = sma.presets.get("lapse")
    data = lapse.model_dump()
    data["assumptions"].update(usd_krw=2500.0, cpi=0.2)
    data["agreements"][0]["base"] = {"kind": "rise", "rate": 4.4}
    data["horizon"] = lapse.start_year + 60
    scenario = sma.Scenario.model_validate(data)
    explorer = Explorer(scenario)
    assert explorer.sliders["usd_krw"].value == 2500.0
    assert explorer.sliders["cpi"].value == pytest.approx(20.0)
    assert explorer.sliders["base"].value == pytest.approx(440.0)
    assert explorer.sliders["horizon"].value == lapse.start_year + 60
    edited = explorer.scenario()
    assert edited.assumptions.usd_krw == 2500.0
    assert edited.end_year == scenario.end_year
