"""A waitlist entry as the API receives and shows it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..listings.ocpi_json import ocpi_time
from ..vehicles.params import MAX_ENERGY_KWH
from .tables import WaitlistEntry, WaitlistOffer

JOIN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A window, and either the slot's length or a vehicle and the energy to charge.",
    "additionalProperties": False,
    "required": ["from", "to"],
    "properties": {
        "from": {"type": "string", "format": "date-time"},
        "to": {"type": "string", "format": "date-time"},
        "duration_minutes": {"type": "integer", "minimum": 5, "maximum": 7 * 24 * 60},
        "vehicle_id": {"type": "string", "maxLength": 36},
        "energy_kwh": {"type": "number", "minimum": 0, "maximum": MAX_ENERGY_KWH},
    },
}


@dataclass(frozen=True, slots=True)
class EntryView:
    entry: WaitlistEntry
    offer: WaitlistOffer | None  # the open one
    offer_evse_uid: str | None


def entry_json(view: EntryView) -> dict[str, Any]:
    entry, offer = view.entry, view.offer
    return {
        "id": entry.id,
        "location_id": entry.location_id,
        "window": {"from": ocpi_time(entry.window_from), "to": ocpi_time(entry.window_to)},
        "duration_minutes": entry.duration_minutes,
        "vehicle_id": entry.vehicle_id,
        "energy_kwh": None if entry.energy_wh is None else entry.energy_wh / 1000,
        "status": entry.status,
        "offer": None
        if offer is None
        else {
            "evse_uid": view.offer_evse_uid,
            "connector_id": offer.connector_id,
            "period": {"start_from": ocpi_time(offer.starts_at), "end_before": ocpi_time(offer.ends_at)},
            "expires_at": ocpi_time(offer.expires_at),
        },
        "booking_id": entry.booking_id,
        "created_at": ocpi_time(entry.created_at),
    }
