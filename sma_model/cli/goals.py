"""``sma-model solve``: questions asked backwards (a rate, a cap, a base, a year).

Each answer is printed in a sentence with its full value, then the payments of the
scenarios it concerns (for ``rate``, ``cap`` and ``base``: the scenario as given and as
solved), so the answer can be checked by eye; ``--csv`` and ``--plot`` write those.
"""

from __future__ import annotations

import argparse
from typing import Any

from sma_model.analysis import solve
from sma_model.analysis.projection import project
from sma_model.cli._common import (
    add_changes,
    amount,
    changed,
    changes,
    check_outputs,
    chosen_scenario,
    emit,
    scenario,
    show_notes,
    write_csv,
    write_figure,
)
from sma_model.cli.projections import wants_log_scale
from sma_model.errors import SMAModelError
from sma_model.formatting import format_money, format_percent
from sma_model.model.scenario import Scenario
from sma_model.model.terms import Money

__all__ = ["add_parsers"]


def _target(args: argparse.Namespace, value: float) -> Money:
    return Money(amount=value, currency=args.currency.upper())


def _with_base(base: Scenario, index: int | None) -> int:
    """``index``, or when None the last agreement with an absolute base amount (the one to solve for)."""
    if index is not None:
        return index
    found = [i for i, agreement in enumerate(base.agreements) if isinstance(agreement.base, Money)]
    if not found:
        raise SMAModelError(f"{base.name!r} has no agreement with an absolute base amount to solve for")
    return found[-1]


def _agreement_name(base: Scenario, index: int) -> str:
    count = len(base.agreements)
    if not -count <= index < count:
        raise SMAModelError(
            f"--agreement {index}: {base.name!r} has agreements 0 to {count - 1} (or -1 for the last)"
        )
    return base.agreements[index].name


def _cmd_rate(args: argparse.Namespace) -> None:
    check_outputs(args)
    base = chosen_scenario(args)
    which = _agreement_name(base, args.agreement)
    target = _target(args, args.target)
    rate = solve.escalation_rate(base, target, by_year=args.by, agreement=args.agreement)
    emit(
        f"A constant rise of {format_percent(rate, suffix='/yr')} under the {which} brings {base.name!r} "
        f"to {format_money(target.amount, target.currency)} in {args.by} (rate = {rate:.7f} a year)."
    )
    path = f"agreements[{args.agreement % len(base.agreements)}].escalation"
    solved = base.with_changes(
        {path: {"kind": "fixed", "rate": rate}}, name=f"{base.name}, {format_percent(rate)} a year"
    )
    _show(args, [base, solved])


def _cmd_cap(args: argparse.Namespace) -> None:
    check_outputs(args)
    base = chosen_scenario(args)
    which = _agreement_name(base, args.agreement)
    target = _target(args, args.target)
    cap = solve.cap(base, target, by_year=args.by, agreement=args.agreement)
    emit(
        f"The lowest cap on the {which}'s indexed rise that still brings {base.name!r} to "
        f"{format_money(target.amount, target.currency)} by {args.by} is {format_percent(cap)} "
        f"(cap = {cap:.7f})."
    )
    solved = base.with_changes(
        {_cap_path(base, args.agreement): cap}, name=f"{base.name}, cap {format_percent(cap)}"
    )
    _show(args, [base, solved])


def _cap_path(base: Scenario, index: int) -> str:
    chosen = base.agreements[index]
    position = index % len(base.agreements)
    if isinstance(chosen.escalation, dict):
        return f"agreements[{position}].escalation[{max(chosen.escalation)}].cap"
    return f"agreements[{position}].escalation.cap"


def _cmd_base(args: argparse.Namespace) -> None:
    check_outputs(args)
    base = chosen_scenario(args)
    args.agreement = _with_base(base, args.agreement)
    which = _agreement_name(base, args.agreement)
    target = _target(args, args.target)
    found = solve.base(base, target, by_year=args.by, agreement=args.agreement)
    money = format_money(found.amount, found.currency)
    emit(
        f"A first-year amount of {money} for the {which} brings {base.name!r} to "
        f"{format_money(target.amount, target.currency)} in {args.by} "
        f"(base = {found.amount:,.0f} {found.currency})."
    )
    path = f"agreements[{args.agreement % len(base.agreements)}].base"
    solved = base.with_changes({path: found.model_dump()}, name=f"{base.name}, base {money}")
    _show(args, [base, solved])


def _cmd_first_year_over(args: argparse.Namespace) -> None:
    check_outputs(args)
    base = chosen_scenario(args)
    threshold = _target(args, args.threshold)
    year = solve.first_year_over(base, threshold, real=args.real)
    prices = " (in constant prices)" if args.real else ""
    money = format_money(threshold.amount, threshold.currency)
    emit(f"{base.name!r} first pays over {money}{prices} in {year}.")
    _show(args, [base])


def _cmd_gap_closes(args: argparse.Namespace) -> None:
    check_outputs(args)
    found = changes(args)
    offer, demand = (changed(scenario(ref), found) for ref in (args.offer, args.demand))
    year = solve.gap_closes(offer, demand, currency=args.currency.upper())
    emit(f"{offer.name!r} reaches {demand.name!r} for good in {year} (in {args.currency.upper()}).")
    _show(args, [offer, demand])


def _show(args: argparse.Namespace, scenarios: list[Scenario]) -> None:
    """The payments of the scenarios the answer concerns, in printed figures; then the files asked for."""
    proj = project(scenarios)
    currency = args.currency.upper()
    emit("")
    emit(proj.table(currency, real=getattr(args, "real", False), korean=args.korean, text=True).to_string())
    show_notes(args, proj.notes)
    if args.csv:
        write_csv(args.csv, proj.frame)
    if args.plot:
        log = wants_log_scale(proj, currency, scale="auto")
        title = "South Korea's SMA payments: the answer"
        write_figure(args, lambda ax: proj.plot(ax=ax, currency=currency, log=log), title)


def _common(p: argparse.ArgumentParser, target: bool = True) -> None:
    if target:
        p.add_argument(
            "--target", type=amount, required=True, metavar="AMOUNT", help="e.g. 5bn or 2tn, in --currency"
        )
        p.add_argument(
            "--by", type=int, required=True, metavar="YEAR", help="the year the payment must reach it"
        )
    add_changes(p)
    p.add_argument("--currency", choices=["krw", "usd", "KRW", "USD"], default="krw")
    p.add_argument("--korean", action="store_true", help="amounts in Korean units (1조 5,192억 원)")
    p.add_argument("--csv", metavar="CSV", help="write the projections shown (full precision) to this file")
    p.add_argument("--plot", metavar="PNG", help="write their payment curves to this file")
    p.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="print notes on stderr"
    )


def add_parsers(sub: Any) -> None:
    """Add ``solve`` and its questions to ``sub`` (the parser's subparsers)."""
    goal = sub.add_parser("solve", help="answer a question backwards: a rate, a cap, a base amount, a year")
    questions = goal.add_subparsers(dest="question", required=True, metavar="QUESTION")
    for name, run, what, agreement in (
        ("rate", _cmd_rate, "the constant yearly rise that reaches --target in --by", -1),
        ("cap", _cmd_cap, "the lowest cap on an indexed rise that still reaches --target by --by", -1),
        ("base", _cmd_base, "the first-year amount that reaches --target in --by", None),
    ):
        q = questions.add_parser(name, help=what)
        q.add_argument("scenario", help="preset name or YAML/JSON file")
        default = "the last with an amount" if agreement is None else agreement
        q.add_argument(
            "--agreement",
            type=int,
            default=agreement,
            help=f"which agreement, by position (default {default})",
        )
        _common(q)
        q.set_defaults(run=run)
    over = questions.add_parser("first-year-over", help="the first year the payment exceeds --threshold")
    over.add_argument("scenario", help="preset name or YAML/JSON file")
    over.add_argument(
        "--threshold", type=amount, required=True, metavar="AMOUNT", help="e.g. 1.6tn, in --currency"
    )
    over.add_argument("--real", action="store_true", help="compare constant-price amounts")
    _common(over, target=False)
    over.set_defaults(run=_cmd_first_year_over)
    gap = questions.add_parser("gap-closes", help="the year an offer reaches a demand for good")
    gap.add_argument("offer", help="preset name or YAML/JSON file")
    gap.add_argument("demand", help="preset name or YAML/JSON file")
    _common(gap, target=False)
    gap.set_defaults(run=_cmd_gap_closes, currency="usd")
