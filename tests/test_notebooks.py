"""Every notebook runs top to bottom on a fresh kernel, and every drawing cell shows its figure."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
#: A cell draws when it calls a plot function or a result's .plot().
DRAWS = re.compile(r"\.plot\(|\bsma\.plot\.\w+\(|plt\.subplots\(|plt\.figure\(")
#: Figures each notebook shows, counted by hand from the notebooks: a vanished one fails.
FIGURES = {
    "01-quickstart": 1,
    "02-the-scenarios-in-the-news": 2,
    "03-looking-back": 1,
    "04-sweeps-and-sensitivity": 3,
    "05-uncertainty": 2,
    "06-the-whole-burden": 4,
}


def test_there_are_notebooks():
    assert [p.stem for p in NOTEBOOKS] == sorted(FIGURES)


def _images(cell: nbformat.NotebookNode) -> int:
    return sum(1 for o in cell.get("outputs", []) if "image/png" in o.get("data", {}))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_shows_every_figure(path, tmp_path):
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(not cell.get("outputs") for cell in code), (
        f"{path.name}: commit notebooks with outputs stripped"
    )
    client = NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    blank = [i for i, cell in enumerate(notebook.cells) if DRAWS.search(cell.source) and not _images(cell)]
    assert not blank, f"{path.name}: drawing cells {blank} show no figure"
    assert sum(_images(cell) for cell in code) == FIGURES[path.stem]
