"""Goal seeking: answer questions backwards.

- :func:`escalation_rate`: the constant yearly rate that brings a payment to a target by a year;
- :func:`cap`: the lowest cap on an indexed rule that still reaches a target;
- :func:`base`: the first-year amount that reaches a target;
- :func:`first_year_over`: the first year a scenario's payment exceeds a threshold;
- :func:`gap_closes`: the first year an offer reaches a demand.

Searches evaluate many candidates per round as one batch through the engine, and narrow
the bracket until it is below ``tolerance``. When no value in the range works, a
:class:`NoSolutionError` says what the range can reach. A tolerance finer than float64
can resolve over the range (:func:`resolution`) is refused before the search starts,
and no search runs more than :data:`MAX_ROUNDS` rounds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numpy as np

from sma_model.analysis.projection import Projection, project
from sma_model.errors import NoSolutionError, SMAModelError
from sma_model.model.scenario import Scenario
from sma_model.model.terms import Currency, Fixed, Indexed, Money
from sma_model.units import billions, payment_column

__all__ = [
    "MAX_ROUNDS",
    "NoSolutionError",
    "base",
    "cap",
    "escalation_rate",
    "first_year_over",
    "gap_closes",
    "resolution",
]

_CANDIDATES = 33
#: The most rounds a search runs: each narrows the bracket 32-fold, so about 11 rounds
#: take any float64 range down to its :func:`resolution`.
MAX_ROUNDS = 40


def resolution(low: float, high: float) -> float:
    """The finest tolerance a search over ``[low, high]`` can reach in float64.

    Four units in the last place of the larger end: below that, candidates between the
    bracket's ends round onto the ends and the bracket stops narrowing.
    """
    return 4.0 * float(np.spacing(max(abs(low), abs(high))))


def _number(value: Any, what: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise SMAModelError(f"{what} must be a number, not {type(value).__name__} {value!r}")
    return float(value)


def _check_question(scenario: Any, target: Any, by_year: Any, target_name: str = "target") -> None:
    """The arguments every search shares: a Scenario, an amount of Money, a whole year."""
    if not isinstance(scenario, Scenario):
        raise SMAModelError(f"scenario must be a sma_model.Scenario, not {type(scenario).__name__}")
    if not isinstance(target, Money):
        raise SMAModelError(
            f"{target_name} must be a sma_model.Money(amount=..., currency='KRW' or 'USD'), "
            f"not {type(target).__name__} {target!r}"
        )
    if isinstance(by_year, (bool, np.bool_)) or not isinstance(by_year, (int, np.integer)):
        raise SMAModelError(f"by_year must be a whole year, not {by_year!r}")


def _payment_in(projection: Projection, year: int, currency: str) -> np.ndarray:
    frame = projection.frame
    column = payment_column(frame, currency, False, projection.notes)
    rows = frame.loc[frame["year"] == year, ["scenario", column]].set_index("scenario")
    if len(rows) != len(projection.names):
        raise SMAModelError(
            f"year {year} is outside the projection ({frame['year'].min()}-{frame['year'].max()})"
        )
    return rows.loc[projection.names, column].to_numpy()


def _search(
    build: Callable[[float], Scenario],
    target: Money,
    by_year: int,
    low: float,
    high: float,
    tolerance: float,
    what: str,
) -> float:
    """Smallest value in [low, high] whose payment in ``by_year`` reaches ``target``.

    Assumes the payment does not fall as the value rises.
    """
    low, high = _number(low, f"{what}: low"), _number(high, f"{what}: high")
    tolerance = _number(tolerance, f"{what}: tolerance")
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise SMAModelError(f"{what}: the search range must be finite with low < high, got [{low}, {high}]")
    if not (np.isfinite(tolerance) and tolerance > 0):
        raise SMAModelError(f"{what}: tolerance must be a positive number, not {tolerance!r}")
    finest = resolution(low, high)
    if tolerance < finest:
        raise SMAModelError(
            f"{what}: tolerance {tolerance:g} is finer than float64 can resolve over [{low:g}, {high:g}] "
            f"(steps of about {finest / 4:g}); give tolerance={finest:.3g} or more"
        )
    for _ in range(MAX_ROUNDS):
        values = np.linspace(low, high, _CANDIDATES)
        scenarios = [
            build(float(v)).model_copy(update={"name": f"candidate {i}"}) for i, v in enumerate(values)
        ]
        paid = _payment_in(project(scenarios), by_year, target.currency)
        reached = paid >= target.amount
        if not reached.any():
            raise NoSolutionError(
                f"no {what} in [{values[0]:g}, {values[-1]:g}] reaches {_money(target)} by {by_year}; "
                f"the most it gives is {_money(Money(amount=float(paid.max()), currency=target.currency))}"
            )
        first = int(np.argmax(reached))
        if first == 0:  # only possible in the first round: later rounds start below the target
            raise NoSolutionError(
                f"even the lowest {what} searched ({values[0]:g}) gives "
                f"{_money(Money(amount=float(paid[0]), currency=target.currency))} in {by_year}, "
                f"at or above {_money(target)}; lower the search range"
            )
        width = high - low
        low, high = float(values[first - 1]), float(values[first])
        if high - low <= tolerance or not high - low < width:
            # interpolate inside the last bracket: exact for payments linear in the value
            p0, p1 = paid[first - 1], paid[first]
            return low + (high - low) * float((target.amount - p0) / (p1 - p0)) if p1 > p0 else high
    raise SMAModelError(  # not reached: MAX_ROUNDS rounds narrow any range below its resolution
        f"{what}: the search did not narrow to {tolerance:g} in {MAX_ROUNDS} rounds; the bracket is "
        f"[{low:g}, {high:g}]"
    )


def _money(money: Money) -> str:
    return billions(money.amount, money.currency)


def _agreement(scenario: Scenario, index: int) -> int:
    """``index`` as a position in ``scenario.agreements``, or an error naming the allowed range."""
    count = len(scenario.agreements)
    if isinstance(index, bool) or not isinstance(index, int) or not -count <= index < count:
        raise SMAModelError(
            f"agreement={index!r}: {scenario.name!r} has {count} agreement(s); "
            f"give an index from {-count} to {count - 1}"
        )
    return index % count


def _replace_agreement(scenario: Scenario, index: int, **changes: object) -> Scenario:
    data = scenario.model_dump()
    agreements = data["agreements"]
    position = _agreement(scenario, index)
    agreements[position] = {**agreements[position], **changes}
    return Scenario.model_validate(data)


def escalation_rate(
    scenario: Scenario,
    target: Money,
    by_year: int,
    agreement: int = -1,
    low: float = -0.5,
    high: float = 0.5,
    tolerance: float = 1e-7,
) -> float:
    """The constant yearly rate that brings the payment to ``target`` in ``by_year``.

    The agreement's escalation is replaced by ``Fixed(rate)`` (and, with a roll-over, the
    years after it follow the same rate).

    Parameters
    ----------
    scenario
        The scenario to change.
    target
        The payment wanted in ``by_year``, in its currency.
    by_year
        The year the payment must reach ``target``.
    agreement
        Which agreement's escalation to replace (index into ``scenario.agreements``).
    low, high
        The range of rates searched [fraction per year]; a ``Fixed`` rate may be -0.5 to 0.5.
    tolerance
        Precision of the answer [fraction].

    Returns
    -------
    float
        The rate [fraction per year].

    Examples
    --------
    From 2026's ₩1,519.2bn to $5bn (₩7,110bn at 1,422 won per dollar) by 2030 takes
    ``(7110 / 1519.2) ** (1 / 4) - 1``, about 47 % a year.
    """
    _check_question(scenario, target, by_year)
    return _search(
        lambda r: _replace_agreement(scenario, agreement, escalation=Fixed(rate=r).model_dump()),
        target,
        by_year,
        low,
        high,
        tolerance,
        "constant escalation rate",
    )


def cap(
    scenario: Scenario,
    target: Money,
    by_year: int,
    agreement: int = -1,
    low: float = 0.0,
    high: float = 0.5,
    tolerance: float = 1e-7,
) -> float:
    """The lowest cap on an agreement's indexed rule that still reaches ``target`` by ``by_year``.

    Raises
    ------
    NoSolutionError
        If even the highest cap falls short (the index itself grows too slowly).
    SMAModelError
        If the agreement's last rule is not :class:`~sma_model.model.terms.Indexed`, or
        the tolerance is finer than float64 resolves over the range (:func:`resolution`).
    """
    _check_question(scenario, target, by_year)
    chosen = scenario.agreements[_agreement(scenario, agreement)]
    rule = chosen.last_rule()
    if not isinstance(rule, Indexed):
        raise SMAModelError(f"agreements[{agreement}] ({chosen.name}) has no indexed rule to cap")
    if rule.floor is not None:
        low = max(_number(low, "cap: low"), rule.floor)

    def build(value: float) -> Scenario:
        capped = rule.model_copy(update={"cap": value})
        if isinstance(chosen.escalation, dict):
            rules = {**chosen.escalation, max(chosen.escalation): capped}
            escalation: dict[int, dict[str, Any]] | dict[str, Any] = {
                year: r.model_dump() for year, r in rules.items()
            }
        else:
            escalation = capped.model_dump()
        return _replace_agreement(scenario, agreement, escalation=escalation)

    return _search(build, target, by_year, low, high, tolerance, "cap")


def base(
    scenario: Scenario,
    target: Money,
    by_year: int,
    agreement: int = 0,
    low: float | None = None,
    high: float | None = None,
    tolerance: float | None = None,
) -> Money:
    """The first-year amount of an agreement that brings the payment to ``target`` by ``by_year``.

    The amount is in the agreement's base currency (it must have a :class:`Money` base).
    The default range is 1 % to 100 times the current base.
    """
    _check_question(scenario, target, by_year)
    chosen = scenario.agreements[_agreement(scenario, agreement)]
    if not isinstance(chosen.base, Money):
        raise SMAModelError(
            f"agreements[{agreement}] ({chosen.name}) has no absolute base amount to solve for"
        )
    current = chosen.base.amount
    low = current * 0.01 if low is None else low
    high = current * 100 if high is None else high
    tolerance = current * 1e-9 if tolerance is None else tolerance
    currency = chosen.base.currency
    amount = _search(
        lambda a: _replace_agreement(scenario, agreement, base={"amount": a, "currency": currency}),
        target,
        by_year,
        low,
        high,
        tolerance,
        "base amount",
    )
    return Money(amount=amount, currency=currency)


def first_year_over(
    scenario: Scenario | Projection, threshold: Money, real: bool = False, name: str | None = None
) -> int:
    """The first year a scenario's payment exceeds ``threshold`` (in the threshold's currency).

    Parameters
    ----------
    scenario
        A scenario, or a projection (then ``name`` picks the scenario; default its first).
    threshold
        The amount to exceed.
    real
        Compare constant-price amounts.

    Raises
    ------
    NoSolutionError
        If the payment never exceeds the threshold within the horizon.
    """
    if not isinstance(scenario, (Scenario, Projection)):
        raise SMAModelError(f"scenario must be a Scenario or a Projection, not {type(scenario).__name__}")
    if not isinstance(threshold, Money):
        raise SMAModelError(
            f"threshold must be a sma_model.Money(amount=..., currency='KRW' or 'USD'), not {threshold!r}"
        )
    projection = scenario if isinstance(scenario, Projection) else project(scenario)
    rows = projection.scenario(projection.names[0] if name is None else name)
    column = payment_column(rows, threshold.currency, real, projection.notes)
    over = rows.loc[rows[column] > threshold.amount, "year"]
    if over.empty:
        peak = rows.loc[cast(int, rows[column].idxmax())]  # rows are indexed 0, 1, …
        raise NoSolutionError(
            f"{rows['scenario'].iloc[0]!r} never exceeds {_money(threshold)} by {rows['year'].max()}; "
            f"its highest is {_money(Money(amount=float(peak[column]), currency=threshold.currency))} "
            f"in {int(peak['year'])}"
        )
    return int(over.iloc[0])


def gap_closes(offer: Scenario, demand: Scenario, currency: str = "USD") -> int:
    """The year the offer's payment reaches the demand's for good (in ``currency``).

    That is the year after the last year in which the offer is below the demand (the
    first year both cover, if it never is).

    Raises
    ------
    NoSolutionError
        If the offer stays below the demand in every year both cover.
    """
    for role, given in (("offer", offer), ("demand", demand)):
        if not isinstance(given, Scenario):
            raise SMAModelError(f"{role} must be a sma_model.Scenario, not {type(given).__name__}")
    projection = project([offer, demand])
    column = payment_column(projection.frame, currency, False, projection.notes)
    wide = projection.frame.pivot(index="year", columns="scenario", values=column).dropna()
    if wide.empty:
        raise SMAModelError(f"{offer.name!r} and {demand.name!r} share no year with a known {column}")
    below = (wide[offer.name] < wide[demand.name]).to_numpy()
    if below[-1]:
        gap = (wide[demand.name] - wide[offer.name]).iloc[-1]
        # payment_column has checked the currency: KRW or USD, in any case
        raise NoSolutionError(
            f"{offer.name!r} is still below {demand.name!r} in {wide.index.max()}; the gap then is "
            f"{_money(Money(amount=float(gap), currency=cast(Currency, currency.upper())))}"
        )
    # the year after the last year with a gap (the first year, if there never was one)
    last_gap = np.flatnonzero(below)
    return int(wide.index[last_gap[-1] + 1] if len(last_gap) else wide.index[0])
