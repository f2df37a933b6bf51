"""The ``sma-model`` command.

One module per group of subcommands: :mod:`~sma_model.cli.projections` (``presets``,
``show``, ``project``, ``compare``, ``report``, ``backtest``, ``record``, ``schema``),
:mod:`~sma_model.cli.runs` (``sweep``, ``montecarlo``), :mod:`~sma_model.cli.goals`
(``solve``), :mod:`~sma_model.cli.burden` (``burden``) and :mod:`~sma_model.cli.hosts`
(``hosts``); :mod:`~sma_model.cli._common` holds what they share.

A command line imports only the module of its subcommand (see :mod:`~sma_model.cli._app`);
the others load on first use, as attributes too (``sma_model.cli.runs``).

Exit codes: 0 success, 1 a modelling error (bad scenario, missing assumption, bad
file), 2 a usage error (argparse).
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

from sma_model._files import save_figure as save_figure
from sma_model.cli import _app

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    Every failure is one line on standard error (``sma-model: error: ...``) and exit
    code 1: a modelling error, a file that cannot be read or written, a full disk or a
    closed pipe on standard output. Figures are saved through this module's
    ``save_figure`` (looked up at each call, so a test or an embedding program may
    replace it).

    Parameters
    ----------
    argv
        The arguments after the program name; None reads ``sys.argv``.

    Returns
    -------
    int
        The exit code.
    """
    return _app.run(argv, save_figure)


def __getattr__(name: str) -> ModuleType:
    """A subcommand module (``projections``, ``runs``, ``goals``, ``burden``, ``hosts``) on first use."""
    module = _app.command_module(name)  # AttributeError for any other name
    globals()[name] = module
    return module
