"""The progress bar of a long sweep: tqdm when it is installed, else a line on stderr."""

from __future__ import annotations

import sys
from collections.abc import Callable

__all__ = ["progress_bar"]


def progress_bar(total: int, done: int) -> Callable[[int], None]:
    """A bar over ``total`` chunks, ``done`` of them already run.

    Returns
    -------
    callable
        Call with the number of chunks just finished, or with 0 to close the bar.
    """
    try:
        from tqdm.auto import tqdm
    except ImportError:
        state = {"done": done}

        def update(step: int) -> None:
            state["done"] += step
            end = "\n" if step == 0 else ""
            print(f"\rsma_model: chunk {state['done']}/{total}", end=end, file=sys.stderr, flush=True)

        return update
    bar = tqdm(total=total, initial=done, unit="chunk", desc="sma_model")
    return lambda step: bar.update(step) if step else bar.close()
