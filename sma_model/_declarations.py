"""Where the record lives and what it says of itself: ``data/datapackage.json`` and each
host's ``hosts/<host>/host.json``, found in the one folder :data:`DATA_ENV` may name.

:mod:`sma_model.series` (the ranges) and :mod:`sma_model.units` (the currencies) both read
the declarations when imported, so they sit here, below both.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from sma_model.errors import DataError

__all__ = ["DATA_ENV", "PACKAGE_FILE", "host_declarations", "record_package"]

#: The name of the record's description in ``data/``.
PACKAGE_FILE = "datapackage.json"
#: An environment variable naming another folder laid out as ``data/`` to read instead
#: (a copy with one more host, say); read when the package is imported.
DATA_ENV = "SMA_MODEL_DATA"


def _package_path() -> Path:
    here, override = Path(__file__).resolve().parent, os.environ.get(DATA_ENV)
    folders = (Path(override),) if override else (here / "data", here.parent / "data")
    for path in (paths := [folder / PACKAGE_FILE for folder in folders]):
        if path.is_file():
            return path
    raise DataError(f"the record's description is missing: looked for {' and '.join(map(str, paths))}")


def record_package(path: str = PACKAGE_FILE) -> dict[str, Any]:
    """A JSON file of the record (``path`` in ``data/``), by default its description, as read.

    ``data/`` is :data:`DATA_ENV`'s folder if set, else ``sma_model/data`` (a wheel), else a
    checkout's ``data/``, as for :func:`sma_model._files.data_dir`.

    Raises
    ------
    DataError
        No such folder holds the description, or the file is not UTF-8 JSON.
    """
    file = _package_path().parent / path
    try:
        found: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{file}: cannot read the record's description: {exc}") from None
    return found


def host_declarations(package: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each ``hosts/<host>/host.json`` the package declares, Korea first; the currency code checked."""
    out: dict[str, dict[str, Any]] = {}
    for path in (str(entry.get("path")) for entry in package.get("resources", [])):
        if path.startswith("hosts/") and path.endswith("/host.json"):
            name = path.split("/")[1]
            out[name] = declared = record_package(path)
            code = str(declared.get("currency", {}).get("code"))
            if not (len(code) == 3 and code.isupper() and code != "USD" and declared.get("name") == name):
                raise DataError(f"{path}: name must be {name!r} and currency.code ISO 4217, not {code!r}")
    if "korea" not in out:
        raise DataError(f"{PACKAGE_FILE} declares no hosts/korea/host.json")
    return dict(sorted(out.items(), key=lambda item: item[0] != "korea"))
