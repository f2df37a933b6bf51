"""Reading the record's files: text, CSV rows with checked columns, checked numbers.

Every problem is a :class:`~sma_model.errors.DataError` naming the file and the line.
"""

from __future__ import annotations

import csv
import io

import numpy as np

from sma_model import _files
from sma_model.errors import DataError
from sma_model.series import RECORD_YEARS

__all__ = ["in_range", "number", "path_of", "read_csv", "read_text", "year"]


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
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def read_csv(name: str, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """The rows of the record file ``name`` with the line each starts on.

    Raises
    ------
    DataError
        The columns are not ``columns``, a row has too many or too few fields, the
        file is not CSV, or it holds no row.
    """
    path = path_of(name)
    reader = csv.DictReader(io.StringIO(read_text(name), newline=""))
    rows = []
    try:
        if reader.fieldnames != columns:
            raise DataError(f"{path}: columns must be {columns}, got {reader.fieldnames}")
        line = reader.line_num + 1
        for row in reader:
            if None in row or any(v is None for v in row.values()):
                raise DataError(f"{path}, line {line}: wrong number of fields")
            rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(f"{path}, line {reader.line_num}: not valid CSV: {exc}") from None
    if not rows:
        raise DataError(f"{path}: no rows")
    return rows


def number(text: str, path: str, line: int, column: str, positive: bool = True) -> float:
    """``text`` as a finite number (positive unless ``positive=False``), else a ``DataError``."""
    try:
        value = float(text)
    except ValueError:
        raise DataError(f"{path}, line {line}: {column}={text!r} is not a number") from None
    if not np.isfinite(value) or (positive and value <= 0):
        kind = "finite positive" if positive else "finite"
        raise DataError(f"{path}, line {line}: {column}={text!r} must be a {kind} number")
    return value


def in_range(
    value: float, bounds: tuple[float, float], where: tuple[str, int, str], what: str, unit: str
) -> float:
    """``value`` if it lies within ``bounds`` (inclusive), else a ``DataError``.

    ``where`` is (path, line, column); the message names them, ``what`` the value is,
    the range and ``unit``.
    """
    low, high = bounds
    if not low <= value <= high:
        path, line, column = where
        raise DataError(
            f"{path}, line {line}, column {column}: {what} = {value:g} is outside the plausible "
            f"range {low:g} to {high:g} ({unit}; the ranges are declared in data/datapackage.json)"
        )
    return value


def year(text: str, path: str, line: int) -> int:
    """``text`` as a year within :data:`sma_model.series.RECORD_YEARS`, else a ``DataError``."""
    try:
        value = int(text)
    except ValueError:
        raise DataError(f"{path}, line {line}: year={text!r} is not a year") from None
    return int(in_range(value, RECORD_YEARS, (path, line, "year"), "year", "a calendar year"))
