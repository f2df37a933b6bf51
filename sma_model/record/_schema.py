"""The record's one declaration of its tables (``data/datapackage.json``) and a reader checking rows.

The file is a Frictionless Table Schema data package: for each CSV its fields, their
types, units and allowed values (``constraints``: required, minimum, maximum, minLength,
pattern, enum), and
its primary key. :func:`read_table` reads a CSV, checks every cell and the key, and gives a
typed frame; every problem is a :class:`~sma_model.errors.DataError` naming the file, line
and column. The tests validate the same files against the same declaration.
"""

from __future__ import annotations

import functools
import json
import math
import re
from typing import Any

import pandas as pd

from sma_model.errors import DataError
from sma_model.record._reading import path_of, read_csv, read_text

__all__ = ["PACKAGE_FILE", "package", "read_table", "resource"]

#: The declaration's file name in ``data/``.
PACKAGE_FILE = "datapackage.json"


@functools.cache
def package() -> dict[str, Any]:
    """The data package (``data/datapackage.json``) as a dict."""
    try:
        return json.loads(read_text(PACKAGE_FILE))
    except json.JSONDecodeError as exc:
        raise DataError(f"{path_of(PACKAGE_FILE)}: not valid JSON: {exc}") from None


def resource(path: str) -> dict[str, Any]:
    """The resource describing the record file ``path`` (relative to ``data/``)."""
    for entry in package()["resources"]:
        if entry["path"] == path:
            return entry
    raise DataError(f"{path_of(PACKAGE_FILE)} describes no resource {path!r}")


def _cell(text: str, field: dict[str, Any], where: str) -> Any:
    """One cell as its field's type, checked against the field's constraints."""
    constraints = field.get("constraints", {})
    text = text.strip()
    if not text:
        if constraints.get("required"):
            raise DataError(f"{where}: a value is required")
        return None
    kind = field.get("type", "string")
    if kind in ("integer", "number"):
        try:
            value: Any = int(text) if kind == "integer" else float(text)
        except ValueError:
            raise DataError(f"{where}: {text!r} is not an {kind}") from None
        if not math.isfinite(value):
            raise DataError(f"{where}: {text!r} is not finite")
        low, high = constraints.get("minimum", -math.inf), constraints.get("maximum", math.inf)
        if not low <= value <= high:
            raise DataError(f"{where}: {value:g} is outside the allowed range {low:g} to {high:g}")
    else:
        value = text
        if len(value) < constraints.get("minLength", 0):
            raise DataError(f"{where}: {value!r} is shorter than {constraints['minLength']} characters")
        if "pattern" in constraints and not re.fullmatch(constraints["pattern"], value):
            raise DataError(f"{where}: {value!r} does not match the pattern {constraints['pattern']!r}")
    if "enum" in constraints and value not in constraints["enum"]:
        raise DataError(f"{where}: {value!r} is not one of {constraints['enum']}")
    return value


_DTYPES = {"integer": "Int64", "number": "float64", "string": "object"}


@functools.cache
def _table(path: str) -> pd.DataFrame:
    schema = resource(path)["schema"]
    fields = schema["fields"]
    full = path_of(path)
    records = []
    for line, row in read_csv(path, [f["name"] for f in fields]):
        records.append(
            {f["name"]: _cell(row[f["name"]], f, f"{full}, line {line}, column {f['name']}") for f in fields}
        )
    frame = pd.DataFrame.from_records(records, columns=[f["name"] for f in fields])
    frame = frame.astype({f["name"]: _DTYPES[f.get("type", "string")] for f in fields})
    key = schema.get("primaryKey", [])
    duplicated = frame.duplicated(key) if key else pd.Series(False, index=frame.index)
    if duplicated.any():
        first = frame.loc[duplicated, key].iloc[0].tolist()
        raise DataError(f"{full}: primary key {key} = {first} appears twice")
    for name in ("source", "note", "rules_source", "derivation"):
        if name in frame:
            frame[name] = frame[name].fillna("")
    return frame


def read_table(path: str) -> pd.DataFrame:
    """The record file ``path`` (relative to ``data/``) as a frame checked against its schema.

    Integer columns are pandas' nullable ``Int64``, numbers ``float64`` (NaN where empty),
    text ``object`` (empty text where a note or source is blank).

    Raises
    ------
    DataError
        A cell has the wrong type or lies outside its field's constraints, a required
        cell is empty, the columns differ from the schema's, or a primary key repeats.
    """
    return _table(path).copy()
