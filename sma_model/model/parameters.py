"""Parameter paths: address any field of a scenario with a string.

``"agreements[1].escalation.cap"``, ``"agreements[0].escalation[2022].spread"`` (a rule
that takes over in 2022), ``"after_expiry.rate"``, ``"assumptions.usd_krw"``,
``"assumptions.cpi[2030]"``, ``"horizon"``, ``"host"``. Paths are checked against the scenario's
own fields; a path that names nothing gets an error listing the closest real ones.

One concept serves sweeps and sensitivity (:func:`resolve_path`: numeric fields) and
variants (:func:`with_changes`: any field, set to any value the models accept), so
``sma.sweep(base, {path: values})``, ``base.with_changes({path: value})``, a YAML file's
``changes:`` and the command line's ``--set PATH=VALUE`` address a scenario the same way.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from sma_model.errors import ParameterPathError

if TYPE_CHECKING:  # the scenario module delegates its with_changes here
    from sma_model.model.scenario import Scenario

__all__ = [
    "describe_path",
    "field_paths",
    "format_path",
    "is_rate_path",
    "numeric_paths",
    "parse_path",
    "plain_number",
    "resolve_change",
    "resolve_path",
    "scenario_with",
    "with_changes",
]

Parts = tuple[str | int, ...]

_TOKEN = re.compile(r"\.?([A-Za-z_][A-Za-z_0-9]*)|\[\s*(-?\d+)\s*\]")


def parse_path(path: str) -> Parts:
    """Split ``"agreements[1].escalation.cap"`` into ``("agreements", 1, "escalation", "cap")``.

    Raises
    ------
    ParameterPathError
        The text is not a path (empty, stray characters).
    """
    if not isinstance(path, str) or not path.strip():
        raise ParameterPathError(f"a parameter path must be a non-empty string like 'horizon', not {path!r}")
    parts: list[str | int] = []
    position = 0
    text = path.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or (position == 0 and text.startswith(".")):
            raise ParameterPathError(
                f"cannot read parameter path {path!r} at character {position + 1}; "
                "write fields with dots and list positions or years in brackets, "
                "e.g. 'agreements[1].escalation.cap'"
            )
        name, index = match.groups()
        parts.append(name if name is not None else int(index))
        position = match.end()
    return tuple(parts)


def format_path(parts: Parts) -> str:
    """The inverse of :func:`parse_path`."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


#: What each assumption is, in words (the last part of ``assumptions.<name>``; bare names too,
#: as Monte Carlo uncertainties use them).
ASSUMPTION_WORDS = {
    "cpi": "ROK CPI inflation",
    "defense_budget_growth": "ROK defence budget growth",
    "usd_krw": "won per dollar",
    "us_cpi": "US CPI inflation",
    "troops": "US troops in Korea",
    "defense_budget": "ROK defence budget",
    "gdp": "ROK GDP",
    "npsc_usd": "US non-personnel stationing cost",
}
#: An agreement's fields in words; ``{a}`` is the agreement ("the 12th SMA").
_AGREEMENT_WORDS = {
    ("escalation", "cap"): "cap on {a}'s rise",
    ("escalation", "floor"): "floor on {a}'s rise",
    ("escalation", "spread"): "{a}'s margin over the index",
    ("escalation", "lag"): "{a}'s index lag [years]",
    ("escalation", "rate"): "{a}'s yearly rise",
    ("escalation", "rates"): "{a}'s scheduled rise",
    ("escalation", "target", "amount"): "{a}'s phase-in target",
    ("escalation", "by_year"): "year {a}'s phase-in ends",
    ("base", "rate"): "{a}'s first-year rise",
    ("base", "amount"): "{a}'s first-year payment",
    ("start_year",): "{a}'s first year",
    ("term_years",): "{a}'s term [years]",
}
#: The rule after the last agreement, in words.
_AFTER_EXPIRY_WORDS = {
    "cap": "cap on the rise after expiry",
    "floor": "floor on the rise after expiry",
    "spread": "margin over the index after expiry",
    "lag": "index lag after expiry [years]",
    "rate": "yearly rise after expiry",
    "rates": "scheduled rise after expiry",
    "amount": "phase-in target after expiry",
    "by_year": "year the phase-in after expiry ends",
}
#: Leaf names that hold rates [fractions]: plots show their values in percent.
RATE_FIELDS = frozenset({"cap", "floor", "spread", "rate", "rates", "cpi", "us_cpi", "defense_budget_growth"})


def describe_path(path: str, scenario: Scenario | Mapping[str, Any] | None = None) -> str:
    """A parameter path in words, for plot labels: the one place they come from.

    ``"agreements[0].escalation.cap"`` reads ``"cap on the 12th SMA's rise"`` given a
    scenario (or its JSON dump, as results carry in ``inputs["scenario"]``) whose first
    agreement is the 12th SMA, and ``"cap on agreement 1's rise"`` without one;
    ``"assumptions.cpi"`` reads ``"ROK CPI inflation"``, ``"assumptions.usd_krw"``
    ``"won per dollar"``; a year in brackets is added in words (``"... in 2030"``,
    ``"... from 2022"`` for a rule that takes over that year). A path this function does not
    know is returned as it is, so no label is ever lost.

    Examples
    --------
    >>> describe_path("agreements[0].escalation.cap")
    "cap on agreement 1's rise"
    >>> describe_path("assumptions.cpi[2030]")
    'ROK CPI inflation in 2030'
    """
    try:
        parts = parse_path(path)
    except ParameterPathError:
        return str(path)
    years = [p for p in parts if isinstance(p, int) and p >= 1000]
    fields = tuple(p for p in parts if not (isinstance(p, int) and p >= 1000))
    words: str | None = None
    if len(fields) == 1 and fields[0] in ASSUMPTION_WORDS:
        words = ASSUMPTION_WORDS[str(fields[0])]
    elif len(fields) == 2 and fields[0] == "assumptions":
        words = ASSUMPTION_WORDS.get(str(fields[1]))
    elif fields == ("horizon",):
        words = "last projected year"
    elif len(fields) >= 2 and fields[0] == "after_expiry":
        words = _AFTER_EXPIRY_WORDS.get(str(fields[-1]))
    elif len(fields) >= 3 and fields[0] == "agreements" and isinstance(fields[1], int):
        template = _AGREEMENT_WORDS.get(tuple(str(f) for f in fields[2:]))
        if template is not None:
            words = template.format(a=_agreement_name(fields[1], scenario))
    if words is None:
        return str(path)
    if years and len(fields) >= 2 and fields[-1] == "rates":  # a scheduled year's rise
        return f"{words} in {years[-1]}"
    if years and fields[0] in ("agreements", "after_expiry"):  # a rule that takes over that year
        return f"{words} from {years[0]}"
    return f"{words} in {years[-1]}" if years else words


def is_rate_path(path: str) -> bool:
    """Whether a path holds a rate [fraction] (a cap, a rise, inflation): plots show it in percent."""
    try:
        parts = parse_path(path)
    except ParameterPathError:
        return False
    fields = [p for p in parts if isinstance(p, str)]
    return bool(fields) and fields[-1] in RATE_FIELDS


def _agreement_name(index: int, scenario: Scenario | Mapping[str, Any] | None) -> str:
    """``"the 12th SMA"`` from the scenario's own names, else ``"agreement 1"`` (counted from 1)."""
    agreements: Any = None
    if isinstance(scenario, BaseModel):
        agreements = getattr(scenario, "agreements", None)
    elif isinstance(scenario, Mapping):
        agreements = scenario.get("agreements")
    name = None
    if isinstance(agreements, list) and -len(agreements) <= index < len(agreements):
        entry = agreements[index]
        name = entry.get("name") if isinstance(entry, Mapping) else getattr(entry, "name", None)
    if not name:
        if index >= 0:
            return f"agreement {index + 1}"
        return "the last agreement" if index == -1 else f"agreement {index} (from the end)"
    return f"the {name}" if str(name)[:1].isdigit() else str(name)


#: Fields that may be ``None`` in a dump but never hold a number (an agreement's currency).
_NEVER_NUMBERS = frozenset({"currency", "name", "rule_source", "source", "note"})


def numeric_paths(dump: Any, prefix: Parts = ()) -> list[Parts]:
    """Every path in a scenario dump that holds a number, or ``None`` where a number may go."""
    out: list[Parts] = []
    if isinstance(dump, Mapping):
        for key, value in dump.items():
            if value is None and key in _NEVER_NUMBERS:
                continue
            out += numeric_paths(value, (*prefix, key))
    elif isinstance(dump, list):
        for i, value in enumerate(dump):
            out += numeric_paths(value, (*prefix, i))
    elif dump is None or (isinstance(dump, (int, float)) and not isinstance(dump, bool)):
        out.append(prefix)
    return out


def resolve_path(scenario: Scenario, path: str) -> Parts:
    """Check that ``path`` names a numeric field of ``scenario``; return its parts.

    List positions are made non-negative (``agreements[-1]`` is the last agreement).

    Raises
    ------
    ParameterPathError
        No such numeric field; the message lists the closest paths that exist.
    """
    parts = parse_path(path)
    dump = scenario.model_dump()
    node: Any = dump
    normalised: list[str | int] = []
    for part in parts:
        if isinstance(node, list) and isinstance(part, int) and -len(node) <= part < len(node):
            part = part % len(node)
        elif not (isinstance(node, Mapping) and part in node):
            _raise_unknown(path, dump, "no such field")
        normalised.append(part)
        node = node[part]
    if isinstance(node, bool) or not (node is None or isinstance(node, (int, float))):
        kind = type(node).__name__
        hint = (
            " (a {year: value} series: address one year, e.g. '" + path + "[2030]')" if kind == "dict" else ""
        )
        _raise_unknown(path, dump, f"it holds a {kind}, not a number{hint}")
    return tuple(normalised)


def field_paths(dump: Any, prefix: Parts = ()) -> list[Parts]:
    """Every path in a scenario dump: each field, list position and year, leaves and branches."""
    out: list[Parts] = [prefix] if prefix else []
    if isinstance(dump, Mapping):
        for key, value in dump.items():
            out += field_paths(value, (*prefix, key))
    elif isinstance(dump, list):
        for i, value in enumerate(dump):
            out += field_paths(value, (*prefix, i))
    return out


def resolve_change(dump: Any, path: str) -> Parts:
    """Check that ``path`` names a field of a scenario dump that a change may set; return its parts.

    Any field may be set (a number, a name, a whole rule, a ``{year: value}`` series), and
    a year may be added to a ``{year: ...}`` mapping (``"assumptions.cpi[2031]"``) and an
    item to the end of a list (``"agreements[1]"`` of a one-agreement scenario). List
    positions are made non-negative.

    Raises
    ------
    ParameterPathError
        No such field; the message lists the closest paths that exist.
    """
    parts = parse_path(path)
    node: Any = dump
    normalised: list[str | int] = []
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if isinstance(node, list) and isinstance(part, int) and -len(node) <= part < len(node):
            part = part % len(node)
        elif isinstance(node, Mapping) and part in node:
            pass
        elif last and isinstance(node, list) and part == len(node) and not isinstance(part, bool):
            return (*normalised, part)  # a new item at the end (an agreement that follows)
        elif last and isinstance(part, int) and isinstance(node, Mapping) and node:
            if not all(isinstance(key, int) for key in node):
                _raise_unknown(path, dump, "no such field", every_field=True)
            normalised.append(part)  # a new year of a {year: value} mapping
            return tuple(normalised)
        else:
            why = "no such field"
            if isinstance(part, int) and isinstance(node, (int, float)):
                why = f"{format_path(tuple(normalised))} holds one number, not a {{year: value}} series"
            _raise_unknown(path, dump, why, every_field=True)
        normalised.append(part)
        node = node[part]
    return tuple(normalised)


def _raise_unknown(path: str, dump: Any, why: str, every_field: bool = False) -> None:
    numeric = [format_path(p) for p in numeric_paths(dump)]
    candidates = [format_path(p) for p in field_paths(dump)] if every_field else numeric
    close = difflib.get_close_matches(path, candidates, n=5, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    shown = ", ".join(numeric[:12]) + (" …" if len(numeric) > 12 else "")
    raise ParameterPathError(f"parameter path {path!r}: {why}{hint} Numeric fields of this scenario: {shown}")


def with_changes(scenario: Scenario, changes: Mapping[str, Any], name: str | None = None) -> Scenario:
    """A variant of ``scenario``: the fields at ``changes``' paths set, validated by the models.

    A reform as a diff on a baseline: ``{"assumptions.cpi": 0.025,
    "agreements[0].escalation.cap": 0.04}``. Values may be numbers, text, ``None``,
    ``{year: value}`` series, or terms (``sma.Frozen()``, a rule, ``sma.Money(...)``).

    Parameters
    ----------
    scenario
        The baseline; it is not changed.
    changes
        Parameter path → new value (see the module docstring for paths).
    name
        The variant's name; default the baseline's.

    Returns
    -------
    Scenario
        A new, validated scenario.

    Raises
    ------
    ParameterPathError
        A path that names no field (with the closest real ones).
    pydantic.ValidationError
        A value the models refuse, located by its path (``agreements.0.escalation...cap``).
    """
    if not isinstance(changes, Mapping):
        raise ParameterPathError(
            f"changes must be a mapping of parameter paths to values, not {type(changes).__name__}"
        )
    dump = copy.deepcopy(scenario.model_dump())
    dump["host"] = scenario.host  # left out of Korea's dumps, a path all the same
    for path, value in changes.items():
        parts = resolve_change(dump, path)
        _set(dump, parts, _plain_value(value))
    troops = dump["assumptions"].get("troops")
    moved = dump["host"] != scenario.host and not any(
        str(p).startswith("assumptions.troops") for p in changes
    )
    if moved and troops == (28_500.0 if scenario.host == "korea" else None):
        del dump["assumptions"]["troops"]  # the old host's default troops: take the new host's
    if name is not None:
        dump["name"] = name
    return type(scenario).model_validate(dump)


def _set(dump: Any, parts: Parts, value: Any) -> None:
    node: Any = dump  # a dict or a list, as the path goes down
    for part in parts[:-1]:
        node = node[part]
    if isinstance(node, list) and parts[-1] == len(node):
        node.append(value)
    else:
        node[parts[-1]] = value


def _plain_value(value: Any) -> Any:
    """Terms as their dumps, numpy numbers as Python ones; other values as given."""
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, Mapping):
        return {key: _plain_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_value(item) for item in value]
    return value.item() if hasattr(value, "item") else value  # numpy numbers as Python ones


def scenario_with(scenario: Scenario, values: Mapping[Parts, Any], name: str | None = None) -> Scenario:
    """A copy of ``scenario`` with the fields at ``values``' paths set, validated by the models.

    Raises
    ------
    pydantic.ValidationError
        A value the models refuse (a cap below the floor, a negative base, NaN …).
    """
    dump = copy.deepcopy(scenario.model_dump())
    for parts, value in values.items():
        _set(dump, parts, plain_number(value))
    if name is not None:
        dump["name"] = name
    return type(scenario).model_validate(dump)


def plain_number(value: Any) -> Any:
    """A numpy number as a Python one, whole floats as int (years, lags, terms accept them)."""
    value = value.item() if hasattr(value, "item") else value
    return int(value) if isinstance(value, float) and value.is_integer() else value
