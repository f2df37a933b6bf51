"""README's Python blocks run as written: plain blocks are executed, ``>>>`` blocks are doctests."""

from __future__ import annotations

import doctest
import re
import shlex
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt

README = Path(__file__).resolve().parent.parent / "README.md"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_has_python_blocks():
    assert len(_python_blocks()) >= 3


def test_readme_python_blocks_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # anything a block writes lands here
    namespace: dict[str, object] = {}
    parser = doctest.DocTestParser()
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE | doctest.IGNORE_EXCEPTION_DETAIL
    runner = doctest.DocTestRunner(optionflags=flags)
    for number, block in enumerate(_python_blocks(), start=1):
        if block.lstrip().startswith(">>>"):
            test = parser.get_doctest(block, namespace, f"README block {number}", str(README), 0)
            runner.run(test, clear_globs=False)
        else:
            exec(compile(block, f"README block {number}", "exec"), namespace)
        plt.close("all")
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} README example(s) failed; see the output above"


def test_readme_cli_output_is_what_the_cli_prints():
    """Every ``$ sma-model ...`` block in README shows exactly what the command prints."""
    text = README.read_text(encoding="utf-8")
    shown = re.findall(r"```\n\$ (sma-model [^\n]*)\n(.*?)```", text, flags=re.S)
    assert shown, "README shows no command output"
    for command, output in shown:
        args = shlex.split(command)[1:]
        result = subprocess.run(
            [sys.executable, "-m", "sma_model.cli", *args], capture_output=True, text=True, check=True
        )
        assert result.stdout == output, f"README's output of {command!r} is out of date"
