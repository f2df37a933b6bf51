"""data/datapackage.json describes every file in data/, and every CSV satisfies it.

The validation here is plain Python (json and csv), independent of the loaders, so a
loader bug cannot hide a bad file. This file is the one declaration of the record's
ranges: sma_model.series and sma_model.record read them from it.
"""

from __future__ import annotations

import csv
import json
import math
import re
import shutil
from pathlib import Path

import pytest

import sma_model._files
from sma_model import history, series
from sma_model.errors import DataError
from sma_model.series import PAYMENT_RANGES, RECORD_COLUMNS, RECORD_RANGES, RECORD_SCALES, RECORD_YEARS

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
        if "pattern" in constraints:
            assert re.fullmatch(constraints["pattern"], value), f"{where}: {value!r}"
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


def test_the_ranges_are_read_from_this_file():
    """One declaration: sma_model.series reads the record's ranges from datapackage.json."""
    assert series.record_package() == PACKAGE
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
    # an assumption with a record column has the column's range, in model units
    for name, assumption in series.ASSUMPTIONS.items():
        if assumption.record is not None:
            low, high = macro["sma:rangesBySeries"][assumption.record]
            scale = RECORD_SCALES[RECORD_COLUMNS[assumption.record]]
            assert (assumption.low, assumption.high) == pytest.approx((low * scale, high * scale)), name
    assert (series.ASSUMPTIONS["cpi"].low, series.ASSUMPTIONS["cpi"].high) == (-0.05, 0.3)
    troops = _fields(next(r for r in TABLES if r["path"] == "troops.csv"))["us_troops"]["constraints"]
    assert (series.ASSUMPTIONS["troops"].low, series.ASSUMPTIONS["troops"].high) == (
        troops["minimum"],
        troops["maximum"],
    )
    gdp = _fields(next(r for r in TABLES if r["path"] == "defense_gdp.csv"))
    bounds = gdp["nominal_gdp_krw_tn"]["constraints"]
    assert (series.ASSUMPTIONS["gdp"].low, series.ASSUMPTIONS["gdp"].high) == (
        bounds["minimum"] * 1e12,
        bounds["maximum"] * 1e12,
    )
    # the budget level is held in two tables; their declared ranges agree
    budget = gdp["defense_budget_krw_tn"]["constraints"]
    assert (budget["minimum"], budget["maximum"]) == tuple(macro["sma:rangesBySeries"]["rok_defense_budget"])


def test_series_py_declares_no_record_range():
    """The numbers live in datapackage.json only: series.py spells out none of the record's bounds."""
    source = (Path(series.__file__)).read_text(encoding="utf-8")
    for literal in ("10_000.0", "5_000.0", "100_000.0", "(1950, 2100)", "(1.0, 100.0)", 'Series("cpi"'):
        assert literal not in source, literal


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
