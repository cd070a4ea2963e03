"""Set up an OCPP central system with its first charger, a Modbus TCP charger, or the link to a ChargeShare hub;
add chargers that announce themselves; change the connection later (reconfigure)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntry, OptionsFlow
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import callback
from homeassistant.data_entry_flow import FlowResult

from .const import (
    CONF_CHARGE_POINT_ID,
    CONF_CHARGERS,
    CONF_PROFILE,
    CONF_TRANSPORT,
    CONF_UNIT_ID,
    DOMAIN,
    TRANSPORT_MODBUS,
    TRANSPORT_OCPP,
)
from .flow_schemas import (
    charger_schema,
    configured_charge_point_ids,
    server_schema,
    validate_charge_point_id,
    validate_server,
)
from .hub_link.entry import is_hub_link
from .hub_link.flow import HubLinkFlowSteps
from .hub_link.listing_flow import ListingOptionsFlow
from .modbus.profile import Profile
from .modbus_flow import (
    ModbusOptionsFlow,
    check_connection,
    connection_schema,
    load_usable_profiles,
    modbus_unique_id,
    settings_schema,
)
from .options_flow import ChargeShareOptionsFlow
from .runtime import transport


class ChargeShareConfigFlow(HubLinkFlowSteps, domain=DOMAIN):  # type: ignore[call-arg]  # untyped on 2024.3
    """A menu, then the OCPP path (server, first charger), the Modbus path (connection, settings) or the hub
    link (hub_link/flow.py)."""

    VERSION = 1

    def __init__(self) -> None:
        self._server: dict[str, Any] = {}
        self._discovery: dict[str, Any] = {}
        self._profiles: dict[str, Profile] = {}
        self._connection: dict[str, Any] = {}

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        if is_hub_link(config_entry):
            return ListingOptionsFlow(config_entry)
        if transport(config_entry) == TRANSPORT_MODBUS:
            return ModbusOptionsFlow(config_entry)
        return ChargeShareOptionsFlow(config_entry)

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        return self.async_show_menu(step_id="user", menu_options=["ocpp", "modbus", "hub_link"])

    # ------------------------------------------------------------------ OCPP

    async def async_step_ocpp(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            if self._ocpp_port_taken(user_input[CONF_PORT]):
                return self.async_abort(reason="already_configured")
            errors = await validate_server(self.hass, user_input, check_port=True)
            if not errors:
                self._server = {CONF_TRANSPORT: TRANSPORT_OCPP, **user_input}
                return await self.async_step_charger()
        return self.async_show_form(step_id="ocpp", data_schema=server_schema(user_input), errors=errors)

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

    # ------------------------------------------------------------------ Modbus

    async def async_step_modbus(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        profiles = await self._async_profiles()
        errors: dict[str, str] = {}
        if user_input is not None:
            profile, unit_id, errors = await check_connection(profiles, user_input)
            if profile is not None:
                host, port = user_input[CONF_HOST].strip(), user_input[CONF_PORT]
                await self.async_set_unique_id(modbus_unique_id(host, port, unit_id))
                self._abort_if_unique_id_configured()
                self._connection = {
                    CONF_TRANSPORT: TRANSPORT_MODBUS,
                    CONF_HOST: host,
                    CONF_PORT: port,
                    CONF_UNIT_ID: unit_id,
                    CONF_PROFILE: profile.key,
                }
                return await self.async_step_modbus_charger()
        return self.async_show_form(
            step_id="modbus", data_schema=connection_schema(profiles, user_input or {}), errors=errors
        )

    async def async_step_modbus_charger(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        profile = self._profiles[self._connection[CONF_PROFILE]]
        if user_input is not None:
            return self.async_create_entry(
                title=f"{profile.name} ({self._connection[CONF_HOST]})", data=self._connection, options=user_input
            )
        return self.async_show_form(
            step_id="modbus_charger",
            data_schema=settings_schema(profile, {}),
            description_placeholders={"profile": profile.name},
        )

    # ------------------------------------------------------------------ reconfigure

    async def async_step_reconfigure(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        entry = self._entry()
        if is_hub_link(entry):
            return await self.async_step_reconfigure_hub_link()
        if transport(entry) == TRANSPORT_MODBUS:
            return await self.async_step_reconfigure_modbus()
        return await self.async_step_reconfigure_ocpp()

    async def async_step_reconfigure_ocpp(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        """Change the server's settings; the entry restarts its server with them."""
        entry = self._entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            address_changed = (user_input[CONF_HOST], user_input[CONF_PORT]) != (
                entry.data[CONF_HOST],
                entry.data[CONF_PORT],
            )
            if address_changed and self._ocpp_port_taken(user_input[CONF_PORT], entry):
                errors[CONF_PORT] = "port_taken"
            else:
                errors = await validate_server(self.hass, user_input, check_port=address_changed)
            if not errors:
                self.hass.config_entries.async_update_entry(
                    entry,
                    data={CONF_TRANSPORT: TRANSPORT_OCPP, **user_input},
                    title=f"OCPP central system (port {user_input[CONF_PORT]})",
                )
                return self.async_abort(reason="reconfigure_successful")
        return self.async_show_form(
            step_id="reconfigure_ocpp", data_schema=server_schema(user_input or dict(entry.data)), errors=errors
        )

    async def async_step_reconfigure_modbus(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        """A Modbus charger moved (a new address) or needs another profile."""
        entry = self._entry()
        profiles = await self._async_profiles()
        errors: dict[str, str] = {}
        if user_input is not None:
            profile, unit_id, errors = await check_connection(profiles, user_input)
            host, port = user_input[CONF_HOST].strip(), user_input[CONF_PORT]
            unique_id = modbus_unique_id(host, port, unit_id)
            if profile is not None and any(
                other.unique_id == unique_id and other is not entry
                for other in self.hass.config_entries.async_entries(DOMAIN)
            ):
                errors = {"base": "already_configured"}
            elif profile is not None:
                data = {
                    **entry.data,
                    CONF_HOST: host,
                    CONF_PORT: port,
                    CONF_UNIT_ID: unit_id,
                    CONF_PROFILE: profile.key,
                }
                self.hass.config_entries.async_update_entry(entry, unique_id=unique_id, data=data)
                return self.async_abort(reason="reconfigure_successful")
        return self.async_show_form(
            step_id="reconfigure_modbus",
            data_schema=connection_schema(profiles, user_input or dict(entry.data)),
            errors=errors,
        )

    # ------------------------------------------------------------------ helpers

    def _entry(self) -> ConfigEntry:
        entry = self.hass.config_entries.async_get_entry(self.context["entry_id"])
        assert entry is not None
        return entry

    def _ocpp_port_taken(self, port: int, besides: ConfigEntry | None = None) -> bool:
        return any(
            transport(entry) == TRANSPORT_OCPP and entry.data.get(CONF_PORT) == port and entry is not besides
            for entry in self.hass.config_entries.async_entries(DOMAIN)
        )

    async def _async_profiles(self) -> dict[str, Profile]:
        if not self._profiles:
            self._profiles = await self.hass.async_add_executor_job(load_usable_profiles)
        return self._profiles
