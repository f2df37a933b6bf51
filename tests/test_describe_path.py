"""Parameter paths in words, the one source of plot and table labels (``describe_path``)."""

from __future__ import annotations

import pytest

import sma_model as sma
from sma_model.model.parameters import describe_path, is_rate_path

STATUS_QUO = sma.presets.get("status-quo")  # one agreement, the "12th SMA"


@pytest.mark.parametrize(
    ("path", "words"),
    [
        # every assumption, with and without "assumptions.", and a year of a series
        ("assumptions.cpi", "ROK CPI inflation"),
        ("cpi", "ROK CPI inflation"),
        ("assumptions.defense_budget_growth", "ROK defence budget growth"),
        ("usd_krw", "won per dollar"),
        ("assumptions.us_cpi", "US CPI inflation"),
        ("assumptions.troops", "US troops in Korea"),
        ("assumptions.defense_budget", "ROK defence budget"),
        ("assumptions.gdp", "ROK GDP"),
        ("assumptions.npsc_usd", "US non-personnel stationing cost"),
        ("assumptions.cpi[2030]", "ROK CPI inflation in 2030"),
        ("usd_krw[2031]", "won per dollar in 2031"),
        ("horizon", "last projected year"),
        # every field of an agreement, named after the scenario's own agreement
        ("agreements[0].escalation.cap", "cap on the 12th SMA's rise"),
        ("agreements[0].escalation.floor", "floor on the 12th SMA's rise"),
        ("agreements[0].escalation.spread", "the 12th SMA's margin over the index"),
        ("agreements[0].escalation.lag", "the 12th SMA's index lag [years]"),
        ("agreements[0].escalation.rate", "the 12th SMA's yearly rise"),
        ("agreements[0].escalation.rates[2027]", "the 12th SMA's scheduled rise in 2027"),
        ("agreements[0].escalation.target.amount", "the 12th SMA's phase-in target"),
        ("agreements[0].escalation.by_year", "year the 12th SMA's phase-in ends"),
        ("agreements[0].base.rate", "the 12th SMA's first-year rise"),
        ("agreements[0].base.amount", "the 12th SMA's first-year payment"),
        ("agreements[0].start_year", "the 12th SMA's first year"),
        ("agreements[0].term_years", "the 12th SMA's term [years]"),
        ("agreements[-1].escalation.cap", "cap on the 12th SMA's rise"),
        # a rule that takes over in a year, and a scheduled year of a rule that takes over
        ("agreements[0].escalation[2028].cap", "cap on the 12th SMA's rise from 2028"),
        ("agreements[0].escalation[2028].rates[2029]", "the 12th SMA's scheduled rise in 2029"),
        # the rule after expiry
        ("after_expiry.cap", "cap on the rise after expiry"),
        ("after_expiry.floor", "floor on the rise after expiry"),
        ("after_expiry.spread", "margin over the index after expiry"),
        ("after_expiry.lag", "index lag after expiry [years]"),
        ("after_expiry.rate", "yearly rise after expiry"),
        ("after_expiry.rates[2040]", "scheduled rise after expiry in 2040"),
        ("after_expiry.target.amount", "phase-in target after expiry"),
        ("after_expiry.by_year", "year the phase-in after expiry ends"),
        # what it does not know comes back as it was
        ("agreements[0].escalation.kind", "agreements[0].escalation.kind"),
        ("after_expiry.kind", "after_expiry.kind"),
        ("assumptions.use_record", "assumptions.use_record"),
        ("assumptions", "assumptions"),
        ("agreements[0]", "agreements[0]"),
        ("agreements.x.cap", "agreements.x.cap"),
        ("no.such[path", "no.such[path"),
        ("", ""),
    ],
)
def test_each_path_in_words(path, words):
    assert describe_path(path, STATUS_QUO) == words


def test_the_agreement_is_named_from_a_scenario_its_dump_or_its_position():
    history = sma.presets.get("history-11th")  # the 11th SMA only
    dump = STATUS_QUO.model_dump(mode="json")
    assert describe_path("agreements[0].escalation.cap", dump) == "cap on the 12th SMA's rise"
    assert describe_path("agreements[0].base.rate", history) == "the 11th SMA's first-year rise"
    # names that do not start with a digit are used as they are
    named = STATUS_QUO.with_changes({"agreements[0].name": "Deal of 2026"})
    assert describe_path("agreements[0].base.rate", named) == "Deal of 2026's first-year rise"
    # without a scenario, or past its agreements: counted from 1, or from the end
    assert describe_path("agreements[0].escalation.cap") == "cap on agreement 1's rise"
    assert describe_path("agreements[2].escalation.cap") == "cap on agreement 3's rise"
    assert describe_path("agreements[1].escalation.cap", STATUS_QUO) == "cap on agreement 2's rise"
    assert describe_path("agreements[-1].escalation.cap") == "cap on the last agreement's rise"
    assert describe_path("agreements[-2].escalation.cap") == "cap on agreement -2 (from the end)'s rise"
    assert describe_path("agreements[-2].escalation.cap", dump) == "cap on agreement -2 (from the end)'s rise"
    # a dump without agreements, or whose agreement has no name
    assert describe_path("agreements[0].escalation.cap", {"horizon": 2035}) == "cap on agreement 1's rise"
    assert describe_path("agreements[0].escalation.cap", {"agreements": [{}]}) == "cap on agreement 1's rise"
    assert describe_path("agreements[0].escalation.cap", {"agreements": "x"}) == "cap on agreement 1's rise"


@pytest.mark.parametrize(
    ("path", "is_rate"),
    [
        ("assumptions.cpi", True),
        ("assumptions.cpi[2030]", True),
        ("assumptions.us_cpi", True),
        ("assumptions.defense_budget_growth", True),
        ("agreements[0].escalation.cap", True),
        ("agreements[0].escalation.floor", True),
        ("agreements[0].escalation.spread", True),
        ("agreements[0].escalation.rates[2027]", True),
        ("agreements[0].base.rate", True),
        ("assumptions.usd_krw", False),
        ("agreements[0].base.amount", False),
        ("agreements[0].escalation.lag", False),
        ("horizon", False),
        ("[3]", False),
        ("no.such[path", False),
    ],
)
def test_which_paths_hold_rates(path, is_rate):
    assert is_rate_path(path) is is_rate


def test_numbers_from_1000_are_years_and_smaller_ones_list_positions():
    assert describe_path("assumptions.cpi[1000]") == "ROK CPI inflation in 1000"
    assert describe_path("agreements[999].escalation.cap") == "cap on agreement 1000's rise"


def test_only_agreements_have_agreement_words_and_a_year_of_the_rule_after_expiry_reads_from():
    assert describe_path("x.y.start_year") == "x.y.start_year"
    assert describe_path("after_expiry[2031].cap") == "cap on the rise after expiry from 2031"


def test_agreement_names_from_unusual_scenarios():
    # a model without agreements, an entry without a name, a one-digit ordinal
    assert describe_path("agreements[0].escalation.cap", sma.Assumptions()) == "cap on agreement 1's rise"
    assert describe_path("agreements[0].escalation.cap", {"agreements": [3]}) == "cap on agreement 1's rise"
    first = STATUS_QUO.with_changes({"agreements[0].name": "1st SMA"})
    assert describe_path("agreements[0].escalation.cap", first) == "cap on the 1st SMA's rise"
