"""A new host is a record folder and its declaration in data/datapackage.json, not new code.

The test copies data/ to a temporary folder, adds a made-up host there (``testland``,
paying in ``XTS``, the ISO 4217 code reserved for testing, with a fiscal year from July),
points the package at the copy with ``SMA_MODEL_DATA`` (documented in ``sma_model._files``
and docs/record.md) and projects a scenario of that host in a fresh interpreter: the
declarations are read when the package is imported, so the copy must be in place before.
No Python file is touched. The made-up host exists only in the temporary copy; the shipped
data is unchanged.

Hand-worked figures (from the test host's record below):

- the last payment before the deal, FY2023, is 90.0 bn XTS (support.csv, per year);
  a rise of 10 % gives FY2024 99.0 bn, then +5 % a year: FY2025 103.95 bn, FY2026
  109.1475 bn, and after expiry (the rule rolls over) FY2027 114.604875 bn;
- a fiscal year from July is half of calendar year t and half of t + 1
  (``(13 - 7) / 12 = 0.5``): FY2024's rate is 0.5 x 10 + 0.5 x 12 = 11 XTS per dollar,
  FY2025's 0.5 x 12 + 0.5 x 14 = 13 (2026 is the assumed 14), FY2026's and FY2027's 14;
  so FY2024 pays $9.0 bn, FY2025 $103.95 / 13 = $7.996154 bn, FY2026 $7.79625 bn;
- per US soldier (1,000 assumed): FY2024 $9.0 m;
- share of the defense budget (fiscal years, 1,100 and 1,210 bn XTS): FY2024 99 / 1,100 =
  9 %, FY2025 103.95 / 1,210 = 8.5909 %.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sma_model import _files
from sma_model.errors import DataError
from sma_model.series import DATA_ENV, HOST_CURRENCIES, HOST_DECLARATIONS
from sma_model.units import CURRENCIES

DATA = _files.data_dir()
SOURCE = "made up for tests/test_new_host.py (not data)"

HOST = {
    "name": "testland",
    "iso3": "TST",
    "aliases": ["test land"],
    "projected": True,
    "currency": {
        "code": "XTS",
        "symbol": "¤",
        "name": "test units",
        "korean_name": "테스트",
        "plot_unit": [1e9, "¤ bn"],
        "table_unit": [1e9, "¤ bn"],
    },
    "fiscal_year_start_month": 7,
    "fiscal_year_source": SOURCE,
    "support_name": "test support",
    "note": SOURCE,
}
MACRO = [
    ("local_per_usd", "calendar", 2023, 8.0, "XTS per USD"),
    ("local_per_usd", "calendar", 2024, 10.0, "XTS per USD"),
    ("local_per_usd", "calendar", 2025, 12.0, "XTS per USD"),
    ("cpi_inflation", "calendar", 2023, 2.0, "percent"),
    ("cpi_inflation", "calendar", 2024, 3.0, "percent"),
    ("defense_budget", "fiscal", 2023, 1000.0, "XTS billion"),
    ("defense_budget", "fiscal", 2024, 1100.0, "XTS billion"),
    ("defense_budget", "fiscal", 2025, 1210.0, "XTS billion"),
]

#: Run in a fresh interpreter with SMA_MODEL_DATA set; prints what the test checks, as JSON.
SCRIPT = """
import json
import sma_model as sma
from sma_model.formatting import format_money
from sma_model.record.hosts import fiscal_year_weights, host
from sma_model.series import HOST_CURRENCIES
from sma_model.units import CURRENCIES, plot_unit

deal = sma.Agreement(
    name="2024-26 deal", start_year=2024, term_years=3, currency="XTS",
    base=sma.Rise(rate=0.10), escalation=sma.Fixed(rate=0.05),
)
scenario = sma.Scenario(
    name="testland deal", host="testland", agreements=[deal], horizon=2027,
    assumptions=sma.Assumptions(usd_krw=14.0, cpi=0.02, troops=1000.0, defense_budget_growth=0.0),
)
frame = sma.project(scenario).frame.set_index("year")
errors = []
for bad in (
    lambda: sma.Scenario(name="x", host="atlantis", agreements=[deal]),
    lambda: sma.Scenario(name="x", agreements=[deal]),
):
    try:
        bad()
    except Exception as exc:
        errors.append(str(exc))
print(json.dumps({
    "hosts": HOST_CURRENCIES,
    "currencies": list(CURRENCIES),
    "weights": list(fiscal_year_weights("TST")),
    "host": host("test land").name,
    "plot_unit": list(plot_unit("xts")),
    "money": format_money(99e9, "XTS"),
    "currency": sorted(set(frame["currency"])),
    "payment": frame["payment"].to_dict(),
    "payment_xts": frame["payment_xts"].to_dict(),
    "report": "billions of" in sma.build_report(scenario),
    "payment_usd": frame["payment_usd"].to_dict(),
    "usd_per_troop": frame["usd_per_troop"].to_dict(),
    "share": frame["share_of_defense_budget"].to_dict(),
    "errors": errors,
}))
"""


def _write_csv(path: Path, header: list[str], rows: list[tuple[object, ...]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _resource_like(package: dict, path: str, new_path: str) -> dict:
    """A copy of the resource ``path`` declared for ``new_path``, yen renamed to XTS."""
    entry = next(r for r in package["resources"] if r["path"] == path)
    text = json.dumps(entry, ensure_ascii=False).replace(path, new_path).replace("JPY", "XTS")
    copy = json.loads(text.replace("amount_jpy_bn", "amount_xts_bn"))
    copy["name"] = new_path.replace("/", "_").replace(".", "_")
    return copy


@pytest.fixture(scope="module")
def testland(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of data/ with one more host: its folder and its declaration, nothing else."""
    folder = tmp_path_factory.mktemp("new_host") / "data"
    shutil.copytree(DATA, folder)
    hosts = folder / "hosts" / "testland"
    hosts.mkdir()
    (hosts / "host.json").write_text(json.dumps(HOST, ensure_ascii=False), encoding="utf-8")
    _write_csv(
        hosts / "macro.csv",
        ["series", "period", "year", "value", "unit", "source", "note"],
        [(*row, SOURCE, "") for row in MACRO],
    )
    _write_csv(
        hosts / "support.csv",
        ["first_fiscal_year", "last_fiscal_year", "item", "basis", "amount_xts_bn", "source", "note"],
        [(2021, 2023, "total", "per_year", 90.0, SOURCE, "")],
    )
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    macro = _resource_like(package, "hosts/japan/macro.csv", "hosts/testland/macro.csv")
    macro["schema"]["sma:rangesBySeries"] = {"cpi_inflation": [-5, 30], "defense_budget": [100, 10000]}
    macro["schema"]["sma:rangesBySeries"]["local_per_usd"] = [1, 100]
    for key in ("sma:unitsBySeries", "sma:periodsBySeries"):
        macro["schema"][key] = {
            s: v for s, v in macro["schema"][key].items() if s in macro["schema"]["sma:rangesBySeries"]
        }
    package["resources"] += [
        _resource_like(package, "hosts/japan/host.json", "hosts/testland/host.json"),
        macro,
        _resource_like(package, "hosts/japan/support.csv", "hosts/testland/support.csv"),
    ]
    (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def projected(testland: Path) -> dict:
    env = {**os.environ, DATA_ENV: str(testland)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_shipped_data_declares_korea_japan_and_germany_not_testland():
    assert HOST_CURRENCIES == {"korea": "KRW", "japan": "JPY"}
    assert list(HOST_DECLARATIONS) == ["korea", "japan", "germany"]
    assert HOST_DECLARATIONS["germany"]["projected"] is False  # no agreement to project
    assert CURRENCIES == ("KRW", "USD", "JPY")


def test_the_new_host_is_known_with_its_currency_and_fiscal_year(projected):
    assert projected["hosts"] == {"korea": "KRW", "japan": "JPY", "testland": "XTS"}
    assert projected["currencies"] == ["KRW", "USD", "JPY", "XTS"]
    assert projected["weights"] == [0.5, 0.5]  # July: (13 - 7) / 12 of the year in calendar year t
    assert projected["host"] == "testland"  # by its alias
    assert projected["plot_unit"] == ["XTS", 1e9, "¤ bn"]
    assert projected["money"] == "¤99.0 bn"


def test_the_new_host_projects_hand_worked_numbers(projected):
    assert projected["currency"] == ["XTS"]
    local = {int(y): v for y, v in projected["payment"].items()}  # in each row's currency, XTS
    expected = {2024: 99.0e9, 2025: 103.95e9, 2026: 109.1475e9, 2027: 114.604875e9}
    assert local == pytest.approx(expected, rel=1e-12)
    # the host's own currency column, named from its declaration: payment_xts
    assert {int(y): v for y, v in projected["payment_xts"].items()} == local
    assert projected["report"]  # the HTML report builds, its captions in the new currency's words
    usd = {int(y): v for y, v in projected["payment_usd"].items()}
    rates = {2024: 11.0, 2025: 13.0, 2026: 14.0, 2027: 14.0}  # fiscal-year blends of 10, 12, 14
    assert usd == pytest.approx({y: expected[y] / rates[y] for y in expected}, rel=1e-12)
    assert usd[2024] == pytest.approx(9.0e9, rel=1e-12)
    assert projected["usd_per_troop"]["2024"] == pytest.approx(9.0e6, rel=1e-12)
    assert projected["share"]["2024"] == pytest.approx(0.09, rel=1e-12)
    assert projected["share"]["2025"] == pytest.approx(103.95 / 1210, rel=1e-12)


def test_messages_name_the_new_host(projected):
    unknown, korean = projected["errors"]
    assert (
        "host: 'atlantis' is not a host the model projects; choose 'korea', 'japan' or 'testland'" in unknown
    )
    assert "'XTS'" in korean and "Korea scenario" in korean


def test_data_dir_follows_the_environment_variable(testland, tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_ENV, str(testland))
    assert _files.data_dir() == testland
    monkeypatch.setenv(DATA_ENV, str(tmp_path))
    with pytest.raises(DataError, match=r"SMA_MODEL_DATA=.* holds no payments.csv"):
        _files.data_dir()


def test_a_bad_declaration_is_a_clear_error_naming_the_file(testland, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(testland, folder)
    bad = {**HOST, "currency": {**HOST["currency"], "code": "usd"}}
    (folder / "hosts" / "testland" / "host.json").write_text(json.dumps(bad), encoding="utf-8")
    env = {**os.environ, DATA_ENV: str(folder)}
    done = subprocess.run(
        [sys.executable, "-c", "import sma_model.series"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    assert (
        "hosts/testland/host.json: name must be 'testland' and currency.code ISO 4217, not 'usd'"
        in done.stderr
    )
