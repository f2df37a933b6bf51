"""What every plot shares: the package style (applied in a context), units, new axes."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from matplotlib.axes import Axes

from sma_model.errors import SMAModelError

__all__ = ["STYLE", "currency_unit", "new_axes", "styled"]

#: The package's matplotlib style file.
STYLE = Path(__file__).resolve().parent / "styles" / "sma.mplstyle"

F = TypeVar("F", bound=Callable[..., Any])


def styled(function: F) -> F:
    """Run a plot function inside the package style's context."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import matplotlib.pyplot as plt

        with plt.style.context(STYLE):
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


_UNITS = {"KRW": (1e12, "₩ tn"), "USD": (1e9, "$ bn")}


def currency_unit(currency: str) -> tuple[str, float, str]:
    """``(code, scale, label)``: amounts are divided by ``scale`` to read in ``label``."""
    code = currency.upper()
    if code not in _UNITS:
        raise SMAModelError(f"currency must be 'KRW' or 'USD', not {currency!r}")
    return (code, *_UNITS[code])


def new_axes(ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(layout="constrained")
    return ax
