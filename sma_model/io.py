"""Files in and out: scenario YAML/JSON, and atomic writes for everything the library saves."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import yaml
from pydantic import ValidationError

from sma_model.errors import SMAModelError
from sma_model.scenario import Scenario

__all__ = [
    "ScenarioFileError",
    "dump_scenario",
    "load_scenario",
    "save_scenario",
    "scenario_schema",
    "write_atomic",
]


class ScenarioFileError(SMAModelError):
    """A scenario file that cannot be read or does not describe a valid scenario."""


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    A crash part-way leaves the old file (or none), never half of the new one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
    try:
        if path.suffix.lower() == ".json":
            document = json.loads(text)
        else:
            document = yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise ScenarioFileError(f"{path}, line {exc.lineno}: not valid JSON: {exc.msg}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioFileError(f"{path}{where}: not valid YAML: {problem}") from None
    if not isinstance(document, dict):
        raise ScenarioFileError(
            f"{path}: a scenario file holds a mapping (name, agreements, ...), not {type(document).__name__}"
        )
    try:
        return Scenario.model_validate(document)
    except ValidationError as exc:
        raise ScenarioFileError(f"{path}: not a valid scenario:\n{_explain(exc)}") from None


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
    raise ValueError(f"format must be 'yaml' or 'json', not {format!r}")


def save_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Write a scenario to ``path`` (format from the suffix: .json, else YAML), atomically."""
    path = Path(path)
    write_atomic(path, dump_scenario(scenario, "json" if path.suffix.lower() == ".json" else "yaml"))
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def scenario_schema() -> dict:
    """The JSON Schema of a scenario file (what ``sma-model schema`` prints).

    The same schema ships as ``data/scenario.schema.json`` for editors and validators.
    """
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "sma_model scenario"
    return schema
