"""Subcommands that run many projections: ``sweep`` (parameters) and ``montecarlo`` (macro paths)."""

from __future__ import annotations

import argparse
import math
import re
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from pydantic import TypeAdapter, ValidationError

from sma_model.analysis.projection import project
from sma_model.cli._common import (
    add_changes,
    amount,
    check_outputs,
    chosen_scenario,
    emit,
    progress_setting,
    show_notes,
    write_csv,
    write_figure,
)
from sma_model.errors import SMAModelError
from sma_model.formatting import format_money, format_percent, format_table
from sma_model.model.parameters import resolve_path
from sma_model.model.scenario import Scenario
from sma_model.sweeps.hypercube import whole_number_field
from sma_model.sweeps.processes import Process
from sma_model.sweeps.results import SweepResult
from sma_model.sweeps.sweep import monte_carlo, sweep

__all__ = ["add_parsers", "distribution", "varied"]

#: A sweep of at most this many samples prints one row per sample.
ROWS_SHOWN = 30
#: Monte Carlo runs of more samples stream per-year statistics instead of keeping every path.
MAX_KEPT_PATHS = 1_000_000
#: The kinds of process ``--dist`` takes (``log-random-walk`` may be written with dashes).
KINDS = {member.model_fields["kind"].default: member for member in get_args(get_args(Process)[0])}


def varied(text: str) -> tuple[str, tuple[float, float] | list[float]]:
    """``--vary PATH=LOW:HIGH`` (a range) or ``PATH=V1,V2,...`` (values)."""
    path, sep, spec = text.partition("=")
    try:
        if not sep or not path.strip() or not spec.strip():
            raise ValueError
        if ":" in spec:
            low, high = (float(part) for part in spec.split(":"))
            if not low <= high:
                raise argparse.ArgumentTypeError(
                    f"{text!r}: the range runs from low to high, and {low:g} > {high:g}"
                )
            return path.strip(), (low, high)
        return path.strip(), [float(part) for part in spec.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: write PATH=LOW:HIGH (a range) or PATH=V1,V2,... (values), "
            "e.g. assumptions.cpi=0.01:0.04 or agreements[0].escalation.cap=0.03,0.05"
        ) from None


def distribution(text: str) -> tuple[str, Any]:
    """``--dist NAME=KIND:KEY=VALUE,...``, e.g. ``cpi=ar1:mean=0.02,phi=0.5,sd=0.01``; validated."""
    name, sep, spec = text.partition("=")
    kind, _, given = spec.partition(":")
    kind = kind.strip().replace("-", "_")
    if not sep or not name.strip() or kind not in KINDS:
        raise argparse.ArgumentTypeError(
            f"{text!r}: write NAME=KIND:KEY=VALUE,... with KIND one of {', '.join(KINDS)}, "
            "e.g. cpi=ar1:mean=0.02,phi=0.5,sd=0.01 or usd_krw=log_random_walk:sd=0.06"
        )
    fields: dict[str, Any] = {}
    for item in filter(None, (part.strip() for part in given.split(","))):
        key, equals, value = item.partition("=")
        try:
            fields[key.strip()] = int(value) if re.fullmatch(r"[+-]?\d+", value.strip()) else float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r}: {item!r} is not KEY=NUMBER") from None
        if not equals:
            raise argparse.ArgumentTypeError(f"{text!r}: {item!r} is not KEY=NUMBER")
    try:
        return name.strip(), TypeAdapter(Process).validate_python({"kind": kind, **fields})
    except ValidationError as exc:  # argparse would swallow its message (it is a ValueError)
        problems = "; ".join(f"{'.'.join(map(str, e['loc'][1:])) or kind}: {e['msg']}" for e in exc.errors())
        raise argparse.ArgumentTypeError(f"{text!r}: {problems}") from None


def _correlation(text: str) -> tuple[tuple[str, str], float]:
    """``--correlate A,B=RHO``: the correlation of two series' yearly shocks."""
    pair, _, rho = text.partition("=")
    names = [n.strip() for n in pair.split(",")]
    try:
        if len(names) != 2 or not all(names):
            raise ValueError
        return (names[0], names[1]), float(rho)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: write A,B=RHO, e.g. cpi,defense_budget_growth=0.5"
        ) from None


def _grid_values(base: Scenario, path: str, spec: tuple[float, float] | list[float], points: int) -> Any:
    """The values a grid takes along ``path``: every whole number of a whole-number range, else ``points``."""
    if isinstance(spec, list):
        return spec
    low, high = spec
    if whole_number_field(base, resolve_path(base, path)):
        return np.arange(math.ceil(low), math.floor(high) + 1, dtype=float)
    return np.linspace(low, high, points)


def _cmd_sweep(args: argparse.Namespace) -> None:
    check_outputs(args)
    method: Literal["grid", "lhs", "zip"] = args.method or ("lhs" if args.samples is not None else "grid")
    if args.samples is not None and method != "lhs":
        raise SMAModelError(f"--samples is for --method lhs; a {method} has one sample per value given")
    if method == "lhs" and args.samples is None:
        raise SMAModelError("--method lhs needs --samples N")
    if args.plot and (method == "lhs" or len(args.vary) < 2):
        raise SMAModelError("--plot draws a heat map over the first two --vary of a grid: give two or more")
    base = chosen_scenario(args)
    if method == "zip" and any(isinstance(spec, tuple) for _, spec in args.vary):
        raise SMAModelError("--method zip takes lists of values (PATH=V1,V2,...), one per sample, not ranges")
    parameters = {
        path: (list(spec) if method == "lhs" else _grid_values(base, path, spec, args.points))
        for path, spec in args.vary
    }
    currency = args.currency.upper()
    result = sweep(
        base,
        parameters,
        method=method,
        n=args.samples,
        rng=args.seed,
        threshold=args.threshold,
        currency=currency,
        progress=progress_setting(args),
    )
    kind = {"grid": "a grid", "lhs": "a Latin hypercube", "zip": "paired values"}[method]
    seed = f", seed {result.inputs['seed']}" if method == "lhs" else ""
    emit(f"{_head(result, base)}: {kind} over {', '.join(result.inputs['parameters'])}{seed}")
    emit("")
    if result.n <= ROWS_SHOWN:
        emit(_sample_rows(result, currency, args))
        emit("")
    emit(_outcomes(result.summary(), currency, args))
    _threshold_line(result, args)
    show_notes(args, [f"the run took {result.elapsed:.2f} s"])
    if result.n > ROWS_SHOWN and not args.csv:
        emit(f"({result.n:,} samples; --csv FILE writes one row per sample)")
    if args.csv:
        write_csv(args.csv, result.frame)
    if args.plot:
        outcome = f"total_{currency.lower()}"
        title = f"{base.name}: the total payment over the grid"
        write_figure(args, lambda ax: result.plot(ax=ax, outcome=outcome), title)


def _cmd_montecarlo(args: argparse.Namespace) -> None:
    check_outputs(args)
    if not args.dist:
        raise SMAModelError(
            "montecarlo needs at least one --dist, e.g. --dist usd_krw=log_random_walk:sd=0.06"
        )
    base = chosen_scenario(args)
    currency = args.currency.upper()
    streamed = args.samples > MAX_KEPT_PATHS
    if streamed and args.csv:
        raise SMAModelError(
            f"--csv writes one row per sample, and a run of more than {MAX_KEPT_PATHS:,} samples streams "
            "statistics instead of keeping rows; run fewer --samples to write them"
        )
    result = monte_carlo(
        base,
        n=args.samples,
        rng=args.seed,
        uncertainties=dict(args.dist),
        correlation=dict(args.correlate) if args.correlate else None,
        threshold=args.threshold,
        currency=currency,
        keep="stats" if streamed else "paths",
        progress=progress_setting(args),
    )
    emit(f"{_head(result, base)}, seed {result.inputs['seed']}")
    for name, process in result.inputs["uncertainties"].items():
        given = ", ".join(f"{k}={v:g}" for k, v in process.items() if k != "kind" and v is not None)
        emit(f"  {name}: {process['kind']}({given})")
    emit("")
    emit(_percentile_table(result, args))
    emit("")
    emit(_outcomes(result.summary(), currency, args))
    _threshold_line(result, args)
    notes = [f"the run took {result.elapsed:.2f} s"]
    if streamed:
        error = f"{result.percentile_error:.2%} (+1 {currency})"
        notes.append(f"over {MAX_KEPT_PATHS:,} samples, percentiles are streamed: within {error} of exact")
    show_notes(args, notes)
    if args.csv:
        write_csv(args.csv, result.frame)
    if args.plot:
        central = project(base)
        title = f"{base.name}: {result.n:,} futures"
        write_figure(args, lambda ax: result.plot(ax=ax, baseline=central), title)


def _head(result: SweepResult, base: Scenario) -> str:
    return f"{result.kind} of {result.n:,} samples of {base.name!r}, {result.years[0]}-{result.years[-1]}"


def _money_cells(values: pd.Series, currency: str, korean: bool) -> list[str]:
    return ["NaN" if pd.isna(v) else format_money(v, currency, korean) for v in values]


def _sample_rows(result: SweepResult, currency: str, args: argparse.Namespace) -> str:
    """One row per sample: the parameters as given, the outcomes in printed figures."""
    frame = result.frame.set_index("sample")
    shown = pd.DataFrame(index=frame.index)
    for path in result.inputs["parameters"]:
        shown[path] = [f"{v:.6g}" for v in frame[path]]
    currencies = ("KRW", "USD") if args.both else (currency,)
    for outcome in ("total", "final_payment"):
        for code in currencies:
            shown[f"{outcome}_{code.lower()}"] = _money_cells(
                frame[f"{outcome}_{code.lower()}"], code, args.korean
            )
    if "first_year_over_threshold" in frame:
        shown["first_year_over"] = [
            "never" if pd.isna(y) else str(y) for y in frame["first_year_over_threshold"]
        ]
    return format_table(shown)


def _outcomes(summary: pd.DataFrame, currency: str, args: argparse.Namespace) -> str:
    """Mean and percentiles of each outcome across samples, in printed figures."""
    rows = [o for o in summary.index if args.both or str(o).endswith(currency.lower())]
    shown = pd.DataFrame(
        {
            column: [format_money(summary.loc[o, column], str(o)[-3:], args.korean) for o in rows]
            for column in summary.columns
        },
        index=pd.Index(rows, name="across samples"),
    )
    return shown.to_string(justify="right")


def _percentile_table(result: SweepResult, args: argparse.Namespace) -> str:
    """Each year's payment at the chosen percentiles, and how many samples have passed the threshold."""
    table = result.percentiles(args.percentiles)
    shown = table.apply(lambda column: _money_cells(column, result.currency, args.korean))
    threshold = result.inputs.get("threshold")
    if threshold is not None:
        over = result.probability_over()
        shown[f"over {format_money(threshold, result.currency)} so far"] = [
            format_percent(p, decimals=1) for p in over.reindex(table.index)
        ]
    shown.columns.name = f"payment_{result.currency.lower()}"
    return shown.to_string(justify="right")


def _threshold_line(result: SweepResult, args: argparse.Namespace) -> None:
    threshold = result.inputs.get("threshold")
    if threshold is None:
        return
    last = int(result.years[-1])
    share = float(result.probability_over(by_year=last))
    money = format_money(threshold, result.currency, args.korean)
    emit(f"{format_percent(share, decimals=1)} of samples pay over {money} in some year by {last}")


def _percentiles(text: str) -> list[float]:
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: write percentiles as 5,50,95") from None
    if not values or not all(0 <= v <= 100 for v in values):
        raise argparse.ArgumentTypeError(f"{text!r}: percentiles run from 0 to 100")
    return values


def _run_options(p: argparse.ArgumentParser, samples: int | None) -> None:
    """Options both runs share: changes, samples and seed, threshold, currency, outputs, progress."""
    add_changes(p)
    default = "" if samples is None else f" (default {samples:,})"
    p.add_argument("--samples", type=int, default=samples, metavar="N", help=f"number of samples{default}")
    p.add_argument("--seed", type=int, help="random seed: the same seed gives the same numbers")
    p.add_argument(
        "--threshold",
        type=amount,
        metavar="AMOUNT",
        help="a yearly payment in --currency, e.g. 1.8tn or 1.5bn",
    )
    p.add_argument("--currency", choices=["krw", "usd", "KRW", "USD"], default="krw")
    p.add_argument("--both", action="store_true", help="also show outcomes in the other currency")
    p.add_argument("--korean", action="store_true", help="amounts in Korean units (1조 5,192억 원)")
    p.add_argument("--csv", metavar="CSV", help="write one row per sample (full precision) to this file")
    p.add_argument(
        "--progress", action="store_true", help="show a progress bar on stderr even when not a terminal"
    )
    p.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="print notes on stderr"
    )


def add_parsers(sub: Any) -> None:
    """Add ``sweep`` and ``montecarlo`` to ``sub`` (the parser's subparsers)."""
    grid = sub.add_parser("sweep", help="project a scenario over many values of its fields")
    grid.add_argument("scenario", help="preset name or YAML/JSON file")
    grid.add_argument(
        "--vary",
        metavar="PATH=LOW:HIGH",
        action="append",
        type=varied,
        required=True,
        help="a field and its range (LOW:HIGH) or values (V1,V2,...); repeatable",
    )
    grid.add_argument("--method", choices=["grid", "lhs", "zip"], help="default grid, or lhs with --samples")
    grid.add_argument("--points", type=int, default=5, help="values per range on a grid (default 5)")
    _run_options(grid, None)
    grid.add_argument("--plot", metavar="PNG", help="write a heat map of the total over the first two --vary")
    grid.set_defaults(run=_cmd_sweep)

    mc = sub.add_parser("montecarlo", help="project a scenario under random paths of its macro series")
    mc.add_argument("scenario", help="preset name or YAML/JSON file")
    mc.add_argument(
        "--dist",
        metavar="NAME=KIND:K=V,...",
        action="append",
        type=distribution,
        help="a series and its process, e.g. cpi=ar1:mean=0.02,phi=0.5,sd=0.01; repeatable",
    )
    mc.add_argument(
        "--correlate", metavar="A,B=RHO", action="append", type=_correlation, help="correlated shocks"
    )
    mc.add_argument(
        "--percentiles", type=_percentiles, default=[5.0, 50.0, 95.0], help="per year (default 5,50,95)"
    )
    _run_options(mc, 10_000)
    mc.add_argument("--plot", metavar="PNG", help="write a fan chart with the central case to this file")
    mc.set_defaults(run=_cmd_montecarlo)
