"""Scenario files in and out (YAML and JSON), their JSON Schema, and saving results.

The safe YAML loader and atomic writes live in :mod:`sma_model._files`; they are
re-exported here, where users have found them.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from pydantic import ValidationError

from sma_model._files import StrictLoader, load_yaml, save_figure, write_atomic
from sma_model.errors import OutputError, ScenarioFileError, SMAModelError, YAMLInputError
from sma_model.model.scenario import Scenario

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
    "write_atomic",
]


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario from a ``.yaml``/``.yml`` or ``.json`` file.

    Raises
    ------
    ScenarioFileError
        The file is missing, is not valid YAML/JSON (with the line), or does not
        describe a scenario (with the field and what is allowed).
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
        return Scenario.model_validate(document)
    except RecursionError:
        raise ScenarioFileError(f"{path}: nested too deeply to be a scenario") from None
    except ValidationError as exc:
        raise ScenarioFileError(f"{path}: not a valid scenario:\n{_explain(exc)}") from None


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
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "sma_model scenario"
    return schema
