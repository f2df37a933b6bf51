"""The parser of ``sma-model`` and the run of one command line: exit codes and one-line errors."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import ValidationError

from sma_model.cli import burden, goals, hosts, projections, runs
from sma_model.errors import SMAModelError

__all__ = ["parser", "run"]


def parser() -> argparse.ArgumentParser:
    """The ``sma-model`` parser, with every subcommand."""
    top = argparse.ArgumentParser(
        prog="sma-model",
        description="Project South Korea's payments under the Special Measures Agreement.",
    )
    top.add_argument("-v", "--verbose", action="store_true", help="print notes on stderr")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    projections.add_parsers(sub)
    runs.add_parsers(sub)
    goals.add_parsers(sub)
    burden.add_parsers(sub)
    hosts.add_parsers(sub)
    return top


def run(argv: Sequence[str] | None, save_figure: Callable[[Any, Any], Any]) -> int:
    """Parse ``argv``, run the command and return its exit code; figures are saved with ``save_figure``."""
    args = parser().parse_args(argv)
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
