"""Files: safe YAML loading, atomic writes, and where the packaged record lives."""

from __future__ import annotations

import io
import os
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from sma_model.errors import DataError, OutputError

__all__ = ["StrictLoader", "data_dir", "load_yaml", "save_figure", "write_atomic"]


def data_dir() -> Path:
    """The folder holding ``agreements.yaml``, ``payments.csv`` and ``macro.csv``.

    Inside an installed wheel this is ``sma_model/data``; in a source checkout
    (editable install) it is ``data/`` at the top of the repository.

    Raises
    ------
    DataError
        Neither folder holds the record.
    """
    packaged = Path(str(resources.files("sma_model"))) / "data"
    if (packaged / "payments.csv").is_file():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "data"
    if (checkout / "payments.csv").is_file():
        return checkout
    raise DataError(f"the historical record is missing: looked in {packaged} and {checkout}")


class StrictLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses a key given twice in one mapping.

    Plain YAML keeps the last of duplicate keys, so ``{2027: a, 2027: b}`` would silently
    drop a rule; here it is an error naming the line.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
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
    return yaml.load(text, Loader=StrictLoader)


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
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        if isinstance(data, bytes):
            with os.fdopen(fd, "wb") as binary:
                binary.write(data)
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as text:
                text.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def save_figure(figure: Any, path: str | Path, dpi: int = 120) -> Path:
    """Save a matplotlib figure atomically, in the format its file name ends in (``.png``, ``.svg`` …)."""
    path = Path(path)
    buffer = io.BytesIO()
    figure.savefig(buffer, format=path.suffix.lstrip(".").lower() or "png", dpi=dpi)
    write_atomic(path, buffer.getvalue())
    return path
