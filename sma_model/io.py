"""Files in and out: scenario YAML/JSON, and atomic writes for everything the library saves."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sma_model.errors import SMAModelError
from sma_model.scenario import Scenario

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


class ScenarioFileError(SMAModelError):
    """A scenario file that cannot be read or does not describe a valid scenario."""


class OutputError(SMAModelError):
    """A file the library was asked to write cannot be written (names the path and why)."""


class StrictLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses a key given twice in one mapping.

    Plain YAML keeps the last of duplicate keys, so ``{2027: a, 2027: b}`` would silently
    drop a rule; here it is an error naming the line.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (list, dict)):
                continue  # unhashable keys fail in the base class with their own message
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} appears twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str) -> object:
    """Parse YAML safely (no Python objects), refusing duplicate keys."""
    return yaml.load(text, Loader=StrictLoader)  # safe: StrictLoader is a SafeLoader


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    A crash part-way leaves the old file (or none), never half of the new one.

    Raises
    ------
    OutputError
        The folder cannot be made or written, or ``path`` is a folder.
    """
    path = Path(path)
    try:
        _write_atomic(path, data)
    except IsADirectoryError:
        raise OutputError(f"cannot write {path}: it is a folder; give a file name") from None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def _write_atomic(path: Path, data: str | bytes) -> None:
    if path.is_dir():
        raise IsADirectoryError(path)
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


def save_figure(figure: Any, path: str | Path, dpi: int = 120) -> Path:
    """Save a matplotlib figure atomically, in the format its file name ends in (``.png``, ``.svg`` …)."""
    import io as _io

    path = Path(path)
    buffer = _io.BytesIO()
    figure.savefig(buffer, format=path.suffix.lstrip(".").lower() or "png", dpi=dpi)
    write_atomic(path, buffer.getvalue())
    return path


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
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioFileError(f"{path}{where}: not valid YAML: {problem}") from None
    except _DuplicateKey as exc:
        raise ScenarioFileError(f"{path}: the key {exc.args[0]!r} appears twice in one object") from None
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
    keys = [k for k, _ in pairs]
    for key in keys:
        if keys.count(key) > 1:
            raise _DuplicateKey(key)
    return dict(pairs)


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
