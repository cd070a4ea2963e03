"""Sharing rules as entities: the switch, the hours, the surplus rule and the guest policy; stored with the
entry, checked before anything changes, and shown as availability with its reason and next change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.chargeshare.control_entry import CONTROL_INTERVAL
from custom_components.chargeshare.diagnostics import async_get_config_entry_diagnostics
from custom_components.chargeshare.sharing_settings import SharingSettings
from tests.waiting import until

from .helpers import jump_clock, modbus_call, modbus_state, restart_entry


async def online(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await until(lambda: modbus_state(hass, "sensor", "status", entry) not in ("unavailable", "unknown"))


async def next_cycle(hass: HomeAssistant) -> None:
    async_fire_time_changed(hass, dt_util.utcnow() + CONTROL_INTERVAL)
    await hass.async_block_till_done()


async def test_a_new_charger_is_not_shared(hass: HomeAssistant, setup_modbus: MockConfigEntry) -> None:
    await online(hass, setup_modbus)
    await next_cycle(hass)
    assert modbus_state(hass, "switch", "sharing", setup_modbus) == "off"
    assert modbus_state(hass, "binary_sensor", "sharing_available", setup_modbus) == "off"
    assert modbus_state(hass, "sensor", "sharing_status", setup_modbus) == "sharing switched off"
    assert modbus_state(hass, "sensor", "sharing_next_change", setup_modbus) == "unknown"
    assert modbus_state(hass, "binary_sensor", "guest_session", setup_modbus) == "off"
    assert modbus_state(hass, "text", "sharing_windows", setup_modbus) == ""
    assert float(modbus_state(hass, "number", "sharing_min_surplus", setup_modbus)) == 0
    assert float(modbus_state(hass, "number", "sharing_surplus_minutes", setup_modbus)) == 10
    assert modbus_state(hass, "select", "guest_charging", setup_modbus) == "fixed"
    assert float(modbus_state(hass, "number", "guest_current", setup_modbus)) == 16


async def test_switching_sharing_on_makes_the_charger_available(
    hass: HomeAssistant, setup_modbus: MockConfigEntry
) -> None:
    await online(hass, setup_modbus)
    await modbus_call(hass, "switch", "turn_on", "sharing", setup_modbus)
    assert modbus_state(hass, "binary_sensor", "sharing_available", setup_modbus) == "on"
    assert modbus_state(hass, "sensor", "sharing_status", setup_modbus) == "shared"
    await modbus_call(hass, "switch", "turn_off", "sharing", setup_modbus)
    assert modbus_state(hass, "binary_sensor", "sharing_available", setup_modbus) == "off"


# tick: the clock runs on, so the simulated charger's polling and the waits of the test go on.
@pytest.mark.freeze_time(datetime(2026, 6, 3, 10, tzinfo=UTC), tick=True)  # Wednesday 12:00 in Berlin (summer)
async def test_sharing_hours_open_and_close_availability(
    hass: HomeAssistant, setup_modbus: MockConfigEntry, freezer: Any
) -> None:
    hass.config.set_time_zone("Europe/Berlin")
    await online(hass, setup_modbus)
    await modbus_call(hass, "switch", "turn_on", "sharing", setup_modbus)
    await modbus_call(hass, "text", "set_value", "sharing_windows", setup_modbus, value="Mon-Fri 8:00-18:00")
    assert modbus_state(hass, "text", "sharing_windows", setup_modbus) == "mon-fri 08:00-18:00"  # canonical
    assert modbus_state(hass, "binary_sensor", "sharing_available", setup_modbus) == "on"
    assert modbus_state(hass, "sensor", "sharing_status", setup_modbus) == "shared until Wed 18:00"
    assert modbus_state(hass, "sensor", "sharing_next_change", setup_modbus) == "2026-06-03T16:00:00+00:00"

    jump_clock(freezer, timedelta(hours=7))  # 19:00 in Berlin
    await next_cycle(hass)
    assert modbus_state(hass, "binary_sensor", "sharing_available", setup_modbus) == "off"
    assert modbus_state(hass, "sensor", "sharing_status", setup_modbus) == "outside sharing hours: next Thu 08:00"
    assert modbus_state(hass, "sensor", "sharing_next_change", setup_modbus) == "2026-06-04T06:00:00+00:00"

    await modbus_call(hass, "text", "set_value", "sharing_windows", setup_modbus, value="")  # empty: any hour
    assert modbus_state(hass, "binary_sensor", "sharing_available", setup_modbus) == "on"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("mon-fri 8-18", "is not a time (HH:MM)"),
        ("funday 08:00-18:00", "'funday' is not a day"),
        ("mon 24:00-06:00", "24:00 can only end a window"),
        ("mon-fri", "expected days and hours"),
    ],
)
async def test_unreadable_sharing_hours_change_nothing(
    hass: HomeAssistant, setup_modbus: MockConfigEntry, text: str, reason: str
) -> None:
    await modbus_call(hass, "text", "set_value", "sharing_windows", setup_modbus, value="sat,sun 00:00-24:00")
    with pytest.raises(ServiceValidationError) as err:
        await modbus_call(hass, "text", "set_value", "sharing_windows", setup_modbus, value=text)
    assert err.value.translation_key == "invalid_sharing_windows"
    assert reason in err.value.translation_placeholders["error"]
    assert modbus_state(hass, "text", "sharing_windows", setup_modbus) == "sat,sun 00:00-24:00"


async def test_sharing_settings_survive_a_restart(hass: HomeAssistant, setup_modbus: MockConfigEntry) -> None:
    await online(hass, setup_modbus)
    await modbus_call(hass, "switch", "turn_on", "sharing", setup_modbus)
    await modbus_call(hass, "text", "set_value", "sharing_windows", setup_modbus, value="fri 22:00-06:00")
    await modbus_call(hass, "number", "set_value", "sharing_min_surplus", setup_modbus, value=1500)
    await modbus_call(hass, "number", "set_value", "sharing_surplus_minutes", setup_modbus, value=15)
    await modbus_call(hass, "select", "select_option", "guest_charging", setup_modbus, option="min_solar")
    await modbus_call(hass, "number", "set_value", "guest_current", setup_modbus, value=10)
    await restart_entry(hass, setup_modbus)
    assert modbus_state(hass, "switch", "sharing", setup_modbus) == "on"
    assert modbus_state(hass, "text", "sharing_windows", setup_modbus) == "fri 22:00-06:00"
    assert float(modbus_state(hass, "number", "sharing_min_surplus", setup_modbus)) == 1500
    assert float(modbus_state(hass, "number", "sharing_surplus_minutes", setup_modbus)) == 15
    assert modbus_state(hass, "select", "guest_charging", setup_modbus) == "min_solar"
    assert float(modbus_state(hass, "number", "guest_current", setup_modbus)) == 10
    charger = (await async_get_config_entry_diagnostics(hass, setup_modbus))["chargers"]
    assert next(iter(charger.values()))["sharing"]["settings"]["guest_current_a"] == 10


def test_stored_settings_that_cannot_be_read_fall_back_to_their_defaults() -> None:
    stored = {
        "enabled": "yes",  # not a bool
        "windows": "someday",
        "min_surplus_w": "lots",
        "surplus_minutes": 5,
        "guest_power": "turbo",
        "guest_current_a": 3,  # below what a car takes
        "unknown": 1,
    }
    assert SharingSettings.from_dict(stored) == SharingSettings(surplus_minutes=5)
    assert SharingSettings.from_dict(None) == SharingSettings()
