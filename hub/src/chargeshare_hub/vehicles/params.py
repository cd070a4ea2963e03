"""An amount of energy as a request gives it, in kWh (query text or JSON number), checked and turned into Wh."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal, InvalidOperation

from ..web.errors import bad_request
from .tables import Vehicle

MAX_ENERGY_KWH = 300  # more than any car's battery holds


def energy_wh(value: str | float, field: str = "energy_kwh") -> int:
    """Whole Wh, rounded up; refuses anything but a number above 0 up to MAX_ENERGY_KWH."""
    try:
        kwh = Decimal(str(value))
    except InvalidOperation:
        raise bad_request("invalid", f"{field} is a number of kWh.", field) from None
    if not kwh.is_finite() or not 0 < kwh <= MAX_ENERGY_KWH:
        raise bad_request("invalid", f"{field} is above 0 up to {MAX_ENERGY_KWH} kWh.", field)
    return int((kwh * 1000).to_integral_value(rounding=ROUND_CEILING))


def check_fits_battery(vehicle: Vehicle, wh: int, field: str = "energy_kwh") -> None:
    if vehicle.usable_battery_wh is not None and wh > vehicle.usable_battery_wh:
        raise bad_request(
            "invalid", f"The {vehicle.name}'s battery holds {vehicle.usable_battery_wh / 1000:g} kWh.", field
        )
