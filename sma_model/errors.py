"""The project's one exception family.

Every error sma_model raises on purpose is a pydantic ``ValidationError`` (bad terms at
the edge) or a subclass of :class:`SMAModelError`. Messages name the field or file, the
value, and what is allowed.
"""

from __future__ import annotations

__all__ = [
    "DataError",
    "MissingAssumptionError",
    "MissingColumnError",
    "MissingExtraError",
    "NoSolutionError",
    "NonFiniteResultError",
    "OutputError",
    "ParameterPathError",
    "SMAModelError",
    "ScenarioError",
    "ScenarioFileError",
    "SweepError",
    "UnknownPresetError",
    "UnknownScenarioError",
    "YAMLInputError",
]


class SMAModelError(ValueError):
    """Base class of every sma_model error (a ``ValueError``)."""


class ScenarioError(SMAModelError):
    """A scenario whose parts do not fit together (order, overlap, horizon, anchor)."""


class MissingAssumptionError(SMAModelError):
    """A macro series has no value for a year a projection needs.

    Attributes
    ----------
    series : str
        The assumption's field name, e.g. ``"cpi"``.
    years : list of int
        The years nothing covers.
    scenario : str
        The scenario that needed them.
    """

    def __init__(self, series: str, years: list[int], scenario: str, why: str) -> None:
        self.series = series
        self.years = list(years)
        self.scenario = scenario
        shown = ", ".join(str(y) for y in self.years[:6])
        if len(self.years) > 6:
            shown += f" … {self.years[-1]}"
        super().__init__(
            f"scenario {scenario!r}: assumption {series!r} has no value for {shown} "
            f"({why}). The historical record does not cover those years; give "
            f"Assumptions({series}=<constant>) or Assumptions({series}={{year: value}})."
        )


class NonFiniteResultError(SMAModelError):
    """A projection overflowed or produced a non-finite number."""


class UnknownScenarioError(SMAModelError, KeyError):
    """No scenario of that name in a result; the message lists the known ones."""

    def __str__(self) -> str:
        return str(self.args[0])


class DataError(SMAModelError):
    """A shipped or user-supplied data file is malformed (names the file and row)."""


class SweepError(SMAModelError):
    """A sweep, Monte Carlo run or sensitivity analysis asked for something it cannot do."""


class ParameterPathError(SweepError, KeyError):
    """A parameter path names no numeric field of the scenario; the message suggests close ones."""

    def __str__(self) -> str:
        return str(self.args[0])


class ScenarioFileError(SMAModelError):
    """A scenario file that cannot be read or does not describe a valid scenario."""


class OutputError(SMAModelError):
    """A file the library was asked to write cannot be written (names the path and why)."""


class MissingColumnError(SMAModelError, KeyError):
    """A table lacks a column a function needs; the message names the missing ones."""

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownPresetError(SMAModelError, KeyError):
    """No preset has that name; the message lists the known ones."""

    def __str__(self) -> str:
        return str(self.args[0])


class NoSolutionError(SMAModelError):
    """No value in the searched range reaches the target; the message says what the range reaches."""


class YAMLInputError(SMAModelError):
    """Text that is not YAML, or YAML the safe loader refuses (too large, too deep, too many aliases).

    Attributes
    ----------
    problem : str
        What is wrong, without the place.
    line : int or None
        The line (from 1) where it was found, if known.
    refused : bool
        True when the text is valid YAML that breaks a limit (size, nesting, aliases),
        False when it is not valid YAML.
    """

    def __init__(self, problem: str, line: int | None = None, refused: bool = False) -> None:
        self.problem = problem
        self.line = line
        self.refused = refused
        where = f"line {line}: " if line is not None else ""
        kind = "" if refused else "not valid YAML: "
        super().__init__(f"{where}{kind}{problem}")


class MissingExtraError(SMAModelError):
    """An optional dependency is not installed; the message names the extra that brings it.

    Attributes
    ----------
    extra : str
        The package's extra that installs it, e.g. ``"excel"``.
    package : str
        The missing distribution, e.g. ``"openpyxl"``.
    """

    def __init__(self, what: str, extra: str, package: str) -> None:
        self.extra = extra
        self.package = package
        super().__init__(f'{what} needs {package}, which is not installed: pip install "sma-model[{extra}]"')
