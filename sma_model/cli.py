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

import pandas as pd
from pydantic import ValidationError

from sma_model._files import save_figure, write_atomic
from sma_model.analysis.backtest import backtest
from sma_model.analysis.comparison import DEFAULT_DISCOUNT_RATE, compare
from sma_model.analysis.projection import Projection, project
from sma_model.errors import SMAModelError
from sma_model.io import dump_scenario, load_scenario, scenario_schema
from sma_model.model.scenario import Scenario
from sma_model.record import payments, presets
from sma_model.units import TABLE_UNITS, format_amounts

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


def _with_horizon(scenario: Scenario, horizon: int | None) -> Scenario:
    if horizon is None:
        return scenario
    return Scenario.model_validate({**scenario.model_dump(), "horizon": horizon})


def _print(text: str) -> None:
    sys.stdout.write(text.rstrip("\n") + "\n")


def _in_currency(summary: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The summary's columns in one currency (and those in none), for a narrow terminal table."""
    other = "_usd" if currency == "KRW" else "_krw"
    keep = [c for c in summary.columns if not c.removesuffix("_real").endswith(other)]
    return format_amounts(summary[keep])


def _show_projection(
    proj: Projection,
    args: argparse.Namespace,
    summary: pd.DataFrame | None = None,
    frame: pd.DataFrame | None = None,
    footnote: str | None = None,
) -> None:
    currency = args.currency.upper()
    summary = proj.summary(growth_currency=currency) if summary is None else summary
    with pd.option_context(
        "display.width", 200, "display.max_columns", 20, "display.float_format", "{:,.1f}".format
    ):
        _print(proj.table(currency, real=args.real).to_string())
        _print("")
    with pd.option_context(
        "display.width", 200, "display.max_columns", 20, "display.float_format", "{:,.2f}".format
    ):
        _print(_in_currency(summary, currency).to_string())
    if footnote:
        _print(footnote)
    for note in proj.notes:
        _print(f"note: {note}")
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
    scenario = _with_horizon(_scenario(args.scenario), args.horizon)
    _show_projection(project(scenario), args)


def _cmd_compare(args: argparse.Namespace) -> None:
    _check_outputs(args)
    refs = args.scenarios or list(presets.DEFAULT_COMPARISON)
    if args.baseline and args.baseline not in refs:
        refs.insert(0, args.baseline)
    scenarios = [_with_horizon(_scenario(ref), args.horizon) for ref in refs]
    proj = project(scenarios)
    baseline = _scenario(args.baseline).name if args.baseline else proj.names[0]
    comparison = compare(proj, baseline=baseline, discount_rate=args.discount_rate)
    summary = comparison.summary(real=args.real, currency=args.currency).drop(
        columns=[c for c in comparison.summary(real=args.real).columns if c.startswith("final_payment")]
    )
    prices = f"{proj.price_base_year} prices" if args.real else "nominal"
    footnote = (
        f"(differences against {baseline!r}, {prices}; NPV at {comparison.discount_rate:.1%} a year)"
        + "".join(f"\nnote: {note}" for note in comparison.notes[len(proj.notes) :])
    )
    _show_projection(proj, args, summary=summary, frame=comparison.frame, footnote=footnote)


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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sma-model",
        description="Project South Korea's payments under the Special Measures Agreement.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("presets", help="list the named scenarios").set_defaults(run=_cmd_presets)
    show = sub.add_parser("show", help="print a preset or scenario file as YAML")
    show.add_argument("name", help="preset name or scenario file")
    show.set_defaults(run=_cmd_show)

    def output_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--horizon", type=int, help="last year to project")
        p.add_argument("--currency", choices=["krw", "usd", "KRW", "USD"], default="krw")
        p.add_argument("--real", action="store_true", help="constant prices of the last CPI year")
        p.add_argument("--plot", metavar="PNG", help="write payment curves to this file")
        p.add_argument("--csv", metavar="CSV", help="write the tidy frame to this file")

    proj = sub.add_parser("project", help="project one preset or scenario file")
    proj.add_argument("scenario", help="preset name or YAML/JSON file")
    output_options(proj)
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
    output_options(compare)
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
