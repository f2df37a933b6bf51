"""The ``sma-model`` command.

Exit codes: 0 success, 1 a modelling error (bad scenario, missing assumption, bad
file), 2 a usage error (argparse).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from sma_model._files import load_yaml, save_figure, write_atomic
from sma_model.analysis.backtest import backtest
from sma_model.analysis.comparison import DEFAULT_DISCOUNT_RATE, compare
from sma_model.analysis.projection import Projection, one_off_jumps, project
from sma_model.errors import ParameterPathError, SMAModelError, YAMLInputError
from sma_model.formatting import format_summary
from sma_model.io import dump_scenario, load_scenario, scenario_schema
from sma_model.model.scenario import Scenario
from sma_model.plotting.style import style_context
from sma_model.record import payments, presets
from sma_model.units import TABLE_UNITS

__all__ = ["main"]


def _scenario(ref: str) -> Scenario:
    """A preset name, or a path to a YAML/JSON scenario file."""
    if ref in presets.names():
        return presets.get(ref)
    if Path(ref).suffix.lower() in (".yaml", ".yml", ".json") or _exists(ref):
        return load_scenario(ref)
    return presets.get(ref)  # raises with the list of known presets


def _exists(ref: str) -> bool:
    try:
        return Path(ref).exists()
    except (OSError, ValueError):  # a name too long for a path, or holding a NUL
        return False


#: The shorthand flags and the parameter paths they set (``--cpi 0.025`` is ``--set assumptions.cpi=0.025``).
SHORTHANDS = {
    "cpi": "assumptions.cpi",
    "usd_krw": "assumptions.usd_krw",
    "defense_growth": "assumptions.defense_budget_growth",
    "horizon": "horizon",
}


def _setting(text: str) -> tuple[str, Any]:
    """``PATH=VALUE`` from ``--set``; the value is read as YAML (``0.04``, ``null``, ``{2027: 0.03}``)."""
    path, sep, value = text.partition("=")
    if not sep or not path.strip():
        raise argparse.ArgumentTypeError(
            f"{text!r}: write PATH=VALUE, e.g. agreements[0].escalation.cap=0.04"
        )
    try:
        return path.strip(), load_yaml(value) if value.strip() else None
    except YAMLInputError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: the value is not valid YAML: {exc.problem}") from None


def _changes(args: argparse.Namespace) -> dict[str, Any]:
    """The changes the flags ask for: the shorthands, then ``--set`` (which wins on the same path)."""
    changes = {
        path: getattr(args, flag) for flag, path in SHORTHANDS.items() if getattr(args, flag) is not None
    }
    changes.update(dict(args.set or []))
    return changes


def _changed(scenario: Scenario, changes: dict[str, Any]) -> Scenario:
    if not changes:
        return scenario
    try:
        return scenario.with_changes(changes)
    except ParameterPathError as exc:
        raise ParameterPathError(f"--set on {scenario.name!r}: {exc}") from None


def _print(text: str) -> None:
    sys.stdout.write(text.rstrip("\n") + "\n")


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


def _show_projection(
    proj: Projection,
    args: argparse.Namespace,
    summary: pd.DataFrame,
    jumps: dict[str, list[int]],
    frame: pd.DataFrame | None = None,
    footnote: str | None = None,
    notes: Sequence[str] = (),
) -> None:
    currency = args.currency.upper()
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        _print(proj.table(currency, real=args.real, korean=args.korean, text=True).to_string())
        _print("")
        _print(format_summary(_in_currency(summary, currency), korean=args.korean, jumps=jumps))
    if footnote:
        _print(footnote)
    if args.verbose:  # notes are for those who ask: on stderr, so the table stays clean
        sys.stdout.flush()
        for note in [*proj.notes, *notes, *summary.attrs.get("notes", [])]:
            sys.stderr.write(f"note: {note}\n")
    if args.csv:
        sys.stdout.flush()  # what is printed comes first when --csv is /dev/stdout
        write_atomic(args.csv, (proj.frame if frame is None else frame).to_csv(index=False))
        _print(f"wrote {args.csv}")
    if args.plot:
        _write_plot(proj, Path(args.plot), currency, args.real)


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse a bad --plot or --csv before any work, so nothing is half done."""
    from matplotlib.figure import Figure

    if args.plot:
        formats = Figure().canvas.get_supported_filetypes()
        suffix = Path(args.plot).suffix.lstrip(".").lower()
        if suffix not in formats:
            endings = ", ".join("." + f for f in sorted(formats))
            raise SMAModelError(f"--plot {args.plot}: the file name must end in one of {endings}")
    for option, value in (("--plot", args.plot), ("--csv", args.csv)):
        if not value:
            continue
        path = Path(value)
        try:
            if path.is_dir():
                raise SMAModelError(f"{option} {value}: that is a folder; give a file name")
            folder = path.resolve().parent
            if not folder.is_dir():
                raise SMAModelError(
                    f"{option} {value}: the folder {path.parent} does not exist; create it first"
                )
        except OSError as exc:
            raise SMAModelError(f"{option} {value}: {exc.strerror or exc}") from None


def _write_plot(proj: Projection, path: Path, currency: str, real: bool) -> None:
    from matplotlib.figure import Figure

    with style_context():  # the package style, for the figure as well as what is drawn on it
        figure = Figure(figsize=(9, 5), layout="constrained")
        ax = figure.subplots()
        proj.plot(ax=ax, currency=currency, real=real)
        ax.set_title("South Korea's SMA payments: scenarios")
        save_figure(figure, path)
    _print(f"wrote {path}")


def _cmd_presets(args: argparse.Namespace) -> None:
    for name in presets.names():
        _print(f"{name:18} {presets.describe(name)}")


def _cmd_show(args: argparse.Namespace) -> None:
    text = dump_scenario(_scenario(args.name))
    if args.name in presets.names():
        text = f"# {presets.describe(args.name)}\n{text}"
    _print(text)


def _cmd_project(args: argparse.Namespace) -> None:
    _check_outputs(args)
    proj = project(_changed(_scenario(args.scenario), _changes(args)))
    currency = args.currency.upper()
    _show_projection(proj, args, _project_summary(proj, currency, args.real), one_off_jumps(proj))


def _cmd_compare(args: argparse.Namespace) -> None:
    _check_outputs(args)
    refs = args.scenarios or list(presets.DEFAULT_COMPARISON)
    if args.baseline and args.baseline not in refs:
        refs.insert(0, args.baseline)
    changes = _changes(args)
    proj = project([_changed(_scenario(ref), changes) for ref in refs])
    baseline = proj.names[refs.index(args.baseline)] if args.baseline else proj.names[0]
    comparison = compare(proj, baseline=baseline, discount_rate=args.discount_rate)
    summary = comparison.summary(real=args.real, currency=args.currency)
    summary = summary.drop(columns=[c for c in summary.columns if c.startswith("final_payment")])
    prices = f"{proj.price_base_year} prices" if args.real else "nominal"
    footnote = f"(differences against {baseline!r}, {prices}; NPV at {comparison.discount_rate:.1%} a year)"
    notes = comparison.notes[len(proj.notes) :]
    _show_projection(proj, args, summary, comparison.jumps(), comparison.frame, footnote, notes)


def _cmd_schema(args: argparse.Namespace) -> None:
    _print(json.dumps(scenario_schema(), indent=2, ensure_ascii=False))


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
        _print(table.to_string(index=False))


def _cmd_record(args: argparse.Namespace) -> None:
    table = payments()
    table["payment_krw_bn"] = table["payment_krw"] / TABLE_UNITS["KRW"][0]
    table["payment_usd_m"] = table["payment_usd"] / TABLE_UNITS["USD"][0]
    with pd.option_context(
        "display.width", 200, "display.max_colwidth", 60, "display.float_format", "{:,.1f}".format
    ):
        _print(
            table[["year", "agreement", "payment_krw_bn", "payment_usd_m", "source"]].to_string(index=False)
        )


def _output_options(p: argparse.ArgumentParser) -> None:
    """The options of project and compare: changes to the scenarios, then what to print and write."""
    changes = p.add_argument_group("changes to every scenario (validated; see README, Variants)")
    changes.add_argument(
        "--set",
        metavar="PATH=VALUE",
        action="append",
        type=_setting,
        help="set a field, e.g. agreements[0].escalation.cap=0.04 (repeatable; the value is YAML)",
    )
    changes.add_argument("--cpi", type=float, help="ROK CPI inflation after the record [fraction]")
    changes.add_argument("--usd-krw", type=float, help="won per dollar after the record")
    changes.add_argument(
        "--defense-growth", type=float, help="ROK defense-budget growth after the record [fraction]"
    )
    changes.add_argument("--horizon", type=int, help="last year to project")
    p.add_argument("--currency", choices=["krw", "usd", "KRW", "USD"], default="krw")
    p.add_argument("--real", action="store_true", help="constant prices of the last CPI year")
    p.add_argument("--korean", action="store_true", help="amounts in Korean units (1조 5,192억 원)")
    p.add_argument("--plot", metavar="PNG", help="write payment curves to this file")
    p.add_argument("--csv", metavar="CSV", help="write the tidy frame (full precision) to this file")
    p.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="print notes on stderr"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sma-model",
        description="Project South Korea's payments under the Special Measures Agreement.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print notes on stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("presets", help="list the named scenarios").set_defaults(run=_cmd_presets)
    show = sub.add_parser("show", help="print a preset or scenario file as YAML")
    show.add_argument("name", help="preset name or scenario file")
    show.set_defaults(run=_cmd_show)

    proj = sub.add_parser("project", help="project one preset or scenario file")
    proj.add_argument("scenario", help="preset name or YAML/JSON file")
    _output_options(proj)
    proj.set_defaults(run=_cmd_project)

    compare = sub.add_parser(
        "compare",
        help="project several scenarios side by side (default: "
        + ", ".join(presets.DEFAULT_COMPARISON)
        + ")",
    )
    compare.add_argument("scenarios", nargs="*", help="preset names or scenario files")
    compare.add_argument(
        "--baseline", help="the scenario the others are measured against (default: the first)"
    )
    compare.add_argument(
        "--discount-rate",
        type=float,
        default=DEFAULT_DISCOUNT_RATE,
        help="for NPV, a fraction (default 0.03)",
    )
    _output_options(compare)
    compare.set_defaults(run=_cmd_compare)

    sub.add_parser("backtest", help="each modelled SMA beside the published payments").set_defaults(
        run=_cmd_backtest
    )
    sub.add_parser("record", help="the published yearly payments with sources").set_defaults(run=_cmd_record)
    sub.add_parser("schema", help="print the JSON Schema of scenario files").set_defaults(run=_cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    Every failure is one line on standard error (``sma-model: error: ...``) and exit
    code 1: a modelling error, a file that cannot be read or written, a full disk or a
    closed pipe on standard output.
    """
    args = _parser().parse_args(argv)
    try:
        args.run(args)
        sys.stdout.flush()
    except (SMAModelError, ValidationError) as exc:
        return _fail(str(exc))
    except BrokenPipeError:  # e.g. piped into head: the reader has what it wanted
        _drop_stdout()
        return 0
    except OSError as exc:  # e.g. standard output is /dev/full
        if exc.filename:
            return _fail(f"{exc.filename}: {exc.strerror or exc}")
        _drop_stdout()
        return _fail(f"cannot write to standard output: {exc.strerror or exc}")
    return 0


def _fail(message: str) -> int:
    sys.stderr.write(f"sma-model: error: {message}\n")
    return 1


def _drop_stdout() -> None:
    """Point standard output at /dev/null so the exit-time flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real file descriptor (e.g. under capture)
        pass


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
