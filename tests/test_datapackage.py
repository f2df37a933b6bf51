"""data/datapackage.json describes every file in data/, and every CSV satisfies it.

The validation here is plain Python (json and csv), independent of the loaders, so a
loader bug cannot hide a bad file; the ranges the loaders check (sma_model.series) must
be the ones declared here.
"""

from __future__ import annotations

import csv
import json
import math
import shutil

import pytest

import sma_model._files
from sma_model import history
from sma_model.errors import DataError
from sma_model.series import PAYMENT_RANGES, RECORD_COLUMNS, RECORD_RANGES, RECORD_YEARS

DATA = history.data_dir()
PACKAGE = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
TABLES = [r for r in PACKAGE["resources"] if r.get("format") == "csv"]


def _fields(resource):
    return {f["name"]: f for f in resource["schema"]["fields"]}


def test_every_file_in_data_is_described():
    described = {r["path"] for r in PACKAGE["resources"]}
    files = {
        str(p.relative_to(DATA)) for p in DATA.rglob("*") if p.is_file() and p.name != "datapackage.json"
    }
    presets = {f for f in files if f.startswith("presets/")}
    assert files - presets <= described, sorted(files - presets - described)
    assert "presets" in described
    assert all((DATA / path).exists() for path in described)


@pytest.mark.parametrize("resource", TABLES, ids=lambda r: r["path"])
def test_every_table_has_units_sources_and_a_key(resource):
    fields = _fields(resource)
    assert "source" in fields and fields["source"]["constraints"]["required"]
    assert set(resource["schema"]["primaryKey"]) <= set(fields)
    for field in fields.values():
        assert field["type"] in ("integer", "number", "string")
        assert field.get("description"), field["name"]
        if field["type"] == "number" and "constraints" in field and "minimum" in field["constraints"]:
            assert field.get("unit"), field["name"]


def _check(text, field, where):
    constraints = field.get("constraints", {})
    if text.strip() == "":
        assert not constraints.get("required"), f"{where}: required"
        return None
    if field["type"] == "integer":
        value = int(text)
    elif field["type"] == "number":
        value = float(text)
        assert math.isfinite(value), where
    else:
        value = text
        assert len(value) >= constraints.get("minLength", 0), where
    if "minimum" in constraints:
        assert constraints["minimum"] <= value <= constraints["maximum"], f"{where}: {value}"
    if "enum" in constraints:
        assert value in constraints["enum"], f"{where}: {value!r}"
    return value


@pytest.mark.parametrize("resource", TABLES, ids=lambda r: r["path"])
def test_every_csv_satisfies_its_schema(resource):
    fields = resource["schema"]["fields"]
    with open(DATA / resource["path"], encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == [f["name"] for f in fields]
        rows = list(reader)
    assert rows
    keys = set()
    for line, row in enumerate(rows, start=2):
        assert None not in row and None not in row.values(), f"line {line}: wrong number of fields"
        values = {
            f["name"]: _check(row[f["name"]], f, f"{resource['path']}:{line}:{f['name']}") for f in fields
        }
        key = tuple(values[k] for k in resource["schema"]["primaryKey"])
        assert key not in keys, f"{resource['path']}:{line}: key {key} twice"
        keys.add(key)


def test_macro_values_lie_in_their_series_range():
    resource = next(r for r in TABLES if r["path"] == "macro.csv")
    ranges = resource["schema"]["sma:rangesBySeries"]
    units = resource["schema"]["sma:unitsBySeries"]
    with open(DATA / "macro.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            low, high = ranges[row["series"]]
            assert low <= float(row["value"]) <= high, row
            assert row["unit"] == units[row["series"]], row


def test_the_loaders_check_the_declared_ranges():
    """One declaration: sma_model.series holds what the loaders check; this file must agree."""
    payments = _fields(next(r for r in TABLES if r["path"] == "payments.csv"))
    for column, (low, high) in PAYMENT_RANGES.items():
        assert (payments[column]["constraints"]["minimum"], payments[column]["constraints"]["maximum"]) == (
            low,
            high,
        )
    for resource in TABLES:
        year = _fields(resource).get("year")
        if year:
            assert (year["constraints"]["minimum"], year["constraints"]["maximum"]) == RECORD_YEARS
    macro = next(r for r in TABLES if r["path"] == "macro.csv")["schema"]
    assert {k: tuple(v) for k, v in macro["sma:rangesBySeries"].items()} == RECORD_RANGES
    assert macro["sma:unitsBySeries"] == RECORD_COLUMNS


def test_a_cell_outside_its_range_is_a_clear_error(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    path = folder / "composition.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2015,349.0,", "2015,-349.0,"), encoding="utf-8")
    history.clear_cache()
    monkeypatch.setattr(sma_model._files, "data_dir", lambda: folder)
    try:
        with pytest.raises(
            DataError, match=r"line 2, column labor_krw_bn: -349 is outside the allowed range"
        ):
            history.composition()
    finally:
        history.clear_cache()
