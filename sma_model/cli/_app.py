"""The parser of ``sma-model`` and the run of one command line: exit codes and one-line errors.

A command line loads only the module of its subcommand (``compare`` loads
:mod:`~sma_model.cli.projections`, not the sweeps behind ``sweep``), as the package
loads its names on first use; ``--help``, a missing or unknown subcommand, and any
option before the subcommand other than ``-v`` load them all, so every message and
help text is the one the whole parser gives.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from pydantic import ValidationError

from sma_model.errors import SMAModelError

__all__ = ["COMMANDS", "MODULES", "command_module", "parser", "run"]

#: Each subcommand and the module of :mod:`sma_model.cli` that adds and runs it.
COMMANDS = {
    **dict.fromkeys(
        ("presets", "show", "project", "compare", "report", "backtest", "record", "schema"), "projections"
    ),
    "sweep": "runs",
    "montecarlo": "runs",
    "solve": "goals",
    "burden": "burden",
    "hosts": "hosts",
}
#: The subcommand modules, in the order ``--help`` lists their subcommands.
MODULES = tuple(dict.fromkeys(COMMANDS.values()))
#: The options the top-level parser takes before a subcommand without needing every module.
_BEFORE_COMMAND = ("-v", "--verbose")


def command_module(name: str) -> ModuleType:
    """The subcommand module ``sma_model.cli.<name>`` (one of :data:`MODULES`), imported on first use."""
    if name not in MODULES:
        raise AttributeError(f"module 'sma_model.cli' has no attribute {name!r}")
    return importlib.import_module(f"sma_model.cli.{name}")


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``sma-model`` parser: with every subcommand, or only those of ``command``'s module.

    Parameters
    ----------
    command
        A subcommand (a key of :data:`COMMANDS`): the parser holds the subcommands of its
        module only, and parses a command line of that subcommand exactly as the whole
        parser does. None (or an unknown name) gives the whole parser.
    """
    top = argparse.ArgumentParser(
        prog="sma-model",
        description="Project South Korea's payments under the Special Measures Agreement.",
    )
    top.add_argument("-v", "--verbose", action="store_true", help="print notes on stderr")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in (COMMANDS[command],) if command in COMMANDS else MODULES:
        command_module(name).add_parsers(sub)
    return top


def _command(argv: Sequence[str]) -> str | None:
    """The subcommand of ``argv`` when only ``-v`` comes before it; else None (the whole parser)."""
    for token in argv:
        if token not in _BEFORE_COMMAND:
            return token if token in COMMANDS else None
    return None


def run(argv: Sequence[str] | None, save_figure: Callable[[Any, Any], Any]) -> int:
    """Parse ``argv``, run the command and return its exit code; figures are saved with ``save_figure``."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser(_command(argv)).parse_args(argv)
    args.save_figure = save_figure
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
