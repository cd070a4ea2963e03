"""The options step "Solar and load management": the site's meters the controller reads, for both kinds of entry.

The inputs belong to the config entry (one grid connection point per site); each charger's mode and
limits are entities. A meter must report in a unit we can convert: W or kW for power, A or mA for
current, % for the battery's state of charge.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntry, OptionsFlow
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult
from homeassistant.helpers.selector import (
    EntitySelector,
    EntitySelectorConfig,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
import voluptuous as vol

from .control.model import PriceKind
from .control_site import (
    BATTERY_CHARGE,
    BATTERY_DISCHARGE,
    CONF_BATTERY_POWER,
    CONF_BATTERY_PRIORITY_SOC,
    CONF_BATTERY_SIGN,
    CONF_BATTERY_SOC,
    CONF_FUSE,
    CONF_GRID_POWER,
    CONF_GRID_SIGN,
    CONF_PHASE_CURRENTS,
    CONF_PRICE,
    CONF_PRICE_KIND,
    CONF_PV_POWER,
    CONF_SITE,
    CURRENT_UNITS,
    GRID_EXPORT,
    GRID_IMPORT,
    PERCENT_UNITS,
    POWER_UNITS,
    unit_accepted,
)

_MAX_FUSE_A = 250
# Each meter input, the device class its selector offers and the units it must report in, with the error.
_METERS: tuple[tuple[str, str, Mapping[str, float], str], ...] = (
    (CONF_GRID_POWER, "power", POWER_UNITS, "unit_not_power"),
    (CONF_PV_POWER, "power", POWER_UNITS, "unit_not_power"),
    (CONF_BATTERY_POWER, "power", POWER_UNITS, "unit_not_power"),
    (CONF_BATTERY_SOC, "battery", PERCENT_UNITS, "unit_not_percent"),
    *((key, "current", CURRENT_UNITS, "unit_not_current") for key in CONF_PHASE_CURRENTS),
)


def site_schema(values: Mapping[str, Any]) -> vol.Schema:
    def optional(key: str) -> vol.Optional:
        # suggested, not default: a field the user clears stays cleared
        return vol.Optional(key, description={"suggested_value": values[key]} if values.get(key) else {})

    def sign(key: str, options: list[str]) -> dict[Any, Any]:
        return {
            vol.Required(key, default=values.get(key, options[0])): SelectSelector(
                SelectSelectorConfig(options=options, translation_key=key, mode=SelectSelectorMode.LIST)
            )
        }

    def number(maximum: float, unit: str) -> NumberSelector:
        return NumberSelector(
            NumberSelectorConfig(min=0, max=maximum, step=1, unit_of_measurement=unit, mode=NumberSelectorMode.BOX)
        )

    fields: dict[Any, Any] = {}
    for key, device_class, _, _ in _METERS:
        fields[optional(key)] = EntitySelector(EntitySelectorConfig(domain="sensor", device_class=device_class))
        if key == CONF_GRID_POWER:
            fields.update(sign(CONF_GRID_SIGN, [GRID_IMPORT, GRID_EXPORT]))
        elif key == CONF_BATTERY_POWER:
            fields.update(sign(CONF_BATTERY_SIGN, [BATTERY_DISCHARGE, BATTERY_CHARGE]))
        elif key == CONF_BATTERY_SOC:
            fields[optional(CONF_BATTERY_PRIORITY_SOC)] = number(100, "%")
    fields[optional(CONF_FUSE)] = number(_MAX_FUSE_A, "A")
    fields[optional(CONF_PRICE)] = EntitySelector(EntitySelectorConfig(domain="sensor"))
    fields.update(sign(CONF_PRICE_KIND, [kind.value for kind in PriceKind]))
    return vol.Schema(fields)


def validate_site(hass: HomeAssistant, values: Mapping[str, Any]) -> dict[str, str]:
    """Errors to show, per field or for the form; {} when the controller can use these inputs."""
    errors: dict[str, str] = {}
    for key, _, units, error in _METERS:
        entity_id = values.get(key)
        if entity_id:
            state = hass.states.get(entity_id)
            if state is None:
                errors[key] = "entity_not_found"
            elif not unit_accepted(state, units):
                errors[key] = error
    if errors:
        return errors
    phases = [key for key in CONF_PHASE_CURRENTS if values.get(key)]
    if phases and len(phases) < len(CONF_PHASE_CURRENTS):
        return {"base": "phases_incomplete"}
    if bool(phases) != bool(values.get(CONF_FUSE)):
        return {"base": "load_management_incomplete"}
    others = (CONF_PV_POWER, CONF_BATTERY_POWER, CONF_BATTERY_SOC, CONF_FUSE, CONF_PRICE)
    if not values.get(CONF_GRID_POWER) and any(values.get(key) for key in others):
        return {"base": "grid_required"}
    return {}


class SiteOptionsFlow(OptionsFlow):
    """An options flow with the "site" step; its entry is `_entry` (the flow's own property is 2024.11+)."""

    _entry: ConfigEntry

    async def async_step_site(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            errors = validate_site(self.hass, user_input)
            if not errors:
                return self.async_create_entry(title="", data={**self._entry.options, CONF_SITE: user_input})
        values = user_input if user_input is not None else self._entry.options.get(CONF_SITE, {})
        return self.async_show_form(step_id="site", data_schema=site_schema(values), errors=errors)
