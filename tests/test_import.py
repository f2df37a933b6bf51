"""``import sma_model`` stays light: heavy libraries load when they are used, not before.

Each check runs in a fresh interpreter, since this test session has long since imported
matplotlib and the sweeps. How long the import takes is measured by
``python benchmarks/run.py``, not here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

import sma_model as sma

HEAVY = ("matplotlib", "scipy", "SALib", "dask")


def _run(code: str) -> None:
    env = {**os.environ, "MPLBACKEND": "Agg"}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_import_loads_no_heavy_library():
    _run(
        f"""
        import sys
        import sma_model
        loaded = [m for m in {HEAVY!r} if m in sys.modules]
        assert not loaded, loaded
        """
    )


def test_projection_needs_no_matplotlib_and_drawing_still_works():
    _run(
        f"""
        import sys
        import sma_model as sma
        projection = sma.project(sma.presets.get("status-quo"))
        assert len(projection.frame) > 0
        loaded = [m for m in {HEAVY!r} if m in sys.modules]
        assert not loaded, loaded
        ax = projection.plot()
        assert "matplotlib" in sys.modules
        assert ax.get_ylabel()
        """
    )


def test_sweeps_and_io_load_on_first_use():
    _run(
        """
        import sys
        import sma_model as sma
        assert "sma_model.sweeps" not in sys.modules
        assert "sma_model.io" not in sys.modules
        from sma_model import SweepResult, sweep
        assert sweep is sma.sweep and SweepResult is sma.SweepResult
        assert "sma_model.sweeps" in sys.modules
        assert sma.io.load_scenario is not None and "sma_model.io" in sys.modules
        """
    )


def test_every_public_name_is_listed_and_reachable():
    names = dir(sma)
    for name in sma.__all__:
        assert name in names, name
        assert getattr(sma, name) is not None, name
    for name in ("plot", "history", "io", "presets", "solve", "sweeps"):
        assert name in names, name


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        sma.no_such_name  # noqa: B018
    assert not hasattr(sma, "no_such_name")
