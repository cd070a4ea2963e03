"""A Home Assistant restart in the middle of a charge loses no kWh and never makes the total jump."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import aiohttp
from homeassistant.core import HomeAssistant
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.chargeshare.const import DOMAIN
from custom_components.chargeshare.storage import SAVE_DELAY_S
from sim.ocpp_charge_point import SimOptions, SimulatedChargePoint, connect

from .helpers import ConnectCharger, entity_id, settle


def value(hass: HomeAssistant, key: str) -> float:
    return float(hass.states.get(entity_id(hass, "sensor", key)).state)


async def redial(http: aiohttp.ClientSession, port: int, before: SimulatedChargePoint) -> SimulatedChargePoint:
    """The same charger connecting again, mid-session, as chargers do after losing the central system."""
    again = await connect(http, f"ws://127.0.0.1:{port}", "CP1", options=before.options)
    again.register_wh, again.elapsed_s = before.register_wh, before.elapsed_s
    again.transaction_id, again.status, again.car_connected = before.transaction_id, "Charging", True
    await again.boot()
    return again


async def restart(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.parametrize("register", ["lifetime", "session"])
async def test_a_restart_mid_session_keeps_every_kwh(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    connect_charger: ConnectCharger,
    http: aiohttp.ClientSession,
    ocpp_port: int,
    register: str,
) -> None:
    charge_point = await connect_charger(options=SimOptions(register=register))
    energy = entity_id(hass, "sensor", "energy")
    history: list[float] = []
    async_track_state_change_event(
        hass,
        energy,
        lambda event: (
            history.append(float(event.data["new_state"].state))
            if event.data["new_state"].state not in ("unavailable", "unknown")
            else None
        ),
    )
    await charge_point.plug_in()
    await charge_point.start_transaction("CARD")
    await charge_point.charge(3600)
    await settle(hass)
    total_before, session_before = value(hass, "energy"), value(hass, "session_energy")

    await restart(hass, setup_integration)
    charge_point.register_wh += 11040 / 2  # the car charged on while Home Assistant was away
    charge_point.elapsed_s += 1800
    again = await redial(http, ocpp_port, charge_point)
    try:
        await again.send_meter_values()
        await settle(hass)
        assert value(hass, "energy") == pytest.approx(total_before + 5.52, abs=0.002)
        assert value(hass, "session_energy") == pytest.approx(session_before + 5.52, abs=0.002)
        await again.charge(1800)
        await again.stop_transaction()
        await settle(hass)
        assert value(hass, "energy") == pytest.approx(total_before + 11.04, abs=0.002)
        assert value(hass, "session_energy") == pytest.approx(2 * 11.04, abs=0.002)
    finally:
        await again.close()
    assert history == sorted(history)  # the Energy dashboard never sees the total go back
    register_at_start = 1234.0 if register == "lifetime" else 0.0
    assert history[-1] == pytest.approx(register_at_start + 2 * 11.04, abs=0.01)


async def test_sessions_are_saved_while_running_not_only_at_shutdown(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    connect_charger: ConnectCharger,
    hass_storage: dict[str, Any],
) -> None:
    charge_point = await connect_charger()
    await charge_point.plug_in()
    await charge_point.start_transaction("CARD")
    await charge_point.charge(3600)
    await settle(hass)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=SAVE_DELAY_S + 1))
    await hass.async_block_till_done()
    stored = hass_storage[f"{DOMAIN}.{setup_integration.entry_id}"]["data"]["chargers"]["CP1"]
    assert stored["book"]["raw_kwh"] == pytest.approx(1234 + 11.04)
    assert stored["book"]["session"]["id_tag"] == "CARD"


async def test_a_charger_that_reconnects_carries_on(
    hass: HomeAssistant, connect_charger: ConnectCharger, http: aiohttp.ClientSession, ocpp_port: int
) -> None:
    charge_point = await connect_charger()
    await charge_point.plug_in()
    await charge_point.start_transaction("CARD")
    await charge_point.charge(600)
    await charge_point.close()
    await settle(hass)
    assert hass.states.get(entity_id(hass, "binary_sensor", "online")).state == "off"
    again = await redial(http, ocpp_port, charge_point)
    try:
        await again.charge(600)
        await settle(hass)
        assert hass.states.get(entity_id(hass, "binary_sensor", "online")).state == "on"
        assert value(hass, "session_energy") == pytest.approx(11.04 / 3, abs=0.002)
    finally:
        await again.close()
