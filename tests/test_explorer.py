"""The optional widgets explorer: sliders change the projection through the engine."""

from __future__ import annotations

import pytest

import sma_model as sma

pytest.importorskip("ipywidgets")
from sma_model.explorer import Explorer


def test_sliders_drive_the_projection():
    explorer = Explorer(sma.presets.get("status-quo"))
    assert set(explorer.sliders) == {"base", "cap", "usd_krw", "cpi", "horizon"}
    edited = "status quo (edited)"
    frame = explorer.projection.scenario(edited).set_index("year")
    assert frame.loc[2035, "payment_krw"] == pytest.approx(1402.8e9 * 1.083 * 1.021 * 1.02**8)

    explorer.sliders["cpi"].value = 8.0  # above the 5 % cap from 2028
    explorer.sliders["horizon"].value = 2030
    frame = explorer.projection.scenario(edited).set_index("year")
    assert frame.index.max() == 2030
    assert frame.loc[2030, "payment_krw"] == pytest.approx(1402.8e9 * 1.083 * 1.021 * 1.05**3)

    explorer.sliders["cap"].value = 3.0
    frame = explorer.projection.scenario(edited).set_index("year")
    assert frame.loc[2030, "payment_krw"] == pytest.approx(1402.8e9 * 1.083 * 1.021 * 1.03**3)
    lines = explorer.figure.axes[0].get_lines()
    assert [line.get_label() for line in lines[:2]] == [edited, "status quo"]


def test_a_base_amount_slider():
    explorer = Explorer(sma.presets.get("history-11th"))
    assert explorer.sliders["base"].description == "base (₩ bn)"
    explorer.sliders["base"].value = 1200.0
    assert explorer.projection.scenario("11th SMA as signed (edited)")["payment_krw"].iloc[0] == 1200e9
    assert "usd_krw" not in explorer.sliders  # the record covers 2020-2025
