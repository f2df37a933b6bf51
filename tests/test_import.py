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


def test_import_reads_only_the_errors_and_the_version():
    _run(
        """
        import sys
        import sma_model as sma
        heavy = ("pandas", "numpy", "pydantic", "yaml", "matplotlib", "importlib.metadata")
        loaded = [m for m in heavy if m in sys.modules]
        assert not loaded, loaded
        own = sorted(m for m in sys.modules if m.startswith("sma_model"))
        assert own == ["sma_model", "sma_model._version", "sma_model.errors"], own
        assert issubclass(sma.ScenarioError, sma.SMAModelError) and sma.__version__
        """
    )


def test_public_names_load_on_first_use():
    _run(
        """
        import sys
        import sma_model as sma
        from sma_model import Scenario, project
        assert Scenario is sma.Scenario and project is sma.project
        assert "sma_model.model.scenario" in sys.modules and "matplotlib" not in sys.modules
        assert sma.history is sma.record and sma.presets.get("status-quo").name == "status quo"
        assert sma.solve.__name__ == "sma_model.analysis.solve" and sma.plot.__name__ == "sma_model.plotting"
        assert "matplotlib" not in sys.modules
        """
    )


def test_the_models_classes_load_the_model_alone():
    _run(
        """
        import sys
        import sma_model as sma
        agreement = sma.Agreement(
            name="deal", start_year=2020, term_years=3, base=sma.Money(amount=1e12, currency="KRW"),
            escalation=sma.Fixed(rate=0.05),
        )
        scenario = sma.Scenario(
            name="test", agreements=[agreement], assumptions=sma.Assumptions(use_record=False, usd_krw=1000.0)
        )
        core = ("sma_model.record", "sma_model.engine", "sma_model.analysis", "sma_model.plotting", "yaml")
        loaded = [m for m in (*core, "pandas") if m in sys.modules]
        assert not loaded, loaded  # a scenario is pydantic and numpy: no pandas until it is projected
        assert sma.model.scenario.Scenario is sma.Scenario and sma.model.terms.Fixed is sma.Fixed
        # the first other name loads the core: 1000 bn, x 1.05 = 1050 bn, x 1.05 = 1102.5 bn
        payments = sma.project(scenario).frame["payment_krw"].tolist()
        assert [round(p / 1e9, 6) for p in payments] == [1000.0, 1050.0, 1102.5], payments
        assert all(m in sys.modules for m in core[:-1]) and sma.engine.run.__name__ == "run"
        """
    )


def test_the_model_package_loads_the_core():
    _run(
        """
        import sys
        import sma_model as sma
        assert sma.model.scenario.Scenario.__name__ == "Scenario" and sma.model.parameters
        assert "sma_model.record.presets" in sys.modules and "sma_model.analysis" in sys.modules
        """
    )


def test_field_descriptions_survive_the_lazy_build():
    _run(
        """
        import sma_model as sma
        schema = sma.Scenario.model_json_schema()
        assert schema["properties"]["name"]["description"] == "A label for tables and plots."
        assert sma.Assumptions.model_fields["troops"].description
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
