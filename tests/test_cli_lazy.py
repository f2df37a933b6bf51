"""A command line loads only its subcommand's module, and parses exactly as the whole parser does.

``sma-model compare`` has no use for the sweeps behind ``sweep``: :mod:`sma_model.cli._app`
builds the parser of the subcommand's module alone, and the whole parser when the command
line asks for help, names no known subcommand, or has options before it other than ``-v``.
How long a command line takes is measured by ``python benchmarks/run.py``, not here.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import textwrap

import pytest

import sma_model.cli as cli
from sma_model.cli import _app
from sma_model.record import presets

#: Command lines of every subcommand module; each parses to the same namespace either way.
COMMAND_LINES = [
    ["compare", "status-quo", "demand-5b", "--plot", "x.png", "--real", "--cpi", "0.03"],
    ["-v", "project", "status-quo", "--set", "horizon=2040", "--korean"],
    ["--verbose", "presets"],
    ["show", "lapse"],
    ["report", "-o", "page.html", "status-quo"],
    ["sweep", "status-quo", "--vary", "assumptions.cpi=0.01:0.04", "--points", "3"],
    ["montecarlo", "status-quo", "--dist", "cpi=ar1:mean=0.02,phi=0.5,sd=0.01"],
    ["solve", "rate", "status-quo", "--target", "2tn", "--by", "2030"],
    ["burden", "status-quo", "--year", "2026"],
    ["hosts", "--to", "2030", "--measure", "usd_per_troop"],
]


def _subcommands(parser: argparse.ArgumentParser) -> list[str]:
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(sub.choices)


def test_the_table_names_every_subcommand_in_the_order_of_help():
    assert _subcommands(_app.parser()) == list(_app.COMMANDS)
    assert len(_app.COMMANDS) == 13
    assert _app.MODULES == ("projections", "runs", "goals", "burden", "hosts")


@pytest.mark.parametrize("argv", COMMAND_LINES, ids=lambda argv: " ".join(argv))
def test_a_subcommands_parser_parses_as_the_whole_parser(argv):
    command = _app._command(argv)
    assert command == next(token for token in argv if not token.startswith("-"))
    alone = _app.parser(command)
    assert _subcommands(alone) == [c for c, m in _app.COMMANDS.items() if m == _app.COMMANDS[command]]
    assert vars(alone.parse_args(argv)) == vars(_app.parser().parse_args(argv))


@pytest.mark.parametrize(
    "argv",
    [[], ["-h", "compare"], ["--verb", "compare"], ["--", "presets"], ["nosuch"], ["-v"], ["-vh", "show"]],
)
def test_help_and_unknown_command_lines_get_the_whole_parser(argv):
    assert _app._command(argv) is None


def test_an_unknown_subcommand_lists_all_thirteen(capsys):
    with pytest.raises(SystemExit) as exit:
        cli.main(["nosuch"])
    assert exit.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'nosuch'" in err
    assert all(repr(command) in err for command in _app.COMMANDS)


def test_help_lists_every_subcommand(capsys):
    with pytest.raises(SystemExit) as exit:
        cli.main(["-h", "compare"])  # the top-level help, not compare's
    assert exit.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: sma-model [-h] [-v] COMMAND ...")
    assert all(f"\n    {command} " in out for command in _app.COMMANDS)


def test_the_subcommand_modules_are_attributes_on_first_use():
    assert cli.runs.varied("assumptions.cpi=0.01:0.04") == ("assumptions.cpi", (0.01, 0.04))
    assert cli.projections.LOG_SCALE_RATIO == 4.0
    with pytest.raises(AttributeError, match="no_such_module"):
        cli.no_such_module  # noqa: B018


def test_a_command_line_loads_only_its_subcommands_module():
    code = """
        import sys
        from sma_model.cli import main
        assert main(["presets"]) == 0
        others = ("sma_model.cli.runs", "sma_model.cli.goals", "sma_model.cli.burden", "sma_model.cli.hosts")
        loaded = [m for m in (*others, "sma_model.sweeps") if m in sys.modules]
        assert not loaded, loaded
        assert "sma_model.cli.projections" in sys.modules
        """
    env = {**os.environ, "MPLBACKEND": "Agg"}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert [line.split()[0] for line in done.stdout.splitlines()] == presets.names()
