"""Shared helpers for the tests."""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")

import pytest
from hypothesis import settings

import sma_model as sma
from sma_model.cli import main as cli_main
from sma_model.sweeps import chunks

# the same examples on every run, so CI cannot fail by chance; HYPOTHESIS_PROFILE=explore
# draws new ones (run it locally when changing a property)
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

BN = 1e9


def krw(amount_bn: float) -> sma.Money:
    """₩ amount given in billions."""
    return sma.Money(amount=amount_bn * BN, currency="KRW")


def one_agreement(escalation, *, start=2020, term=4, base_bn=1000.0, assumptions=None, **kwargs):
    """A scenario of one KRW agreement with no record, so only the test's numbers count."""
    agreement = sma.Agreement(
        name="deal", start_year=start, term_years=term, base=krw(base_bn), escalation=escalation
    )
    return sma.Scenario(
        name=kwargs.pop("name", "test"),
        agreements=[agreement],
        assumptions=assumptions or sma.Assumptions(use_record=False, usd_krw=1000.0),
        **kwargs,
    )


def payments_bn(scenario) -> list[float]:
    return [round(v / BN, 6) for v in sma.project(scenario).frame["payment_krw"]]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="module")
def client():
    """A ``dask.distributed`` client of two worker processes, one thread each (dask tests)."""
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


@pytest.fixture
def run_spec(monkeypatch):
    """``{"spec": ChunkSpec}``: the spec of the last sweep run in the test, as its chunks saw it."""
    captured: dict = {}
    run = chunks._run_chunks

    def capture(spec, *args):
        captured["spec"] = spec
        return run(spec, *args)

    monkeypatch.setattr(chunks, "_run_chunks", capture)
    return captured


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run ``sma-model`` in this process: (exit code, standard output, standard error)."""
    try:
        code = cli_main(list(argv))
    except SystemExit as exit:
        code = int(exit.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
