"""Current limits reach the charger through the first charging profile it accepts, without wearing its flash."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from ocpp.v16.datatypes import ChargingProfile
import pytest

from custom_components.chargeshare.charger import ChargerRejected
from custom_components.chargeshare.ocpp.smart_charging import LimitContext, ProfileWriter, RateUnit

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


class FakeCharger:
    """Accepts the profile purposes it is told to; records what it was sent."""

    def __init__(self, accepts: set[str]) -> None:
        self.accepts = accepts
        self.sent: list[tuple[int, ChargingProfile]] = []

    async def send(self, connector_id: int, profile: ChargingProfile) -> bool:
        self.sent.append((connector_id, profile))
        return str(profile.charging_profile_purpose) in self.accepts

    @property
    def purposes(self) -> list[str]:
        return [str(profile.charging_profile_purpose) for _, profile in self.sent]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def writer_for(
    charger: FakeCharger,
    *,
    transaction_id: int | None = None,
    voltage: float | None = 230.0,
    interval: float = 10.0,
    clock: Clock | None = None,
) -> ProfileWriter:
    def context() -> LimitContext:
        return LimitContext(connector_id=1, phases=3, voltage_v=voltage, transaction_id=transaction_id, now=NOW)

    return ProfileWriter(charger.send, context, min_interval_s=interval, monotonic=clock or Clock())


async def test_a_charge_point_max_profile_is_the_first_choice() -> None:
    charger = FakeCharger({"ChargePointMaxProfile"})
    writer = writer_for(charger)
    assert await writer.async_apply(10)
    connector_id, profile = charger.sent[0]
    assert connector_id == 0
    assert profile.charging_profile_kind == "Absolute"
    assert profile.charging_schedule.charging_schedule_period[0].limit == 10
    assert profile.charging_schedule.charging_rate_unit == "A"
    assert writer.purpose == "ChargePointMaxProfile"


async def test_a_charger_that_refuses_it_gets_tx_default_and_tx_profiles_from_then_on() -> None:
    charger = FakeCharger({"TxDefaultProfile", "TxProfile"})
    writer = writer_for(charger, transaction_id=42, interval=0)
    await writer.async_apply(10)
    assert charger.purposes == ["ChargePointMaxProfile", "TxDefaultProfile", "TxProfile"]
    assert charger.sent[2][1].transaction_id == 42
    assert charger.sent[1][0] == 1
    charger.sent.clear()
    await writer.async_apply(12)
    assert charger.purposes == ["TxDefaultProfile", "TxProfile"]
    assert writer.purpose == "TxDefaultProfile"


async def test_without_a_session_only_the_default_profile_is_sent() -> None:
    charger = FakeCharger({"TxDefaultProfile"})
    await writer_for(charger).async_apply(8)
    assert charger.purposes == ["ChargePointMaxProfile", "TxDefaultProfile"]


async def test_a_charger_that_refuses_every_profile_is_an_error() -> None:
    charger = FakeCharger(set())
    with pytest.raises(ChargerRejected):
        await writer_for(charger, transaction_id=1).async_apply(8)


async def test_power_based_chargers_get_watts_from_the_measured_voltage() -> None:
    charger = FakeCharger({"ChargePointMaxProfile"})
    writer = writer_for(charger, voltage=240.0)
    writer.rate_unit = RateUnit.WATTS
    await writer.async_apply(10)
    period = charger.sent[0][1].charging_schedule.charging_schedule_period[0]
    assert period.limit == 7200.0
    assert period.number_phases == 3


@pytest.mark.parametrize("voltage", [None, 0.4, 1000.0])
async def test_an_implausible_voltage_falls_back_to_230_v(voltage: float | None) -> None:
    charger = FakeCharger({"ChargePointMaxProfile"})
    writer = writer_for(charger, voltage=voltage)
    writer.rate_unit = RateUnit.WATTS
    await writer.async_apply(10)
    assert charger.sent[0][1].charging_schedule.charging_schedule_period[0].limit == 6900.0


@pytest.mark.parametrize(
    ("configured", "unit"), [("Current", "A"), ("Power", "W"), ("Current,Power", "A"), (None, "A")]
)
def test_the_rate_unit_follows_the_chargers_configuration(configured: str | None, unit: str) -> None:
    assert RateUnit.from_configuration(configured) == unit


async def test_an_unchanged_limit_is_not_written_again() -> None:
    charger = FakeCharger({"ChargePointMaxProfile"})
    clock = Clock()
    writer = writer_for(charger, clock=clock)
    await writer.async_apply(10)
    clock.now += 3600
    assert not await writer.async_apply(10)
    assert len(charger.sent) == 1


async def test_changes_within_the_interval_are_held_back_and_only_the_newest_is_written() -> None:
    charger = FakeCharger({"ChargePointMaxProfile"})
    clock = Clock()
    writer = writer_for(charger, clock=clock, interval=0.05)
    await writer.async_apply(10)
    assert not await writer.async_apply(11)
    assert not await writer.async_apply(12)
    assert len(charger.sent) == 1
    clock.now += 0.05
    await asyncio.sleep(0.1)
    assert [p.charging_schedule.charging_schedule_period[0].limit for _, p in charger.sent] == [10, 12]


async def test_a_held_back_write_can_be_cancelled() -> None:
    charger = FakeCharger({"ChargePointMaxProfile"})
    writer = writer_for(charger, interval=0.05)
    await writer.async_apply(10)
    await writer.async_apply(11)
    writer.cancel()
    await asyncio.sleep(0.1)
    assert len(charger.sent) == 1


async def test_a_failed_held_back_write_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    charger = FakeCharger({"ChargePointMaxProfile"})
    clock = Clock()
    writer = writer_for(charger, clock=clock, interval=0.05)
    await writer.async_apply(10)
    charger.accepts.clear()
    await writer.async_apply(11)
    clock.now += 0.05
    await asyncio.sleep(0.1)
    assert "Could not apply the held-back current limit of 11 A" in caplog.text


async def test_after_a_reboot_the_same_limit_is_written_again() -> None:
    charger = FakeCharger({"ChargePointMaxProfile"})
    clock = Clock()
    writer = writer_for(charger, clock=clock)
    await writer.async_apply(10)
    writer.forget_applied()
    clock.now += 60
    assert await writer.async_apply(10)
    assert len(charger.sent) == 2
