"""Latin hypercube designs, numpy only, and which swept fields hold whole numbers.

``sweep(method="lhs")`` draws its design here (:func:`design_block`): each parameter's range
cut into ``n`` equal strata, one sample in each, parameter ``k`` drawing from the run seed's
child ``k`` (see :func:`~sma_model.sweeps.sampling.block_rng`). Whole-number fields
(:func:`whole_number_field`) get whole numbers, each equally often.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any, Union, cast, get_args, get_origin

import numpy as np
from pydantic import BaseModel

from sma_model.errors import SweepError
from sma_model.model.parameters import Parts
from sma_model.model.scenario import Scenario
from sma_model.sweeps.hypercube_numba import draw_column
from sma_model.sweeps.memory import LOCAL_WORKERS
from sma_model.sweeps.sampling import block_rng

__all__ = ["design_block", "latin_hypercube", "whole_number_field"]

#: Designs of this many samples or more draw their columns on threads.
_THREADED_DESIGN = 1 << 17


def latin_hypercube(
    columns: Mapping[str, np.ndarray], n: int, seed: np.random.SeedSequence, whole: set[str]
) -> dict[str, np.ndarray]:
    """``n`` Latin hypercube samples over each column's range; whole numbers for ``whole`` columns.

    Each column cuts its range ``[low, high)`` (``[low, high + 1)`` for whole numbers, then
    rounded down) into ``n`` equal strata and puts one sample in each: column ``k`` draws
    from the seed's child ``k`` (:func:`block_rng`) a random permutation of the strata
    (:meth:`numpy.random.Generator.permutation`), then ``n`` uniforms placing each sample in
    its stratum. Each column has a generator of its own, so large designs draw their
    columns on threads (numpy releases the GIL) and a column's values do not depend on the
    others. numpy only: no scipy. The columns are the rows of :func:`design_block`.
    """
    return dict(zip(columns, design_block(columns, n, seed, whole)))


def design_block(
    columns: Mapping[str, np.ndarray],
    n: int,
    seed: np.random.SeedSequence,
    whole: set[str],
    spare_rows: int = 0,
    kernel: str = "numpy",
) -> np.ndarray:
    """The Latin hypercube of :func:`latin_hypercube` as the first rows of one ``(k + spare_rows, n)`` array.

    The ``spare_rows`` rows after the ``k`` columns are left for the caller (a sweep
    writes its outcomes there, so the design becomes the result's table without a copy);
    until then they hold scratch, and their contents are undefined. With ``kernel="numba"``
    each column is drawn by a compiled loop (:mod:`~sma_model.sweeps.hypercube_numba`),
    the same design bit for bit in about two thirds of the time.
    """
    low = np.array([v.min() for v in columns.values()])
    high = np.array([v.max() for v in columns.values()])
    for k, path in enumerate(columns):
        if path in whole:
            low[k], high[k] = np.ceil(low[k]), np.floor(high[k])
            if low[k] > high[k]:
                raise SweepError(f"{path}: holds whole numbers, and none lies in {list(columns[path])!r}")
    width = high - low + np.array([1.0 if path in whole else 0.0 for path in columns])
    path_of = list(columns)
    block = np.empty((len(path_of) + spare_rows, n))

    def column(k: int) -> None:
        generator = block_rng(seed, k)
        scratch = block[len(path_of) + k] if k < spare_rows else np.empty(n)
        high_k = float(high[k]) if path_of[k] in whole else None
        if kernel == "numba" and draw_column(generator, block[k], scratch, width[k] / n, low[k], high_k):
            return
        strata = np.arange(n, dtype=float)  # shuffled as permutation(n) would be
        generator.shuffle(strata)
        # the uniforms go where the outcomes will: memory the run touches anyway
        values = block[k]
        np.add(strata, generator.random(out=scratch), out=values)
        values *= width[k] / n
        values += low[k]
        if path_of[k] in whole:
            np.minimum(np.floor(values, out=values), high[k], out=values)

    if n < _THREADED_DESIGN or len(path_of) < 2:
        for k in range(len(path_of)):
            column(k)
    else:
        with ThreadPoolExecutor(max_workers=LOCAL_WORKERS) as pool:
            list(pool.map(column, range(len(path_of))))
    return block


def whole_number_field(scenario: Scenario, parts: Parts) -> bool:
    """Whether the field at ``parts`` holds whole numbers only (its annotation, else its value)."""
    node: Any = scenario
    for part in parts[:-1]:
        node = node[part] if isinstance(part, int) or isinstance(node, dict) else getattr(node, part)
    leaf = parts[-1]
    if isinstance(node, BaseModel) and isinstance(leaf, str) and leaf in type(node).model_fields:
        kinds = _leaf_types(type(node).model_fields[leaf].annotation) - {type(None)}
        return bool(kinds) and kinds <= {int}
    # a list's part is an int, by the path's shape, which the type system cannot follow
    value = node[cast(Any, leaf)] if isinstance(node, (dict, list)) else getattr(node, str(leaf), None)
    return isinstance(value, int) and not isinstance(value, bool)


def _leaf_types(annotation: Any) -> set[Any]:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _leaf_types(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return set().union(*(_leaf_types(a) for a in get_args(annotation)))
    return {annotation}
