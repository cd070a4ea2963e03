"""Tariffs and listings for planning a charge: flat, time-of-use, with a booking fee, with solar."""

from __future__ import annotations

from typing import Any

from tests.hub.bookings.helpers import Actor
from tests.hub.charging.helpers import charger

DAY, NIGHT = 0.40, 0.20  # EUR per kWh; night is 22:00 to 06:00 local
# The mix of a listing with rooftop solar: a fifth of its energy from the sun, the rest from the grid.
ROOFTOP_SOLAR = {
    "is_green_energy": False,
    "energy_sources": [{"source": "SOLAR", "percentage": 20}, {"source": "GENERAL_FOSSIL", "percentage": 80}],
}
OPEN_05_TO_21 = {
    "twentyfourseven": False,
    "regular_hours": [{"weekday": day, "period_begin": "05:00", "period_end": "21:00"} for day in range(1, 8)],
}


def energy_price(price: float, *extra_elements: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "flat",
        "currency": "EUR",
        "elements": [*extra_elements, {"price_components": [{"type": "ENERGY", "price": price, "step_size": 1}]}],
    }


def time_of_use(*extra_elements: dict[str, Any]) -> dict[str, Any]:
    night = {
        "price_components": [{"type": "ENERGY", "price": NIGHT, "step_size": 1}],
        "restrictions": {"start_time": "22:00", "end_time": "06:00"},
    }
    return energy_price(DAY, *extra_elements, night) | {"id": "time-of-use"}


BOOKING_FEE = {  # 0.50 EUR to book a slot
    "price_components": [{"type": "FLAT", "price": 0.50, "step_size": 1}],
    "restrictions": {"reservation": "RESERVATION"},
}


async def listing_with(client: Any, host: Actor, *tariffs: dict[str, Any], **changes: Any) -> str:
    """A listing with one 11 kW Type 2 wallbox in Köln whose connector names the tariffs (made first)."""
    return await charger(client, host, *tariffs, **changes)


def connector(standard: str, power_type: str, volts: int, amps: int, connector_id: str = "1") -> dict[str, Any]:
    fmt = "CABLE" if power_type == "DC" else "SOCKET"
    return {"id": connector_id, "standard": standard, "format": fmt, "power_type": power_type, "max_voltage": volts,
            "max_amperage": amps}  # fmt: skip
