"""Each preset against figures worked out by hand from its YAML and the record."""

from __future__ import annotations

import pytest

import sma_model as sma

BN = 1e9
FX = 1422.0  # the presets hold the won at its 2025 average
Y2026 = 1402.8 * 1.083  # 2025's published ₩1,402.8bn + 8.3 %
Y2027 = Y2026 * 1.021  # + 2025 CPI (2.1 %, record)


def paid(name: str, currency: str = "krw") -> dict[int, float]:
    frame = sma.project(sma.presets.get(name)).frame
    return dict(zip(frame["year"], frame[f"payment_{currency}"] / BN))


def test_names_and_unknown_name():
    assert sma.presets.names() == [
        "demand-10b",
        "demand-5b",
        "history-11th",
        "history-2020-5b",
        "japan-demand-8b",
        "japan-status-quo",
        "lapse",
        "phase-in-5b",
        "rise-13.9",
        "status-quo",
    ]
    with pytest.raises(
        sma.presets.UnknownPresetError, match="no preset 'status-qou'; known presets: demand-10b"
    ):
        sma.presets.get("status-qou")
    assert "8.3%" in sma.presets.describe("status-quo")


def test_status_quo():
    p = paid("status-quo")
    assert p[2026] == pytest.approx(Y2026)
    assert p[2027] == pytest.approx(Y2027)
    # from 2028 the assumed 2 % CPI, under the 5 % cap, rolled over after 2030
    assert p[2035] == pytest.approx(Y2027 * 1.02**8)
    assert round(p[2035], 1) == 1817.4


def test_rise_13_9():
    p = paid("rise-13.9")
    assert p[2027] == pytest.approx(Y2026 * 1.139)
    assert p[2035] == pytest.approx(Y2026 * 1.139 * 1.02**8)


@pytest.mark.parametrize(("name", "dollars_bn"), [("demand-5b", 5.0), ("demand-10b", 10.0)])
def test_flat_dollar_demands(name, dollars_bn):
    usd, krw = paid(name, "usd"), paid(name, "krw")
    assert usd[2026] == pytest.approx(Y2026 / FX)
    assert all(usd[y] == pytest.approx(dollars_bn) for y in range(2027, 2036))
    assert krw[2030] == pytest.approx(dollars_bn * FX)


def test_phase_in_5b():
    usd = paid("phase-in-5b", "usd")
    start = Y2026 / FX  # $1.068bn
    step = (5.0 / start) ** 0.25
    assert usd[2027] == pytest.approx(start * step)
    assert usd[2029] == pytest.approx(start * step**3)
    assert usd[2030] == pytest.approx(5.0)
    assert usd[2035] == pytest.approx(5.0)


def test_lapse_freezes_the_last_payment():
    p = paid("lapse")
    last = Y2027 * 1.02**3
    assert p[2030] == pytest.approx(last)
    assert all(p[y] == pytest.approx(last) for y in range(2031, 2036))


def test_the_13_9_percent_rise_of_2021_is_about_1_03bn_dollars():
    # Seed: "$1.03bn for 2021 after a 13.9% rise": ₩1,183.3bn at 2021's 1,144.6 won per dollar
    assert paid("history-11th", "usd")[2021] == pytest.approx(1183.3071 / 1144.6, abs=1e-4)
    assert round(paid("history-11th", "usd")[2021], 2) == 1.03


def test_accepting_5bn_in_2020_against_the_11th_sma():
    # 2020-2025 at the record's exchange rates: $30bn against the 11th SMA's won converted each year
    fx = sma.history.macro_series("usd_krw")
    eleventh = [1038.9, 1183.3071]
    for growth in (0.054, 0.034, 0.044, 0.042):  # defense budget growth 2021-2024
        eleventh.append(eleventh[-1] * (1 + growth))
    eleventh_usd = sum(v / fx[y] for v, y in zip(eleventh, range(2020, 2026)))
    summary = sma.compare([sma.presets.get("history-11th"), sma.presets.get("history-2020-5b")]).summary()
    assert summary.loc["11th SMA as signed", "total_usd"] / BN == pytest.approx(eleventh_usd)
    assert summary.loc["$5bn from 2020", "total_usd"] == pytest.approx(30e9)
    assert summary.loc["$5bn from 2020", "difference_usd"] / BN == pytest.approx(30 - eleventh_usd)
    assert round(30 - eleventh_usd, 1) == 24.2


def test_5bn_is_more_than_five_times_2019():
    # Seed: Trump's $5bn was "more than five times" 2019's ₩1,038.9bn (at 1,166.1 won per dollar: $891m)
    paid_2019 = sma.history.payments().set_index("year").loc[2019, "payment_krw"]
    ratio = 5e9 / (paid_2019 / sma.history.macro_series("usd_krw")[2019])
    assert 5.0 < ratio < 6.0
    assert ratio == pytest.approx(5.61, abs=0.01)


def test_2018_was_about_890m_dollars_a_little_less_than_half_of_npsc():
    # Seed: "about $890M in 2018 ('a little less than half of the total')"
    paid_2018 = sma.history.payment_series("USD")[2018]
    assert paid_2018 / 1e6 == pytest.approx(872.4, abs=0.1)  # ₩960.2bn at 1,100.6
    assert paid_2018 == pytest.approx(890e6, rel=0.025)
    share = sma.history.macro_series("rok_share_of_npsc")[2018]
    assert 0.4 < share < 0.5
    implied_npsc = paid_2018 / share
    assert implied_npsc / 1e9 == pytest.approx(2.077, abs=0.001)
