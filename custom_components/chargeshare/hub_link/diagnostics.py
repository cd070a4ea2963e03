"""What the hub link entry's diagnostics download shows: the connection, the outbox, the listing's id."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Final

from homeassistant.components.diagnostics import async_redact_data

from .entry import CONF_TOKEN, HubLinkConfigEntry

TO_REDACT: Final = {CONF_TOKEN}


def link_diagnostics(entry: HubLinkConfigEntry) -> dict[str, Any]:
    runtime = entry.runtime_data
    link = runtime.link
    return async_redact_data(
        {
            "data": dict(entry.data),
            "options": dict(entry.options),
            "connected": link.connected,
            "last_error": link.last_error,
            "welcome": asdict(link.welcome) if link.welcome else None,
            "unacknowledged_messages": link.pending,
            "location_id": runtime.state.location_id,
            "listing_url": runtime.state.listing_url,
            "chargers": runtime.feed.evse_uids,
        },
        TO_REDACT,
    )
