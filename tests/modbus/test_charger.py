"""The Modbus driver against the simulator, for every shipped profile: what a real charger would see."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
import dataclasses

import pytest

from custom_components.chargeshare.charger import ChargerOffline, ChargerStatus
from custom_components.chargeshare.modbus import charger as driver
from custom_components.chargeshare.modbus.charger import ModbusCharger, ModbusChargerSettings
from custom_components.chargeshare.modbus.profile import IecState, Profile
from sim.modbus import SimulatedModbusCharger
from tests.modbus.simulated import PROFILES
from tests.waiting import until

pytestmark = pytest.mark.usefixtures("socket_enabled")

WITH_WATCHDOG = sorted(key for key, profile in PROFILES.items() if profile.watchdog is not None)
POLL_S = 0.05


@pytest.fixture(autouse=True)
def retry_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(driver, "RETRY_FIRST_S", 0.05)


@contextlib.asynccontextmanager
async def running(
    profile: Profile | str, *, watchdog_timeout_s: float | None = None, stored: dict | None = None
) -> AsyncIterator[tuple[SimulatedModbusCharger, ModbusCharger]]:
    """A simulated charger, and our driver polling it every 50 ms."""
    profile = PROFILES[profile] if isinstance(profile, str) else profile
    sim = SimulatedModbusCharger(profile, watchdog_timeout_s=watchdog_timeout_s)
    await sim.start()
    settings = ModbusChargerSettings("127.0.0.1", sim.port, sim.unit_id, poll_interval_s=POLL_S, timeout_s=0.3)
    charger = ModbusCharger(settings, profile, stored=stored)
    await charger.async_start()
    try:
        await until(lambda: charger.state.online)
        yield sim, charger
    finally:
        await charger.async_stop()
        await sim.stop()


async def polled() -> None:
    """Let a few polls pass."""
    await asyncio.sleep(3 * POLL_S)


@pytest.mark.parametrize("key", sorted(PROFILES))
async def test_the_status_follows_the_car(key: str) -> None:
    async with running(key) as (sim, charger):
        await until(lambda: charger.state.status is ChargerStatus.NO_VEHICLE)
        sim.plug_in()
        await until(lambda: charger.state.status is ChargerStatus.CHARGING)
        for state, status in ((IecState.E, ChargerStatus.ERROR), (IecState.F, ChargerStatus.FAULT)):
            if sim.can_show(state):
                sim.fault(state)
                await until(lambda status=status: charger.state.status is status)
                sim.clear_fault()
        sim.unplug()
        await until(lambda: charger.state.status is ChargerStatus.NO_VEHICLE)


@pytest.mark.parametrize("key", sorted(PROFILES))
async def test_the_setpoint_reaches_the_charger_in_its_own_units(key: str) -> None:
    async with running(key) as (sim, charger):
        await charger.async_set_current(10)
        assert sim.limit_a == pytest.approx(10)
        assert charger.state.current_limit_a == pytest.approx(10)
        await charger.async_set_current(7.4)  # rounded to what the register can say
        step = PROFILES[key].current.resolution_a
        assert sim.limit_a == pytest.approx(7.4 if step < 0.1 else round(7.4 / step) * step)
        await charger.async_set_current(3)  # below the minimum: the charger's minimum
        assert sim.limit_a == pytest.approx(PROFILES[key].current.minimum_a)


async def test_raw_setpoints_are_scaled_as_each_charger_counts() -> None:
    for key, raw in (("abb_terra_ac", [0, 10000]), ("amperfied_connect", [100]), ("phoenix_ev_cc", [10])):
        async with running(key) as (sim, charger):
            await charger.async_set_current(10)
            current = PROFILES[key].current.register
            assert [write.values for write in sim.writes if write.address == current.address][-1] == tuple(raw)


@pytest.mark.parametrize("key", sorted(PROFILES))
async def test_charging_is_forbidden_and_allowed_again(key: str) -> None:
    async with running(key) as (sim, charger):
        sim.plug_in()
        await until(lambda: charger.state.status is ChargerStatus.CHARGING)
        await charger.async_enable(False)
        await until(lambda: charger.state.status is ChargerStatus.CONNECTED)
        assert not sim.enabled or sim.limit_a == 0
        assert not charger.state.enabled
        await charger.async_set_current(8)  # remembered for later, not written while paused
        assert sim.charging_current_a == 0
        await charger.async_enable(True)
        await until(lambda: charger.state.status is ChargerStatus.CHARGING)
        assert sim.limit_a == pytest.approx(8)


@pytest.mark.parametrize("key", sorted(PROFILES))
async def test_energy_only_grows_across_sessions(key: str) -> None:
    # Simulated hours pass in an instant: a watchdog counting them would fall back to its safe current.
    async with running(dataclasses.replace(PROFILES[key], watchdog=None)) as (sim, charger):
        readings: list[float] = []
        for _ in range(2):
            sim.plug_in()
            await until(lambda: charger.state.status is ChargerStatus.CHARGING)
            for _ in range(3):
                sim.advance(600)
                before = charger.state.meter.energy_kwh
                await until(lambda before=before: charger.state.meter.energy_kwh != before)
                readings.append(charger.state.meter.energy_kwh)
            sim.unplug()
            await until(lambda: charger.state.status is ChargerStatus.NO_VEHICLE)
        assert readings == sorted(readings)
        assert readings[-1] - readings[0] == pytest.approx(5 * 600 * 16 * 230 * 3 / 3.6e6, rel=0.02)
        session = charger.state.session
        assert session is not None
        assert session.ended_at is not None
        assert session.energy_kwh == pytest.approx(3 * 600 * 16 * 230 * 3 / 3.6e6, rel=0.02)


async def test_the_low_word_comes_first_where_the_charger_sends_it_so() -> None:
    async with running("phoenix_ev_cc") as (sim, charger):
        await until(lambda: charger.state.meter.energy_kwh is not None)
        assert charger.state.meter.energy_kwh == pytest.approx(sim.energy_kwh)


@pytest.mark.parametrize("key", WITH_WATCHDOG)
async def test_the_watchdog_keeps_the_charger_from_its_safe_current(key: str) -> None:
    profile = PROFILES[key]
    assert profile.watchdog is not None
    fast = dataclasses.replace(profile, watchdog=dataclasses.replace(profile.watchdog, period_s=0.1))
    timeout_s = 2.0  # what the charger serves where it reports its timeout: in whole seconds for some
    async with running(fast, watchdog_timeout_s=timeout_s) as (sim, charger):
        await charger.async_set_current(10)
        for _ in range(3):
            refreshes = sim.watchdog_refreshes
            await until(lambda refreshes=refreshes: sim.watchdog_refreshes > refreshes)
            sim.advance(0.9 * timeout_s)
        assert sim.fallbacks == 0
        assert sim.limit_a == pytest.approx(10)
        await charger.async_stop()
        sim.advance(1.5 * timeout_s)
        assert sim.fallbacks == 1


async def test_a_timeout_reading_0_means_the_profiles_default_period() -> None:
    vestel = PROFILES["vestel_evc04"]  # 0 in HR 2002: the charger's default timeout, refreshed every period_s
    assert vestel.watchdog is not None
    assert vestel.watchdog.period_s is not None
    fast = dataclasses.replace(vestel, watchdog=dataclasses.replace(vestel.watchdog, period_s=0.1))
    async with running(fast, watchdog_timeout_s=0) as (sim, charger):
        await charger.async_set_current(10)
        assert sim.watchdog_timeout_s is not None
        for _ in range(3):
            refreshes = sim.watchdog_refreshes
            await until(lambda refreshes=refreshes: sim.watchdog_refreshes > refreshes)
            sim.advance(0.9 * sim.watchdog_timeout_s)
        assert sim.fallbacks == 0


async def test_a_timeout_reading_0_without_a_default_period_needs_no_watchdog() -> None:
    webasto = PROFILES["webasto_next"]  # 0 in HR 2002: no communication timeout at all
    assert webasto.watchdog is not None
    assert webasto.watchdog.period_s is None
    async with running(webasto, watchdog_timeout_s=0) as (sim, charger):
        await charger.async_set_current(10)
        refreshes = sim.watchdog_refreshes  # the init write of the life bit
        await polled()
        sim.advance(3600)
        assert sim.watchdog_refreshes == refreshes
        assert sim.fallbacks == 0
        assert sim.limit_a == pytest.approx(10)


async def test_an_unreachable_charger_is_offline_within_two_polls_and_comes_back(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with running("alfen_eve") as (sim, charger):
        await sim.stop()
        await until(lambda: not charger.state.online, within_s=2 * POLL_S + 0.3)
        await polled()
        await sim.start()
        await until(lambda: charger.state.online, within_s=5)
    messages = [record.getMessage() for record in caplog.records]
    assert sum("is unreachable" in message for message in messages) == 1
    assert sum(message.endswith("is back") for message in messages) == 1


@pytest.mark.parametrize("code", [2, 4, 11])
async def test_exception_replies_make_it_unavailable_until_they_stop(code: int) -> None:
    async with running("keba_p30") as (sim, charger):
        sim.answer_with_exception(code)
        await until(lambda: not charger.state.online)
        sim.answer_normally()
        await until(lambda: charger.state.online, within_s=5)


async def test_a_charger_that_stops_answering_times_out_and_recovers() -> None:
    async with running("webasto_next") as (sim, charger):
        sim.stop_answering()
        await until(lambda: not charger.state.online, within_s=2)
        sim.answer_normally()
        await until(lambda: charger.state.online, within_s=5)


async def test_stopping_while_a_request_waits_for_its_answer_stops_at_once() -> None:
    async with running("keba_p30") as (sim, charger):
        sim.stop_answering()
        await polled()  # a read is now waiting for an answer that will not come
        async with asyncio.timeout(0.2):  # sooner than that read would time out
            await charger.async_stop()


async def test_commands_to_an_unreachable_charger_fail_at_once() -> None:
    charger = ModbusCharger(ModbusChargerSettings("127.0.0.1", 1, 1), PROFILES["alfen_eve"])
    with pytest.raises(ChargerOffline):
        await charger.async_set_current(10)


async def test_init_writes_are_made_after_connecting() -> None:
    async with running("heidelberg_energy_control") as (sim, _):
        first = sim.writes[0]
        assert (first.address, first.values) == (258, (4,))


async def test_phases_switch_where_the_charger_can() -> None:
    async with running("alfen_eve") as (sim, charger):
        await charger.async_set_current(10, phases=1)
        assert sim.phases == 1
        assert charger.state.phases == 1


async def test_an_unknown_status_code_leaves_the_charger_online_with_an_unknown_status(
    caplog: pytest.LogCaptureFixture,
) -> None:
    profile = PROFILES["webasto_next"]
    forgetful = dataclasses.replace(
        profile,
        status=dataclasses.replace(
            profile.status, rules=tuple(rule for rule in profile.status.rules if rule.status is not IecState.B)
        ),
    )
    sim = SimulatedModbusCharger(profile)
    await sim.start()
    charger = ModbusCharger(
        ModbusChargerSettings("127.0.0.1", sim.port, sim.unit_id, poll_interval_s=POLL_S), forgetful
    )
    await charger.async_start()
    try:
        sim.plug_in()
        await until(lambda: charger.state.online)
        await charger.async_enable(False)
        await until(lambda: charger.state.status is None)
        await polled()
        assert charger.state.online
        assert caplog.text.count("is not in profile webasto_next") == 1
    finally:
        await charger.async_stop()
        await sim.stop()


async def test_its_records_survive_a_restart() -> None:
    async with running(dataclasses.replace(PROFILES["alfen_eve"], watchdog=None)) as (sim, charger):
        sim.plug_in()
        await charger.async_set_current(12)
        await until(lambda: charger.state.session is not None)
        sim.advance(3600)  # 12 A on three phases for an hour: 8.3 kWh
        await until(lambda: charger.state.session is not None and charger.state.session.energy_kwh > 8)
        stored = charger.persisted()
    restored = ModbusCharger(ModbusChargerSettings("127.0.0.1", 1, 1), PROFILES["alfen_eve"], stored=stored)
    assert restored.state.current_limit_a == 12
    assert restored.state.session == charger.state.session
    assert restored.state.meter.energy_kwh == charger.state.meter.energy_kwh


@pytest.mark.parametrize("stored", [{"enabled": 1}, {"current_limit_a": "8"}, {"book": {"version": 0}}])
def test_unreadable_records_are_an_error(stored: dict) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        ModbusCharger(ModbusChargerSettings("127.0.0.1", 1, 1), PROFILES["alfen_eve"], stored=stored)


async def test_a_charger_keeps_its_address_while_its_limits_change() -> None:
    charger = ModbusCharger(ModbusChargerSettings("127.0.0.1", 1, 1), PROFILES["alfen_eve"])
    charger.update_settings(ModbusChargerSettings("127.0.0.1", 1, 1, max_current_a=10))
    assert charger.state.max_current_a == 10
    with pytest.raises(ValueError, match="cannot change"):
        charger.update_settings(ModbusChargerSettings("127.0.0.2", 1, 1))
