"""Subcommands that project and show.

``presets``, ``show``, ``project``, ``compare``, ``report``, ``backtest``, ``record`` and ``schema``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sma_model.analysis.backtest import backtest
from sma_model.analysis.comparison import DEFAULT_DISCOUNT_RATE, Comparison, compare
from sma_model.analysis.projection import Projection, one_off_jumps, project
from sma_model.cli._common import (
    add_changes,
    changed,
    changes,
    check_outputs,
    check_path,
    chosen_scenario,
    emit,
    scenario,
    show_notes,
    write_csv,
    write_figure,
    wrote,
)
from sma_model.errors import SMAModelError
from sma_model.formatting import format_summary
from sma_model.io import dump_scenario, scenario_schema
from sma_model.record import payments, presets
from sma_model.report import REPORT_SUFFIXES, write_report
from sma_model.units import TABLE_UNITS

__all__ = ["add_parsers", "wants_log_scale"]

#: Payments whose largest projected year is more than this many times the smallest are drawn
#: on a log scale by ``--plot`` (``--scale auto``). A $5bn demand is 4.7 times today's
#: ₩1.52 tn, and on a linear axis from zero it flattens the status quo and the 13.9 % rise.
LOG_SCALE_RATIO = 4.0


def _in_currency(summary: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The summary's columns in one currency (and those in none), for a narrow terminal table."""
    other = "_usd" if currency == "KRW" else "_krw"
    return summary[[c for c in summary.columns if not c.removesuffix("_real").endswith(other)]]


def _project_summary(proj: Projection, currency: str, real: bool) -> pd.DataFrame:
    """Span, totals, final payment and average growth; with ``real``, all in constant prices."""
    summary = proj.summary(growth_currency=currency)
    if not real:
        return summary
    constant = compare(proj).summary(real=True, currency=currency)
    keep = [c for c in constant.columns if c.startswith(("total_", "final_payment_"))]
    out = pd.concat([summary[["first_year", "last_year"]], constant[[*keep, "average_growth"]]], axis=1)
    out.attrs["notes"] = [*summary.attrs["notes"], *constant.attrs["notes"]]
    return out


def _payment_table(proj: Projection, args: argparse.Namespace) -> pd.DataFrame:
    """Year × scenario in printed figures; with ``--both``, then the same in the other currency."""
    currency = args.currency.upper()
    table = proj.table(currency, real=args.real, korean=args.korean, text=True)
    if not args.both:
        return table
    other = proj.table("USD" if currency == "KRW" else "KRW", real=args.real, korean=args.korean, text=True)
    if len(proj.names) == 1:  # one scenario: a column per currency
        both = pd.DataFrame(
            {str(table.columns.name): table.iloc[:, 0], str(other.columns.name): other.iloc[:, 0]}
        )
        both.columns.name = proj.names[0]
        return both
    both = pd.concat({table.columns.name: table, other.columns.name: other}, axis=1)
    both.columns.names = [None, None]
    return both


def _show_projection(
    proj: Projection,
    args: argparse.Namespace,
    summary: pd.DataFrame,
    jumps: dict[str, list[int]],
    frame: pd.DataFrame | None = None,
    footnote: str | None = None,
    notes: Sequence[str] = (),
    comparison: Comparison | None = None,
) -> None:
    currency = args.currency.upper()
    shown = summary if args.both else _in_currency(summary, currency)
    emit(_payment_table(proj, args).to_string())
    emit("")
    emit(format_summary(shown, korean=args.korean, jumps=jumps))
    if footnote:
        emit(footnote)
    show_notes(args, [*proj.notes, *notes, *summary.attrs.get("notes", [])])
    if args.csv:
        write_csv(args.csv, proj.frame if frame is None else frame)
    if args.xlsx:
        sys.stdout.flush()
        (proj if comparison is None else comparison).to_excel(args.xlsx)
        wrote(args.xlsx)
    if args.plot:
        log = wants_log_scale(proj, currency, args.real, args.scale)
        title = "South Korea's SMA payments: scenarios"
        write_figure(args, lambda ax: proj.plot(ax=ax, currency=currency, real=args.real, log=log), title)


def wants_log_scale(proj: Projection, currency: str, real: bool = False, scale: str = "auto") -> bool:
    """Whether ``--plot`` draws on a log scale: ``scale`` ``"log"``, or ``"auto"`` and a wide range.

    A range is wide when the largest projected yearly payment [``currency``] is more than
    :data:`LOG_SCALE_RATIO` times the smallest; on a log scale equal heights are equal
    growth rates, so the smaller scenarios are not flattened at the bottom.
    """
    if scale != "auto":
        return scale == "log"
    column = f"payment_{currency.lower()}" + ("_real" if real else "")
    if column not in proj.frame:
        return False
    values = proj.frame[column].to_numpy(dtype=float, na_value=np.nan)
    values = values[np.isfinite(values) & (values > 0)]
    return bool(len(values)) and float(values.max()) > LOG_SCALE_RATIO * float(values.min())


def _cmd_presets(args: argparse.Namespace) -> None:
    for name in presets.names():
        emit(f"{name:18} {presets.describe(name)}")


def _cmd_show(args: argparse.Namespace) -> None:
    text = dump_scenario(scenario(args.name))
    if args.name in presets.names():
        text = f"# {presets.describe(args.name)}\n{text}"
    emit(text)


def _cmd_project(args: argparse.Namespace) -> None:
    check_outputs(args)
    proj = project(chosen_scenario(args))
    currency = args.currency.upper()
    _show_projection(proj, args, _project_summary(proj, currency, args.real), one_off_jumps(proj))


def _cmd_compare(args: argparse.Namespace) -> None:
    check_outputs(args)
    refs = args.scenarios or list(presets.DEFAULT_COMPARISON)
    if args.baseline and args.baseline not in refs:
        refs.insert(0, args.baseline)
    found = changes(args)
    proj = project([changed(scenario(ref), found) for ref in refs])
    baseline = proj.names[refs.index(args.baseline)] if args.baseline else proj.names[0]
    comparison = compare(proj, baseline=baseline, discount_rate=args.discount_rate)
    summary = comparison.summary(real=args.real, currency=args.currency)
    summary = summary.drop(columns=[c for c in summary.columns if c.startswith("final_payment")])
    prices = f"{proj.price_base_year} prices" if args.real else "nominal"
    footnote = f"(differences against {baseline!r}, {prices}; NPV at {comparison.discount_rate:.1%} a year)"
    notes = comparison.notes[len(proj.notes) :]
    _show_projection(proj, args, summary, comparison.jumps(), comparison.frame, footnote, notes, comparison)


def _cmd_report(args: argparse.Namespace) -> None:
    if Path(args.output).suffix.lower() not in REPORT_SUFFIXES:
        raise SMAModelError(f"-o {args.output}: a report's name ends in .html or .htm")
    check_path("-o", args.output)
    found = changes(args)
    batch = [changed(scenario(ref), found) for ref in args.scenarios or presets.DEFAULT_COMPARISON]
    write_report(batch, args.output, title=args.title, korean=args.korean)
    wrote(args.output)


def _cmd_schema(args: argparse.Namespace) -> None:
    emit(json.dumps(scenario_schema(), indent=2, ensure_ascii=False))


def _cmd_backtest(args: argparse.Namespace) -> None:
    table = backtest()
    scales = {code: scale for code, (scale, _) in TABLE_UNITS.items()}
    labels = {code: label for code, (_, label) in TABLE_UNITS.items()}
    table = table.assign(
        published=table["published"] / table["currency"].map(scales),
        modelled=table["modelled"] / table["currency"].map(scales),
        unit=table["currency"].map(labels),
        relative_difference=(table["relative_difference"] * 100).map("{:+.2f}%".format),
    )[["agreement", "year", "rule", "unit", "published", "modelled", "relative_difference"]]
    with pd.option_context("display.width", 200, "display.float_format", "{:,.1f}".format):
        emit(table.to_string(index=False))


def _cmd_record(args: argparse.Namespace) -> None:
    check_outputs(args)
    record = payments()
    table = record.assign(
        payment_krw_bn=record["payment_krw"] / TABLE_UNITS["KRW"][0],
        payment_usd_m=record["payment_usd"] / TABLE_UNITS["USD"][0],
    )
    with pd.option_context(
        "display.width", 200, "display.max_colwidth", 60, "display.float_format", "{:,.1f}".format
    ):
        emit(table[["year", "agreement", "payment_krw_bn", "payment_usd_m", "source"]].to_string(index=False))
    if args.csv:
        write_csv(args.csv, record)


def _output_options(p: argparse.ArgumentParser) -> None:
    """The options of project and compare: changes to the scenarios, then what to print and write."""
    add_changes(p)
    p.add_argument("--currency", choices=["krw", "usd", "KRW", "USD"], default="krw")
    p.add_argument("--both", action="store_true", help="also show the other currency (₩ and $ side by side)")
    p.add_argument("--real", action="store_true", help="constant prices of the last CPI year")
    p.add_argument("--korean", action="store_true", help="amounts in Korean units (1조 5,192억 원)")
    p.add_argument("--plot", metavar="PNG", help="write payment curves to this file")
    p.add_argument(
        "--scale",
        choices=["auto", "linear", "log"],
        default="auto",
        help=f"of the payment axis; auto: log when the largest payment is {LOG_SCALE_RATIO:g}x the smallest",
    )
    p.add_argument("--csv", metavar="CSV", help="write the tidy frame (full precision) to this file")
    p.add_argument(
        "--xlsx", metavar="XLSX", help="write the frame, the summary, the inputs and sources to a workbook"
    )
    verbose(p)


def verbose(p: argparse.ArgumentParser) -> None:
    """``-v`` after the subcommand as well as before it."""
    p.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="print notes on stderr"
    )


def add_parsers(sub: Any) -> None:
    """Add this module's subcommands to ``sub`` (the parser's subparsers)."""
    sub.add_parser("presets", help="list the named scenarios").set_defaults(run=_cmd_presets)
    show = sub.add_parser("show", help="print a preset or scenario file as YAML")
    show.add_argument("name", help="preset name or scenario file")
    show.set_defaults(run=_cmd_show)

    one = sub.add_parser("project", help="project one preset or scenario file")
    one.add_argument("scenario", help="preset name or YAML/JSON file")
    _output_options(one)
    one.set_defaults(run=_cmd_project)

    default = ", ".join(presets.DEFAULT_COMPARISON)
    many = sub.add_parser("compare", help=f"project several scenarios side by side (default: {default})")
    many.add_argument("scenarios", nargs="*", help="preset names or scenario files")
    many.add_argument("--baseline", help="the scenario the others are measured against (default: the first)")
    many.add_argument(
        "--discount-rate",
        type=float,
        default=DEFAULT_DISCOUNT_RATE,
        help="for NPV, a fraction (default 0.03)",
    )
    _output_options(many)
    many.set_defaults(run=_cmd_compare)

    page = sub.add_parser("report", help="write one self-contained HTML page on scenarios")
    page.add_argument("scenarios", nargs="*", help=f"preset names or scenario files (default: {default})")
    page.add_argument("-o", "--output", required=True, metavar="HTML", help="the page to write (.html)")
    page.add_argument("--title", help="the page's heading (default: the scenario names)")
    page.add_argument("--korean", action="store_true", help="amounts in Korean units (1조 5,192억 원)")
    add_changes(page)
    page.set_defaults(run=_cmd_report)

    sub.add_parser("backtest", help="each modelled SMA beside the published payments").set_defaults(
        run=_cmd_backtest
    )
    record = sub.add_parser("record", help="the published yearly payments with sources")
    record.add_argument(
        "--csv", metavar="CSV", help="write the record (every column, full precision) to this file"
    )
    record.set_defaults(run=_cmd_record)
    sub.add_parser("schema", help="print the JSON Schema of scenario files").set_defaults(run=_cmd_schema)
