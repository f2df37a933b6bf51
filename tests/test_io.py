"""Scenario files: exact round trips, clear errors, the shipped schema, atomic writes."""

from __future__ import annotations

import json
import os
import re

import pytest

import sma_model as sma
from sma_model import io


@pytest.mark.parametrize("name", sma.presets.names())
@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_round_trip_is_exact(tmp_path, name, suffix):
    scenario = sma.presets.get(name)
    path = io.save_scenario(scenario, tmp_path / f"s{suffix}")
    assert io.load_scenario(path) == scenario
    assert io.dump_scenario(io.load_scenario(path), suffix[1:]) == path.read_text(encoding="utf-8")


def test_the_shipped_schema_is_current():
    shipped = json.loads((sma.history.data_dir() / "scenario.schema.json").read_text(encoding="utf-8"))
    assert shipped == io.scenario_schema(), "regenerate with: sma-model schema > data/scenario.schema.json"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("name: x\nagreements: [\n", "line 3: not valid YAML"),
        ("- a\n- b\n", "holds a mapping"),
        ("name: x\nagreements: []\n", "agreements: List should have at least 1 item"),
        (
            "name: x\nagreements:\n  - {name: a, start_year: 2026, term_years: 1, base: null, "
            "escalation: {kind: warp}}\n",
            "does not match any of the expected tags: 'fixed', 'indexed'",
        ),
        ("name: !!python/object:os.system x\n", "not valid YAML"),
    ],
)
def test_bad_files(tmp_path, text, fragment):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(io.ScenarioFileError, match=re.escape(fragment)):
        io.load_scenario(path)


def test_bad_json_names_the_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n  "name": "x",\n  "agreements": [,]\n}', encoding="utf-8")
    with pytest.raises(io.ScenarioFileError, match=r"bad\.json, line 3: not valid JSON"):
        io.load_scenario(path)


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path):
    path = tmp_path / "out.csv"
    path.write_text("good\n", encoding="utf-8")

    with pytest.raises(TypeError):
        io.write_atomic(path, 12345)  # not text: the write fails part-way
    assert path.read_text(encoding="utf-8") == "good\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
    io.write_atomic(path, "new\n")
    assert path.read_text(encoding="utf-8") == "new\n"
    assert oct(os.stat(path).st_mode & 0o777) != oct(0o600)
