"""What every plot shares: the package style (applied in a context) and new axes.

The style (``sma.mplstyle`` beside this file: opaque white backgrounds that read on dark
notebook themes, a colour-blind-safe cycle) is applied in a context, so the user's global
settings are left alone. Units and axis labels come from :mod:`sma_model.units`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["STYLE", "new_axes", "styled"]

#: The package's matplotlib style file.
STYLE = Path(__file__).resolve().parent / "sma.mplstyle"

F = TypeVar("F", bound=Callable[..., Any])


def styled(function: F) -> F:
    """Run a plot function inside the package style's context."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import matplotlib.pyplot as plt

        with plt.style.context(STYLE):
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def new_axes(ax: Axes | None) -> Axes:
    """``ax`` itself, or the Axes of a new figure (constrained layout) when it is None."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(layout="constrained")
    return ax
