"""An independent reference projector: plain Python, one scenario and one year at a time.

Written from the documented semantics (README "What the pieces mean", DESIGN.md "The domain
model", the docstrings of ``model/terms.py`` and ``model/scenario.py``), not from the engine's
code, so that agreement between the two is evidence rather than an echo. It uses no numpy
and no part of ``sma_model`` except the validated terms (plain pydantic objects, read
field by field) and the historical record (data, for the payment before the first year and
the macro values a scenario leaves to the record).

The semantics, as documented, that this file encodes:

- A scenario runs from its first agreement's ``start_year`` to ``horizon`` (default: the last
  agreement's last year).
- An agreement's first year is its ``base``: a ``Money`` amount, a ``Rise`` over the previous
  year's payment, or ``None`` (its escalation governs its first year too). Each later year
  follows the rule in force: one rule, or ``{first year: rule}`` where each rule governs
  from its year until the next one starts.
- Rules: ``Fixed(rate)`` previous × (1 + rate); ``Indexed`` previous × (1 + clip(index[t -
  lag] + spread, floor, cap)) with ``index`` the ROK CPI or the ROK defense-budget growth;
  ``Schedule`` previous × (1 + rates[t]); ``Frozen`` previous; ``PhaseIn(target, by_year,
  shape)`` moves from the payment of the year before its first year to ``target`` by
  ``by_year`` (equal ratios for "geometric", equal increments for "linear"), then holds the
  target; a target in the other currency is converted at ``by_year``'s exchange rate.
- Years no agreement covers follow ``after_expiry``: ``RollOver`` keeps the last agreement's
  last rule (a rolled-over phase-in keeps counting its steps, then holds its target),
  ``Frozen`` keeps the last level, any other rule governs from the first year of the lapse.
- Currency: an agreement pays in its ``currency``, else its base's, else a phase-in target's,
  else the previous agreement's (for the first agreement: the currency of the record's
  payment before it). Years after an agreement keep its currency. When the currency changes,
  the previous year's payment is carried into the new currency at the previous year's
  USD/KRW (what it was worth that year).
- Every year's payment is converted at that year's USD/KRW: ``payment_krw``, ``payment_usd``.
  Real columns divide by the price level relative to ``price_base_year`` (ROK CPI for won,
  US CPI for dollars): P(base) = 1, P(t) = P(t-1) × (1 + inflation[t]).
- Assumptions: an explicit ``{year: value}`` wins, then the record (``use_record``), then the
  constant; nothing else.
"""

from __future__ import annotations

import math

import sma_model as sma

__all__ = ["ReferenceYear", "macro_value", "reference_projection"]


def macro_value(assumptions: sma.Assumptions, name: str, year: int) -> float:
    """The value of assumption ``name`` in ``year``, NaN when nothing covers it."""
    given = getattr(assumptions, name)
    if isinstance(given, dict) and year in given:
        return float(given[year])
    record_column = {
        "cpi": "rok_cpi_inflation",
        "defense_budget_growth": "rok_defense_budget_growth",
        "usd_krw": "usd_krw",
        "us_cpi": "us_cpi_inflation",
        "defense_budget": "rok_defense_budget",
    }.get(name)
    if assumptions.use_record and record_column is not None:
        series = sma.history.macro_series(record_column)
        if year in series.index and not math.isnan(float(series[year])):
            return float(series[year])
    if isinstance(given, (int, float)) and not isinstance(given, bool):
        return float(given)
    return math.nan


class ReferenceYear(dict):
    """One year's figures: ``year``, ``currency``, ``payment`` and the converted columns."""


def _agreement_currency(agreement: sma.Agreement, previous: str | None) -> str:
    if agreement.currency is not None:
        return agreement.currency
    if isinstance(agreement.base, sma.Money):
        return agreement.base.currency
    rules = (
        agreement.escalation.values() if isinstance(agreement.escalation, dict) else [agreement.escalation]
    )
    for rule in rules:
        if isinstance(rule, sma.PhaseIn):
            return rule.target.currency
    assert previous is not None, "the first agreement's currency must be knowable"
    return previous


def _rule_for(agreement: sma.Agreement, year: int) -> tuple[object, int]:
    """The rule governing ``year`` in ``agreement`` and the first year it governs."""
    first_ruled = agreement.start_year if agreement.base is None else agreement.start_year + 1
    if not isinstance(agreement.escalation, dict):
        return agreement.escalation, first_ruled
    start = max(y for y in agreement.escalation if y <= year)
    return agreement.escalation[start], start


def _last_rule(agreement: sma.Agreement) -> tuple[object, int | None]:
    """The rule in force in the agreement's last year and the first year it governs (None: governs none)."""
    first_ruled = agreement.start_year if agreement.base is None else agreement.start_year + 1
    if isinstance(agreement.escalation, dict):
        start = max(agreement.escalation)
        return agreement.escalation[start], start
    if first_ruled > agreement.start_year + agreement.term_years - 1:
        return agreement.escalation, None
    return agreement.escalation, first_ruled


def _convert(amount: float, source: str, target: str, usd_krw: float) -> float:
    if source == target:
        return amount
    return amount * usd_krw if source == "USD" else amount / usd_krw


def reference_projection(scenario: sma.Scenario, price_base_year: int) -> list[ReferenceYear]:
    """Each year of ``scenario`` computed one at a time from the documented semantics."""
    a = scenario.assumptions
    first_year = scenario.agreements[0].start_year
    last_year = scenario.horizon if scenario.horizon is not None else scenario.agreements[-1].end_year

    def fx(year: int) -> float:
        return macro_value(a, "usd_krw", year)

    def step(rule: object, year: int, first_ruled: int, previous: float, currency: str) -> float:
        if isinstance(rule, sma.Fixed):
            return previous * (1.0 + rule.rate)
        if isinstance(rule, sma.Frozen):
            return previous
        if isinstance(rule, sma.Schedule):
            return previous * (1.0 + rule.rates[year])
        if isinstance(rule, sma.Indexed):
            series = "cpi" if rule.index == "cpi" else "defense_budget_growth"
            growth = macro_value(a, series, year - rule.lag) + rule.spread
            if rule.cap is not None:
                growth = min(growth, rule.cap)
            if rule.floor is not None:
                growth = max(growth, rule.floor)
            return previous * (1.0 + growth)
        if isinstance(rule, sma.PhaseIn):
            target = _convert(rule.target.amount, rule.target.currency, currency, fx(rule.by_year))
            start = phase_start[first_ruled]
            steps = rule.by_year - first_ruled + 1
            k = year - first_ruled + 1
            if k >= steps:
                return target
            if rule.shape == "linear":
                return start + (target - start) * k / steps
            return start * (target / start) ** (k / steps)
        raise AssertionError(f"not a rule: {rule!r}")

    # the payment before the first year, in its own currency (needed only by Rise/None bases)
    anchor = sma.history.published_payment(first_year - 1)
    previous = anchor.amount if anchor is not None else math.nan
    previous_currency = anchor.currency if anchor is not None else None
    phase_start: dict[int, float] = {}  # first year of a phase-in span -> the level it starts from

    rows: list[ReferenceYear] = []
    current: sma.Agreement | None = None
    currency = previous_currency
    lapse_first = None
    for year in range(first_year, last_year + 1):
        agreement = next((g for g in scenario.agreements if g.start_year <= year <= g.end_year), None)
        if agreement is not None:
            lapse_first = None
            if agreement is not current:
                currency = _agreement_currency(agreement, currency)
                current = agreement
        # last year's payment, carried into this year's currency at last year's rate
        carried = previous
        if previous_currency is not None and previous_currency != currency:
            carried = _convert(previous, previous_currency, currency, fx(year - 1))
        if agreement is not None and year == agreement.start_year and agreement.base is not None:
            base = agreement.base
            if isinstance(base, sma.Money):
                payment = base.amount
            else:
                payment = carried * (1.0 + base.rate)
            rule_text = "base"
        elif agreement is not None:
            rule, first_ruled = _rule_for(agreement, year)
            if year == first_ruled:
                phase_start[first_ruled] = carried
            payment = step(rule, year, first_ruled, carried, currency)
            rule_text = type(rule).__name__
        else:
            assert current is not None
            if lapse_first is None:
                lapse_first = year
            policy = scenario.after_expiry
            if isinstance(policy, sma.RollOver):
                rule, first_ruled = _last_rule(current)
                if first_ruled is None:  # a one-year agreement with a fixed base: its rule starts now
                    first_ruled = lapse_first
                if first_ruled == year:
                    phase_start[first_ruled] = carried
            else:
                rule, first_ruled = policy, lapse_first
                if year == lapse_first:
                    phase_start[first_ruled] = carried
            payment = step(rule, year, first_ruled, carried, currency)
            rule_text = "after " + type(rule).__name__
        rate = fx(year)
        rows.append(
            ReferenceYear(
                year=year,
                currency=currency,
                payment=payment,
                payment_krw=_convert(payment, currency, "KRW", rate),
                payment_usd=_convert(payment, currency, "USD", rate),
                rule=rule_text,
            )
        )
        previous, previous_currency = payment, currency

    for code, series in (("krw", "cpi"), ("usd", "us_cpi")):
        levels = _price_levels(
            a, series, min(first_year, price_base_year), max(last_year, price_base_year), price_base_year
        )
        for row in rows:
            row[f"payment_{code}_real"] = row[f"payment_{code}"] / levels[row["year"]]
    total = {"krw": 0.0, "usd": 0.0}
    for row in rows:
        for code in total:
            total[code] += row[f"payment_{code}"]
            row[f"cumulative_{code}"] = total[code]
    return rows


def _price_levels(a: sma.Assumptions, series: str, first: int, last: int, base: int) -> dict[int, float]:
    """Price level relative to ``base``: 1 in ``base``, times (1 + inflation[t]) each year after."""
    levels = {base: 1.0}
    for year in range(base + 1, last + 1):
        levels[year] = levels[year - 1] * (1.0 + macro_value(a, series, year))
    for year in range(base - 1, first - 1, -1):
        levels[year] = levels[year + 1] / (1.0 + macro_value(a, series, year + 1))
    return levels
