"""Set up an OCPP central system and its first charger; add chargers that announce themselves."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigFlow, OptionsFlow
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import callback
from homeassistant.data_entry_flow import FlowResult

from .const import CONF_CHARGE_POINT_ID, CONF_CHARGERS, DOMAIN
from .flow_schemas import (
    charger_schema,
    configured_charge_point_ids,
    server_schema,
    validate_charge_point_id,
    validate_server,
)
from .options_flow import ChargeShareOptionsFlow


class ChargeShareConfigFlow(ConfigFlow, domain=DOMAIN):  # type: ignore[call-arg]  # untyped on 2024.3
    """User flow: server, then the first charger. Discovery: a charger that connected on its own."""

    VERSION = 1

    def __init__(self) -> None:
        self._server: dict[str, Any] = {}
        self._discovery: dict[str, Any] = {}

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        return ChargeShareOptionsFlow(config_entry)

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            self._async_abort_entries_match({CONF_PORT: user_input[CONF_PORT]})
            errors = await validate_server(self.hass, user_input, check_port=True)
            if not errors:
                self._server = user_input
                return await self.async_step_charger()
        return self.async_show_form(step_id="user", data_schema=server_schema(user_input), errors=errors)

    async def async_step_charger(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            charge_point_id = user_input.pop(CONF_CHARGE_POINT_ID).strip()
            errors = validate_charge_point_id(charge_point_id, configured_charge_point_ids(self.hass))
            if not errors:
                return self.async_create_entry(
                    title=f"OCPP central system (port {self._server[CONF_PORT]})",
                    data=self._server,
                    options={CONF_CHARGERS: {charge_point_id: user_input}},
                )
            user_input[CONF_CHARGE_POINT_ID] = charge_point_id
        return self.async_show_form(
            step_id="charger", data_schema=charger_schema(user_input, with_id=True), errors=errors
        )

    async def async_step_integration_discovery(self, discovery_info: Mapping[str, Any]) -> FlowResult:
        """A charge point id we do not know connected to a server that lets unknown chargers register."""
        charge_point_id = discovery_info[CONF_CHARGE_POINT_ID]
        await self.async_set_unique_id(f"ocpp_{charge_point_id}")
        self._abort_if_unique_id_configured()
        if charge_point_id in configured_charge_point_ids(self.hass):
            return self.async_abort(reason="already_configured")
        self._discovery = dict(discovery_info)
        self.context["title_placeholders"] = {"charge_point_id": charge_point_id}
        return await self.async_step_discovery_confirm()

    async def async_step_discovery_confirm(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        entry = self.hass.config_entries.async_get_entry(self._discovery["entry_id"])
        if entry is None:
            return self.async_abort(reason="server_removed")
        charge_point_id = self._discovery[CONF_CHARGE_POINT_ID]
        if user_input is not None:
            chargers = {**entry.options.get(CONF_CHARGERS, {}), charge_point_id: user_input}
            self.hass.config_entries.async_update_entry(entry, options={**entry.options, CONF_CHARGERS: chargers})
            return self.async_abort(
                reason="charger_added", description_placeholders={"charge_point_id": charge_point_id}
            )
        return self.async_show_form(
            step_id="discovery_confirm",
            data_schema=charger_schema(None, with_id=False),
            description_placeholders={
                "charge_point_id": charge_point_id,
                "vendor": self._discovery.get("vendor") or "?",
                "model": self._discovery.get("model") or "?",
                "server": entry.title,
            },
        )

    async def async_step_reconfigure(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        """Change the server's settings; the entry restarts its server with them."""
        entry = self.hass.config_entries.async_get_entry(self.context["entry_id"])
        assert entry is not None
        errors: dict[str, str] = {}
        if user_input is not None:
            port_changed = (
                user_input[CONF_PORT] != entry.data[CONF_PORT] or user_input[CONF_HOST] != entry.data[CONF_HOST]
            )
            if port_changed and any(
                e.data.get(CONF_PORT) == user_input[CONF_PORT]
                for e in self.hass.config_entries.async_entries(DOMAIN)
                if e is not entry
            ):
                errors[CONF_PORT] = "port_taken"
            else:
                errors = await validate_server(self.hass, user_input, check_port=port_changed)
            if not errors:
                self.hass.config_entries.async_update_entry(
                    entry, data=user_input, title=f"OCPP central system (port {user_input[CONF_PORT]})"
                )
                return self.async_abort(reason="reconfigure_successful")
        return self.async_show_form(
            step_id="reconfigure", data_schema=server_schema(user_input or dict(entry.data)), errors=errors
        )
