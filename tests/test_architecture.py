"""The shape of the package: layers without hidden cycles, small modules, one root.

import-linter checks the layers themselves (``lint-imports``, run by CI); these tests
check what it cannot see: imports hidden inside functions, imports of the package
root, and the size of modules and functions.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import sma_model as sma

PACKAGE = Path(sma.__file__).resolve().parent
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _own_modules_imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "sma_model"]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        if node.module.split(".")[0] == "sma_model":
            return [node.module]
    return []


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_function_imports_the_package(path):
    """A function that imports the package's own modules hides a cycle from the linters."""
    hidden = [
        f"{path.name}:{node.lineno} imports {name}"
        for function in _functions(_tree(path))
        for node in ast.walk(function)
        for name in _own_modules_imported(node)
    ]
    assert not hidden


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_the_package_root(path):
    """``import sma_model`` inside the package would load everything and close a cycle."""
    if path == PACKAGE / "__init__.py":
        return
    tree = _tree(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert all(a.name != "sma_model" for a in node.names), f"{path.name}:{node.lineno}"
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == "sma_model":
            for alias in node.names:  # only submodules may be named: ``from sma_model import _files``
                submodule = PACKAGE / alias.name
                assert submodule.is_dir() or submodule.with_suffix(".py").is_file(), (
                    f"{path.name}:{node.lineno} imports {alias.name!r} from the package root"
                )


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_hold_one_concept(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.name} has {lines} lines; split it"


def _code_lines(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of a function without its docstring."""
    lines = function.end_lineno - function.lineno + 1
    first = function.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        lines -= first.end_lineno - first.lineno + 1
    return lines


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_long_functions_say_why(path):
    """A function of more than 60 lines of code carries a ``# long:`` comment saying why."""
    source = path.read_text(encoding="utf-8").splitlines()
    unexplained = [
        f"{path.name}:{function.lineno} {function.name} ({_code_lines(function)} lines)"
        for function in _functions(_tree(path))
        if _code_lines(function) > MAX_FUNCTION_LINES
        and not any("# long:" in line for line in source[function.lineno - 1 : function.end_lineno])
    ]
    assert not unexplained


def test_the_package_ships_type_information():
    assert (PACKAGE / "py.typed").is_file()


def test_public_api_is_curated():
    """``__all__`` holds what users need and every name in it exists; engine internals stay inside."""
    for name in sma.__all__:
        assert hasattr(sma, name), name
    for internal in ("Plan", "compile_plan", "run", "iter_levels"):
        assert internal not in sma.__all__


def test_importing_the_package_loads_no_cycle():
    """Each subpackage imports on its own, in a fresh interpreter, before the package root."""
    for name in ("errors", "units", "series", "model", "record", "engine", "plotting", "analysis", "sweeps"):
        code = f"import importlib; importlib.import_module('sma_model.{name}')"
        subprocess.run([sys.executable, "-c", code], check=True)
