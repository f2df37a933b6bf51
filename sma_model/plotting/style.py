"""What every plot shares: the package style (applied in a context) and new axes.

The style (``sma.mplstyle`` beside this file: opaque white backgrounds that read on dark
notebook themes, a colour-blind-safe cycle) is applied in a context, so the user's global
settings are left alone. Units and axis labels come from :mod:`sma_model.units`.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.typing import RcKeyType

__all__ = ["STYLE", "new_axes", "style_context", "styled", "whole_years"]

#: The package's matplotlib style file.
STYLE = Path(__file__).resolve().parent / "sma.mplstyle"

F = TypeVar("F", bound=Callable[..., Any])


@contextlib.contextmanager
def style_context() -> Iterator[None]:
    """Apply the package style, then restore only the settings the style changed.

    ``plt.style.context`` restores every rcParam on exit, including ``interactive``,
    which a notebook's inline backend switches on when the first figure is made: made
    inside such a context, that figure shows, and every later one in the kernel
    vanishes. Restoring just the style's own keys leaves the backend's state alone.
    """
    import matplotlib

    style = _style_params()
    saved = {key: matplotlib.rcParams[key] for key in style}
    matplotlib.rcParams.update(style)
    try:
        yield
    finally:
        matplotlib.rcParams.update(saved)


@functools.cache
def _style_params() -> dict[RcKeyType, Any]:
    import matplotlib

    return dict(matplotlib.rc_params_from_file(STYLE, use_default_template=False))


def styled(function: F) -> F:
    """Run a plot function inside the package style (:func:`style_context`)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with style_context():
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def new_axes(ax: Axes | None) -> Axes:
    """``ax`` itself, or the Axes of a new figure (constrained layout) when it is None."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(layout="constrained")
    return ax


def whole_years(ax: Axes) -> None:
    """Tick the x axis (years) at whole numbers only."""
    from matplotlib.ticker import MaxNLocator  # matplotlib loads when drawing, not on import

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
