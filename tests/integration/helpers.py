"""Helpers for tests against the integration: settling, entity and device lookup."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
import socket
from typing import Any

from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.chargeshare.const import (
    CONF_CONNECTOR_TYPE,
    CONF_MAX_CURRENT,
    CONF_PHASES,
    CONF_POLL_INTERVAL,
    CONF_PROFILE,
    CONF_SKIP_SCHEMA_VALIDATION,
    CONF_TRANSPORT,
    CONF_UNIT_ID,
    DOMAIN,
    TRANSPORT_MODBUS,
)
from custom_components.chargeshare.modbus.profile import Profile
from custom_components.chargeshare.modbus.profile_loader import PROFILES_DIR, load_profile
from sim.modbus import SimulatedModbusCharger
from sim.ocpp_charge_point import SimulatedChargePoint

CHARGER = {
    CONF_MAX_CURRENT: 16,
    CONF_PHASES: "3",
    CONF_CONNECTOR_TYPE: "type2_socket",
    CONF_SKIP_SCHEMA_VALIDATION: False,
}

ConnectCharger = Callable[..., Awaitable[SimulatedChargePoint]]
MODBUS_POLL_S = 0.05


def shipped_profile(key: str) -> Profile:
    return load_profile(PROFILES_DIR / f"{key}.yaml")


def modbus_entry_for(sim: SimulatedModbusCharger) -> MockConfigEntry:
    """A Modbus entry as the config flow makes it, polling every 50 ms."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"{sim.profile.name} (127.0.0.1)",
        unique_id=f"modbus_127.0.0.1_{sim.port}_{sim.unit_id}",
        data={
            CONF_TRANSPORT: TRANSPORT_MODBUS,
            CONF_HOST: "127.0.0.1",
            CONF_PORT: sim.port,
            CONF_UNIT_ID: sim.unit_id,
            CONF_PROFILE: sim.profile.key,
        },
        options={
            CONF_MAX_CURRENT: 16,
            CONF_PHASES: "3",
            CONF_CONNECTOR_TYPE: "type2_socket",
            CONF_POLL_INTERVAL: MODBUS_POLL_S,
        },
    )


def modbus_entity_id(hass: HomeAssistant, platform: str, key: str, entry: MockConfigEntry) -> str:
    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"modbus_{entry.entry_id}_{key}")
    assert found, f"no {platform} entity {key} for {entry.title}"
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def settle(hass: HomeAssistant, rounds: int = 5) -> None:
    """Let messages cross the loopback socket and Home Assistant process them."""
    for _ in range(rounds):
        await asyncio.sleep(0.02)
        await hass.async_block_till_done()


def entity_id(hass: HomeAssistant, platform: str, key: str, charge_point_id: str = "CP1") -> str:
    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"ocpp_{charge_point_id}_{key}")
    assert found, f"no {platform} entity {key} for {charge_point_id}"
    return found


def device_id(hass: HomeAssistant, charge_point_id: str = "CP1") -> str:
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, f"ocpp_{charge_point_id}")})
    assert device is not None
    return device.id


def profile_limits(charge_point: SimulatedChargePoint) -> list[tuple[str, float]]:
    """The (purpose, limit) of every charging profile the simulated charger was sent."""
    return [
        (
            p["cs_charging_profiles"]["charging_profile_purpose"],
            float(p["cs_charging_profiles"]["charging_schedule"]["charging_schedule_period"][0]["limit"]),
        )
        for action, p in charge_point.received
        if action == "SetChargingProfile"
    ]


def modbus_state(hass: HomeAssistant, platform: str, key: str, entry: MockConfigEntry) -> str:
    return hass.states.get(modbus_entity_id(hass, platform, key, entry)).state


async def modbus_call(
    hass: HomeAssistant, platform: str, service: str, key: str, entry: MockConfigEntry, **data: object
) -> None:
    """Call `platform.service` on the Modbus charger's entity `key` and let its effects settle."""
    entity = modbus_entity_id(hass, platform, key, entry)
    await hass.services.async_call(platform, service, {"entity_id": entity, **data}, blocking=True)
    await hass.async_block_till_done()


async def restart_entry(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


def jump_clock(clock: Any, delta: timedelta) -> None:
    """Move a ticking frozen clock (`freeze_time(..., tick=True)`) on by `delta`; it keeps ticking from there.

    Sockets and the simulated charger need a clock that runs; freezegun's ticking clock has no move_to.
    """
    clock.time_to_freeze += delta
