"""MeterValues become one sample in W, A, V and kWh, whatever units and phases the charger uses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from custom_components.chargeshare.ocpp.measurands import parse_meter_values


def values(*sampled: dict[str, Any], timestamp: str = "2026-11-21T10:00:00Z") -> list[dict[str, Any]]:
    return [{"timestamp": timestamp, "sampled_value": list(sampled)}]


def sample(value: str, measurand: str | None = None, **extra: str) -> dict[str, Any]:
    item: dict[str, Any] = {"value": value, **extra}
    if measurand:
        item["measurand"] = measurand
    return item


@pytest.mark.parametrize(
    ("value", "unit", "expected_kwh"),
    [("12345", "Wh", 12.345), ("12.345", "kWh", 12.345), ("12345", None, 12.345)],
)
def test_energy_register_in_wh_kwh_or_without_unit(value: str, unit: str | None, expected_kwh: float) -> None:
    extra = {"unit": unit} if unit else {}
    result = parse_meter_values(values(sample(value, "Energy.Active.Import.Register", **extra)))
    assert result.energy_kwh == pytest.approx(expected_kwh)


def test_a_sampled_value_without_measurand_is_the_energy_register() -> None:
    assert parse_meter_values(values(sample("5000"))).energy_kwh == pytest.approx(5.0)


@pytest.mark.parametrize(
    ("value", "unit", "expected_w"), [("7400", "W", 7400), ("7.4", "kW", 7400), ("7400", None, 7400)]
)
def test_power_in_w_kw_or_without_unit(value: str, unit: str | None, expected_w: float) -> None:
    extra = {"unit": unit} if unit else {}
    assert parse_meter_values(values(sample(value, "Power.Active.Import", **extra))).power_w == pytest.approx(
        expected_w
    )


def test_three_phases_are_kept_per_phase_and_power_is_summed() -> None:
    result = parse_meter_values(
        values(
            *(sample("16", "Current.Import", phase=p, unit="A") for p in ("L1", "L2", "L3")),
            *(sample("230", "Voltage", phase=f"{p}-N", unit="V") for p in ("L1", "L2", "L3")),
            *(sample("3680", "Power.Active.Import", phase=p, unit="W") for p in ("L1", "L2", "L3")),
        )
    )
    assert result.current_a == (16.0, 16.0, 16.0)
    assert result.voltage_v == (230.0, 230.0, 230.0)
    assert result.power_w == pytest.approx(11040)


def test_a_total_beats_the_sum_of_phases() -> None:
    result = parse_meter_values(
        values(sample("100", "Power.Active.Import", phase="L1"), sample("7000", "Power.Active.Import"))
    )
    assert result.power_w == 7000


def test_line_to_line_voltage_becomes_phase_voltage() -> None:
    result = parse_meter_values(values(sample("400", "Voltage", phase="L1-L2", unit="V")))
    assert result.voltage_v[0] == pytest.approx(230.94, abs=0.01)


def test_a_value_without_phase_is_shown_on_l1() -> None:
    result = parse_meter_values(values(sample("16", "Current.Import", unit="A"), sample("231", "Voltage")))
    assert result.current_a == (16.0, None, None)
    assert result.voltage_v == (231.0, None, None)


def test_neutral_current_is_not_a_phase() -> None:
    result = parse_meter_values(values(sample("3", "Current.Import", phase="N")))
    assert result.current_a == (None, None, None)


def test_energy_at_transaction_begin_is_ignored() -> None:
    result = parse_meter_values(values(sample("0", "Energy.Active.Import.Register", context="Transaction.Begin")))
    assert result.energy_kwh is None


def test_outlet_reading_beats_inlet_reading() -> None:
    result = parse_meter_values(
        values(
            sample("7100", "Power.Active.Import", location="Inlet"),
            sample("7000", "Power.Active.Import", location="Outlet"),
        )
    )
    assert result.power_w == 7000


def test_readings_of_the_car_or_the_housing_are_ignored() -> None:
    result = parse_meter_values(values(sample("80", "Power.Active.Import", location="EV")))
    assert result.power_w is None


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (sample("abc", "Power.Active.Import"), "value 'abc'"),
        (sample("nan", "Power.Active.Import"), "value 'nan'"),
        (sample("-5", "Energy.Active.Import.Register"), "value '-5'"),
        (sample("5", "Power.Active.Import", unit="Celsius"), "unit 'Celsius'"),
        (sample("AB12", "Energy.Active.Import.Register", format="SignedData"), "signed data"),
    ],
)
def test_unusable_values_are_skipped_with_a_reason(item: dict[str, Any], reason: str) -> None:
    result = parse_meter_values(values(item))
    assert result.empty
    assert any(reason in skipped for skipped in result.skipped)


def test_measurands_we_do_not_show_are_ignored_silently() -> None:
    result = parse_meter_values(values(sample("55", "SoC", unit="Percent")))
    assert result.empty
    assert result.skipped == ()


def test_the_newest_of_several_meter_values_wins() -> None:
    result = parse_meter_values(
        [
            {"timestamp": "2026-11-21T10:00:10Z", "sampled_value": [sample("2000", "Energy.Active.Import.Register")]},
            {"timestamp": "2026-11-21T10:00:00Z", "sampled_value": [sample("1000", "Energy.Active.Import.Register")]},
        ]
    )
    assert result.energy_kwh == pytest.approx(2.0)
    assert result.timestamp is not None
    assert result.timestamp.second == 10


def test_a_timestamp_without_a_time_zone_is_utc() -> None:
    result = parse_meter_values(values(sample("1"), timestamp="2026-11-21T10:00:00"))
    assert result.timestamp is not None
    assert result.timestamp.utcoffset() == timedelta(0)
