"""Every loader fuzzed under a fixed budget: only documented errors, none slower than 2 s.

The loaders are the scenario files (YAML and JSON), the YAML reader itself, the
record's files (CSV and YAML, read from a copy of ``data/``) and the command line's
arguments. A documented error is a :class:`sma_model.SMAModelError` (which includes
``ScenarioFileError``, ``DataError`` and ``YAMLInputError``) or pydantic's
``ValidationError``; anything else, or an example slower than the deadline, fails.
Each test runs 100-200 examples; the file runs in well under 30 s.
"""

from __future__ import annotations

import contextlib
import io as text_io
import shutil
import tempfile
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sma_model as sma
import sma_model._files
from sma_model import history, io
from sma_model.cli import main
from sma_model.errors import YAMLInputError
from sma_model.record import presets

BUDGET = settings(
    max_examples=150,
    deadline=2000,  # milliseconds: no input may take longer
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples on every run: a fixed budget, reproducible
)

VALID_YAML = io.dump_scenario(sma.presets.get("status-quo"))
VALID_JSON = io.dump_scenario(sma.presets.get("status-quo"), "json")

# pieces of YAML syntax that reach the loader's corners: anchors, aliases, merge keys,
# tags, flow and block collections, odd scalars (dates, huge numbers, special floats)
YAML_PIECES = [
    "&a ", "*a", "<<: *a\n", "<<: ", "!!str ", "!!int ", "!!float ", "!!binary ", "!!set ",
    "!!python/object:os.system ", "!!timestamp ", "? ", ": ", "- ", "[", "]", "{", "}", ",",
    "\n", "  ", "#", "'", '"', "|\n  ", ">-\n  ", "---\n", "...\n", "2027", "'2027'", "2027.0",
    "1e9", "1.0e+400", ".nan", ".inf", "-.inf", "yes", "no", "null", "~", "2001-13-45",
    "9" * 5000, "cpi", "usd_krw", "name", "agreements", "kind", "fixed", "rate", "cap",
    "\x85", "\u2028", "\x00", "\t", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n",
]  # fmt: skip
JSON_PIECES = [
    "{", "}", "[", "]", ",", ":", '"name"', '"agreements"', '"cpi"', '"2027"', "2027", "0.02",
    "NaN", "Infinity", "-Infinity", "true", "false", "null", "1e400", "9" * 5000, '"\\ud800"',
    '"\\u0085"', " ", "\n",
]  # fmt: skip


def _splice(base: str, pieces: list[str]) -> st.SearchStrategy[str]:
    """``base`` with a few pieces inserted at random places, or pieces alone, or random text."""
    inserted = st.lists(
        st.tuples(st.integers(0, len(base)), st.sampled_from(pieces) | st.text(max_size=8)),
        min_size=1,
        max_size=4,
    ).map(lambda edits: _apply(base, edits))
    alone = st.lists(st.sampled_from(pieces), max_size=30).map("".join)
    return inserted | alone | st.text(max_size=300)


def _apply(base: str, edits: list[tuple[int, str]]) -> str:
    for position, piece in sorted(edits, reverse=True):
        base = base[:position] + piece + base[position:]
    return base


def _load(text: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            io.load_scenario(path)
        except sma.ScenarioFileError as exc:
            assert str(exc).startswith(str(path))


@BUDGET
@given(text=_splice(VALID_YAML, YAML_PIECES))
def test_scenario_files_in_yaml(text):
    _load(text, ".yaml")


@BUDGET
@given(text=_splice(VALID_JSON, JSON_PIECES))
def test_scenario_files_in_json(text):
    _load(text, ".json")


@BUDGET
@given(text=_splice("a: &a [1, 2]\nb: {<<: {x: 1}, y: *a}\n", YAML_PIECES))
def test_the_yaml_reader(text):
    try:
        io.load_yaml(text)
    except YAMLInputError as exc:
        assert exc.problem
    except Exception as exc:  # pragma: no cover - the failure being looked for
        raise AssertionError(f"load_yaml raised {type(exc).__name__}: {exc}") from exc


RECORD_FILES = ["macro.csv", "payments.csv", "agreements.yaml", "presets/status-quo.yaml"]
CSV_PIECES = [",", '"', "\n", "\r", "\x00", "-", ".", "e", "nan", "inf", "99999", "0", "1e308", "\ufeff"]


@st.composite
def broken_records(draw):
    """One record file with a few edits: a piece inserted, a stretch deleted, a cell replaced."""
    name = draw(st.sampled_from(RECORD_FILES))
    text = (history.data_dir() / name).read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 3))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "cell"]))
        if action == "insert":
            piece = draw(st.sampled_from(CSV_PIECES + YAML_PIECES) | st.text(max_size=6))
            text = text[:position] + piece + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 40)) :]
        else:  # replace the cell (between commas) around position
            start = text.rfind(",", 0, position) + 1
            end = text.find(",", position)
            end = len(text) if end < 0 else end
            text = text[:start] + draw(st.sampled_from(CSV_PIECES) | st.text(max_size=6)) + text[end:]
    return name, text


@BUDGET
@given(record=broken_records())
def test_the_record_files(record):
    name, text = record
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        shutil.copytree(history.data_dir(), data)
        (data / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        history.clear_cache()
        try:
            with (
                mock.patch.object(sma_model._files, "data_dir", lambda: data),
                mock.patch.object(presets, "data_dir", lambda: data),
            ):
                for load in (history.payments, history.macro, history.agreement_records, presets.names):
                    try:
                        load()
                    except Exception as exc:
                        assert isinstance(exc, sma.DataError), f"{load.__name__}: {type(exc).__name__}: {exc}"
        finally:
            history.clear_cache()


COMMANDS = ["project", "compare", "show", "presets", "record", "backtest", "schema"]
ARGUMENTS = [
    "status-quo", "lapse", "demand-5b", "nope", "x" * 300, "a.yaml", "b.json", "--horizon", "2030",
    "1990", "99999", "-5", "soon", "--currency", "usd", "krw", "eur", "--real", "--csv", "out.csv",
    "missing/out.csv", ".", "--baseline", "--discount-rate", "0.03", "5", "nan", "--plot", "out.xyz",
    "--help", "-h", "--", "", "\x85", "\u2028",
]  # fmt: skip


@settings(BUDGET, max_examples=100)
@given(
    argv=st.tuples(
        st.sampled_from(COMMANDS), st.lists(st.sampled_from(ARGUMENTS) | st.text(max_size=10), max_size=5)
    )
)
def test_command_line_arguments(argv):
    command, rest = argv
    with tempfile.TemporaryDirectory() as folder:
        out, err = text_io.StringIO(), text_io.StringIO()
        with contextlib.chdir(folder), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([command, *rest])
            except SystemExit as exit:  # argparse: usage errors (2) and --help (0)
                code = exit.code
        assert code in (0, 1, 2), code
        assert "Traceback" not in err.getvalue()
        if code == 1:
            assert err.getvalue().startswith("sma-model: error: ")


def test_the_fuzz_budget_is_fixed():
    assert BUDGET.max_examples <= 200 and BUDGET.deadline is not None
    assert BUDGET.deadline.total_seconds() <= 2
