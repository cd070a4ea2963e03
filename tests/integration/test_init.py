"""Setting up and unloading a central system; chargers added, changed and removed while it runs."""

from __future__ import annotations

import socket
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.chargeshare.const import DOMAIN

from .helpers import CHARGER, ConnectCharger, device_id, entity_id, settle


def update_options(hass: HomeAssistant, entry: MockConfigEntry, **changes: Any) -> None:
    hass.config_entries.async_update_entry(entry, options={**entry.options, **changes})


async def test_unloading_closes_the_port(hass: HomeAssistant, setup_integration: MockConfigEntry) -> None:
    assert setup_integration.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(setup_integration.entry_id)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", setup_integration.data[CONF_PORT]))


async def test_a_busy_port_retries_later(hass: HomeAssistant, config_entry: MockConfigEntry) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", config_entry.data[CONF_PORT]))
        blocker.listen()
        await hass.config_entries.async_setup(config_entry.entry_id)
        assert config_entry.state is ConfigEntryState.SETUP_RETRY
        assert f"Cannot listen on port {config_entry.data[CONF_PORT]}" in (config_entry.reason or "")


async def test_unusable_tls_files_stop_the_setup(hass: HomeAssistant, config_entry: MockConfigEntry, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "cert.pem").write_text("garbage")
    hass.config_entries.async_update_entry(
        config_entry,
        data={
            **config_entry.data,
            "ssl_certfile": str(tmp_path / "cert.pem"),
            "ssl_keyfile": str(tmp_path / "cert.pem"),
        },
    )
    assert not await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_ERROR


async def test_unreadable_stored_sessions_stop_the_setup_and_stay_untouched(
    hass: HomeAssistant, config_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    key = f"{DOMAIN}.{config_entry.entry_id}"
    broken = {"version": 1, "minor_version": 1, "key": key, "data": {"chargers": {"CP1": {"enabled": "maybe"}}}}
    hass_storage[key] = broken
    assert not await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    assert "stored sessions of charger CP1" in (config_entry.reason or "")
    await hass.async_block_till_done()
    assert hass_storage[key] == broken


async def test_a_charger_added_in_the_options_gets_its_device_at_once(
    hass: HomeAssistant, setup_integration: MockConfigEntry, connect_charger: ConnectCharger
) -> None:
    first = await connect_charger("CP1")
    update_options(hass, setup_integration, chargers={**setup_integration.options["chargers"], "CP2": dict(CHARGER)})
    await settle(hass)
    assert entity_id(hass, "sensor", "power", "CP2")
    second = await connect_charger("CP2")
    await second.plug_in()
    await settle(hass)
    assert hass.states.get(entity_id(hass, "sensor", "status", "CP2")).state == "connected"
    assert not first.websocket.closed  # the server did not restart


async def test_a_removed_charger_is_disconnected_and_its_device_deleted(
    hass: HomeAssistant, setup_integration: MockConfigEntry, connect_charger: ConnectCharger
) -> None:
    charge_point = await connect_charger()
    update_options(hass, setup_integration, chargers={})
    await settle(hass)
    assert charge_point.websocket.closed
    assert dr.async_get(hass).async_get_device(identifiers={(DOMAIN, "ocpp_CP1")}) is None
    assert er.async_get(hass).async_get_entity_id("sensor", DOMAIN, "ocpp_CP1_power") is None


async def test_deleting_a_chargers_device_removes_the_charger(
    hass: HomeAssistant, setup_integration: MockConfigEntry, connect_charger: ConnectCharger
) -> None:
    from custom_components.chargeshare import async_remove_config_entry_device

    await connect_charger()
    device = dr.async_get(hass).async_get(device_id(hass))
    assert device is not None
    assert await async_remove_config_entry_device(hass, setup_integration, device)
    await settle(hass)
    assert "CP1" not in setup_integration.options["chargers"]
    other = dr.DeviceEntry(identifiers={(DOMAIN, "ocpp_ELSEWHERE")})
    assert not await async_remove_config_entry_device(hass, setup_integration, other)


async def test_changed_settings_apply_without_dropping_the_connection(
    hass: HomeAssistant, setup_integration: MockConfigEntry, connect_charger: ConnectCharger
) -> None:
    charge_point = await connect_charger()
    update_options(hass, setup_integration, chargers={"CP1": {**CHARGER, "max_current": 10, "password": "new"}})
    await settle(hass)
    assert not charge_point.websocket.closed
    runtime = setup_integration.runtime_data
    assert runtime.coordinators["CP1"].charger.settings.password == "new"
    assert hass.states.get(entity_id(hass, "number", "current_limit")).attributes["max"] == 10


async def test_server_settings_restart_the_server(
    hass: HomeAssistant, setup_integration: MockConfigEntry, connect_charger: ConnectCharger
) -> None:
    charge_point = await connect_charger()
    old_runtime = setup_integration.runtime_data
    hass.config_entries.async_update_entry(
        setup_integration, data={**setup_integration.data, "allow_unknown_chargers": True}
    )
    await settle(hass)
    assert charge_point.websocket.closed
    assert setup_integration.runtime_data is not old_runtime
    assert setup_integration.state is ConfigEntryState.LOADED


async def test_removing_the_entry_deletes_its_stored_sessions(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    connect_charger: ConnectCharger,
    hass_storage: dict[str, Any],
) -> None:
    charge_point = await connect_charger()
    await charge_point.send_meter_values()
    assert await hass.config_entries.async_unload(setup_integration.entry_id)
    assert f"{DOMAIN}.{setup_integration.entry_id}" in hass_storage
    await hass.config_entries.async_remove(setup_integration.entry_id)
    await hass.async_block_till_done()
    assert f"{DOMAIN}.{setup_integration.entry_id}" not in hass_storage
