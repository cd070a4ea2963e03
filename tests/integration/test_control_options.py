"""The options step "Solar and load management": entity pickers, their checks, and where it is reachable."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .helpers import settle

POWER = {"unit_of_measurement": "W", "device_class": "power"}
PHASES = {"phase_l1": "sensor.l1", "phase_l2": "sensor.l2", "phase_l3": "sensor.l3"}


@pytest.fixture(autouse=True)
def meters(hass: HomeAssistant) -> None:
    hass.states.async_set("sensor.grid", "100", POWER)
    hass.states.async_set("sensor.grid_kw", "0.1", {"unit_of_measurement": "kW"})
    hass.states.async_set("sensor.pv", "2000", POWER)
    hass.states.async_set("sensor.energy", "5", {"unit_of_measurement": "kWh"})
    hass.states.async_set("sensor.soc", "50", {"unit_of_measurement": "%"})
    hass.states.async_set("sensor.temperature", "20", {"unit_of_measurement": "°C"})
    for n in (1, 2, 3):
        hass.states.async_set(f"sensor.l{n}", "5", {"unit_of_measurement": "A"})
    hass.states.async_set("sensor.price", "0.3", {"raw_today": []})


async def site_step(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert "site" in result["menu_options"]
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"next_step_id": "site"})
    assert result["step_id"] == "site"
    return result


async def submit(hass: HomeAssistant, result: dict[str, Any], **values: Any) -> dict[str, Any]:
    defaults = {"grid_sign": "import", "battery_sign": "discharge", "price_kind": "price"}
    return await hass.config_entries.options.async_configure(result["flow_id"], {**defaults, **values})


async def test_ocpp_options_save_the_site_and_keep_the_chargers(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    chargers = setup_integration.options["chargers"]
    result = await submit(
        hass,
        await site_step(hass, setup_integration),
        grid_power="sensor.grid_kw",
        grid_sign="export",
        pv_power="sensor.pv",
        battery_soc="sensor.soc",
        battery_priority_soc=30,
        fuse=25,
        price="sensor.price",
        **PHASES,
    )
    assert result["type"] == FlowResultType.CREATE_ENTRY
    await settle(hass)
    assert setup_integration.options["chargers"] == chargers
    site = setup_integration.options["site"]
    assert site["grid_power"] == "sensor.grid_kw"
    assert site["grid_sign"] == "export"
    control = setup_integration.runtime_data.controls["CP1"]
    assert control.site.grid_power == "sensor.grid_kw"
    assert control.site.grid_sign == -1
    assert control.site.fuse_a == 25

    # the form shows what is set; a cleared field is removed
    result = await site_step(hass, setup_integration)
    schema = {str(key): key for key in result["data_schema"].schema}
    assert schema["pv_power"].description == {"suggested_value": "sensor.pv"}
    result = await submit(hass, result, grid_power="sensor.grid")
    assert result["type"] == FlowResultType.CREATE_ENTRY
    await settle(hass)
    assert "pv_power" not in setup_integration.options["site"]
    assert control.site.pv_power is None


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"grid_power": "sensor.energy"}, {"grid_power": "unit_not_power"}),
        ({"grid_power": "sensor.missing"}, {"grid_power": "entity_not_found"}),
        ({"grid_power": "sensor.grid", "battery_soc": "sensor.grid"}, {"battery_soc": "unit_not_percent"}),
        ({"grid_power": "sensor.grid", "phase_l1": "sensor.temperature"}, {"phase_l1": "unit_not_current"}),
        ({"grid_power": "sensor.grid", "phase_l1": "sensor.l1", "fuse": 25}, {"base": "phases_incomplete"}),
        ({"grid_power": "sensor.grid", **PHASES}, {"base": "load_management_incomplete"}),
        ({"grid_power": "sensor.grid", "fuse": 25}, {"base": "load_management_incomplete"}),
        ({"pv_power": "sensor.pv"}, {"base": "grid_required"}),
    ],
)
async def test_the_site_step_says_what_is_wrong_and_recovers(
    hass: HomeAssistant, setup_integration: MockConfigEntry, values: dict[str, Any], errors: dict[str, str]
) -> None:
    result = await submit(hass, await site_step(hass, setup_integration), **values)
    assert result["type"] == FlowResultType.FORM
    assert result["errors"] == errors
    result = await submit(hass, result, grid_power="sensor.grid")
    assert result["type"] == FlowResultType.CREATE_ENTRY


async def test_modbus_options_reach_the_site_step_and_keep_the_settings(
    hass: HomeAssistant, setup_modbus: MockConfigEntry
) -> None:
    settings = dict(setup_modbus.options)
    result = await submit(hass, await site_step(hass, setup_modbus), grid_power="sensor.grid")
    assert result["type"] == FlowResultType.CREATE_ENTRY
    await settle(hass)
    assert setup_modbus.options == {**settings, "site": {"grid_power": "sensor.grid", **result["data"]["site"]}}
    assert next(iter(setup_modbus.runtime_data.controls.values())).site.grid_power == "sensor.grid"
    # and the charger settings keep the site
    result = await hass.config_entries.options.async_init(setup_modbus.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"next_step_id": "settings"})
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**settings, "max_current": 20, "poll_interval": 5}
    )
    assert result["type"] == FlowResultType.CREATE_ENTRY
    assert setup_modbus.options["site"]["grid_power"] == "sensor.grid"
