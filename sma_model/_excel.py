"""Excel workbooks of results: one sheet per table, plus an ``inputs`` sheet that says how they were made.

Every export carries what is needed to redo it: the ``inputs`` sheet holds the package
version, the time of writing, each scenario as the YAML that
:func:`sma_model.io.load_scenario` reads back, the other inputs of the run (seed,
price base year …) and the sources of the record the figures rest on
(:func:`record_sources`). Numbers are written at full precision; an unknown figure (NaN,
``<NA>``) is an empty cell, never 0.

The module sits just above the record, whose sources it cites, and below every result
that writes a workbook. ``openpyxl`` is an optional extra (``pip install "sma-model[excel]"``), imported only
when a workbook is written.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from sma_model._files import write_atomic
from sma_model._version import __version__
from sma_model.errors import MissingExtraError, OutputError
from sma_model.record.agreements import agreement_records
from sma_model.record.hosts import host, host_macro, host_support
from sma_model.record.macro import macro
from sma_model.record.payments import payments
from sma_model.series import HOST_SERIES

__all__ = ["EXCEL_MAX_ROWS", "SOURCE_COLUMNS", "as_yaml", "inputs_table", "record_sources", "write_workbook"]

#: Rows an Excel sheet holds, the header included (Excel's own limit).
EXCEL_MAX_ROWS = 1_048_576
#: Characters an Excel cell holds (Excel's own limit).
EXCEL_MAX_CELL = 32_767
#: Years before a projection's first whose macro record it may use: an index lagged two
#: years (the 8th, 9th and 12th SMA follow the CPI of two years earlier).
MACRO_LAG_YEARS = 2
#: Columns of :func:`record_sources`.
SOURCE_COLUMNS = ["kind", "name", "year", "source"]

_SHEET_FORBIDDEN = set("[]:*?/\\")


def record_sources(scenarios: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The sources of the record behind scenarios: their agreements, payments and macro figures.

    Parameters
    ----------
    scenarios
        Scenarios as JSON-ready dicts (``Scenario.model_dump(mode="json")``, as results
        keep them in ``inputs``).

    Returns
    -------
    pandas.DataFrame
        Columns ``kind``, ``name``, ``year`` and ``source``, one row per figure or term:

        - ``agreement terms`` and ``agreement rule``: each agreement of a scenario that
          the record holds under the same name (``"12th SMA"``), with the sources of its
          terms and of its escalation rule (``data/agreements.yaml``); an agreement the
          record does not hold is written by the scenario's author and has no row;
        - ``payment``: the recorded payment of each year from the one before the first
          projected year to the last (``data/payments.csv``; ``name`` is its status,
          published or derived);
        - ``macro``: the record's macro figures (``data/macro.csv``: CPI, defense budget,
          USD/KRW …, ``name`` is the series) from :data:`MACRO_LAG_YEARS` years before
          the first projected year to the last, which the engine uses where the scenario
          gives no value of its own; none when every scenario sets ``use_record=False``.

        A scenario of another host (``host: japan``) cites that host's record instead:
        ``payment`` rows from its support record (``data/hosts/japan/support.csv``, the
        yearly amount of the agreement in force, ``name`` ``"<agreement years> (published)"``)
        and ``macro`` rows from the series of its macro record the engine reads
        (``data/hosts/japan/macro.csv``: CPI, defense budget, yen per dollar, GDP) and the
        US CPI of ``data/macro.csv`` (real dollars). Korean scenarios come first.

        ``year`` is <NA> for agreements.
    """
    names = {a.get("name") for s in scenarios for a in s.get("agreements", [])}
    rows: list[dict[str, Any]] = []
    for record in agreement_records():
        if record.name in names:
            rows.append({"kind": "agreement terms", "name": record.name, "source": record.source})
            if record.rule_source:
                rows.append({"kind": "agreement rule", "name": record.name, "source": record.rule_source})
    by_host: dict[str, list[Mapping[str, Any]]] = {"korea": []}
    for scenario in scenarios:
        by_host.setdefault(str(scenario.get("host") or "korea"), []).append(scenario)
    for country, members in by_host.items():
        if members:
            rows += _host_sources(country, members)
    table = pd.DataFrame(rows, columns=SOURCE_COLUMNS)
    table["year"] = table["year"].astype("Int64")
    return table


def _host_sources(country: str, scenarios: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The ``payment`` and ``macro`` rows of :func:`record_sources` for one host's scenarios."""
    spans = [_span(s) for s in scenarios]
    first, last = min(f for f, _ in spans), max(last for _, last in spans)
    rows: list[dict[str, Any]] = []
    if country == "korea":
        paid = payments()
        paid = paid.loc[paid["year"].between(first - 1, last)]
        rows += [
            {"kind": "payment", "name": f"{r.agreement} ({r.status})", "year": r.year, "source": r.source}
            for r in paid.itertuples()
        ]
        figures = macro()
    else:
        support = host_support(country)
        totals = support[(support["item"] == "total") & (support["basis"] == "per_year")]
        for r in totals.itertuples():
            span = f"{r.first_fiscal_year}" + (
                f"-{r.last_fiscal_year}" if r.last_fiscal_year != r.first_fiscal_year else ""
            )
            agreement = f"{host(country).name.title()} FY{span}"
            rows += [
                {"kind": "payment", "name": f"{agreement} (published)", "year": year, "source": r.source}
                for year in range(
                    max(int(r.first_fiscal_year), first - 1), min(int(r.last_fiscal_year), last) + 1
                )
            ]
        us = macro()
        own = host_macro(country)  # the series the engine reads (not core CPI, core budget)
        own = own.loc[own["series"].isin(set(HOST_SERIES.values()))]
        figures = pd.concat([own, us.loc[us["series"] == "us_cpi_inflation"]])
    figures = figures.loc[figures["year"].between(first - MACRO_LAG_YEARS, last)]
    if not any((s.get("assumptions") or {}).get("use_record", True) for s in scenarios):
        figures = figures.iloc[:0]  # every scenario keeps the record out (use_record=False)
    rows += [
        {"kind": "macro", "name": r.series, "year": r.year, "source": r.source} for r in figures.itertuples()
    ]
    return rows


def _span(scenario: Mapping[str, Any]) -> tuple[int, int]:
    """First and last year of a scenario dict: its first agreement's start to its horizon."""
    agreements = scenario.get("agreements") or [{}]
    first = int(agreements[0].get("start_year", 0))
    last = scenario.get("horizon")
    ends = [int(a["start_year"]) + int(a["term_years"]) - 1 for a in agreements if "term_years" in a]
    return first, int(last) if last is not None else max(ends, default=first)


def inputs_table(meta: Mapping[str, Any]) -> pd.DataFrame:
    """What made a result, as rows of ``kind``, ``name`` and ``value`` (text).

    The package version and the time of writing come first, then each entry of ``meta``
    (a result's ``inputs``): a scenario (``meta["scenarios"]`` or ``meta["scenario"]``)
    as the YAML :func:`sma_model.io.load_scenario` reads back, other mappings and lists as
    YAML, anything else as text; then the sources of the record (:func:`record_sources`).
    """
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    rows = [("version", "sma_model", __version__), ("written", "UTC", now)]
    scenarios = list(meta.get("scenarios") or []) + ([meta["scenario"]] if "scenario" in meta else [])
    for scenario in scenarios:
        rows.append(("scenario", str(scenario.get("name", "")), as_yaml(scenario)))
    for key, value in meta.items():
        if key in ("scenarios", "scenario", "sma_model_version"):
            continue
        text = as_yaml(value) if isinstance(value, (Mapping, list, tuple)) else str(value)
        rows.append(("input", str(key), text))
    if scenarios:
        sources = record_sources(scenarios)
        for kind, name, year, source in zip(*(sources[c].tolist() for c in SOURCE_COLUMNS)):
            where = str(name) if pd.isna(year) else f"{name}, {year}"
            rows.append((f"source: {kind}", where, str(source)))
    return pd.DataFrame(rows, columns=["kind", "name", "value"])


def as_yaml(value: Any) -> str:
    """``value`` (a scenario as a JSON-ready dict, or any mapping or list) as YAML text.

    Written as :func:`sma_model.io.dump_scenario` writes a scenario file (keys in order,
    Unicode kept), so a scenario's text reads back with :func:`sma_model.io.load_scenario`.
    """
    return yaml.safe_dump(_plain(value), sort_keys=False, allow_unicode=True)


def _plain(value: Any) -> Any:
    """``value`` in the types the safe YAML dumper writes: numpy values made Python, tuples
    lists, a tuple key (a correlation's pair of series) text, anything else its text."""
    if isinstance(value, Mapping):
        return {_key(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _key(key: Any) -> Any:
    if isinstance(key, tuple):
        return "~".join(str(part) for part in key)  # as results' inputs write a pair
    return _plain(key)


def write_workbook(sheets: Mapping[str, pd.DataFrame], path: str | Path, meta: Mapping[str, Any]) -> Path:
    """Write tables to an Excel workbook, one sheet each, and an ``inputs`` sheet last.

    Parameters
    ----------
    sheets
        Sheet name (at most 31 characters, none of ``[]:*?/\\``, not ``inputs``) to its
        table. A named or non-default index is written as the first columns. Amounts
        keep their full value and unit (the column names say which: ``payment_krw``
        [KRW], ``growth_rate`` [fraction]); NaN and <NA> are empty cells.
    path
        Where to write; the name must end in ``.xlsx``. Written atomically: a crash
        leaves the old file or none, never half of the new one.
    meta
        A result's ``inputs`` (scenarios, seed, price base year …): the ``inputs`` sheet
        holds them with the version and the record's sources (:func:`inputs_table`).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    MissingExtraError
        openpyxl is not installed (``pip install "sma-model[excel]"``).
    OutputError
        A name not ending in ``.xlsx``, a bad sheet name, a table longer than Excel's
        1,048,576 rows or a cell longer than 32,767 characters, or the file cannot be
        written (see :func:`sma_model._files.write_atomic`).
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise OutputError(
            f"cannot write {path}: an Excel workbook's name ends in .xlsx, not {path.suffix or 'nothing'!r}"
        )
    try:
        from openpyxl import Workbook  # type: ignore[import-untyped]
    except ImportError:
        raise MissingExtraError("writing Excel files", "excel", "openpyxl") from None
    tables = {**{_sheet_name(name): table for name, table in sheets.items()}, "inputs": inputs_table(meta)}
    book = Workbook(write_only=True)
    for name, table in tables.items():
        _write_sheet(book.create_sheet(name), name, table)
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(path, buffer.getvalue())
    return path


def _sheet_name(name: object) -> str:
    text = str(name)
    if not text or len(text) > 31 or _SHEET_FORBIDDEN & set(text) or text == "inputs":
        raise OutputError(
            f"sheet name {text!r}: Excel allows 1 to 31 characters, none of []:*?/\\ "
            "('inputs' is the sheet of inputs)"
        )
    return text


def _write_sheet(sheet: Any, name: str, table: pd.DataFrame) -> None:
    if not isinstance(table.index, pd.RangeIndex) or any(n is not None for n in table.index.names):
        table = table.reset_index()
    if len(table) + 1 > EXCEL_MAX_ROWS:
        raise OutputError(
            f"sheet {name!r}: {len(table):,} rows is more than an Excel sheet holds "
            f"({EXCEL_MAX_ROWS - 1:,} under its header); write it as CSV instead"
        )
    sheet.append([str(c) for c in table.columns])
    columns = [table[c].to_numpy(dtype=object) for c in table.columns]
    for row in zip(*columns):
        sheet.append([_cell(sheet, name, value) for value in row])


def _number(sheet: Any, value: float) -> Any:
    """A float cell that reads back as the same float.

    openpyxl writes numbers with 16 significant digits (``"%.16g"``), one short of what
    a float needs to round-trip (``1068377215.1898735`` would come back as
    ``…215.189873``); such a number is written as its shortest exact text (``repr``),
    still a number cell. tests/test_exports.py checks the round trip.
    """
    if float(f"{value:.16g}") == value:
        return value
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

    cell = WriteOnlyCell(sheet, value=value)
    cell._value = repr(value)  # written as given: openpyxl formats only numbers
    return cell


def _cell(sheet: Any, name: str, value: Any) -> Any:
    """A value as openpyxl writes it: plain numbers and text; None (empty) for NaN and <NA>.

    Text starting with ``=`` stays text: Excel would run it as a formula.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return _number(sheet, float(value)) if math.isfinite(value) else None
    text = str(value)
    if len(text) > EXCEL_MAX_CELL:
        raise OutputError(
            f"sheet {name!r}: a cell of {len(text):,} characters is more than Excel holds "
            f"({EXCEL_MAX_CELL:,})"
        )
    if text.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text
