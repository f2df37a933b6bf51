"""The caches that make a projection fast (validated copies, compiled plans, the record's
arrays) never hand out stale or shared numbers."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

import sma_model as sma
from sma_model.engine import compile_plan
from sma_model.model import registry
from sma_model.model.registry import revalidated

P2025 = 1_402.8e9  # the 2025 payment [KRW] (MOFA 2021-03-10); the 12th SMA's 2026 base is +8.3 %


def test_projecting_twice_gives_equal_but_independent_frames():
    status_quo = sma.presets.get("status-quo")
    first = sma.project(status_quo)
    first.frame.loc[first.frame.index[0], "payment_krw"] = -1.0
    second = sma.project(status_quo)
    assert second.frame["payment_krw"].iloc[0] == P2025 * 1.083


def test_a_compiled_plan_is_the_callers_to_change():
    status_quo = sma.presets.get("status-quo")
    plan = compile_plan(status_quo)
    rate = plan.rate.copy()
    plan.rate[:] = 99.0
    plan.names[0] = "changed"
    again = compile_plan(status_quo)
    np.testing.assert_array_equal(again.rate, rate)
    assert again.names == ["status quo"]


def test_a_scenario_edited_in_place_is_projected_as_it_now_is():
    status_quo = sma.presets.get("status-quo")
    before = sma.project(status_quo).frame["payment_krw"].iloc[0]
    # lists inside a frozen model can still be edited; the engine must see the edit
    status_quo.agreements[0] = status_quo.agreements[0].model_copy(update={"base": sma.Rise(rate=0.2)})
    after = sma.project(status_quo).frame["payment_krw"].iloc[0]
    assert before == P2025 * 1.083 and after == P2025 * 1.2
    # the preset itself is untouched: each get() is a copy of its own
    assert sma.project(sma.presets.get("status-quo")).frame["payment_krw"].iloc[0] == P2025 * 1.083


def test_a_kept_validated_copy_that_was_edited_is_not_handed_out_again():
    status_quo = sma.presets.get("status-quo")
    copy = revalidated(status_quo)
    assert revalidated(status_quo) is copy  # the same content: the kept copy
    copy.agreements.append(copy.agreements[0])
    fresh = revalidated(status_quo)
    assert fresh is not copy and len(fresh.agreements) == 1


def test_after_clearing_the_record_a_projection_reads_it_again_with_the_same_numbers():
    status_quo = sma.presets.get("status-quo")
    before = sma.project(status_quo).frame["payment_usd"].to_numpy()
    sma.history.clear_cache()
    after = sma.project(status_quo).frame["payment_usd"].to_numpy()
    np.testing.assert_array_equal(before, after)


def test_models_whose_dump_cannot_be_pickled_are_validated_each_time_never_shared():
    # a generator put in by model_copy cannot be pickled: such a model is validated afresh
    first, second = sma.presets.get("status-quo"), sma.presets.get("demand-5b")
    first_copy = revalidated(first.model_copy(update={"agreements": (a for a in first.agreements)}))
    second_copy = revalidated(second.model_copy(update={"agreements": (a for a in second.agreements)}))
    assert (first_copy.name, second_copy.name) == ("status quo", "demand $5bn")
    assert second_copy.agreements[0].name == second.agreements[0].name


def test_the_validated_copies_kept_are_the_256_most_recent(monkeypatch):
    monkeypatch.setattr(registry, "_REVALIDATED", OrderedDict())
    amounts = [sma.Money(amount=1e9 + i, currency="KRW") for i in range(257)]
    copies = [revalidated(m) for m in amounts]
    assert registry._REVALIDATED_KEPT == 256 and len(registry._REVALIDATED) == 256
    assert revalidated(amounts[-1]) is copies[-1]  # the newest is kept
    assert revalidated(amounts[1]) is copies[1]
    assert revalidated(amounts[0]) is not copies[0]  # the oldest went, and is validated again
