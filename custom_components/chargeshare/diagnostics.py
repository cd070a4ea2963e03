"""Diagnostics download: settings, each charger's live state, stored sessions, controller and sharing; redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_PASSWORD
from homeassistant.core import HomeAssistant

from .const import CONF_ID_TAGS
from .hub_link.diagnostics import link_diagnostics
from .hub_link.entry import is_hub_link
from .runtime import ChargeShareConfigEntry, transport

TO_REDACT = {CONF_PASSWORD, CONF_ID_TAGS, "id_tag", "last_id_tag", "last_id_tag_name"}


async def async_get_config_entry_diagnostics(hass: HomeAssistant, entry: ChargeShareConfigEntry) -> dict[str, Any]:
    if is_hub_link(entry):
        return link_diagnostics(entry)
    runtime = entry.runtime_data
    chargers = {}
    for charger_id, coordinator in runtime.coordinators.items():
        state = asdict(coordinator.data)
        state["capabilities"] = str(coordinator.data.capabilities)
        control = runtime.controls[charger_id]
        chargers[charger_id] = {
            "state": state,
            "stored": coordinator.charger.persisted(),
            "control": {
                "settings": control.settings.to_dict(),
                "decision": asdict(control.decision) if control.decision else None,
            },
            "sharing": {
                "settings": control.sharing.settings.to_dict(),
                "availability": asdict(control.sharing.availability),
                "guest_session_active": control.sharing.guest_session_active,
            },
        }
    return async_redact_data(
        {
            "data": dict(entry.data),
            "options": dict(entry.options),
            "transport": transport(entry),
            "listening_port": runtime.server.port if runtime.server else None,
            "chargers": chargers,
        },
        TO_REDACT,
    )
