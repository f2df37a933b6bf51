"""Reading the record's files: text, CSV rows with checked columns, checked numbers.

Every problem is a :class:`~sma_model.errors.DataError` naming the file and the line.
"""

from __future__ import annotations

import csv
import io

import numpy as np

from sma_model import _files
from sma_model.errors import DataError

__all__ = ["number", "path_of", "read_csv", "read_text"]


def path_of(name: str) -> str:
    """The full path of the record file ``name``, as text for messages."""
    return str(_files.data_dir() / name)


def read_text(name: str) -> str:
    """The text of the record file ``name`` (UTF-8)."""
    path = _files.data_dir() / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc}") from exc


def read_csv(name: str, columns: list[str]) -> list[dict[str, str]]:
    path = path_of(name)
    reader = csv.DictReader(io.StringIO(read_text(name)))
    if reader.fieldnames != columns:
        raise DataError(f"{path}: columns must be {columns}, got {reader.fieldnames}")
    rows = list(reader)
    for line, row in enumerate(rows, start=2):
        if None in row or any(v is None for v in row.values()):
            raise DataError(f"{path}, line {line}: wrong number of fields")
    return rows


def number(text: str, path: str, line: int, column: str, positive: bool = True) -> float:
    try:
        value = float(text)
    except ValueError:
        raise DataError(f"{path}, line {line}: {column}={text!r} is not a number") from None
    if not np.isfinite(value) or (positive and value <= 0):
        kind = "finite positive" if positive else "finite"
        raise DataError(f"{path}, line {line}: {column}={text!r} must be a {kind} number")
    return value
