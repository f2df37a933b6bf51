"""What every subcommand shares: scenarios by name or file, changes, output files, notes, amounts."""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from sma_model._files import load_yaml, write_atomic
from sma_model.errors import MissingExtraError, ParameterPathError, SMAModelError, YAMLInputError
from sma_model.io import load_scenario
from sma_model.model.scenario import Scenario
from sma_model.plotting.style import style_context
from sma_model.record import presets

__all__ = [
    "SHORTHANDS",
    "add_changes",
    "amount",
    "changed",
    "changes",
    "check_outputs",
    "check_path",
    "chosen_scenario",
    "emit",
    "progress_setting",
    "scenario",
    "show_notes",
    "write_csv",
    "write_figure",
    "wrote",
]

#: File endings of spreadsheets, which ``--csv`` refuses (it writes CSV text).
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")

#: The shorthand flags and the parameter paths they set (``--cpi 0.025`` is ``--set assumptions.cpi=0.025``).
SHORTHANDS = {
    "cpi": "assumptions.cpi",
    "usd_krw": "assumptions.usd_krw",
    "defense_growth": "assumptions.defense_budget_growth",
    "horizon": "horizon",
}

#: Scale words an amount on the command line may end in: ``1.8tn``, ``5bn``, ``880m``.
_SCALES = {"": 1.0, "k": 1e3, "m": 1e6, "b": 1e9, "bn": 1e9, "t": 1e12, "tn": 1e12}
_AMOUNT = re.compile(r"^\s*([+-]?(?:\d[\d,_]*)?\.?\d*(?:e[+-]?\d+)?)\s*([a-z]*)\s*$", re.IGNORECASE)


def emit(text: str) -> None:
    """Print ``text`` on standard output, ending in exactly one newline."""
    sys.stdout.write(text.rstrip("\n") + "\n")


def scenario(ref: str) -> Scenario:
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


def add_changes(p: argparse.ArgumentParser) -> None:
    """``--set`` and the shorthands ``--cpi``, ``--usd-krw``, ``--defense-growth``, ``--horizon``."""
    group = p.add_argument_group("changes to every scenario (validated; see README, Variants)")
    group.add_argument(
        "--set",
        metavar="PATH=VALUE",
        action="append",
        type=_setting,
        help="set a field, e.g. agreements[0].escalation.cap=0.04 (repeatable; the value is YAML)",
    )
    group.add_argument("--cpi", type=float, help="ROK CPI inflation after the record [fraction]")
    group.add_argument("--usd-krw", type=float, help="won per dollar after the record")
    group.add_argument(
        "--defense-growth", type=float, help="ROK defense-budget growth after the record [fraction]"
    )
    group.add_argument("--horizon", type=int, help="last year to project")


def changes(args: argparse.Namespace) -> dict[str, Any]:
    """The changes the flags ask for: the shorthands, then ``--set`` (which wins on the same path)."""
    found = {
        path: getattr(args, flag) for flag, path in SHORTHANDS.items() if getattr(args, flag) is not None
    }
    found.update(dict(args.set or []))
    return found


def changed(base: Scenario, found: dict[str, Any]) -> Scenario:
    """``base`` with the changes of the flags (validated), or ``base`` itself when there are none."""
    if not found:
        return base
    try:
        return base.with_changes(found)
    except ParameterPathError as exc:
        raise ParameterPathError(f"--set on {base.name!r}: {exc}") from None


def chosen_scenario(args: argparse.Namespace) -> Scenario:
    """The scenario ``args.scenario`` names (a preset or a file), with the flags' changes."""
    return changed(scenario(args.scenario), changes(args))


def amount(text: str) -> float:
    """An amount from the command line [whole won or dollars]: ``2e12``, ``1,800bn``, ``5bn``, ``880m``.

    The scale words are ``k`` (10^3), ``m`` (10^6), ``b``/``bn`` (10^9) and ``t``/``tn`` (10^12).
    """
    match = _AMOUNT.match(text)
    word = match.group(2).lower() if match else ""
    if not match or word not in _SCALES or not re.search(r"\d", match.group(1)):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an amount; write a number, optionally with k, m, bn or tn (e.g. 5bn, 1.8tn)"
        )
    return float(match.group(1).replace(",", "").replace("_", "")) * _SCALES[word]


def show_notes(args: argparse.Namespace, notes: Iterable[str]) -> None:
    """Notes go to stderr, and only with ``-v``, so the tables on stdout stay clean."""
    if getattr(args, "verbose", False):
        sys.stdout.flush()
        for note in dict.fromkeys(notes):  # once each, in order
            sys.stderr.write(f"note: {note}\n")


def check_outputs(args: argparse.Namespace) -> None:
    """Refuse a bad ``--plot``, ``--csv`` or ``--xlsx`` before any work, so nothing is half done."""
    from matplotlib.backend_bases import FigureCanvasBase  # the formats of a new Figure's canvas

    plot, csv, xlsx = (getattr(args, name, None) for name in ("plot", "csv", "xlsx"))
    if plot:
        formats = FigureCanvasBase.get_supported_filetypes()
        suffix = Path(plot).suffix.lstrip(".").lower()
        if suffix not in formats:
            endings = ", ".join("." + f for f in sorted(formats))
            raise SMAModelError(f"--plot {plot}: the file name must end in one of {endings}")
    if csv and Path(csv).suffix.lower() in SPREADSHEET_SUFFIXES:
        instead = (
            f"use --xlsx {csv} for a workbook"
            if hasattr(args, "xlsx")
            else "give a name ending in .csv (spreadsheets open it)"
        )
        raise SMAModelError(
            f"--csv {csv}: --csv writes CSV text, not a {Path(csv).suffix} workbook; {instead}"
        )
    if xlsx:
        if Path(xlsx).suffix.lower() != ".xlsx":
            raise SMAModelError(f"--xlsx {xlsx}: the file name must end in .xlsx")
        if importlib.util.find_spec("openpyxl") is None:  # known before any work is done
            raise MissingExtraError(f"--xlsx {xlsx}: writing Excel files", "excel", "openpyxl")
    for option, value in (("--plot", plot), ("--csv", csv), ("--xlsx", xlsx)):
        if value:
            check_path(option, value)


def check_path(option: str, value: str) -> None:
    """Refuse an output path that is a folder or lies in a folder that does not exist."""
    path = Path(value)
    try:
        if path.is_dir():
            raise SMAModelError(f"{option} {value}: that is a folder; give a file name")
        if not path.resolve().parent.is_dir():
            raise SMAModelError(f"{option} {value}: the folder {path.parent} does not exist; create it first")
    except OSError as exc:
        raise SMAModelError(f"{option} {value}: {exc.strerror or exc}") from None


def write_csv(path: str, frame: pd.DataFrame) -> None:
    """Write ``frame`` (full precision, no index) to ``path`` and say so."""
    sys.stdout.flush()  # what is printed comes first when the file is /dev/stdout
    write_atomic(path, frame.to_csv(index=False))
    wrote(path)


def wrote(path: str) -> None:
    """Say that ``path`` was written (after what is printed, when the file is /dev/stdout)."""
    emit(f"wrote {path}")


def write_figure(args: argparse.Namespace, draw: Callable[[Any], Any], title: str) -> None:
    """Draw on a new figure in the package style and save it to ``args.plot``.

    ``draw`` takes the Axes. The figure is saved through ``args.save_figure`` (set by
    :func:`sma_model.cli.main`: :func:`sma_model._files.save_figure`, atomically).
    """
    from matplotlib.figure import Figure

    with style_context():  # the package style, for the figure as well as what is drawn on it
        figure = Figure(figsize=(9, 5), layout="constrained")
        ax = figure.subplots()
        draw(ax)
        ax.set_title(title)
        args.save_figure(figure, Path(args.plot))
    emit(f"wrote {args.plot}")


def progress_setting(args: argparse.Namespace) -> bool | None:
    """The ``progress`` argument of a run: a bar on stderr when it is a terminal or with ``--progress``.

    The bar is tqdm's (``pip install 'sma-model[sweep]'``); without tqdm there is no bar and
    no error (a note with ``-v``). None lets the run show the bar only when it looks longer
    than 2 s; True (``--progress``) shows it from the second chunk of any run of several.
    """
    if not (args.progress or _is_terminal(sys.stderr)):
        return False
    try:
        import tqdm  # noqa: F401  (only whether it is there)
    except ImportError:
        show_notes(args, ["no progress bar: tqdm is not installed (pip install 'sma-model[sweep]')"])
        return False
    return True if args.progress else None


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # replaced or closed
        return False
