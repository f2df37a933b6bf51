"""``sma.show_versions()``: what to paste into a bug report."""

from __future__ import annotations

import platform
import sys
from importlib.metadata import PackageNotFoundError, version

__all__ = ["show_versions", "versions"]

_PACKAGES = (
    "sma-model",
    "numpy",
    "pandas",
    "pydantic",
    "matplotlib",
    "pyyaml",
    "scipy",
    "dask",
    "SALib",
    "ipywidgets",
)


def versions() -> dict[str, str]:
    """Python, platform, and the installed version of each package sma_model uses."""
    found = {"python": sys.version.split()[0], "platform": platform.platform()}
    for name in _PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def show_versions() -> None:
    """Print :func:`versions`, one per line."""
    for name, value in versions().items():
        print(f"{name:12} {value}")
