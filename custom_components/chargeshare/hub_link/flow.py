"""The config flow's steps for the hub link: link a hub (address, and a pairing code or the host's hub
sign-in), pair again when the hub refuses the token (reauthentication), or move the link to another address
(reconfigure).

Every path checks the hub before it is saved, and the entry keeps only the link token the pairing code was
traded for. The steps are mixed into ChargeShareConfigFlow (config_flow.py), which owns the menu.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import ClientSession
from homeassistant.config_entries import ConfigEntry, ConfigFlow
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD
from homeassistant.data_entry_flow import FlowResult
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import TextSelector, TextSelectorConfig, TextSelectorType
import voluptuous as vol
from yarl import URL

from ..const import CONF_TRANSPORT, DOMAIN, KIND_HUB_LINK, LOGGER
from .entry import CONF_HUB_URL, CONF_TOKEN, CONF_TOKEN_ID, is_hub_link
from .pairing import (
    Paired,
    PairingError,
    async_check_hub,
    async_pair,
    async_pair_signed_in,
    hub_unique_id,
    normalize_hub_url,
)

CONF_CODE = "code"

# A pairing code, or the host's hub account: the password is used once to get a code and never stored.
_PAIRING_FIELDS: dict[vol.Marker, Any] = {
    vol.Optional(CONF_CODE): TextSelector(),
    vol.Optional(CONF_EMAIL): TextSelector(TextSelectorConfig(type=TextSelectorType.EMAIL, autocomplete="username")),
    vol.Optional(CONF_PASSWORD): TextSelector(
        TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="current-password")
    ),
}


def _link_schema(values: Mapping[str, Any]) -> vol.Schema:
    return vol.Schema(
        {
            vol.Required(CONF_HUB_URL, default=values.get(CONF_HUB_URL, vol.UNDEFINED)): TextSelector(
                TextSelectorConfig(type=TextSelectorType.URL)
            ),
            **_PAIRING_FIELDS,
        }
    )


_PAIRING_SCHEMA = vol.Schema(_PAIRING_FIELDS)


def _title(hub_url: str) -> str:
    return f"ChargeShare hub ({URL(hub_url).host})"


class HubLinkFlowSteps(ConfigFlow):
    """The hub link's steps; no domain here: ChargeShareConfigFlow registers the flow."""

    async def async_step_hub_link(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        if any(is_hub_link(entry) for entry in self.hass.config_entries.async_entries(DOMAIN)):
            return self.async_abort(reason="already_linked")  # one link per Home Assistant
        errors: dict[str, str] = {}
        if user_input is not None:
            hub_url, data, errors = await self._async_link(user_input)
            if data is not None:
                await self.async_set_unique_id(hub_unique_id(hub_url))
                self._abort_if_unique_id_configured()
                return self.async_create_entry(title=_title(hub_url), data=data)
        return self.async_show_form(step_id="hub_link", data_schema=_link_schema(user_input or {}), errors=errors)

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> FlowResult:
        """The hub refused the link token (revoked, expired): a new pairing code brings the link back."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        entry = self._flow_entry()
        hub_url = entry.data[CONF_HUB_URL]
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                paired = await _async_pair(async_get_clientsession(self.hass), hub_url, user_input)
            except PairingError as err:
                errors = _errors(err)
            else:
                data = {**entry.data, CONF_TOKEN: paired.token, CONF_TOKEN_ID: paired.token_id}
                # The entry's update listener restarts the link with the new token.
                self.hass.config_entries.async_update_entry(entry, data=data)
                return self.async_abort(reason="reauth_successful")
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=_PAIRING_SCHEMA,
            errors=errors,
            description_placeholders={"url": hub_url},
        )

    async def async_step_reconfigure_hub_link(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        """The hub moved to another address: pair with it there (a token belongs to one hub)."""
        entry = self._flow_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            hub_url, data, errors = await self._async_link(user_input)
            if data is not None:
                self.hass.config_entries.async_update_entry(
                    entry, data=data, title=_title(hub_url), unique_id=hub_unique_id(hub_url)
                )
                return self.async_abort(reason="reconfigure_successful")
        return self.async_show_form(
            step_id="reconfigure_hub_link",
            data_schema=_link_schema(user_input or {CONF_HUB_URL: entry.data[CONF_HUB_URL]}),
            errors=errors,
        )

    async def _async_link(self, user_input: Mapping[str, Any]) -> tuple[str, dict[str, Any] | None, dict[str, str]]:
        """Check the address, then pair: (the normalized address, the entry data or None, the errors)."""
        try:
            hub_url = normalize_hub_url(user_input[CONF_HUB_URL])
        except PairingError as err:
            return user_input[CONF_HUB_URL], None, _errors(err)
        session = async_get_clientsession(self.hass)
        try:
            await async_check_hub(session, hub_url)
            paired = await _async_pair(session, hub_url, user_input)
        except PairingError as err:
            return hub_url, None, _errors(err)
        data = {CONF_TRANSPORT: KIND_HUB_LINK, CONF_HUB_URL: hub_url, CONF_TOKEN: paired.token}
        return hub_url, {**data, CONF_TOKEN_ID: paired.token_id}, {}

    def _flow_entry(self) -> ConfigEntry:
        entry = self.hass.config_entries.async_get_entry(self.context["entry_id"])
        assert entry is not None
        return entry


async def _async_pair(session: ClientSession, hub_url: str, user_input: Mapping[str, Any]) -> Paired:
    """By the pairing code when there is one, else by signing in with the email address and password."""
    code = user_input.get(CONF_CODE, "").strip()
    if code:
        return await async_pair(session, hub_url, code)
    email, password = user_input.get(CONF_EMAIL, "").strip(), user_input.get(CONF_PASSWORD, "")
    if not email or not password:
        raise PairingError("code_or_sign_in", "neither a pairing code nor an email address and password")
    return await async_pair_signed_in(session, hub_url, email, password)


def _errors(err: PairingError) -> dict[str, str]:
    LOGGER.info("Linking the hub failed: %s", err)
    field = {"invalid_url": CONF_HUB_URL, "invalid_code": CONF_CODE, "invalid_auth": CONF_PASSWORD}.get(
        err.reason, "base"
    )
    return {field: err.reason}
