"""A ChargeShare central system inside a test Home Assistant, and simulated chargers that dial in."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from unittest.mock import PropertyMock, patch

import aiohttp
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.chargeshare.const import CONF_ALLOW_UNKNOWN_CHARGERS, CONF_CHARGERS, DOMAIN
from custom_components.chargeshare.modbus import charger as modbus_driver
from sim.modbus import SimulatedModbusCharger
from sim.ocpp_charge_point import SimOptions, SimulatedChargePoint, connect

from .helpers import CHARGER, ConnectCharger, free_port, modbus_entry_for, settle, shipped_profile


@pytest.fixture(autouse=True)
def publish_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Entities follow every change; test_coordinator.py checks the real cool-down."""
    monkeypatch.setattr("custom_components.chargeshare.coordinator.ENTITY_UPDATE_COOLDOWN_S", 0)


@pytest.fixture(autouse=True)
def write_profiles_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every limit reaches the charger at once; test_number.py checks the flash-wear interval."""
    monkeypatch.setattr("custom_components.chargeshare.ocpp_entry.PROFILE_WRITE_INTERVAL_S", 0)


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Create entities that are disabled by default as enabled (the fixture newer test harnesses ship)."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
def ocpp_port(socket_enabled: None) -> int:
    return free_port()


@pytest.fixture
def chargers() -> dict[str, dict[str, Any]]:
    """The chargers of the entry; override in a test module for other setups."""
    return {"CP1": dict(CHARGER)}


@pytest.fixture
def config_entry(hass: HomeAssistant, ocpp_port: int, chargers: dict[str, dict[str, Any]]) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=f"OCPP central system (port {ocpp_port})",
        data={CONF_HOST: "127.0.0.1", CONF_PORT: ocpp_port, CONF_ALLOW_UNKNOWN_CHARGERS: False},
        options={CONF_CHARGERS: chargers},
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def setup_integration(hass: HomeAssistant, config_entry: MockConfigEntry) -> MockConfigEntry:
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def connect_charger(
    hass: HomeAssistant, setup_integration: MockConfigEntry, http: aiohttp.ClientSession, ocpp_port: int
) -> AsyncIterator[ConnectCharger]:
    """Connect a simulated charger, boot it and let Home Assistant's set-up requests finish."""
    connected: list[SimulatedChargePoint] = []

    async def _connect(charge_point_id: str = "CP1", *, boot: bool = True, **kwargs: Any) -> SimulatedChargePoint:
        options = kwargs.pop("options", None) or SimOptions()
        charge_point = await connect(http, f"ws://127.0.0.1:{ocpp_port}", charge_point_id, options=options, **kwargs)
        connected.append(charge_point)
        if boot:
            await charge_point.boot()
            await settle(hass)
            await charge_point.send_status("Available")
            await settle(hass)
        return charge_point

    yield _connect
    for charge_point in connected:
        await charge_point.close()
    await settle(hass)


@pytest.fixture
async def modbus_charger(
    socket_enabled: None, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[SimulatedModbusCharger]:
    """A simulated Alfen Eve on 127.0.0.1; our driver retries at once when it goes away."""
    monkeypatch.setattr(modbus_driver, "RETRY_FIRST_S", 0.05)
    sim = SimulatedModbusCharger(shipped_profile("alfen_eve"))
    await sim.start()
    yield sim
    await sim.stop()


@pytest.fixture
def modbus_entry(hass: HomeAssistant, modbus_charger: SimulatedModbusCharger) -> MockConfigEntry:
    entry = modbus_entry_for(modbus_charger)
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def setup_modbus(hass: HomeAssistant, modbus_entry: MockConfigEntry) -> MockConfigEntry:
    assert await hass.config_entries.async_setup(modbus_entry.entry_id)
    await hass.async_block_till_done()
    return modbus_entry
