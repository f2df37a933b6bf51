"""What the benchmark scripts print alike: the load average and a markdown table of rows."""

from __future__ import annotations

import os
from collections.abc import Sequence


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, e.g. ``"1.07 0.98 1.20"``."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def print_table(rows: Sequence[Sequence[str]], figure: str = "sma_model", floor: str = "floor") -> None:
    """Rows of (label, figure, floor, ratio, goal, met) as a markdown table."""
    print(f"| figure | {figure} | {floor} | ratio | goal | |")
    print("| --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
