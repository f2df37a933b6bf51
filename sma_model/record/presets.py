"""Named scenarios people argue about, each a YAML file in ``data/presets/``.

>>> import sma_model as sma
>>> sma.presets.names()[:3]
['demand-10b', 'demand-5b', 'history-11th']
>>> scenario = sma.presets.get("status-quo")
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import ValidationError

from sma_model._files import data_dir, load_yaml
from sma_model.errors import DataError, UnknownPresetError, YAMLInputError
from sma_model.model.scenario import Scenario

__all__ = ["DEFAULT_COMPARISON", "UnknownPresetError", "describe", "get", "names"]

#: The presets the command line compares when given none.
DEFAULT_COMPARISON = ("status-quo", "rise-13.9", "phase-in-5b", "demand-5b", "lapse")


@functools.cache
def _presets() -> dict[str, tuple[str, Scenario]]:
    folder = data_dir() / "presets"
    out = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            # any YAML value: one that is not a mapping of these keys fails below (TypeError, KeyError)
            document: Any = load_yaml(path.read_text(encoding="utf-8"))
            description = str(document["description"]).strip()
            scenario = Scenario.model_validate(document["scenario"])
        except (YAMLInputError, KeyError, TypeError, ValidationError, UnicodeDecodeError, OSError) as exc:
            raise DataError(f"{path}: not a valid preset: {exc}") from exc
        out[path.stem] = (description, scenario)
    return out


def names() -> list[str]:
    """The preset names, sorted."""
    return sorted(_presets())


def get(name: str) -> Scenario:
    """The preset scenario called ``name``: a copy of its own, so editing one (a list inside
    it) changes no other.

    Raises
    ------
    UnknownPresetError
        No preset has that name (the message lists the known ones).
    """
    try:
        return _presets()[name][1].model_copy(deep=True)
    except KeyError:
        raise UnknownPresetError(f"no preset {name!r}; known presets: {', '.join(names())}") from None


def describe(name: str) -> str:
    """What the preset ``name`` assumes, in a sentence or two."""
    get(name)
    return _presets()[name][0]
