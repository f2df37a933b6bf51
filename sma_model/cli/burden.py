"""``sma-model burden``: what the SMA pays for, Korea's total support and how heavy it is.

For one year of each scenario it prints the composition of the payment (labor,
construction, logistics; cash and in kind), with ``--include-indirect`` Korea's support
beyond the SMA, then the burden ratios (share of the ROK defense budget, of GDP and of
what the US spends on its forces in Korea, and dollars per US soldier for each troop
level) and the denominators with their sources, all from
:func:`sma_model.analysis.burden.burden`. ``--record`` prints the published support
totals beside the support layer and the 2021 rise decomposed.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sma_model.analysis.burden import Burden, burden
from sma_model.analysis.composition import rise_2021, split_change
from sma_model.analysis.projection import project
from sma_model.cli._common import (
    add_changes,
    changed,
    changes,
    check_outputs,
    emit,
    scenario,
    show_notes,
    write_csv,
)
from sma_model.errors import SMAModelError
from sma_model.formatting import format_money, format_percent, format_table
from sma_model.plotting.style import style_context
from sma_model.record.support import support_backtest
from sma_model.record.troops import troop_levels
from sma_model.series import ASSUMPTIONS

__all__ = ["add_parsers"]

#: The year ``burden`` shows by default [calendar year].
DEFAULT_YEAR = 2030
#: The parts of the payment, as printed: column stem of the composition frame → row label.
_PARTS = {
    "labor": "labor (Korean workers, cash)",
    "construction": "construction",
    "logistics": "logistics (in kind)",
    "cash": "paid in cash",
    "in_kind": "paid in kind",
}
#: The ratios, as printed: column of the ratios frame → (row label, decimals in percent).
_SHARES = {
    "share_of_defense_budget": ("share of the ROK defense budget", 2),
    "share_of_gdp": ("share of GDP", 3),
    "share_of_us_cost": ("share of the US cost in Korea", 2),
}
_MEASURES = {"sma": "SMA", "total_support": "total support"}


def _troops(counts: list[float] | None) -> dict[str, float] | None:
    """``--troops`` as ``{label: persons}``; a count the record names keeps the record's label."""
    if not counts:
        return None
    for count in counts:
        try:
            ASSUMPTIONS["troops"].check(count, "--troops")
        except (TypeError, ValueError) as exc:
            raise SMAModelError(str(exc)) from None
    named = {count: label for label, count in troop_levels().items()}
    return {named.get(float(n), f"{n:,.0f}"): float(n) for n in counts}


def _money(value: float, korean: bool, currency: str = "KRW") -> str:
    return format_money(value, currency, korean) if np.isfinite(value) else "NaN"


def _composition(result: Burden, year: int, korean: bool) -> pd.DataFrame:
    """Rows: the payment, its parts (amount and share of the payment), other and total support."""
    table: dict[str, dict[str, str]] = {}
    for name in result.projection.names:
        row = result.composition.query("scenario == @name and year == @year").iloc[0]
        paid = float(row["payment_krw"])
        cells = {"SMA payment": _money(paid, korean)}
        for part, label in _PARTS.items():
            value = float(row[f"{part}_krw"])
            cells[label] = f"{_money(value, korean)} ({format_percent(value / paid, 1)})"
        if result.support is not None:
            support = result.support.query("scenario == @name and year == @year").iloc[0]
            cells["other support (land, taxes, utilities...)"] = _money(
                float(support["other_support_krw"]), korean
            )
            cells["total support"] = _money(float(support["total_support_krw"]), korean)
        table[name] = cells
    return pd.DataFrame(table)


def _ratio_table(result: Burden, year: int, korean: bool) -> pd.DataFrame:
    """Rows: each share and dollars per soldier for each troop level; a column per scenario and measure."""
    rows = result.ratios[result.ratios["year"] == year]
    several = result.support is not None
    table: dict[str, dict[str, str]] = {}
    for (name, measure), group in rows.groupby(["scenario", "measure"], sort=False):
        first = group.iloc[0]
        cells = {
            label: format_percent(float(first[column]), digits) for column, (label, digits) in _SHARES.items()
        }
        for _, level in group.iterrows():
            cells[f"$ per US soldier, {level['troops']}"] = _money(
                float(level["usd_per_troop"]), korean, "USD"
            )
        table[f"{name}: {_MEASURES[str(measure)]}" if several else str(name)] = cells
    return pd.DataFrame(table)


#: The ratios' denominators: row label, column of the ratios frame, currency, column of its basis.
_DENOMINATORS = (
    ("ROK defense budget", "defense_budget_krw", "KRW", "defense_budget_basis"),
    ("GDP", "gdp_krw", "KRW", "gdp_basis"),
    ("US cost of forces in Korea", "us_cost_usd", "USD", "us_cost_basis"),
)


def _denominators(result: Burden, year: int, korean: bool) -> pd.DataFrame:
    """The ratios' denominators in ``year`` and where each comes from.

    One ``amount`` and ``source`` column when every scenario has the same (the sourced
    paths); with ``--defense-budget scenario`` a column per scenario, ``amount (source)``.
    """
    rows = result.ratios[(result.ratios["year"] == year) & (result.ratios["measure"] == "sma")]
    rows = rows.drop_duplicates("scenario").set_index("scenario")
    columns = [c for _, column, _, basis in _DENOMINATORS for c in (column, basis)]
    labels = [label for label, *_ in _DENOMINATORS]
    cells = {
        name: [
            (_money(float(row[column]), korean, code), str(row[basis]) or "not known")
            for _, column, code, basis in _DENOMINATORS
        ]
        for name, row in rows.iterrows()
    }
    if len(rows[columns].astype(str).drop_duplicates()) == 1:
        first = next(iter(cells.values()))
        return pd.DataFrame({"amount": [a for a, _ in first], "source": [b for _, b in first]}, index=labels)
    return pd.DataFrame({str(n): [f"{a} ({b})" for a, b in c] for n, c in cells.items()}, index=labels)


def _check_year(result: Burden, year: int) -> None:
    for name in result.projection.names:
        years = result.composition.loc[result.composition["scenario"] == name, "year"]
        if year not in set(years):
            raise SMAModelError(
                f"--year {year}: scenario {name!r} covers {years.min()}-{years.max()}; pick a year in it"
            )


def _cmd_burden(args: argparse.Namespace) -> None:
    if args.record:
        _show_record(args)
        return
    check_outputs(args)
    refs = args.scenarios or ["status-quo"]
    found = changes(args)
    proj = project([changed(scenario(ref), found) for ref in refs])
    result = burden(
        proj,
        troops=_troops(args.troops),
        include_indirect=args.include_indirect,
        wage_growth=args.wage_growth,
        headcount_growth=args.headcount_growth,
        defense_budget=args.defense_budget,
    )
    year = args.year
    _check_year(result, year)
    emit(f"What the SMA pays for in {year} (share of the payment)")
    emit(format_table(_composition(result, year, args.korean)))
    emit("")
    emit(f"Burden ratios in {year}")
    emit(format_table(_ratio_table(result, year, args.korean)))
    emit("")
    emit(f"Their denominators in {year}")
    emit(format_table(_denominators(result, year, args.korean)))
    basis = result.composition.query("year == @year")
    show_notes(
        args,
        [
            *result.notes,
            *(f"composition of {s!r} in {year}: {b}" for s, b in zip(basis["scenario"], basis["basis"])),
        ],
    )
    if args.csv:
        write_csv(args.csv, result.ratios)
    if args.plot:
        _write_plot(args, result)


def _write_plot(args: argparse.Namespace, result: Burden) -> None:
    """The four ratio panels, or the composition as a stacked area (``--draw``), of the first scenario."""
    from matplotlib.figure import Figure

    with style_context():  # the package style, for the figure as well as what is drawn on it
        if args.draw == "ratios":
            figure = Figure(figsize=(10, 6.5), layout="constrained")
            result.plot("ratios", ax=figure.subplots(2, 2, sharex=True))
        else:
            figure = Figure(figsize=(9, 5), layout="constrained")
            ax = figure.subplots()
            result.plot("composition", ax=ax)
            ax.set_title(f"What the SMA pays for: {result.projection.names[0]}")
        args.save_figure(figure, Path(args.plot))
    emit(f"wrote {args.plot}")
    if len(result.projection.names) > 1:
        show_notes(args, [f"--plot draws the first scenario, {result.projection.names[0]!r}"])


def _signed(value: float) -> str:
    return "" if not np.isfinite(value) else ("+" if value > 0 else "") + format_percent(value)


def _show_record(args: argparse.Namespace) -> None:
    """The published support totals beside the support layer, then the 2021 rise decomposed."""
    if args.scenarios:
        raise SMAModelError(f"--record shows the published record; give no scenarios (got {args.scenarios})")
    korean = args.korean
    table = support_backtest()
    shown = pd.DataFrame(
        {
            "published": [_money(v, korean) for v in table["total_krw"]],
            "SMA": [_money(v, korean) for v in table["sma_krw"]],
            "other": [_money(v, korean) for v in table["other_krw"]],
            "layer": [_money(v, korean) for v in table["layer_total_krw"]],
            "gap": [_signed(v) for v in table["layer_gap"]],
            "carried from": ["" if pd.isna(y) else str(y) for y in table["carried_from"]],
            "carried": ["" if not np.isfinite(v) else _money(v, korean) for v in table["carried_total_krw"]],
            "carried gap": [_signed(v) for v in table["carried_gap"]],
        },
        index=table.index,
    )
    emit("Korea's total support for US forces: published totals beside the support layer")
    emit(format_table(shown))
    emit("(carried: that year's SMA plus the rest of the previous published total, held flat)")
    emit("")
    rise = rise_2021()
    change = split_change()
    base = float(change["first_krw"].iloc[-1])  # the "total" row
    emit(f"The 2021 rise over the 2020 payment of {_money(base, korean)} (MOFA, 2021-03-10)")
    emit(
        format_table(
            pd.DataFrame(
                {
                    "rate": [_signed(v) for v in rise["rate"]],
                    "amount": [_money(v, korean) for v in rise["amount_krw"]],
                },
                index=rise.index,
            )
        )
    )
    emit("")
    emit("The same rise by category (published splits, 2019 and 2021; 2020 was paid at the 2019 level)")
    emit(
        format_table(
            pd.DataFrame(
                {
                    "2019": [_money(v, korean) for v in change["first_krw"]],
                    "2021": [_money(v, korean) for v in change["last_krw"]],
                    "change": [_money(v, korean) for v in change["change_krw"]],
                    "share of the rise": [format_percent(v, 1) for v in change["share_of_change"]],
                },
                index=change.index,
            )
        )
    )
    show_notes(args, [str(n) for n in table["note"]])


def add_parsers(sub: Any) -> None:
    """Add ``burden`` to ``sub`` (the parser's subparsers)."""
    p = sub.add_parser(
        "burden", help="what the SMA pays for, Korea's total support and its burden ratios in one year"
    )
    p.add_argument("scenarios", nargs="*", help="preset names or scenario files (default: status-quo)")
    p.add_argument("--year", type=int, default=DEFAULT_YEAR, help=f"the year shown (default {DEFAULT_YEAR})")
    p.add_argument(
        "--troops",
        type=float,
        nargs="+",
        metavar="N",
        help="US troop levels for dollars per soldier [persons] (default: 28,500 today and 24,000); "
        "give scenarios before it",
    )
    p.add_argument(
        "--include-indirect",
        action="store_true",
        help="add Korea's support beyond the SMA (land, tax exemptions, utilities): total support",
    )
    p.add_argument(
        "--wage-growth", type=float, metavar="R", help="growth of Korean workers' pay [fraction a year]"
    )
    p.add_argument(
        "--headcount-growth", type=float, metavar="R", help="growth of their number [fraction a year]"
    )
    p.add_argument(
        "--defense-budget",
        choices=["sourced", "scenario"],
        default="sourced",
        help="the ROK defense budget of the shares: the record, then the Mid-Term Defense Plan "
        "(sourced, default), or the scenario's own (with --defense-growth)",
    )
    p.add_argument("--korean", action="store_true", help="amounts in Korean units (1조 5,192억 원)")
    p.add_argument("--csv", metavar="CSV", help="write the ratios frame (every year, full precision)")
    p.add_argument("--plot", metavar="PNG", help="write a figure of the first scenario to this file")
    p.add_argument(
        "--draw",
        choices=["ratios", "composition"],
        default="ratios",
        help="what --plot draws: four ratio panels (default) or the composition as a stacked area",
    )
    p.add_argument(
        "--record",
        action="store_true",
        help="instead: the published support totals backtest and the 2021 rise decomposed",
    )
    add_changes(p)
    p.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="print notes on stderr"
    )
    p.set_defaults(run=_cmd_burden)
