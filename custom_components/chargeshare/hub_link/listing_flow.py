"""The hub link's options: the listing Home Assistant publishes on the hub. Saving them publishes it.

The location starts at the home zone (editable: the charger may be down the drive, not at the zone's
centre); the chargers listed, the price per kWh and the session fee become the listing's EVSEs and tariff.
Limits are the hub's (listings/location_schema.py), checked here so the host hears of a problem at once.
"""

from __future__ import annotations

import re
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry, OptionsFlow
from homeassistant.data_entry_flow import FlowResult
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
)
import voluptuous as vol

from .bookings_charger import charger_coordinators, evse_uid_of
from .listing import (
    CONF_ADDRESS,
    CONF_CITY,
    CONF_COUNTRY,
    CONF_CURRENCY,
    CONF_HOUSE_RULES,
    CONF_LATITUDE,
    CONF_LISTED,
    CONF_LONGITUDE,
    CONF_NAME,
    CONF_POSTAL_CODE,
    CONF_PRICE_PER_KWH,
    CONF_PUBLISH,
    CONF_SESSION_FEE,
)

_TEXT_LIMITS: Final = {CONF_NAME: 255, CONF_ADDRESS: 45, CONF_CITY: 45, CONF_POSTAL_CODE: 10, CONF_HOUSE_RULES: 2000}
_REQUIRED_TEXTS: Final = (CONF_NAME, CONF_ADDRESS, CONF_CITY)
_THREE_LETTERS: Final = re.compile(r"[A-Z]{3}")


def _box(minimum: float, maximum: float, step: float | str, unit: str | None = None) -> NumberSelector:
    config = NumberSelectorConfig(min=minimum, max=maximum, step=step, mode=NumberSelectorMode.BOX)
    if unit is not None:
        config["unit_of_measurement"] = unit
    return NumberSelector(config)


def _default(values: dict[str, Any], key: str, fallback: Any) -> Any:
    value = values.get(key)
    return fallback if value in (None, "") else value


class ListingOptionsFlow(OptionsFlow):
    def __init__(self, entry: ConfigEntry) -> None:
        self._entry = entry

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        return await self.async_step_listing()

    async def async_step_listing(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            listing, errors = _validated(user_input)
            if not errors:
                return self.async_create_entry(title="", data=listing)
        return self.async_show_form(
            step_id="listing", data_schema=self._schema(user_input or dict(self._entry.options)), errors=errors
        )

    def _schema(self, values: dict[str, Any]) -> vol.Schema:
        config = self.hass.config
        currency = getattr(config, "currency", None) or "EUR"
        chargers = sorted(evse_uid_of(coordinator) for coordinator in charger_coordinators(self.hass))
        return vol.Schema(
            {
                vol.Required(CONF_NAME, default=_default(values, CONF_NAME, config.location_name)): TextSelector(),
                vol.Required(CONF_ADDRESS, default=values.get(CONF_ADDRESS, vol.UNDEFINED)): TextSelector(),
                vol.Required(CONF_CITY, default=values.get(CONF_CITY, vol.UNDEFINED)): TextSelector(),
                vol.Optional(CONF_POSTAL_CODE, description={"suggested_value": values.get(CONF_POSTAL_CODE)}): (
                    TextSelector()
                ),
                vol.Required(CONF_COUNTRY, default=values.get(CONF_COUNTRY, vol.UNDEFINED)): TextSelector(),
                vol.Required(CONF_LATITUDE, default=_default(values, CONF_LATITUDE, config.latitude)): _box(
                    -90, 90, "any"
                ),
                vol.Required(CONF_LONGITUDE, default=_default(values, CONF_LONGITUDE, config.longitude)): _box(
                    -180, 180, "any"
                ),
                vol.Optional(CONF_LISTED, default=values.get(CONF_LISTED, [])): SelectSelector(
                    SelectSelectorConfig(options=chargers, multiple=True)
                ),
                vol.Required(CONF_PRICE_PER_KWH, default=values.get(CONF_PRICE_PER_KWH, 0.3)): _box(
                    0, 10, 0.001, f"{currency}/kWh"
                ),
                vol.Required(CONF_SESSION_FEE, default=values.get(CONF_SESSION_FEE, 0.0)): _box(0, 100, 0.01, currency),
                vol.Required(CONF_CURRENCY, default=_default(values, CONF_CURRENCY, currency)): TextSelector(),
                vol.Required(CONF_PUBLISH, default=values.get(CONF_PUBLISH, True)): BooleanSelector(),
                vol.Optional(CONF_HOUSE_RULES, description={"suggested_value": values.get(CONF_HOUSE_RULES)}): (
                    TextSelector(TextSelectorConfig(multiline=True))
                ),
            }
        )


def _validated(user_input: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The listing as it is stored, and an error per field that the hub would refuse."""
    listing = dict(user_input)
    errors: dict[str, str] = {}
    for key, limit in _TEXT_LIMITS.items():
        text = str(listing.get(key) or "").strip()
        listing[key] = text
        if key in _REQUIRED_TEXTS and not text:
            errors[key] = "required"
        elif len(text) > limit:
            errors[key] = "too_long"
    for key in (CONF_COUNTRY, CONF_CURRENCY):
        listing[key] = str(listing.get(key) or "").strip().upper()
        if not _THREE_LETTERS.fullmatch(listing[key]):
            errors[key] = f"invalid_{key}"
    for key in (CONF_POSTAL_CODE, CONF_HOUSE_RULES):
        if not listing[key]:
            del listing[key]
    return listing, errors
