"""Bad ranges and outcomes for one_at_a_time and sobol: the package's own errors, saying what is wrong.

Each message names the field, the value and what is allowed; a misspelt name gets the
close ones.
"""

from __future__ import annotations

import pandas as pd
import pytest

import sma_model as sma

SQ = sma.presets.get("status-quo")
CPI = "assumptions.cpi"


def oat(ranges, **kwargs):
    return sma.one_at_a_time(SQ, ranges, **kwargs)


def sobol(bounds, **kwargs):
    pytest.importorskip("SALib")
    return sma.sobol(SQ, bounds, **({"n": 8, "rng": 1} | kwargs))


BAD = [
    (
        lambda: oat({CPI: (0.06, 0.0)}),
        sma.SweepError,
        "ranges['assumptions.cpi']: low (0.06) is above high (0)",
    ),
    (
        lambda: sobol({CPI: (0.06, 0.0)}),
        sma.SweepError,
        "bounds['assumptions.cpi']: low (0.06) is above high",
    ),
    (lambda: sobol({CPI: (0.03, 0.03)}), sma.SweepError, "low and high are both 0.03; a Sobol' range needs"),
    (
        lambda: oat({"assumptions.cpii": (0.0, 0.06)}),
        sma.ParameterPathError,
        "did you mean 'assumptions.cpi'",
    ),
    (
        lambda: sobol({"assumptions.cpii": (0.0, 0.06)}),
        sma.ParameterPathError,
        "did you mean 'assumptions.cpi'",
    ),
    (
        lambda: oat({CPI: ("a", 0.06)}),
        sma.SweepError,
        "ranges['assumptions.cpi'] low must be a number, not str 'a'",
    ),
    (
        lambda: sobol({CPI: (0.0, "b")}),
        sma.SweepError,
        "bounds['assumptions.cpi'] high must be a number, not str",
    ),
    (lambda: oat({CPI: (None, 0.06)}), sma.SweepError, "low must be a number, not NoneType None"),
    (lambda: oat({CPI: (float("nan"), 0.06)}), sma.SweepError, "low must be a finite number, not nan"),
    (
        lambda: oat({CPI: 0.06}),
        sma.SweepError,
        "ranges['assumptions.cpi']: give (low, high), two numbers, not 0.06",
    ),
    (
        lambda: sobol({CPI: (0.0, 0.03, 0.06)}),
        sma.SweepError,
        "give (low, high), two numbers, not (0.0, 0.03, 0.06)",
    ),
    (lambda: oat([(CPI, (0.0, 0.06))]), sma.SweepError, "ranges: give at least one {path: (low, high)}"),
    (lambda: sobol({}), sma.SweepError, "bounds: give at least one {path: (low, high)}"),
    (
        lambda: oat({CPI: (0.0, 0.06), "assumptions.cpi ": (0.0, 0.05)}),
        sma.SweepError,
        "ranges name the field 'assumptions.cpi' twice",
    ),
    (
        lambda: oat({CPI: (0.0, 0.06)}, base={CPI: "x"}),
        sma.SweepError,
        "base['assumptions.cpi'] must be a number",
    ),
    (
        lambda: oat({CPI: (0.0, 0.06)}, base={"assumptions.usd_krw": 1300.0}),
        sma.ParameterPathError,
        "base names 'assumptions.usd_krw', which is not in ranges",
    ),
    (
        lambda: oat({CPI: (0.0, 0.06)}, outcome="totl_krw"),
        sma.SweepError,
        "outcome: 'totl_krw' is not a result column; did you mean 'total_krw'",
    ),
    (
        lambda: sobol({CPI: (0.0, 0.06)}, outcomes=["totl_krw"]),
        sma.SweepError,
        "outcomes: 'totl_krw' is not a result column; did you mean 'total_krw'",
    ),
    (
        lambda: sobol({CPI: (0.0, 0.06)}, outcomes=[CPI]),
        sma.SweepError,
        "'assumptions.cpi' is not a result column",
    ),
    (
        lambda: sobol({CPI: (0.0, 0.06)}, outcomes="total_krw"),
        sma.SweepError,
        "outcomes must be a non-empty list",
    ),
    (lambda: sobol({CPI: (0.0, 0.06)}, n=2.5), sma.SweepError, "n must be a positive whole number"),
    (lambda: sobol({CPI: (0.0, 0.06)}, n=0), sma.SweepError, "n must be a positive whole number"),
]


@pytest.mark.parametrize(("call", "error", "fragment"), BAD)
def test_bad_sensitivity_inputs_raise_the_packages_errors(call, error, fragment):
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)


def test_path_errors_are_also_key_errors():
    with pytest.raises(KeyError):
        oat({"assumptions.cpii": (0.0, 0.06)})


def test_results_are_plain_objects_holding_frames():
    result = oat({CPI: (0.0, 0.06), "assumptions.usd_krw": (1200.0, 1600.0)})
    assert isinstance(result, sma.OneAtATime) and not isinstance(result, pd.DataFrame)
    assert isinstance(result.frame, pd.DataFrame)
    assert list(result.frame.columns) == [
        "parameter",
        "low",
        "high",
        "base",
        "outcome_low",
        "outcome_high",
        "outcome_base",
        "swing",
    ]
    assert result.outcome == "total_krw" and result.inputs["method"] == "zip"
    assert repr(result).startswith("OneAtATime: total_krw over 2 parameter(s)")
    assert "<table" in result._repr_html_()
    # the plot functions take the result or its frame
    assert sma.plot.tornado(result).get_xlabel() == "total payment [₩ tn]"
