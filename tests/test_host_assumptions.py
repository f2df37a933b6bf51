"""Each host's assumption ranges, read from what ``data/datapackage.json`` declares of its
``macro.csv`` (``sma_model.model.assumptions``).

The table is built when the module is imported, so these tests call the builders again and
check every range and word by hand against the declaration: Japan's ``local_per_usd`` 50 to
400 JPY per USD, ``defense_budget`` 1,000 to 100,000 JPY billion, ``nominal_gdp`` 100,000 to
5,000,000 JPY billion, ``cpi_inflation`` -5 to 30 percent.
"""

from __future__ import annotations

import pytest

import sma_model as sma
from sma_model.model import assumptions
from sma_model.series import ASSUMPTIONS, Series

JAPAN = {
    "cpi": Series("cpi", -0.05, 0.3, "a fraction per year, e.g. 0.02 for 2 %", "cpi_inflation", True),
    "defense_budget_growth": Series(
        "defense_budget_growth", -0.3, 0.5, "a fraction per year, e.g. 0.02 for 2 %", None, True
    ),
    "usd_krw": Series("usd_krw", 50.0, 400.0, "yen per dollar", "local_per_usd", True),
    "us_cpi": Series(
        "us_cpi", -0.05, 0.2, "a fraction per year, e.g. 0.02 for 2 %", "us_cpi_inflation", True
    ),
    "troops": Series("troops", 1000.0, 100000.0, "US service members in Japan", None, True),
    "defense_budget": Series(
        "defense_budget", 1e12, 1e14, "Japan's defense budget in yen", "defense_budget", False
    ),
    "gdp": Series("gdp", 1e14, 5e15, "Japan's nominal GDP in yen", "nominal_gdp", False),
    "npsc_usd": Series(
        "npsc_usd", 1e8, 1e11, "US non-personnel stationing costs in Japan, in dollars", None, False
    ),
}


def test_every_hosts_ranges_come_from_its_declared_macro_file():
    built = assumptions._hosts()
    assert sorted(built) == ["japan", "korea"]
    assert built["korea"] is ASSUMPTIONS
    assert built["japan"] == JAPAN
    assert assumptions.host_assumptions("japan") == JAPAN


def _schema(**units):
    return {
        "sma:unitsBySeries": units,
        "sma:rangesBySeries": {column: [1.0, 2.0] for column in units},
    }


def test_scales_in_the_unit_names_and_korea_s_range_where_the_record_has_no_column():
    series = assumptions._host_series(
        "japan",
        _schema(
            cpi_inflation="percent",
            local_per_usd="JPY per USD",
            defense_budget="JPY million",
            nominal_gdp="JPY trillion",
        ),
    )
    assert (series["cpi"].low, series["cpi"].high) == (0.01, 0.02)
    assert (series["usd_krw"].low, series["usd_krw"].high) == (1.0, 2.0)
    assert (series["defense_budget"].low, series["defense_budget"].high) == (1e6, 2e6)
    assert (series["gdp"].low, series["gdp"].high) == (1e12, 2e12)
    growth = series["defense_budget_growth"]  # no column for it: Korea's range, no record
    assert (growth.low, growth.high, growth.record) == (-0.3, 0.5, None)


@pytest.mark.parametrize("unit", ["KRW billion", "JPY thousand", "USD per JPY", "per mille"])
def test_a_unit_the_package_cannot_read_names_the_file_and_the_column(unit):
    with pytest.raises(sma.DataError, match=rf"hosts/japan/macro.csv: defense_budget has the unit '{unit}'"):
        assumptions._host_series("japan", _schema(defense_budget=unit))


def test_a_projected_host_without_a_declared_macro_file_is_a_data_error(monkeypatch):
    package = assumptions.record_package()
    resources = [r for r in package["resources"] if r["path"] != "hosts/japan/macro.csv"]
    monkeypatch.setattr(assumptions, "record_package", lambda: {**package, "resources": resources})
    message = r"declares no hosts/japan/macro\.csv; a projected host needs one"
    with pytest.raises(sma.DataError, match=message):
        assumptions._hosts()


def test_a_host_without_a_rate_column_still_says_its_rate_in_its_own_money():
    series = assumptions._host_series("japan", _schema(cpi_inflation="percent"))
    assert series["usd_krw"].unit == "yen per dollar"
    assert (series["usd_krw"].low, series["usd_krw"].high) == (400.0, 5000.0)  # Korea's, for want of one


def test_without_a_host_the_assumptions_are_korea_s():
    assert assumptions.host_assumptions() is ASSUMPTIONS


def test_a_value_any_host_allows_passes_until_the_scenario_knows_its_host():
    # 1e12 is Japan's lowest defense budget [yen] and below Korea's ₩5 tn: allowed with no host
    assert assumptions.check_for_host("defense_budget", 1e12, "defense_budget") == 1e12
    with pytest.raises(
        ValueError, match=r"in a Japan scenario 1e\+12 to 1e\+14 \(Japan's defense budget in yen\)"
    ):
        assumptions.check_for_host("defense_budget", 1e12, "defense_budget", host="korea")
    with pytest.raises(ValueError, match=r"^gdp: 'x' is not a number \(Japan's nominal GDP in yen\)$"):
        assumptions.check_for_host("gdp", "x", "gdp", host="japan")
