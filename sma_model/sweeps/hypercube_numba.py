"""A Latin hypercube's column drawn by a compiled loop, for ``kernel="numba"``.

:func:`~sma_model.sweeps.hypercube.design_block` draws each column with numpy: a shuffle of
the strata (:meth:`numpy.random.Generator.shuffle`), then ``n`` uniforms
(:meth:`~numpy.random.Generator.random`) placing each sample in its stratum. numpy's shuffle
costs about 10 ns a value, most of a large design's time. With numba (``pip install
'sma-model[fast]'``) :func:`draw_column` does the same in one loop, stepping the column's
PCG64 generator itself (O'Neill's XSL-RR output on a 128-bit LCG, as numpy's ``pcg64.h``):

- the Fisher-Yates swaps of numpy's shuffle, from the last stratum down, each index drawn as
  numpy's ``random_interval`` draws it (the lowest bits under a mask, rejected above the
  bound; 32-bit words, half of a 64-bit output each; columns of more than 2**32 values,
  for which numpy draws 64-bit words, are left to numpy);
- then ``next_double`` per sample (the top 53 bits of a 64-bit output) and the same
  arithmetic in the same order, ``(stratum + uniform) * step + low``.

The column is numpy's bit for bit and the generator is left in numpy's state (its 128-bit
state and its buffered 32-bit word are read from and written back to
``bit_generator.state``); ``tests/test_lhs.py`` checks both. The strata are shuffled in the
caller's scratch row, so no fresh memory is touched. A generator other than PCG64 returns
False, and the caller draws the column with numpy.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["draw_column"]

#: numpy's PCG64 multiplier (``PCG_DEFAULT_MULTIPLIER_HIGH``, ``_LOW`` in ``pcg64.h``).
_MULTIPLIER = (2549297995355413924 << 64) | 4865540595714422341
_LOW_64 = (1 << 64) - 1
#: The most samples the loop draws: its bounded draws take 32-bit words, as numpy's below 2**32.
_MAX_BOUND = 1 << 32
#: The compiled loop, built on first use (by one thread: a design draws its columns on several).
_LOOP: list[Callable[..., None]] = []
_BUILDING = threading.Lock()
#: The 128-bit step and the output function, numba objects set by :func:`_compiled`.
_step: Any = None
_output: Any = None


def draw_column(
    generator: np.random.Generator,
    values: np.ndarray,
    scratch: np.ndarray,
    step: float,
    low: float,
    high: float | None,
) -> bool:
    """Draw one Latin hypercube column into ``values`` with the compiled loop.

    Parameters
    ----------
    generator
        The column's generator, advanced exactly as numpy's ``shuffle`` of ``n`` values and
        ``random(n)`` would advance it.
    values
        The column, ``n`` float64 [the parameter's unit], written in place.
    scratch
        ``n`` float64 to shuffle the strata in (overwritten; undefined after).
    step
        The width of a stratum, ``(high - low) / n`` (``(high + 1 - low) / n`` for whole numbers).
    low
        The range's low end.
    high
        For a whole-number column, the highest value (each draw is rounded down and capped
        at it); None for a real column.

    Returns
    -------
    bool
        Whether it drew the column; False when the generator is not PCG64 or the column
        holds more than 2**32 values (the caller then draws it with numpy).
    """
    bits = generator.bit_generator
    # numpy draws 64-bit words for bounds of 2**32 and more, which the loop leaves to numpy
    if type(bits) is not np.random.PCG64 or len(values) > _MAX_BOUND:
        return False
    state = bits.state
    word = np.array(
        [
            state["state"]["state"] >> 64,
            state["state"]["state"] & _LOW_64,
            state["state"]["inc"] >> 64,
            state["state"]["inc"] & _LOW_64,
            state["has_uint32"],
            state["uinteger"],
        ],
        dtype=np.uint64,
    )
    whole = high is not None
    _compiled()(word, values, scratch, step, low, high if whole else 0.0, whole)
    state["state"]["state"] = (int(word[0]) << 64) | int(word[1])
    state["has_uint32"], state["uinteger"] = int(word[4]), int(word[5])
    bits.state = state
    return True


def _compiled() -> Callable[..., None]:
    """The column loop, compiled on first use (and cached on disk by numba)."""
    global _step, _output
    with _BUILDING:
        if _LOOP:
            return _LOOP[0]
        import numba
        from llvmlite import ir
        from numba.core import types
        from numba.extending import intrinsic

        @intrinsic
        def step(typingctx: Any, hi: Any, lo: Any, inc_hi: Any, inc_lo: Any) -> Any:
            """``state * multiplier + inc`` modulo 2**128, on (high, low) 64-bit halves."""
            u64 = types.uint64
            signature = types.UniTuple(u64, 2)(u64, u64, u64, u64)

            def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
                i128, i64 = ir.IntType(128), ir.IntType(64)

                def join(high: Any, low: Any) -> Any:
                    shifted = builder.shl(builder.zext(high, i128), ir.Constant(i128, 64))
                    return builder.or_(shifted, builder.zext(low, i128))

                product = builder.mul(join(args[0], args[1]), ir.Constant(i128, _MULTIPLIER))
                state = builder.add(product, join(args[2], args[3]))
                top = builder.trunc(builder.lshr(state, ir.Constant(i128, 64)), i64)
                return context.make_tuple(builder, sig.return_type, [top, builder.trunc(state, i64)])

            return signature, codegen

        @numba.njit(inline="always")
        def output(hi: Any, lo: Any) -> Any:
            """XSL-RR: the halves' xor rotated right by the state's top six bits."""
            mixed = hi ^ lo
            turn = hi >> np.uint64(58)
            return (mixed >> turn) | (mixed << ((np.uint64(64) - turn) & np.uint64(63)))

        _step, _output = step, output
        _LOOP.append(numba.njit(cache=True, nogil=True)(_column))
    return _LOOP[0]


def _column(  # long: numpy's shuffle, bounded draws and uniforms on one inlined PCG64, for numba
    word: Any, values: Any, scratch: Any, step: float, low: float, high: float, whole: bool
) -> None:
    hi, lo, inc_hi, inc_lo, has_word, spare = word[0], word[1], word[2], word[3], word[4], word[5]
    n = values.shape[0]
    for i in range(n):
        scratch[i] = i
    for i in range(n - 1, 0, -1):
        bound = np.uint64(i)
        mask = bound
        for shift in (1, 2, 4, 8, 16):
            mask |= mask >> np.uint64(shift)
        while True:
            if has_word:  # the high half of the last 64-bit output, kept by next_uint32
                has_word = np.uint64(0)
                drawn = spare & mask
            else:
                hi, lo = _step(hi, lo, inc_hi, inc_lo)
                out = _output(hi, lo)
                has_word, spare = np.uint64(1), out >> np.uint64(32)
                drawn = out & np.uint64(0xFFFFFFFF) & mask
            if drawn <= bound:
                break
        j = np.intp(drawn)
        held = scratch[i]
        scratch[i] = scratch[j]
        scratch[j] = held
    for i in range(n):
        hi, lo = _step(hi, lo, inc_hi, inc_lo)
        uniform = np.float64(_output(hi, lo) >> np.uint64(11)) * (1.0 / 9007199254740992.0)
        value = (scratch[i] + uniform) * step + low
        values[i] = min(np.floor(value), high) if whole else value
    word[0], word[1], word[4], word[5] = hi, lo, has_word, spare
