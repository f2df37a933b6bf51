"""Scenario files in and out (YAML and JSON), their JSON Schema, and saving results.

A scenario file is either a whole scenario (``name``, ``agreements``, ...) or a variant
of a preset, a reform written as a diff::

    base: status-quo
    name: status quo, cap 4%          # optional; default the preset's name
    changes:
      agreements[0].escalation.cap: 0.04
      assumptions.cpi: 0.025

``changes`` uses the parameter paths of :mod:`sma_model.model.parameters`, and is the
same operation as :meth:`Scenario.with_changes <sma_model.model.scenario.Scenario.with_changes>`
and the command line's ``--set``. The safe YAML loader and atomic writes live in
:mod:`sma_model._files`; they are re-exported here, where users have found them.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from pydantic import ValidationError

from sma_model._files import StrictLoader, load_yaml, save_figure, write_atomic
from sma_model.errors import (
    OutputError,
    ParameterPathError,
    ScenarioFileError,
    SMAModelError,
    UnknownPresetError,
    YAMLInputError,
)
from sma_model.model.scenario import Scenario
from sma_model.record import presets

#: The keys of a variant file: a preset, the changes to it, and optionally a name.
VARIANT_KEYS = ("base", "name", "changes")

__all__ = [
    "OutputError",
    "ScenarioFileError",
    "StrictLoader",
    "dump_scenario",
    "load_scenario",
    "load_yaml",
    "save_figure",
    "save_scenario",
    "scenario_schema",
    "variant",
    "write_atomic",
]


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario from a ``.yaml``/``.yml`` or ``.json`` file.

    The file holds a whole scenario, or a variant of a preset (``base:`` plus
    ``changes:``, see the module docstring).

    Raises
    ------
    ScenarioFileError
        The file is missing, is not valid YAML/JSON (with the line), or does not
        describe a scenario (with the field and what is allowed); for a variant, an
        unknown preset or a path that names no field (with the closest ones).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ScenarioFileError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    try:
        if path.suffix.lower() == ".json":
            document = json.loads(text, object_pairs_hook=_unique_json_keys)
        else:
            document = load_yaml(text)
    except RecursionError:
        raise ScenarioFileError(f"{path}: nested too deeply to be a scenario") from None
    except json.JSONDecodeError as exc:
        raise ScenarioFileError(f"{path}, line {exc.lineno}: not valid JSON: {exc.msg}") from None
    except YAMLInputError as exc:
        where = f", line {exc.line}" if exc.line is not None else ""
        kind = "" if exc.refused else "not valid YAML: "
        raise ScenarioFileError(f"{path}{where}: {kind}{exc.problem}") from None
    except _DuplicateKey as exc:
        raise ScenarioFileError(f"{path}: the key {exc.args[0]!r} appears twice in one object") from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise ScenarioFileError(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise ScenarioFileError(
            f"{path}: a scenario file holds a mapping (name, agreements, ...), not {type(document).__name__}"
        )
    try:
        if "base" in document:
            return variant(document, where=str(path))
        return Scenario.model_validate(document)
    except RecursionError:
        raise ScenarioFileError(f"{path}: nested too deeply to be a scenario") from None
    except ValidationError as exc:
        raise ScenarioFileError(f"{path}: not a valid scenario:\n{_explain(exc)}") from None


def variant(document: dict, where: str = "variant") -> Scenario:
    """The scenario a variant document describes: a preset with changes (see the module docstring).

    Raises
    ------
    ScenarioFileError
        Unknown keys, a missing or unknown preset, ``changes`` that is not a mapping of
        paths, or a path that names no field (with the closest ones).
    pydantic.ValidationError
        A changed value the models refuse, located by its path.
    """
    unknown = sorted(str(key) for key in document if key not in VARIANT_KEYS)
    if unknown:
        raise ScenarioFileError(
            f"{where}: a variant holds only {', '.join(VARIANT_KEYS)} (a preset, an optional name, "
            f"and changes as {{path: value}}), not {', '.join(repr(k) for k in unknown)}"
        )
    base, name, changes = document.get("base"), document.get("name"), document.get("changes") or {}
    if not isinstance(base, str):
        raise ScenarioFileError(f"{where}: base must be a preset name, one of {', '.join(presets.names())}")
    if name is not None and not isinstance(name, str):
        raise ScenarioFileError(f"{where}: name must be text, not {name!r}")
    if not isinstance(changes, dict) or not all(isinstance(key, str) for key in changes):
        raise ScenarioFileError(
            f"{where}: changes must be a mapping of parameter paths to values, "
            "e.g. {'agreements[0].escalation.cap': 0.04}"
        )
    try:
        return presets.get(base).with_changes(changes, name=name)
    except (UnknownPresetError, ParameterPathError) as exc:
        raise ScenarioFileError(f"{where}: {exc}") from None


class _DuplicateKey(ValueError):
    pass


def _unique_json_keys(pairs: list[tuple[str, object]]) -> dict:
    """One JSON object as a dict, refusing a key given twice (linear in the number of keys)."""
    document = dict(pairs)
    if len(document) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return document


def _explain(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "(scenario)"
        lines.append(f"  {where}: {error['msg']}")
    return "\n".join(lines)


def dump_scenario(scenario: Scenario, format: str = "yaml") -> str:
    """A scenario as YAML or JSON text that :func:`load_scenario` reads back unchanged."""
    data = scenario.model_dump(mode="json", exclude_defaults=False)
    if format == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if format == "yaml":
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    raise SMAModelError(f"format must be 'yaml' or 'json', not {format!r}")


def save_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Write a scenario to ``path`` (format from the suffix: .json, else YAML), atomically."""
    path = Path(path)
    write_atomic(path, dump_scenario(scenario, "json" if path.suffix.lower() == ".json" else "yaml"))
    return path


def scenario_schema() -> dict:
    """The JSON Schema of a scenario file (what ``sma-model schema`` prints).

    The same schema ships as ``data/scenario.schema.json`` for editors and validators.
    """
    scenario = Scenario.model_json_schema()
    definitions = scenario.pop("$defs", {})
    definitions["Scenario"] = scenario
    definitions["Variant"] = {
        "title": "Variant",
        "description": "A preset with changes: a reform as a diff on a baseline.",
        "type": "object",
        "properties": {
            "base": {"title": "Base", "description": "A preset name.", "enum": presets.names()},
            "name": {"title": "Name", "description": "The variant's name.", "type": "string"},
            "changes": {
                "title": "Changes",
                "description": "Parameter path (e.g. 'agreements[0].escalation.cap') to its new value.",
                "type": "object",
            },
        },
        "required": ["base"],
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "sma_model scenario",
        "description": "A whole scenario, or a variant of a preset (base plus changes).",
        "anyOf": [{"$ref": "#/$defs/Scenario"}, {"$ref": "#/$defs/Variant"}],
        "$defs": definitions,
    }
