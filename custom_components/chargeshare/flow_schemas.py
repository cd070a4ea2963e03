"""Forms and checks shared by the config flow and the options flow."""

from __future__ import annotations

from collections.abc import Mapping
import re
import socket
import ssl
from typing import Any

from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .const import (
    CONF_ALLOW_UNKNOWN_CHARGERS,
    CONF_CHARGE_POINT_ID,
    CONF_CHARGERS,
    CONF_CONNECTOR_TYPE,
    CONF_MAX_CURRENT,
    CONF_PHASES,
    CONF_SKIP_SCHEMA_VALIDATION,
    CONF_SSL_CERTFILE,
    CONF_SSL_KEYFILE,
    CONNECTOR_TYPES,
    DEFAULT_HOST,
    DEFAULT_MAX_CURRENT,
    DEFAULT_PORT,
    DOMAIN,
    MAX_CURRENT,
    MIN_CURRENT,
)
from .ocpp.server import server_ssl_context

# The id is the last segment of the charger's URL: no slashes, no spaces; OCPP allows 48 characters.
_CHARGE_POINT_ID = re.compile(r"[^/\s]{1,48}")


def _suggested(values: Mapping[str, Any], key: str) -> dict[str, Any]:
    return {"suggested_value": values.get(key)} if values.get(key) else {}


def server_schema(values: Mapping[str, Any] | None) -> vol.Schema:
    values = values or {}
    return vol.Schema(
        {
            vol.Required(CONF_HOST, default=values.get(CONF_HOST, DEFAULT_HOST)): TextSelector(),
            vol.Required(CONF_PORT, default=values.get(CONF_PORT, DEFAULT_PORT)): vol.All(
                NumberSelector(NumberSelectorConfig(min=1, max=65535, mode=NumberSelectorMode.BOX)), vol.Coerce(int)
            ),
            vol.Optional(CONF_SSL_CERTFILE, description=_suggested(values, CONF_SSL_CERTFILE)): TextSelector(),
            vol.Optional(CONF_SSL_KEYFILE, description=_suggested(values, CONF_SSL_KEYFILE)): TextSelector(),
            vol.Required(
                CONF_ALLOW_UNKNOWN_CHARGERS, default=values.get(CONF_ALLOW_UNKNOWN_CHARGERS, True)
            ): BooleanSelector(),
        }
    )


def charging_fields(values: Mapping[str, Any], *, maximum: float = MAX_CURRENT) -> dict[Any, Any]:
    """What every charger has, whatever its transport: its current, phases and connector."""
    return {
        vol.Required(CONF_MAX_CURRENT, default=values.get(CONF_MAX_CURRENT, DEFAULT_MAX_CURRENT)): NumberSelector(
            NumberSelectorConfig(
                min=MIN_CURRENT, max=maximum, step=1, unit_of_measurement="A", mode=NumberSelectorMode.BOX
            )
        ),
        vol.Required(CONF_PHASES, default=str(values.get(CONF_PHASES, "3"))): SelectSelector(
            SelectSelectorConfig(options=["1", "3"], translation_key=CONF_PHASES, mode=SelectSelectorMode.LIST)
        ),
        vol.Required(CONF_CONNECTOR_TYPE, default=values.get(CONF_CONNECTOR_TYPE, CONNECTOR_TYPES[0])): (
            SelectSelector(SelectSelectorConfig(options=list(CONNECTOR_TYPES), translation_key=CONF_CONNECTOR_TYPE))
        ),
    }


def charger_schema(values: Mapping[str, Any] | None, *, with_id: bool) -> vol.Schema:
    """An OCPP charger: its id (when new), password and schema validation, and the charging fields."""
    values = values or {}
    fields: dict[Any, Any] = {}
    if with_id:
        fields[vol.Required(CONF_CHARGE_POINT_ID, default=values.get(CONF_CHARGE_POINT_ID, vol.UNDEFINED))] = (
            TextSelector()
        )
    fields[vol.Optional(CONF_PASSWORD, description=_suggested(values, CONF_PASSWORD))] = TextSelector(
        TextSelectorConfig(type=TextSelectorType.PASSWORD)
    )
    fields.update(charging_fields(values))
    fields[vol.Required(CONF_SKIP_SCHEMA_VALIDATION, default=values.get(CONF_SKIP_SCHEMA_VALIDATION, False))] = (
        BooleanSelector()
    )
    return vol.Schema(fields)


def configured_charge_point_ids(hass: HomeAssistant) -> set[str]:
    """Charge point ids of every entry: ids are unique across servers, as are their devices."""
    return {
        cp_id for entry in hass.config_entries.async_entries(DOMAIN) for cp_id in entry.options.get(CONF_CHARGERS, {})
    }


def validate_charge_point_id(charge_point_id: str, taken: set[str]) -> dict[str, str]:
    if not _CHARGE_POINT_ID.fullmatch(charge_point_id):
        return {CONF_CHARGE_POINT_ID: "invalid_charge_point_id"}
    if charge_point_id in taken:
        return {CONF_CHARGE_POINT_ID: "charge_point_id_taken"}
    return {}


async def validate_server(hass: HomeAssistant, values: Mapping[str, Any], *, check_port: bool) -> dict[str, str]:
    """Check that the TLS files work and, if asked, that the port is free."""
    certfile, keyfile = values.get(CONF_SSL_CERTFILE), values.get(CONF_SSL_KEYFILE)
    if bool(certfile) != bool(keyfile):
        return {"base": "tls_incomplete"}
    if certfile and keyfile:
        try:
            await hass.async_add_executor_job(server_ssl_context, certfile, keyfile)
        except (OSError, ssl.SSLError):
            return {"base": "tls_invalid"}
    if check_port:
        try:
            await hass.async_add_executor_job(_try_bind, values[CONF_HOST], values[CONF_PORT])
        except OSError:
            return {CONF_PORT: "port_in_use"}
    return {}


def _try_bind(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
