"""``sma-model hosts``: Korea beside Japan, year by year, in measures every host shares.

The payment in dollars, dollars per US soldier and the share of each host's own defense
budget, from :func:`sma_model.analysis.hosts.compare_hosts`: one table (year x scenario)
per measure, each figure rounded once by :mod:`sma_model.formatting`.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np
import pandas as pd

from sma_model.analysis.hosts import HOST_COLUMNS, compare_hosts
from sma_model.cli._common import check_outputs, emit, scenario, show_notes, write_csv, write_figure
from sma_model.errors import SMAModelError
from sma_model.formatting import format_money, format_percent, format_table
from sma_model.plotting.hosts import host_comparison

__all__ = ["add_parsers"]

#: The last year ``hosts`` shows by default [calendar year].
DEFAULT_LAST = 2030
#: Each measure's heading in the table.
_TITLES = {
    "payment_usd": "payment [$]",
    "usd_per_troop": "$ per US soldier",
    "share_of_defense_budget": "% of own defense budget",
}


def _cell(measure: str, value: float) -> str:
    if not np.isfinite(value):
        return "NaN"
    if measure == "share_of_defense_budget":
        return format_percent(value)
    return format_money(value, "USD")


def _host_table(frame: pd.DataFrame, measure: str) -> pd.DataFrame:
    """One measure of :func:`~sma_model.analysis.hosts.compare_hosts`, year x scenario, as printed.

    Columns are ``"<scenario> (<Host>)"``; a year a scenario does not cover is blank, an
    unknown figure ``NaN``.
    """
    columns: dict[str, pd.Series] = {}
    for name, rows in frame.groupby("scenario", sort=False):
        values = rows[measure].to_numpy(dtype=float, na_value=np.nan)
        label = f"{name} ({str(rows['host'].iloc[0]).title()})"
        columns[label] = pd.Series([_cell(measure, v) for v in values], index=rows["year"].to_numpy())
    years = sorted(int(y) for y in frame["year"].unique())
    table = pd.DataFrame(columns).reindex(years).fillna("")
    table.index.name = "year"
    table.columns.name = _TITLES[measure]
    return table


def _footnote(frame: pd.DataFrame) -> str | None:
    fiscal = frame.drop_duplicates("host")
    fiscal = fiscal[fiscal["fiscal_year"] != "calendar"]
    if fiscal.empty:
        return None
    hosts = ", ".join(f"{h.title()} ({f})" for h, f in zip(fiscal["host"], fiscal["fiscal_year"]))
    return f"Fiscal years, labelled by the year they start in: {hosts}."


def _cmd_hosts(args: argparse.Namespace) -> None:
    check_outputs(args)
    if args.first is not None and args.last is not None and args.first > args.last:
        raise SMAModelError(f"--from {args.first} is after --to {args.last}")
    chosen = [scenario(ref) for ref in args.scenarios] if args.scenarios else None
    frame = compare_hosts(chosen, first=args.first, last=args.last)
    if frame.empty:
        raise SMAModelError(f"no scenario covers {args.first}-{args.last}; widen --from/--to")
    measures = [args.measure] if args.measure else [m for m in HOST_COLUMNS if m in frame]
    for i, measure in enumerate(measures):
        if measure not in frame:
            raise SMAModelError(
                f"--measure {measure}: no scenario has the inputs for it "
                "(troops for usd_per_troop, a defense budget for share_of_defense_budget)"
            )
        if i:
            emit("")
        emit(format_table(_host_table(frame, measure)))
    footnote = _footnote(frame)
    if footnote:
        emit(footnote)
    show_notes(args, frame.attrs.get("notes", []))
    if args.csv:
        write_csv(args.csv, frame)
    if args.plot:
        drawn = args.measure or "usd_per_troop"
        title = "Host-nation support: Korea beside Japan"
        write_figure(args, lambda ax: host_comparison(frame, drawn, ax=ax), title)


def add_parsers(sub: Any) -> None:
    """Add ``hosts`` to ``sub`` (the parser's subparsers)."""
    p = sub.add_parser("hosts", help="Korea beside Japan: dollars, per US soldier, share of defense budget")
    p.add_argument(
        "scenarios",
        nargs="*",
        help="preset names or scenario files of any host (default: status-quo, japan-status-quo)",
    )
    p.add_argument("--from", dest="first", type=int, metavar="YEAR", help="first year shown")
    p.add_argument(
        "--to",
        dest="last",
        type=int,
        default=DEFAULT_LAST,
        metavar="YEAR",
        help=f"last year shown (default {DEFAULT_LAST})",
    )
    p.add_argument(
        "--measure",
        choices=list(HOST_COLUMNS),
        help="only this measure (default all three); also what --plot draws (default usd_per_troop)",
    )
    p.add_argument("--csv", metavar="CSV", help="write the frame (every measure, full precision)")
    p.add_argument("--plot", metavar="PNG", help="write the measure's lines to this file")
    p.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="print notes on stderr"
    )
    p.set_defaults(run=_cmd_hosts)
