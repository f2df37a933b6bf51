"""The package version, and ``sma.show_versions()``: what to paste into a bug report.

``__version__`` is written here once; ``pyproject.toml`` reads it (hatch's version
source), so the package never asks ``importlib.metadata`` at import time.
"""

from __future__ import annotations

import sys

__all__ = ["__version__", "show_versions", "versions"]

__version__ = "0.2.0"

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
    """Python, platform, and the installed version of each package sma_model uses.

    Returns
    -------
    dict of str to str
        ``"python"``, ``"platform"`` and one entry per package (``"not installed"``
        where it is absent).
    """
    import platform  # only when asked, as importlib.metadata
    from importlib.metadata import PackageNotFoundError, version  # slow: only when asked

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
