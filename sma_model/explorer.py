"""An interactive explorer for notebooks (optional extra: ``pip install "sma-model[widgets]"``).

In Jupyter, ``Explorer(sma.presets.get("status-quo"))`` shows sliders and a live chart.

Sliders move the first agreement's base (an amount or a rise), the cap of the last
agreement's indexed rule, the won-dollar rate and CPI assumed for the years the record does
not cover, and the horizon. Each slider's range holds the scenario's own value (ipywidgets
would otherwise clamp it silently to the range's end); a value the models refuse is shown
as an error under the sliders, never clamped. Every change builds a validated scenario and projects it
through the same engine as everything else, drawn beside the original scenario.
"""

from __future__ import annotations

import html
from typing import Any

from sma_model.analysis.projection import Projection, project
from sma_model.errors import SMAModelError
from sma_model.model.scenario import Scenario
from sma_model.model.terms import Indexed, Money, Rise
from sma_model.units import BILLION, symbol

__all__ = ["Explorer"]


def _widgets() -> Any:
    try:
        import ipywidgets
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError('the explorer needs ipywidgets: pip install "sma-model[widgets]"') from exc
    return ipywidgets


class Explorer:
    """Sliders over a scenario's main levers, with a live payment chart.

    Parameters
    ----------
    scenario
        The scenario to start from (drawn as the reference line).
    currency
        ``"USD"`` or ``"KRW"`` for the chart.

    Attributes
    ----------
    sliders : dict of str to ipywidgets.Widget
        ``"base"`` (₩ bn or $ bn, or a rise in %), ``"cap"`` (%), ``"usd_krw"`` (won per
        dollar), ``"cpi"`` (%), ``"horizon"`` (year); only those the scenario has.
    projection : Projection
        The latest projection (the edited scenario and the original).
    """

    def __init__(self, scenario: Scenario, currency: str = "USD") -> None:
        widgets = _widgets()
        self.original = scenario
        self.currency = currency.upper()
        self.sliders: dict[str, Any] = {}
        first = scenario.agreements[0]
        if isinstance(first.base, Money):
            unit = f"{symbol(first.base.currency)} bn"
            value = first.base.amount / BILLION
            self._add("base", value, value * 0.25, value * 4, value / 100, f"base ({unit})")
        elif isinstance(first.base, Rise):
            self._add("base", first.base.rate * 100, -20, 100, 0.1, "rise (%)")
        rule = scenario.agreements[-1].last_rule()
        if isinstance(rule, Indexed) and rule.cap is not None:
            self._add("cap", rule.cap * 100, 0, 20, 0.1, "cap (%)")
        assumptions = scenario.assumptions
        if isinstance(assumptions.usd_krw, float):
            self._add("usd_krw", assumptions.usd_krw, 800, 2000, 5, "₩ per $")
        if isinstance(assumptions.cpi, float):
            self._add("cpi", assumptions.cpi * 100, -1, 10, 0.1, "CPI (%)")
        self.sliders["horizon"] = widgets.IntSlider(
            value=scenario.end_year,
            min=scenario.start_year,
            max=max(scenario.start_year + 40, scenario.end_year),
            description="horizon",
        )
        self.message = widgets.HTML()
        self.output = widgets.Output()
        for slider in self.sliders.values():
            slider.continuous_update = False
            slider.observe(lambda _change: self.update(), names="value")
        self.box = widgets.VBox([*self.sliders.values(), self.message, self.output])
        self.projection: Projection | None = None
        self.update()

    def _add(self, name: str, value: float, low: float, high: float, step: float, label: str) -> None:
        """A slider from ``low`` to ``high``, widened to hold ``value``: a slider never clamps silently.

        ipywidgets clamps a value outside a slider's range to its nearer end, so a
        scenario with a 440 % rise or a cap of 25 % would be drawn as 100 % or 20 %
        without a word; the range is stretched to include the scenario's own value.
        """
        slider = _widgets().FloatSlider(
            value=value, min=min(low, value), max=max(high, value), step=step, description=label
        )
        if slider.value != value:  # pragma: no cover - the range holds the value
            raise SMAModelError(f"the {name} slider cannot show {value:g}")
        self.sliders[name] = slider

    def scenario(self) -> Scenario:
        """The scenario the sliders describe (validated)."""
        data = self.original.model_dump()
        data["name"] = f"{self.original.name} (edited)"
        values = {name: slider.value for name, slider in self.sliders.items()}
        first = data["agreements"][0]
        if "base" in values:
            if isinstance(self.original.agreements[0].base, Money):
                first["base"] = {**first["base"], "amount": values["base"] * BILLION}
            else:
                first["base"] = {"kind": "rise", "rate": values["base"] / 100}
        if "cap" in values:
            last = data["agreements"][-1]
            if isinstance(last["escalation"], dict) and "kind" not in last["escalation"]:
                last["escalation"][max(last["escalation"])]["cap"] = values["cap"] / 100
            else:
                last["escalation"]["cap"] = values["cap"] / 100
        if "usd_krw" in values:
            data["assumptions"]["usd_krw"] = values["usd_krw"]
        if "cpi" in values:
            data["assumptions"]["cpi"] = values["cpi"] / 100
        data["horizon"] = values["horizon"]
        return Scenario.model_validate(data)

    def update(self) -> None:
        """Re-project and redraw (called on every slider change)."""
        from matplotlib.figure import Figure

        try:
            edited = self.scenario()
            original = self.original.model_copy(update={"horizon": edited.end_year})
            self.projection = project([edited, original])
        except (SMAModelError, ValueError) as exc:
            self.message.value = f"<span style='color:#b00'>{_escape(str(exc))}</span>"
            return
        self.message.value = "; ".join(_escape(n) for n in self.projection.notes)
        figure = Figure(figsize=(8, 4), layout="constrained")
        self.projection.plot(ax=figure.subplots(), currency=self.currency)
        self.figure = figure
        self.output.clear_output(wait=True)
        with self.output:
            from IPython.display import display

            display(figure)

    def _ipython_display_(self) -> None:  # pragma: no cover - needs a notebook front end
        from IPython.display import display

        display(self.box)


def _escape(text: str) -> str:
    return html.escape(text)
