"""Forms and the connection test of a Modbus charger's config steps, and its options flow.

The connection is tested before anything is saved, and each failure gets its own message: refused,
timeout, wrong unit id, wrong profile, or no profile that recognises the charger.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.data_entry_flow import FlowResult
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
)
import voluptuous as vol

from .const import (
    CONF_MAX_CURRENT,
    CONF_POLL_INTERVAL,
    CONF_PROFILE,
    CONF_UNIT_ID,
    DEFAULT_MODBUS_PORT,
    DEFAULT_POLL_INTERVAL,
    LOGGER,
)
from .control_flow import SiteOptionsFlow
from .flow_schemas import charging_fields
from .modbus.probe import ProbeError, detect, probe
from .modbus.profile import Profile
from .modbus.profile_loader import PROFILES_DIR, load_profiles


def load_usable_profiles() -> dict[str, Profile]:
    """The shipped profiles and any a user added; a broken file is logged (with its problem) and left out."""
    return load_profiles(PROFILES_DIR, on_error=lambda err: LOGGER.error("Modbus charger profile left out: %s", err))


def modbus_unique_id(host: str, port: int, unit_id: int) -> str:
    """One entry per charger: its address and unit id."""
    return f"modbus_{host}_{port}_{unit_id}"


def connection_schema(profiles: Mapping[str, Profile], values: Mapping[str, Any]) -> vol.Schema:
    options = [SelectOptionDict(value=key, label=profile.name) for key, profile in profiles.items()]
    profile_default = {"description": {"suggested_value": values[CONF_PROFILE]}} if values.get(CONF_PROFILE) else {}
    unit_default = {"description": {"suggested_value": values[CONF_UNIT_ID]}} if values.get(CONF_UNIT_ID) else {}
    return vol.Schema(
        {
            vol.Required(CONF_HOST, default=values.get(CONF_HOST, vol.UNDEFINED)): TextSelector(),
            vol.Required(CONF_PORT, default=values.get(CONF_PORT, DEFAULT_MODBUS_PORT)): vol.All(
                NumberSelector(NumberSelectorConfig(min=1, max=65535, mode=NumberSelectorMode.BOX)), vol.Coerce(int)
            ),
            vol.Optional(CONF_UNIT_ID, **unit_default): vol.All(
                NumberSelector(NumberSelectorConfig(min=0, max=255, mode=NumberSelectorMode.BOX)), vol.Coerce(int)
            ),
            vol.Optional(CONF_PROFILE, **profile_default): SelectSelector(SelectSelectorConfig(options=options)),
        }
    )


def settings_schema(profile: Profile, values: Mapping[str, Any]) -> vol.Schema:
    defaults = {CONF_MAX_CURRENT: min(16, profile.current.maximum_a), **values}
    return vol.Schema(
        {
            **charging_fields(defaults, maximum=profile.current.maximum_a),
            vol.Required(
                CONF_POLL_INTERVAL, default=values.get(CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL)
            ): NumberSelector(
                NumberSelectorConfig(min=1, max=300, step=1, unit_of_measurement="s", mode=NumberSelectorMode.BOX)
            ),
        }
    )


async def check_connection(
    profiles: Mapping[str, Profile], user_input: Mapping[str, Any]
) -> tuple[Profile | None, int, dict[str, str]]:
    """The charger's profile and unit id, or the errors to show."""
    host, port = user_input[CONF_HOST].strip(), user_input[CONF_PORT]
    chosen = profiles.get(user_input.get(CONF_PROFILE) or "")
    try:
        if chosen is None:
            profile = await detect(host, port, user_input.get(CONF_UNIT_ID), profiles.values())
        else:
            profile = chosen
            await probe(host, port, user_input.get(CONF_UNIT_ID, profile.unit_id), profile)
    except ProbeError as err:
        return None, 0, {"base": err.failure.value}
    return profile, user_input.get(CONF_UNIT_ID, profile.unit_id), {}


class ModbusOptionsFlow(SiteOptionsFlow):
    """A Modbus charger's limits, phases, connector and poll interval, or the site's meters; they apply at once."""

    def __init__(self, entry: ConfigEntry) -> None:
        self._entry = entry

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        return self.async_show_menu(step_id="init", menu_options=["settings", "site"])

    async def async_step_settings(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        if user_input is not None:
            return self.async_create_entry(title="", data={**self._entry.options, **user_input})
        profiles = await self.hass.async_add_executor_job(load_usable_profiles)
        profile = profiles[self._entry.data[CONF_PROFILE]]
        return self.async_show_form(step_id="settings", data_schema=settings_schema(profile, dict(self._entry.options)))
